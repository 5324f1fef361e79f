#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/cluster/cluster.hpp"
#include "kubesim/scenario/loader.hpp"

using namespace kubesim;
using namespace kubesim::base::literals;

namespace {

// One 2-CPU node and two pods that do not fit together. Every milestone below was derived by hand
// from the default latencies (create/bind/status 3 ms, LIST 5 ms, watch delay 1 ms) and the kubelet
// latencies set in the scenario.
constexpr std::string_view kTiny = R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata:
  name: tiny
spec:
  seed: 1
  duration: 1m
  cluster:
    kubelet:
      sandboxLatency: 100ms
      imagePullLatency: 1s
      containerStartLatency: 200ms
    nodePools:
    - name: n
      count: 1
      template:
        status:
          capacity: {cpu: "2", memory: 4Gi}
  objects:
  - apiVersion: v1
    kind: Pod
    metadata: {name: a, annotations: {kubesim.io/duration: 10s}}
    spec:
      containers: [{name: c, image: "busybox:1.36", resources: {requests: {cpu: "1"}}}]
  - apiVersion: v1
    kind: Pod
    metadata: {name: b}
    spec:
      containers: [{name: c, image: "busybox:1.36", resources: {requests: {cpu: "1500m"}}}]
)";

std::unique_ptr<cluster::Cluster> build(std::string_view yaml, cluster::RunOptions options = {}) {
  auto spec = scenario::parse_scenario(yaml, "tiny.yaml");
  REQUIRE(spec.has_value());
  auto c = cluster::Cluster::build(spec.value(), options);
  REQUIRE(c.has_value());
  return std::move(c.value());
}

base::SimTime at(base::Duration d) { return base::SimTime::zero() + d; }

}  // namespace

TEST_CASE("a tiny scenario reproduces its hand-computed timeline", "[cluster]") {
  auto c = build(kTiny);
  c->run();
  const auto& pods = c->pods().records();
  REQUIRE(pods.size() == 2);

  const metrics::PodRecord& a = pods[0];
  CHECK(a.name == "a");
  CHECK(a.created == at(3_ms));        // create latency
  CHECK(a.queued == at(5_ms));         // the scheduler's watch is live at 5 ms (LIST)
  CHECK(a.scheduled == at(5_ms));      // its scheduling cycle takes no simulated time here
  CHECK(a.bound == at(8_ms));          // the binding takes 3 ms
  CHECK(a.ready == a.running);         // no readiness probe: Ready with Running
  CHECK(a.running == at(1'312_ms));    // kubelet sees it at 9 ms: +100 ms +1 s +200 ms, status +3 ms
  CHECK(a.finished == at(11'312_ms));  // 10 s after its containers started at 1.309 s
  CHECK(a.phase == api::PodPhase::Succeeded);
  CHECK(a.attempts == 1);

  const metrics::PodRecord& b = pods[1];
  CHECK(b.created == at(6_ms));  // sent when a's create was acknowledged
  CHECK(b.attempts == 2);        // unschedulable at 7 ms, retried when a finished
  // Preemption finds no lower-priority victim (a and b have the same priority); upstream's message
  // really ends in two periods.
  CHECK(b.message ==
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims "
        "found for incoming pod..");
  CHECK(b.bound == at(11'316_ms));  // a's Succeeded reaches the scheduler at 11.313 s
  CHECK(b.running == at(11'620_ms));    // busybox is cached: no pull this time
  CHECK(b.phase == api::PodPhase::Running);

  metrics::RunSummary s = c->summary();
  CHECK(s.pods.created == 2);
  CHECK(s.pods.succeeded == 1);
  CHECK(s.pods.running == 1);
  CHECK(s.image_pulls == 1);
  // 9 object writes plus 3 Events: Scheduled for a and b, FailedScheduling for b; then the node's
  // heartbeats and Events: its Lease created and renewed 6 times (seeded phase 9.172 s, then every 10 s),
  // 12 kubelet Events (Starting, 4 node conditions, Pulling/Pulled/Created/Started for a,
  // Pulled/Created/Started for b), the node lifecycle controller's RegisteredNode, and one node status
  // PATCH: the heartbeat after the pull reports busybox:1.36 in status.images.
  CHECK(s.store_revision == 12 + 1 + 6 + 12 + 1 + 1);
  CHECK(s.last_event == at(60_s));  // the node lifecycle controller's monitor pass at the end of the run
  CHECK(s.scheduling_latency.max == 11'310_ms);
}

TEST_CASE("runs are reproducible and the seed matters", "[cluster]") {
  constexpr std::string_view kRandom = R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: random}
spec:
  seed: 5
  duration: 5m
  cluster:
    kubelet:
      imagePullLatency: {distribution: uniform, min: 1s, max: 3s}
    nodePools:
    - {name: n, count: 20, zones: [a, b], template: {status: {capacity: {cpu: "4", memory: 8Gi}}}}
  timeline:
  - at: 1s
    arrivals:
      name: p
      count: 200
      rate: 5
      process: poisson
      runTime: {distribution: exponential, mean: 30s}
      template:
        spec:
          containers: [{name: c, image: "busybox:1.36", resources: {requests: {cpu: 500m}}}]
)";
  auto first = build(kRandom);
  first->run();
  auto second = build(kRandom);
  second->run();
  cluster::RunOptions other_seed;
  other_seed.seed = 6;
  auto third = build(kRandom, other_seed);
  third->run();
  CHECK(first->summary().fingerprint == second->summary().fingerprint);
  CHECK(metrics::format_pods_csv(first->pods().records()) == metrics::format_pods_csv(second->pods().records()));
  CHECK(first->summary().fingerprint != third->summary().fingerprint);
  CHECK(first->summary().pods.created == 200);
}
