#include "kubesim/scheduler/plugins/default_preemption.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <unordered_map>

namespace kubesim::scheduler {
namespace {

base::SimTime start_time_of(const api::Pod& pod) {
  // Upstream GetPodStartTime falls back to "now" for a pod that has not started: later than any start.
  return pod.status.start_time.value_or(base::SimTime::max());
}

// podTerminatingByPreemption (DisruptionTarget condition enabled, as from v1.27 on).
bool is_terminating_by_preemption(const api::Pod& pod) {
  if (!pod.is_terminating()) {
    return false;
  }
  const api::PodCondition* c = pod.status.condition("DisruptionTarget");
  return c != nullptr && c->status == api::ConditionStatus::True && c->reason == "PreemptionByScheduler";
}

// framework.FitError.Error() without PreFilter/PostFilter parts: "0/N nodes are available: <histogram>."
std::string fit_error(std::size_t num_all_nodes, const std::vector<const Status*>& statuses) {
  std::map<std::string, std::int32_t> reasons;
  for (const Status* s : statuses) {
    for (const std::string& r : s->reasons()) {
      ++reasons[r];
    }
  }
  std::vector<std::string> parts;
  parts.reserve(reasons.size());
  for (const auto& [reason, count] : reasons) {
    parts.push_back(fmt::format("{} {}", count, reason));
  }
  std::sort(parts.begin(), parts.end());
  return fmt::format("0/{} nodes are available: {}.", num_all_nodes, fmt::join(parts, ", "));
}

// GetEarliestPodStartTime: the earliest start among the highest-priority victims.
base::SimTime earliest_start_of_top_victims(const DefaultPreemption::Victims& v) {
  base::SimTime earliest = start_time_of(*v.pods.front());
  std::int32_t top = v.pods.front()->priority();
  for (const auto& p : v.pods) {
    if (p->priority() == top) {
      earliest = std::min(earliest, start_time_of(*p));
    } else if (p->priority() > top) {
      top = p->priority();
      earliest = start_time_of(*p);
    }
  }
  return earliest;
}

}  // namespace

base::Expected<std::unique_ptr<Plugin>, std::string> DefaultPreemption::create(const PluginArgs& args,
                                                                               FrameworkHandle& handle) {
  if (std::holds_alternative<std::monostate>(args)) {
    return std::unique_ptr<Plugin>(std::make_unique<DefaultPreemption>(DefaultPreemptionArgs{}, handle));
  }
  const auto* a = std::get_if<DefaultPreemptionArgs>(&args);
  if (a == nullptr) {
    return base::unexpected(
        fmt::format("want args to be of type DefaultPreemptionArgs, got *config.{}", plugin_args_type_name(args)));
  }
  // Upstream ValidateDefaultPreemptionArgs.
  std::vector<std::string> errs;
  if (a->min_candidate_nodes_percentage < 0 || a->min_candidate_nodes_percentage > 100) {
    errs.push_back(fmt::format("minCandidateNodesPercentage: Invalid value: {}: not in valid range [0, 100]",
                               a->min_candidate_nodes_percentage));
  }
  if (a->min_candidate_nodes_absolute < 0) {
    errs.push_back(fmt::format("minCandidateNodesAbsolute: Invalid value: {}: not in valid range [0, inf)",
                               a->min_candidate_nodes_absolute));
  }
  if (a->min_candidate_nodes_percentage == 0 && a->min_candidate_nodes_absolute == 0) {
    errs.emplace_back(
        "minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute");
    errs.emplace_back(
        "minCandidateNodesAbsolute: Invalid value: 0: cannot be zero at the same time as minCandidateNodesPercentage");
  }
  if (!errs.empty()) {
    return base::unexpected(errs.size() == 1 ? errs.front() : fmt::format("[{}]", fmt::join(errs, ", ")));
  }
  return std::unique_ptr<Plugin>(std::make_unique<DefaultPreemption>(*a, handle));
}

std::int32_t DefaultPreemption::num_candidates(std::int32_t num_nodes) const {
  std::int32_t n =
      static_cast<std::int32_t>(static_cast<std::int64_t>(num_nodes) * args_.min_candidate_nodes_percentage / 100);
  n = std::max(n, args_.min_candidate_nodes_absolute);
  return std::min(n, num_nodes);
}

bool DefaultPreemption::more_important(const api::Pod& a, const api::Pod& b) {
  if (a.priority() != b.priority()) {
    return a.priority() > b.priority();
  }
  return start_time_of(a) < start_time_of(b);
}

bool DefaultPreemption::is_eligible(const api::Pod& pod, const Status* nominated_status, std::string& message) const {
  if (pod.spec.preemption_policy == api::PreemptionPolicy::Never) {
    message = kNeverMessage;
    return false;
  }
  const std::string& nominated = pod.status.nominated_node_name;
  if (nominated.empty()) {
    return true;
  }
  // A nominated node the filters now rule out for good may be given up: preempt again.
  if (nominated_status != nullptr && nominated_status->code() == Code::UnschedulableAndUnresolvable) {
    return true;
  }
  if (const NodeInfo* node = handle_->snapshot().find(nominated)) {
    for (const PodInfo& p : node->pods) {
      if (p.get().priority() < pod.priority() && is_terminating_by_preemption(p.get())) {
        message = kTerminatingMessage;
        return false;
      }
    }
  }
  return true;
}

std::pair<std::vector<PodInfo>, std::vector<PodInfo>>
DefaultPreemption::split_by_pdb_violation(const std::vector<PodInfo>& pods, const ClusterObjects& objects) {
  std::vector<const api::PodDisruptionBudget*> pdbs;
  std::vector<std::int32_t> allowed;
  for (const auto& [key, pdb] : objects.pdbs) {
    pdbs.push_back(pdb.get());
    allowed.push_back(pdb->status.disruptions_allowed);
  }
  std::pair<std::vector<PodInfo>, std::vector<PodInfo>> out;
  for (const PodInfo& pi : pods) {
    const api::Pod& pod = pi.get();
    bool violated = false;
    // A pod without labels matches no PDB.
    if (!pod.metadata.labels.empty()) {
      for (std::size_t i = 0; i < pdbs.size(); ++i) {
        const api::PodDisruptionBudget& pdb = *pdbs[i];
        if (pdb.metadata.namespace_ != pod.metadata.namespace_) {
          continue;
        }
        // In preemption a missing or empty selector matches nothing.
        if (!pdb.spec.selector || pdb.spec.selector->empty() || !pdb.spec.selector->matches(pod.metadata.labels)) {
          continue;
        }
        // Already counted by the API server (an eviction or preemption in flight): do not count twice.
        const auto& disrupted = pdb.status.disrupted_pods;
        if (std::find(disrupted.begin(), disrupted.end(), pod.metadata.name) != disrupted.end()) {
          continue;
        }
        if (--allowed[i] < 0) {
          violated = true;
        }
      }
    }
    (violated ? out.first : out.second).push_back(pi);
  }
  return out;
}

Status DefaultPreemption::select_victims_on_node(CycleState& state, const PodInfo& pod, NodeInfo& node,
                                                 Victims& victims) {
  victims = {};
  // Every change to the node is reported to the PreFilter extensions, so that PodTopologySpread and
  // InterPodAffinity count (or stop counting) the pod in `state`, the clone for this node.
  auto remove_pod = [&](const PodInfo& p) {
    node.remove_pod(p.get().metadata.uid);
    return handle_->run_pre_filter_extension_remove_pod(state, pod, p, node);
  };
  auto add_pod = [&](const PodInfo& p) {
    node.add_pod(p);
    return handle_->run_pre_filter_extension_add_pod(state, pod, p, node);
  };
  std::vector<PodInfo> potential;
  for (const PodInfo& p : node.pods) {
    if (p.get().priority() < pod.get().priority()) {
      potential.push_back(p);
    }
  }
  for (const PodInfo& p : potential) {
    if (Status s = remove_pod(p); !s.is_success()) {
      return s;
    }
  }
  if (potential.empty()) {
    return {Code::UnschedulableAndUnresolvable, std::string(kNoVictimsReason)};
  }
  // Upstream does not try to satisfy pod affinity to victims: if the pod does not fit with every
  // lower-priority pod gone, the node is not a candidate.
  if (Status s = handle_->run_filter_with_nominated(state, pod, node); !s.is_success()) {
    return s;
  }
  // sort.Slice upstream is not stable; a stable sort keeps equal pods in node order.
  std::stable_sort(potential.begin(), potential.end(),
                   [](const PodInfo& a, const PodInfo& b) { return more_important(a.get(), b.get()); });
  auto [violating, non_violating] = split_by_pdb_violation(potential, handle_->objects());
  // Puts `p` back; it stays a victim if the pod no longer fits. Error statuses end the dry run.
  auto reprieve = [&](const PodInfo& p, bool& fits) {
    if (Status s = add_pod(p); !s.is_success()) {
      return s;
    }
    fits = handle_->run_filter_with_nominated(state, pod, node).is_success();
    if (!fits) {
      if (Status s = remove_pod(p); !s.is_success()) {
        return s;
      }
      victims.pods.push_back(p.pod);
    }
    return Status::success();
  };
  for (const PodInfo& p : violating) {
    bool fits = false;
    if (Status s = reprieve(p, fits); !s.is_success()) {
      return s;
    }
    if (!fits) {
      ++victims.num_pdb_violations;
    }
  }
  for (const PodInfo& p : non_violating) {
    bool fits = false;
    if (Status s = reprieve(p, fits); !s.is_success()) {
      return s;
    }
  }
  if (!violating.empty() && !non_violating.empty()) {
    std::stable_sort(victims.pods.begin(), victims.pods.end(),
                     [](const auto& a, const auto& b) { return more_important(*a, *b); });
  }
  return Status::success();
}

std::size_t DefaultPreemption::pick_one_node(std::span<const Candidate> candidates) {
  using ScoreFn = std::int64_t (*)(const Victims&);
  static constexpr std::array<ScoreFn, 5> kScores = {
      // (a) fewest PDB violations
      [](const Victims& v) -> std::int64_t { return -v.num_pdb_violations; },
      // (b) lowest highest-priority victim (victims are sorted most important first)
      [](const Victims& v) -> std::int64_t { return -static_cast<std::int64_t>(v.pods.front()->priority()); },
      // (c) smallest sum of priorities, each shifted by 2^31 so that negative priorities count
      [](const Victims& v) -> std::int64_t {
        std::int64_t sum = 0;
        for (const auto& p : v.pods) {
          sum += static_cast<std::int64_t>(p->priority()) + (std::int64_t{1} << 31);
        }
        return -sum;
      },
      // (d) fewest victims
      [](const Victims& v) -> std::int64_t { return -static_cast<std::int64_t>(v.pods.size()); },
      // (e) latest earliest-start among the highest-priority victims
      [](const Victims& v) -> std::int64_t { return earliest_start_of_top_victims(v).nanos(); },
  };
  std::vector<std::size_t> remaining(candidates.size());
  for (std::size_t i = 0; i < remaining.size(); ++i) {
    remaining[i] = i;
  }
  for (ScoreFn f : kScores) {
    std::vector<std::size_t> best;
    std::int64_t max = std::numeric_limits<std::int64_t>::min();
    for (std::size_t i : remaining) {
      std::int64_t s = f(candidates[i].victims);
      if (s > max) {
        max = s;
        best.clear();
      }
      if (s == max) {
        best.push_back(i);
      }
    }
    if (best.size() == 1) {
      return best.front();
    }
    remaining = std::move(best);
  }
  // (f) upstream takes the first of a Go map's keys; the first in dry-run order is as good a pick.
  return remaining.front();
}

Status DefaultPreemption::post_filter(CycleState& state, const PodInfo& pod, std::span<const NodeStatus> statuses,
                                      PostFilterResult& result) {
  auto fail = [&](Code code, std::string msg) {
    result.message = "preemption: " + msg;
    return Status(code, result.message);
  };
  const api::Pod& p = pod.get();
  std::unordered_map<std::string_view, const Status*> status_of;  // lookup only
  for (const NodeStatus& ns : statuses) {
    status_of[ns.node->name()] = &ns.status;
  }
  auto find_status = [&](std::string_view node) -> const Status* {
    auto it = status_of.find(node);
    return it == status_of.end() ? nullptr : it->second;
  };

  // 1) Eligibility.
  std::string why;
  if (!is_eligible(p, find_status(p.status.nominated_node_name), why)) {
    return fail(Code::Unschedulable, why);
  }

  // 2) Potential nodes (nodesWherePreemptionMightHelp). A node with no recorded status counts as
  // potential, as with v1.28's NodeToStatusMap.
  const Snapshot& snap = handle_->snapshot();
  std::vector<const NodeInfo*> potential;
  for (const NodeInfo* n : snap.nodes()) {
    const Status* s = find_status(n->name());
    if (s == nullptr || s->code() != Code::UnschedulableAndUnresolvable) {
      potential.push_back(n);
    }
  }
  if (snap.size() == 0) {
    return fail(Code::Error, "no nodes available");
  }
  if (potential.empty()) {
    handle_->clear_nominated_node(p);
    Status not_helpful(Code::UnschedulableAndUnresolvable, std::string(kNotHelpfulReason));
    return fail(Code::Unschedulable, fit_error(snap.size(), std::vector<const Status*>(snap.size(), &not_helpful)));
  }

  // 3) Dry run from a random offset.
  const auto num_potential = static_cast<std::int32_t>(potential.size());
  const auto offset = static_cast<std::size_t>(handle_->rng().uniform_below(potential.size()));
  const std::int32_t wanted = num_candidates(num_potential);
  std::vector<Candidate> non_violating;
  std::vector<Candidate> violating;
  std::vector<Status> failed;
  std::string first_error;
  for (std::size_t i = 0; i < potential.size(); ++i) {
    // Each node gets its own copy and its own clone of the state (upstream state.Clone() per node).
    NodeInfo copy = *potential[(offset + i) % potential.size()];
    CycleState state_copy = state.clone();
    Victims v;
    Status s = select_victims_on_node(state_copy, pod, copy, v);
    if (s.is_success() && !v.pods.empty()) {
      (v.num_pdb_violations == 0 ? non_violating : violating).push_back(Candidate{copy.name(), std::move(v)});
      if (!non_violating.empty() && static_cast<std::int32_t>(non_violating.size() + violating.size()) >= wanted) {
        break;
      }
      continue;
    }
    if (s.is_success()) {
      s = Status(Code::Error, fmt::format("expected at least one victim pod on node \"{}\"", copy.name()));
    }
    if (s.code() == Code::Error && first_error.empty()) {
      first_error = s.reasons().empty() ? std::string("error") : s.reasons().front();
    }
    failed.push_back(std::move(s));
  }
  std::vector<Candidate> candidates = std::move(non_violating);
  for (Candidate& c : violating) {
    candidates.push_back(std::move(c));
  }
  if (candidates.empty()) {
    if (!first_error.empty()) {
      return fail(Code::Error, first_error);
    }
    handle_->clear_nominated_node(p);
    std::vector<const Status*> ptrs;
    ptrs.reserve(failed.size());
    for (const Status& s : failed) {
      ptrs.push_back(&s);
    }
    return fail(Code::Unschedulable, fit_error(failed.size(), ptrs));
  }

  // 4) Best candidate; 5) evict its victims and nominate its node.
  const Candidate& best = candidates[candidates.size() == 1 ? 0 : pick_one_node(candidates)];
  handle_->preempt(p, best.node, best.victims.pods);
  result.nominated_node = best.node;
  return Status::success();
}

}  // namespace kubesim::scheduler
