#include "support/catch.hpp"

#include "kubesim/cluster/cluster.hpp"
#include "kubesim/scenario/loader.hpp"

#include <algorithm>
#include <string>

using namespace kubesim;
using namespace kubesim::base::literals;

namespace {

// Runs `yaml` to `horizon` (the scenario's own duration when zero) and returns the cluster.
std::unique_ptr<cluster::Cluster> run(const std::string& yaml, base::Duration horizon = base::Duration::zero()) {
  auto spec = scenario::parse_scenario(yaml, "timeline.yaml");
  if (!spec) {
    FAIL(spec.error().str());
  }
  cluster::RunOptions options;
  if (horizon > base::Duration::zero()) {
    options.duration = horizon;
  }
  auto c = cluster::Cluster::build(spec.value(), options);
  REQUIRE(c.has_value());
  c.value()->run();
  return std::move(c.value());
}

const std::string kHeader = R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: timeline}
spec:
  seed: 3
)";

// Pods of `app` that are not terminating, per node name ("" = unscheduled).
std::map<std::string, int> pods_by_node(const cluster::Cluster& c, std::string_view app) {
  std::map<std::string, int> out;
  for (const store::ObjectRef& ref : c.api().store().list(api::Kind::Pod)) {
    const auto& pod = ref.get<api::Pod>();
    const std::string* label = pod.metadata.labels.find("app");
    if (label != nullptr && *label == app && !pod.is_terminating() && !pod.is_terminal()) {
      ++out[pod.spec.node_name];
    }
  }
  return out;
}

const apiserver::RequestCount* request_count(const cluster::Cluster& c, std::string_view client,
                                             std::string_view resource) {
  static std::vector<apiserver::RequestCount> counts;
  counts = c.api().request_counts();
  auto it = std::find_if(counts.begin(), counts.end(), [&](const apiserver::RequestCount& r) {
    return r.client == client && r.resource == resource;
  });
  return it == counts.end() ? nullptr : &*it;
}

bool has_warning(const cluster::Cluster& c, std::string_view text) {
  return std::any_of(c.warnings().begin(), c.warnings().end(),
                     [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

// A ReplicaSet `web` of `replicas` pods (100m CPU each, image nginx:1.25).
std::string replica_set(int replicas) {
  return fmt::format(R"(
  - apiVersion: apps/v1
    kind: ReplicaSet
    metadata: {{name: web}}
    spec:
      replicas: {}
      selector: {{matchLabels: {{app: web}}}}
      template:
        metadata: {{labels: {{app: web}}}}
        spec:
          containers: [{{name: web, image: "nginx:1.25", resources: {{requests: {{cpu: 100m}}}}}}]
)",
                     replicas);
}

}  // namespace

TEST_CASE("scale updates spec.replicas through the API and the controller follows", "[cluster][timeline]") {
  const std::string yaml = kHeader + R"(  duration: 30s
  cluster:
    nodePools: [{name: n, count: 2, template: {status: {capacity: {cpu: "8", memory: 16Gi}}}}]
  objects:)" + replica_set(2) +
                           R"(  timeline:
  - at: 10s
    scale: {kind: ReplicaSet, name: web, replicas: 5}
  - at: 12s
    scale: {kind: Deployment, name: missing, replicas: 1}
)";
  // GET at 10 s, PUT reaches the store 3 ms (the update latency) later.
  auto before = run(yaml, 10'002_ms);
  auto after = run(yaml, 10'004_ms);
  auto rs_before = before->api().store().get<api::ReplicaSet>("default", "web");
  auto rs_after = after->api().store().get<api::ReplicaSet>("default", "web");
  REQUIRE(rs_before != nullptr);
  REQUIRE(rs_after != nullptr);
  CHECK(rs_before->spec.replicas == 2);
  CHECK(rs_after->spec.replicas == 5);
  CHECK(rs_after->metadata.generation == rs_before->metadata.generation + 1);

  auto done = run(yaml);
  std::map<std::string, int> pods = pods_by_node(*done, "web");
  int total = 0;
  for (const auto& [node, n] : pods) {
    CHECK_FALSE(node.empty());
    total += n;
  }
  CHECK(total == 5);
  // An object the timeline names but nobody created is a run warning, not a crash.
  REQUIRE(done->warnings().size() == 1);
  CHECK(done->warnings()[0] == "t=12s: scale Deployment default/missing: NotFound: Deployment \"missing\" not found");
}

TEST_CASE("setImage changes the pod template and starts a Deployment rollout", "[cluster][timeline]") {
  const std::string yaml = kHeader + R"(  duration: 1m
  cluster:
    nodePools: [{name: n, count: 2, template: {status: {capacity: {cpu: "8", memory: 16Gi}}}}]
  objects:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      replicas: 2
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers: [{name: web, image: "nginx:1.25"}]
  timeline:
  - at: 5s
    setImage: {kind: Deployment, name: web, container: nope, image: "nginx:1.26"}
  - at: 10s
    setImage: {kind: Deployment, name: web, container: web, image: "nginx:1.26"}
)";
  auto c = run(yaml);
  auto d = c->api().store().get<api::Deployment>("default", "web");
  REQUIRE(d != nullptr);
  CHECK(d->spec.template_.spec.containers.at(0).image == "nginx:1.26");
  CHECK(d->metadata.generation == 2);
  REQUIRE(c->warnings().size() == 1);
  CHECK(c->warnings()[0] == "t=5s: setImage Deployment default/web: error: unable to find container named \"nope\"");
  // The rollout: a second ReplicaSet with the new template, and every running pod on the new image.
  int with_new_image = 0;
  for (const store::ObjectRef& ref : c->api().store().list(api::Kind::ReplicaSet)) {
    with_new_image += ref.get<api::ReplicaSet>().spec.template_.spec.containers.at(0).image == "nginx:1.26" ? 1 : 0;
  }
  CHECK(c->api().store().list(api::Kind::ReplicaSet).size() == 2);
  CHECK(with_new_image == 1);
}

