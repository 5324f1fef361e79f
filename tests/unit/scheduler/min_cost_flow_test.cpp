// MinCostFlow, the batch policy (docs/policies.md): the solver on hand-computed networks, then the
// Scheduler's batch cycle end to end through the API server.

#include "support/catch.hpp"
#include "unit/scheduler/fake_handle.hpp"

#include "kubesim/scheduler/plugins/min_cost_flow.hpp"
#include "kubesim/scheduler/scheduler.hpp"

#include <map>
#include <vector>

using namespace kubesim;
using namespace kubesim::base::literals;
using namespace kubesim::scheduler;

namespace {

constexpr std::int64_t kGi = 1024LL * 1024 * 1024;

PodInfo pod_requesting(std::int64_t cpu, std::int64_t memory = 0) {
  auto p = std::make_shared<api::Pod>();
  p->metadata.name = "p";
  api::Container c;
  c.name = "c";
  c.resources.requests.set("cpu", cpu);
  if (memory > 0) {
    c.resources.requests.set("memory", memory);
  }
  p->spec.containers.push_back(std::move(c));
  return PodInfo::from(p);
}

std::shared_ptr<api::Node> make_node(const std::string& name, std::int64_t cpu, std::int64_t memory = 8 * kGi) {
  auto n = std::make_shared<api::Node>();
  n->metadata.name = name;
  n->status.allocatable.set("cpu", cpu);
  n->status.allocatable.set("memory", memory);
  n->status.allocatable.set("pods", 110);
  return n;
}

// A hand-built batch: classes with their candidate nodes and scores.
struct Problem {
  std::vector<PodInfo> pods;
  std::vector<std::vector<const NodeInfo*>> nodes;
  std::vector<std::vector<std::int64_t>> scores;
  std::vector<std::int32_t> counts;
  std::vector<BatchClass> classes;
  std::vector<const NodeInfo*> placements;

  void add(PodInfo pod, std::int32_t count, std::vector<const NodeInfo*> n, std::vector<std::int64_t> s) {
    pods.push_back(std::move(pod));
    counts.push_back(count);
    nodes.push_back(std::move(n));
    scores.push_back(std::move(s));
  }
  std::vector<std::string> solve(MinCostFlow& plugin, std::int64_t max_score = 100) {
    classes.clear();
    std::size_t total = 0;
    for (std::size_t c = 0; c < pods.size(); ++c) {
      classes.push_back(BatchClass{&pods[c], counts[c], nodes[c], scores[c]});
      total += static_cast<std::size_t>(counts[c]);
    }
    placements.assign(total, nullptr);
    REQUIRE(plugin.assign(classes, max_score, placements).is_success());
    std::vector<std::string> out;
    for (const NodeInfo* n : placements) {
      out.push_back(n == nullptr ? "-" : n->name());
    }
    return out;
  }
};

MinCostFlow plugin_with(std::int32_t load_cost = 0, std::int32_t candidates = 32) {
  MinCostFlowArgs a;
  a.load_cost = load_cost;
  a.candidate_nodes = candidates;
  return MinCostFlow(a);
}

}  // namespace

TEST_CASE("MinCostFlow: slots are the free room over the pod's requests", "[scheduler][mincostflow]") {
  testing::FakeHandle h;
  NodeInfo& n = h.add_node(make_node("n", 4000, 8 * kGi));
  n.add_pod(pod_requesting(1000, kGi));
  // Free: 3000m cpu → 6 pods of 500m; 7Gi memory → 2 pods of 3Gi; 109 pods. min = 2.
  CHECK(MinCostFlow::slots(pod_requesting(500, 3 * kGi), n) == 2);
  // No memory request: cpu decides.
  CHECK(MinCostFlow::slots(pod_requesting(500), n) == 6);
  // Does not fit at all.
  CHECK(MinCostFlow::slots(pod_requesting(4000), n) == 0);
}

