#include "kubesim/scheduler/plugins/volume_binding.hpp"

#include <fmt/format.h>

namespace kubesim::scheduler {

base::Expected<std::unique_ptr<Plugin>, std::string> VolumeBinding::create(const PluginArgs& args,
                                                                           FrameworkHandle& /*handle*/) {
  if (!std::holds_alternative<std::monostate>(args)) {
    return base::unexpected(fmt::format("plugin {} takes no arguments", kName));
  }
  return std::unique_ptr<Plugin>(std::make_unique<VolumeBinding>());
}

Status VolumeBinding::pre_filter(CycleState& /*state*/, const PodInfo& /*pod*/) {
  return Status(Code::Skip, std::vector<std::string>{});
}

Status VolumeBinding::filter(const CycleState& /*state*/, const PodInfo& /*pod*/, const NodeInfo& /*node*/) {
  return Status::success();
}

Status VolumeBinding::reserve(CycleState& /*state*/, const PodInfo& /*pod*/, const std::string& /*node_name*/) {
  return Status::success();
}

void VolumeBinding::unreserve(CycleState& /*state*/, const PodInfo& /*pod*/, const std::string& /*node_name*/) {}

}  // namespace kubesim::scheduler
