#pragma once

/// NodePorts (PreFilter, Filter): a host port can be bound by one pod per node. Upstream
/// plugins/nodeports/node_ports.go and framework.HostPortInfo.CheckConflict (types.go).
///
/// PreFilter: collects the pod's wanted host ports — every port with hostPort > 0 of the regular
/// containers and of the restartable (sidecar) init containers (upstream util.GetHostPorts); Skip
/// when there are none.
/// Filter: fails with Unschedulable "node(s) didn't have free ports for the requested pod ports" when
/// any wanted port conflicts with NodeInfo::used_ports. A port conflicts (CheckConflict) when the
/// same (protocol, port) is in use on the same host IP or on 0.0.0.0; a wanted port on 0.0.0.0
/// conflicts with that (protocol, port) on any IP. An empty IP means 0.0.0.0, an empty protocol TCP.
///
/// No args.

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::scheduler {

class NodePorts final : public PreFilterPlugin, public FilterPlugin {
 public:
  static constexpr std::string_view kName = "NodePorts";
  static constexpr std::string_view kErrReason = "node(s) didn't have free ports for the requested pod ports";

  /// Takes no args: anything but monostate is rejected ("plugin NodePorts takes no arguments").
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);

  [[nodiscard]] std::string_view name() const override { return kName; }
  Status pre_filter(CycleState& state, const PodInfo& pod) override;
  /// Uses PreFilter's ports when present, otherwise recomputes them from the pod.
  Status filter(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;

  /// The pod's wanted host ports (upstream util.GetHostPorts), ip/protocol as written in the spec.
  static std::vector<HostPort> wanted_ports(const api::PodSpec& spec);
  /// Upstream HostPortInfo.CheckConflict of (ip, protocol, port) against `used`.
  static bool check_conflict(const std::vector<HostPort>& used, std::string ip, std::string protocol,
                             std::int32_t port);
};

}  // namespace kubesim::scheduler
