#pragma once

// Helpers shared by the research Score policies (FirstFit, BestFit, WorstFit, DotProduct): the
// per-resource demand/requested/allocatable triples they score, exact integer scaling, and min-max
// normalization. Private to the scheduler module.

#include "kubesim/scheduler/framework/node_info.hpp"
#include "kubesim/scheduler/framework/plugin.hpp"

#include <algorithm>
#include <cstdint>
#include <span>

namespace kubesim::scheduler::internal {

// Fractions are scored in parts per million: 1% of a node is 10'000, fine enough that two nodes a
// few milli-CPU apart still rank differently.
inline constexpr std::int64_t kFractionScale = 1'000'000;

// One resource dimension of a (pod, node) pair. `demand` is the pod's request, `requested` the sum
// already on the node, `allocatable` the node's capacity for scheduling.
struct Dimension {
  std::int64_t demand = 0;
  std::int64_t requested = 0;
  std::int64_t allocatable = 0;
};

// cpu and memory with the non-zero defaults (as NodeResourcesFit scores them), then every extended or
// hugepages resource the pod requests. Dimensions the node does not offer (allocatable <= 0) are left
// out. O(s log k) for s requested scalars and k node scalars.
template <class F> void for_each_dimension(const PodInfo& pod, const NodeInfo& node, F&& f) {
  auto visit = [&](Dimension d) {
    if (d.allocatable > 0) {
      f(d);
    }
  };
  visit({pod.non_zero_milli_cpu, node.non_zero_milli_cpu, node.allocatable.milli_cpu});
  visit({pod.non_zero_memory, node.non_zero_memory, node.allocatable.memory});
  for (const auto& [name, amount] : pod.requests.scalars) {
    if (amount > 0) {
      visit({amount, node.requested.scalar(name), node.allocatable.scalar(name)});
    }
  }
}

// floor(x · scale / d) for 0 <= x, 0 < d, computed in 128 bits: memory in bytes times the scale
// overflows 64 bits.
inline std::int64_t scaled(std::int64_t x, std::int64_t scale, std::int64_t d) {
  __extension__ using Wide = __int128;
  return static_cast<std::int64_t>(static_cast<Wide>(std::max<std::int64_t>(x, 0)) * scale / d);
}

// True when a.demand / a.allocatable > b.demand / b.allocatable (exact, 128-bit cross products).
inline bool has_larger_share(const Dimension& a, const Dimension& b) {
  __extension__ using Wide = __int128;
  return static_cast<Wide>(a.demand) * b.allocatable > static_cast<Wide>(b.demand) * a.allocatable;
}

// Maps raw scores linearly onto [0, 100]: the minimum to 0 and the maximum to 100 (reversed: the
// minimum to 100). Only the best raw value reaches 100, so the policy's exact choice wins even
// after integer rounding. When all raw scores are equal every node gets 100.
inline void min_max_normalize(std::span<std::int64_t> scores, bool reverse) {
  if (scores.empty()) {
    return;
  }
  const auto [lo_it, hi_it] = std::minmax_element(scores.begin(), scores.end());
  const std::int64_t lo = *lo_it;
  const std::int64_t hi = *hi_it;
  for (std::int64_t& s : scores) {
    if (hi == lo) {
      s = kMaxNodeScore;
    } else {
      // Rounded down, so any node short of the best stays below 100.
      const std::int64_t to_worst = reverse ? hi - s : s - lo;
      s = scaled(to_worst, kMaxNodeScore, hi - lo);
    }
  }
}

}  // namespace kubesim::scheduler::internal
