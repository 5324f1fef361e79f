// Research Score policies: Random, FirstFit, BestFit, WorstFit, DotProduct (docs/policies.md).
// Expected values are computed by hand in the comments (fractions in ppm, S = 10^6).

#include "support/catch.hpp"
#include "unit/scheduler/fake_handle.hpp"

#include "kubesim/scheduler/plugins/best_fit.hpp"
#include "kubesim/scheduler/plugins/dot_product.hpp"
#include "kubesim/scheduler/plugins/first_fit.hpp"
#include "kubesim/scheduler/plugins/random.hpp"
#include "kubesim/scheduler/plugins/worst_fit.hpp"

#include <vector>

using namespace kubesim;
using namespace kubesim::scheduler;

namespace {

using Amounts = std::vector<std::pair<std::string, std::int64_t>>;
constexpr std::int64_t kGi = 1024LL * 1024 * 1024;
constexpr std::int64_t kMi = 1024LL * 1024;

PodInfo pod_requesting(const Amounts& amounts) {
  auto p = std::make_shared<api::Pod>();
  p->metadata.name = "p";
  api::Container c;
  c.name = "c";
  for (const auto& [name, amount] : amounts) {
    c.resources.requests.set(name, amount);
  }
  p->spec.containers.push_back(std::move(c));
  return PodInfo::from(p);
}

std::shared_ptr<api::Node> node(const std::string& name, const Amounts& allocatable, api::StringMap labels = {}) {
  auto n = std::make_shared<api::Node>();
  n->metadata.name = name;
  n->metadata.labels = std::move(labels);
  for (const auto& [res, amount] : allocatable) {
    n->status.allocatable.set(res, amount);
  }
  return n;
}

// Scores every node with `plugin`, then normalizes, as Framework::run_score does.
std::vector<std::int64_t> run(ScorePlugin& plugin, const PodInfo& pod, const std::vector<const NodeInfo*>& nodes,
                              std::vector<std::int64_t>* raw = nullptr) {
  CycleState state;
  std::vector<std::int64_t> scores;
  for (const NodeInfo* n : nodes) {
    scores.push_back(plugin.score(state, pod, *n));
  }
  if (raw != nullptr) {
    *raw = scores;
  }
  if (plugin.has_normalize()) {
    plugin.normalize_score(state, pod, scores);
  }
  return scores;
}

// The shared fixture of BestFit, WorstFit and DotProduct: pod 1000m cpu + 1Gi memory on
//   a: 4000m / 16Gi with 2000m / 2Gi requested
//   b: 8000m /  4Gi with 1000m / 1Gi requested
//   c: 3000m / 32Gi, empty
struct Fixture {
  testing::FakeHandle handle;
  PodInfo pod = pod_requesting({{"cpu", 1000}, {"memory", kGi}});
  std::vector<const NodeInfo*> nodes;
  Fixture() {
    NodeInfo& a = handle.add_node(node("a", {{"cpu", 4000}, {"memory", 16 * kGi}}));
    a.add_pod(pod_requesting({{"cpu", 2000}, {"memory", 2 * kGi}}));
    NodeInfo& b = handle.add_node(node("b", {{"cpu", 8000}, {"memory", 4 * kGi}}));
    b.add_pod(pod_requesting({{"cpu", 1000}, {"memory", kGi}}));
    NodeInfo& c = handle.add_node(node("c", {{"cpu", 3000}, {"memory", 32 * kGi}}));
    nodes = {&a, &b, &c};
  }
};

template <class T> std::unique_ptr<Plugin> make(testing::FakeHandle& handle) {
  auto p = T::create(PluginArgs{}, handle);
  REQUIRE(p.has_value());
  return std::move(p.value());
}

}  // namespace

TEST_CASE("research policies take no arguments", "[scheduler]") {
  testing::FakeHandle h;
  const PluginArgs args = NodeAffinityArgs{};
  CHECK(Random::create(args, h).error() == "plugin Random takes no arguments");
  CHECK(FirstFit::create(args, h).error() == "plugin FirstFit takes no arguments");
  CHECK(BestFit::create(args, h).error() == "plugin BestFit takes no arguments");
  CHECK(WorstFit::create(args, h).error() == "plugin WorstFit takes no arguments");
  CHECK(DotProduct::create(args, h).error() == "plugin DotProduct takes no arguments");
  const PluginRegistry registry = default_registry();
  for (std::string_view name : {Random::kName, FirstFit::kName, BestFit::kName, WorstFit::kName, DotProduct::kName}) {
    CHECK(registry.find(name) != nullptr);
  }
}

TEST_CASE("Random draws a uniform score per node from the scheduler's stream", "[scheduler]") {
  testing::FakeHandle h;
  std::vector<const NodeInfo*> nodes;
  for (int i = 0; i < 20; ++i) {
    nodes.push_back(&h.add_node(node("n" + std::to_string(i), {{"cpu", 1000}, {"memory", kGi}})));
  }
  auto plugin = make<Random>(h);
  auto& score = dynamic_cast<ScorePlugin&>(*plugin);
  const std::vector<std::int64_t> got = run(score, pod_requesting({}), nodes);
  // FakeHandle's stream is Rng(42): the same draws, in scoring order.
  base::Rng expected_rng(42);
  std::vector<std::int64_t> expected;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    expected.push_back(expected_rng.uniform_int(0, 100));
  }
  CHECK(got == expected);
  CHECK(std::any_of(got.begin(), got.end(), [&](std::int64_t s) { return s != got.front(); }));
  // The stream advances: the next cycle differs.
  CHECK(run(score, pod_requesting({}), nodes) != got);
}