TEST_CASE("cordon sets spec.unschedulable and the scheduler avoids the node", "[cluster][timeline]") {
  const std::string yaml = kHeader + R"(  duration: 20s
  cluster:
    nodePools: [{name: n, count: 2, template: {status: {capacity: {cpu: "8", memory: 16Gi}}}}]
  timeline:
  - at: 1s
    cordon: {node: n-0}
  - at: 2s
    arrivals:
      name: p
      count: 6
      interval: 100ms
      template:
        metadata: {labels: {app: p}}
        spec: {containers: [{name: c, image: busybox, resources: {requests: {cpu: 100m}}}]}
  - at: 10s
    uncordon: {pool: n}
)";
  auto cordoned = run(yaml, 5_s);
  CHECK(cordoned->api().store().get<api::Node>("", "n-0")->spec.unschedulable);
  CHECK_FALSE(cordoned->api().store().get<api::Node>("", "n-1")->spec.unschedulable);
  CHECK(pods_by_node(*cordoned, "p") == std::map<std::string, int>{{"n-1", 6}});

  auto uncordoned = run(yaml);
  CHECK_FALSE(uncordoned->api().store().get<api::Node>("", "n-0")->spec.unschedulable);
  CHECK(uncordoned->warnings().empty());
}

namespace {

// One node n-0 runs the four pods of `web` and a mirror pod; n-1 joins at 15 s; n-0 is drained at 20 s.
std::string drain_scenario(std::string_view controllers, bool with_pdb) {
  std::string yaml = kHeader +
                     fmt::format(R"(  duration: 2m
  controlPlane:
    controllerManager: {{controllers: {}}}
  cluster:
    nodePools: [{{name: n, count: 1, template: {{status: {{capacity: {{cpu: "8", memory: 16Gi}}}}}}}}]
  objects:)",
                                 controllers) +
                     replica_set(4) + R"(
  - apiVersion: v1
    kind: Pod
    metadata:
      name: static-web
      labels: {app: static}
      annotations: {kubernetes.io/config.mirror: 3f2a9c}
    spec:
      nodeName: n-0
      containers: [{name: c, image: busybox}]
)";
  if (with_pdb) {
    yaml += R"(
  - apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata: {name: web}
    spec:
      minAvailable: 3
      selector: {matchLabels: {app: web}}
)";
  }
  yaml += R"(  timeline:
  - at: 15s
    addNodes: {pool: n, count: 1}
  - at: 20s
    drain: {node: n-0}
)";
  return yaml;
}

}  // namespace

TEST_CASE("drain cordons, evicts every pod but mirror pods, and the ReplicaSet moves", "[cluster][timeline]") {
  auto c = run(drain_scenario("[\"*\"]", false));
  CHECK(c->api().store().get<api::Node>("", "n-0")->spec.unschedulable);
  CHECK(pods_by_node(*c, "web") == std::map<std::string, int>{{"n-1", 4}});
  CHECK(pods_by_node(*c, "static") == std::map<std::string, int>{{"n-0", 1}});  // mirror pods stay
  const apiserver::RequestCount* evictions = request_count(*c, "kubectl", "pods/eviction");
  REQUIRE(evictions != nullptr);
  CHECK(evictions->count == 4);
  CHECK(evictions->failed == 0);
  CHECK(c->warnings().empty());
}

TEST_CASE("drain honours a PodDisruptionBudget through the disruption controller", "[cluster][timeline]") {
  auto c = run(drain_scenario("[\"*\"]", true));
  // minAvailable 3 of 4: one eviction at a time, the next once a replacement is ready on n-1.
  CHECK(pods_by_node(*c, "web") == std::map<std::string, int>{{"n-1", 4}});
  const apiserver::RequestCount* evictions = request_count(*c, "kubectl", "pods/eviction");
  REQUIRE(evictions != nullptr);
  CHECK(evictions->count > 4);
  CHECK(evictions->failed == evictions->count - 4);
  CHECK(has_warning(*c, "drain: evict pod default/web-"));
  CHECK(has_warning(*c, "Cannot evict pod as it would violate the pod's disruption budget. (will retry every 5s)"));
}

TEST_CASE("a PodDisruptionBudget without status refuses every eviction with 429", "[cluster][timeline]") {
  // Without the disruption controller nobody writes the PDB's status: observedGeneration 0 < generation 1
  // makes the Eviction API answer 429, and kubectl drain retries every 5 s.
  auto c = run(drain_scenario("[\"*\", \"-disruption\"]", true), 41_s);
  CHECK(pods_by_node(*c, "web") == std::map<std::string, int>{{"n-0", 4}});
  const apiserver::RequestCount* evictions = request_count(*c, "kubectl", "pods/eviction");
  REQUIRE(evictions != nullptr);
  // Attempts reach the server at 20.006, 25.009, 30.012, 35.015 and 40.018 s for each of the 4 pods.
  CHECK(evictions->count == 20);
  CHECK(evictions->failed == 20);
  // One warning per refused pod, not one per retry.
  CHECK(c->warnings().size() == 4);
  CHECK(c->warnings()[0].rfind("t=20.006s: drain: evict pod default/web-", 0) == 0);
}

