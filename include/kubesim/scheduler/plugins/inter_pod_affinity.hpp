#pragma once

/// InterPodAffinity: required and preferred pod affinity / anti-affinity, after upstream
/// pkg/scheduler/framework/plugins/interpodaffinity/{filtering,scoring,plugin}.go. Formulas and
/// reason strings: K8S-SEMANTICS §2.8 and docs/plugins-topology.md.
///
///  * PreFilter: counts, per topology pair (key, value), (1) existing pods whose required
///    anti-affinity terms match the incoming pod, (2) existing pods matching *all* the incoming pod's
///    required affinity terms, (3) existing pods matching each incoming required anti-affinity term.
///    O(nodes × pods) when the pod has required terms, else O(pods with required anti-affinity).
///    Skip when (1) is empty and the pod has no required (anti-)affinity term.
///  * Filter, in upstream's order: affinity ("node(s) didn't match pod affinity rules",
///    UnschedulableAndUnresolvable; a node missing a term's key fails; the first pod of a group that
///    matches its own terms may go anywhere when no pod matches), anti-affinity ("node(s) didn't match
///    pod anti-affinity rules", Unschedulable), existing pods' anti-affinity ("node(s) didn't satisfy
///    existing pods anti-affinity rules", Unschedulable). O(topology keys) per node.
///  * PreFilterExtensions (AddPod/RemovePod, upstream updateWithPod): a pod added to / removed from a
///    node changes the three maps by ±1 at the node's values: (1) for each of its required
///    anti-affinity terms that matches the incoming pod, (2) for each of the incoming pod's affinity
///    term keys if it matches all of them, (3) for each incoming anti-affinity term it matches. A pair
///    that drops to 0 is deleted, as upstream, so "no pod matches" checks see it gone. Used on a cloned
///    CycleState by preemption's dry run and the filter pass with nominated pods.
///  * PreScore: topologyScore[key][value] from the incoming pod's preferred terms (±weight) and the
///    existing pods' required affinity (hardPodAffinityWeight) and preferred terms (±weight). Skip when
///    nothing was recorded, or when ignorePreferredTermsOfExistingPods is set and the pod has no
///    preferred term.
///  * Score: Σ over the node's labels of topologyScore (may be negative). NormalizeScore:
///    int64(100·(s − min)/(max − min)) in floating point over all scored nodes, 0 for all when max == min.

#include "kubesim/scheduler/framework/framework.hpp"
#include "kubesim/scheduler/framework/plugin.hpp"
#include "kubesim/scheduler/framework/plugin_args.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace kubesim::scheduler {

class InterPodAffinity final : public PreFilterPlugin, public FilterPlugin, public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr std::string_view kName = "InterPodAffinity";
  static constexpr std::string_view kPreFilterStateKey = "PreFilterInterPodAffinity";
  static constexpr std::string_view kPreScoreStateKey = "PreScoreInterPodAffinity";
  /// Filter reasons (upstream ErrReason*).
  static constexpr std::string_view kErrReasonExistingAntiAffinityRulesNotMatch =
      "node(s) didn't satisfy existing pods anti-affinity rules";
  static constexpr std::string_view kErrReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
  static constexpr std::string_view kErrReasonAntiAffinityRulesNotMatch =
      "node(s) didn't match pod anti-affinity rules";

  /// Validates `args` (InterPodAffinityArgs or monostate for the defaults): hardPodAffinityWeight must
  /// lie in [0, 100] ("hardPodAffinityWeight: Invalid value: 101: not in valid range [0, 100]").
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);
  static std::optional<std::string> validate(const InterPodAffinityArgs& args);

  /// Prefer create(); `args` must be valid.
  InterPodAffinity(const InterPodAffinityArgs& args, FrameworkHandle& handle) : handle_(handle), args_(args) {}

  [[nodiscard]] std::string_view name() const override { return kName; }
  Status pre_filter(CycleState& state, const PodInfo& pod) override;
  Status filter(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  [[nodiscard]] bool has_pre_filter_extensions() const override { return true; }
  Status add_pod(CycleState& state, const PodInfo& pod, const PodInfo& pod_to_add, const NodeInfo& node) override;
  Status remove_pod(CycleState& state, const PodInfo& pod, const PodInfo& pod_to_remove, const NodeInfo& node) override;
  Status pre_score(CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes) override;
  std::int64_t score(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  [[nodiscard]] bool has_normalize() const override { return true; }
  void normalize_score(const CycleState& state, const PodInfo& pod, std::span<std::int64_t> scores) override;

 private:
  FrameworkHandle& handle_;
  InterPodAffinityArgs args_;
};

}  // namespace kubesim::scheduler
