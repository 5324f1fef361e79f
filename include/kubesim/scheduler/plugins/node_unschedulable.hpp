#pragma once

/// NodeUnschedulable (Filter): keeps pods off cordoned nodes. Upstream
/// plugins/nodeunschedulable/node_unschedulable.go.
///
/// A node with `spec.unschedulable: true` fails the pod with UnschedulableAndUnresolvable
/// "node(s) were unschedulable" unless the pod tolerates the taint
/// {key: node.kubernetes.io/unschedulable, effect: NoSchedule} — the taint the node lifecycle
/// controller mirrors from the field, so a pod that tolerates the taint also tolerates the field
/// (DaemonSet pods carry that toleration). Nodes that are schedulable always pass.
///
/// No args. Upstream's EnqueueExtensions (requeue on node updates) belong to the scheduling queue.

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace kubesim::scheduler {

class NodeUnschedulable final : public FilterPlugin {
 public:
  static constexpr std::string_view kName = "NodeUnschedulable";
  /// Filter failure reason (upstream ErrReasonUnschedulable).
  static constexpr std::string_view kErrReasonUnschedulable = "node(s) were unschedulable";
  /// The taint key whose NoSchedule toleration also tolerates spec.unschedulable.
  static constexpr std::string_view kTaintNodeUnschedulable = "node.kubernetes.io/unschedulable";

  /// Takes no args: anything but monostate is rejected ("plugin <name> takes no arguments").
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);

  [[nodiscard]] std::string_view name() const override { return kName; }
  Status filter(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  /// PassUnlessFlag(NodeInfo::unschedulable): schedulable nodes pass without a call.
  [[nodiscard]] FilterShortcut filter_shortcut(const CycleState& state, const PodInfo& pod) const override;
};

}  // namespace kubesim::scheduler
