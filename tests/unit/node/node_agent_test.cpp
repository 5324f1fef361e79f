#include "kubelet_harness.hpp"
#include "support/catch.hpp"
#include "support/printers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

using namespace kubesim;
using namespace kubesim::base::literals;
using node::NodeAgent;
using node::NodeIndex;

namespace {

using Harness = test::KubeletHarness;
using test::at;

}  // namespace

TEST_CASE("the kubelet registers a Ready node", "[node]") {
  Harness h;
  h.run();
  auto n = h.api.store().get<api::Node>("", "node-0");
  REQUIRE(n != nullptr);
  CHECK(n->is_ready());
  CHECK(n->status.allocatable.value_or_zero("cpu") == 2000);
}

TEST_CASE("a pod starts after sandbox, pull and container start, and succeeds after its run time", "[node]") {
  Harness h;
  h.bound_pod("a", "nginx:1.25", 500, "1m");
  h.run();
  // The create lands at 3 ms; the kubelet's watch is live once its 5 ms LIST returns, so the event
  // arrives at 5 ms; +100 ms sandbox, +2 s pull, +300 ms start = 2.405 s; the status update takes
  // effect 3 ms later.
  CHECK(h.when("a Running") == at(2'408_ms));
  CHECK(h.when("a Succeeded") == at(2'405_ms + 60_s + 3_ms));
  auto p = h.api.store().get<api::Pod>("default", "a");
  CHECK(p->status.start_time == at(5_ms));
  CHECK(p->status.pod_ip == "10.0.0.3");
  CHECK(h.nodes.image_pulls() == 1);
}

TEST_CASE("images are pulled once per node and pulls are serialized", "[node]") {
  Harness h;
  h.bound_pod("a", "nginx:1.25", 100);
  h.bound_pod("b", "redis", 100);  // untagged: normalized to redis:latest
  h.run();
  // Both sandboxes are ready at 105 ms; nginx pulls 105 ms → 2.105 s, redis waits: 2.105 → 4.105 s.
  CHECK(h.when("a Running") == at(2'105_ms + 300_ms + 3_ms));
  CHECK(h.when("b Running") == at(4'105_ms + 300_ms + 3_ms));
  base::SimTime c_created = h.sim.now();
  h.bound_pod("c", "nginx:1.25", 100);
  h.run();
  CHECK(h.nodes.image_pulls() == 2);  // c found nginx cached: sandbox + start only
  CHECK(*h.when("c Running") - c_created < 1_s);
}

TEST_CASE("admission rejects a pod that does not fit with upstream's reason", "[node]") {
  Harness h;
  h.bound_pod("a", "nginx:1.25", 1500);
  h.bound_pod("b", "nginx:1.25", 1000);
  h.run();
  auto b = h.api.store().get<api::Pod>("default", "b");
  CHECK(b->status.phase == api::PodPhase::Failed);
  CHECK(b->status.reason == "OutOfcpu");
  CHECK(b->status.message ==
        "Pod was rejected: Node didn't have enough resource: cpu, requested: 1000, used: 1500, capacity: 2000");
}

TEST_CASE("finished pods give their room back to admission", "[node]") {
  Harness h;
  h.bound_pod("a", "nginx:1.25", 1500, "10s");
  h.run();
  h.bound_pod("b", "nginx:1.25", 1500);
  h.run();
  CHECK(h.api.store().get<api::Pod>("default", "b")->status.phase == api::PodPhase::Running);
}

TEST_CASE("a pod marked for deletion is stopped and then removed", "[node]") {
  Harness h;
  h.bound_pod("a", "nginx:1.25", 500);
  h.run();
  h.api.remove(h.client, api::Kind::Pod, "default", "a");
  h.run();
  CHECK(h.api.store().get<api::Pod>("default", "a") == nullptr);
  // Its resources are free again.
  h.bound_pod("b", "nginx:1.25", 2000);
  h.run();
  CHECK(h.api.store().get<api::Pod>("default", "b")->status.phase == api::PodPhase::Running);
}

// --- heartbeats, events and faults ------------------------------------------------------------------

namespace {

std::shared_ptr<const api::Lease> lease(Harness& h) {
  return h.api.store().get<api::Lease>(std::string(api::kNodeLeaseNamespace), "node-0");
}

std::size_t count_at_or_after(const std::vector<base::SimTime>& times, base::SimTime from) {
  return static_cast<std::size_t>(
      std::count_if(times.begin(), times.end(), [&](base::SimTime t) { return t >= from; }));
}

}  // namespace

TEST_CASE("the kubelet creates its Lease and renews it every 10 s", "[node][kubelet]") {
  Harness h;
  h.run(100_s);
  auto l = lease(h);
  REQUIRE(l != nullptr);
  CHECK(l->spec.holder_identity == "node-0");
  CHECK(l->spec.lease_duration_seconds == 40);
  CHECK(l->spec.acquire_time == at(0_s));
  // Created at registration (3 ms), then renewed at a seeded phase in (0, 10 s] and every 10 s after.
  REQUIRE(h.lease_writes.size() >= 10);
  CHECK(h.lease_writes[0] == at(3_ms));
  CHECK(h.lease_writes[1] > at(3_ms));
  CHECK(h.lease_writes[1] <= at(10_s + 3_ms));
  for (std::size_t i = 2; i < h.lease_writes.size(); ++i) {
    CHECK(h.lease_writes[i] - h.lease_writes[i - 1] == 10_s);
  }
  CHECK(*l->spec.renew_time == h.lease_writes.back() - 3_ms);
  CHECK(h.nodes.lease_renewals() == h.lease_writes.size() - 1);
}

TEST_CASE("an unchanged node status is reported every 5 minutes, with a new heartbeat time", "[node][kubelet]") {
  Harness h;
  h.run(11_min);
  // Registration counts as a report; the status is computed every 10 s and PATCHed once 5 min passed.
  REQUIRE(h.status_reports.size() == 2);
  CHECK(h.status_reports[0] >= at(5_min));
  CHECK(h.status_reports[0] < at(5_min + 10_s + 3_ms));
  CHECK(h.status_reports[1] - h.status_reports[0] >= 5_min);
  CHECK(h.status_reports[1] - h.status_reports[0] < 5_min + 10_s);
  auto n = h.api.store().get<api::Node>("", "node-0");
  const api::NodeCondition* ready = n->status.condition("Ready");
  REQUIRE(ready != nullptr);
  CHECK(ready->status == api::ConditionStatus::True);
  CHECK(ready->last_heartbeat_time == h.status_reports[1] - 3_ms);
  CHECK(ready->last_transition_time == at(0_s));
  CHECK(h.nodes.status_reports() == 2);
}

TEST_CASE("a changed node status is reported at the next 10 s computation, with kubelet events", "[node][kubelet]") {
  Harness h;
  h.run(30_s);
  // Someone (the node lifecycle controller) marks the node Unknown.
  api::Node n = *h.api.store().get<api::Node>("", "node-0");
  for (api::NodeCondition& c : n.status.conditions) {
    c.status = api::ConditionStatus::Unknown;
    c.reason = "NodeStatusUnknown";
  }
  h.api.update_status(h.client, api::AnyObject(n));
  base::SimTime marked = h.sim.now();
  h.run(11_s);
  REQUIRE(h.status_reports.size() == 2);  // the Unknown write and the kubelet's answer
  CHECK(h.status_reports[1] - marked <= 10_s + 3_ms);
  auto back = h.api.store().get<api::Node>("", "node-0");
  CHECK(back->is_ready());
  CHECK(back->status.condition("Ready")->last_transition_time == h.status_reports[1] - 3_ms);
  auto events = h.events_about("node-0");
  CHECK(std::count(events.begin(), events.end(), "NodeReady: Node node-0 status is now: NodeReady") == 1);
  // The one NodeReady Event was counted up, not duplicated.
  std::int32_t ready_count = 0;
  for (const store::ObjectRef& ref : h.api.store().list(api::Kind::Event)) {
    if (ref.get<api::Event>().reason == "NodeReady") {
      ready_count = ref.get<api::Event>().count;
      CHECK(ref.get<api::Event>().source.host == "node-0");
      CHECK(ref.get<api::Event>().source.component == "kubelet");
    }
  }
  CHECK(ready_count == 2);
}

TEST_CASE("registration and pod start-up record upstream's kubelet events", "[node][kubelet]") {
  Harness h;
  api::Pod p;
  p.metadata.name = "web-1";
  p.spec.node_name = "node-0";
  p.spec.containers.push_back(api::Container{});
  p.spec.containers[0].name = "web";
  p.spec.containers[0].image = "nginx:1.25";
  h.api.create(h.client, p);
  h.run(10_s);
  h.api.remove(h.client, api::Kind::Pod, "default", "web-1");
  h.run(10_s);
  CHECK(h.events_about("node-0") == std::vector<std::string>{
                                        "Starting: Starting kubelet.",
                                        "NodeHasSufficientMemory: Node node-0 status is now: NodeHasSufficientMemory",
                                        "NodeHasNoDiskPressure: Node node-0 status is now: NodeHasNoDiskPressure",
                                        "NodeHasSufficientPID: Node node-0 status is now: NodeHasSufficientPID",
                                        "NodeReady: Node node-0 status is now: NodeReady",
                                    });
  CHECK(h.events_about("web-1") == std::vector<std::string>{
                                       "Pulling: Pulling image \"nginx:1.25\"",
                                       "Pulled: Successfully pulled image \"nginx:1.25\" in 2s (2s including waiting)",
                                       "Created: Created container web",
                                       "Started: Started container web",
                                       "Killing: Stopping container web",
                                   });
}

TEST_CASE("seeded phases spread the heartbeats of many nodes", "[node][kubelet]") {
  sim::Simulation sim{3};
  apiserver::ApiServer api{sim, {}};
  NodeAgent nodes{sim, api, {}};
  for (int i = 0; i < 100; ++i) {
    api::Node n;
    n.metadata.name = fmt::format("node-{}", i);
    nodes.add_node(n);
  }
  nodes.start();
  std::set<std::int64_t> first;
  for (NodeIndex i = 0; i < 100; ++i) {
    first.insert(nodes.pool().next_lease_renew[i].nanos());
    CHECK(nodes.pool().next_lease_renew[i] > at(0_s));
    CHECK(nodes.pool().next_lease_renew[i] <= at(10_s));
  }
  CHECK(first.size() == 100);
  CHECK(nodes.find("node-42") == NodeIndex{42});
  CHECK_FALSE(nodes.find("node-100").has_value());
}

TEST_CASE("a crashed kubelet goes silent and its pods stop; recovery restarts them", "[node][kubelet]") {
  Harness h;
  h.bound_pod("a", "nginx:1.25", 500);
  h.run(30_s);
  REQUIRE(h.when("a Running"));
  h.nodes.crash(0);
  base::SimTime crashed = h.sim.now();
  std::size_t pod_writes = h.log.size();
  h.run(2_min);
  // A renewal sent just before the crash may still land (3 ms later); nothing is sent after it.
  CHECK(count_at_or_after(h.lease_writes, crashed + 3_ms + 1_ns) == 0);
  CHECK(count_at_or_after(h.status_reports, crashed) == 0);
  // The pod stays bound and Running in the API (nobody is left to say otherwise).
  CHECK(h.log.size() == pod_writes);
  CHECK(h.api.store().get<api::Pod>("default", "a")->status.phase == api::PodPhase::Running);
  CHECK(h.nodes.pool().admitted_pods[0] == 0);
  // A deletion while the node is down waits for the kubelet.
  h.api.remove(h.client, api::Kind::Pod, "default", "a");
  h.bound_pod("b", "nginx:1.25", 500);
  h.run(1_min);
  CHECK(h.api.store().get<api::Pod>("default", "a") != nullptr);

  h.nodes.recover(0);
  base::SimTime recovered = h.sim.now();
  h.run(30_s);
  // Lease renewed at once (3 ms later), then every 10 s.
  REQUIRE(count_at_or_after(h.lease_writes, recovered) >= 3);
  CHECK(*std::find_if(h.lease_writes.begin(), h.lease_writes.end(), [&](base::SimTime t) { return t >= recovered; }) ==
        recovered + 3_ms);
  CHECK(h.api.store().get<api::Pod>("default", "a") == nullptr);  // confirmed after re-listing
  CHECK(h.api.store().get<api::Pod>("default", "b")->status.phase == api::PodPhase::Running);
  CHECK(h.nodes.pool().admitted_pods[0] == 1);
  auto events = h.events_about("node-0");
  CHECK(std::count(events.begin(), events.end(), "Starting: Starting kubelet.") == 1);  // counted up: 2
  CHECK(h.nodes.image_pulls() == 1);                                                    // images survive a reboot
}

TEST_CASE("a partitioned kubelet keeps its pods running and catches up when it reconnects", "[node][kubelet]") {
  Harness h;
  h.bound_pod("a", "nginx:1.25", 500, "1m");
  h.bound_pod("c", "nginx:1.25", 500);
  h.run(10_s);
  h.nodes.partition(0, true);
  base::SimTime cut = h.sim.now();
  // Deleted while the node cannot hear about it: stays Terminating.
  h.api.remove(h.client, api::Kind::Pod, "default", "c");
  h.run(2_min);
  CHECK(count_at_or_after(h.lease_writes, cut + 3_ms + 1_ns) == 0);
  // "a" finished during the partition, but its Succeeded status is held back.
  CHECK_FALSE(h.when("a Succeeded"));
  CHECK(h.api.store().get<api::Pod>("default", "c") != nullptr);
  h.nodes.partition(0, false);
  base::SimTime healed = h.sim.now();
  h.run(20_s);
  REQUIRE(h.when("a Succeeded"));
  CHECK(*h.when("a Succeeded") == healed + 3_ms);
  CHECK(h.api.store().get<api::Pod>("default", "c") == nullptr);
  CHECK(count_at_or_after(h.lease_writes, healed) >= 1);
  CHECK(h.nodes.pool().admitted_pods[0] == 0);
}

TEST_CASE("removing a node deletes its Node and Lease", "[node][kubelet]") {
  Harness h;
  h.run(15_s);
  h.nodes.remove(0);
  h.run(1_min);
  CHECK(h.api.store().get<api::Node>("", "node-0") == nullptr);
  CHECK(lease(h) == nullptr);
  h.nodes.recover(0);  // a removed node does not come back
  h.run(1_min);
  CHECK(h.api.store().get<api::Node>("", "node-0") == nullptr);
}

TEST_CASE("admission rejects a pod its node's labels or NoExecute taints do not allow", "[node]") {
  // generalFilter: resources first, then the required node affinity / nodeSelector, then NoExecute
  // taints; NoSchedule taints are the scheduler's business only.
  api::Node n = test::default_node();
  n.metadata.labels.set("disk", "hdd");
  n.spec.taints.push_back(api::Taint{"dedicated", "gpu", api::TaintEffect::NoSchedule, std::nullopt});
  n.spec.taints.push_back(api::Taint{"maintenance", "", api::TaintEffect::NoExecute, std::nullopt});
  Harness h(test::fixed_config(), n);
  api::Toleration maintenance;
  maintenance.key = "maintenance";
  maintenance.op = api::TolerationOperator::Exists;
  auto create = [&](std::string name, std::int64_t cpu, const std::function<void(api::PodSpec&)>& edit) {
    api::Pod p;
    p.metadata.name = std::move(name);
    api::Container c;
    c.name = "c";
    c.image = "nginx:1.25";
    c.resources.requests.set("cpu", cpu);
    p.spec.containers.push_back(c);
    p.spec.node_name = "node-0";
    edit(p.spec);
    h.api.create(h.client, p);
  };
  create("selector", 100, [&](api::PodSpec& s) {
    s.node_selector.set("disk", "ssd");
    s.tolerations.push_back(maintenance);
  });
  create("affinity", 100, [&](api::PodSpec& s) {
    api::NodeSelectorTerm term;
    term.match_expressions.push_back(api::SelectorRequirement{"disk", api::SelectorOperator::In, {"ssd"}});
    s.affinity.emplace().node_affinity.emplace().required.emplace().terms.push_back(term);
    s.tolerations.push_back(maintenance);
  });
  create("untolerated", 100, [](api::PodSpec&) {});
  create("too-big", 5000, [](api::PodSpec& s) { s.node_selector.set("disk", "ssd"); });
  create("fits", 100, [&](api::PodSpec& s) {
    s.node_selector.set("disk", "hdd");
    s.tolerations.push_back(maintenance);
  });
  h.run(1_min);
  auto status = [&](std::string_view name) {
    const api::PodStatus& st = h.api.store().get<api::Pod>("default", name)->status;
    return fmt::format("{} {}: {}", api::pod_phase_name(st.phase), st.reason, st.message);
  };
  CHECK(status("selector") ==
        "Failed NodeAffinity: Pod was rejected: Predicate NodeAffinity failed: node(s) didn't match Pod's node "
        "affinity/selector");
  CHECK(status("affinity") == status("selector"));
  CHECK(status("untolerated") == "Failed TaintToleration: Pod was rejected: Predicate TaintToleration failed: node(s) "
                                 "had taints that the pod didn't tolerate");
  CHECK(status("too-big") == "Failed OutOfcpu: Pod was rejected: Node didn't have enough resource: cpu, requested: "
                             "5000, used: 0, capacity: 2000");
  CHECK(h.api.store().get<api::Pod>("default", "fits")->status.phase == api::PodPhase::Running);
}
