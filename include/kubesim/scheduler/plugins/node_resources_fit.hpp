#pragma once

/// NodeResourcesFit (PreFilter, Filter, PreScore, Score): the node must have room for the pod's
/// requests; nodes are ranked by a configurable scoring strategy. Upstream
/// plugins/noderesources/{fit,resource_allocation,least_allocated,most_allocated,
/// requested_to_capacity_ratio}.go; formulas in K8S-SEMANTICS §2.3.
///
/// Filter (actual requests, no defaults; upstream fitsRequest): "Too many pods" when the node's pod
/// count + 1 exceeds its allocatable pods; then, only for resources the pod requests (> 0),
/// "Insufficient cpu" / "Insufficient memory" / "Insufficient ephemeral-storage" /
/// "Insufficient <scalar>" when the request exceeds allocatable − requested. Every insufficient
/// resource is reported (status Unschedulable). Extended resources (not native, see
/// api::ResourceList::is_native) named in `ignoredResources`, or whose domain prefix (before "/") is in
/// `ignoredResourceGroups`, are not checked.
///
/// Score, for each configured resource i with weight w_i:
///  * pod request: cpu and memory with the non-zero defaults (§2.2), everything else actual; a scalar
///    (extended, hugepages) resource the pod does not request is skipped;
///  * allocatable a_i and requested r_i = node's requests (NonZeroRequested for cpu/memory) + pod's;
///    resources with a_i = 0 (or absent on the node, or "pods") are skipped.
///  * LeastAllocated: s_i = (a−r)·100/a, 0 if r > a; score = Σ s_i·w_i / Σ w_i (integer).
///  * MostAllocated: s_i = min(r, a)·100/a; score = Σ s_i·w_i / Σ w_i (integer).
///  * RequestedToCapacityRatio: shape points (u, v) with v scaled ×10 to 0..100; s_i = f(r·100/a)
///    (f(100) if r > a), f piecewise linear with integer arithmetic; only s_i > 0 count in both sums;
///    score = round(Σ s_i·w_i / Σ w_i).
/// No NormalizeScore.
///
/// Args (NodeResourcesFitArgs; monostate = defaults): v1 defaulting first (no resources → cpu and
/// memory with weight 1; weight 0 → 1), then upstream's ValidateNodeResourcesFitArgs: ignored names
/// must be qualified names, groups may not contain "/", weights in (0, 100], shape non-empty with
/// utilization strictly increasing in [0, 100] and score in [0, 10].

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::scheduler {

class NodeResourcesFit final : public PreFilterPlugin, public FilterPlugin, public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr std::string_view kName = "NodeResourcesFit";

  /// Accepts NodeResourcesFitArgs or monostate; rejects other args ("want args to be of type
  /// NodeResourcesFitArgs, got *config.X") and invalid values (validate()).
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);
  /// Upstream's v1 defaulting (SetDefaults_NodeResourcesFitArgs).
  static NodeResourcesFitArgs with_defaults(NodeResourcesFitArgs args);
  /// Upstream ValidateNodeResourcesFitArgs (after defaulting): "" when valid, else the aggregated
  /// field errors ("a" or "[a, b]").
  static std::string validate(const NodeResourcesFitArgs& args);

  /// Default args: LeastAllocated over cpu and memory, weight 1 each.
  NodeResourcesFit();
  /// `args` must be defaulted and valid.
  explicit NodeResourcesFit(NodeResourcesFitArgs args);

  [[nodiscard]] std::string_view name() const override { return kName; }
  /// Never rejects and never skips (upstream computes the pod's requests here; PodInfo already has them).
  Status pre_filter(CycleState& state, const PodInfo& pod) override;
  Status filter(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  /// filter()'s verdict without the reasons, node after node with no call per node (the pod's
  /// requests without scalar resources; otherwise filter() per node).
  void filter_nodes(const CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                    std::span<std::uint8_t> pass) override;
  /// Computes the pod's request for each configured resource.
  Status pre_score(CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes) override;
  /// Uses PreScore's requests when present, otherwise recomputes them.
  std::int64_t score(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  /// score() for every node, reading PreScore's state once.
  void score_nodes(const CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                   std::span<std::int64_t> scores) override;

  [[nodiscard]] const NodeResourcesFitArgs& args() const { return args_; }

  /// LeastAllocated for one resource: (capacity − requested)·100 / capacity, 0 if requested exceeds
  /// capacity or capacity is 0.
  static std::int64_t least_requested_score(std::int64_t requested, std::int64_t capacity);
  /// MostAllocated for one resource: min(requested, capacity)·100 / capacity, 0 if capacity is 0.
  static std::int64_t most_requested_score(std::int64_t requested, std::int64_t capacity);
  /// Upstream helper.BuildBrokenLinearFunction evaluated at `p` over `shape` (scores already scaled
  /// to 0..100, utilization increasing).
  static std::int64_t broken_linear(std::span<const UtilizationShapePoint> shape, std::int64_t p);

 private:
  /// The pod's request for each configured resource (non-zero defaults for cpu and memory).
  [[nodiscard]] std::vector<std::int64_t> pod_requests(const PodInfo& pod) const;
  [[nodiscard]] std::int64_t score_with(std::span<const std::int64_t> pod_requests, const NodeInfo& node) const;
  /// score_nodes for the default resources (cpu then memory, neither scalar) under LeastAllocated or
  /// MostAllocated: the same arithmetic as score_with without its per-resource dispatch.
  void score_cpu_memory(std::span<const std::int64_t> pod_requests, std::span<const NodeInfo* const> nodes,
                        std::span<std::int64_t> scores) const;

  /// What each configured resource is, decided once from its name so that Score compares no strings
  /// per node. kOther covers "pods" and scalar resources, which are looked up by name.
  enum class ResourceKind : std::uint8_t { Cpu, Memory, EphemeralStorage, Other };
  struct ScoredResource {
    ResourceKind kind;
    bool is_scalar;  // schedutil.IsScalarResourceName: not cpu, memory, ephemeral-storage or pods
  };

  NodeResourcesFitArgs args_;
  std::vector<ScoredResource> scored_;               // one per args_.resources entry
  bool cpu_memory_fast_path_ = false;                // score_cpu_memory applies (decided once)
  std::vector<UtilizationShapePoint> scaled_shape_;  // RequestedToCapacityRatio: score ×10
};

}  // namespace kubesim::scheduler
