#include "kubesim/scheduler/plugins/node_resources_balanced_allocation.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace kubesim::scheduler {
namespace {

constexpr std::string_view kPreScoreStateKey = "PreScoreNodeResourcesBalancedAllocation";

struct PreScoreState final : StateData {
  std::vector<std::int64_t> pod_requests;
};

bool is_scalar_resource(std::string_view name) {
  return name != api::kResourceCpu && name != api::kResourceMemory && name != api::kResourceEphemeralStorage &&
         name != api::kResourcePods;
}

bool has_scalar(const Resource& r, std::string_view name) {
  return std::any_of(r.scalars.begin(), r.scalars.end(), [&](const auto& e) { return e.first == name; });
}

// balanced_score for cpu and memory over a chunk of nodes, with selects only so that it compiles to
// vector code: the same operations on the same doubles as balanced_score (both resources with
// capacity: std = |f_cpu − f_memory| / 2; otherwise std = 0, as for a single fraction).
void balanced_cpu_memory(const std::int64_t* __restrict cpu_req, const std::int64_t* __restrict cpu_alloc,
                         const std::int64_t* __restrict memory_req, const std::int64_t* __restrict memory_alloc,
                         std::span<std::int64_t> scores) {
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double cpu_fraction =
        std::min(1.0, static_cast<double>(cpu_req[i]) / static_cast<double>(cpu_alloc[i] == 0 ? 1 : cpu_alloc[i]));
    const double memory_fraction = std::min(1.0, static_cast<double>(memory_req[i]) /
                                                     static_cast<double>(memory_alloc[i] == 0 ? 1 : memory_alloc[i]));
    const bool both = (cpu_alloc[i] != 0) & (memory_alloc[i] != 0);
    const double std_dev = both ? std::abs((cpu_fraction - memory_fraction) / 2) : 0.0;
    scores[i] = static_cast<std::int64_t>((1 - std_dev) * static_cast<double>(kMaxNodeScore));
  }
}

}  // namespace

NodeResourcesBalancedAllocationArgs
NodeResourcesBalancedAllocation::with_defaults(NodeResourcesBalancedAllocationArgs args) {
  default_resource_specs(args.resources);
  return args;
}

std::string NodeResourcesBalancedAllocation::validate(const NodeResourcesBalancedAllocationArgs& args) {
  std::vector<std::string> errs;
  for (std::size_t i = 0; i < args.resources.size(); ++i) {
    const ResourceSpec& r = args.resources[i];
    const bool seen = std::any_of(args.resources.begin(), args.resources.begin() + static_cast<std::ptrdiff_t>(i),
                                  [&](const ResourceSpec& o) { return o.name == r.name; });
    if (seen) {
      errs.push_back(fmt::format("resources[{}].name: Duplicate value: \"{}\"", i, r.name));
    }
    if (r.weight != 1) {
      errs.push_back(fmt::format("resources[{}].weight: Invalid value: {}: must be 1", i, r.weight));
    }
  }
  if (errs.empty()) {
    return {};
  }
  return errs.size() == 1 ? errs.front() : fmt::format("[{}]", fmt::join(errs, ", "));
}

base::Expected<std::unique_ptr<Plugin>, std::string>
NodeResourcesBalancedAllocation::create(const PluginArgs& args, FrameworkHandle& /*handle*/) {
  if (std::holds_alternative<std::monostate>(args)) {
    return std::unique_ptr<Plugin>(std::make_unique<NodeResourcesBalancedAllocation>());
  }
  const auto* a = std::get_if<NodeResourcesBalancedAllocationArgs>(&args);
  if (a == nullptr) {
    return base::unexpected(fmt::format("want args to be of type NodeResourcesBalancedAllocationArgs, got *config.{}",
                                        plugin_args_type_name(args)));
  }
  NodeResourcesBalancedAllocationArgs defaulted = with_defaults(*a);
  if (std::string err = validate(defaulted); !err.empty()) {
    return base::unexpected(std::move(err));
  }
  return std::unique_ptr<Plugin>(std::make_unique<NodeResourcesBalancedAllocation>(std::move(defaulted)));
}

NodeResourcesBalancedAllocation::NodeResourcesBalancedAllocation()
    : NodeResourcesBalancedAllocation(NodeResourcesBalancedAllocationArgs{}) {}

NodeResourcesBalancedAllocation::NodeResourcesBalancedAllocation(NodeResourcesBalancedAllocationArgs args)
    : args_(std::move(args)) {
  for (const ResourceSpec& r : args_.resources) {
    ResourceKind kind = ResourceKind::Other;
    if (r.name == api::kResourceCpu) {
      kind = ResourceKind::Cpu;
    } else if (r.name == api::kResourceMemory) {
      kind = ResourceKind::Memory;
    } else if (r.name == api::kResourceEphemeralStorage) {
      kind = ResourceKind::EphemeralStorage;
    }
    scored_.push_back({kind, is_scalar_resource(r.name)});
  }
  cpu_memory_fast_path_ =
      scored_.size() == 2 && scored_[0].kind == ResourceKind::Cpu && scored_[1].kind == ResourceKind::Memory;
}

std::vector<std::int64_t> NodeResourcesBalancedAllocation::pod_requests(const PodInfo& pod) const {
  std::vector<std::int64_t> out;
  out.reserve(args_.resources.size());
  for (const ResourceSpec& r : args_.resources) {
    out.push_back(r.name == api::kResourcePods ? 0 : pod.requests.get(r.name));
  }
  return out;
}

Status NodeResourcesBalancedAllocation::pre_score(CycleState& state, const PodInfo& pod,
                                                  std::span<const NodeInfo* const> /*nodes*/) {
  auto s = std::make_unique<PreScoreState>();
  s->pod_requests = pod_requests(pod);
  state.write(kPreScoreStateKey, std::move(s));
  return Status::success();
}

