#pragma once

/// Settings of kube-controller-manager, with upstream's defaults (K8S-SEMANTICS §6–8, §10;
/// pkg/controller/apis/config/v1alpha1/defaults.go). A scenario sets them under
/// `spec.controlPlane.controllerManager`.

#include "kubesim/base/time.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kubesim::controllers {

struct ControllerManagerConfig {
  /// Which controllers run, as upstream's --controllers: "*" (all on by default), "name" or "-name".
  std::vector<std::string> controllers = {"*"};
  /// Each controller's API client: --kube-api-qps / --kube-api-burst.
  double kube_api_qps = 20;
  std::int32_t kube_api_burst = 30;
  /// Simulated processing time of one reconcile (one work item of one worker).
  base::Duration sync_cost = base::Duration::from_millis(1);

  // Workers per controller (--concurrent-*-syncs).
  std::int32_t concurrent_replicaset_syncs = 5;
  std::int32_t concurrent_deployment_syncs = 5;
  std::int32_t concurrent_endpoint_syncs = 5;
  std::int32_t concurrent_service_endpoint_syncs = 5;
  std::int32_t concurrent_job_syncs = 5;
  std::int32_t concurrent_gc_syncs = 20;

  // Node lifecycle (§6).
  base::Duration node_monitor_period = base::Duration::from_seconds(5);
  base::Duration node_monitor_grace_period = base::Duration::from_seconds(40);
  base::Duration node_startup_grace_period = base::Duration::from_seconds(60);
  double node_eviction_rate = 0.1;
  double secondary_node_eviction_rate = 0.01;
  std::int32_t large_cluster_size_threshold = 50;
  double unhealthy_zone_threshold = 0.55;

  // Endpoints (§8).
  std::int32_t max_endpoints_per_slice = 100;

  /// Whether the controller `name` ("replicaset", "deployment", "endpoint", "endpointslice",
  /// "nodelifecycle", "taint-eviction-controller", "job", "garbagecollector") is enabled.
  [[nodiscard]] bool enabled(std::string_view name) const;
};

/// The controller names kubesim knows, in upstream's spelling (for validation and did-you-mean).
const std::vector<std::string_view>& known_controllers();

}  // namespace kubesim::controllers
