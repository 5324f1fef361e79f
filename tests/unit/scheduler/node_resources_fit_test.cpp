#include "support/catch.hpp"
#include "unit/scheduler/fake_handle.hpp"

#include "kubesim/scheduler/plugins/node_resources_fit.hpp"

using namespace kubesim;
using namespace kubesim::scheduler;

namespace {

constexpr std::int64_t kGi = 1024LL * 1024 * 1024;
constexpr std::int64_t kMi = 1024LL * 1024;

api::Container container(std::optional<std::int64_t> cpu, std::optional<std::int64_t> mem) {
  api::Container c;
  c.name = "c";
  c.image = "i";
  if (cpu) {
    c.resources.requests.set("cpu", *cpu);
  }
  if (mem) {
    c.resources.requests.set("memory", *mem);
  }
  return c;
}

PodInfo pod_with(std::vector<api::Container> containers) {
  auto p = std::make_shared<api::Pod>();
  p->spec.containers = std::move(containers);
  return PodInfo::from(p);
}

NodeInfo node_with(std::int64_t cpu, std::int64_t mem, std::int64_t pods = 110) {
  auto n = std::make_shared<api::Node>();
  n->status.allocatable.set("cpu", cpu);
  n->status.allocatable.set("memory", mem);
  n->status.allocatable.set("pods", pods);
  NodeInfo info;
  info.node = n;
  info.allocatable = Resource::from(n->status.allocatable);
  return info;
}

api::Container request(std::vector<std::pair<std::string, std::int64_t>> amounts) {
  api::Container c;
  c.name = "c";
  c.image = "i";
  for (auto& [name, amount] : amounts) {
    c.resources.requests.set(name, amount);
  }
  return c;
}

// A node built through set_node, so allocatable extended resources come from the Node object.
NodeInfo node_alloc(std::vector<std::pair<std::string, std::int64_t>> amounts) {
  auto n = std::make_shared<api::Node>();
  n->metadata.name = "n";
  n->status.allocatable.set("pods", 110);
  for (auto& [name, amount] : amounts) {
    n->status.allocatable.set(name, amount);
  }
  NodeInfo info;
  info.set_node(n);
  return info;
}

NodeResourcesFit fit_with(ScoringStrategyType type, std::vector<ResourceSpec> resources,
                          std::vector<UtilizationShapePoint> shape = {}) {
  NodeResourcesFitArgs args;
  args.scoring_strategy = type;
  args.resources = std::move(resources);
  args.shape = std::move(shape);
  REQUIRE(NodeResourcesFit::validate(args).empty());
  return NodeResourcesFit(args);
}

std::int64_t score_of(NodeResourcesFit& fit, const PodInfo& pod, const NodeInfo& node) {
  CycleState state;
  const NodeInfo* nodes[] = {&node};
  REQUIRE(fit.pre_score(state, pod, nodes).is_success());
  const std::int64_t with_state = fit.score(state, pod, node);
  CycleState empty;
  CHECK(fit.score(empty, pod, node) == with_state);  // PreScore only caches the pod's requests
  return with_state;
}

const std::vector<ResourceSpec> kCpuMemory = {{"cpu", 1}, {"memory", 1}};

}  // namespace

TEST_CASE("filter reports every insufficient resource", "[scheduler]") {
  NodeResourcesFit fit;
  CycleState state;
  NodeInfo node = node_with(4000, 8 * kGi);
  node.add_pod(pod_with({container(3500, 7 * kGi)}));

  Status ok = fit.filter(state, pod_with({container(500, kGi)}), node);
  CHECK(ok.is_success());

  Status s = fit.filter(state, pod_with({container(501, kGi + 1)}), node);
  CHECK(s.code() == Code::Unschedulable);
  CHECK(s.reasons() == std::vector<std::string>{"Insufficient cpu", "Insufficient memory"});
}