TEST_CASE("FirstFit ranks nodes by node-tree position", "[scheduler]") {
  testing::FakeHandle h;
  // Two zones: the node tree interleaves them, a1 b1 a2 b2 a3.
  const Amounts alloc = {{"cpu", 1000}, {"memory", kGi}};
  NodeInfo& a1 = h.add_node(node("a1", alloc, {{"topology.kubernetes.io/zone", "za"}}));
  NodeInfo& a2 = h.add_node(node("a2", alloc, {{"topology.kubernetes.io/zone", "za"}}));
  NodeInfo& a3 = h.add_node(node("a3", alloc, {{"topology.kubernetes.io/zone", "za"}}));
  NodeInfo& b1 = h.add_node(node("b1", alloc, {{"topology.kubernetes.io/zone", "zb"}}));
  NodeInfo& b2 = h.add_node(node("b2", alloc, {{"topology.kubernetes.io/zone", "zb"}}));
  auto plugin = make<FirstFit>(h);
  auto& ff = dynamic_cast<ScorePlugin&>(*plugin);
  const PodInfo pod = pod_requesting({});

  SECTION("every node: positions 0..4, reversed min-max") {
    std::vector<std::int64_t> raw;
    // Scored in a rotated order, as Filter hands them over from its round-robin start.
    const auto got = run(ff, pod, {&a2, &b2, &a3, &a1, &b1}, &raw);
    CHECK(raw == std::vector<std::int64_t>{2, 3, 4, 0, 1});
    // 100·(4 − raw)/4: 50, 25, 0, 100, 75.
    CHECK(got == std::vector<std::int64_t>{50, 25, 0, 100, 75});
  }
  SECTION("a sample: the earliest sampled node gets 100") {
    // raw 3, 2, 4 → 100·(4 − raw)/2 = 50, 100, 0.
    CHECK(run(ff, pod, {&b2, &a2, &a3}) == std::vector<std::int64_t>{50, 100, 0});
    CHECK(run(ff, pod, {&a3}) == std::vector<std::int64_t>{100});
  }
  SECTION("positions follow the snapshot when nodes come and go") {
    CHECK(ff.score(CycleState{}, pod, a2) == 2);
    h.mutable_snapshot().remove_node("a1");  // a2 b1 a3 b2
    CHECK(ff.score(CycleState{}, pod, a2) == 0);
    CHECK(ff.score(CycleState{}, pod, b2) == 3);
    NodeInfo& c1 = h.add_node(node("c1", alloc, {{"topology.kubernetes.io/zone", "zc"}}));  // a2 b1 c1 a3 b2
    CHECK(ff.score(CycleState{}, pod, c1) == 2);
    CHECK(ff.score(CycleState{}, pod, b2) == 4);
    NodeInfo outside;
    outside.set_node(node("x", alloc));
    CHECK(ff.score(CycleState{}, pod, outside) == 5);  // after every snapshot node
  }
}

TEST_CASE("BestFit prefers the highest post-placement utilization of the dominant resource", "[scheduler]") {
  Fixture f;
  BestFit plugin;
  std::vector<std::int64_t> raw;
  const auto got = run(plugin, f.pod, f.nodes, &raw);
  // a: cpu share 1000/4000 > memory 1/16 → cpu, (2000+1000)/4000 = 750000.
  // b: memory share 1/4 > cpu 1000/8000 → memory, (1+1)/4 = 500000.
  // c: cpu share 1000/3000 > memory 1/32 → cpu, 1000/3000 = 333333.
  CHECK(raw == std::vector<std::int64_t>{750000, 500000, 333333});
  // min-max: 100, 100·166667/416667 = 40, 0.
  CHECK(got == std::vector<std::int64_t>{100, 40, 0});
}

