#pragma once

/// VolumeZone: a no-op, because kubesim does not model volumes. Upstream plugins/volumezone/volume_zone.go
/// (PreFilter, Filter): rejects nodes whose zone/region labels do not match the topology labels of the pod's bound
/// PersistentVolumes.
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

class VolumeZone final : public PreFilterPlugin, public FilterPlugin {
 public:
  static constexpr std::string_view kName = "VolumeZone";

  /// Takes no args in kubesim: anything but monostate is rejected ("plugin <name> takes no arguments").
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);

  [[nodiscard]] std::string_view name() const override { return kName; }
  /// Always Skip: the pod has no volumes.
  Status pre_filter(CycleState& state, const PodInfo& pod) override;
  /// Always Success.
  Status filter(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
};

}  // namespace kubesim::scheduler
