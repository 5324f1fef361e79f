#pragma once

/// PodTopologySpread: spreads matching pods evenly over topology domains (zones, hosts, ...), after
/// upstream pkg/scheduler/framework/plugins/podtopologyspread/{common,filtering,scoring,plugin}.go.
/// Formulas and reason strings: K8S-SEMANTICS §2.9 and docs/plugins-topology.md.
///
/// Constraints come from the pod's spec.topologySpreadConstraints; a pod with none gets the plugin's
/// default constraints (System defaulting: maxSkew 3 on kubernetes.io/hostname and maxSkew 5 on
/// topology.kubernetes.io/zone, both ScheduleAnyway), whose selector is built from the Services that
/// select the pod and the ReplicaSet that controls it (upstream helper.DefaultSelector); no such
/// object means no default constraints.
///
///  * PreFilter (DoNotSchedule constraints): counts, once per cycle, the matching pods per topology
///    domain over every node of the snapshot that passes the constraint's nodeAffinityPolicy /
///    nodeTaintsPolicy and carries every constraint's topology key. O(nodes × pods). Skip when the pod
///    has no DoNotSchedule constraint.
///  * Filter: per constraint, "missing required label" (UnschedulableAndUnresolvable) or
///    count + selfMatch − globalMin > maxSkew (Unschedulable). O(constraints) per node. globalMin
///    comes from upstream's criticalPaths (the two smallest domains), 0 with fewer than minDomains
///    domains.
///  * PreFilterExtensions (AddPod/RemovePod, upstream updateWithPod): a pod of the incoming pod's
///    namespace added to / removed from a node that carries every constraint key changes the count of
///    the node's domain by ±1 for each constraint whose selector it matches and whose inclusion
///    policies the node passes, and updates the critical paths. Preemption's dry run and the filter
///    pass with nominated pods use them on a cloned CycleState. O(constraints).
///  * PreScore (ScheduleAnyway constraints): per-domain counts over all nodes for the domains of the
///    feasible nodes, and the weights ln(#domains + 2). Skip when the pod has no soft constraint.
///  * Score: round(Σ count·weight + maxSkew − 1); NormalizeScore: 100·(max + min − s)/max, 0 for
///    nodes that lack a topology key, 100 for all when max is 0.
///
/// Counting: pods in the incoming pod's namespace, not terminating, matching the constraint's selector
/// (a missing selector matches nothing, an empty one everything) with matchLabelKeys merged in.
///
/// NormalizeScore relies on the Framework passing scores in the order of the nodes given to PreScore.

#include "kubesim/scheduler/framework/framework.hpp"
#include "kubesim/scheduler/framework/plugin.hpp"
#include "kubesim/scheduler/framework/plugin_args.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::scheduler {

class PodTopologySpread final : public PreFilterPlugin, public FilterPlugin, public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr std::string_view kName = "PodTopologySpread";
  /// CycleState keys of the PreFilter and PreScore state.
  static constexpr std::string_view kPreFilterStateKey = "PreFilterPodTopologySpread";
  static constexpr std::string_view kPreScoreStateKey = "PreScorePodTopologySpread";
  /// Filter reasons (upstream ErrReasonConstraintsNotMatch / ErrReasonNodeLabelNotMatch).
  static constexpr std::string_view kErrReasonConstraintsNotMatch =
      "node(s) didn't match pod topology spread constraints";
  static constexpr std::string_view kErrReasonNodeLabelNotMatch =
      "node(s) didn't match pod topology spread constraints (missing required label)";

  /// Validates `args` (PodTopologySpreadArgs or monostate for the defaults) as upstream's
  /// ValidatePodTopologySpreadArgs does and builds the plugin. Errors read like upstream's field
  /// errors, e.g. "defaultConstraints[0].maxSkew: Invalid value: 0: not in valid range (0, inf)".
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);
  /// The error message for invalid args, or nullopt when they are valid.
  static std::optional<std::string> validate(const PodTopologySpreadArgs& args);
  /// upstream systemDefaultConstraints.
  static const std::vector<api::TopologySpreadConstraint>& system_default_constraints();

  /// Prefer create(); `args` must be valid.
  PodTopologySpread(const PodTopologySpreadArgs& args, FrameworkHandle& handle);

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

  /// The PreFilter state in `state`, for tests and explanations: the number of matching pods in domain
  /// `value` of the i-th DoNotSchedule constraint (nullopt for an unknown domain or without state),
  /// and the global minimum Filter uses for it (critical paths, minDomains applied).
  static std::optional<std::int64_t> pre_filter_match_num(const CycleState& state, std::size_t i,
                                                          std::string_view value);
  static std::optional<std::int64_t> pre_filter_min_match_num(const CycleState& state, std::size_t i);

  /// upstream helper.DefaultSelector restricted to the kinds kubesim models: the union of the
  /// selectors of the Services in the pod's namespace that select it, ANDed with the selector of the
  /// ReplicaSet (apps/v1) named by the pod's controller reference. nullopt when that is empty.
  static std::optional<api::LabelSelector> default_selector(const api::Pod& pod, const ClusterObjects& objects);

 private:
  /// upstream updateWithPod: `delta` is +1 (AddPod) or −1 (RemovePod).
  static Status update_with_pod(CycleState& state, const PodInfo& preemptor, const PodInfo& updated,
                                const NodeInfo& node, std::int64_t delta);

  FrameworkHandle& handle_;
  std::vector<api::TopologySpreadConstraint> default_constraints_;
  bool system_defaulted_;
};

}  // namespace kubesim::scheduler
