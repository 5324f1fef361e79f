#include "support/catch.hpp"
#include "unit/scheduler/fake_handle.hpp"

#include "kubesim/scheduler/plugins/node_resources_balanced_allocation.hpp"

using namespace kubesim;
using namespace kubesim::scheduler;

namespace {

using Amounts = std::vector<std::pair<std::string, std::int64_t>>;

api::Container request(const Amounts& amounts) {
  api::Container c;
  c.name = "c";
  for (const auto& [name, amount] : amounts) {
    c.resources.requests.set(name, amount);
  }
  return c;
}

PodInfo pod_with(std::vector<api::Container> containers) {
  auto p = std::make_shared<api::Pod>();
  p->spec.containers = std::move(containers);
  return PodInfo::from(p);
}

NodeInfo node_alloc(const Amounts& amounts) {
  auto n = std::make_shared<api::Node>();
  n->metadata.name = "n";
  for (const auto& [name, amount] : amounts) {
    n->status.allocatable.set(name, amount);
  }
  NodeInfo info;
  info.set_node(n);
  return info;
}

std::int64_t score_of(NodeResourcesBalancedAllocation& plugin, const PodInfo& pod, const NodeInfo& node) {
  CycleState state;
  const NodeInfo* nodes[] = {&node};
  Status pre = plugin.pre_score(state, pod, nodes);
  REQUIRE(pre.is_success());  // never Skip in v1.28–v1.32
  const std::int64_t s = plugin.score(state, pod, node);
  CycleState empty;
  CHECK(plugin.score(empty, pod, node) == s);
  // The Framework scores through score_nodes, with and without PreScore's state.
  std::int64_t batch[1] = {-1};
  plugin.score_nodes(state, pod, nodes, batch);
  CHECK(batch[0] == s);
  plugin.score_nodes(empty, pod, nodes, batch);
  CHECK(batch[0] == s);
  return s;
}

// upstream's cpuAndMemory pod: two containers, 1000m + 2000m cpu and 2000 + 3000 bytes.
PodInfo cpu_and_memory() {
  return pod_with({request({{"cpu", 1000}, {"memory", 2000}}), request({{"cpu", 2000}, {"memory", 3000}})});
}
PodInfo cpu_only() { return pod_with({request({{"cpu", 1000}}), request({{"cpu", 2000}})}); }

}  // namespace

// Rows of upstream TestNodeResourcesBalancedAllocation.
TEST_CASE("BalancedAllocation scores 1 − std-dev of the utilization fractions", "[scheduler]") {
  NodeResourcesBalancedAllocation plugin;
  SECTION("nothing scheduled, nothing requested") {
    CHECK(score_of(plugin, pod_with({}), node_alloc({{"cpu", 4000}, {"memory", 10000}})) == 100);
  }
  SECTION("nothing scheduled, resources requested, differently sized nodes") {
    // Node1: cpu 3000/4000 = 0.75, memory 5000/10000 = 0.5 → std 0.125 → 87.
    CHECK(score_of(plugin, cpu_and_memory(), node_alloc({{"cpu", 4000}, {"memory", 10000}})) == 87);
    // Node2: 0.5 and 0.5 → 100.
    CHECK(score_of(plugin, cpu_and_memory(), node_alloc({{"cpu", 6000}, {"memory", 10000}})) == 100);
  }
  SECTION("resources requested, pods scheduled with resources, differently sized nodes") {
    NodeInfo node1 = node_alloc({{"cpu", 10000}, {"memory", 20000}});
    node1.add_pod(cpu_only());
    NodeInfo node2 = node_alloc({{"cpu", 10000}, {"memory", 50000}});
    node2.add_pod(cpu_and_memory());
    // Node1: cpu 6000/10000 = 0.6, memory 5000/20000 = 0.25 → std 0.175 → 82.
    CHECK(score_of(plugin, cpu_and_memory(), node1) == 82);
    // Node2: cpu 0.6, memory 10000/50000 = 0.2 → std 0.2 → 80.
    CHECK(score_of(plugin, cpu_and_memory(), node2) == 80);
  }
  SECTION("requested resources at node capacity are capped at 1") {
    // cpu min(1, 8000/4000) = 1, memory 0.5 → std 0.25 → 75.
    CHECK(score_of(plugin, pod_with({request({{"cpu", 8000}, {"memory", 5000}})}),
                   node_alloc({{"cpu", 4000}, {"memory", 10000}})) == 75);
  }
  SECTION("actual requests: no non-zero defaults, explicit zero same as missing") {
    NodeInfo node = node_alloc({{"cpu", 10000}, {"memory", 20000}});
    node.add_pod(pod_with({request({{"cpu", 3000}, {"memory", 5000}})}));
    // A best-effort pod is scored too (v1.28–v1.32): 0.3 vs 0.25 → std 0.025 → 97.
    CHECK(score_of(plugin, pod_with({request({})}), node) == 97);
    CHECK(score_of(plugin, pod_with({request({{"cpu", 0}, {"memory", 0}})}), node) == 97);
    // Existing best-effort pods add nothing.
    NodeInfo empty = node_alloc({{"cpu", 10000}, {"memory", 20000}});
    empty.add_pod(pod_with({request({})}));
    CHECK(score_of(plugin, pod_with({request({})}), empty) == 100);
  }
  SECTION("a node with zero allocatable memory has one fraction: std 0") {
    CHECK(score_of(plugin, cpu_and_memory(), node_alloc({{"cpu", 4000}})) == 100);
  }
}