TEST_CASE("addNodes continues the pool's numbering and removeNodes takes the highest first", "[cluster][timeline]") {
  const std::string yaml = kHeader + R"(  duration: 20s
  cluster:
    nodePools: [{name: n, count: 2, zones: [a, b], template: {status: {capacity: {cpu: "8", memory: 16Gi}}}}]
  timeline:
  - at: 5s
    addNodes: {pool: n, count: 3}
  - at: 10s
    removeNodes: {pool: n, count: 2}
  - at: 12s
    addNodes: {pool: n, count: 1}
  - at: 13s
    cordon: {zone: a}
)";
  auto added = run(yaml, 6_s);
  CHECK(added->api().store().list(api::Kind::Node).size() == 5);
  auto n4 = added->api().store().get<api::Node>("", "n-4");
  REQUIRE(n4 != nullptr);
  CHECK(*n4->metadata.labels.find("topology.kubernetes.io/zone") == "a");

  auto c = run(yaml);
  std::vector<std::string> names;
  for (const store::ObjectRef& ref : c->api().store().list(api::Kind::Node)) {
    names.push_back(ref.meta().name);
  }
  // n-3 and n-4 left; the node added afterwards is n-5, not a reused name.
  CHECK(names == std::vector<std::string>{"n-0", "n-1", "n-2", "n-5"});
  // Zone a holds the even indices that still exist.
  CHECK(c->api().store().get<api::Node>("", "n-0")->spec.unschedulable);
  CHECK(c->api().store().get<api::Node>("", "n-2")->spec.unschedulable);
  CHECK_FALSE(c->api().store().get<api::Node>("", "n-1")->spec.unschedulable);
  CHECK_FALSE(c->api().store().get<api::Node>("", "n-5")->spec.unschedulable);
}

TEST_CASE("slowApiServer multiplies request latencies for its window", "[cluster][timeline]") {
  const std::string yaml = kHeader + R"(  duration: 2m
  timeline:
  - at: 5s
    slowApiServer: {factor: 5, for: 1m}
  - at: 10s
    create: {apiVersion: v1, kind: Pod, metadata: {name: slow}, spec: {containers: [{name: c, image: busybox}]}}
  - at: 70s
    create: {apiVersion: v1, kind: Pod, metadata: {name: fast}, spec: {containers: [{name: c, image: busybox}]}}
)";
  auto c = run(yaml);
  const auto& pods = c->pods().records();
  REQUIRE(pods.size() == 2);
  CHECK(pods[0].name == "slow");
  CHECK(pods[0].created == base::SimTime::zero() + 10'015_ms);  // 3 ms create latency × 5
  CHECK(pods[1].created == base::SimTime::zero() + 70'003_ms);  // the window closed at 65 s
}

TEST_CASE("apiServerOutage fails requests with 503 and holds watch events", "[cluster][timeline]") {
  const std::string yaml = kHeader + R"(  duration: 1m
  cluster:
    nodePools: [{name: n, count: 1, template: {status: {capacity: {cpu: "8", memory: 16Gi}}}}]
  objects:)" + replica_set(1) +
                           R"(  timeline:
  - at: 10s
    apiServerOutage: {for: 20s}
  - at: 15s
    create: {apiVersion: v1, kind: Pod, metadata: {name: lost}, spec: {containers: [{name: c, image: busybox}]}}
  - at: 16s
    scale: {kind: ReplicaSet, name: web, replicas: 3}
  - at: 35s
    scale: {kind: ReplicaSet, name: web, replicas: 2}
)";
  auto c = run(yaml);
  std::vector<std::string> expected = {
      "t=15.003s: create rejected (ServiceUnavailable): the server is currently unable to handle the request",
      "t=16s: scale ReplicaSet default/web: ServiceUnavailable: the server is currently unable to handle the request",
  };
  CHECK(c->warnings() == expected);
  CHECK(c->api().store().get<api::Pod>("default", "lost") == nullptr);
  CHECK(c->api().store().get<api::ReplicaSet>("default", "web")->spec.replicas == 2);
  CHECK(pods_by_node(*c, "web") == std::map<std::string, int>{{"n-0", 2}});
  const apiserver::RequestCount* creates = request_count(*c, "scenario", "pods");
  REQUIRE(creates != nullptr);
  CHECK(creates->failed == 1);
}

TEST_CASE("crashNode stops the kubelet and the node lifecycle controller notices", "[cluster][timeline]") {
  const std::string yaml = kHeader + R"(  duration: 1m
  cluster:
    nodePools: [{name: n, count: 2, template: {status: {capacity: {cpu: "8", memory: 16Gi}}}}]
  timeline:
  - at: 5s
    crashNode: {node: n-0}
  - at: 5s
    partition: {node: n-1}
  - at: 6s
    heal: {node: n-1}
)";
  auto c = run(yaml);
  auto ready = [&](std::string_view name) {
    auto node = c->api().store().get<api::Node>("", name);
    REQUIRE(node != nullptr);
    for (const api::NodeCondition& cond : node->status.conditions) {
      if (cond.type == "Ready") {
        return cond.status;
      }
    }
    return api::ConditionStatus::Unknown;
  };
  // The last renewal was at most 10 s before the crash; the grace period is 40 s.
  CHECK(ready("n-0") == api::ConditionStatus::Unknown);
  CHECK(ready("n-1") == api::ConditionStatus::True);
  CHECK(c->warnings().empty());
}

