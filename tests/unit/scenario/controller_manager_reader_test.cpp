#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/scenario/loader.hpp"

using namespace kubesim;
using namespace kubesim::base::literals;

TEST_CASE("controllerManager settings are read with upstream defaults for the rest", "[scenario][controller_manager]") {
  auto spec = scenario::parse_scenario(R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: cm}
spec:
  controlPlane:
    controllerManager:
      controllers: ["*", "-job"]
      kubeAPIQPS: 50
      kubeAPIBurst: 100
      syncCost: 2ms
      concurrentReplicaSetSyncs: 10
      nodeMonitorGracePeriod: 50s
      unhealthyZoneThreshold: 0.6
      maxEndpointsPerSlice: 200
)",
                                       "cm.yaml");
  REQUIRE(spec.has_value());
  const controllers::ControllerManagerConfig& c = spec.value().control_plane.controller_manager;
  CHECK(c.kube_api_qps == 50);
  CHECK(c.kube_api_burst == 100);
  CHECK(c.sync_cost == 2_ms);
  CHECK(c.concurrent_replicaset_syncs == 10);
  CHECK(c.concurrent_deployment_syncs == 5);
  CHECK(c.node_monitor_grace_period == 50_s);
  CHECK(c.node_monitor_period == 5_s);
  CHECK(c.unhealthy_zone_threshold == 0.6);
  CHECK(c.max_endpoints_per_slice == 200);
  CHECK(c.enabled("replicaset"));
  CHECK_FALSE(c.enabled("job"));
}

TEST_CASE("controller selection follows --controllers: first match wins, * enables the rest",
          "[scenario][controller_manager]") {
  controllers::ControllerManagerConfig c;
  CHECK(c.enabled("deployment"));
  c.controllers = {"replicaset"};
  CHECK(c.enabled("replicaset"));
  CHECK_FALSE(c.enabled("deployment"));
  c.controllers = {"-deployment", "*", "deployment"};
  CHECK_FALSE(c.enabled("deployment"));
  CHECK(c.enabled("job"));
}
