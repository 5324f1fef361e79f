#include "support/catch.hpp"

#include "kubesim/cluster/cluster.hpp"
#include "kubesim/cluster/trace_log.hpp"
#include "kubesim/scenario/loader.hpp"

using namespace kubesim;

namespace {

// One node, one Deployment of one replica behind a Service, traffic so that kube-proxy runs.
constexpr std::string_view kWeb = R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: trace}
spec:
  seed: 1
  duration: 15s
  cluster:
    kubelet: {imagePullLatency: 1s}
    kubeProxy: {syncLag: 1s}
    nodePools:
    - name: n
      count: 1
      template: {status: {capacity: {cpu: "2", memory: 4Gi}}}
  objects:
  - apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec: {selector: {app: web}, ports: [{port: 80}]}
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      replicas: 1
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec: {containers: [{name: c, image: "nginx:1.25", resources: {requests: {cpu: 100m}}}]}
  timeline:
  - at: 5s
    traffic: {service: web, rps: 10, for: 2s}
)";

// One 2-CPU node filled by two 1-CPU batch pods; a critical 2-CPU pod preempts both.
constexpr std::string_view kPreemption = R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: preempt}
spec:
  seed: 1
  duration: 40s
  controlPlane:
    scheduler:
      configuration:
        apiVersion: kubescheduler.config.k8s.io/v1
        kind: KubeSchedulerConfiguration
        profiles:
        - schedulerName: default-scheduler
          plugins: {postFilter: {enabled: [{name: DefaultPreemption}]}}
  cluster:
    nodePools:
    - name: n
      count: 1
      template: {status: {capacity: {cpu: "2", memory: 4Gi}}}
  objects:
  - {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: batch}, value: 100}
  - {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: critical}, value: 10000}
  timeline:
  - at: 1s
    arrivals:
      name: batch
      count: 2
      interval: 500ms
      template:
        spec:
          priorityClassName: batch
          terminationGracePeriodSeconds: 1
          containers: [{name: c, image: "busybox:1.36", resources: {requests: {cpu: "1"}}}]
  - at: 10s
    arrivals:
      name: critical
      count: 1
      interval: 1s
      template:
        spec:
          priorityClassName: critical
          containers: [{name: c, image: "nginx:1.25", resources: {requests: {cpu: "2"}}}]
)";

std::unique_ptr<cluster::Cluster> build(std::string_view yaml = kWeb) {
  auto spec = scenario::parse_scenario(yaml, "trace.yaml");
  REQUIRE(spec.has_value());
  auto c = cluster::Cluster::build(spec.value(), {});
  REQUIRE(c.has_value());
  return std::move(c.value());
}

std::size_t find(const std::string& text, std::string_view what) {
  std::size_t at = text.find(what);
  INFO(text);
  REQUIRE(at != std::string::npos);
  return at;
}

}  // namespace

TEST_CASE("the trace follows a Deployment from the API to kube-proxy, in causal order", "[cluster]") {
  auto traced = build();
  cluster::TraceLog log(nullptr);
  traced->attach_trace(log);
  traced->run();
  const std::string& t = log.text();
  std::size_t deployment = find(t, "api-server      accepted create Deployment default/web from scenario (rv ");
  std::size_t rs = find(t, "deployment      created ReplicaSet default/web-");
  std::size_t pod = find(t, "replicaset      created Pod default/web-");
  std::size_t attempt = find(t, ": 1 node evaluated, 1 feasible, chose n-0");
  std::size_t bound = find(t, "scheduler       bound default/web-");
  std::size_t started = find(t, "kubelet/n-0     default/web-");
  std::size_t ready = find(t, ": pod Ready");
  std::size_t endpoint = find(t, "endpointslice   added default/web-");
  std::size_t proxy = find(t, "kube-proxy/n-0  programmed Service default/web: 1 endpoint\n");
  CHECK(deployment < rs);
  CHECK(rs < pod);
  CHECK(pod < attempt);
  CHECK(attempt < bound);
  CHECK(bound < started);
  CHECK(started < ready);
  CHECK(ready < endpoint);
  CHECK(endpoint < proxy);
  find(t, "timeline        traffic to Service default/web");
  // The Lease is created once; its renewals (every 10 s) are not traced.
  find(t, "accepted create Lease kube-node-lease/n-0 from kubelet");
  CHECK(t.find("update Lease") == std::string::npos);

  // Observing changes nothing.
  auto plain = build();
  plain->run();
  CHECK(plain->summary().fingerprint == traced->summary().fingerprint);
  CHECK(plain->summary().store_revision == traced->summary().store_revision);
}