namespace {

// A 4-replica Deployment behind Service `web` on 3 nodes, traffic at 20 rps from c-0 (a node of its own
// pool that no pod lands on: it is tainted) from 30 s.
std::string traffic_scenario(const std::string& extra_timeline) {
  return kHeader + R"(  duration: 3m
  cluster:
    nodePools:
      - {name: n, count: 3, template: {status: {capacity: {cpu: "8", memory: 16Gi}}}}
      - name: c
        count: 1
        template:
          spec: {taints: [{key: client, effect: NoSchedule}]}
          status: {capacity: {cpu: "8", memory: 16Gi}}
  objects:
    - apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec: {selector: {app: web}, ports: [{port: 80}]}
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 4
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: app, image: nginx:1.25}]}
  timeline:
    - at: 30s
      traffic: {service: web, rps: 20, clients: {node: c-0}}
)" + extra_timeline;
}

}  // namespace

TEST_CASE("traffic to a healthy Deployment has no errors", "[cluster][timeline][traffic]") {
  auto c = run(traffic_scenario(""));
  metrics::RunSummary s = c->summary();
  REQUIRE(s.traffic.size() == 1);
  CHECK(s.traffic[0].name == "web");
  // Ticks at 30 s, 30.1 s, ..., 180 s (the horizon's events run too): 1501 ticks of 2 requests.
  CHECK(s.traffic[0].requests == 3002);
  CHECK(s.traffic[0].errors == 0);
  CHECK(s.traffic[0].error_windows.empty());
  // kube-proxy watches EndpointSlices through the API server like any component.
  const apiserver::RequestCount* watch = request_count(*c, "kube-proxy", "endpointslices");
  REQUIRE(watch != nullptr);
}

TEST_CASE("traffic during a node crash fails until the endpoints drop the dead pods plus the proxy lag",
          "[cluster][timeline][traffic]") {
  auto spec = scenario::parse_scenario(traffic_scenario(R"(    - at: 60s
      crashNode: {node: n-0}
)"),
                                       "timeline.yaml");
  REQUIRE(spec.has_value());
  auto built = cluster::Cluster::build(spec.value(), {});
  REQUIRE(built.has_value());
  cluster::Cluster& c = *built.value();
  // The last write of the Service's slices after the crash: the one that leaves the dead pods out.
  base::SimTime last_slice_write;
  const_cast<apiserver::ApiServer&>(c.api()).on_change.connect(
      [&](base::SimTime t, apiserver::Verb, apiserver::ClientId, const store::Change& ch) {
        if (ch.object.kind == api::Kind::EndpointSlice && t > base::SimTime::zero() + 60_s) {
          last_slice_write = t;
        }
      });
  c.run();
  metrics::RunSummary s = c.summary();
  REQUIRE(s.traffic.size() == 1);
  const metrics::ServiceTrafficRow& t = s.traffic[0];
  REQUIRE(t.error_windows.size() >= 1);
  // Errors only between the crash and the moment c-0's proxy applies the slice without the dead pods
  // (the slice write + 1 ms watch delay + 1 s sync lag); n-0 goes NotReady ~40 s after its last
  // renewal, so that is 40-50 s after the crash.
  base::SimTime crash = base::SimTime::zero() + 60_s;
  base::SimTime applied = last_slice_write + 1_ms + 1_s;
  CHECK(last_slice_write > crash + 40_s);
  CHECK(last_slice_write < crash + 55_s);
  CHECK(t.error_windows.front().start >= crash);
  CHECK(t.error_windows.back().end < applied);
  CHECK(t.error_windows.back().end >= applied - 200_ms);
  CHECK(t.errors > 0);
  CHECK(t.requests == 3002);
}

TEST_CASE("a partitioned node's pods keep serving while they leave the endpoints", "[cluster][timeline][traffic]") {
  auto spec = scenario::parse_scenario(traffic_scenario(R"(    - at: 60s
      partition: {node: n-0}
)"),
                                       "timeline.yaml");
  REQUIRE(spec.has_value());
  auto built = cluster::Cluster::build(spec.value(), {});
  REQUIRE(built.has_value());
  cluster::Cluster& c = *built.value();
  c.run_until(base::SimTime::zero() + 59_s);
  // The pods on n-0 (the API's view before the partition).
  std::vector<std::pair<std::string, std::string>> on_n0;
  for (const store::ObjectRef& ref : c.api().store().list(api::Kind::Pod)) {
    const auto& pod = ref.get<api::Pod>();
    if (pod.spec.node_name == "n-0") {
      on_n0.emplace_back(pod.metadata.name, pod.metadata.uid);
    }
  }
  REQUIRE(!on_n0.empty());
  c.run_until(base::SimTime::zero() + 3_min);
  for (const auto& [name, uid] : on_n0) {
    CHECK(c.nodes().is_serving("default", name, uid));
    // ...but the endpoint controller marked them not ready: no proxy routes to them any more.
    for (const node::ProxyTarget& target :
         c.proxies().endpoints_seen(*c.nodes().find("c-0"), "default", "web", base::SimTime::zero() + 3_min)) {
      CHECK(target.name != name);
    }
  }
  metrics::RunSummary s = c.summary();
  REQUIRE(s.traffic.size() == 1);
  CHECK(s.traffic[0].errors == 0);
  CHECK(s.traffic[0].requests == 3002);
}