TEST_CASE("filter checks the pod count and extended resources", "[scheduler]") {
  NodeResourcesFit fit;
  CycleState state;
  NodeInfo full = node_with(4000, 8 * kGi, 1);
  full.add_pod(pod_with({container(100, kMi)}));
  CHECK(fit.filter(state, pod_with({container(0, 0)}), full).reasons() == std::vector<std::string>{"Too many pods"});

  NodeInfo gpu_node = node_with(4000, 8 * kGi);
  api::Container wants_gpu = container(100, kMi);
  wants_gpu.resources.requests.set("nvidia.com/gpu", 1);
  Status s = fit.filter(state, pod_with({wants_gpu}), gpu_node);
  CHECK(s.reasons() == std::vector<std::string>{"Insufficient nvidia.com/gpu"});
  gpu_node.allocatable.scalars.emplace_back("nvidia.com/gpu", 2);
  CHECK(fit.filter(state, pod_with({wants_gpu}), gpu_node).is_success());
}

TEST_CASE("a request above allocatable never fits, even on an empty node", "[scheduler]") {
  NodeResourcesFit fit;
  CycleState state;
  CHECK(fit.filter(state, pod_with({container(4001, 0)}), node_with(4000, kGi)).reasons() ==
        std::vector<std::string>{"Insufficient cpu"});
}

TEST_CASE("LeastAllocated score follows the formula with non-zero defaults", "[scheduler]") {
  NodeResourcesFit fit;
  CycleState state;
  // Empty 4-CPU / 8Gi node, pod 1 CPU / 2Gi: cpu (4000-1000)*100/4000 = 75, mem (8-2)*100/8 = 75.
  CHECK(fit.score(state, pod_with({container(1000, 2 * kGi)}), node_with(4000, 8 * kGi)) == 75);
  // cpu 1000/4000 → 75, memory 6Gi/8Gi used → 25: (75 + 25) / 2 = 50.
  CHECK(fit.score(state, pod_with({container(1000, 6 * kGi)}), node_with(4000, 8 * kGi)) == 50);
  // A pod that requests nothing is scored as 100m CPU and 200Mi:
  // cpu (4000-100)*100/4000 = 97 (integer), mem (8192-200)*100/8192 = 97.55 → 97.
  CHECK(fit.score(state, pod_with({container(std::nullopt, std::nullopt)}), node_with(4000, 8 * kGi)) == 97);
  // An explicit zero stays zero: score 100 on both resources.
  CHECK(fit.score(state, pod_with({container(0, 0)}), node_with(4000, 8 * kGi)) == 100);
  // Over-committed resources score 0.
  CHECK(fit.score(state, pod_with({container(8000, 0)}), node_with(4000, 8 * kGi)) == 50);
}

TEST_CASE("a pod with no containers gets no scoring defaults", "[scheduler]") {
  PodInfo empty = pod_with({});
  CHECK(empty.non_zero_milli_cpu == 0);
  CHECK(empty.non_zero_memory == 0);
  CHECK(empty.requests.milli_cpu == 0);
}

TEST_CASE("init containers and sidecars shape the effective request", "[scheduler]") {
  auto p = std::make_shared<api::Pod>();
  p->spec.containers = {container(500, kGi)};
  api::Container init = container(2000, std::nullopt);
  api::Container sidecar = container(100, kMi);
  sidecar.restart_policy = "Always";
  p->spec.init_containers = {sidecar, init};
  PodInfo info = PodInfo::from(p);
  // max(500 + 100, 100 + 2000) = 2100 milli-CPU.
  CHECK(info.requests.milli_cpu == 2100);
  CHECK(info.requests.memory == kGi + kMi);
  // Non-zero memory: regular 1Gi + sidecar 1Mi vs init (default 200Mi) + sidecar 1Mi.
  CHECK(info.non_zero_memory == kGi + kMi);
}

