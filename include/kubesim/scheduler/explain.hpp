#pragma once

/// Offline "schedule one pod and explain": the scheduling cycle of one pod against a fixed cluster, with
/// every intermediate result kept (what `kubesim schedule` prints). Unlike the Scheduler loop it
///  * filters EVERY node (percentageOfNodesToScore is treated as 100),
///  * scores every feasible node, even when only one is (upstream skips scoring then),
///  * runs no PostFilter (no preemption), Reserve, Permit or Bind: nothing is changed,
///  * breaks ties deterministically: among nodes with the highest total, the first in input order
///    wins (the Scheduler uses its seeded stream for reservoir sampling; here there is no stream to
///    match, and a stable answer is easier to teach with).

#include "kubesim/api/node.hpp"
#include "kubesim/api/pod.hpp"
#include "kubesim/api/priority_class.hpp"
#include "kubesim/base/expected.hpp"
#include "kubesim/base/rng.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kubesim::scheduler {

/// A FrameworkHandle over a fixed Snapshot and object set, for offline use (explain, and building a
/// Framework at load time only to validate a profile). bind_pod does nothing.
class StaticHandle final : public FrameworkHandle {
 public:
  StaticHandle() = default;
  [[nodiscard]] const Snapshot& snapshot() const override { return snapshot_; }
  [[nodiscard]] const ClusterObjects& objects() const override { return objects_; }
  base::Rng& rng() override { return rng_; }
  void bind_pod(const api::Pod& /*pod*/, const std::string& /*node_name*/) override {}

  [[nodiscard]] Snapshot& mutable_snapshot() { return snapshot_; }
  [[nodiscard]] ClusterObjects& mutable_objects() { return objects_; }

 private:
  Snapshot snapshot_;
  ClusterObjects objects_;
  base::Rng rng_{1};
};

/// The cluster the pod is scheduled into. Objects are expected to be defaulted already
/// (apiserver::apply_defaults); pod priorities are resolved here from `priority_classes` as the
/// Priority admission plugin would.
struct ExplainInput {
  /// Nodes in input (file) order; results are reported in this order.
  std::vector<std::shared_ptr<const api::Node>> nodes;
  /// Pods already bound (spec.nodeName set). Terminal pods (Succeeded/Failed) are left out, as the
  /// scheduler's informer does; pods bound to a node not in `nodes` are ignored.
  std::vector<std::shared_ptr<const api::Pod>> bound_pods;
  std::vector<std::shared_ptr<const api::PriorityClass>> priority_classes;
  ClusterObjects objects;
};

/// One plugin's score on one node (copy of PluginScore that owns its name).
struct ExplainedScore {
  std::string plugin;
  std::int64_t raw = 0;
  std::int64_t normalized = 0;
  std::int64_t weight = 0;
};

/// One node's verdict.
struct NodeExplanation {
  std::string name;
  /// Success, or the first failing Filter plugin's status (plugin() names it), or the PreFilter
  /// rejection when PreFilter failed (every node then carries it, as upstream records).
  Status filter;
  /// Per Score plugin not skipped by its PreScore, in run order; empty for infeasible nodes.
  std::vector<ExplainedScore> scores;
  /// Sum of normalized × weight; meaningful only when filter is Success.
  std::int64_t total = 0;
};

struct ExplainResult {
  /// "namespace/name".
  std::string pod;
  /// The profile's schedulerName.
  std::string profile;
  Status pre_filter;
  std::vector<NodeExplanation> nodes;
  /// The chosen node; empty when none is feasible (or scoring failed).
  std::string selected;
  /// The FitError text when no node is feasible ("0/3 nodes are available: ..."), or a scoring error.
  std::string message;
};

/// Resolves spec.priority from priorityClassName (or the global default class with the lowest value),
/// as the Priority admission plugin does; a pod that already has spec.priority keeps it. Returns
/// admission's message when the class is unknown, nullopt on success.
std::optional<std::string> resolve_priority(api::Pod& pod,
                                            const std::vector<std::shared_ptr<const api::PriorityClass>>& classes);

/// Runs one scheduling cycle of `pod` against `input` with `profile` (already merged with the
/// defaults). Fails only when the profile does not form a valid Framework or a priority cannot be
/// resolved; an unschedulable pod is a normal result (`selected` empty, `message` set).
/// Cost: O(plugins × nodes) plugin calls.
base::Expected<ExplainResult, std::string> explain_schedule(const api::Pod& pod, const ExplainInput& input,
                                                            const ProfileConfig& profile,
                                                            const PluginRegistry& registry = default_registry());

}  // namespace kubesim::scheduler
