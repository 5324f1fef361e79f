#include "kubesim/scheduler/plugins/node_unschedulable.hpp"

#include <fmt/format.h>

namespace kubesim::scheduler {

base::Expected<std::unique_ptr<Plugin>, std::string> NodeUnschedulable::create(const PluginArgs& args,
                                                                               FrameworkHandle& /*handle*/) {
  if (!std::holds_alternative<std::monostate>(args)) {
    return base::unexpected(fmt::format("plugin {} takes no arguments", kName));
  }
  return std::unique_ptr<Plugin>(std::make_unique<NodeUnschedulable>());
}

Status NodeUnschedulable::filter(const CycleState& /*state*/, const PodInfo& pod, const NodeInfo& node) {
  if (!node.unschedulable) {
    return Status::success();
  }
  // Upstream: "If pod tolerate unschedulable taint, it's also tolerate `node.Spec.Unschedulable`."
  const api::Taint unschedulable{std::string(kTaintNodeUnschedulable), "", api::TaintEffect::NoSchedule, {}};
  if (api::tolerates_taint(pod.get().spec.tolerations, unschedulable)) {
    return Status::success();
  }
  return {Code::UnschedulableAndUnresolvable, std::string(kErrReasonUnschedulable)};
}

FilterShortcut NodeUnschedulable::filter_shortcut(const CycleState& /*state*/, const PodInfo& /*pod*/) const {
  return {FilterShortcut::Kind::PassUnlessFlag, &NodeInfo::unschedulable};
}

}  // namespace kubesim::scheduler