// Rows of upstream TestEnoughRequests (ignored extended resources).
TEST_CASE("filter skips ignored extended resources and resource groups", "[scheduler]") {
  CycleState state;
  PodInfo pod = pod_with({request({{"cpu", 100}, {"example.com/aaa", 1}, {"nvidia.com/gpu", 1}})});
  NodeInfo node = node_alloc({{"cpu", 1000}, {"memory", kGi}});
  NodeResourcesFit plain;
  CHECK(plain.filter(state, pod, node).reasons() ==
        std::vector<std::string>{"Insufficient example.com/aaa", "Insufficient nvidia.com/gpu"});

  NodeResourcesFitArgs args;
  args.ignored_resources = {"example.com/aaa"};
  NodeResourcesFit by_name(args);
  CHECK(by_name.filter(state, pod, node).reasons() == std::vector<std::string>{"Insufficient nvidia.com/gpu"});

  args.ignored_resources.clear();
  args.ignored_resource_groups = {"example.com", "nvidia.com"};
  NodeResourcesFit by_group(args);
  CHECK(by_group.filter(state, pod, node).is_success());

  // Native resources are never ignored, and hugepages are not extended resources.
  args.ignored_resources = {"hugepages-2Mi"};
  args.ignored_resource_groups.clear();
  NodeResourcesFit native(args);
  PodInfo huge = pod_with({request({{"hugepages-2Mi", 2 * kMi}})});
  CHECK(native.filter(state, huge, node).reasons() == std::vector<std::string>{"Insufficient hugepages-2Mi"});
}

TEST_CASE("filter: a zero-request pod only needs a pod slot; explicit zeros are not requests", "[scheduler]") {
  NodeResourcesFit fit;
  CycleState state;
  NodeInfo node = node_alloc({{"cpu", 0}, {"memory", 0}});
  CHECK(fit.filter(state, pod_with({}), node).is_success());
  CHECK(fit.filter(state, pod_with({container(0, 0)}), node).is_success());
  CHECK(fit.filter(state, pod_with({request({{"example.com/foo", 0}})}), node).is_success());
  CHECK(fit.pre_filter(state, pod_with({})).is_success());
}

// Rows of upstream TestLeastAllocatedScoringStrategy.
TEST_CASE("LeastAllocated over differently sized nodes and weights", "[scheduler]") {
  NodeResourcesFit fit = fit_with(ScoringStrategyType::LeastAllocated, kCpuMemory);
  PodInfo pod = pod_with({container(1000, 2000), container(2000, 3000)});
  // cpu (4000-3000)·100/4000 = 25, memory (10000-5000)·100/10000 = 50 → 37.
  CHECK(score_of(fit, pod, node_alloc({{"cpu", 4000}, {"memory", 10000}})) == 37);
  CHECK(score_of(fit, pod, node_alloc({{"cpu", 6000}, {"memory", 10000}})) == 50);
  // Nothing requested by a pod without containers, nothing scheduled: 100.
  CHECK(score_of(fit, pod_with({}), node_alloc({{"cpu", 4000}, {"memory", 10000}})) == 100);
  // Weights: (25·1 + 50·2) / 3 = 41.
  NodeResourcesFit weighted = fit_with(ScoringStrategyType::LeastAllocated, {{"cpu", 1}, {"memory", 2}});
  CHECK(score_of(weighted, pod, node_alloc({{"cpu", 4000}, {"memory", 10000}})) == 41);
  // Existing pods count with their non-zero requests: an existing best-effort pod is 100m / 200Mi.
  NodeInfo busy = node_alloc({{"cpu", 4000}, {"memory", 8 * kGi}});
  busy.add_pod(pod_with({container(std::nullopt, std::nullopt)}));
  // cpu (4000-100-1000)·100/4000 = 72, memory (8192-200-2048)Mi·100/8192Mi = 72.
  CHECK(score_of(fit, pod_with({container(1000, 2 * kGi)}), busy) == 72);
}

