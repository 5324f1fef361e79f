#pragma once

/// Scheduler plugin interfaces, one per extension point, mirroring kube-scheduler's
/// framework/interface.go. A plugin implements the interfaces of the points it extends; the Framework
/// calls them in upstream's order:
///
///   QueueSort → PreFilter → Filter (per node) → PostFilter (if no node fits)
///             → PreScore → Score (per node) → NormalizeScore → Reserve → Permit → Bind
///
/// Virtual calls happen per plugin per node, never per simulation event.

#include "kubesim/scheduler/framework/cycle_state.hpp"
#include "kubesim/scheduler/framework/node_info.hpp"
#include "kubesim/scheduler/framework/status.hpp"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace kubesim::scheduler {

inline constexpr std::int64_t kMaxNodeScore = 100;
inline constexpr std::int64_t kMinNodeScore = 0;

class Plugin {
 public:
  virtual ~Plugin() = default;
  /// The plugin's registered name, e.g. "NodeResourcesFit". Must be a static string.
  [[nodiscard]] virtual std::string_view name() const = 0;
};

/// PreEnqueue: runs before a pod enters activeQ; anything but Success keeps it out (parked with the
/// unschedulable pods) until the pod is updated. Used by SchedulingGates.
class PreEnqueuePlugin : public virtual Plugin {
 public:
  virtual Status pre_enqueue(const api::Pod& pod) = 0;
};

/// QueueSort: orders the activeQ. Exactly one per profile.
class QueueSortPlugin : public virtual Plugin {
 public:
  struct QueuedPod {
    const api::Pod* pod;
    base::SimTime timestamp;  // when the pod was last added to the queue
  };
  /// True if `a` should be scheduled before `b`.
  [[nodiscard]] virtual bool less(const QueuedPod& a, const QueuedPod& b) const = 0;
};

/// PreFilter: runs once per scheduling cycle before Filter; may compute state for later points, reject
/// the pod outright, or return Skip to have this plugin's Filter skipped.
class PreFilterPlugin : public virtual Plugin {
 public:
  virtual Status pre_filter(CycleState& state, const PodInfo& pod) = 0;

  // PreFilterExtensions (upstream): keep the state PreFilter computed over the whole snapshot in step
  // when pods are added to or removed from a node afterwards, in a cloned CycleState and on a copy of
  // the node (preemption's dry run; nominated pods in the filter pass). Called only when
  // has_pre_filter_extensions() is true and PreFilter did not return Skip.

  /// True if add_pod/remove_pod update this plugin's PreFilter state (upstream: PreFilterExtensions()
  /// is not nil).
  [[nodiscard]] virtual bool has_pre_filter_extensions() const { return false; }
  /// AddPod: `pod_to_add` has been added to `node` while `pod` is being scheduled.
  virtual Status add_pod(CycleState& /*state*/, const PodInfo& /*pod*/, const PodInfo& /*pod_to_add*/,
                         const NodeInfo& /*node*/) {
    return Status::success();
  }
  /// RemovePod: `pod_to_remove` has been removed from `node` while `pod` is being scheduled.
  virtual Status remove_pod(CycleState& /*state*/, const PodInfo& /*pod*/, const PodInfo& /*pod_to_remove*/,
                            const NodeInfo& /*node*/) {
    return Status::success();
  }
};

/// When the Framework may leave a Filter plugin's filter() uncalled because it is known to return
/// Success (a kubesim optimization with no upstream counterpart; no decision changes): on every node
/// for this pod (PassAll), or on every node whose NodeInfo flag `unless` is false (PassUnlessFlag, for
/// plugins that look at nothing else first, such as NodeUnschedulable with NodeInfo::unschedulable).
/// The Framework then tests the flag itself instead of making a virtual call per node, and does not run
/// the plugin at all in a cycle where no node of the snapshot has the flag (Snapshot::nodes_flagged).
struct FilterShortcut {
  enum class Kind : std::uint8_t { Call, PassAll, PassUnlessFlag };
  Kind kind = Kind::Call;
  bool NodeInfo::*unless = nullptr;  // PassUnlessFlag only
};

/// Filter: may the pod run on this node? Returns Success, Unschedulable or
/// UnschedulableAndUnresolvable with reasons such as "Insufficient cpu".
class FilterPlugin : public virtual Plugin {
 public:
  virtual Status filter(const CycleState& state, const PodInfo& pod, const NodeInfo& node) = 0;
  /// Asked once per cycle, after PreFilter (so `state` holds what PreFilter wrote). The answer must
  /// hold for every node filter() may be called with in this cycle, copies included. The default,
  /// Call, always calls filter().
  [[nodiscard]] virtual FilterShortcut filter_shortcut(const CycleState& /*state*/, const PodInfo& /*pod*/) const {
    return {};
  }
  /// filter() over a block of nodes, for the scheduler's node walk: for each i with pass[i] != 0, sets
  /// pass[i] to whether filter(state, pod, *nodes[i]) succeeds (the spans have the same size); nodes
  /// with pass[i] == 0 are left alone. The default loops over filter(); plugins on the default
  /// profile's hot path override it to decide a node without building a Status. An override must agree
  /// exactly with filter(), which the Framework still calls for the reasons of a node that fails.
  virtual void filter_nodes(const CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                            std::span<std::uint8_t> pass) {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (pass[i] != 0) {
        pass[i] = filter(state, pod, *nodes[i]).is_success() ? 1 : 0;
      }
    }
  }
};

