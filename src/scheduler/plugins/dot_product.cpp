#include "kubesim/scheduler/plugins/dot_product.hpp"

#include "fit_policy_internal.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kubesim::scheduler {

base::Expected<std::unique_ptr<Plugin>, std::string> DotProduct::create(const PluginArgs& args,
                                                                        FrameworkHandle& /*handle*/) {
  if (!std::holds_alternative<std::monostate>(args)) {
    return base::unexpected(fmt::format("plugin {} takes no arguments", kName));
  }
  return std::unique_ptr<Plugin>(std::make_unique<DotProduct>());
}

std::int64_t DotProduct::score(const CycleState& /*state*/, const PodInfo& pod, const NodeInfo& node) {
  using internal::kFractionScale;
  std::int64_t sum = 0;
  internal::for_each_dimension(pod, node, [&](const internal::Dimension& d) {
    // Each factor is at most S, so the product (<= 10^12) fits and the sum cannot overflow.
    const std::int64_t demand = internal::scaled(std::min(d.demand, d.allocatable), kFractionScale, d.allocatable);
    const std::int64_t free = internal::scaled(d.allocatable - d.requested, kFractionScale, d.allocatable);
    sum += demand * free / kFractionScale;
  });
  return sum;
}

void DotProduct::normalize_score(const CycleState& /*state*/, const PodInfo& /*pod*/, std::span<std::int64_t> scores) {
  default_normalize_score(kMaxNodeScore, /*reverse=*/false, scores);
}

}  // namespace kubesim::scheduler
