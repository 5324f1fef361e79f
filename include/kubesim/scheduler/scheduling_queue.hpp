#pragma once

/// SchedulingQueue: kube-scheduler's PriorityQueue (K8S-SEMANTICS §4) with its three parts:
///  * activeQ — pods ready to be tried, ordered by the profile's QueueSort plugin;
///  * backoffQ — pods that failed recently, ordered by backoff expiry
///    (initial·2^(attempts−1), capped at the maximum: 1, 2, 4, 8, 10, 10, … s by default);
///  * unschedulablePods — pods that failed and wait for a cluster event that may help them.
///
/// Cluster events (node added or changed, assigned pod deleted) move every unschedulable pod to activeQ,
/// or to backoffQ while its backoff has not expired. A periodic flush moves expired backoff pods to
/// activeQ (every 1 s) and retries pods stuck in unschedulablePods for longer than 5 minutes.

#include "kubesim/api/pod.hpp"
#include "kubesim/scheduler/framework/plugin.hpp"
#include "kubesim/scheduler/scheduler_config.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::scheduler {

using base::SimTime;

/// framework.QueuedPodInfo: a pending pod and its queueing history.
struct QueuedPodInfo {
  std::shared_ptr<const api::Pod> pod;
  /// When the pod was last added to the queue (ordering tie-break and backoff start).
  SimTime timestamp;
  /// When the pod first entered the queue (scheduling latency is measured from here).
  SimTime initial_attempt_timestamp;
  /// Scheduling attempts so far.
  std::int32_t attempts = 0;
};

class SchedulingQueue {
 public:
  SchedulingQueue(const QueueSortPlugin& sort, const SchedulerConfig& config) : sort_(&sort), config_(&config) {}

  /// A new pending pod enters activeQ. Ignored if the pod is already queued.
  void add(std::shared_ptr<const api::Pod> pod, SimTime now);
  /// A queued pod changed. A change that may make it schedulable (anything but status) moves it out of
  /// unschedulablePods; otherwise only the stored object is refreshed.
  void update(std::shared_ptr<const api::Pod> pod, SimTime now);
  /// The pod left (bound by someone else, deleted, or no longer ours).
  void remove(const std::string& key);
  [[nodiscard]] bool contains(const std::string& key) const { return pods_.contains(key); }

  /// Pops the head of activeQ and counts the attempt; nullopt when activeQ is empty.
  std::optional<QueuedPodInfo> pop();
  /// Pops up to `max` more pods of activeQ, in queue order, whose schedulerName and priority are those
  /// given, leaving the other pods where they are; counts an attempt for each and appends them to
  /// `out`. A batch cycle (Batch plugins) calls it after pop(). O(activeQ) in the worst case.
  void pop_batch(std::string_view scheduler_name, std::int32_t priority, std::size_t max,
                 std::vector<QueuedPodInfo>& out);
  /// Returns a pod that failed as unschedulable (after pop); it waits in unschedulablePods.
  void add_unschedulable(QueuedPodInfo info, SimTime now);
  /// Returns a pod that failed with an error (or whose binding failed); it waits in backoffQ.
  void add_backoff(QueuedPodInfo info, SimTime now);

  /// MoveAllToActiveOrBackoffQueue: a cluster event happened that may help unschedulable pods.
  void move_all_to_active_or_backoff(SimTime now);
  /// flushBackoffQCompleted: backoff pods whose backoff expired go to activeQ.
  void flush_backoff_completed(SimTime now);
  /// flushUnschedulablePodsLeftover: pods unschedulable for longer than the configured maximum are
  /// retried.
  void flush_unschedulable_leftover(SimTime now);

  [[nodiscard]] std::size_t active_size() const { return active_.size(); }
  [[nodiscard]] std::size_t backoff_size() const { return backoff_.size(); }
  [[nodiscard]] std::size_t unschedulable_size() const { return unschedulable_.size(); }
  [[nodiscard]] std::size_t size() const { return pods_.size(); }
  /// Calls fn(const api::Pod&) for up to `max` queued pods, in key (namespace/name) order, and returns
  /// how many it visited (for metrics that sample the pending pods).
  template <class Fn> std::size_t for_each_pod(std::size_t max, Fn&& fn) const {
    std::size_t n = 0;
    for (auto it = pods_.begin(); it != pods_.end() && n < max; ++it, ++n) {
      fn(*it->second.info.pod);
    }
    return n;
  }

  /// Backoff duration after `attempts` failed attempts.
  [[nodiscard]] base::Duration backoff_duration(std::int32_t attempts) const;

 private:
  enum class Where : std::uint8_t { Active, Backoff, Unschedulable, InFlight };
  struct Entry {
    QueuedPodInfo info;
    Where where = Where::Active;
    std::uint64_t seq = 0;
    SimTime unschedulable_since;
  };
  struct ActiveLess {
    const QueueSortPlugin* sort;
    bool operator()(const Entry* a, const Entry* b) const;
  };
  using BackoffKey = std::pair<std::pair<std::int64_t, std::uint64_t>, const Entry*>;

  void push_active(Entry& e);
  void push_backoff(Entry& e);
  void detach(Entry& e);
  [[nodiscard]] SimTime backoff_expiry(const Entry& e) const;

  const QueueSortPlugin* sort_;
  const SchedulerConfig* config_;
  std::uint64_t next_seq_ = 0;
  // Keyed by "namespace/name"; std::map keeps pointers to entries stable and iteration deterministic.
  std::map<std::string, Entry, std::less<>> pods_;
  std::set<const Entry*, ActiveLess> active_{ActiveLess{sort_}};
  std::set<BackoffKey> backoff_;
  std::set<std::pair<std::uint64_t, const Entry*>> unschedulable_;
};

}  // namespace kubesim::scheduler
