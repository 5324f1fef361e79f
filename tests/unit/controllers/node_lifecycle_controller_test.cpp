#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/cluster/cluster.hpp"
#include "kubesim/controllers/node_lifecycle_controller.hpp"
#include "kubesim/controllers/rate_limited_timed_queue.hpp"
#include "kubesim/scenario/loader.hpp"

#include <fmt/format.h>

#include <map>
#include <vector>

using namespace kubesim;
using namespace kubesim::base::literals;
using controllers::RateLimitedTimedQueue;
using controllers::ZoneState;

namespace {

base::SimTime at(base::Duration d) { return base::SimTime::zero() + d; }

std::unique_ptr<cluster::Cluster> build(const std::string& yaml) {
  auto spec = scenario::parse_scenario(yaml, "node-failure.yaml");
  REQUIRE(spec.has_value());
  auto c = cluster::Cluster::build(spec.value(), {});
  REQUIRE(c.has_value());
  return std::move(c.value());
}

std::string scenario_yaml(int nodes, int replicas) {
  return fmt::format(R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {{name: node-failure}}
spec:
  seed: 1
  duration: 20m
  cluster:
    nodePools:
    - name: pool
      count: {}
      zones: [zone-a]
      template:
        status:
          capacity: {{cpu: "8", memory: 32Gi}}
  objects:
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
  - apiVersion: v1
    kind: Service
    metadata: {{name: web}}
    spec:
      selector: {{app: web}}
      ports: [{{port: 80}}]
)",
                     nodes, replicas);
}

std::shared_ptr<const api::Node> node_named(const cluster::Cluster& c, const std::string& name) {
  return c.api().store().get<api::Node>("", name);
}

const api::Taint* find_taint(const api::Node& n, std::string_view key, api::TaintEffect effect) {
  for (const api::Taint& t : n.spec.taints) {
    if (t.key == key && t.effect == effect) {
      return &t;
    }
  }
  return nullptr;
}

std::vector<std::shared_ptr<const api::Pod>> pods(const cluster::Cluster& c) {
  std::vector<std::shared_ptr<const api::Pod>> out;
  for (const store::ObjectRef& ref : c.api().store().list(api::Kind::Pod)) {
    out.push_back(ref.as<api::Pod>());
  }
  return out;
}

/// The Service `web`'s endpoints on each node, ready and not ready, from its EndpointSlices.
struct EndpointCounts {
  int ready = 0;
  int not_ready = 0;
};
std::map<std::string, EndpointCounts> web_endpoints(const cluster::Cluster& c) {
  std::map<std::string, EndpointCounts> out;
  for (const store::ObjectRef& ref : c.api().store().list(api::Kind::EndpointSlice)) {
    const auto& slice = ref.get<api::EndpointSlice>();
    const std::string* service = slice.metadata.labels.find("kubernetes.io/service-name");
    if (service == nullptr || *service != "web") {
      continue;
    }
    for (const api::Endpoint& e : slice.endpoints) {
      (e.conditions.ready.value_or(false) ? out[e.node_name].ready : out[e.node_name].not_ready) += 1;
    }
  }
  return out;
}

/// Occurrences (counts summed) of the Events with `reason` whose message starts with `message_prefix`.
std::int64_t count_events(const cluster::Cluster& c, std::string_view reason, std::string_view message_prefix = "") {
  std::int64_t n = 0;
  for (const store::ObjectRef& ref : c.api().store().list(api::Kind::Event)) {
    const auto& e = ref.get<api::Event>();
    if (e.reason == reason && std::string_view(e.message).substr(0, message_prefix.size()) == message_prefix) {
      n += e.count;
    }
  }
  return n;
}

}  // namespace

TEST_CASE("zone states follow upstream's thresholds", "[nodelifecycle]") {
  using controllers::compute_zone_state;
  CHECK(compute_zone_state(0, 1, 0.55).second == ZoneState::FullDisruption);
  CHECK(compute_zone_state(0, 0, 0.55).second == ZoneState::Normal);
  CHECK(compute_zone_state(1, 2, 0.55).second == ZoneState::Normal);  // not more than 2 not ready
  CHECK(compute_zone_state(2, 3, 0.55).second == ZoneState::PartialDisruption);
  CHECK(compute_zone_state(10, 3, 0.55).second == ZoneState::Normal);
  CHECK(compute_zone_state(9, 11, 0.55).second == ZoneState::PartialDisruption);  // exactly 0.55
  CHECK(compute_zone_state(10, 10, 0.55).second == ZoneState::Normal);
  CHECK(compute_zone_state(2, 3, 0.55).first == 3);
}

TEST_CASE("zone eviction rates: normal, reduced in large zones, stopped in small ones", "[nodelifecycle]") {
  controllers::ControllerManagerConfig cfg;
  using controllers::zone_eviction_qps;
  CHECK(zone_eviction_qps(cfg, ZoneState::Normal, 10) == 0.1);
  CHECK(zone_eviction_qps(cfg, ZoneState::FullDisruption, 10) == 0.1);
  CHECK(zone_eviction_qps(cfg, ZoneState::PartialDisruption, 51) == 0.01);
  CHECK(zone_eviction_qps(cfg, ZoneState::PartialDisruption, 50) == 0.0);
}

