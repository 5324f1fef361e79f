#include "kubesim/scheduler/plugins/random.hpp"

#include <fmt/format.h>

namespace kubesim::scheduler {

base::Expected<std::unique_ptr<Plugin>, std::string> Random::create(const PluginArgs& args, FrameworkHandle& handle) {
  if (!std::holds_alternative<std::monostate>(args)) {
    return base::unexpected(fmt::format("plugin {} takes no arguments", kName));
  }
  return std::unique_ptr<Plugin>(std::make_unique<Random>(handle));
}

std::int64_t Random::score(const CycleState& /*state*/, const PodInfo& /*pod*/, const NodeInfo& /*node*/) {
  // The scheduler's own stream, not a private one: the run stays a function of the one seed.
  return handle_.rng().uniform_int(kMinNodeScore, kMaxNodeScore);
}

}  // namespace kubesim::scheduler
