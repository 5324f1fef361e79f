#include "kubesim/scheduler/plugins/node_resources_fit.hpp"

#include "support/catch.hpp"

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