TEST_CASE("MinCostFlow: the optimal assignment beats greedy one-by-one placement", "[scheduler][mincostflow]") {
  // Two nodes with room for one 1000m pod each, two pods in queue order p1, p2 with scores
  //   p1: x 100, y 90        costs (100 − score): p1: x 0, y 10
  //   p2: x 99,  y 0                              p2: x 1, y 100
  // Greedy (each pod takes its best node that still has room): p1 → x (0), p2 → y (100): cost 100.
  // Min-cost flow: p1 → y (10), p2 → x (1): cost 11.
  testing::FakeHandle h;
  const NodeInfo& x = h.add_node(make_node("x", 1000));
  const NodeInfo& y = h.add_node(make_node("y", 1000));
  Problem p;
  p.add(pod_requesting(1000), 1, {&x, &y}, {100, 90});
  p.add(pod_requesting(1000), 1, {&x, &y}, {99, 0});

  // Greedy, spelled out: the cost it reaches.
  std::map<const NodeInfo*, std::int64_t> room{{&x, 1}, {&y, 1}};
  std::int64_t greedy = 0;
  for (std::size_t c = 0; c < 2; ++c) {
    std::size_t best = 2;
    for (std::size_t i = 0; i < 2; ++i) {
      if (room[p.nodes[c][i]] > 0 && (best == 2 || p.scores[c][i] > p.scores[c][best])) {
        best = i;
      }
    }
    --room[p.nodes[c][best]];
    greedy += 100 - p.scores[c][best];
  }
  CHECK(greedy == 100);

  MinCostFlow plugin = plugin_with();
  CHECK(p.solve(plugin) == std::vector<std::string>{"y", "x"});
  CHECK(plugin.last_stats().placed == 2);
  CHECK(plugin.last_stats().cost == 11);
  CHECK(plugin.last_stats().cost < greedy);
}

TEST_CASE("MinCostFlow: placing more pods comes before a cheaper placement", "[scheduler][mincostflow]") {
  // p1 prefers x (cost 0) to y (cost 100); p2 fits only x. Greedy puts p1 on x and strands p2; the flow
  // pays 100 to place both.
  testing::FakeHandle h;
  const NodeInfo& x = h.add_node(make_node("x", 1000));
  const NodeInfo& y = h.add_node(make_node("y", 1000));
  Problem p;
  p.add(pod_requesting(1000), 1, {&x, &y}, {100, 0});
  p.add(pod_requesting(1000), 1, {&x}, {100});
  MinCostFlow plugin = plugin_with();
  CHECK(p.solve(plugin) == std::vector<std::string>{"y", "x"});
}

TEST_CASE("MinCostFlow: capacities come from slots and pods left over stay unplaced", "[scheduler][mincostflow]") {
  testing::FakeHandle h;
  const NodeInfo& a = h.add_node(make_node("a", 2000));  // 2 slots of 1000m, score 100
  const NodeInfo& b = h.add_node(make_node("b", 1000));  // 1 slot, score 50
  Problem p;
  p.add(pod_requesting(1000), 4, {&b, &a}, {50, 100});
  MinCostFlow plugin = plugin_with();
  // Best node first for the earliest pods of the class; the fourth has no room.
  CHECK(p.solve(plugin) == std::vector<std::string>{"a", "a", "b", "-"});
  CHECK(plugin.last_stats().placed == 3);
}

TEST_CASE("MinCostFlow: a mixed batch never over-commits a node", "[scheduler][mincostflow]") {
  // Node a has 2000m free: 2 slots for 1000m pods, 1 for a 2000m pod, so cap(a) = 1. Node b has
  // 1000m. The 2000m pod fits only a; the 1000m pod goes to b even though a scores higher for it.
  testing::FakeHandle h;
  const NodeInfo& a = h.add_node(make_node("a", 2000));
  const NodeInfo& b = h.add_node(make_node("b", 1000));
  Problem p;
  p.add(pod_requesting(1000), 1, {&a, &b}, {100, 0});
  p.add(pod_requesting(2000), 1, {&a}, {100});
  MinCostFlow plugin = plugin_with();
  CHECK(p.solve(plugin) == std::vector<std::string>{"b", "a"});
}

TEST_CASE("MinCostFlow: loadCost spreads identical pods", "[scheduler][mincostflow]") {
  testing::FakeHandle h;
  const NodeInfo& a = h.add_node(make_node("a", 8000));
  const NodeInfo& b = h.add_node(make_node("b", 8000));
  Problem p;
  p.add(pod_requesting(1000), 2, {&a, &b}, {100, 95});
  MinCostFlow packed = plugin_with(0);
  CHECK(p.solve(packed) == std::vector<std::string>{"a", "a"});
  // With loadCost 10 the second pod on a costs 0 + 10 > 5 on b.
  MinCostFlow spread = plugin_with(10);
  CHECK(p.solve(spread) == std::vector<std::string>{"a", "b"});
}

TEST_CASE("MinCostFlow: candidateNodes limits the arcs of a class", "[scheduler][mincostflow]") {
  testing::FakeHandle h;
  std::vector<const NodeInfo*> nodes;
  std::vector<std::int64_t> scores;
  for (int i = 0; i < 10; ++i) {
    nodes.push_back(&h.add_node(make_node("n" + std::to_string(i), 1000)));
    scores.push_back(i * 10);
  }
  Problem p;
  p.add(pod_requesting(1000), 1, nodes, scores);
  MinCostFlow plugin = plugin_with(0, 3);
  CHECK(p.solve(plugin) == std::vector<std::string>{"n9"});
  // source→class, 3 class→node arcs, class→sink, 3 node→sink.
  CHECK(plugin.last_stats().arcs == 8);
  CHECK(plugin.last_stats().vertices == 2 + 1 + 3);
}

