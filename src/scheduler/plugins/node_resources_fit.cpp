#include "kubesim/scheduler/plugins/node_resources_fit.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace kubesim::scheduler {
namespace {

constexpr std::string_view kPreScoreStateKey = "PreScoreNodeResourcesFit";
constexpr std::int64_t kMaxUtilization = 100;
constexpr std::int32_t kMaxCustomPriorityScore = 10;

struct PreScoreState final : StateData {
  std::vector<std::int64_t> pod_requests;
};

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// IsQualifiedName's name part: at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends.
bool is_qualified_name_part(std::string_view s) {
  if (s.empty() || s.size() > 63 || !is_alnum(s.front()) || !is_alnum(s.back())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

// A DNS-1123 subdomain: at most 253 of [a-z0-9-.], alphanumeric at both ends.
bool is_dns_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) {
    return false;
  }
  auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  return lower_alnum(s.front()) && lower_alnum(s.back()) &&
         std::all_of(s.begin(), s.end(), [&](char c) { return lower_alnum(c) || c == '-' || c == '.'; });
}

// metav1validation.ValidateLabelName → validation.IsQualifiedName.
void validate_label_name(const std::string& name, const std::string& path, std::vector<std::string>& errs) {
  auto slash = name.find('/');
  std::string_view prefix;
  std::string_view part = name;
  if (slash != std::string::npos) {
    prefix = std::string_view(name).substr(0, slash);
    part = std::string_view(name).substr(slash + 1);
    if (!is_dns_subdomain(prefix)) {
      errs.push_back(fmt::format("{}: Invalid value: \"{}\": prefix part a lowercase RFC 1123 subdomain must consist "
                                 "of lower case alphanumeric characters, '-' or '.', and must start and end with an "
                                 "alphanumeric character",
                                 path, name));
    }
  }
  if (!is_qualified_name_part(part)) {
    errs.push_back(fmt::format("{}: Invalid value: \"{}\": name part must consist of alphanumeric characters, '-', "
                               "'_' or '.', and must start and end with an alphanumeric character",
                               path, name));
  }
}

// v1helper.IsExtendedResourceName: not native and not a quota "requests." name.
bool is_extended_resource(std::string_view name) {
  return !api::ResourceList::is_native(name) && !name.starts_with("requests.");
}

// schedutil.IsScalarResourceName: everything NodeInfo keeps in ScalarResources (extended, hugepages,
// prefixed native, attachable volumes), i.e. anything but cpu, memory, ephemeral-storage and pods.
bool is_scalar_resource(std::string_view name) {
  return name != api::kResourceCpu && name != api::kResourceMemory && name != api::kResourceEphemeralStorage &&
         name != api::kResourcePods;
}

// filter()'s verdict for a pod without scalar requests: room for one more pod and for each of cpu, memory
// and ephemeral-storage that the pod requests. With no scalars this is exactly "no reasons".
bool fits_without_scalars(const Resource& req, const NodeInfo& node) {
  const Resource& alloc = node.allocatable;
  const Resource& used = node.requested;
  return node.pod_count() + 1 <= alloc.allowed_pod_number &&
         (req.milli_cpu <= 0 || req.milli_cpu <= alloc.milli_cpu - used.milli_cpu) &&
         (req.memory <= 0 || req.memory <= alloc.memory - used.memory) &&
         (req.ephemeral_storage <= 0 || req.ephemeral_storage <= alloc.ephemeral_storage - used.ephemeral_storage);
}

// least_requested_score (Least) or most_requested_score of one resource, dividing through doubles (see
// score_cpu_memory for why that is exact); 0 when alloc is 0 (the caller then gives it no weight).
template <bool Least> std::int64_t allocated_score(std::int64_t req, std::int64_t alloc) {
  const std::int64_t num = (Least ? (req > alloc ? 0 : alloc - req) : std::min(req, alloc)) * kMaxNodeScore;
  return static_cast<std::int64_t>(static_cast<double>(num) / static_cast<double>(alloc == 0 ? 1 : alloc));
}

// score_cpu_memory's arithmetic for a chunk of gathered nodes: selects only, no branches or calls, so
// that it compiles to vector code.
template <bool Least>
void score_cpu_memory_chunk(const std::int64_t* __restrict cpu_alloc, const std::int64_t* __restrict cpu_req,
                            const std::int64_t* __restrict memory_alloc, const std::int64_t* __restrict memory_req,
                            std::int64_t cpu_weight, std::int64_t memory_weight, std::span<std::int64_t> scores) {
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const std::int64_t cpu_w = cpu_alloc[i] != 0 ? cpu_weight : 0;
    const std::int64_t memory_w = memory_alloc[i] != 0 ? memory_weight : 0;
    const std::int64_t node_score = allocated_score<Least>(cpu_req[i], cpu_alloc[i]) * cpu_w +
                                    allocated_score<Least>(memory_req[i], memory_alloc[i]) * memory_w;
    const std::int64_t weight_sum = cpu_w + memory_w;
    // node_score <= 100·weight_sum <= 20,000: the same exact division.
    const auto q = static_cast<std::int64_t>(static_cast<double>(node_score) /
                                             static_cast<double>(weight_sum == 0 ? 1 : weight_sum));
    scores[i] = weight_sum == 0 ? 0 : q;
  }
}

