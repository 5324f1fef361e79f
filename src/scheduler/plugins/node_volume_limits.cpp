#include "kubesim/scheduler/plugins/node_volume_limits.hpp"

#include <fmt/format.h>

namespace kubesim::scheduler {

base::Expected<std::unique_ptr<Plugin>, std::string> NodeVolumeLimits::create(const PluginArgs& args,
                                                                              FrameworkHandle& /*handle*/) {
  if (!std::holds_alternative<std::monostate>(args)) {
    return base::unexpected(fmt::format("plugin {} takes no arguments", kName));
  }
  return std::unique_ptr<Plugin>(std::make_unique<NodeVolumeLimits>());
}

Status NodeVolumeLimits::pre_filter(CycleState& /*state*/, const PodInfo& /*pod*/) {
  return Status(Code::Skip, std::vector<std::string>{});
}

Status NodeVolumeLimits::filter(const CycleState& /*state*/, const PodInfo& /*pod*/, const NodeInfo& /*node*/) {
  return Status::success();
}

}  // namespace kubesim::scheduler
