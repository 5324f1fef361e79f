#pragma once

/// SchedulingGates (PreEnqueue): keeps a pod out of activeQ while it has `spec.schedulingGates`
/// (KEP-3521, PodSchedulingReadiness; on by default from v1.27, always on in v1.28–v1.32). Upstream
/// plugins/schedulinggates/scheduling_gates.go.
///
/// PreEnqueue: no gates → Success; otherwise UnschedulableAndUnresolvable with upstream's message
/// `waiting for scheduling gates: [gate1 gate2]` (Go's %v of a []string: names in spec order,
/// space-separated, in brackets). The pod waits among the unschedulable pods until an update removes
/// the gates.
///
/// No args. The feature gate itself is not modelled (always enabled).

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace kubesim::scheduler {

class SchedulingGates final : public PreEnqueuePlugin {
 public:
  static constexpr std::string_view kName = "SchedulingGates";

  /// Takes no args: anything but monostate is rejected ("plugin <name> takes no arguments").
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);

  [[nodiscard]] std::string_view name() const override { return kName; }
  Status pre_enqueue(const api::Pod& pod) override;
};

}  // namespace kubesim::scheduler