bool has_scalar(const Resource& r, std::string_view name) {
  return std::any_of(r.scalars.begin(), r.scalars.end(), [&](const auto& e) { return e.first == name; });
}

}  // namespace

NodeResourcesFitArgs NodeResourcesFit::with_defaults(NodeResourcesFitArgs args) {
  default_resource_specs(args.resources);
  return args;
}

std::string NodeResourcesFit::validate(const NodeResourcesFitArgs& args) {
  std::vector<std::string> errs;
  for (std::size_t i = 0; i < args.ignored_resources.size(); ++i) {
    validate_label_name(args.ignored_resources[i], fmt::format("ignoredResources[{}]", i), errs);
  }
  for (std::size_t i = 0; i < args.ignored_resource_groups.size(); ++i) {
    const std::string& group = args.ignored_resource_groups[i];
    const std::string path = fmt::format("ignoredResourceGroups[{}]", i);
    if (group.find('/') != std::string::npos) {
      errs.push_back(fmt::format("{}: Invalid value: \"{}\": resource group name can't contain '/'", path, group));
    }
    validate_label_name(group, path, errs);
  }
  for (std::size_t i = 0; i < args.resources.size(); ++i) {
    const ResourceSpec& r = args.resources[i];
    if (r.weight <= 0 || r.weight > 100) {
      errs.push_back(fmt::format(
          "scoringStrategy.resources[{}].weight: Invalid value: {}: resource weight of {} not in valid range (0, 100]",
          i, r.weight, r.name));
    }
  }
  if (args.scoring_strategy == ScoringStrategyType::RequestedToCapacityRatio) {
    const auto& shape = args.shape;
    if (shape.empty()) {
      errs.emplace_back("scoringStrategy.shape: Required value: at least one point must be specified");
    } else {
      for (std::size_t i = 1; i < shape.size(); ++i) {
        if (shape[i - 1].utilization >= shape[i].utilization) {
          errs.push_back(fmt::format(
              "scoringStrategy.shape[{}].utilization: Invalid value: {}: values must be sorted in increasing order", i,
              shape[i].utilization));
          break;
        }
      }
      for (std::size_t i = 0; i < shape.size(); ++i) {
        if (shape[i].utilization < 0 || shape[i].utilization > kMaxUtilization) {
          errs.push_back(fmt::format("scoringStrategy.shape[{}].utilization: Invalid value: {}: not in valid range "
                                     "[0, 100]",
                                     i, shape[i].utilization));
        }
        if (shape[i].score < 0 || shape[i].score > kMaxCustomPriorityScore) {
          errs.push_back(fmt::format("scoringStrategy.shape[{}].score: Invalid value: {}: not in valid range [0, 10]",
                                     i, shape[i].score));
        }
      }
    }
  }
  if (errs.empty()) {
    return {};
  }
  return errs.size() == 1 ? errs.front() : fmt::format("[{}]", fmt::join(errs, ", "));
}