TEST_CASE("zone keys join region and zone", "[nodelifecycle]") {
  api::Node n;
  CHECK(controllers::zone_key(n).empty());
  n.metadata.labels.set(std::string(api::kLabelZone), "a");
  CHECK(controllers::zone_key(n) == std::string(":\0:a", 4));
  n.metadata.labels.set(std::string(api::kLabelRegion), "r");
  CHECK(controllers::zone_key(n) == std::string("r:\0:a", 5));
}

TEST_CASE("the zone queue taints one node per 1/qps and queues each node once", "[nodelifecycle]") {
  RateLimitedTimedQueue q(0.1);
  base::SimTime t0 = at(100_s);
  CHECK(q.add("a", t0));
  CHECK(q.add("b", t0));
  CHECK(q.add("c", t0));
  CHECK_FALSE(q.add("a", t0));
  std::vector<std::string> done;
  auto take = [&](const std::string& v) {
    done.push_back(v);
    return std::pair<bool, base::Duration>{true, base::Duration::zero()};
  };
  q.try_process(t0, take);
  CHECK(done == std::vector<std::string>{"a"});
  q.try_process(t0 + 100_ms, take);
  q.try_process(t0 + 9'900_ms, take);
  CHECK(done.size() == 1);
  q.try_process(t0 + 10_s, take);
  CHECK(done == std::vector<std::string>{"a", "b"});
  // Processed values stay in the set until removed (the node became Ready).
  CHECK_FALSE(q.add("a", t0 + 10_s));
  CHECK(q.remove("a"));
  CHECK(q.add("a", t0 + 10_s));
  CHECK(q.queued() == 2);

  // Rate 0 stops everything; coming back from it starts with an empty bucket.
  q.swap_limiter(0, t0 + 30_s);
  q.try_process(t0 + 40_s, take);
  CHECK(done.size() == 2);
  q.swap_limiter(0.1, t0 + 40_s);
  q.try_process(t0 + 40_s, take);
  CHECK(done.size() == 2);
  q.try_process(t0 + 50_s, take);
  CHECK(done.size() == 3);
}

TEST_CASE("a value that cannot be processed yet is retried after its wait", "[nodelifecycle]") {
  RateLimitedTimedQueue q(1000);
  int calls = 0;
  q.add("n", at(0_s));
  auto later = [&](const std::string&) {
    ++calls;
    return std::pair<bool, base::Duration>{calls > 1, 50_ms};
  };
  q.try_process(at(0_s), later);
  CHECK(calls == 1);
  q.try_process(at(50_ms), later);  // due at 50 ms + 1 ns
  CHECK(calls == 1);
  q.try_process(at(100_ms), later);
  CHECK(calls == 2);
  CHECK(q.empty());
}

TEST_CASE("a dead node goes Unknown, is tainted, and its pods are replaced after 300 s",
          "[nodelifecycle][tainteviction]") {
  auto c = build(scenario_yaml(3, 6));
  c->run_until(at(60_s));
  std::vector<std::string> victims;
  for (const auto& p : pods(*c)) {
    if (p->spec.node_name == "pool-2") {
      victims.push_back(p->metadata.name);
      CHECK(p->is_ready());
    }
  }
  REQUIRE_FALSE(victims.empty());
  // Every pod is behind the Service, ready.
  auto endpoints = web_endpoints(*c);
  CHECK(endpoints["pool-2"].ready == static_cast<int>(victims.size()));
  CHECK(endpoints["pool-0"].ready + endpoints["pool-1"].ready + endpoints["pool-2"].ready == 6);
  auto lease = c->api().store().get<api::Lease>(std::string(api::kNodeLeaseNamespace), "pool-2");
  REQUIRE(lease != nullptr);
  base::SimTime last_renew = *lease->spec.renew_time;
  c->nodes().crash(*c->nodes().find("pool-2"));

  // Ready → Unknown at the first 5 s monitor pass after the grace period (40 s) since the last renewal
  // the controller saw.
  c->run_until(at(120_s));
  const api::NodeCondition* ready = node_named(*c, "pool-2")->status.condition("Ready");
  REQUIRE(ready->status == api::ConditionStatus::Unknown);
  CHECK(ready->reason == "NodeStatusUnknown");
  CHECK(ready->message == "Kubelet stopped posting node status.");
  base::SimTime unknown_at = ready->last_transition_time;
  CHECK(unknown_at > last_renew + 40_s);
  CHECK(unknown_at <= last_renew + 46_s);
  CHECK(unknown_at >= at(100_s));
  CHECK(unknown_at <= at(105_s));
  CHECK(node_named(*c, "pool-0")->is_ready());
  // MarkPodsNotReady: the dead node's pods are no longer Ready.
  for (const auto& p : pods(*c)) {
    if (p->spec.node_name == "pool-2") {
      CHECK_FALSE(p->is_ready());
    }
  }
  CHECK(count_events(*c, "NodeNotReady") == static_cast<std::int64_t>(victims.size()) + 1);
  // ... and so the Service's endpoints on the lost node are no longer ready (the EndpointSlice
  // controller follows the pods' Ready condition), while the others still are.
  endpoints = web_endpoints(*c);
  CHECK(endpoints["pool-2"].ready == 0);
  CHECK(endpoints["pool-2"].not_ready == static_cast<int>(victims.size()));
  CHECK(endpoints["pool-0"].ready + endpoints["pool-1"].ready == 6 - static_cast<int>(victims.size()));
  // NoSchedule at once, NoExecute at the next monitor pass through the zone queue.
  auto n = node_named(*c, "pool-2");
  CHECK(find_taint(*n, controllers::kTaintNodeUnreachable, api::TaintEffect::NoSchedule) != nullptr);
  const api::Taint* no_execute = find_taint(*n, controllers::kTaintNodeUnreachable, api::TaintEffect::NoExecute);
  REQUIRE(no_execute != nullptr);
  base::SimTime tainted = *no_execute->time_added;
  CHECK(tainted > unknown_at);
  CHECK(tainted <= unknown_at + 5_s + 200_ms);

  // The taint-eviction controller deletes them after their 300 s default toleration.
  c->run_until(tainted + 299_s);
  for (const std::string& v : victims) {
    CHECK_FALSE(c->api().store().get<api::Pod>("default", v)->is_terminating());
  }
  c->run_until(tainted + 301_s);
  for (const std::string& v : victims) {
    auto p = c->api().store().get<api::Pod>("default", v);
    REQUIRE(p != nullptr);
    CHECK(p->is_terminating());  // nobody on the dead node confirms: they stay Terminating
    const api::PodCondition* dt = p->status.condition("DisruptionTarget");
    REQUIRE(dt != nullptr);
    CHECK(dt->reason == "DeletionByTaintManager");
  }
  CHECK(count_events(*c, "TaintManagerEviction") == static_cast<std::int64_t>(victims.size()));

  // The ReplicaSet replaces them on the live nodes within seconds.
  c->run_until(tainted + 315_s);
  int running_elsewhere = 0;
  for (const auto& p : pods(*c)) {
    if (!p->is_terminating() && p->spec.node_name != "pool-2" && p->status.phase == api::PodPhase::Running &&
        p->is_ready()) {
      ++running_elsewhere;
    }
  }
  CHECK(running_elsewhere == 6);
  // The replacements are behind the Service; the evicted pods are terminating and stay not ready (nobody
  // on the dead node confirms their deletion).
  endpoints = web_endpoints(*c);
  CHECK(endpoints["pool-0"].ready + endpoints["pool-1"].ready == 6);
  CHECK(endpoints["pool-2"].ready == 0);
}

TEST_CASE("a node that comes back is untainted and its pods stay", "[nodelifecycle][tainteviction]") {
  auto c = build(scenario_yaml(3, 3));
  c->run_until(at(60_s));
  node::NodeIndex idx = *c->nodes().find("pool-1");
  c->nodes().partition(idx, true);
  c->run_until(at(180_s));
  REQUIRE(find_taint(*node_named(*c, "pool-1"), controllers::kTaintNodeUnreachable, api::TaintEffect::NoExecute));
  c->nodes().partition(idx, false);
  c->run_until(at(200_s));
  auto n = node_named(*c, "pool-1");
  CHECK(n->is_ready());
  CHECK(n->spec.taints.empty());
  c->run_until(at(600_s));
  for (const auto& p : pods(*c)) {
    CHECK_FALSE(p->is_terminating());
    CHECK(p->is_ready());
  }
  // The taint was there long enough for the taint-eviction controller to plan the deletion of the node's
  // pods, and its removal cancelled them (both are TaintManagerEviction events upstream).
  CHECK(count_events(*c, "TaintManagerEviction", "Marking for deletion") == 0);
  CHECK(count_events(*c, "TaintManagerEviction", "Cancelling deletion") >= 1);
}

TEST_CASE("when every zone is fully disrupted nothing is tainted for eviction", "[nodelifecycle]") {
  auto c = build(scenario_yaml(2, 2));
  c->run_until(at(30_s));
  c->nodes().crash(0);
  c->nodes().crash(1);
  c->run_until(at(500_s));
  for (const char* name : {"pool-0", "pool-1"}) {
    auto n = node_named(*c, name);
    CHECK(n->status.condition("Ready")->status == api::ConditionStatus::Unknown);
    CHECK(find_taint(*n, controllers::kTaintNodeUnreachable, api::TaintEffect::NoExecute) == nullptr);
    CHECK(find_taint(*n, controllers::kTaintNodeUnreachable, api::TaintEffect::NoSchedule) != nullptr);
  }
  for (const auto& p : pods(*c)) {
    CHECK_FALSE(p->is_terminating());
  }
  // One node back: the zone leaves full disruption and evictions resume, with a drained limiter.
  c->nodes().recover(0);
  c->run_until(at(600_s));
  CHECK(node_named(*c, "pool-0")->is_ready());
  CHECK(find_taint(*node_named(*c, "pool-1"), controllers::kTaintNodeUnreachable, api::TaintEffect::NoExecute) !=
        nullptr);
}
