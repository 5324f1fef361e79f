#pragma once

/// Tunables of the kubelet and container runtime model shared by every node.

#include "kubesim/api/resource_list.hpp"
#include "kubesim/base/distribution.hpp"
#include "kubesim/node/container_runtime.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace kubesim::node {

using base::DurationDistribution;

struct KubeletConfig {
  /// Pod sandbox creation (pause container + CNI) before any image pull. Unset: the node's container
  /// runtime profile's (container_runtime.hpp; 200 ms for containerd).
  std::optional<DurationDistribution> sandbox_latency;
  /// The fixed part of pulling one image that is not yet cached on the node (the whole pull when
  /// image_pull_bandwidth is 0). Pulls are serialized per node (serializeImagePulls: true, the upstream
  /// default). Unset: the runtime profile's (2 s for containerd).
  std::optional<DurationDistribution> image_pull_latency;
  /// Creating and starting one container once its image is present. Unset: the runtime profile's
  /// (300 ms for containerd).
  std::optional<DurationDistribution> container_start_latency;

  // Heartbeats (pkg/kubelet/apis/config/v1beta1/defaults.go; K8S-SEMANTICS §6, §9).

  /// nodeLeaseDurationSeconds: the Lease's spec.leaseDurationSeconds. The kubelet renews its Lease every
  /// 25% of it (nodeLeaseRenewIntervalFraction), i.e. every 10 s by default.
  std::int32_t node_lease_duration_seconds = 40;
  /// nodeStatusUpdateFrequency: how often the kubelet computes its node status.
  base::Duration node_status_update_frequency = base::Duration::from_seconds(10);
  /// nodeStatusReportFrequency: the longest the kubelet goes without PATCHing an unchanged status.
  base::Duration node_status_report_frequency = base::Duration::from_seconds(300);

  // Node allocatable, container restarts and memory eviction (defaults.go, defaults_linux.go).

  /// systemReserved and kubeReserved: subtracted from capacity to give allocatable (both empty by
  /// default, as upstream).
  api::ResourceList system_reserved;
  api::ResourceList kube_reserved;
  /// evictionHard memory.available: the eviction manager acts when the node's free memory is below it;
  /// it is also subtracted from the memory capacity to give allocatable (upstream's node allocatable).
  std::int64_t eviction_hard_memory_available = 100LL * 1024 * 1024;
  /// evictionPressureTransitionPeriod: how long MemoryPressure stays True after the signal cleared.
  base::Duration eviction_pressure_transition_period = base::Duration::from_seconds(300);
  /// The eviction manager's monitoring interval (housekeeping, 10 s).
  base::Duration eviction_monitoring_interval = base::Duration::from_seconds(10);
  /// Crash-loop back-off: initial delay and cap (upstream's 10 s and MaxContainerBackOff 300 s).
  base::Duration restart_backoff_initial = base::Duration::from_seconds(10);
  base::Duration restart_backoff_max = base::Duration::from_seconds(300);
  // Container runtime and images (container_runtime.hpp, image_cache.hpp; docs/kubelet.md).

  /// containerRuntime: the runtime of nodes whose pool names none.
  ContainerRuntimeKind container_runtime = ContainerRuntimeKind::Containerd;
  /// imagePullBandwidth: bytes per second a node downloads an image at; a pull then takes the pull
  /// latency plus size / bandwidth. 0: sizes do not slow pulls (the pull latency is the whole pull).
  std::int64_t image_pull_bandwidth = 0;
  /// registryPullQPS / registryBurst: each node's token bucket on starting pulls (0 QPS = no limit).
  double registry_pull_qps = 5;
  std::int32_t registry_burst = 10;
  /// spec.cluster.images: image size in bytes by normalized image name. Images not listed take the
  /// size a Node template's status.images gives, else kDefaultImageSizeBytes.
  std::map<std::string, std::int64_t, std::less<>> image_sizes;
  /// imageFsCapacity: bytes of a dedicated image filesystem on every node. 0: images live on the
  /// node's root filesystem, of the Node's ephemeral-storage capacity; without either, no image GC.
  std::int64_t image_fs_capacity = 0;
  /// imageGCHighThresholdPercent / imageGCLowThresholdPercent / imageMinimumGCAge (100 % high
  /// disables image GC, as upstream).
  std::int32_t image_gc_high_threshold_percent = 85;
  std::int32_t image_gc_low_threshold_percent = 80;
  base::Duration image_minimum_gc_age = base::Duration::from_seconds(120);
  /// ImageGCPeriod: how often the image GC checks usage (a constant upstream).
  base::Duration image_gc_period = base::Duration::from_seconds(300);
  /// nodeStatusMaxImages: the most images reported in status.images (-1: all).
  std::int32_t node_status_max_images = 50;

  /// The Lease renew interval: 25% of the lease duration (upstream's renewInterval).
  [[nodiscard]] base::Duration lease_renew_interval() const {
    return base::Duration::from_millis(static_cast<std::int64_t>(node_lease_duration_seconds) * 250);
  }
};

}  // namespace kubesim::node