base::Expected<std::unique_ptr<Plugin>, std::string> NodeResourcesFit::create(const PluginArgs& args,
                                                                              FrameworkHandle& /*handle*/) {
  if (std::holds_alternative<std::monostate>(args)) {
    return std::unique_ptr<Plugin>(std::make_unique<NodeResourcesFit>());
  }
  const auto* a = std::get_if<NodeResourcesFitArgs>(&args);
  if (a == nullptr) {
    return base::unexpected(
        fmt::format("want args to be of type NodeResourcesFitArgs, got *config.{}", plugin_args_type_name(args)));
  }
  NodeResourcesFitArgs defaulted = with_defaults(*a);
  if (std::string err = validate(defaulted); !err.empty()) {
    return base::unexpected(std::move(err));
  }
  return std::unique_ptr<Plugin>(std::make_unique<NodeResourcesFit>(std::move(defaulted)));
}

NodeResourcesFit::NodeResourcesFit() : NodeResourcesFit(NodeResourcesFitArgs{}) {}

NodeResourcesFit::NodeResourcesFit(NodeResourcesFitArgs args) : args_(std::move(args)) {
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
  cpu_memory_fast_path_ = scored_.size() == 2 && scored_[0].kind == ResourceKind::Cpu &&
                          scored_[1].kind == ResourceKind::Memory &&
                          (args_.scoring_strategy == ScoringStrategyType::LeastAllocated ||
                           args_.scoring_strategy == ScoringStrategyType::MostAllocated);
  // MaxCustomPriorityScore (10) may differ from MaxNodeScore (100): scale the shape's scores.
  for (const UtilizationShapePoint& p : args_.shape) {
    scaled_shape_.push_back(
        {p.utilization, p.score * static_cast<std::int32_t>(kMaxNodeScore / kMaxCustomPriorityScore)});
  }
}

Status NodeResourcesFit::pre_filter(CycleState& /*state*/, const PodInfo& /*pod*/) { return Status::success(); }

Status NodeResourcesFit::filter(const CycleState& /*state*/, const PodInfo& pod, const NodeInfo& node) {
  // The common case first: no scalar requests and room for everything. It decides exactly what the
  // general code below decides, without building the reasons list.
  if (pod.requests.scalars.empty() && fits_without_scalars(pod.requests, node)) {
    return Status::success();
  }
  std::vector<std::string> reasons;
  if (node.pod_count() + 1 > node.allocatable.allowed_pod_number) {
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
    if (amount == 0) {
      continue;
    }
    if (is_extended_resource(name)) {
      const std::string_view group = std::string_view(name).substr(0, name.find('/'));
      const auto& ignored = args_.ignored_resources;
      const auto& groups = args_.ignored_resource_groups;
      if (std::find(ignored.begin(), ignored.end(), name) != ignored.end() ||
          std::find(groups.begin(), groups.end(), group) != groups.end()) {
        continue;
      }
    }
    if (amount > alloc.scalar(name) - used.scalar(name)) {
      reasons.push_back("Insufficient " + name);
    }
  }
  if (reasons.empty()) {
    return Status::success();
  }
  return {Code::Unschedulable, std::move(reasons)};
}

void NodeResourcesFit::filter_nodes(const CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                                    std::span<std::uint8_t> pass) {
  if (!pod.requests.scalars.empty()) {
    FilterPlugin::filter_nodes(state, pod, nodes, pass);
    return;
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    pass[i] = pass[i] != 0 && fits_without_scalars(pod.requests, *nodes[i]) ? 1 : 0;
  }
}

