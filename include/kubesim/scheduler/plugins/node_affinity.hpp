#pragma once

/// NodeAffinity (PreFilter, Filter, PreScore, Score + NormalizeScore): the pod's nodeSelector and
/// node affinity, plus the profile's `addedAffinity`. Upstream plugins/nodeaffinity/node_affinity.go
/// and component-helpers/scheduling/corev1/nodeaffinity; formulas in K8S-SEMANTICS §2.7.
///
/// PreFilter: Skip when the pod has no nodeSelector, no required node affinity and the args add no
/// required affinity (Go's nil checks: an empty nodeSelector counts as none). Otherwise, when every
/// required term has `matchFields` `metadata.name In [...]`, the union over terms of the
/// intersection within a term is the only set of nodes that can pass (upstream PreFilterResult); it is
/// kept in the CycleState and exposed by pre_filter_node_names(). When that union is empty the pod
/// is rejected: UnschedulableAndUnresolvable "pod affinity terms conflict".
/// Filter: addedAffinity's required selector must match, else UnschedulableAndUnresolvable
/// "node(s) didn't match scheduler-enforced node affinity"; then every nodeSelector pair AND the
/// required terms (ORed; inside a term everything ANDed; an empty term matches nothing; zero terms
/// match nothing) must match, else UnschedulableAndUnresolvable
/// "node(s) didn't match Pod's node affinity/selector".
/// PreScore: Skip when neither the pod nor addedAffinity has preferred terms.
/// Score: Σ weights of the preferred terms (addedAffinity's, then the pod's) matching the node; terms
/// with weight 0 or no requirements are ignored, as upstream's NewPreferredSchedulingTerms does.
/// NormalizeScore: default_normalize_score(100, reverse = false).
///
/// Args: NodeAffinityArgs (monostate = none). Requirements of addedAffinity are validated as upstream's
/// nodeaffinity.NewNodeSelector parses them (operator/value counts, Gt/Lt integers, matchFields only
/// on metadata.name with In/NotIn and one value).

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::scheduler {

class NodeAffinity final : public PreFilterPlugin, public FilterPlugin, public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr std::string_view kName = "NodeAffinity";
  static constexpr std::string_view kErrReasonPod = "node(s) didn't match Pod's node affinity/selector";
  static constexpr std::string_view kErrReasonEnforced = "node(s) didn't match scheduler-enforced node affinity";
  static constexpr std::string_view kErrReasonConflict = "pod affinity terms conflict";

  /// Accepts NodeAffinityArgs or monostate; rejects other args ("args are not of type
  /// NodeAffinityArgs, got *config.X") and unparsable addedAffinity requirements.
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);
  /// Validates `args` as upstream's ValidateNodeAffinityArgs; an empty string when valid.
  static std::string validate(const NodeAffinityArgs& args);

  NodeAffinity() = default;
  /// `args` must be valid (see validate()).
  explicit NodeAffinity(const NodeAffinityArgs& args);

  [[nodiscard]] std::string_view name() const override { return kName; }
  Status pre_filter(CycleState& state, const PodInfo& pod) override;
  Status filter(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  Status pre_score(CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes) override;
  std::int64_t score(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  /// score() for every node, reading PreScore's state once.
  void score_nodes(const CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                   std::span<std::int64_t> scores) override;
  [[nodiscard]] bool has_normalize() const override { return true; }
  void normalize_score(const CycleState& state, const PodInfo& pod, std::span<std::int64_t> scores) override;

  /// The nodes PreFilter restricted the pod to (sorted, no duplicates), or nullptr when every node is
  /// eligible (or PreFilter did not run / returned Skip).
  static const std::vector<std::string>* pre_filter_node_names(const CycleState& state);

  /// True if `node` satisfies the pod's nodeSelector and required node affinity (upstream
  /// GetRequiredNodeAffinity(pod).Match(node)); addedAffinity is not included.
  static bool matches_required(const api::Pod& pod, const api::Node& node);

 private:
  std::optional<api::NodeSelector> added_node_selector_;
  std::vector<api::PreferredSchedulingTerm> added_pref_terms_;
};

}  // namespace kubesim::scheduler