TEST_CASE("LeastAllocated with extended resources", "[scheduler]") {
  NodeResourcesFit fit =
      fit_with(ScoringStrategyType::LeastAllocated, {{"cpu", 1}, {"memory", 1}, {"nvidia.com/gpu", 1}});
  NodeInfo node = node_alloc({{"cpu", 4000}, {"memory", 10000}, {"nvidia.com/gpu", 4}});
  // A pod that does not request the gpu: only cpu and memory count (25 + 50) / 2.
  CHECK(score_of(fit, pod_with({container(3000, 5000)}), node) == 37);
  // Requesting 1 of 4 gpus: (25 + 50 + 75) / 3 = 50.
  CHECK(score_of(fit, pod_with({request({{"cpu", 3000}, {"memory", 5000}, {"nvidia.com/gpu", 1}})}), node) == 50);
  // A node without the resource: skipped.
  CHECK(score_of(fit, pod_with({request({{"cpu", 3000}, {"memory", 5000}, {"nvidia.com/gpu", 1}})}),
                 node_alloc({{"cpu", 4000}, {"memory", 10000}})) == 37);
  // A node with zero allocatable for every configured resource scores 0.
  CHECK(score_of(fit, pod_with({container(100, 100)}), node_alloc({})) == 0);
}

// Rows of upstream TestMostAllocatedScoringStrategy.
TEST_CASE("MostAllocated", "[scheduler]") {
  NodeResourcesFit fit = fit_with(ScoringStrategyType::MostAllocated, kCpuMemory);
  CHECK(score_of(fit, pod_with({}), node_alloc({{"cpu", 4000}, {"memory", 10000}})) == 0);
  PodInfo pod = pod_with({container(1000, 2000), container(2000, 3000)});
  // cpu 3000·100/4000 = 75, memory 50 → 62; on the bigger node 50, 50 → 50.
  CHECK(score_of(fit, pod, node_alloc({{"cpu", 4000}, {"memory", 10000}})) == 62);
  CHECK(score_of(fit, pod, node_alloc({{"cpu", 6000}, {"memory", 10000}})) == 50);
  // Requests above capacity are clamped: cpu 100, memory 50 → 75.
  CHECK(score_of(fit, pod_with({container(8000, 5000)}), node_alloc({{"cpu", 4000}, {"memory", 10000}})) == 75);
  CHECK(NodeResourcesFit::most_requested_score(5, 0) == 0);
  // Weights: (75·2 + 50·1) / 3 = 66.
  NodeResourcesFit weighted = fit_with(ScoringStrategyType::MostAllocated, {{"cpu", 2}, {"memory", 1}});
  CHECK(score_of(weighted, pod, node_alloc({{"cpu", 4000}, {"memory", 10000}})) == 66);
}