namespace {

// A rolling update (maxSurge 1, maxUnavailable 0) of 4 pods whose application needs 5 s to warm up,
// with traffic throughout; kube-proxy applies changes at once, so only the pods' readiness matters.
std::string rollout_traffic_scenario(bool with_probe) {
  std::string probe = with_probe ? ", readinessProbe: {periodSeconds: 1}" : "";
  return kHeader + R"(  duration: 3m
  cluster:
    kubeProxy: {syncLag: 0s}
    nodePools:
      - {name: n, count: 3, template: {status: {capacity: {cpu: "8", memory: 16Gi}}}}
  objects:
    - apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec: {selector: {app: web}, ports: [{port: 80}]}
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 4
        selector: {matchLabels: {app: web}}
        strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
        template:
          metadata: {labels: {app: web}, annotations: {kubesim.io/ready-after: 5s}}
          spec: {containers: [{name: app, image: nginx:1.25)" +
         probe + R"(}]}
  timeline:
    - at: 30s
      traffic: {service: web, rps: 50}
    - at: 60s
      setImage: {kind: Deployment, name: web, container: app, image: "nginx:1.26"}
)";
}

}  // namespace

TEST_CASE("traffic during a rolling update: errors without readiness probes, none with them",
          "[cluster][timeline][traffic][probes]") {
  auto without = run(rollout_traffic_scenario(false));
  auto with = run(rollout_traffic_scenario(true));
  metrics::RunSummary a = without->summary();
  metrics::RunSummary b = with->summary();
  REQUIRE(a.traffic.size() == 1);
  REQUIRE(b.traffic.size() == 1);
  CHECK(a.traffic[0].requests == b.traffic[0].requests);
  // Without a probe a new pod is Ready (and routed to) as soon as it starts, 5 s before it serves,
  // and each of the 4 steps deletes an old pod that did serve.
  CHECK(a.traffic[0].errors > 0);
  CHECK(a.traffic[0].error_windows.size() >= 4);
  // With a probe it is Ready only once it answers: no request finds a warming pod.
  CHECK(b.traffic[0].errors == 0);
}

TEST_CASE("a readiness probe passes successThreshold times after the application serves", "[cluster][probes]") {
  auto c = run(kHeader + R"(  duration: 1m
  cluster:
    nodePools:
      - {name: n, count: 1, template: {status: {capacity: {cpu: "8", memory: 16Gi}}}}
  objects:
    - apiVersion: v1
      kind: Pod
      metadata: {name: p, annotations: {kubesim.io/ready-after: 7s}}
      spec:
        containers:
          - name: app
            image: nginx:1.25
            readinessProbe: {initialDelaySeconds: 2, periodSeconds: 5, successThreshold: 2}
          - {name: sidecar, image: busybox:1.36}
)");
  store::ObjectRef ref = c->api().store().get(api::Kind::Pod, "default", "p");
  REQUIRE(ref);
  const auto& pod = ref.get<api::Pod>();
  const api::PodCondition* started = pod.status.condition("Initialized");
  const api::PodCondition* ready = pod.status.condition("Ready");
  REQUIRE(started != nullptr);
  REQUIRE(ready != nullptr);
  CHECK(ready->status == api::ConditionStatus::True);
  // Probes at +2 s (fails), +7 s (the application serves: first success), +12 s (second success).
  CHECK(ready->last_transition_time - started->last_transition_time == 12_s);
  REQUIRE(pod.status.container_statuses.size() == 2);
  CHECK(pod.status.container_statuses[0].ready);
  CHECK(c->nodes().is_serving("default", "p", pod.metadata.uid));
}

// --- containers: restarts, OOM kills, memory eviction ----------------------------------------------

namespace {

// Every status of pod default/<name> the store recorded, oldest first.
std::vector<api::Pod> pod_history(const cluster::Cluster& c, std::string_view name) {
  std::vector<api::Pod> out;
  auto changes = c.api().store().changes_since(api::Kind::Pod, 0);
  REQUIRE(changes.has_value());
  for (const store::Change& ch : changes.value()) {
    if (ch.type != store::ChangeType::Deleted && ch.object.meta().name == name) {
      out.push_back(ch.object.get<api::Pod>());
    }
  }
  return out;
}

const std::string kMemoryCluster = R"(  controlPlane: {apiServer: {historyWindow: 100000}}
  cluster:
    kubelet: {sandboxLatency: 0s, imagePullLatency: 0s, containerStartLatency: 0s}
    nodePools:
      - {name: n, count: 1, template: {status: {capacity: {cpu: "8", memory: 4Gi}}}}
)";

}  // namespace

