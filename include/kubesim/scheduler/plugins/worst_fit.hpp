#pragma once

/// WorstFit (Score, research policy): the opposite of BestFit. Prefers the node where the pod's
/// dominant resource (defined as in BestFit: argmax_r d_r / a_r over cpu and memory with the
/// non-zero defaults and the extended resources the pod requests) keeps the most room after placement:
///
///   raw(n)   = 10^6 − BestFit::dominant_utilization(pod, n)   remaining fraction of D, in ppm
///   score(n) = floor(100 · (raw − min) / (max − min))         over the scored nodes; 100 when max == min
///
/// It spreads pods like LeastAllocated, but looks only at the resource that limits this pod. Only the
/// roomiest node(s) score 100. Integer arithmetic, O(1) per node plus O(log k) per requested scalar.
/// No args.

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace kubesim::scheduler {

class WorstFit final : public ScorePlugin {
 public:
  static constexpr std::string_view kName = "WorstFit";

  /// Takes no args: anything but monostate is rejected ("plugin WorstFit takes no arguments").
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);

  [[nodiscard]] std::string_view name() const override { return kName; }
  /// The remaining fraction of the dominant resource after placement, in ppm (0..10^6).
  std::int64_t score(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  [[nodiscard]] bool has_normalize() const override { return true; }
  /// Min-max scaling: the most remaining room 100, the least 0.
  void normalize_score(const CycleState& state, const PodInfo& pod, std::span<std::int64_t> scores) override;
};

}  // namespace kubesim::scheduler