/// The filter outcome of every node that was tried, for PostFilter (upstream NodeToStatusMap).
struct NodeStatus {
  const NodeInfo* node;
  Status status;
};

/// What a PostFilter plugin achieved: a nominated node (the pod may fit there once victims are gone),
/// and a message appended to the FitError (e.g. "preemption: 0/5 nodes are available: ...").
struct PostFilterResult {
  std::string nominated_node;
  std::string message;
};

/// PostFilter: runs when no node passed Filter; DefaultPreemption looks for victims here.
class PostFilterPlugin : public virtual Plugin {
 public:
  virtual Status post_filter(CycleState& state, const PodInfo& pod, std::span<const NodeStatus> statuses,
                             PostFilterResult& result) = 0;
};

/// PreScore: runs once over the feasible nodes before Score; Skip drops this plugin's Score.
class PreScorePlugin : public virtual Plugin {
 public:
  virtual Status pre_score(CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes) = 0;
};

/// Score: ranks a feasible node, in [0, 100] after NormalizeScore. `normalize_score` is called once with
/// every node's raw score and may rewrite them (ScoreExtensions upstream); the default leaves them.
class ScorePlugin : public virtual Plugin {
 public:
  virtual std::int64_t score(const CycleState& state, const PodInfo& pod, const NodeInfo& node) = 0;
  /// Raw scores of every node: `scores[i]` = score(state, pod, *nodes[i]) (the spans have the same
  /// size). The Framework calls this once per plugin per cycle. The default loops over score();
  /// plugins on the default profile's hot path override it to read their CycleState once and score
  /// without a virtual call per node. An override must give exactly what score() gives.
  virtual void score_nodes(const CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                           std::span<std::int64_t> scores) {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      scores[i] = score(state, pod, *nodes[i]);
    }
  }
  [[nodiscard]] virtual bool has_normalize() const { return false; }
  virtual void normalize_score(const CycleState& /*state*/, const PodInfo& /*pod*/,
                               std::span<std::int64_t> /*scores*/) {}
};

/// Reserve: claims node-local resources for the pod before binding; Unreserve undoes it when a later
/// step fails (in reverse plugin order).
class ReservePlugin : public virtual Plugin {
 public:
  virtual Status reserve(CycleState& state, const PodInfo& pod, const std::string& node_name) = 0;
  virtual void unreserve(CycleState& state, const PodInfo& pod, const std::string& node_name) = 0;
};

/// Bind: performs the binding. The first Bind plugin that does not Skip binds the pod. Binding is
/// asynchronous in the simulation: the plugin issues the API request and the scheduler learns the
/// outcome from the reply.
class BindPlugin : public virtual Plugin {
 public:
  virtual Status bind(const PodInfo& pod, const std::string& node_name) = 0;
};

/// One equivalence class of a batch (BatchPlugin): identical pending pods of one profile (same
/// namespace, labels, owners and spec), their feasible nodes and each node's weighted Score total.
/// Filter and Score ran once for the class against the snapshot as it was before the batch.
struct BatchClass {
  /// The first pod of the class in queue order; every pod of the class has the same requests.
  const PodInfo* pod = nullptr;
  /// How many pods the class holds (>= 1).
  std::int32_t count = 0;
  /// Nodes that passed Filter, in the order they were tried; never empty.
  std::span<const NodeInfo* const> nodes;
  /// The profile's weighted Score total of each node (same order); all 0 without Score plugins.
  std::span<const std::int64_t> scores;
};

/// Batch (kubesim extension, not in kube-scheduler; docs/policies.md): a profile with a Batch plugin
/// schedules up to batch_size() pending pods of one priority per cycle. The Scheduler groups them into
/// classes, runs PreFilter, Filter and Score per class, and asks the plugin where each pod should go;
/// it then re-checks Filter for each pod against the snapshot with the earlier pods of the batch
/// assumed, and binds. Pods the plugin leaves out, or whose node no longer fits, go through the
/// ordinary single-pod cycle right after. Enabled under `multiPoint` (at most one per profile).
class BatchPlugin : public virtual Plugin {
 public:
  /// The most pods one batch cycle takes from activeQ (>= 1).
  [[nodiscard]] virtual std::int32_t batch_size() const = 0;
  /// Places the classes. `placements` has Σ count entries, class after class in the order of
  /// `classes`, the pods of a class in queue order; the plugin sets each to one of the class's nodes,
  /// or leaves it nullptr (not placed by the batch). `max_score` bounds every score (100 × the sum of
  /// the profile's Score weights). An Error status fails the batch: every pod is then scheduled alone.
  virtual Status assign(std::span<const BatchClass> classes, std::int64_t max_score,
                        std::span<const NodeInfo*> placements) = 0;
};

/// Replaces each score s with DefaultNormalizeScore(maxPriority, reverse): s' = max·s/maxScore, and
/// when `reverse`, s' = max − s'. When every score is 0, reverse sets all to max and otherwise nothing
/// changes (K8S-SEMANTICS §2.10).
void default_normalize_score(std::int64_t max_priority, bool reverse, std::span<std::int64_t> scores);

}  // namespace kubesim::scheduler
