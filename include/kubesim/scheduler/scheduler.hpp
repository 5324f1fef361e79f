#pragma once

/// Scheduler: kube-scheduler's scheduling loop over one profile (schedule_one.go), driven by simulation
/// events instead of goroutines.
///
/// It watches pods (non-terminal ones, like upstream's informer field selector) and nodes through the
/// API server, keeps its cache of NodeInfo with assumed pods, and runs one scheduling cycle per
/// EventKind::SchedulerCycle: pop the queue head, PreFilter, Filter nodes starting at the round-robin
/// index until numFeasibleNodesToFind feasible nodes are found, Score, pick the best node (ties broken
/// by reservoir sampling from the scheduler's seeded stream), assume the pod and bind it through the
/// API. A pod that fits nowhere gets upstream's FitError message on its PodScheduled condition and waits
/// in the queue for a cluster event.

#include "kubesim/client/client.hpp"
#include "kubesim/scheduler/framework/framework.hpp"
#include "kubesim/scheduler/scheduler_config.hpp"
#include "kubesim/scheduler/scheduling_queue.hpp"
#include "kubesim/sim/signal.hpp"
#include "kubesim/sim/simulation.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace kubesim::scheduler {

/// Watch targets under EventKind::SchedulerWatch.
inline constexpr std::uint32_t kPodWatch = 0;
inline constexpr std::uint32_t kNodeWatch = 1;

/// The outcome of one scheduling attempt, for observers (trace, metrics).
struct AttemptResult {
  /// The chosen node; empty when the pod is unschedulable.
  std::string node;
  /// FitError text when unschedulable.
  std::string message;
  std::int32_t nodes_evaluated = 0;
  std::int32_t nodes_feasible = 0;
};

/// numFeasibleNodesToFind (K8S-SEMANTICS §3): how many feasible nodes to look for among `num_all_nodes`
/// given percentageOfNodesToScore (0 = adaptive).
std::int32_t num_feasible_nodes_to_find(std::int32_t percentage_of_nodes_to_score, std::int32_t num_all_nodes);

/// Upstream FitError text: "0/N nodes are available: <count> <reason>, …." with "count reason" strings
/// sorted. `reasons` maps each reason to the number of nodes that reported it.
std::string fit_error_message(std::int32_t num_all_nodes, const std::map<std::string, std::int32_t>& reasons);

class Scheduler final : public FrameworkHandle {
 public:
  /// Fails (returns an error message) only if the profile does not form a valid framework.
  static base::Expected<std::unique_ptr<Scheduler>, std::string> create(sim::Simulation& sim,
                                                                         apiserver::ApiServer& server,
                                                                         SchedulerConfig config, Profile profile);

  /// Starts the pod and node informers.
  void start();

  // Dispatcher entry points.
  void handle_watch(std::uint32_t target, std::uint32_t slot);
  void handle_reply(std::uint32_t slot);
  void run_cycle();
  void flush_backoff();
  void flush_unschedulable();

  void bind_pod(const api::Pod& pod, const std::string& node_name) override;

  /// Fired after every scheduling attempt.
  sim::Signal<base::SimTime, const api::Pod&, const AttemptResult&> on_attempt;

  [[nodiscard]] const SchedulingQueue& queue() const { return *queue_; }
  [[nodiscard]] std::uint64_t attempts() const { return attempts_; }

 private:
  Scheduler(sim::Simulation& sim, apiserver::ApiServer& server, SchedulerConfig config);

  void on_pod_event(const client::WatchEvent& ev);
  void on_node_event(const client::WatchEvent& ev);
  /// Call after anything that may have moved pods between queues: schedules a cycle if activeQ has
  /// pods and arms the flush timers if backoffQ or unschedulablePods do.
  void on_queue_changed();
  void ensure_cycle_scheduled();
  void arm_flush_timers();
  void add_assigned(const std::shared_ptr<const api::Pod>& pod, bool assumed);
  void remove_assigned(const std::string& key);
  void record_unschedulable(const QueuedPodInfo& qp, const std::string& message);
  [[nodiscard]] bool is_ours(const api::Pod& pod) const;

  struct Assigned {
    std::string node;
    PodInfo info;
    bool assumed = false;
  };
  struct PendingBind {
    QueuedPodInfo queued;
    std::string key;
  };

  sim::Simulation& sim_;
  client::Client client_;
  SchedulerConfig config_;
  base::Rng rng_;
  // Both are built in create(): the queue orders pods with the framework's QueueSort plugin.
  std::optional<Framework> framework_;
  std::unique_ptr<SchedulingQueue> queue_;

  std::vector<NodeInfo> nodes_;
  std::unordered_map<std::string, std::uint32_t> node_index_;
  std::unordered_map<std::string, Assigned> assigned_;
  std::map<std::uint64_t, PendingBind> pending_binds_;
  std::uint64_t next_bind_tag_ = 1;
  std::uint64_t current_bind_tag_ = 0;  // the tag of the bind being issued by run_bind
  std::uint32_t next_start_node_index_ = 0;
  std::uint64_t attempts_ = 0;
  bool cycle_scheduled_ = false;
  base::SimTime backoff_timer_at_ = base::SimTime::max();
  base::SimTime unschedulable_timer_at_ = base::SimTime::max();

  // Scratch buffers reused by every cycle.
  CycleState state_;
  std::vector<const NodeInfo*> feasible_;
  std::vector<std::int64_t> totals_;
};

}  // namespace kubesim::scheduler
