#include "kubesim/metrics/usage_series.hpp"

#include <fmt/format.h>

namespace kubesim::metrics {

std::string format_timeseries_csv(const std::vector<UsageSample>& samples) {
  std::string out =
      "time_seconds,nodes,pods_running,cpu_allocatable_millicpu,cpu_requested_millicpu,cpu_used_millicpu,"
      "cpu_demand_millicpu,cpu_throttled_millicpu,memory_allocatable_bytes,memory_requested_bytes,"
      "memory_used_bytes,cpu_throttled_containers,cpu_starved_containers,nodes_in_use,pods_pending,queue_active,"
      "queue_backoff,queue_unschedulable,cpu_fragmentation_ratio\n";
  auto it = std::back_inserter(out);
  for (const UsageSample& s : samples) {
    std::int64_t ms = s.at.since_start().nanos() / 1'000'000;
    fmt::format_to(it, "{}.{:03},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}.{:06}\n", ms / 1000, ms % 1000,
                   s.nodes, s.pods_running, s.cpu_allocatable_millicpu, s.cpu_requested_millicpu, s.cpu_used_millicpu,
                   s.cpu_demand_millicpu, s.cpu_throttled_millicpu, s.memory_allocatable_bytes,
                   s.memory_requested_bytes, s.memory_used_bytes, s.cpu_throttled_containers, s.cpu_starved_containers,
                   s.nodes_in_use, s.pods_pending, s.queue_active, s.queue_backoff, s.queue_unschedulable,
                   s.cpu_fragmentation_ppm / 1'000'000, s.cpu_fragmentation_ppm % 1'000'000);
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

}  // namespace kubesim::metrics