TEST_CASE("an OOM-looping container backs off 10, 20, 40 ... 300 s", "[cluster][containers][oom]") {
  auto c = run(kHeader + "  duration: 40m\n" + kMemoryCluster + R"(  objects:
    - apiVersion: v1
      kind: Pod
      metadata: {name: hog, annotations: {kubesim.io/memory: ramp to 512Mi over 10s}}
      spec:
        containers:
          - name: app
            image: busybox:1.36
            resources: {limits: {memory: 256Mi}}
)");
  // Each run starts at 0 and crosses its 256Mi limit half-way up the ramp: killed 5 s after start.
  std::vector<base::SimTime> starts;
  std::vector<base::SimTime> kills;
  std::int32_t last_restarts = -1;
  for (const api::Pod& p : pod_history(*c, "hog")) {
    if (p.status.container_statuses.empty()) {
      continue;
    }
    const api::ContainerStatus& cs = p.status.container_statuses[0];
    if (cs.state.kind == api::ContainerState::Kind::Running && cs.restart_count != last_restarts) {
      starts.push_back(cs.state.started_at);
      last_restarts = cs.restart_count;
    }
    if (cs.state.kind == api::ContainerState::Kind::Waiting) {
      CHECK(cs.state.reason == "CrashLoopBackOff");
      CHECK(cs.last_state.reason == "OOMKilled");
      CHECK(cs.last_state.exit_code == 137);
      CHECK_FALSE(cs.ready);
      CHECK(p.status.phase == api::PodPhase::Running);
      if (kills.empty() || kills.back() != cs.last_state.finished_at) {
        kills.push_back(cs.last_state.finished_at);
      }
    }
  }
  REQUIRE(starts.size() >= 9);
  REQUIRE(kills.size() >= 8);
  std::vector<std::int64_t> delays;
  for (std::size_t i = 0; i + 1 < starts.size() && i < kills.size(); ++i) {
    CHECK(kills[i] - starts[i] > 5_s - 1_ms);
    CHECK(kills[i] - starts[i] <= 5_s + 1_ms);
    delays.push_back(((starts[i + 1] - kills[i]) + 1_ms).nanos() / 1'000'000'000);
  }
  delays.resize(8);
  CHECK(delays == std::vector<std::int64_t>{10, 20, 40, 80, 160, 300, 300, 300});
  CHECK(c->nodes().oom_kills() == kills.size());
  bool backoff_event = false;
  for (const store::ObjectRef& ref : c->api().store().list(api::Kind::Event)) {
    const auto& e = ref.get<api::Event>();
    backoff_event =
        backoff_event || (e.reason == "BackOff" && e.type == "Warning" &&
                          e.message.starts_with("Back-off restarting failed container app in pod hog_default("));
  }
  CHECK(backoff_event);
}

TEST_CASE("a failure declared by exit code: Never fails the pod, OnFailure restarts it", "[cluster][containers]") {
  auto c = run(kHeader + "  duration: 2m\n" + kMemoryCluster + R"(  objects:
    - apiVersion: v1
      kind: Pod
      metadata: {name: never, annotations: {kubesim.io/duration: 5s, kubesim.io/exit-code: "3"}}
      spec:
        restartPolicy: Never
        containers: [{name: app, image: busybox:1.36}]
    - apiVersion: v1
      kind: Pod
      metadata: {name: retry, annotations: {kubesim.io/duration: 5s, kubesim.io/exit-code: "1"}}
      spec:
        restartPolicy: OnFailure
        containers: [{name: app, image: busybox:1.36}]
    - apiVersion: v1
      kind: Pod
      metadata: {name: ok, annotations: {kubesim.io/duration: 5s}}
      spec:
        containers: [{name: app, image: busybox:1.36}]
)");
  const auto& never = c->api().store().get(api::Kind::Pod, "default", "never").get<api::Pod>();
  CHECK(never.status.phase == api::PodPhase::Failed);
  REQUIRE(never.status.container_statuses.size() == 1);
  CHECK(never.status.container_statuses[0].state.reason == "Error");
  CHECK(never.status.container_statuses[0].state.exit_code == 3);
  const auto& retry = c->api().store().get(api::Kind::Pod, "default", "retry").get<api::Pod>();
  CHECK(retry.status.phase == api::PodPhase::Running);
  // Runs of 5 s with back-offs 10, 20, 40 s: restarts at 15 s, 40 s, 85 s within 2 minutes.
  CHECK(retry.status.container_statuses[0].restart_count == 3);
  CHECK(c->api().store().get(api::Kind::Pod, "default", "ok").get<api::Pod>().status.phase == api::PodPhase::Succeeded);
}

TEST_CASE("a node under memory pressure evicts BestEffort, then Burstable, then Guaranteed",
          "[cluster][containers][eviction]") {
  // 4Gi node: pressure when the working set is above 4Gi − 100Mi = 3996Mi. At 1 m the BestEffort pod
  // jumps to 2Gi (4352Mi in all): it goes first, being the most above its (zero) request. At 2 m the
  // Burstable pod grows to 2.5Gi (4096Mi with the Guaranteed pod): it goes next. The Guaranteed pod
  // never uses more than it requests and stays.
  auto c = run(kHeader + "  duration: 10m\n" + kMemoryCluster + R"(  objects:
    - apiVersion: v1
      kind: Pod
      metadata: {name: guaranteed, annotations: {kubesim.io/memory: 1536Mi}}
      spec:
        containers:
          - name: app
            image: busybox:1.36
            resources: {requests: {cpu: 100m, memory: 1536Mi}, limits: {cpu: 100m, memory: 1536Mi}}
    - apiVersion: v1
      kind: Pod
      metadata: {name: burstable, annotations: {kubesim.io/memory: "768Mi for 2m, 2560Mi"}}
      spec:
        containers:
          - name: app
            image: busybox:1.36
            resources: {requests: {memory: 512Mi}}
    - apiVersion: v1
      kind: Pod
      metadata: {name: besteffort, annotations: {kubesim.io/memory: "256Mi for 1m, 2Gi"}}
      spec:
        containers: [{name: app, image: busybox:1.36}]
)");
  auto status = [&](std::string_view name) {
    return c->api().store().get(api::Kind::Pod, "default", name).get<api::Pod>().status;
  };
  api::PodStatus be = status("besteffort");
  api::PodStatus bu = status("burstable");
  api::PodStatus gu = status("guaranteed");
  CHECK(be.phase == api::PodPhase::Failed);
  CHECK(be.reason == "Evicted");
  CHECK(be.message == "The node was low on resource: memory. Threshold quantity: 100Mi, available: -256Mi. "
                      "Container app was using 2Gi, request is 0, has larger consumption of memory. ");
  CHECK(bu.phase == api::PodPhase::Failed);
  CHECK(bu.reason == "Evicted");
  CHECK(gu.phase == api::PodPhase::Running);
  const api::PodCondition* be_target = be.condition("DisruptionTarget");
  const api::PodCondition* bu_target = bu.condition("DisruptionTarget");
  REQUIRE(be_target != nullptr);
  REQUIRE(bu_target != nullptr);
  CHECK(be_target->reason == "TerminationByKubelet");
  CHECK(be_target->last_transition_time < bu_target->last_transition_time);
  CHECK(be_target->last_transition_time.since_start() > 1_min);
  CHECK(be_target->last_transition_time.since_start() <= 1_min + 10_s + 1_s);
  CHECK(bu_target->last_transition_time.since_start() > 2_min);
  CHECK(c->nodes().evictions() == 2);
  // MemoryPressure was reported, and the node lifecycle controller tainted the node.
  bool pressure_seen = false;
  bool taint_seen = false;
  auto changes = c->api().store().changes_since(api::Kind::Node, 0);
  REQUIRE(changes.has_value());
  for (const store::Change& ch : changes.value()) {
    const auto& node = ch.object.get<api::Node>();
    const api::NodeCondition* mp = node.status.condition("MemoryPressure");
    pressure_seen = pressure_seen || (mp != nullptr && mp->status == api::ConditionStatus::True &&
                                      mp->reason == "KubeletHasInsufficientMemory");
    for (const api::Taint& t : node.spec.taints) {
      taint_seen =
          taint_seen || (t.key == "node.kubernetes.io/memory-pressure" && t.effect == api::TaintEffect::NoSchedule);
    }
  }
  CHECK(pressure_seen);
  CHECK(taint_seen);
  // The condition clears 5 minutes after the last pass that saw the node short of memory.
  const auto& node = c->api().store().get(api::Kind::Node, "", "n-0").get<api::Node>();
  CHECK(node.status.condition("MemoryPressure")->status == api::ConditionStatus::False);
}

TEST_CASE("allocatable is capacity minus the hard eviction threshold for memory", "[cluster][containers]") {
  auto c = run(kHeader + "  duration: 10s\n" + kMemoryCluster);
  const auto& node = c->api().store().get(api::Kind::Node, "", "n-0").get<api::Node>();
  CHECK(node.status.allocatable.value_or_zero(api::kResourceMemory) == 4LL * 1024 * 1024 * 1024 - 100LL * 1024 * 1024);
  CHECK(node.status.allocatable.value_or_zero(api::kResourceCpu) == 8000);
}

namespace {

// Two empty nodes; pod `a` is bound to n-0 and pulls big:1 there (of `size`); at 1 m a second pod with
// the same image arrives for the scheduler.
std::string image_locality_scenario(std::string_view size) {
  return kHeader + fmt::format(R"(  duration: 2m
  cluster:
    images: {{big:1: {}}}
    nodePools:
    - name: n
      count: 2
      template: {{status: {{capacity: {{cpu: "2", memory: 4Gi, pods: 110}}}}}}
  objects:
  - apiVersion: v1
    kind: Pod
    metadata: {{name: a}}
    spec:
      nodeName: n-0
      containers: [{{name: c, image: "big:1", resources: {{requests: {{cpu: 500m, memory: 1Gi}}}}}}]
  timeline:
  - at: 1m
    create:
      apiVersion: v1
      kind: Pod
      metadata: {{name: b}}
      spec:
        containers: [{{name: c, image: "big:1", resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}}}]
)",
                               size);
}

}  // namespace