TEST_CASE("BalancedAllocation with scalar resources", "[scheduler]") {
  NodeResourcesBalancedAllocationArgs args;
  args.resources = {{"cpu", 1}, {"memory", 1}, {"nvidia.com/gpu", 1}};
  NodeResourcesBalancedAllocation plugin(args);
  NodeInfo node = node_alloc({{"cpu", 3500}, {"memory", 40000}, {"nvidia.com/gpu", 4}});
  // Fractions 3000/3500, 5000/40000 = 0.125, 1/4: population std 0.31977 → 68.
  CHECK(score_of(plugin, pod_with({request({{"cpu", 3000}, {"memory", 5000}, {"nvidia.com/gpu", 1}})}), node) == 68);
  // A pod that does not request the gpu is scored on cpu and memory only: |0.857 − 0.125| / 2 → 63.
  CHECK(score_of(plugin, pod_with({request({{"cpu", 3000}, {"memory", 5000}})}), node) == 63);
  // A node without the scalar resource: skipped.
  CHECK(score_of(plugin, pod_with({request({{"cpu", 3000}, {"memory", 5000}, {"nvidia.com/gpu", 1}})}),
                 node_alloc({{"cpu", 3500}, {"memory", 40000}})) == 63);
}

TEST_CASE("balanced_score edge cases", "[scheduler]") {
  const std::int64_t none[] = {0};
  CHECK(NodeResourcesBalancedAllocation::balanced_score(std::span<const std::int64_t>(),
                                                        std::span<const std::int64_t>()) == 100);
  const std::int64_t one_req[] = {5};
  const std::int64_t one_alloc[] = {10};
  CHECK(NodeResourcesBalancedAllocation::balanced_score(one_req, one_alloc) == 100);
  CHECK(NodeResourcesBalancedAllocation::balanced_score(one_req, none) == 100);
  const std::int64_t req[] = {10, 0};
  const std::int64_t alloc[] = {10, 10};
  CHECK(NodeResourcesBalancedAllocation::balanced_score(req, alloc) == 50);
}

TEST_CASE("NodeResourcesBalancedAllocation::create defaults and validates its args", "[scheduler]") {
  testing::FakeHandle handle;
  auto dflt = NodeResourcesBalancedAllocation::create(PluginArgs{}, handle);
  REQUIRE(dflt.has_value());
  CHECK(dflt.value()->name() == "NodeResourcesBalancedAllocation");
  auto wrong = NodeResourcesBalancedAllocation::create(PluginArgs{NodeResourcesFitArgs{}}, handle);
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error() ==
        "want args to be of type NodeResourcesBalancedAllocationArgs, got *config.NodeResourcesFitArgs");

  NodeResourcesBalancedAllocationArgs args;
  args.resources = {};
  CHECK(NodeResourcesBalancedAllocation::with_defaults(args).resources.size() == 2);
  args.resources = {{"cpu", 0}, {"memory", 0}};
  CHECK(NodeResourcesBalancedAllocation::create(PluginArgs{args}, handle).has_value());
  args.resources = {{"cpu", 2}};
  auto weight = NodeResourcesBalancedAllocation::create(PluginArgs{args}, handle);
  REQUIRE_FALSE(weight.has_value());
  CHECK(weight.error() == "resources[0].weight: Invalid value: 2: must be 1");
  args.resources = {{"cpu", 1}, {"cpu", 1}};
  auto dup = NodeResourcesBalancedAllocation::create(PluginArgs{args}, handle);
  REQUIRE_FALSE(dup.has_value());
  CHECK(dup.error() == "resources[1].name: Duplicate value: \"cpu\"");
}
