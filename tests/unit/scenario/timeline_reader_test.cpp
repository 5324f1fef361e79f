#include "support/catch.hpp"

#include "kubesim/scenario/loader.hpp"

#include <string>
#include <vector>

using namespace kubesim;
using kubesim::scenario::ScenarioSpec;

namespace {

std::vector<std::string> scenario_errors(const std::string& yaml) {
  auto r = scenario::parse_scenario(yaml, "t.yaml");
  REQUIRE_FALSE(r.has_value());
  std::vector<std::string> out;
  for (const base::Diagnostic& d : r.error()) {
    out.push_back(d.str());
  }
  return out;
}

ScenarioSpec scenario_ok(const std::string& yaml) {
  auto r = scenario::parse_scenario(yaml, "t.yaml");
  if (!r) {
    FAIL(r.error().str());
  }
  return std::move(r).value();
}

// Two pools: general-0..2 over two zones, gpu-0..1 without zones. Timeline entries follow.
const std::string kCluster = R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  cluster:
    nodePools:
    - name: general
      count: 3
      zones: [zone-a, zone-b]
      template: {status: {capacity: {cpu: "4"}}}
    - name: gpu
      count: 2
      template: {status: {capacity: {cpu: "8"}}}
  timeline:
)";

base::SimTime at(std::int64_t seconds) { return base::SimTime::zero() + base::Duration::from_seconds(seconds); }

}  // namespace

TEST_CASE("every timeline action is read into its struct", "[scenario][timeline]") {
  ScenarioSpec s = scenario_ok(kCluster + R"(
  - at: 1s
    delete: {kind: Pod, name: web-0, gracePeriodSeconds: 0}
  - at: 2s
    delete: {kind: Node, name: gpu-1, namespace: ignored}
  - at: 3s
    scale: {kind: Deployment, name: web, namespace: shop, replicas: 5}
  - at: 4s
    setImage: {kind: ReplicaSet, name: rs, container: web, image: "nginx:1.26"}
  - at: 5s
    cordon: {node: general-2}
  - at: 6s
    uncordon: {nodes: [general-0, gpu-1]}
  - at: 7s
    drain: {pool: gpu, gracePeriodSeconds: 10}
  - at: 8s
    crashNode: {node: general-1}
  - at: 9s
    recoverNode: {node: general-1}
  - at: 10s
    partition: {zone: zone-a}
  - at: 11s
    heal: {zone: zone-a}
  - at: 12s
    addNodes: {pool: general, count: 2}
  - at: 13s
    removeNodes: {pool: gpu, count: 1}
  - at: 14s
    slowApiServer: {factor: 2.5, for: 2m}
  - at: 15s
    apiServerOutage: {for: 30s}
  - at: 16s
    cordon: {node: general-4}
)");
  REQUIRE(s.timeline.size() == 16);
  CHECK(s.timeline[0].at == at(1));

  const auto& del = std::get<scenario::DeleteAction>(s.timeline[0].action);
  CHECK(del.target.kind == api::Kind::Pod);
  CHECK(del.target.name == "web-0");
  CHECK(del.target.namespace_ == "default");
  CHECK(del.grace_period_seconds == 0);

  const auto& del_node = std::get<scenario::DeleteAction>(s.timeline[1].action);
  CHECK(del_node.target.kind == api::Kind::Node);
  CHECK(del_node.target.namespace_.empty());  // cluster-scoped: the namespace is dropped, as kubectl does
  CHECK_FALSE(del_node.grace_period_seconds.has_value());

  const auto& scale = std::get<scenario::ScaleAction>(s.timeline[2].action);
  CHECK(scale.target.kind == api::Kind::Deployment);
  CHECK(scale.target.namespace_ == "shop");
  CHECK(scale.replicas == 5);

  const auto& image = std::get<scenario::SetImageAction>(s.timeline[3].action);
  CHECK(image.target.kind == api::Kind::ReplicaSet);
  CHECK(image.container == "web");
  CHECK(image.image == "nginx:1.26");

  const auto& cordon = std::get<scenario::NodeAction>(s.timeline[4].action);
  CHECK(cordon.op == scenario::NodeOp::Cordon);
  CHECK(cordon.target.nodes == std::vector<std::string>{"general-2"});

  const auto& uncordon = std::get<scenario::NodeAction>(s.timeline[5].action);
  CHECK(uncordon.op == scenario::NodeOp::Uncordon);
  CHECK(uncordon.target.nodes == std::vector<std::string>{"general-0", "gpu-1"});

  const auto& drain = std::get<scenario::NodeAction>(s.timeline[6].action);
  CHECK(drain.op == scenario::NodeOp::Drain);
  CHECK(drain.target.pool == "gpu");
  CHECK(drain.grace_period_seconds == 10);

  CHECK(std::get<scenario::NodeAction>(s.timeline[7].action).op == scenario::NodeOp::Crash);
  CHECK(std::get<scenario::NodeAction>(s.timeline[8].action).op == scenario::NodeOp::Recover);
  const auto& partition = std::get<scenario::NodeAction>(s.timeline[9].action);
  CHECK(partition.op == scenario::NodeOp::Partition);
  CHECK(partition.target.zone == "zone-a");
  CHECK(std::get<scenario::NodeAction>(s.timeline[10].action).op == scenario::NodeOp::Heal);

  const auto& add = std::get<scenario::AddNodesAction>(s.timeline[11].action);
  CHECK(add.pool == "general");
  CHECK(add.count == 2);
  const auto& remove = std::get<scenario::RemoveNodesAction>(s.timeline[12].action);
  CHECK(remove.pool == "gpu");
  CHECK(remove.count == 1);

  const auto& slow = std::get<scenario::SlowApiServerAction>(s.timeline[13].action);
  CHECK(slow.factor_milli == 2500);
  CHECK(slow.for_ == base::Duration::from_seconds(120));
  CHECK(std::get<scenario::ApiServerOutageAction>(s.timeline[14].action).for_ == base::Duration::from_seconds(30));

  // general-4 exists from 12s on (addNodes continues the numbering at 3).
  CHECK(std::get<scenario::NodeAction>(s.timeline[15].action).target.nodes == std::vector<std::string>{"general-4"});
}

