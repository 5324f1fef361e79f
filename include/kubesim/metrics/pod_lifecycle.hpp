#pragma once

/// PodLifecycle: one record per pod with the simulated times of its milestones, filled by observing
/// API writes (the model never calls metrics; the composition root connects the API server's on_change
/// signal here). Milestones:
///   created   — the Pod object was stored;
///   scheduled — spec.nodeName was set (the binding was written);
///   running   — status.phase became Running (all containers started);
///   finished  — status.phase became Succeeded or Failed;
///   deleted   — the object was removed from the store.
/// Records stay in creation order, so outputs are deterministic.

#include "kubesim/api/pod.hpp"
#include "kubesim/base/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace kubesim::metrics {

using base::Duration;
using base::SimTime;

struct PodRecord {
  std::string namespace_;
  std::string name;
  std::string node;
  /// The milestones (docs/metrics.md "pods.csv"): created by the API server, first added to the
  /// scheduling queue, a scheduling cycle chose its node, its binding was written, the kubelet
  /// reported Running, its Ready condition became True, it ended (Succeeded/Failed), it was removed.
  SimTime created;
  std::optional<SimTime> queued;
  std::optional<SimTime> scheduled;
  std::optional<SimTime> bound;
  std::optional<SimTime> running;
  std::optional<SimTime> ready;
  std::optional<SimTime> finished;
  std::optional<SimTime> deleted;
  api::PodPhase phase = api::PodPhase::Pending;
  /// Scheduling attempts (one per scheduling cycle that tried the pod).
  std::int32_t attempts = 0;
  /// Last unschedulable message or kubelet rejection message, if any.
  std::string message;
  /// Usage samples (every 10 s while the pod's containers run): how many, the sum of its CPU use
  /// (after limits and sharing) and its peak memory use.
  std::int32_t usage_samples = 0;
  std::int64_t cpu_used_sum_millicpu = 0;
  std::int64_t memory_used_peak_bytes = 0;
};

class PodLifecycle {
 public:
  /// An API write of a pod: `before` is null for a create, `after` is null for a delete.
  void observe(SimTime now, const api::Pod* before, const api::Pod* after);
  /// The scheduler added `pod` to its queue.
  void observe_queued(SimTime now, const api::Pod& pod);
  /// A scheduling attempt for `pod` at `now`; `node` is the chosen node (empty when unschedulable) and
  /// `message` the FitError text.
  void observe_attempt(SimTime now, const api::Pod& pod, const std::string& node, const std::string& message);
  /// One usage sample of a running pod.
  void observe_usage(const api::Pod& pod, std::int64_t cpu_used, std::int64_t memory_used);

  [[nodiscard]] const std::vector<PodRecord>& records() const { return records_; }

 private:
  std::vector<PodRecord> records_;
  std::unordered_map<std::string, std::uint32_t> by_uid_;  // lookup only
};

/// p50/p90/p99/max of a sample (nearest-rank percentiles on whole nanoseconds, so exact and
/// reproducible). All zero when the sample is empty.
struct LatencyStats {
  std::size_t count = 0;
  Duration p50;
  Duration p90;
  Duration p99;
  Duration max;
};
LatencyStats latency_stats(std::vector<Duration> sample);

}  // namespace kubesim::metrics