TEST_CASE("a filtered trace keeps only the lines about the pod", "[cluster]") {
  auto c = build();
  auto filter = cluster::TraceFilter::parse("pod=web-*,component=kubelet");
  REQUIRE(filter.has_value());
  cluster::TraceLog log(nullptr, std::move(filter.value()));
  c->attach_trace(log);
  c->run();
  REQUIRE(log.lines() > 0);
  std::size_t start = 0;
  while (start < log.text().size()) {
    std::size_t end = log.text().find('\n', start);
    std::string line = log.text().substr(start, end - start);
    INFO(line);
    CHECK(line.find("] kubelet/n-0 ") != std::string::npos);
    CHECK(line.find("web-") != std::string::npos);
    start = end + 1;
  }
}

TEST_CASE("the scheduler's preemption lines name the preemptor by namespace/name", "[cluster]") {
  auto c = build(kPreemption);
  cluster::TraceLog log(nullptr);
  c->attach_trace(log);
  c->run();
  const std::string& t = log.text();
  // The attempt that preempts lists its victims; each victim's delete names the preemptor.
  std::size_t attempt = find(t, "; preemption nominated n-0, victims default/batch-");
  std::size_t deleted = find(t, "scheduler       deleted Pod default/batch-");
  CHECK(attempt < deleted);
  std::size_t eol = t.find('\n', deleted);
  CHECK(t.substr(deleted, eol - deleted).find(" (preemption victim of default/critical-") != std::string::npos);
  // Upstream's Event message (by uid) is kept as it is.
  find(t, ": Preempted by pod uid-");
}

TEST_CASE("node= keeps the Events about pods on the node and the timeline action on it", "[cluster]") {
  auto filter = cluster::TraceFilter::parse("node=n-0");
  REQUIRE(filter.has_value());
  auto c = build(kPreemption);
  cluster::TraceLog log(nullptr, std::move(filter.value()));
  c->attach_trace(log);
  c->run();
  // The scheduler's Preempted Event has no host: the victim's node makes it match.
  find(log.text(), ": Preempted by pod uid-");
}

TEST_CASE("timeline lines name the nodes an action selects, adds or removes, and node= matches them", "[cluster]") {
  std::string yaml(kWeb);
  yaml.replace(yaml.find("  - at: 5s\n"), 0,
               "  - at: 2s\n    cordon: {pool: n}\n  - at: 3s\n    addNodes: {pool: n, count: 2}\n"
               "  - at: 4s\n    removeNodes: {pool: n, count: 1}\n");
  auto filter = cluster::TraceFilter::parse("component=timeline,node=n-2");
  REQUIRE(filter.has_value());
  auto c = build(yaml);
  cluster::TraceLog log(nullptr, std::move(filter.value()));
  c->attach_trace(log);
  c->run();
  // n-0 alone is cordoned; n-1 and n-2 are added; the highest, n-2, is removed. Only lines about n-2.
  CHECK(log.text() == "[   3.000s] timeline        addNodes 2 to pool n (n-1, n-2)\n"
                      "[   4.000s] timeline        removeNodes 1 from pool n (n-2)\n");
  auto all = cluster::TraceFilter::parse("component=timeline,node=n-0");
  REQUIRE(all.has_value());
  auto c2 = build(yaml);
  cluster::TraceLog log2(nullptr, std::move(all.value()));
  c2->attach_trace(log2);
  c2->run();
  CHECK(log2.text() == "[   2.000s] timeline        cordon pool n (n-0)\n");
}
