#include "kubesim/scheduler/plugins/worst_fit.hpp"

#include "fit_policy_internal.hpp"

#include "kubesim/scheduler/plugins/best_fit.hpp"

#include <fmt/format.h>

namespace kubesim::scheduler {

base::Expected<std::unique_ptr<Plugin>, std::string> WorstFit::create(const PluginArgs& args,
                                                                      FrameworkHandle& /*handle*/) {
  if (!std::holds_alternative<std::monostate>(args)) {
    return base::unexpected(fmt::format("plugin {} takes no arguments", kName));
  }
  return std::unique_ptr<Plugin>(std::make_unique<WorstFit>());
}

std::int64_t WorstFit::score(const CycleState& /*state*/, const PodInfo& pod, const NodeInfo& node) {
  return internal::kFractionScale - BestFit::dominant_utilization(pod, node);
}

void WorstFit::normalize_score(const CycleState& /*state*/, const PodInfo& /*pod*/, std::span<std::int64_t> scores) {
  internal::min_max_normalize(scores, /*reverse=*/false);
}

}  // namespace kubesim::scheduler
