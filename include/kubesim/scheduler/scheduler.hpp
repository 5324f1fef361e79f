#pragma once

/// Scheduler: kube-scheduler's scheduling loop (schedule_one.go), driven by simulation events instead of
/// goroutines, with one Framework per profile (pods pick theirs by spec.schedulerName).
///
/// It watches pods (non-terminal ones, like upstream's informer field selector), nodes, Services,
/// ReplicaSets and PodDisruptionBudgets through the API server and keeps its cache as a Snapshot with
/// assumed pods. Each EventKind::SchedulerCycle schedules one pod: pop the queue head, PreFilter, Filter
/// nodes from the round-robin start index until numFeasibleNodesToFind feasible nodes are found,
/// PostFilter when none is, Score, pick the best node (ties broken by reservoir sampling from the
/// scheduler's seeded stream), assume, Reserve and bind through the API. A pod that fits nowhere gets
/// upstream's FitError message on its PodScheduled condition and waits in the queue for a cluster event.
/// A profile with a Batch plugin (MinCostFlow) schedules many pods per cycle instead (docs/policies.md).

#include "kubesim/client/client.hpp"
#include "kubesim/client/event_recorder.hpp"
#include "kubesim/scheduler/framework/framework.hpp"
#include "kubesim/scheduler/scheduler_config.hpp"
#include "kubesim/scheduler/scheduling_queue.hpp"
#include "kubesim/sim/signal.hpp"
#include "kubesim/sim/simulation.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace kubesim::scheduler {

/// Watch targets under EventKind::SchedulerWatch.
inline constexpr std::uint32_t kPodWatch = 0;
inline constexpr std::uint32_t kNodeWatch = 1;
inline constexpr std::uint32_t kServiceWatch = 2;
inline constexpr std::uint32_t kReplicaSetWatch = 3;
inline constexpr std::uint32_t kPdbWatch = 4;

/// The outcome of one scheduling attempt, for observers (trace, metrics).
struct AttemptResult {
  /// The chosen node; empty when the pod is unschedulable.
  std::string node;
  /// FitError text when unschedulable.
  std::string message;
  std::int32_t nodes_evaluated = 0;
  std::int32_t nodes_feasible = 0;
  /// When unschedulable: each filter reason and how many nodes gave it (the FitError's histogram).
  /// Points into the scheduler and is valid only during the on_attempt call.
  const std::map<std::string, std::int32_t>* reasons = nullptr;
  /// Every attempt that ran Filter, feasible or not: the reasons of the nodes Filter rejected, and how
  /// many nodes gave each (null for a batch placement). Valid only during the on_attempt call.
  const std::map<std::string, std::int32_t>* rejections = nullptr;
  /// Feasible nodes the Score plugins ranked (0 when there was one feasible node or no Score plugin),
  /// and the chosen node's weighted total score then.
  std::int32_t nodes_scored = 0;
  std::int64_t score = 0;
  /// When unschedulable: the node a PostFilter (preemption) nominated, if any.
  std::string nominated_node;
  /// The pods that preemption chose to delete for this pod (empty without preemption). Points into
  /// the scheduler and is valid only during the on_attempt call.
  std::span<const std::shared_ptr<const api::Pod>> victims;
};

/// numFeasibleNodesToFind (K8S-SEMANTICS §3): how many feasible nodes to look for among `num_all_nodes`
/// given percentageOfNodesToScore (0 = adaptive).
std::int32_t num_feasible_nodes_to_find(std::int32_t percentage_of_nodes_to_score, std::int32_t num_all_nodes);

/// Upstream FitError text: "0/N nodes are available: <count> <reason>, …." with "count reason" strings
/// sorted, then " " + the PostFilter message when there is one. `reasons` maps each reason to the
/// number of nodes that reported it.
std::string fit_error_message(std::int32_t num_all_nodes, const std::map<std::string, std::int32_t>& reasons,
                              const std::string& post_filter_message = {});

class Scheduler final : public FrameworkHandle {
 public:
  /// `profiles` are complete (already merged with the defaults); at least one. Fails with upstream's
  /// message when a profile does not form a valid framework, when two profiles share a scheduler name,
  /// or when their QueueSort plugins differ.
  static base::Expected<std::unique_ptr<Scheduler>, std::string> create(sim::Simulation& sim,
                                                                        apiserver::ApiServer& server,
                                                                        SchedulerConfig config,
                                                                        const std::vector<ProfileConfig>& profiles);

  /// Starts the informers.
  void start();