TEST_CASE("node names count the nodes earlier addNodes entries add, in time order", "[scenario][timeline]") {
  // The cordon is written first but runs after the addNodes at 5s.
  scenario_ok(kCluster + R"(
  - at: 10s
    cordon: {node: gpu-3}
  - at: 5s
    addNodes: {pool: gpu, count: 2}
)");
  auto errors = scenario_errors(kCluster + R"(
  - at: 1s
    cordon: {node: gpu-3}
  - at: 5s
    addNodes: {pool: gpu, count: 2}
)");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "t.yaml:17:20: error: unknown node 'gpu-3' (at 1s pool 'gpu' has nodes gpu-0 .. gpu-1)");
}

TEST_CASE("timeline actions are checked at load time", "[scenario][timeline]") {
  auto errors = scenario_errors(kCluster + R"(
  - at: 1s
    cordon: {node: genral-1}
  - at: 2s
    drain: {node: web-17}
  - at: 3s
    partition: {zone: zone-c}
  - at: 4s
    addNodes: {pool: gpus, count: 1}
  - at: 5s
    cordon: {node: general-0, pool: gpu}
  - at: 6s
    heal: {}
  - at: 7s
    scale: {kind: Job, name: j, replicas: 1}
  - at: 8s
    delete: {kind: Pdo, name: p}
  - at: 9s
    slowApiServer: {factor: 0.5, for: 1m}
  - at: 10s
    apiServerOutage: {for: 0s}
  - at: 11s
    setImage: {kind: Deployment, name: web, container: web, image: ""}
  - at: 12s
    uncordon: {nodes: []}
  - at: 13s
    removeNodes: {pool: gpu, count: 0}
  - at: 14s
    scale: {kind: Deployment, name: web, replicas: 3}
    cordon: {node: gpu-0}
    crashNode: {node: gpu-0}
  - at: 15s
    crashNode: {node: gpu-0, grace: 1}
)");
  std::vector<std::string> expected = {
      "t.yaml:17:20: error: unknown node 'genral-1' (did you mean 'general-1'?)",
      "t.yaml:19:19: error: unknown node 'web-17' (nodes are named <pool>-<i>; at 2s they are general-0 .. general-2, "
      "gpu-0 .. gpu-1)",
      "t.yaml:21:23: error: unknown zone 'zone-c' (did you mean 'zone-a'?)",
      "t.yaml:23:22: error: unknown node pool 'gpus' (did you mean 'gpu'?)",
      "t.yaml:25:13: error: 'spec.timeline[4].cordon' selects nodes by more than one of 'node', 'nodes', 'pool' and "
      "'zone' (give exactly one; use several entries with the same 'at' to combine selections)",
      "t.yaml:27:11: error: 'spec.timeline[5].heal' needs one of 'node', 'nodes', 'pool' or 'zone' (e.g. {node: "
      "worker-2} or {pool: worker})",
      "t.yaml:29:19: error: 'spec.timeline[6].scale.kind' must be one of Deployment, ReplicaSet; got 'Job'",
      "t.yaml:31:20: error: 'spec.timeline[7].delete.kind' must be one of Node, Pod, Service, ReplicaSet, Deployment, "
      "PriorityClass, PodDisruptionBudget, Event, Lease, Endpoints, EndpointSlice, Job; got 'Pdo'",
      "t.yaml:33:29: error: 'spec.timeline[8].slowApiServer.factor' must be a decimal number between 1 and 1000000 "
      "with at most 3 decimals, got '0.5' (e.g. 5 (every latency five times as long) or 1.5)",
      "t.yaml:35:28: error: 'spec.timeline[9].apiServerOutage.for' must be > 0, got '0s'",
      "t.yaml:37:68: error: 'spec.timeline[10].setImage.image' must not be empty",
      "t.yaml:39:23: error: 'spec.timeline[11].uncordon.nodes' must not be empty",
      "t.yaml:41:37: error: 'spec.timeline[12].removeNodes.count' must be >= 1, got 0",
      "t.yaml:42:5: error: timeline entry has more than one action ('scale', 'cordon' and 'crashNode') (use one entry "
      "per action; entries may share the same 'at')",
      "t.yaml:47:30: error: unknown field 'grace' in spec.timeline[14].crashNode",
  };
  CHECK(errors == expected);
}