std::vector<std::int64_t> NodeResourcesFit::pod_requests(const PodInfo& pod) const {
  std::vector<std::int64_t> out;
  out.reserve(args_.resources.size());
  for (const ResourceSpec& r : args_.resources) {
    if (r.name == api::kResourceCpu) {
      out.push_back(pod.non_zero_milli_cpu);
    } else if (r.name == api::kResourceMemory) {
      out.push_back(pod.non_zero_memory);
    } else if (r.name == api::kResourcePods) {
      out.push_back(0);  // not a per-pod request
    } else {
      out.push_back(pod.requests.get(r.name));
    }
  }
  return out;
}

Status NodeResourcesFit::pre_score(CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> /*nodes*/) {
  auto s = std::make_unique<PreScoreState>();
  s->pod_requests = pod_requests(pod);
  state.write(kPreScoreStateKey, std::move(s));
  return Status::success();
}

std::int64_t NodeResourcesFit::score(const CycleState& state, const PodInfo& pod, const NodeInfo& node) {
  if (const auto* s = state.read<PreScoreState>(kPreScoreStateKey)) {
    return score_with(s->pod_requests, node);
  }
  return score_with(pod_requests(pod), node);
}

void NodeResourcesFit::score_nodes(const CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
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
    score_cpu_memory(requests, nodes, scores);
    return;
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    scores[i] = score_with(requests, *nodes[i]);
  }
}

void NodeResourcesFit::score_cpu_memory(std::span<const std::int64_t> pod_requests,
                                        std::span<const NodeInfo* const> nodes, std::span<std::int64_t> scores) const {
  const std::int64_t pod_cpu = pod_requests[0];
  const std::int64_t pod_memory = pod_requests[1];
  const std::int64_t cpu_weight = args_.resources[0].weight;
  const std::int64_t memory_weight = args_.resources[1].weight;
  const bool least = args_.scoring_strategy == ScoringStrategyType::LeastAllocated;
  // The nodes' numbers are gathered into arrays and scored in loops without branches or calls, which
  // the compiler turns into vector code. The divisions go through doubles: for 0 <= num <= 100·den
  // with den < 2^46, both are exact doubles (num < 2^53) and the correctly rounded quotient truncates
  // to num / den, because a non-integer quotient lies at least 1/den > 2^-46 under the next integer,
  // more than half an ulp of any double below 128. Chunks with operands outside that range (64 TiB of
  // memory) are scored by score_with's integer arithmetic.
  constexpr std::int64_t kExactLimit = std::int64_t{1} << 46;
  constexpr std::size_t kChunk = 64;
  std::array<std::int64_t, kChunk> cpu_alloc{};
  std::array<std::int64_t, kChunk> cpu_req{};
  std::array<std::int64_t, kChunk> memory_alloc{};
  std::array<std::int64_t, kChunk> memory_req{};
  for (std::size_t start = 0; start < nodes.size(); start += kChunk) {
    const std::size_t len = std::min(kChunk, nodes.size() - start);
    for (std::size_t i = 0; i < len; ++i) {
      const NodeInfo& node = *nodes[start + i];
      cpu_alloc[i] = node.allocatable.milli_cpu;
      cpu_req[i] = node.non_zero_milli_cpu + pod_cpu;
      memory_alloc[i] = node.allocatable.memory;
      memory_req[i] = node.non_zero_memory + pod_memory;
    }
    bool in_range = true;
    for (std::size_t i = 0; i < len; ++i) {
      in_range &= (cpu_alloc[i] >= 0) & (cpu_alloc[i] < kExactLimit) & (cpu_req[i] >= 0) & (memory_alloc[i] >= 0) &
                  (memory_alloc[i] < kExactLimit) & (memory_req[i] >= 0);
    }
    if (!in_range) [[unlikely]] {
      for (std::size_t i = 0; i < len; ++i) {
        scores[start + i] = score_with(pod_requests, *nodes[start + i]);
      }
      continue;
    }
    if (least) {
      score_cpu_memory_chunk<true>(cpu_alloc.data(), cpu_req.data(), memory_alloc.data(), memory_req.data(), cpu_weight,
                                   memory_weight, scores.subspan(start, len));
    } else {
      score_cpu_memory_chunk<false>(cpu_alloc.data(), cpu_req.data(), memory_alloc.data(), memory_req.data(),
                                    cpu_weight, memory_weight, scores.subspan(start, len));
    }
  }
}

