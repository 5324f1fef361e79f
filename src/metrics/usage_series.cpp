#include "kubesim/metrics/usage_series.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kubesim::metrics {

std::string format_timeseries_csv(const std::vector<UsageSample>& samples) {
  std::string out =
      "time_seconds,nodes,pods_running,cpu_allocatable_millicpu,cpu_requested_millicpu,cpu_used_millicpu,"
      "cpu_demand_millicpu,cpu_throttled_millicpu,memory_allocatable_bytes,memory_requested_bytes,"
      "memory_used_bytes,cpu_throttled_containers,cpu_starved_containers,nodes_in_use,pods_pending,queue_active,"
      "queue_backoff,queue_unschedulable,cpu_fragmentation_ratio,pods_per_node_p50,pods_per_node_p90,"
      "pods_per_node_max\n";
  auto it = std::back_inserter(out);
  for (const UsageSample& s : samples) {
    std::int64_t ms = s.at.since_start().nanos() / 1'000'000;
    fmt::format_to(it, "{}.{:03},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}.{:06},{},{},{}\n", ms / 1000,
                   ms % 1000, s.nodes, s.pods_running, s.cpu_allocatable_millicpu, s.cpu_requested_millicpu,
                   s.cpu_used_millicpu, s.cpu_demand_millicpu, s.cpu_throttled_millicpu, s.memory_allocatable_bytes,
                   s.memory_requested_bytes, s.memory_used_bytes, s.cpu_throttled_containers, s.cpu_starved_containers,
                   s.nodes_in_use, s.pods_pending, s.queue_active, s.queue_backoff, s.queue_unschedulable,
                   s.cpu_fragmentation_ppm / 1'000'000, s.cpu_fragmentation_ppm % 1'000'000, s.pods_per_node_p50,
                   s.pods_per_node_p90, s.pods_per_node_max);
  }
  return out;
}

std::string format_node_usage_csv(const std::vector<NodeUsageSample>& samples,
                                  const std::vector<std::string>& node_names) {
  std::string out = "time_seconds,node,pods_running,cpu_allocatable_millicpu,cpu_requested_millicpu,cpu_used_millicpu,"
                    "memory_allocatable_bytes,memory_requested_bytes,memory_used_bytes\n";
  auto it = std::back_inserter(out);
  for (const NodeUsageSample& s : samples) {
    std::int64_t ms = s.at.since_start().nanos() / 1'000'000;
    fmt::format_to(it, "{}.{:03},{},{},{},{},{},{},{},{}\n", ms / 1000, ms % 1000, node_names[s.node], s.pods_running,
                   s.cpu_allocatable_millicpu, s.cpu_requested_millicpu, s.cpu_used_millicpu,
                   s.memory_allocatable_bytes, s.memory_requested_bytes, s.memory_used_bytes);
  }
  return out;
}

CpuContention cpu_contention(const std::vector<UsageSample>& samples, base::Duration interval) {
  CpuContention c;
  std::int64_t seconds = interval.nanos() / 1'000'000'000;
  for (const UsageSample& s : samples) {
    c.throttled_container_seconds += s.cpu_throttled_containers * seconds;
    c.starved_container_seconds += s.cpu_starved_containers * seconds;
  }
  return c;
}

namespace {

double ratio(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

}  // namespace

UtilizationSummary summarize_utilization(const std::vector<UsageSample>& samples) {
  UtilizationSummary u;
  double fragmentation_sum = 0;
  std::size_t with_pending = 0;
  for (const UsageSample& s : samples) {
    u.nodes_in_use_peak = std::max(u.nodes_in_use_peak, s.nodes_in_use);
    u.pods_per_node_peak = std::max(u.pods_per_node_peak, s.pods_per_node_max);
    double cpu_requested = ratio(s.cpu_requested_millicpu, s.cpu_allocatable_millicpu);
    u.cpu_requested_ratio_peak = std::max(u.cpu_requested_ratio_peak, cpu_requested);
    if (s.pods_pending > 0) {
      fragmentation_sum += static_cast<double>(s.cpu_fragmentation_ppm) / 1e6;
      ++with_pending;
    }
    if (s.nodes == 0) {
      continue;
    }
    ++u.samples;
    u.cpu_requested_ratio_mean += cpu_requested;
    u.cpu_used_ratio_mean += ratio(s.cpu_used_millicpu, s.cpu_allocatable_millicpu);
    u.memory_requested_ratio_mean += ratio(s.memory_requested_bytes, s.memory_allocatable_bytes);
    u.memory_used_ratio_mean += ratio(s.memory_used_bytes, s.memory_allocatable_bytes);
    u.nodes_in_use_mean += s.nodes_in_use;
  }
  if (u.samples > 0) {
    auto n = static_cast<double>(u.samples);
    u.cpu_requested_ratio_mean /= n;
    u.cpu_used_ratio_mean /= n;
    u.memory_requested_ratio_mean /= n;
    u.memory_used_ratio_mean /= n;
    u.nodes_in_use_mean /= n;
  }
  if (!samples.empty()) {
    u.pods_per_node_p50 = samples.back().pods_per_node_p50;
    u.pods_per_node_p90 = samples.back().pods_per_node_p90;
    u.pods_per_node_max = samples.back().pods_per_node_max;
  }
  u.samples_with_pending = with_pending;
  if (with_pending > 0) {
    u.cpu_fragmentation_ratio_mean = fragmentation_sum / static_cast<double>(with_pending);
  }
  return u;
}

}  // namespace kubesim::metrics