// Rows of upstream TestRequestedToCapacityRatioScoringStrategy and TestResourceBinPacking*.
TEST_CASE("RequestedToCapacityRatio", "[scheduler]") {
  const std::vector<UtilizationShapePoint> least = {{0, 10}, {100, 0}};
  const std::vector<UtilizationShapePoint> most = {{0, 0}, {100, 10}};
  NodeResourcesFit fit = fit_with(ScoringStrategyType::RequestedToCapacityRatio, kCpuMemory, least);
  CHECK(score_of(fit, pod_with({container(0, 0)}), node_alloc({{"cpu", 4000}, {"memory", 10000}})) == 100);
  PodInfo pod = pod_with({container(3000, 5000)});
  // cpu util 75 → f = 25; memory 50 → 50; round(37.5) = 38.
  CHECK(score_of(fit, pod, node_alloc({{"cpu", 4000}, {"memory", 10000}})) == 38);
  CHECK(score_of(fit, pod, node_alloc({{"cpu", 6000}, {"memory", 10000}})) == 50);
  // Existing pods scheduled with resources, nothing requested.
  NodeInfo busy = node_alloc({{"cpu", 4000}, {"memory", 10000}});
  busy.add_pod(pod_with({container(3000, 5000)}));
  CHECK(score_of(fit, pod_with({container(0, 0)}), busy) == 38);
  // Over capacity → f(100) = 0, which drops the resource from the mean: only memory's 50 remains.
  CHECK(score_of(fit, pod_with({container(5000, 5000)}), node_alloc({{"cpu", 4000}, {"memory", 10000}})) == 50);

  SECTION("bin packing on an extended resource") {
    NodeResourcesFit packing = fit_with(ScoringStrategyType::RequestedToCapacityRatio, {{"intel.com/foo", 1}}, most);
    NodeInfo small = node_alloc({{"cpu", 4000}, {"memory", 10000}, {"intel.com/foo", 4}});
    NodeInfo big = node_alloc({{"cpu", 4000}, {"memory", 10000}, {"intel.com/foo", 8}});
    CHECK(score_of(packing, pod_with({container(1000, 1000)}), small) == 0);  // not requested
    PodInfo wants = pod_with({request({{"intel.com/foo", 2}})});
    CHECK(score_of(packing, wants, small) == 50);
    CHECK(score_of(packing, wants, big) == 25);
    small.add_pod(pod_with({request({{"intel.com/foo", 2}})}));
    CHECK(score_of(packing, wants, small) == 100);
  }
  SECTION("weights and rounding") {
    NodeResourcesFit packing =
        fit_with(ScoringStrategyType::RequestedToCapacityRatio, {{"cpu", 1}, {"memory", 2}}, most);
    // cpu 25, memory 30: (25 + 60) / 3 = 28.33 → 28.
    CHECK(score_of(packing, pod_with({container(1000, 3000)}), node_alloc({{"cpu", 4000}, {"memory", 10000}})) == 28);
    // cpu 25, memory 40: (25 + 80) / 3 = 35.
    CHECK(score_of(packing, pod_with({container(1000, 4000)}), node_alloc({{"cpu", 4000}, {"memory", 10000}})) == 35);
    // A resource scoring 0 leaves the weight sum: explicit cpu 0 → memory alone, 50.
    CHECK(score_of(packing, pod_with({container(0, 5000)}), node_alloc({{"cpu", 4000}, {"memory", 10000}})) == 50);
  }
}

TEST_CASE("broken linear function interpolates with integer arithmetic", "[scheduler]") {
  const std::vector<UtilizationShapePoint> shape = {{10, 0}, {30, 50}, {100, 100}};  // already ×10
  CHECK(NodeResourcesFit::broken_linear(shape, 0) == 0);
  CHECK(NodeResourcesFit::broken_linear(shape, 10) == 0);
  CHECK(NodeResourcesFit::broken_linear(shape, 20) == 25);
  CHECK(NodeResourcesFit::broken_linear(shape, 50) == 64);  // 50 + 50·20/70 = 64.28
  CHECK(NodeResourcesFit::broken_linear(shape, 100) == 100);
  CHECK(NodeResourcesFit::broken_linear(shape, 120) == 100);
  const std::vector<UtilizationShapePoint> falling = {{50, 100}, {80, 10}};
  CHECK(NodeResourcesFit::broken_linear(falling, 60) == 70);  // 100 + (-90)·10/30
  CHECK(NodeResourcesFit::broken_linear(falling, 90) == 10);
}

