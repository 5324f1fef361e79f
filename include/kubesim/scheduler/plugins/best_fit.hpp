#pragma once

/// BestFit (Score, research policy): the tightest fit. Prefers the node where the pod's dominant
/// resource would be most utilized after placement, i.e. leaves the least room in the dimension the
/// pod stresses most (the multi-resource best-fit of Panigrahy et al. and DRF's "dominant share").
///
/// Resources: cpu and memory with the non-zero defaults (PodInfo::non_zero_milli_cpu/_memory and
/// NodeInfo::non_zero_*, as NodeResourcesFit scores them), plus every extended or hugepages resource
/// the pod requests; dimensions the node does not offer are ignored. For a pod p and node n, with
/// demand d_r, node requested q_r and allocatable a_r:
///
///   dominant  D  = argmax_r d_r / a_r         (exact comparison; ties go to the earlier of cpu,
///                                              memory, then scalars by name)
///   raw(n)       = floor(10^6 · min(q_D + d_D, a_D) / a_D)   post-placement utilization of D, in ppm
///   score(n)     = floor(100 · (raw − min) / (max − min))     over the scored nodes; 100 when max == min
///
/// Only the tightest node(s) score 100, so with BestFit alone the pod goes exactly there (ties are
/// broken by the scheduler's seeded stream). Integer arithmetic (128-bit intermediates), O(1) per
/// node for cpu and memory plus O(log k) per requested scalar. No args.

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace kubesim::scheduler {

class BestFit final : public ScorePlugin {
 public:
  static constexpr std::string_view kName = "BestFit";

  /// Takes no args: anything but monostate is rejected ("plugin BestFit takes no arguments").
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);

  [[nodiscard]] std::string_view name() const override { return kName; }
  /// dominant_utilization(pod, node).
  std::int64_t score(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  [[nodiscard]] bool has_normalize() const override { return true; }
  /// Min-max scaling: the highest utilization 100, the lowest 0.
  void normalize_score(const CycleState& state, const PodInfo& pod, std::span<std::int64_t> scores) override;

  /// The post-placement utilization of the pod's dominant resource on `node`, in parts per million
  /// (0..10^6); 0 when the node offers none of the pod's resources. Shared with WorstFit.
  static std::int64_t dominant_utilization(const PodInfo& pod, const NodeInfo& node);
};

}  // namespace kubesim::scheduler