TEST_CASE("ImageLocality sees the images a node reports after pulling them", "[cluster][images]") {
  // 800 MiB on one of two nodes: ImageLocality gives n-0 (800 Mi × 1/2 − 23 Mi) / (1000 Mi − 23 Mi) × 100
  // = 38 points, more than LeastAllocated and BalancedAllocation give the empty n-1.
  auto big = run(image_locality_scenario("800Mi"));
  const auto& n0 = big->api().store().get(api::Kind::Node, "", "n-0").get<api::Node>();
  REQUIRE(n0.status.images.size() == 1);
  CHECK(n0.status.images[0].names == std::vector<std::string>{"big:1"});
  CHECK(n0.status.images[0].size_bytes == 800LL << 20);
  CHECK(big->api().store().get(api::Kind::Node, "", "n-1").get<api::Node>().status.images.empty());
  CHECK(big->api().store().get(api::Kind::Pod, "default", "b").get<api::Pod>().spec.node_name == "n-0");
  CHECK(big->summary().image_pulls == 1);
  // 50 MiB scores (25 Mi − 23 Mi) / 977 Mi × 100 = 0: the emptier node wins and pulls it too.
  auto small = run(image_locality_scenario("50Mi"));
  CHECK(small->api().store().get(api::Kind::Pod, "default", "b").get<api::Pod>().spec.node_name == "n-1");
  CHECK(small->summary().image_pulls == 2);
}

