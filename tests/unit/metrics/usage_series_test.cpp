#include "support/catch.hpp"

#include "kubesim/metrics/usage_series.hpp"

using namespace kubesim;
using namespace kubesim::base::literals;

TEST_CASE("the utilization summary of hand-made samples", "[metrics][usage]") {
  std::vector<metrics::UsageSample> samples(3);
  // t=10 s: no node yet (left out of the means); t=20 s and 30 s: 4 cpu and 8Gi allocatable.
  samples[0].at = base::SimTime::zero() + 10_s;
  for (std::size_t i = 1; i < 3; ++i) {
    samples[i].at = base::SimTime::zero() + base::Duration::from_seconds(10 * static_cast<std::int64_t>(i + 1));
    samples[i].nodes = 2;
    samples[i].cpu_allocatable_millicpu = 4000;
    samples[i].memory_allocatable_bytes = 8LL << 30;
  }
  samples[1].cpu_requested_millicpu = 1000;  // 25%
  samples[1].cpu_used_millicpu = 500;
  samples[1].memory_requested_bytes = 2LL << 30;  // 25%
  samples[1].nodes_in_use = 1;
  samples[1].pods_per_node_max = 3;
  samples[2].cpu_requested_millicpu = 3000;  // 75%
  samples[2].cpu_used_millicpu = 1500;
  samples[2].memory_requested_bytes = 6LL << 30;  // 75%
  samples[2].nodes_in_use = 2;
  samples[2].pods_pending = 4;
  samples[2].cpu_fragmentation_ppm = 400'000;
  samples[2].pods_per_node_p50 = 1;
  samples[2].pods_per_node_p90 = 2;
  samples[2].pods_per_node_max = 2;

  metrics::UtilizationSummary u = metrics::summarize_utilization(samples);
  CHECK(u.samples == 2);
  CHECK(u.cpu_requested_ratio_mean == 0.5);
  CHECK(u.cpu_requested_ratio_peak == 0.75);
  CHECK(u.cpu_used_ratio_mean == 0.25);
  CHECK(u.memory_requested_ratio_mean == 0.5);
  CHECK(u.memory_used_ratio_mean == 0);
  CHECK(u.nodes_in_use_mean == 1.5);
  CHECK(u.nodes_in_use_peak == 2);
  // Only the sample with a pending pod counts for fragmentation.
  CHECK(u.cpu_fragmentation_ratio_mean == 0.4);
  // Pods per node at the last sample; the peak over all.
  CHECK(u.pods_per_node_p50 == 1);
  CHECK(u.pods_per_node_p90 == 2);
  CHECK(u.pods_per_node_max == 2);
  CHECK(u.pods_per_node_peak == 3);

  CHECK(metrics::summarize_utilization({}).samples == 0);
}