TEST_CASE("BestFit's dominant resource: non-zero defaults and extended resources", "[scheduler]") {
  SECTION("a pod without requests counts 100m cpu and 200Mi memory") {
    NodeInfo n;
    n.set_node(node("n", {{"cpu", 1000}, {"memory", 1000 * kMi}}));
    // shares 100/1000 < 200/1000 → memory: 200Mi/1000Mi = 200000.
    CHECK(BestFit::dominant_utilization(pod_requesting({}), n) == 200000);
  }
  SECTION("an extended resource can dominate") {
    NodeInfo n;
    n.set_node(node("n", {{"cpu", 4000}, {"memory", 16 * kGi}, {"example.com/gpu", 4}}));
    const PodInfo pod = pod_requesting({{"cpu", 1000}, {"memory", kGi}, {"example.com/gpu", 2}});
    // gpu 2/4 > cpu 1/4 > memory 1/16: (0 + 2)/4 = 500000.
    CHECK(BestFit::dominant_utilization(pod, n) == 500000);
    n.add_pod(pod_requesting({{"example.com/gpu", 1}}));
    CHECK(BestFit::dominant_utilization(pod, n) == 750000);
  }
  SECTION("ties go to cpu; a node without the resources scores 0") {
    NodeInfo n;
    n.set_node(node("n", {{"cpu", 2000}, {"memory", 2 * kGi}}));
    n.add_pod(pod_requesting({{"memory", kGi}}));  // non-zero cpu 100m
    // shares 1000/2000 == 1/2 → cpu: (100 + 1000)/2000 = 550000 (memory would give 1000000).
    CHECK(BestFit::dominant_utilization(pod_requesting({{"cpu", 1000}, {"memory", kGi}}), n) == 550000);
    NodeInfo empty;
    empty.set_node(node("e", {}));
    CHECK(BestFit::dominant_utilization(pod_requesting({{"cpu", 1000}}), empty) == 0);
  }
}

TEST_CASE("WorstFit prefers the most remaining room in the dominant resource", "[scheduler]") {
  Fixture f;
  WorstFit plugin;
  std::vector<std::int64_t> raw;
  const auto got = run(plugin, f.pod, f.nodes, &raw);
  // 10^6 − BestFit's raw scores.
  CHECK(raw == std::vector<std::int64_t>{250000, 500000, 666667});
  // min-max: 0, 100·250000/416667 = 59, 100.
  CHECK(got == std::vector<std::int64_t>{0, 59, 100});
  SECTION("equal nodes all score 100") {
    CHECK(run(plugin, f.pod, {f.nodes[0], f.nodes[0]}) == std::vector<std::int64_t>{100, 100});
  }
}

TEST_CASE("DotProduct scores the Tetris alignment of demand and free resources", "[scheduler]") {
  Fixture f;
  DotProduct plugin;
  std::vector<std::int64_t> raw;
  const auto got = run(plugin, f.pod, f.nodes, &raw);
  // a: cpu 250000·500000/S = 125000; memory 62500·875000/S = 54687 → 179687.
  // b: cpu 125000·875000/S = 109375; memory 250000·750000/S = 187500 → 296875.
  // c: cpu 333333·1000000/S = 333333; memory 31250·1000000/S = 31250 → 364583.
  CHECK(raw == std::vector<std::int64_t>{179687, 296875, 364583});
  // 100·raw/364583: 49, 81, 100.
  CHECK(got == std::vector<std::int64_t>{49, 81, 100});

  SECTION("extended resources the pod requests join the vectors") {
    NodeInfo n;
    n.set_node(node("n", {{"cpu", 4000}, {"memory", 4 * kGi}, {"example.com/gpu", 4}}));
    n.add_pod(pod_requesting({{"cpu", 2000}, {"memory", 2 * kGi}, {"example.com/gpu", 1}}));
    const PodInfo pod = pod_requesting({{"cpu", 1000}, {"memory", kGi}, {"example.com/gpu", 2}});
    // cpu 250000·500000/S = 125000; memory 250000·500000/S = 125000; gpu 500000·750000/S = 375000.
    CHECK(plugin.score(CycleState{}, pod, n) == 625000);
  }
  SECTION("a full node has no free vector") {
    NodeInfo n;
    n.set_node(node("n", {{"cpu", 1000}, {"memory", kGi}}));
    n.add_pod(pod_requesting({{"cpu", 1000}, {"memory", 2 * kGi}}));  // memory overcommitted
    CHECK(plugin.score(CycleState{}, f.pod, n) == 0);
    CHECK(run(plugin, f.pod, {&n, &n}) == std::vector<std::int64_t>{0, 0});
  }
}

TEST_CASE("a profile with only a research Score plugin follows its choice", "[scheduler]") {
  Fixture f;
  const std::vector<std::pair<std::string_view, std::vector<std::int64_t>>> cases = {
      {FirstFit::kName, {100, 50, 0}},     // a, b, c in node-tree order
      {BestFit::kName, {100, 40, 0}},      // see the BestFit case
      {WorstFit::kName, {0, 59, 100}},     // see the WorstFit case
      {DotProduct::kName, {49, 81, 100}},  // see the DotProduct case
  };
  for (const auto& [name, expected] : cases) {
    ProfileConfig p;
    p.scheduler_name = std::string(name);
    p.at(ExtensionPoint::Score).disabled = {"*"};
    p.at(ExtensionPoint::Score).enabled = {{std::string(name), 2}};
    auto fw = Framework::create(merge_with_defaults(p), default_registry(), f.handle);
    REQUIRE(fw.has_value());
    CHECK(fw->plugin_names(ExtensionPoint::Score) == std::vector<std::string>{std::string(name)});
    CycleState state;
    std::vector<std::int64_t> totals(f.nodes.size());
    REQUIRE(fw->run_score(state, f.pod, f.nodes, totals).is_success());
    std::vector<std::int64_t> weighted;
    for (std::int64_t s : expected) {
      weighted.push_back(2 * s);
    }
    CHECK(totals == weighted);
  }
}
