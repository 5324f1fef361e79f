#include "kubesim/scheduler/plugins/scheduling_gates.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kubesim::scheduler {

base::Expected<std::unique_ptr<Plugin>, std::string> SchedulingGates::create(const PluginArgs& args,
                                                                             FrameworkHandle& /*handle*/) {
  if (!std::holds_alternative<std::monostate>(args)) {
    return base::unexpected(fmt::format("plugin {} takes no arguments", kName));
  }
  return std::unique_ptr<Plugin>(std::make_unique<SchedulingGates>());
}

Status SchedulingGates::pre_enqueue(const api::Pod& pod) {
  const std::vector<std::string>& gates = pod.spec.scheduling_gates;
  if (gates.empty()) {
    return Status::success();
  }
  // fmt.Sprintf("waiting for scheduling gates: %v", gates) with gates a []string.
  return {Code::UnschedulableAndUnresolvable, fmt::format("waiting for scheduling gates: [{}]", fmt::join(gates, " "))};
}

}  // namespace kubesim::scheduler