TEST_CASE("NodeResourcesFit::create defaults and validates its args", "[scheduler]") {
  testing::FakeHandle handle;
  auto dflt = NodeResourcesFit::create(PluginArgs{}, handle);
  REQUIRE(dflt.has_value());
  CHECK(dflt.value()->name() == "NodeResourcesFit");

  auto wrong = NodeResourcesFit::create(PluginArgs{NodeAffinityArgs{}}, handle);
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error() == "want args to be of type NodeResourcesFitArgs, got *config.NodeAffinityArgs");

  NodeResourcesFitArgs args;
  args.resources = {};
  auto empty = NodeResourcesFit::with_defaults(args);
  REQUIRE(empty.resources.size() == 2);
  CHECK(empty.resources[0].name == "cpu");
  args.resources = {{"cpu", 0}};
  CHECK(NodeResourcesFit::with_defaults(args).resources[0].weight == 1);
  CHECK(NodeResourcesFit::create(PluginArgs{args}, handle).has_value());

  args.resources = {{"cpu", 101}};
  auto heavy = NodeResourcesFit::create(PluginArgs{args}, handle);
  REQUIRE_FALSE(heavy.has_value());
  CHECK(heavy.error() ==
        "scoringStrategy.resources[0].weight: Invalid value: 101: resource weight of cpu not in valid range (0, 100]");
  args.resources = {{"cpu", -1}, {"memory", 1}};
  CHECK_FALSE(NodeResourcesFit::create(PluginArgs{args}, handle).has_value());

  NodeResourcesFitArgs groups;
  groups.ignored_resource_groups = {"example.com/aaa"};
  auto slash = NodeResourcesFit::create(PluginArgs{groups}, handle);
  REQUIRE_FALSE(slash.has_value());
  CHECK(slash.error().find("ignoredResourceGroups[0]: Invalid value: \"example.com/aaa\": resource group name can't "
                           "contain '/'") != std::string::npos);
  NodeResourcesFitArgs names;
  names.ignored_resources = {"example.com/a b"};
  CHECK_FALSE(NodeResourcesFit::create(PluginArgs{names}, handle).has_value());
  names.ignored_resources = {"example.com/aaa", "foo"};
  CHECK(NodeResourcesFit::create(PluginArgs{names}, handle).has_value());

  NodeResourcesFitArgs rtcr;
  rtcr.scoring_strategy = ScoringStrategyType::RequestedToCapacityRatio;
  auto no_shape = NodeResourcesFit::create(PluginArgs{rtcr}, handle);
  REQUIRE_FALSE(no_shape.has_value());
  CHECK(no_shape.error() == "scoringStrategy.shape: Required value: at least one point must be specified");
  rtcr.shape = {{10, 1}, {10, 2}};
  auto unsorted = NodeResourcesFit::create(PluginArgs{rtcr}, handle);
  REQUIRE_FALSE(unsorted.has_value());
  CHECK(unsorted.error() ==
        "scoringStrategy.shape[1].utilization: Invalid value: 10: values must be sorted in increasing order");
  rtcr.shape = {{-1, 11}, {101, 0}};
  auto ranges = NodeResourcesFit::create(PluginArgs{rtcr}, handle);
  REQUIRE_FALSE(ranges.has_value());
  CHECK(ranges.error() == "[scoringStrategy.shape[0].utilization: Invalid value: -1: not in valid range [0, 100], "
                          "scoringStrategy.shape[0].score: Invalid value: 11: not in valid range [0, 10], "
                          "scoringStrategy.shape[1].utilization: Invalid value: 101: not in valid range [0, 100]]");
  rtcr.shape = {{0, 0}, {100, 10}};
  CHECK(NodeResourcesFit::create(PluginArgs{rtcr}, handle).has_value());
  // The shape is only validated for RequestedToCapacityRatio.
  rtcr.scoring_strategy = ScoringStrategyType::MostAllocated;
  rtcr.shape.clear();
  CHECK(NodeResourcesFit::create(PluginArgs{rtcr}, handle).has_value());
}

