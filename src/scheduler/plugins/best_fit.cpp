#include "kubesim/scheduler/plugins/best_fit.hpp"

#include "fit_policy_internal.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kubesim::scheduler {

base::Expected<std::unique_ptr<Plugin>, std::string> BestFit::create(const PluginArgs& args,
                                                                     FrameworkHandle& /*handle*/) {
  if (!std::holds_alternative<std::monostate>(args)) {
    return base::unexpected(fmt::format("plugin {} takes no arguments", kName));
  }
  return std::unique_ptr<Plugin>(std::make_unique<BestFit>());
}

std::int64_t BestFit::dominant_utilization(const PodInfo& pod, const NodeInfo& node) {
  internal::Dimension dominant;
  bool found = false;
  internal::for_each_dimension(pod, node, [&](const internal::Dimension& d) {
    if (!found || internal::has_larger_share(d, dominant)) {
      dominant = d;
      found = true;
    }
  });
  if (!found) {
    return 0;
  }
  const std::int64_t after = std::min(dominant.requested + dominant.demand, dominant.allocatable);
  return internal::scaled(after, internal::kFractionScale, dominant.allocatable);
}

std::int64_t BestFit::score(const CycleState& /*state*/, const PodInfo& pod, const NodeInfo& node) {
  return dominant_utilization(pod, node);
}

void BestFit::normalize_score(const CycleState& /*state*/, const PodInfo& /*pod*/, std::span<std::int64_t> scores) {
  internal::min_max_normalize(scores, /*reverse=*/false);
}

}  // namespace kubesim::scheduler
