#include "kubesim/scheduler/plugins/taint_toleration.hpp"

#include <fmt/format.h>

#include <optional>

namespace kubesim::scheduler {
namespace {

constexpr std::string_view kPreScoreStateKey = "PreScoreTaintToleration";

struct PreScoreState final : StateData {
  std::vector<api::Toleration> tolerations_prefer_no_schedule;
};

}  // namespace

base::Expected<std::unique_ptr<Plugin>, std::string> TaintToleration::create(const PluginArgs& args,
                                                                             FrameworkHandle& /*handle*/) {
  if (!std::holds_alternative<std::monostate>(args)) {
    return base::unexpected(fmt::format("plugin {} takes no arguments", kName));
  }
  return std::unique_ptr<Plugin>(std::make_unique<TaintToleration>());
}

Status TaintToleration::filter(const CycleState& /*state*/, const PodInfo& pod, const NodeInfo& node) {
  // v1helper.FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc: the first NoSchedule or
  // NoExecute taint, in the node's order, that the pod does not tolerate.
  if (!node.has_taints) {
    return Status::success();
  }
  const std::vector<api::Toleration>& tolerations = pod.get().spec.tolerations;
  for (const api::Taint& taint : node.node->spec.taints) {
    if (taint.effect != api::TaintEffect::NoSchedule && taint.effect != api::TaintEffect::NoExecute) {
      continue;
    }
    if (!api::tolerates_taint(tolerations, taint)) {
      return {Code::UnschedulableAndUnresolvable,
              fmt::format("node(s) had untolerated taint {{{}: {}}}", taint.key, taint.value)};
    }
  }
  return Status::success();
}

std::vector<api::Toleration>
TaintToleration::prefer_no_schedule_tolerations(const std::vector<api::Toleration>& tolerations) {
  std::vector<api::Toleration> out;
  for (const api::Toleration& t : tolerations) {
    // An empty effect means every effect, PreferNoSchedule included.
    if (t.effect == api::TaintEffect::None || t.effect == api::TaintEffect::PreferNoSchedule) {
      out.push_back(t);
    }
  }
  return out;
}

std::int64_t TaintToleration::count_intolerable_prefer_no_schedule(const std::vector<api::Taint>& taints,
                                                                   const std::vector<api::Toleration>& tolerations) {
  std::int64_t count = 0;
  for (const api::Taint& taint : taints) {
    if (taint.effect == api::TaintEffect::PreferNoSchedule && !api::tolerates_taint(tolerations, taint)) {
      ++count;
    }
  }
  return count;
}

Status TaintToleration::pre_score(CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes) {
  if (nodes.empty()) {
    return Status::success();
  }
  auto s = std::make_unique<PreScoreState>();
  s->tolerations_prefer_no_schedule = prefer_no_schedule_tolerations(pod.get().spec.tolerations);
  state.write(kPreScoreStateKey, std::move(s));
  return Status::success();
}

std::int64_t TaintToleration::score(const CycleState& state, const PodInfo& pod, const NodeInfo& node) {
  if (!node.has_taints) {
    return 0;
  }
  if (const auto* s = state.read<PreScoreState>(kPreScoreStateKey)) {
    return count_intolerable_prefer_no_schedule(node.node->spec.taints, s->tolerations_prefer_no_schedule);
  }
  return count_intolerable_prefer_no_schedule(node.node->spec.taints,
                                              prefer_no_schedule_tolerations(pod.get().spec.tolerations));
}

void TaintToleration::score_nodes(const CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                                  std::span<std::int64_t> scores) {
  const auto* s = state.read<PreScoreState>(kPreScoreStateKey);
  std::optional<std::vector<api::Toleration>> recomputed;  // only when PreScore did not run
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const NodeInfo& node = *nodes[i];
    if (!node.has_taints) {
      scores[i] = 0;
      continue;
    }
    if (s == nullptr && !recomputed) {
      recomputed = prefer_no_schedule_tolerations(pod.get().spec.tolerations);
    }
    scores[i] = count_intolerable_prefer_no_schedule(node.node->spec.taints,
                                                     s != nullptr ? s->tolerations_prefer_no_schedule : *recomputed);
  }
}

void TaintToleration::normalize_score(const CycleState& /*state*/, const PodInfo& /*pod*/,
                                      std::span<std::int64_t> scores) {
  default_normalize_score(kMaxNodeScore, true, scores);
}

FilterShortcut TaintToleration::filter_shortcut(const CycleState& /*state*/, const PodInfo& /*pod*/) const {
  return {FilterShortcut::Kind::PassUnlessFlag, &NodeInfo::has_taints};
}

}  // namespace kubesim::scheduler