// score_nodes (the Framework's per-cycle call) must give exactly what score() gives node by node; its
// fast path divides through doubles, so this compares against the plain integer formula too, over
// capacities from milli-CPU to terabytes and every utilization, quotients that are exact integers
// (where a floating-point quotient could come out just below), capacities at and beyond 2^46 (where
// the fast path hands over to integer arithmetic) and nodes without cpu or memory.
TEST_CASE("score_nodes equals score and the exact integer formula", "[scheduler]") {
  base::Rng rng(7);
  for (ScoringStrategyType strategy : {ScoringStrategyType::LeastAllocated, ScoringStrategyType::MostAllocated}) {
    NodeResourcesFitArgs args;
    args.scoring_strategy = strategy;
    args.resources = {{"cpu", 1}, {"memory", 3}};
    NodeResourcesFit plugin(args);
    for (int round = 0; round < 20; ++round) {
      const std::int64_t pod_cpu = rng.uniform_int(0, 4000);
      const std::int64_t pod_mem = rng.uniform_int(0, 64) * kGi + rng.uniform_int(0, kGi);
      PodInfo pod = pod_with({container(pod_cpu, pod_mem)});
      std::vector<NodeInfo> nodes;
      for (int i = 0; i < 200; ++i) {
        std::int64_t cpu = rng.uniform_int(1, 8) * 1000 * (i % 3 == 0 ? 1 : rng.uniform_int(1, 64));
        std::int64_t mem = i % 5 == 0 ? (std::int64_t{1} << rng.uniform_int(20, 42)) : rng.uniform_int(1, 1LL << 41);
        if (round == 3 && i % 7 == 0) {
          mem = (std::int64_t{1} << 46) + rng.uniform_int(-2, 2);  // around the fast path's limit
        }
        if (round == 4 && i % 10 == 0) {
          (i % 20 == 0 ? cpu : mem) = 0;  // a node without that resource: it is left out of the mean
        }
        NodeInfo n = node_with(cpu, mem);
        n.non_zero_milli_cpu = rng.uniform_int(0, cpu + cpu / 4);
        n.non_zero_memory = rng.uniform_int(0, mem + mem / 4);
        if (i % 4 == 1) {
          // Requests that leave an exact percentage free (or used): integer quotients.
          n.non_zero_milli_cpu =
              std::max<std::int64_t>(0, cpu / 100 * rng.uniform_int(0, 100) - pod.non_zero_milli_cpu);
          n.non_zero_memory = std::max<std::int64_t>(0, mem / 100 * rng.uniform_int(0, 100) - pod.non_zero_memory);
        }
        nodes.push_back(std::move(n));
      }
      std::vector<const NodeInfo*> ptrs;
      for (const NodeInfo& n : nodes) {
        ptrs.push_back(&n);
      }
      CycleState state;
      REQUIRE(plugin.pre_score(state, pod, ptrs).is_success());
      std::vector<std::int64_t> batch(nodes.size());
      plugin.score_nodes(state, pod, ptrs, batch);
      for (std::size_t i = 0; i < nodes.size(); ++i) {
        const NodeInfo& n = nodes[i];
        const std::int64_t cpu_req = n.non_zero_milli_cpu + pod.non_zero_milli_cpu;
        const std::int64_t mem_req = n.non_zero_memory + pod.non_zero_memory;
        auto one = [&](std::int64_t req, std::int64_t alloc) {
          return strategy == ScoringStrategyType::LeastAllocated ? NodeResourcesFit::least_requested_score(req, alloc)
                                                                 : NodeResourcesFit::most_requested_score(req, alloc);
        };
        const std::int64_t cpu_w = n.allocatable.milli_cpu != 0 ? 1 : 0;
        const std::int64_t mem_w = n.allocatable.memory != 0 ? 3 : 0;
        const std::int64_t sum =
            one(cpu_req, n.allocatable.milli_cpu) * cpu_w + one(mem_req, n.allocatable.memory) * mem_w;
        const std::int64_t want = cpu_w + mem_w == 0 ? 0 : sum / (cpu_w + mem_w);
        INFO("node " << i << ": cpu " << cpu_req << "/" << n.allocatable.milli_cpu << ", memory " << mem_req << "/"
                     << n.allocatable.memory);
        CHECK(batch[i] == want);
        CHECK(plugin.score(state, pod, n) == want);
      }
    }
  }
}