TEST_CASE("MinCostFlow: args are validated", "[scheduler][mincostflow]") {
  testing::FakeHandle h;
  CHECK(MinCostFlow::create(PluginArgs{}, h).has_value());
  MinCostFlowArgs bad;
  bad.batch_size = 0;
  auto r = MinCostFlow::create(PluginArgs{bad}, h);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == "batchSize: Invalid value: 0: not in valid range [1, 10000]");
  bad.load_cost = -1;
  r = MinCostFlow::create(PluginArgs{bad}, h);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == "[batchSize: Invalid value: 0: not in valid range [1, 10000], loadCost: Invalid value: -1: not "
                     "in valid range [0, 10000]]");
  r = MinCostFlow::create(PluginArgs{DefaultPreemptionArgs{}}, h);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == "want args to be of type MinCostFlowArgs, got *config.DefaultPreemptionArgs");
}

// --- the Scheduler's batch cycle -------------------------------------------------------------------

namespace {

ProfileConfig batch_profile(MinCostFlowArgs args = {}) {
  ProfileConfig p;
  p.at(ExtensionPoint::MultiPoint).enabled.push_back({"MinCostFlow", 0});
  p.plugin_config.emplace("MinCostFlow", args);
  return merge_with_defaults(p);
}

struct Harness {
  sim::Simulation sim{1};
  apiserver::ApiServer api{sim, {}};
  std::unique_ptr<Scheduler> scheduler;
  apiserver::ClientId client = api.register_client("test");
  std::vector<std::pair<std::string, AttemptResult>> attempts;
  std::int32_t cycles = 0;

  explicit Harness(const ProfileConfig& profile) {
    auto s = Scheduler::create(sim, api, {}, {profile});
    REQUIRE(s.has_value());
    scheduler = std::move(s.value());
    scheduler->on_attempt.connect([this](base::SimTime, const api::Pod& p, const AttemptResult& r) {
      attempts.emplace_back(p.metadata.name, r);
    });
    scheduler->start();
  }
  void dispatch(const sim::Event& e) {
    switch (e.kind) {
    case sim::EventKind::ApiRequest:
      api.handle_request(e.arg);
      break;
    case sim::EventKind::SchedulerWatch:
      scheduler->handle_watch(e.target, e.arg);
      break;
    case sim::EventKind::SchedulerReply:
      scheduler->handle_reply(e.arg);
      break;
    case sim::EventKind::SchedulerCycle:
      ++cycles;
      scheduler->run_cycle();
      break;
    case sim::EventKind::SchedulerFlushBackoff:
      scheduler->flush_backoff();
      break;
    case sim::EventKind::SchedulerFlushUnschedulable:
      scheduler->flush_unschedulable();
      break;
    default:
      FAIL("unexpected event");
    }
  }
  void run_for(base::Duration d) { sim.run_until(sim.now() + d, *this); }
  void node(std::string name, std::int64_t cpu, bool tainted = false) {
    api::Node n;
    n.metadata.name = std::move(name);
    n.status.capacity.set("cpu", cpu);
    n.status.capacity.set("memory", 8LL << 30);
    n.status.capacity.set("pods", 110);
    if (tainted) {
      n.spec.taints.push_back(api::Taint{"dedicated", "gpu", api::TaintEffect::NoSchedule, std::nullopt});
    }
    api.create(client, n);
  }
  void pod(std::string name, std::int64_t cpu) {
    api::Pod p;
    p.metadata.name = std::move(name);
    api::Container c;
    c.name = "c";
    c.image = "busybox";
    c.resources.requests.set("cpu", cpu);
    p.spec.containers.push_back(c);
    api.create(client, p);
  }
  std::string node_of(const std::string& pod) {
    auto p = api.store().get<api::Pod>("default", pod);
    return p ? p->spec.node_name : "<gone>";
  }
};

}  // namespace

TEST_CASE("batch cycle: both pods are placed where greedy strands one", "[scheduler][mincostflow]") {
  // a: 2000m, b: 1000m; p1 asks 1000m, p2 2000m, both pending at once. The default profile puts p1 on
  // the least allocated node a, and p2 then fits nowhere; the batch puts p1 on b and p2 on a.
  auto run = [](const ProfileConfig& profile) {
    Harness h(profile);
    h.node("a", 2000);
    h.node("b", 1000);
    h.run_for(1_s);
    h.pod("p1", 1000);
    h.pod("p2", 2000);
    h.run_for(1_s);
    return std::make_pair(h.node_of("p1"), h.node_of("p2"));
  };
  CHECK(run(default_profile()) == std::make_pair(std::string("a"), std::string()));
  CHECK(run(batch_profile()) == std::make_pair(std::string("b"), std::string("a")));
}

