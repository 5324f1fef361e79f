#include "support/catch.hpp"

#include "kubesim/cluster/cluster.hpp"
#include "kubesim/scenario/loader.hpp"

using namespace kubesim;

namespace {

// The results of the expectations of `yaml`, run to its end.
std::vector<metrics::ExpectationResult> expectation_results(const std::string& yaml) {
  auto spec = scenario::parse_scenario(yaml, "measure.yaml");
  if (!spec) {
    FAIL(spec.error().str());
  }
  auto c = cluster::Cluster::build(spec.value(), {});
  REQUIRE(c.has_value());
  c.value()->run();
  return c.value()->summary().expectations;
}

}  // namespace

TEST_CASE("expectation metrics measure the cluster's state", "[cluster][expect]") {
  // Two 2-CPU nodes; a Job of 4 completions (2 in parallel, 30 s each), a ReplicaSet of 2 behind a
  // Service. Every check below is written to hold, with the value it measures stated.
  auto results = expectation_results(R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: measure}
spec:
  seed: 2
  duration: 3m
  cluster:
    nodePools:
      - name: n
        count: 2
        template: {status: {capacity: {cpu: "2", memory: 4Gi, pods: "110"}}}
  objects:
    - apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec: {selector: {app: web}, ports: [{port: 80}]}
    - apiVersion: apps/v1
      kind: ReplicaSet
      metadata: {name: web}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers: [{name: c, image: "nginx:1.25", resources: {requests: {cpu: 500m, memory: 1Gi}}}]
    - apiVersion: batch/v1
      kind: Job
      metadata: {name: etl}
      spec:
        completions: 4
        parallelism: 2
        template:
          metadata: {annotations: {kubesim.io/duration: 30s}}
          spec:
            restartPolicy: Never
            containers: [{name: c, image: "busybox:1.36", resources: {requests: {cpu: "1"}}}]
  expect:
    - nodes == 2
    - nodes.ready == 2
    - replicaset/web.ready_replicas == 2
    - service/web.ready_endpoints == 2
    - job/etl.succeeded == 4
    - job/etl.active == 0
    - pods.succeeded == 4
    - pods.running == 2
    - cpu.requested == 1
    - memory.requested == 2Gi
    - cpu.requested_ratio == 25%
    - check: cpu.requested_ratio == 75%
      at: 20s
    - check: job/etl.succeeded >= 2
      by: 1m
    - image_pulls == 4
    - scheduling_latency.max < 1s
    - api.requests_failed == 0
)");
  REQUIRE(results.size() == 16);
  for (const metrics::ExpectationResult& r : results) {
    CAPTURE(r.check, r.measured, r.note);
    CHECK(r.passed);
  }
  // The second pair of Job pods starts when the first pair ends, ~33 s in: two completions by then.
  CHECK(results[12].held_since);
  CHECK(results[12].measured_at > base::SimTime::zero() + base::Duration::from_seconds(30));
  CHECK(results[12].measured_at <= base::SimTime::zero() + base::Duration::from_seconds(40));
}
