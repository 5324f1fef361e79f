#pragma once

/// DotProduct (Score, research policy): the alignment heuristic of Tetris (Grandl et al., "Multi-
/// Resource Packing for Cluster Schedulers", SIGCOMM 2014). A node scores high when the pod's demand
/// vector points the same way as the node's free-resource vector, which packs complementary pods
/// together (a cpu-heavy pod onto a node with spare cpu but little spare memory).
///
/// Resources: cpu and memory with the non-zero defaults (as NodeResourcesFit scores them) plus every
/// extended or hugepages resource the pod requests; dimensions the node does not offer are ignored.
/// Both vectors are normalized by the node's allocatable a_r, in parts per million (S = 10^6):
///
///   demand_r = floor(S · min(d_r, a_r) / a_r)         the pod's request d_r
///   free_r   = floor(S · max(a_r − q_r, 0) / a_r)     before placement; q_r = requested on the node
///   raw(n)   = Σ_r floor(demand_r · free_r / S)       ∝ the dot product, in ppm
///   score(n) = floor(100 · raw(n) / max_n raw)        over the scored nodes; all 0 when every raw is 0
///
/// The score is proportional to the dot product, and only the best-aligned node(s) score 100. As in
/// the paper, both vectors are normalized by the node's capacity, which makes nodes of different sizes
/// comparable. Integer arithmetic (128-bit intermediates), O(1) per node plus O(log k) per requested
/// scalar. No args.

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace kubesim::scheduler {

class DotProduct final : public ScorePlugin {
 public:
  static constexpr std::string_view kName = "DotProduct";

  /// Takes no args: anything but monostate is rejected ("plugin DotProduct takes no arguments").
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);

  [[nodiscard]] std::string_view name() const override { return kName; }
  /// raw(n) above, in ppm.
  std::int64_t score(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  [[nodiscard]] bool has_normalize() const override { return true; }
  /// default_normalize_score(100, reverse=false): 100 · raw / max.
  void normalize_score(const CycleState& state, const PodInfo& pod, std::span<std::int64_t> scores) override;
};

}  // namespace kubesim::scheduler