TEST_CASE("batch cycle: a tainted node gets no pod", "[scheduler][mincostflow]") {
  Harness h(batch_profile());
  h.node("tainted", 64000, true);
  h.node("a", 2000);
  h.node("b", 2000);
  h.run_for(1_s);
  for (int i = 0; i < 4; ++i) {
    h.pod("p" + std::to_string(i), 1000);
  }
  h.run_for(1_s);
  std::map<std::string, int> per_node;
  for (int i = 0; i < 4; ++i) {
    ++per_node[h.node_of("p" + std::to_string(i))];
  }
  CHECK(per_node == std::map<std::string, int>{{"a", 2}, {"b", 2}});
  CHECK(h.cycles == 1);  // one batch placed all four
  REQUIRE(h.attempts.size() == 4);
  CHECK(h.attempts[0].second.nodes_feasible == 2);
}

TEST_CASE("batch cycle: pods that do not fit get the FitError", "[scheduler][mincostflow]") {
  Harness h(batch_profile());
  h.node("only", 1000);
  h.run_for(1_s);
  h.pod("p1", 800);
  h.pod("p2", 800);
  h.pod("p3", 800);
  h.run_for(1_s);
  CHECK(h.node_of("p1") == "only");
  for (const char* name : {"p2", "p3"}) {
    CHECK(h.node_of(name).empty());
    auto pod = h.api.store().get<api::Pod>("default", name);
    const api::PodCondition* c = pod->status.condition("PodScheduled");
    REQUIRE(c != nullptr);
    CHECK(c->reason == "Unschedulable");
    CHECK(c->message ==
          "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption "
          "victims found for incoming pod..");
  }
  CHECK(h.scheduler->queue().unschedulable_size() == 2);
  // A new node brings them back; the next batch places both.
  h.node("more", 2000);
  h.run_for(2_s);
  CHECK(h.node_of("p2") == "more");
  CHECK(h.node_of("p3") == "more");
}

TEST_CASE("batch cycle: batchSize bounds the pods per cycle", "[scheduler][mincostflow]") {
  MinCostFlowArgs args;
  args.batch_size = 2;
  Harness h(batch_profile(args));
  h.node("a", 8000);
  h.run_for(1_s);
  for (int i = 0; i < 5; ++i) {
    h.pod("p" + std::to_string(i), 100);
  }
  h.run_for(1_s);
  for (int i = 0; i < 5; ++i) {
    CHECK(h.node_of("p" + std::to_string(i)) == "a");
  }
  CHECK(h.cycles == 3);  // 2 + 2 + 1
}

TEST_CASE("batch cycle: placements are reproducible", "[scheduler][mincostflow]") {
  auto run = [] {
    MinCostFlowArgs args;
    args.load_cost = 5;
    Harness h(batch_profile(args));
    for (int i = 0; i < 40; ++i) {
      h.node("n" + std::to_string(i), 1000 * (1 + i % 4));
    }
    h.run_for(1_s);
    for (int i = 0; i < 60; ++i) {
      h.pod("p" + std::to_string(i), 250 * (1 + i % 3));
    }
    h.run_for(5_s);
    std::vector<std::string> out;
    for (int i = 0; i < 60; ++i) {
      out.push_back(h.node_of("p" + std::to_string(i)));
    }
    return out;
  };
  std::vector<std::string> first = run();
  CHECK(std::count(first.begin(), first.end(), std::string()) == 0);
  CHECK(run() == first);
}

TEST_CASE("a profile takes at most one batch plugin, under multiPoint", "[scheduler][mincostflow]") {
  testing::FakeHandle h;
  ProfileConfig p = batch_profile();
  auto fw = Framework::create(p, default_registry(), h);
  REQUIRE(fw.has_value());
  REQUIRE(fw.value().batch_plugin() != nullptr);
  CHECK(fw.value().batch_plugin()->name() == "MinCostFlow");
  CHECK(fw.value().batch_plugin()->batch_size() == 256);
  // Not at a point it does not implement.
  ProfileConfig q;
  q.at(ExtensionPoint::Score).enabled.push_back({"MinCostFlow", 0});
  auto bad = Framework::create(merge_with_defaults(q), default_registry(), h);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error() == "plugin \"MinCostFlow\" does not extend ScorePlugin plugin");
}
