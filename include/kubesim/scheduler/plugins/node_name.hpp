#pragma once

/// NodeName (Filter): a pod that names its node (`spec.nodeName`) fits only that node. Upstream
/// plugins/nodename/node_name.go.
///
/// Filter: `spec.nodeName` empty, or equal to the node's name → Success; otherwise
/// UnschedulableAndUnresolvable "node(s) didn't match the requested node name".
///
/// No args. (Pods that arrive with nodeName set are normally bound already and never reach the
/// scheduler; the filter matters for pods the scheduler sees anyway, as upstream.)

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace kubesim::scheduler {

class NodeName final : public FilterPlugin {
 public:
  static constexpr std::string_view kName = "NodeName";
  /// Filter failure reason (upstream ErrReason).
  static constexpr std::string_view kErrReason = "node(s) didn't match the requested node name";

  /// Takes no args: anything but monostate is rejected ("plugin <name> takes no arguments").
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);

  [[nodiscard]] std::string_view name() const override { return kName; }
  Status filter(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  /// PassAll when the pod names no node.
  [[nodiscard]] FilterShortcut filter_shortcut(const CycleState& state, const PodInfo& pod) const override;
};

}  // namespace kubesim::scheduler