// filter_nodes (the walk's per-block call) must agree with filter() on every node, and leave nodes
// already rejected by an earlier plugin alone.
TEST_CASE("filter_nodes agrees with filter", "[scheduler]") {
  base::Rng rng(11);
  NodeResourcesFit plugin;
  CycleState state;
  for (int round = 0; round < 10; ++round) {
    std::vector<api::Container> containers = {container(rng.uniform_int(0, 3000), rng.uniform_int(0, 8) * kGi)};
    if (round % 3 == 2) {
      containers.push_back(request({{"example.com/gpu", rng.uniform_int(0, 2)}, {"ephemeral-storage", kGi}}));
    }
    PodInfo pod = pod_with(std::move(containers));
    std::vector<NodeInfo> nodes;
    for (int i = 0; i < 100; ++i) {
      NodeInfo n = node_alloc({{"cpu", rng.uniform_int(0, 4) * 1000},
                               {"memory", rng.uniform_int(0, 16) * kGi},
                               {"ephemeral-storage", rng.uniform_int(0, 4) * kGi},
                               {"example.com/gpu", rng.uniform_int(0, 2)}});
      n.requested.milli_cpu = rng.uniform_int(0, 4000);
      n.requested.memory = rng.uniform_int(0, 16) * kGi;
      n.allocatable.allowed_pod_number = rng.uniform_int(0, 3);
      nodes.push_back(std::move(n));
    }
    std::vector<const NodeInfo*> ptrs;
    std::vector<std::uint8_t> pass;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      ptrs.push_back(&nodes[i]);
      pass.push_back(i % 9 == 0 ? 0 : 1);
    }
    plugin.filter_nodes(state, pod, ptrs, pass);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      INFO("node " << i);
      const bool want = i % 9 != 0 && plugin.filter(state, pod, nodes[i]).is_success();
      CHECK((pass[i] != 0) == want);
    }
  }
}

// PodInfo::from computes the effective requests without api::requested_resource_names; they must be
// what api::pod_request gives for every named resource.
TEST_CASE("PodInfo requests match api::pod_request for every resource", "[scheduler]") {
  auto p = std::make_shared<api::Pod>();
  api::Container init = request({{"cpu", 300}, {"example.com/gpu", 1}, {"memory", 5 * kMi}});
  api::Container sidecar = request({{"cpu", 50}, {"hugepages-2Mi", 4 * kMi}});
  sidecar.restart_policy = "Always";
  p->spec.init_containers = {init, sidecar};
  p->spec.containers = {request({{"cpu", 100}, {"memory", kGi}}), request({{"ephemeral-storage", kGi}, {"pods", 3}}),
                        request({{"example.com/gpu", 2}, {"example.com/fpga", 0}})};
  p->spec.overhead.set("cpu", 10);
  p->spec.overhead.set("zzz.io/x", 7);
  PodInfo info = PodInfo::from(p);
  CHECK(info.requests.milli_cpu == api::pod_request(p->spec, "cpu"));
  CHECK(info.requests.memory == api::pod_request(p->spec, "memory"));
  CHECK(info.requests.ephemeral_storage == api::pod_request(p->spec, "ephemeral-storage"));
  CHECK(info.requests.allowed_pod_number == 0);
  std::vector<std::pair<std::string, std::int64_t>> want;
  for (const std::string& name : api::requested_resource_names(p->spec)) {
    if (name != "cpu" && name != "memory" && name != "ephemeral-storage" && name != "pods") {
      want.emplace_back(name, api::pod_request(p->spec, name));
    }
  }
  CHECK(info.requests.scalars == want);
  CHECK(want.size() == 4);  // example.com/fpga (an explicit 0), example.com/gpu, hugepages-2Mi, zzz.io/x
}
