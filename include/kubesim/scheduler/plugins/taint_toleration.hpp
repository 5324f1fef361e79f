#pragma once

/// TaintToleration (Filter, PreScore, Score + NormalizeScore): taints repel pods that do not tolerate
/// them. Upstream plugins/tainttoleration/taint_toleration.go; formulas in K8S-SEMANTICS §2.6.
///
/// Filter: the first of the node's taints (in spec order) with effect NoSchedule or NoExecute that no
/// toleration of the pod tolerates fails the node with UnschedulableAndUnresolvable
/// "node(s) had untolerated taint {<key>: <value>}" (upstream's exact format; an empty value prints
/// as "{key: }"). PreferNoSchedule taints never fail the filter.
///
/// PreScore: collects the pod's tolerations whose effect is PreferNoSchedule or empty (an empty
/// effect tolerates every effect). Never returns Skip (v1.28–v1.32).
/// Score: the number of the node's PreferNoSchedule taints not tolerated by those tolerations.
/// NormalizeScore: default_normalize_score(100, reverse = true) — no intolerable taint anywhere → 100
/// for every node; otherwise 100 − 100·raw/max.
///
/// No args. Toleration matching is api::Toleration::tolerates (upstream ToleratesTaint).

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::scheduler {

class TaintToleration final : public FilterPlugin, public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr std::string_view kName = "TaintToleration";

  /// Takes no args: anything but monostate is rejected ("plugin <name> takes no arguments").
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);

  [[nodiscard]] std::string_view name() const override { return kName; }
  Status filter(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  /// PassUnlessFlag(NodeInfo::has_taints): nodes without taints pass without a call.
  [[nodiscard]] FilterShortcut filter_shortcut(const CycleState& state, const PodInfo& pod) const override;
  Status pre_score(CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes) override;
  /// Raw score: the count of intolerable PreferNoSchedule taints (uses PreScore's state when present,
  /// otherwise recomputes it from the pod).
  std::int64_t score(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  /// score() for every node, reading PreScore's state once.
  void score_nodes(const CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                   std::span<std::int64_t> scores) override;
  [[nodiscard]] bool has_normalize() const override { return true; }
  void normalize_score(const CycleState& state, const PodInfo& pod, std::span<std::int64_t> scores) override;

  /// The pod's tolerations whose effect is PreferNoSchedule or empty (upstream
  /// getAllTolerationPreferNoSchedule).
  static std::vector<api::Toleration> prefer_no_schedule_tolerations(const std::vector<api::Toleration>& tolerations);
  /// How many of `taints` have effect PreferNoSchedule and are not tolerated by `tolerations` (upstream
  /// countIntolerableTaintsPreferNoSchedule).
  static std::int64_t count_intolerable_prefer_no_schedule(const std::vector<api::Taint>& taints,
                                                           const std::vector<api::Toleration>& tolerations);
};

}  // namespace kubesim::scheduler
