#include "kubesim/scheduler/plugins/node_resources_fit.hpp"

namespace kubesim::scheduler {

Status NodeResourcesFit::filter(const CycleState& /*state*/, const PodInfo& pod, const NodeInfo& node) {
  std::vector<std::string> reasons;
  if (node.pod_count + 1 > node.allocatable.allowed_pod_number) {
    reasons.emplace_back("Too many pods");
  }
  const Resource& req = pod.requests;
  const Resource& alloc = node.allocatable;
  const Resource& used = node.requested;
  if (req.milli_cpu > 0 && req.milli_cpu > alloc.milli_cpu - used.milli_cpu) {
    reasons.emplace_back("Insufficient cpu");
  }
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) {
    reasons.emplace_back("Insufficient memory");
  }
  if (req.ephemeral_storage > 0 && req.ephemeral_storage > alloc.ephemeral_storage - used.ephemeral_storage) {
    reasons.emplace_back("Insufficient ephemeral-storage");
  }
  for (const auto& [name, amount] : req.scalars) {
    if (amount > 0 && amount > alloc.scalar(name) - used.scalar(name)) {
      reasons.push_back("Insufficient " + name);
    }
  }
  if (reasons.empty()) {
    return Status::success();
  }
  return Status(Code::Unschedulable, std::move(reasons));
}

std::int64_t NodeResourcesFit::least_requested_score(std::int64_t requested, std::int64_t capacity) {
  if (capacity == 0 || requested > capacity) {
    return 0;
  }
  return (capacity - requested) * kMaxNodeScore / capacity;
}

std::int64_t NodeResourcesFit::score(const CycleState& /*state*/, const PodInfo& pod, const NodeInfo& node) {
  // Resources [cpu w1, memory w1], the default scoringStrategy.resources.
  std::int64_t total = 0;
  std::int64_t weight_sum = 0;
  if (node.allocatable.milli_cpu != 0) {
    total += least_requested_score(node.non_zero_milli_cpu + pod.non_zero_milli_cpu, node.allocatable.milli_cpu);
    weight_sum += 1;
  }
  if (node.allocatable.memory != 0) {
    total += least_requested_score(node.non_zero_memory + pod.non_zero_memory, node.allocatable.memory);
    weight_sum += 1;
  }
  return weight_sum == 0 ? 0 : total / weight_sum;
}

}  // namespace kubesim::scheduler