TEST_CASE("CPU is capped by limits and shared by requests on a saturated node; usage is sampled every 10 s",
          "[cluster][usage]") {
  // One 2-CPU node. `capped` wants 1.5 CPU under a 1-CPU limit; `growing` wants 500m for 2 minutes,
  // then 2 CPUs, more than the node has left. Both start at 2.509 s (b waits for a's pull of app:1).
  const std::string yaml = kHeader + R"(  duration: 3m
  cluster:
    nodePools:
    - name: n
      count: 1
      template: {status: {capacity: {cpu: "2", memory: 4Gi, pods: 110}}}
  objects:
  - apiVersion: v1
    kind: Pod
    metadata: {name: capped, annotations: {kubesim.io/cpu: 1500m, kubesim.io/memory: 512Mi}}
    spec:
      containers: [{name: c, image: "app:1", resources: {requests: {cpu: 500m, memory: 256Mi}, limits: {cpu: "1"}}}]
  - apiVersion: v1
    kind: Pod
    metadata: {name: growing, annotations: {kubesim.io/cpu: "500m for 2m, 2"}}
    spec:
      containers: [{name: c, image: "app:1", resources: {requests: {cpu: "1", memory: 1Gi}}}]
)";
  auto c = run(yaml);
  const std::vector<metrics::UsageSample>& u = c->usage();
  REQUIRE(u.size() == 18);  // 10 s, 20 s, ... 180 s
  CHECK(u.front().at == base::SimTime::zero() + 10_s);
  CHECK(u.back().at == base::SimTime::zero() + 180_s);
  auto sample = [&](base::Duration t) {
    auto it = std::find_if(u.begin(), u.end(), [&](const metrics::UsageSample& s) { return s.at.since_start() == t; });
    REQUIRE(it != u.end());
    return *it;
  };
  metrics::UsageSample early = sample(60_s);
  CHECK(early.nodes == 1);
  CHECK(early.pods_running == 2);
  CHECK(early.cpu_allocatable_millicpu == 2000);
  CHECK(early.cpu_requested_millicpu == 1500);
  CHECK(early.cpu_demand_millicpu == 2000);    // 1500 + 500
  CHECK(early.cpu_throttled_millicpu == 500);  // capped at its 1-CPU limit
  CHECK(early.cpu_used_millicpu == 1500);      // 1000 + 500: the node has room
  CHECK(early.cpu_throttled_containers == 1);
  CHECK(early.cpu_starved_containers == 0);
  CHECK(early.memory_requested_bytes == (256LL << 20) + (1LL << 30));
  CHECK(early.memory_used_bytes == (512LL << 20) + (1LL << 30));  // the profile; growing uses its request
  CHECK(early.memory_allocatable_bytes == (4LL << 30) - (100LL << 20));
  // From 2m2.509s growing wants 2 CPUs: 1000 + 2000 > 2000. Shares 512 : 1024 split the node 1 : 2, so
  // capped gets 2000 × 512 / 1536 = 666 and growing the remaining 1334; both are starved.
  metrics::UsageSample late = sample(130_s);
  CHECK(late.cpu_demand_millicpu == 3500);
  CHECK(late.cpu_throttled_millicpu == 500);
  CHECK(late.cpu_used_millicpu == 2000);
  CHECK(late.cpu_throttled_containers == 1);
  CHECK(late.cpu_starved_containers == 2);
  CHECK(sample(10_s).cpu_used_millicpu == 1500);

  // Contention over the run, in 10 s samples: throttled in all 18, starved in 130 s ... 180 s (6).
  metrics::RunSummary s = c->summary();
  CHECK(s.cpu_throttled_container_seconds == 180);
  CHECK(s.cpu_starved_container_seconds == 2 * 6 * 10);

  // Per pod, over its 18 samples: 12 before 2m2.509s, 6 after.
  const auto& records = c->pods().records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].name == "capped");
  CHECK(records[0].usage_samples == 18);
  CHECK(records[0].cpu_used_sum_millicpu == 12 * 1000 + 6 * 666);
  CHECK(records[0].memory_used_peak_bytes == 512LL << 20);
  CHECK(records[1].cpu_used_sum_millicpu == 12 * 500 + 6 * 1334);
  CHECK(records[1].memory_used_peak_bytes == 1LL << 30);

  std::string csv = metrics::format_timeseries_csv(u);
  CHECK(csv.substr(0, csv.find('\n')) ==
        "time_seconds,nodes,pods_running,cpu_allocatable_millicpu,cpu_requested_millicpu,cpu_used_millicpu,"
        "cpu_demand_millicpu,cpu_throttled_millicpu,memory_allocatable_bytes,memory_requested_bytes,"
        "memory_used_bytes,cpu_throttled_containers,cpu_starved_containers,nodes_in_use,pods_pending,queue_active,"
        "queue_backoff,queue_unschedulable,cpu_fragmentation_ratio,pods_per_node_p50,pods_per_node_p90,"
        "pods_per_node_max");
  CHECK(csv.find(
            "\n130.000,1,2,2000,1500,2000,3500,500,4190109696,1342177280,1610612736,1,2,1,0,0,0,0,0.000000,2,2,2\n") !=
        std::string::npos);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 19);
}

TEST_CASE("the time series counts pending pods, queues, nodes in use and stranded free CPU", "[cluster][usage]") {
  // Two 2-CPU nodes. At 15 s three 1.5-CPU pods arrive: two fit (one per node), the third waits in
  // unschedulablePods. Each node then has 500m free, too little for the median pending pod (1.5 CPU):
  // all of the free CPU is stranded.
  const std::string yaml = kHeader + R"(  duration: 1m
  cluster:
    nodePools:
    - name: n
      count: 2
      template: {status: {capacity: {cpu: "2", memory: 4Gi, pods: 110}}}
  timeline:
  - at: 15s
    arrivals:
      name: big
      count: 3
      interval: 1ms
      template:
        spec:
          containers: [{name: c, image: "app:1", resources: {requests: {cpu: 1500m, memory: 1Gi}}}]
)";
  auto c = run(yaml);
  const metrics::UsageSample& s = c->usage().back();
  CHECK(s.at == base::SimTime::zero() + 60_s);
  CHECK(s.nodes_in_use == 2);
  CHECK(s.pods_pending == 1);
  CHECK(s.queue_active + s.queue_backoff + s.queue_unschedulable == 1);
  CHECK(s.cpu_fragmentation_ppm == 1'000'000);
  CHECK(s.pods_per_node_p50 == 1);
  CHECK(s.pods_per_node_max == 1);
  // At 10 s, before the arrivals, nothing is pending and nothing is stranded.
  CHECK(c->usage().front().pods_pending == 0);
  CHECK(c->usage().front().cpu_fragmentation_ppm == 0);
  CHECK(c->usage().front().pods_per_node_max == 0);
}