TEST_CASE("unknown names get a hint even without a close match", "[scenario][timeline]") {
  auto errors = scenario_errors(kCluster + R"(
  - at: 1s
    drain: {pool: batch}
  - at: 1s
    cordon: {zone: europe-west1}
)");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] == "t.yaml:17:19: error: unknown node pool 'batch' (node pools are 'general' and 'gpu')");
  CHECK(errors[1] == "t.yaml:19:20: error: unknown zone 'europe-west1' (zones are 'zone-a' and 'zone-b')");
}

TEST_CASE("slowApiServer factors are exact thousandths", "[scenario][timeline]") {
  auto factor = [](const std::string& text) {
    ScenarioSpec s = scenario_ok(kCluster + "  - at: 1s\n    slowApiServer: {factor: " + text + ", for: 1s}\n");
    return std::get<scenario::SlowApiServerAction>(s.timeline.at(0).action).factor_milli;
  };
  CHECK(factor("1") == 1000);
  CHECK(factor("5") == 5000);
  CHECK(factor("1.125") == 1125);
  CHECK(factor("2.5") == 2500);
  CHECK(factor("1000000") == 1'000'000'000);
  for (std::string bad : {"1.0001", "\"5\"", "0.999", "1000001", "-2", "x"}) {
    INFO(bad);
    auto errors = scenario_errors(kCluster + "  - at: 1s\n    slowApiServer: {factor: " + bad + ", for: 1s}\n");
    CHECK(errors.size() == 1);
  }
}

TEST_CASE("traffic starts and stops streams; kubeProxy.syncLag is a distribution", "[scenario][timeline]") {
  std::string yaml = kCluster + R"(  - at: 10s
    traffic: {service: web, rps: 12.5, clients: {pool: gpu}, for: 5m}
  - at: 20s
    traffic: {service: api, namespace: shop, rps: 1}
  - at: 30s
    traffic: {service: web, stop: true}
)";
  // kCluster ends in the timeline: add the kubeProxy settings in front of nodePools.
  std::string with_lag = yaml;
  with_lag.replace(with_lag.find("    nodePools:"), 0,
                   "    kubeProxy: {syncLag: {distribution: uniform, min: 500ms, max: 2s}}\n");
  ScenarioSpec spec = scenario_ok(with_lag);
  REQUIRE(spec.timeline.size() == 3);
  const auto& start = std::get<scenario::TrafficAction>(spec.timeline[0].action);
  CHECK(start.service == "web");
  CHECK(start.namespace_ == "default");
  CHECK(start.rps_milli == 12'500);
  REQUIRE(start.clients.has_value());
  CHECK(start.clients->pool == "gpu");
  CHECK(start.for_ == base::Duration::from_seconds(300));
  CHECK_FALSE(start.stop);
  const auto& all = std::get<scenario::TrafficAction>(spec.timeline[1].action);
  CHECK(all.namespace_ == "shop");
  CHECK_FALSE(all.clients.has_value());  // every node
  CHECK_FALSE(all.for_.has_value());
  CHECK(std::get<scenario::TrafficAction>(spec.timeline[2].action).stop);
  base::Rng rng(1);
  base::Duration lag = spec.cluster.kube_proxy.sync_lag.sample(rng);
  CHECK(lag >= base::Duration::from_millis(500));
  CHECK(lag <= base::Duration::from_seconds(2));

  CHECK(scenario_ok(yaml).cluster.kube_proxy.sync_lag.sample(rng) == base::Duration::from_seconds(1));
}

TEST_CASE("traffic is checked at load time", "[scenario][timeline]") {
  std::vector<std::string> errors = scenario_errors(kCluster + R"(  - at: 1s
    traffic: {service: web, stop: true}
  - at: 2s
    traffic: {service: web, rps: 5, clients: {zone: zone-c}}
)");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].find("traffic to Service 'default/web' is stopped at 1s but no earlier entry starts it") !=
        std::string::npos);
  CHECK(errors[1].find("unknown zone 'zone-c'") != std::string::npos);
}
