#pragma once

// The container runtime and image fields of a scenario: spec.cluster.kubelet's containerRuntime,
// imagePullBandwidth, registryPullQPS, registryBurst, imageFsCapacity, imageGCHighThresholdPercent,
// imageGCLowThresholdPercent and imageMinimumGCAge; spec.cluster.images; nodePools[].containerRuntime.
// Documented in docs/scenarios.md; the model is in docs/kubelet.md ("Container runtimes and images").

#include "yaml_reader_internal.hpp"

#include "kubesim/node/container_runtime.hpp"
#include "kubesim/node/kubelet_config.hpp"

#include <optional>

namespace kubesim::scenario::internal {

/// Reads the runtime and image fields of spec.cluster.kubelet from `km` into `out`.
void read_kubelet_runtime_fields(MapReader& km, node::KubeletConfig& out);
/// spec.cluster.images: a mapping image → size quantity, stored under the normalized image name.
void read_image_sizes(Reader& r, const Value& v, node::KubeletConfig& out);
/// nodePools[].containerRuntime.
void read_pool_container_runtime(MapReader& m, std::optional<node::ContainerRuntimeKind>& out);

}  // namespace kubesim::scenario::internal
