#pragma once

/// NodeResourcesBalancedAllocation (PreScore, Score): favours nodes whose resource utilization stays
/// balanced across resources once the pod is placed. Upstream
/// plugins/noderesources/balanced_allocation.go and resource_allocation.go (useRequested = true);
/// formula in K8S-SEMANTICS §2.4.
///
/// For each configured resource: the pod's *actual* request (no non-zero defaults); a scalar resource
/// the pod does not request is skipped; allocatable a and requested r = node's actual requests + the
/// pod's; resources with a = 0 are skipped. fraction = min(1, r/a) (double). With two fractions
/// std = |f1 − f2| / 2; with more, the population standard deviation; with fewer, 0.
/// Score = int64((1 − std) · 100) (truncated). No NormalizeScore.
///
/// v1.28–v1.32 behaviour: PreScore never returns Skip, so best-effort pods (no requests) are scored
/// too — 100 on nodes whose cpu and memory fractions are equal, e.g. empty nodes (v1.33 skips them).
///
/// Args (NodeResourcesBalancedAllocationArgs; monostate = defaults [cpu, memory]): v1 defaulting (no
/// resources → cpu, memory; weight 0 → 1), then upstream validation: no duplicate resource names and
/// every weight must be 1 (weights do not enter the formula).

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <array>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::scheduler {

class NodeResourcesBalancedAllocation final : public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr std::string_view kName = "NodeResourcesBalancedAllocation";

  /// Accepts NodeResourcesBalancedAllocationArgs or monostate; rejects other args ("want args to be
  /// of type NodeResourcesBalancedAllocationArgs, got *config.X") and invalid values.
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);
  /// Upstream's v1 defaulting (SetDefaults_NodeResourcesBalancedAllocationArgs).
  static NodeResourcesBalancedAllocationArgs with_defaults(NodeResourcesBalancedAllocationArgs args);
  /// Upstream ValidateNodeResourcesBalancedAllocationArgs: "" when valid.
  static std::string validate(const NodeResourcesBalancedAllocationArgs& args);

  NodeResourcesBalancedAllocation();
  /// `args` must be defaulted and valid.
  explicit NodeResourcesBalancedAllocation(NodeResourcesBalancedAllocationArgs args);

  [[nodiscard]] std::string_view name() const override { return kName; }
  /// Computes the pod's actual request per configured resource; never Skip (v1.28–v1.32).
  Status pre_score(CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes) override;
  std::int64_t score(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  /// score() for every node, reading PreScore's state once.
  void score_nodes(const CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                   std::span<std::int64_t> scores) override;

  /// Upstream balancedResourceScorer over (requested, allocatable) pairs; pairs with allocatable 0
  /// are ignored.
  static std::int64_t balanced_score(std::span<const std::int64_t> requested,
                                     std::span<const std::int64_t> allocatable);

 private:
  [[nodiscard]] std::vector<std::int64_t> pod_requests(const PodInfo& pod) const;
  [[nodiscard]] std::int64_t score_with(std::span<const std::int64_t> pod_requests, const NodeInfo& node) const;

  /// What each configured resource is, decided once from its name so that Score compares no strings
  /// per node. kOther covers "pods" and scalar resources, which are looked up by name.
  enum class ResourceKind : std::uint8_t { Cpu, Memory, EphemeralStorage, Other };
  struct ScoredResource {
    ResourceKind kind;
    bool is_scalar;  // not cpu, memory, ephemeral-storage or pods
  };
  /// Resources up to this count are scored in stack buffers; more use the scratch vectors.
  static constexpr std::size_t kInlineResources = 8;

  NodeResourcesBalancedAllocationArgs args_;
  std::vector<ScoredResource> scored_;  // one per args_.resources entry
  /// The default resources (cpu then memory): score_nodes computes the two fractions inline.
  bool cpu_memory_fast_path_ = false;
  // Scratch for score_with beyond kInlineResources, reused across nodes (the scheduler is
  // single-threaded).
  mutable std::vector<std::int64_t> requested_scratch_;
  mutable std::vector<std::int64_t> allocatable_scratch_;
};

}  // namespace kubesim::scheduler