std::int64_t NodeResourcesBalancedAllocation::score(const CycleState& state, const PodInfo& pod, const NodeInfo& node) {
  if (const auto* s = state.read<PreScoreState>(kPreScoreStateKey)) {
    return score_with(s->pod_requests, node);
  }
  return score_with(pod_requests(pod), node);
}

void NodeResourcesBalancedAllocation::score_nodes(const CycleState& state, const PodInfo& pod,
                                                  std::span<const NodeInfo* const> nodes,
                                                  std::span<std::int64_t> scores) {
  std::vector<std::int64_t> recomputed;
  std::span<const std::int64_t> requests;
  if (const auto* s = state.read<PreScoreState>(kPreScoreStateKey)) {
    requests = s->pod_requests;
  } else {
    recomputed = pod_requests(pod);
    requests = recomputed;
  }
  if (cpu_memory_fast_path_) {
    // score_with without its per-resource dispatch: the nodes' cpu and memory numbers gathered into
    // arrays, then scored by balanced_cpu_memory.
    constexpr std::size_t kChunk = 64;
    std::array<std::int64_t, kChunk> cpu_req{};
    std::array<std::int64_t, kChunk> cpu_alloc{};
    std::array<std::int64_t, kChunk> memory_req{};
    std::array<std::int64_t, kChunk> memory_alloc{};
    for (std::size_t start = 0; start < nodes.size(); start += kChunk) {
      const std::size_t len = std::min(kChunk, nodes.size() - start);
      for (std::size_t i = 0; i < len; ++i) {
        const NodeInfo& node = *nodes[start + i];
        cpu_req[i] = node.requested.milli_cpu + requests[0];
        cpu_alloc[i] = node.allocatable.milli_cpu;
        memory_req[i] = node.requested.memory + requests[1];
        memory_alloc[i] = node.allocatable.memory;
      }
      balanced_cpu_memory(cpu_req.data(), cpu_alloc.data(), memory_req.data(), memory_alloc.data(),
                          scores.subspan(start, len));
    }
    return;
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    scores[i] = score_with(requests, *nodes[i]);
  }
}

std::int64_t NodeResourcesBalancedAllocation::score_with(std::span<const std::int64_t> pod_requests,
                                                         const NodeInfo& node) const {
  // Per node per pod: stack buffers for the usual handful of resources, so that nothing is allocated.
  const std::size_t n = scored_.size();
  std::array<std::int64_t, kInlineResources> requested_buf{};
  std::array<std::int64_t, kInlineResources> allocatable_buf{};
  std::span<std::int64_t> requested(requested_buf.data(), std::min(n, kInlineResources));
  std::span<std::int64_t> allocatable(allocatable_buf.data(), std::min(n, kInlineResources));
  if (n > kInlineResources) {
    requested_scratch_.assign(n, 0);
    allocatable_scratch_.assign(n, 0);
    requested = requested_scratch_;
    allocatable = allocatable_scratch_;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const ScoredResource& r = scored_[i];
    const std::int64_t pod_req = pod_requests[i];
    if (pod_req == 0 && r.is_scalar) {
      continue;
    }
    // useRequested: the node's actual requests, not NonZeroRequested.
    switch (r.kind) {
    case ResourceKind::Cpu:
      allocatable[i] = node.allocatable.milli_cpu;
      requested[i] = node.requested.milli_cpu + pod_req;
      break;
    case ResourceKind::Memory:
      allocatable[i] = node.allocatable.memory;
      requested[i] = node.requested.memory + pod_req;
      break;
    case ResourceKind::EphemeralStorage:
      allocatable[i] = node.allocatable.ephemeral_storage;
      requested[i] = node.requested.ephemeral_storage + pod_req;
      break;
    case ResourceKind::Other:
      if (const std::string& name = args_.resources[i].name; has_scalar(node.allocatable, name)) {
        allocatable[i] = node.allocatable.scalar(name);
        requested[i] = node.requested.scalar(name) + pod_req;
      }
      break;
    }
  }
  return balanced_score(requested, allocatable);
}

std::int64_t NodeResourcesBalancedAllocation::balanced_score(std::span<const std::int64_t> requested,
                                                             std::span<const std::int64_t> allocatable) {
  auto fraction = [&](std::size_t i) {
    return std::min(1.0, static_cast<double>(requested[i]) / static_cast<double>(allocatable[i]));
  };
  // Two passes over the inputs instead of a vector of fractions: no allocation per node.
  std::size_t count = 0;
  double total = 0;
  double first = 0;
  double second = 0;
  for (std::size_t i = 0; i < requested.size(); ++i) {
    if (allocatable[i] == 0) {
      continue;
    }
    const double f = fraction(i);
    if (count == 0) {
      first = f;
    } else if (count == 1) {
      second = f;
    }
    total += f;
    ++count;
  }
  double std_dev = 0;
  // Two resources (the common case): std = |f1 − f2| / 2, the same value the general formula gives.
  if (count == 2) {
    std_dev = std::abs((first - second) / 2);
  } else if (count > 2) {
    const double mean = total / static_cast<double>(count);
    double sum = 0;
    for (std::size_t i = 0; i < requested.size(); ++i) {
      if (allocatable[i] != 0) {
        const double f = fraction(i);
        sum += (f - mean) * (f - mean);
      }
    }
    std_dev = std::sqrt(sum / static_cast<double>(count));
  }
  return static_cast<std::int64_t>((1 - std_dev) * static_cast<double>(kMaxNodeScore));
}

}  // namespace kubesim::scheduler
