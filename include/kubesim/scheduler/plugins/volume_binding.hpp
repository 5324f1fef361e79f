#pragma once

/// VolumeBinding: a no-op, because kubesim does not model volumes. Upstream plugins/volumebinding/volume_binding.go
/// (PreFilter, Filter, Reserve/Unreserve, PreBind; Score only with the StorageCapacityScoring / VolumeCapacityPriority
/// alpha gate): finds and binds PersistentVolumes for the pod's unbound PVCs and checks bound PVs' node affinity.
/// kubesim has no PreBind extension point; upstream's PreBind would also be a no-op for a pod without PVCs.
/// VolumeBindingArgs (bindTimeoutSeconds, shape) are not in PluginArgs.
///
/// kubesim's Pod has no `spec.volumes` (the manifest reader drops them, docs/manifests.md), so every
/// pod is a pod without volumes, for which upstream's PreFilter returns Skip and its Filter is never
/// run. This plugin does exactly that: PreFilter always returns Skip; Filter (reached only when a
/// profile disables PreFilter for it) always passes. It exists so that the default profile and user
/// profiles naming it are accepted and run the same extension points as upstream.

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace kubesim::scheduler {

class VolumeBinding final : public PreFilterPlugin, public FilterPlugin, public ReservePlugin {
 public:
  static constexpr std::string_view kName = "VolumeBinding";

  /// Takes no args in kubesim: anything but monostate is rejected ("plugin <name> takes no arguments").
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);

  [[nodiscard]] std::string_view name() const override { return kName; }
  /// Always Skip: the pod has no volumes.
  Status pre_filter(CycleState& state, const PodInfo& pod) override;
  /// Always Success.
  Status filter(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  /// Reserve: no-op (upstream assumes the pod's volume bindings in the volume binder cache).
  Status reserve(CycleState& state, const PodInfo& pod, const std::string& node_name) override;
  /// Unreserve: no-op (upstream reverts the assumed bindings).
  void unreserve(CycleState& state, const PodInfo& pod, const std::string& node_name) override;
};

}  // namespace kubesim::scheduler
