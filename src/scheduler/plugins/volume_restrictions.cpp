#include "kubesim/scheduler/plugins/volume_restrictions.hpp"

#include <fmt/format.h>

namespace kubesim::scheduler {

base::Expected<std::unique_ptr<Plugin>, std::string> VolumeRestrictions::create(const PluginArgs& args,
                                                                                FrameworkHandle& /*handle*/) {
  if (!std::holds_alternative<std::monostate>(args)) {
    return base::unexpected(fmt::format("plugin {} takes no arguments", kName));
  }
  return std::unique_ptr<Plugin>(std::make_unique<VolumeRestrictions>());
}

Status VolumeRestrictions::pre_filter(CycleState& /*state*/, const PodInfo& /*pod*/) {
  return Status(Code::Skip, std::vector<std::string>{});
}

Status VolumeRestrictions::filter(const CycleState& /*state*/, const PodInfo& /*pod*/, const NodeInfo& /*node*/) {
  return Status::success();
}

}  // namespace kubesim::scheduler
