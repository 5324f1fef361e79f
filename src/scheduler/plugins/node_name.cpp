#include "kubesim/scheduler/plugins/node_name.hpp"

#include <fmt/format.h>

namespace kubesim::scheduler {

base::Expected<std::unique_ptr<Plugin>, std::string> NodeName::create(const PluginArgs& args,
                                                                      FrameworkHandle& /*handle*/) {
  if (!std::holds_alternative<std::monostate>(args)) {
    return base::unexpected(fmt::format("plugin {} takes no arguments", kName));
  }
  return std::unique_ptr<Plugin>(std::make_unique<NodeName>());
}

Status NodeName::filter(const CycleState& /*state*/, const PodInfo& pod, const NodeInfo& node) {
  const std::string& wanted = pod.get().spec.node_name;
  if (wanted.empty() || wanted == node.name()) {
    return Status::success();
  }
  return {Code::UnschedulableAndUnresolvable, std::string(kErrReason)};
}

FilterShortcut NodeName::filter_shortcut(const CycleState& /*state*/, const PodInfo& pod) const {
  return pod.get().spec.node_name.empty() ? FilterShortcut{FilterShortcut::Kind::PassAll, nullptr} : FilterShortcut{};
}

}  // namespace kubesim::scheduler