std::int64_t NodeResourcesFit::score_with(std::span<const std::int64_t> pod_requests, const NodeInfo& node) const {
  std::int64_t node_score = 0;
  std::int64_t weight_sum = 0;
  for (std::size_t i = 0; i < args_.resources.size(); ++i) {
    const ScoredResource& r = scored_[i];
    const std::int64_t weight = args_.resources[i].weight;
    const std::int64_t pod_req = pod_requests[i];
    // resourceAllocationScorer.calculateResourceAllocatableRequest.
    if (pod_req == 0 && r.is_scalar) {
      continue;  // a scalar resource the pod does not request is not scored
    }
    std::int64_t alloc = 0;
    std::int64_t req = 0;
    switch (r.kind) {
    case ResourceKind::Cpu:
      alloc = node.allocatable.milli_cpu;
      req = node.non_zero_milli_cpu + pod_req;
      break;
    case ResourceKind::Memory:
      alloc = node.allocatable.memory;
      req = node.non_zero_memory + pod_req;
      break;
    case ResourceKind::EphemeralStorage:
      alloc = node.allocatable.ephemeral_storage;
      req = node.requested.ephemeral_storage + pod_req;
      break;
    case ResourceKind::Other:
      if (const std::string& name = args_.resources[i].name; has_scalar(node.allocatable, name)) {
        alloc = node.allocatable.scalar(name);
        req = node.requested.scalar(name) + pod_req;
      }
      break;
    }
    if (alloc == 0) {
      continue;
    }
    switch (args_.scoring_strategy) {
    case ScoringStrategyType::LeastAllocated:
    case ScoringStrategyType::MostAllocated:
      node_score += (args_.scoring_strategy == ScoringStrategyType::LeastAllocated ? least_requested_score(req, alloc)
                                                                                   : most_requested_score(req, alloc)) *
                    weight;
      weight_sum += weight;
      break;
    case ScoringStrategyType::RequestedToCapacityRatio: {
      const std::int64_t s = req > alloc ? broken_linear(scaled_shape_, kMaxUtilization)
                                         : broken_linear(scaled_shape_, req * kMaxUtilization / alloc);
      // Resources scoring 0 are left out of the weighted mean altogether.
      if (s > 0) {
        node_score += s * weight;
        weight_sum += weight;
      }
      break;
    }
    }
  }
  if (weight_sum == 0) {
    return 0;
  }
  if (args_.scoring_strategy == ScoringStrategyType::RequestedToCapacityRatio) {
    return static_cast<std::int64_t>(std::round(static_cast<double>(node_score) / static_cast<double>(weight_sum)));
  }
  return node_score / weight_sum;
}

std::int64_t NodeResourcesFit::least_requested_score(std::int64_t requested, std::int64_t capacity) {
  if (capacity == 0 || requested > capacity) {
    return 0;
  }
  return (capacity - requested) * kMaxNodeScore / capacity;
}

std::int64_t NodeResourcesFit::most_requested_score(std::int64_t requested, std::int64_t capacity) {
  if (capacity == 0) {
    return 0;
  }
  // Requested can exceed capacity because pods without requests are scored with the defaults.
  return std::min(requested, capacity) * kMaxNodeScore / capacity;
}

std::int64_t NodeResourcesFit::broken_linear(std::span<const UtilizationShapePoint> shape, std::int64_t p) {
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (p <= shape[i].utilization) {
      if (i == 0) {
        return shape[0].score;
      }
      const std::int64_t u0 = shape[i - 1].utilization;
      const std::int64_t s0 = shape[i - 1].score;
      return s0 + (shape[i].score - s0) * (p - u0) / (shape[i].utilization - u0);
    }
  }
  return shape.empty() ? 0 : shape.back().score;
}

}  // namespace kubesim::scheduler