  // Dispatcher entry points.
  void handle_watch(std::uint32_t target, std::uint32_t slot);
  void handle_reply(std::uint32_t slot);
  void run_cycle();
  void flush_backoff();
  void flush_unschedulable();

  // FrameworkHandle.
  [[nodiscard]] const Snapshot& snapshot() const override { return snapshot_; }
  [[nodiscard]] const ClusterObjects& objects() const override { return objects_; }
  base::Rng& rng() override { return rng_; }
  void bind_pod(const api::Pod& pod, const std::string& node_name) override;
  /// Runs the filters of the profile whose cycle is running, twice when pods of priority >= `pod` are
  /// nominated to the node (upstream RunFilterPluginsWithNominatedPods). Only valid inside run_cycle.
  Status run_filter_with_nominated(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  /// prepareCandidate: DisruptionTarget condition (status patch) and DELETE for each victim, then clears
  /// the nominatedNodeName of lower-priority pods nominated to `node`.
  void preempt(const api::Pod& preemptor, const std::string& node,
               std::span<const std::shared_ptr<const api::Pod>> victims) override;
  void clear_nominated_node(const api::Pod& pod) override;

  /// The nominator (upstream nominator in the scheduling queue): pending pods nominated to `node`, in
  /// the order they were nominated. A nomination comes from this scheduler's preemption (at once) or
  /// from a pod's status.nominatedNodeName (watch); it ends when the pod is bound, deleted or its
  /// status loses the node.
  [[nodiscard]] std::vector<PodInfo> nominated_pods_for_node(const std::string& node) const;

  /// Fired after every scheduling attempt.
  sim::Signal<base::SimTime, const api::Pod&, const AttemptResult&> on_attempt;
  /// A pending pod entered the scheduling queue (for per-pod metrics).
  sim::Signal<base::SimTime, const api::Pod&> on_queued;

  [[nodiscard]] const SchedulingQueue& queue() const { return *queue_; }
  [[nodiscard]] std::uint64_t attempts() const { return attempts_; }
  /// Pods deleted by preemption (each victim once per preemption that chose it).
  [[nodiscard]] std::uint64_t preemption_victims() const { return preemption_victims_; }

 private:
  Scheduler(sim::Simulation& sim, apiserver::ApiServer& server, SchedulerConfig config);

  void on_pod_event(const client::WatchEvent& ev);
  void on_node_event(const client::WatchEvent& ev);
  void on_object_event(std::uint32_t target, const client::WatchEvent& ev);
  /// Call after anything that may have moved pods between queues: schedules a cycle if activeQ has
  /// pods and arms the flush timers if backoffQ or unschedulablePods do.
  void on_queue_changed();
  void ensure_cycle_scheduled();
  void arm_flush_timers();
  void enqueue(const std::shared_ptr<const api::Pod>& pod, bool added);
  void add_assigned(const std::shared_ptr<const api::Pod>& pod, bool assumed);
  /// The same with the pod's key ("ns/name"), PodInfo and node name already at hand (the assume path
  /// caches the pending pod, whose spec.nodeName is still empty).
  void add_assigned(const std::string& key, PodInfo info, bool assumed, const std::string& node_name);
  void remove_assigned(const std::string& key);
  void record_unschedulable(const QueuedPodInfo& qp, const std::string& message);
  /// One pod's scheduling attempt with its profile's framework (upstream scheduleOne, without the pop).
  void schedule_one(QueuedPodInfo qp, Framework* fw);
  struct WalkResult {
    std::int32_t processed = 0;   // nodes tried, in walk order up to the last feasible one needed
    bool nominated_seen = false;  // `nominated` was among them
  };
  /// Filters nodes from next_start_node_index_ in node-tree order (nominated pods included) until
  /// `want` are feasible or every node was tried; appends feasible nodes to feasible_ and, with
  /// `reasons`, failed nodes to failed_ and their reasons to the counts. Leaves the start index alone.
  WalkResult find_feasible_nodes(const PodInfo& pod, std::int32_t want, const NodeInfo* nominated,
                                 std::map<std::string, std::int32_t>* reasons);
  /// A batch cycle (batch_cycle.cpp, docs/policies.md): `head` and up to batch_size() − 1 more pods of
  /// its profile and priority, placed together by the profile's Batch plugin; pods it does not place
  /// go through schedule_one. Returns how many pods it took from the queue.
  std::int64_t run_batch_cycle(QueuedPodInfo head, Framework& fw, BatchPlugin& batch);
  /// Assume, Reserve and bind `pod` on `node` (the end of schedule_one, and of a pod placed by a batch).
  void assume_and_bind(const QueuedPodInfo& qp, Framework& fw, const PodInfo& pod, const NodeInfo& node,
                       AttemptResult& result);
  /// The framework of the pod's profile, or nullptr when no profile has its schedulerName.
  [[nodiscard]] Framework* framework_for(const api::Pod& pod);
  /// The event recorder of the pod's profile (the first profile's for pods of no profile).
  client::EventRecorder& recorder_for(const api::Pod& pod);
  /// Nominator updates: (re)nominate the pod to `node`, or forget its nomination.
  void add_nominated(const std::shared_ptr<const api::Pod>& pod, const std::string& node);
  void delete_nominated(const std::string& key);
  /// Upstream updateNominatedPod for a watch event of a pending pod.
  void update_nominated(const std::shared_ptr<const api::Pod>& pod);

  struct Assigned {
    std::string node;
    std::string uid;
    bool assumed = false;
  };
  struct PendingBind {
    QueuedPodInfo queued;
    std::string key;
    std::string node;
    Framework* framework = nullptr;
  };

  sim::Simulation& sim_;
  client::Client client_;
  SchedulerConfig config_;
  base::Rng rng_;
  // Both are built in create(): the queue orders pods with the profiles' common QueueSort plugin.
  std::vector<Framework> frameworks_;
  /// One event recorder per profile (source.component = its schedulerName), parallel to frameworks_.
  std::vector<std::unique_ptr<client::EventRecorder>> recorders_;
  std::unique_ptr<SchedulingQueue> queue_;

  Snapshot snapshot_;
  ClusterObjects objects_;
  std::unordered_map<std::string, Assigned> assigned_;  // by "ns/name"; lookup only
  /// Pods a PreEnqueue plugin keeps out of the queue (scheduling gates), by "ns/name".
  std::map<std::string, std::shared_ptr<const api::Pod>> gated_;
  /// Bound pods whose node the cache has not seen yet, by node name.
  std::map<std::string, std::vector<std::shared_ptr<const api::Pod>>> pending_node_pods_;
  std::map<std::uint64_t, PendingBind> pending_binds_;
  std::uint64_t next_bind_tag_ = 1;
  std::uint64_t current_bind_tag_ = 0;  // the tag of the bind being issued by run_bind
  std::uint32_t next_start_node_index_ = 0;
  std::uint64_t attempts_ = 0;
  std::uint64_t preemption_victims_ = 0;
  /// The victims preempt() chose during the current attempt (AttemptResult::victims).
  std::vector<std::shared_ptr<const api::Pod>> victims_;
  bool cycle_scheduled_ = false;
  /// The end of the last cycle's simulated compute time (cycle_cost per pod): no cycle starts earlier.
  base::SimTime busy_until_;
  base::SimTime backoff_timer_at_ = base::SimTime::max();
  base::SimTime unschedulable_timer_at_ = base::SimTime::max();

  /// Nominated pods by node, in nomination order, and each pod's node by "ns/name" (lookup only).
  std::map<std::string, std::vector<PodInfo>> nominated_pods_;
  std::unordered_map<std::string, std::string> nominated_node_of_;
  /// The framework of the running cycle (for run_filter_with_nominated).
  Framework* current_fw_ = nullptr;
  /// Set during PostFilter: the nominatedNodeName to write with the PodScheduled=False condition
  /// (upstream NominatingInfo in ModeOverride); empty string = clear. Unset = leave as is.
  std::optional<std::string> nomination_override_;

  // Scratch buffers reused by every cycle.
  CycleState state_;
  std::vector<const NodeInfo*> feasible_;
  std::vector<NodeStatus> failed_;
  std::vector<std::int64_t> totals_;
  // Scratch buffers of batch cycles.
  std::vector<QueuedPodInfo> batch_pods_;
  std::vector<PodInfo> batch_class_pods_;
  std::vector<std::vector<std::uint32_t>> batch_members_;
  std::vector<std::pair<std::int32_t, std::int32_t>> batch_evaluated_;  // per class: evaluated, feasible
  std::vector<std::size_t> batch_offsets_;                              // per class, into the candidates
  std::vector<const NodeInfo*> batch_nodes_;
  std::vector<std::int64_t> batch_scores_;
  std::vector<BatchClass> batch_classes_;
  std::vector<const NodeInfo*> batch_placements_;
  std::vector<const NodeInfo*> batch_target_;  // per pod of the batch
  std::vector<std::int32_t> batch_class_of_;   // per pod of the batch; -1 = alone
  std::vector<std::uint32_t> batch_alone_;
};

}  // namespace kubesim::scheduler
