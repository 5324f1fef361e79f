#pragma once

/// UsageSeries: the cluster's resources over simulated time, one sample per interval (used vs
/// requested vs allocatable), written as timeseries.csv. Samples are taken between events at exact
/// interval boundaries (a sample at t sees every event before t), so sampling adds no events and does
/// not change a run.

#include "kubesim/base/time.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kubesim::metrics {

struct UsageSample {
  base::SimTime at;
  /// Nodes whose kubelet runs, and pods whose containers have started and not ended.
  std::int32_t nodes = 0;
  std::int32_t pods_running = 0;
  /// Allocatable of those nodes; requests of the pods their kubelets admitted; what the running
  /// containers use (usage profiles, else requests; CPU capped by limits and shared by requests).
  std::int64_t cpu_allocatable_millicpu = 0;
  std::int64_t cpu_requested_millicpu = 0;
  std::int64_t cpu_used_millicpu = 0;
  /// What the running containers want before limits and sharing, and the part their limits deny
  /// (demand − throttled − used is what saturated nodes could not give).
  std::int64_t cpu_demand_millicpu = 0;
  std::int64_t cpu_throttled_millicpu = 0;
  std::int64_t memory_allocatable_bytes = 0;
  std::int64_t memory_requested_bytes = 0;
  std::int64_t memory_used_bytes = 0;
  /// Containers that want more CPU than their limit (CFS-throttled) / than their node can give them.
  std::int32_t cpu_throttled_containers = 0;
  std::int32_t cpu_starved_containers = 0;
  /// Nodes running at least one pod.
  std::int32_t nodes_in_use = 0;
  /// The scheduler's queue: every pending pod it knows, and the pods in activeQ, backoffQ and
  /// unschedulablePods.
  std::int32_t pods_pending = 0;
  std::int32_t queue_active = 0;
  std::int32_t queue_backoff = 0;
  std::int32_t queue_unschedulable = 0;
  /// Fragmentation: the share (parts per million) of the running nodes' free CPU (allocatable −
  /// requested) that sits on nodes too full for the median pending pod (its median CPU and memory
  /// requests); 0 with no pending pod.
  std::int64_t cpu_fragmentation_ppm = 0;
  /// Pods running per running node (nodes without pods included): nearest-rank median, 90th
  /// percentile and maximum; 0 with no running node.
  std::int32_t pods_per_node_p50 = 0;
  std::int32_t pods_per_node_p90 = 0;
  std::int32_t pods_per_node_max = 0;
};

/// One node's resources at one sample (node_usage.csv, written with `kubesim run --node-usage`).
struct NodeUsageSample {
  base::SimTime at;
  std::uint32_t node = 0;  // index into the node names given to format_node_usage_csv
  std::int32_t pods_running = 0;
  std::int64_t cpu_allocatable_millicpu = 0;
  std::int64_t cpu_requested_millicpu = 0;
  std::int64_t cpu_used_millicpu = 0;
  std::int64_t memory_allocatable_bytes = 0;
  std::int64_t memory_requested_bytes = 0;
  std::int64_t memory_used_bytes = 0;
};

/// node_usage.csv: one line per running node per sample, in time then node order.
std::string format_node_usage_csv(const std::vector<NodeUsageSample>& samples,
                                  const std::vector<std::string>& node_names);

/// The CSV: a header line, then one line per sample; time in seconds with millisecond precision.
std::string format_timeseries_csv(const std::vector<UsageSample>& samples);

/// Container-seconds spent CPU-throttled by a limit and CPU-starved on a saturated node: each
/// sample's container counts times the sampling interval (a 10 s resolution, not exact crossings).
struct CpuContention {
  std::int64_t throttled_container_seconds = 0;
  std::int64_t starved_container_seconds = 0;
};
CpuContention cpu_contention(const std::vector<UsageSample>& samples, base::Duration interval);

/// The usage series reduced to the figures a policy comparison needs: means over the samples with at
/// least one running node (a run's warm-up and tail count like the rest), peaks over all samples.
/// Ratios are of the running nodes' allocatable, 0 when nothing ran.
struct UtilizationSummary {
  double cpu_requested_ratio_mean = 0;
  double cpu_requested_ratio_peak = 0;
  double cpu_used_ratio_mean = 0;
  double memory_requested_ratio_mean = 0;
  double memory_used_ratio_mean = 0;
  double nodes_in_use_mean = 0;
  std::int32_t nodes_in_use_peak = 0;
  /// Mean of cpu_fragmentation over the samples with a pending pod (fragmentation is 0 without one,
  /// which would dilute the mean); 0 when no sample had a pending pod.
  double cpu_fragmentation_ratio_mean = 0;
  std::size_t samples_with_pending = 0;
  /// Pods per running node at the last sample (median, 90th percentile, maximum) and the largest
  /// maximum of any sample.
  std::int32_t pods_per_node_p50 = 0;
  std::int32_t pods_per_node_p90 = 0;
  std::int32_t pods_per_node_max = 0;
  std::int32_t pods_per_node_peak = 0;
  std::size_t samples = 0;
};
UtilizationSummary summarize_utilization(const std::vector<UsageSample>& samples);

}  // namespace kubesim::metrics
