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

TEST_CASE("reconciliation expectation metrics", "[cluster][expect]") {
  // A Deployment of 2 behind a Service on two nodes; n-0 crashes at 30 s. Its pod is replaced after
  // the node lifecycle controller's grace period and the 5-minute NoExecute toleration.
  auto results = expectation_results(R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: reconcile}
spec:
  seed: 3
  duration: 8m
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
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers: [{name: c, image: "nginx:1.25", resources: {requests: {cpu: 500m}}}]
  timeline:
    - at: 30s
      crashNode: {node: n-0}
  expect:
    - check: rollouts.incomplete == 1
      at: 1s
    - rollouts.incomplete == 0
    - deployment/web.rollout_duration < 10s
    - rollouts.duration_max < 10s
    - check: node_faults.recovery_max == 1m
      at: 1m30s
    - node_faults.recovery_max > 5m
    - node_faults.recovery_max < 7m
    - endpoint_convergence.max < 100ms
    - endpoint_convergence.p99 > 0s
    - api.watch_lag_max < 10ms
    - unschedulable_attempts == 0
    - preemption_victims == 0
    - deployment/other.rollout_duration < 1s
)");
  REQUIRE(results.size() == 13);
  for (std::size_t i = 0; i + 1 < results.size(); ++i) {
    CAPTURE(results[i].check, results[i].measured, results[i].note);
    CHECK(results[i].passed);
  }
  // An object that does not exist fails the check and says so.
  CHECK_FALSE(results.back().passed);
  CHECK(results.back().note == "deployment default/other does not exist");
}

TEST_CASE("a statistic over no samples measures nothing and fails", "[cluster][expect]") {
  // Pods that fit no node: no latency, no rollout, no fault, no endpoint change to measure. A gate on
  // them must not pass on a 0.
  auto results = expectation_results(R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: nothing}
spec:
  seed: 1
  duration: 1m
  cluster:
    nodePools:
      - name: n
        count: 1
        template: {status: {capacity: {cpu: "2", memory: 4Gi, pods: "110"}}}
  objects:
    - apiVersion: v1
      kind: Pod
      metadata: {name: big}
      spec:
        containers: [{name: c, image: "app:1", resources: {requests: {cpu: "3"}}}]
  expect:
    - scheduling_latency.p99 < 2s
    - startup_latency.max < 10s
    - rollouts.duration_max < 1m
    - node_faults.recovery_max < 1m
    - endpoint_convergence.p99 < 1s
    - pods.pending == 1
)");
  REQUIRE(results.size() == 6);
  const char* why[] = {"no pod has been bound yet", "no pod has started yet", "no Deployment rollout has started yet",
                       "no node fault has happened yet", "no endpoint change has converged yet"};
  for (std::size_t i = 0; i < 5; ++i) {
    CAPTURE(results[i].check);
    CHECK_FALSE(results[i].passed);
    CHECK(results[i].measured.empty());
    CHECK(results[i].note == why[i]);
  }
  CHECK(results[5].passed);
}
