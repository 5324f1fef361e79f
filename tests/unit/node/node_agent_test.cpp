#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/node/node_agent.hpp"

using namespace kubesim;
using namespace kubesim::base::literals;
using node::NodeAgent;

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

  Harness() {
    api::Node n;
    n.metadata.name = "node-0";
    n.status.capacity.set("cpu", 2000);
    n.status.capacity.set("memory", 4LL << 30);
    n.status.capacity.set("pods", 110);
    n.status.allocatable = n.status.capacity;
    nodes.add_node(n);
    api.on_change.connect([this](base::SimTime t, apiserver::Verb, apiserver::ClientId, const store::Change& c) {
      if (c.object.kind == api::Kind::Pod && c.type != store::ChangeType::Deleted) {
        auto p = c.object.as<api::Pod>();
        log.emplace_back(t, p->metadata.name + " " + std::string(api::pod_phase_name(p->status.phase)));
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
    default:
      FAIL("unexpected event");
    }
  }
  void run() { sim.run_until(base::SimTime::max(), *this); }
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
  h.bound_pod("c", "nginx:1.25", 100);
  h.run();
  CHECK(h.nodes.image_pulls() == 2);  // c found nginx cached
  CHECK(*h.when("c Running") - *h.when("b Running") < 1_s);
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
