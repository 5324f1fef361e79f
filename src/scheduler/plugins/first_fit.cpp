#include "kubesim/scheduler/plugins/first_fit.hpp"

#include "fit_policy_internal.hpp"

#include <fmt/format.h>

namespace kubesim::scheduler {

base::Expected<std::unique_ptr<Plugin>, std::string> FirstFit::create(const PluginArgs& args, FrameworkHandle& handle) {
  if (!std::holds_alternative<std::monostate>(args)) {
    return base::unexpected(fmt::format("plugin {} takes no arguments", kName));
  }
  return std::unique_ptr<Plugin>(std::make_unique<FirstFit>(handle));
}

std::int64_t FirstFit::score(const CycleState& /*state*/, const PodInfo& /*pod*/, const NodeInfo& node) {
  const std::span<NodeInfo* const> nodes = handle_.snapshot().nodes();
  // A hit is trusted only if the snapshot still has this node at that position; the order changes
  // only when nodes come or go, so the O(N) rebuild is rare.
  auto valid = [&](auto it) {
    return it != positions_.end() && it->second < nodes.size() && nodes[it->second] == &node;
  };
  auto it = positions_.find(&node);
  if (!valid(it)) {
    positions_.clear();
    positions_.reserve(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      positions_.emplace(nodes[i], static_cast<std::uint32_t>(i));
    }
    it = positions_.find(&node);
    if (it == positions_.end()) {
      return static_cast<std::int64_t>(nodes.size());
    }
  }
  return it->second;
}

void FirstFit::normalize_score(const CycleState& /*state*/, const PodInfo& /*pod*/, std::span<std::int64_t> scores) {
  internal::min_max_normalize(scores, /*reverse=*/true);
}

}  // namespace kubesim::scheduler
