#include "kubesim/scheduler/explain.hpp"

#include "kubesim/scheduler/framework/cycle_state.hpp"
#include "kubesim/scheduler/scheduler.hpp"

#include <fmt/format.h>

#include <map>

namespace kubesim::scheduler {

std::optional<std::string> resolve_priority(api::Pod& pod,
                                            const std::vector<std::shared_ptr<const api::PriorityClass>>& classes) {
  // Mirrors ApiServer::admit (Priority admission); the scheduler may not call into the API server.
  const api::PriorityClass* chosen = nullptr;
  if (!pod.spec.priority_class_name.empty()) {
    for (const auto& pc : classes) {
      if (pc->metadata.name == pod.spec.priority_class_name) {
        chosen = pc.get();
      }
    }
    if (chosen == nullptr) {
      return fmt::format("pod '{}/{}': no PriorityClass with name {} was found", pod.metadata.namespace_,
                         pod.metadata.name, pod.spec.priority_class_name);
    }
  } else if (!pod.spec.priority) {
    for (const auto& pc : classes) {
      // Upstream picks the global default with the lowest value when several claim it.
      if (pc->global_default && (chosen == nullptr || pc->value < chosen->value)) {
        chosen = pc.get();
      }
    }
    if (chosen != nullptr) {
      pod.spec.priority_class_name = chosen->metadata.name;
    }
  }
  if (chosen != nullptr) {
    pod.spec.priority = chosen->value;
    if (!pod.spec.preemption_policy) {
      pod.spec.preemption_policy = chosen->preemption_policy;
    }
  } else if (!pod.spec.priority) {
    pod.spec.priority = 0;
  }
  if (!pod.spec.preemption_policy) {
    pod.spec.preemption_policy = api::PreemptionPolicy::PreemptLowerPriority;
  }
  return std::nullopt;
}

base::Expected<ExplainResult, std::string> explain_schedule(const api::Pod& pod, const ExplainInput& input,
                                                            const ProfileConfig& profile,
                                                            const PluginRegistry& registry) {
  StaticHandle handle;
  Snapshot& snapshot = handle.mutable_snapshot();
  for (const auto& node : input.nodes) {
    snapshot.upsert_node(node);
  }
  for (const auto& bound : input.bound_pods) {
    if (bound->is_terminal()) {
      continue;
    }
    NodeInfo* node = snapshot.find(bound->spec.node_name);
    if (node == nullptr) {
      continue;
    }
    if (bound->spec.priority) {
      node->add_pod(PodInfo::from(bound));
      continue;
    }
    api::Pod copy = *bound;
    if (std::optional<std::string> err = resolve_priority(copy, input.priority_classes)) {
      return base::unexpected(std::move(*err));
    }
    node->add_pod(PodInfo::from(std::make_shared<const api::Pod>(std::move(copy))));
  }
  handle.mutable_objects() = input.objects;

  api::Pod incoming = pod;
  if (std::optional<std::string> err = resolve_priority(incoming, input.priority_classes)) {
    return base::unexpected(std::move(*err));
  }
  auto fw = Framework::create(profile, registry, handle);
  if (!fw) {
    return base::unexpected(fmt::format("profile \"{}\": {}", profile.scheduler_name, fw.error()));
  }
  Framework& framework = fw.value();

  ExplainResult result;
  result.pod = incoming.metadata.namespace_ + "/" + incoming.metadata.name;
  result.profile = profile.scheduler_name;
  PodInfo info = PodInfo::from(std::make_shared<const api::Pod>(std::move(incoming)));

  // Report in input order; the plugins see the snapshot (node-tree order) through the handle.
  std::vector<const NodeInfo*> ordered;
  ordered.reserve(input.nodes.size());
  for (const auto& node : input.nodes) {
    const NodeInfo* n = snapshot.find(node->metadata.name);
    bool seen = false;
    for (const NodeInfo* o : ordered) {
      seen = seen || o == n;
    }
    if (n != nullptr && !seen) {
      ordered.push_back(n);
    }
  }
  const auto num_nodes = static_cast<std::int32_t>(ordered.size());

  CycleState state;
  result.pre_filter = framework.run_pre_filter(state, info);
  std::map<std::string, std::int32_t> reasons;
  std::vector<const NodeInfo*> feasible;
  std::vector<std::size_t> feasible_index;
  for (const NodeInfo* n : ordered) {
    NodeExplanation& ex = result.nodes.emplace_back();
    ex.name = n->name();
    if (!result.pre_filter.is_success()) {
      ex.filter = result.pre_filter;
      continue;
    }
    ex.filter = framework.run_filter(state, info, *n);
    if (ex.filter.is_success()) {
      feasible.push_back(n);
      feasible_index.push_back(result.nodes.size() - 1);
    } else {
      for (const std::string& r : ex.filter.reasons()) {
        ++reasons[r];
      }
    }
  }
  if (!result.pre_filter.is_success()) {
    for (const std::string& r : result.pre_filter.reasons()) {
      reasons[r] = num_nodes;
    }
  }

  if (feasible.empty()) {
    result.message = num_nodes == 0 && result.pre_filter.is_success()
                         ? std::string("no nodes available to schedule pods")
                         : fit_error_message(num_nodes, reasons);
    return result;
  }
  std::vector<std::int64_t> totals(feasible.size(), 0);
  std::vector<std::vector<PluginScore>> explain;
  Status scored = framework.run_score(state, info, feasible, totals, &explain);
  if (!scored.is_success()) {
    result.message = fmt::format("scoring failed{}: {}",
                                 scored.plugin().empty() ? std::string() : fmt::format(" in {}", scored.plugin()),
                                 scored.reasons().empty() ? std::string("unknown error") : scored.reasons().front());
    return result;
  }
  std::size_t best = 0;
  for (std::size_t i = 0; i < feasible.size(); ++i) {
    NodeExplanation& ex = result.nodes[feasible_index[i]];
    ex.total = totals[i];
    for (const PluginScore& ps : explain[i]) {
      ex.scores.push_back(ExplainedScore{std::string(ps.plugin), ps.raw, ps.normalized, ps.weight});
    }
    // Strictly greater: the first node (input order) with the best total wins ties.
    if (totals[i] > totals[best]) {
      best = i;
    }
  }
  result.selected = feasible[best]->name();
  return result;
}

}  // namespace kubesim::scheduler
