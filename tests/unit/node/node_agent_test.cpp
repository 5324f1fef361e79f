#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/node/node_agent.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

using namespace kubesim;
using namespace kubesim::base::literals;
using node::NodeAgent;
using node::NodeIndex;

namespace {

// Constant latencies so that every milestone lands on a known time.
node::KubeletConfig fixed_config() {
  node::KubeletConfig cfg;
  cfg.sandbox_latency = base::DurationDistribution::constant(100_ms);
  cfg.image_pull_latency = base::DurationDistribution::constant(2_s);
  cfg.container_start_latency = base::DurationDistribution::constant(300_ms);
  return cfg;
}

struct Harness {
  sim::Simulation sim{3};
  apiserver::ApiServer api{sim, {}};
  NodeAgent nodes{sim, api, fixed_config()};
  apiserver::ClientId client = api.register_client("test");
  std::vector<std::pair<base::SimTime, std::string>> log;  // "<pod> <phase>" on every change
  std::vector<base::SimTime> lease_writes;                 // when the Lease was created or renewed
  std::vector<base::SimTime> status_reports;               // when the kubelet PATCHed the node status

  Harness() {
    api::Node n;
    n.metadata.name = "node-0";
    n.status.capacity.set("cpu", 2000);
    n.status.capacity.set("memory", 4LL << 30);
    n.status.capacity.set("pods", 110);
    n.status.allocatable = n.status.capacity;
    nodes.add_node(n);
    api.on_change.connect([this](base::SimTime t, apiserver::Verb verb, apiserver::ClientId, const store::Change& c) {
      if (c.object.kind == api::Kind::Pod && c.type != store::ChangeType::Deleted) {
        auto p = c.object.as<api::Pod>();
        log.emplace_back(t, p->metadata.name + " " + std::string(api::pod_phase_name(p->status.phase)));
      }
      if (c.object.kind == api::Kind::Lease && c.type != store::ChangeType::Deleted) {
        lease_writes.push_back(t);
      }
      if (c.object.kind == api::Kind::Node && verb == apiserver::Verb::UpdateStatus) {
        status_reports.push_back(t);
      }
    });
    nodes.start();
  }
  void dispatch(const sim::Event& e) {
    switch (e.kind) {
    case sim::EventKind::ApiRequest:
      api.handle_request(e.arg);
      break;
    case sim::EventKind::KubeletWatch:
      nodes.handle_watch(e.target, e.arg);
      break;
    case sim::EventKind::KubeletPodStep:
      nodes.handle_pod_step(e.target, e.arg);
      break;
    case sim::EventKind::KubeletReply:
      (void)api.take_reply(e.arg);
      break;
    case sim::EventKind::KubeletHeartbeat:
      nodes.handle_heartbeat(e.target);
      break;
    default:
      FAIL("unexpected event");
    }
  }
  // Heartbeats never stop: run for a window (10 minutes by default) from now.
  void run(base::Duration window = 10_min) { sim.run_until(sim.now() + window, *this); }
  // Creates a pod already bound to node-0 (as if scheduled).
  void bound_pod(std::string name, std::string image, std::int64_t cpu, std::string duration = "") {
    api::Pod p;
    p.metadata.name = std::move(name);
    if (!duration.empty()) {
      p.metadata.annotations.set("kubesim.io/duration", duration);
    }
    api::Container c;
    c.name = "c";
    c.image = std::move(image);
    c.resources.requests.set("cpu", cpu);
    p.spec.containers.push_back(c);
    p.spec.node_name = "node-0";
    api.create(client, p);
  }
  std::optional<base::SimTime> when(const std::string& entry) {
    for (const auto& [t, e] : log) {
      if (e == entry) {
        return t;
      }
    }
    return std::nullopt;
  }
};

base::SimTime at(base::Duration d) { return base::SimTime::zero() + d; }

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

// "reason: message" of every Event about `name`, in creation order of the Event objects.
std::vector<std::string> events_about(Harness& h, std::string_view name) {
  std::vector<std::pair<base::SimTime, std::string>> found;
  for (const store::ObjectRef& ref : h.api.store().list(api::Kind::Event)) {
    const auto& ev = ref.get<api::Event>();
    if (ev.involved_object.name == name) {
      found.emplace_back(ev.first_timestamp, ev.reason + ": " + ev.message);
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& [t, e] : found) {
    out.push_back(std::move(e));
  }
  return out;
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
  auto events = events_about(h, "node-0");
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
  CHECK(events_about(h, "node-0") == std::vector<std::string>{
                                         "Starting: Starting kubelet.",
                                         "NodeHasSufficientMemory: Node node-0 status is now: NodeHasSufficientMemory",
                                         "NodeHasNoDiskPressure: Node node-0 status is now: NodeHasNoDiskPressure",
                                         "NodeHasSufficientPID: Node node-0 status is now: NodeHasSufficientPID",
                                         "NodeReady: Node node-0 status is now: NodeReady",
                                     });
  CHECK(events_about(h, "web-1") == std::vector<std::string>{
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
  auto events = events_about(h, "node-0");
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
