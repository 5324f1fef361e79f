#pragma once

/// Tunables of the kubelet and container runtime model shared by every node.

#include "kubesim/api/resource_list.hpp"
#include "kubesim/base/distribution.hpp"

#include <cstdint>

namespace kubesim::node {

using base::DurationDistribution;

struct KubeletConfig {
  /// Pod sandbox creation (pause container + CNI) before any image pull.
  DurationDistribution sandbox_latency = DurationDistribution::constant(base::Duration::from_millis(200));
  /// Pulling one image that is not yet cached on the node. Pulls are serialized per node
  /// (serializeImagePulls: true, the upstream default).
  DurationDistribution image_pull_latency = DurationDistribution::constant(base::Duration::from_seconds(2));
  /// Creating and starting one container once its image is present.
  DurationDistribution container_start_latency = DurationDistribution::constant(base::Duration::from_millis(300));

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

  /// The Lease renew interval: 25% of the lease duration (upstream's renewInterval).
  [[nodiscard]] base::Duration lease_renew_interval() const {
    return base::Duration::from_millis(static_cast<std::int64_t>(node_lease_duration_seconds) * 250);
  }
};

}  // namespace kubesim::node
