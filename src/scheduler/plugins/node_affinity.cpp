#include "kubesim/scheduler/plugins/node_affinity.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <iterator>
#include <set>

namespace kubesim::scheduler {
namespace {

constexpr std::string_view kObjectNameField = "metadata.name";
// Upstream's CycleState keys; the state is keyed by name, so PreFilter and PreScore need their own.
constexpr std::string_view kPreFilterStateKey = "PreFilterNodeAffinity";
constexpr std::string_view kPreScoreStateKey = "PreScoreNodeAffinity";

std::string_view operator_name(api::SelectorOperator op) {
  switch (op) {
  case api::SelectorOperator::In:
    return "In";
  case api::SelectorOperator::NotIn:
    return "NotIn";
  case api::SelectorOperator::Exists:
    return "Exists";
  case api::SelectorOperator::DoesNotExist:
    return "DoesNotExist";
  case api::SelectorOperator::Gt:
    return "Gt";
  case api::SelectorOperator::Lt:
    return "Lt";
  }
  return "";
}

struct PreFilterState final : StateData {
  std::optional<std::vector<std::string>> node_names;
};

struct PreScoreState final : StateData {
  std::vector<api::PreferredSchedulingTerm> preferred;
};

bool is_integer(const std::string& s) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Upstream nodeSelectorRequirementsAsSelector / nodeSelectorRequirementsAsFieldSelector checks, with
// field.Error formatting ("<path>: Required value: <detail>").
void validate_requirement(const api::SelectorRequirement& r, const std::string& path, bool is_field,
                          std::vector<std::string>& errs) {
  using Op = api::SelectorOperator;
  if (is_field) {
    if (r.key != kObjectNameField) {
      errs.push_back(
          fmt::format("{}.key: Unsupported value: \"{}\": supported values: \"{}\"", path, r.key, kObjectNameField));
    }
    if (r.op != Op::In && r.op != Op::NotIn) {
      errs.push_back(
          fmt::format("{}.operator: Invalid value: \"{}\": not a valid selector operator", path, operator_name(r.op)));
    }
    if (r.values.size() != 1) {
      errs.push_back(
          fmt::format("{}.values: Invalid value: [\"{}\"]: must have one element", path, fmt::join(r.values, "\",\"")));
    }
    return;
  }
  switch (r.op) {
  case Op::In:
  case Op::NotIn:
    if (r.values.empty()) {
      errs.push_back(
          fmt::format("{}.values: Required value: must be specified when `operator` is 'In' or 'NotIn'", path));
    }
    break;
  case Op::Exists:
  case Op::DoesNotExist:
    if (!r.values.empty()) {
      errs.push_back(fmt::format(
          "{}.values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'", path));
    }
    break;
  case Op::Gt:
  case Op::Lt:
    if (r.values.size() != 1) {
      errs.push_back(fmt::format(
          "{}.values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'", path));
    } else if (!is_integer(r.values.front())) {
      errs.push_back(fmt::format("{}.values[0]: Invalid value: \"{}\": for 'Gt', 'Lt' operators, the value must "
                                 "be an integer",
                                 path, r.values.front()));
    }
    break;
  }
}

void validate_term(const api::NodeSelectorTerm& t, const std::string& path, std::vector<std::string>& errs) {
  for (std::size_t i = 0; i < t.match_expressions.size(); ++i) {
    validate_requirement(t.match_expressions[i], fmt::format("{}.matchExpressions[{}]", path, i), false, errs);
  }
  for (std::size_t i = 0; i < t.match_fields.size(); ++i) {
    validate_requirement(t.match_fields[i], fmt::format("{}.matchFields[{}]", path, i), true, errs);
  }
}

bool is_empty_term(const api::NodeSelectorTerm& t) { return t.match_expressions.empty() && t.match_fields.empty(); }

// Upstream NewPreferredSchedulingTerms drops terms with weight 0 or no requirements.
void append_scoring_terms(const std::vector<api::PreferredSchedulingTerm>& terms,
                          std::vector<api::PreferredSchedulingTerm>& out) {
  for (const api::PreferredSchedulingTerm& t : terms) {
    if (t.weight != 0 && !is_empty_term(t.preference)) {
      out.push_back(t);
    }
  }
}

const api::NodeAffinity* node_affinity_of(const api::Pod& pod) {
  return pod.spec.affinity && pod.spec.affinity->node_affinity ? &*pod.spec.affinity->node_affinity : nullptr;
}

std::int64_t sum_matching(const std::vector<api::PreferredSchedulingTerm>& terms, const api::Node& node) {
  std::int64_t sum = 0;
  for (const api::PreferredSchedulingTerm& t : terms) {
    if (t.preference.matches(node.metadata.labels, node.metadata.name)) {
      sum += t.weight;
    }
  }
  return sum;
}

}  // namespace

std::string NodeAffinity::validate(const NodeAffinityArgs& args) {
  if (!args.added_affinity) {
    return {};
  }
  std::vector<std::string> errs;
  if (const auto& req = args.added_affinity->required) {
    for (std::size_t i = 0; i < req->terms.size(); ++i) {
      validate_term(
          req->terms[i],
          fmt::format("addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[{}]", i), errs);
    }
  }
  const auto& pref = args.added_affinity->preferred;
  for (std::size_t i = 0; i < pref.size(); ++i) {
    if (pref[i].weight == 0 || is_empty_term(pref[i].preference)) {
      continue;  // ignored by upstream, hence not parsed
    }
    validate_term(pref[i].preference,
                  fmt::format("addedAffinity.preferredDuringSchedulingIgnoredDuringExecution[{}].preference", i), errs);
  }
  if (errs.empty()) {
    return {};
  }
  // errors.Flatten(NewAggregate(...)): one message, or "[a, b]".
  return errs.size() == 1 ? errs.front() : fmt::format("[{}]", fmt::join(errs, ", "));
}

base::Expected<std::unique_ptr<Plugin>, std::string> NodeAffinity::create(const PluginArgs& args,
                                                                          FrameworkHandle& /*handle*/) {
  if (std::holds_alternative<std::monostate>(args)) {
    return std::unique_ptr<Plugin>(std::make_unique<NodeAffinity>());
  }
  const auto* a = std::get_if<NodeAffinityArgs>(&args);
  if (a == nullptr) {
    return base::unexpected(
        fmt::format("args are not of type NodeAffinityArgs, got *config.{}", plugin_args_type_name(args)));
  }
  if (std::string err = validate(*a); !err.empty()) {
    return base::unexpected(std::move(err));
  }
  return std::unique_ptr<Plugin>(std::make_unique<NodeAffinity>(*a));
}

NodeAffinity::NodeAffinity(const NodeAffinityArgs& args) {
  if (args.added_affinity) {
    added_node_selector_ = args.added_affinity->required;
    append_scoring_terms(args.added_affinity->preferred, added_pref_terms_);
  }
}

bool NodeAffinity::matches_required(const api::Pod& pod, const api::Node& node) {
  if (!node.metadata.labels.contains_all(pod.spec.node_selector)) {
    return false;
  }
  const api::NodeAffinity* na = node_affinity_of(pod);
  if (na == nullptr || !na->required) {
    return true;
  }
  return na->required->matches(node.metadata.labels, node.metadata.name);
}

Status NodeAffinity::pre_filter(CycleState& state, const PodInfo& pod) {
  const api::NodeAffinity* na = node_affinity_of(pod.get());
  const bool no_node_affinity = na == nullptr || !na->required;
  if (no_node_affinity && !added_node_selector_ && pod.get().spec.node_selector.empty()) {
    return Status(Code::Skip, std::vector<std::string>{});
  }
  auto s = std::make_unique<PreFilterState>();
  auto* raw = s.get();
  state.write(kPreFilterStateKey, std::move(s));
  if (no_node_affinity || na->required->terms.empty()) {
    return Status::success();
  }
  // Affinity to specific nodes by name: the union over (ORed) terms of the intersection of the
  // metadata.name In sets within each (ANDed) term. A term without one makes every node eligible.
  std::optional<std::set<std::string>> names;
  for (const api::NodeSelectorTerm& t : na->required->terms) {
    std::optional<std::set<std::string>> term_names;
    for (const api::SelectorRequirement& r : t.match_fields) {
      if (r.key != kObjectNameField || r.op != api::SelectorOperator::In) {
        continue;
      }
      std::set<std::string> values(r.values.begin(), r.values.end());
      if (!term_names) {
        term_names = std::move(values);
      } else {
        std::set<std::string> both;
        std::set_intersection(term_names->begin(), term_names->end(), values.begin(), values.end(),
                              std::inserter(both, both.end()));
        term_names = std::move(both);
      }
    }
    if (!term_names) {
      return Status::success();
    }
    if (!names) {
      names.emplace();
    }
    names->insert(term_names->begin(), term_names->end());
  }
  if (names && names->empty()) {
    return {Code::UnschedulableAndUnresolvable, std::string(kErrReasonConflict)};
  }
  if (names) {
    raw->node_names = std::vector<std::string>(names->begin(), names->end());
  }
  return Status::success();
}

const std::vector<std::string>* NodeAffinity::pre_filter_node_names(const CycleState& state) {
  const auto* s = state.read<PreFilterState>(kPreFilterStateKey);
  return s != nullptr && s->node_names ? &*s->node_names : nullptr;
}

Status NodeAffinity::filter(const CycleState& /*state*/, const PodInfo& pod, const NodeInfo& node) {
  const api::Node& n = *node.node;
  if (added_node_selector_ && !added_node_selector_->matches(n.metadata.labels, n.metadata.name)) {
    return {Code::UnschedulableAndUnresolvable, std::string(kErrReasonEnforced)};
  }
  if (!matches_required(pod.get(), n)) {
    return {Code::UnschedulableAndUnresolvable, std::string(kErrReasonPod)};
  }
  return Status::success();
}

Status NodeAffinity::pre_score(CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes) {
  if (nodes.empty()) {
    return Status::success();
  }
  const api::NodeAffinity* na = node_affinity_of(pod.get());
  if ((na == nullptr || na->preferred.empty()) && added_pref_terms_.empty()) {
    return Status(Code::Skip, std::vector<std::string>{});
  }
  auto s = std::make_unique<PreScoreState>();
  if (na != nullptr) {
    append_scoring_terms(na->preferred, s->preferred);
  }
  state.write(kPreScoreStateKey, std::move(s));
  return Status::success();
}

std::int64_t NodeAffinity::score(const CycleState& state, const PodInfo& pod, const NodeInfo& node) {
  std::int64_t count = sum_matching(added_pref_terms_, *node.node);
  if (const auto* s = state.read<PreScoreState>(kPreScoreStateKey)) {
    return count + sum_matching(s->preferred, *node.node);
  }
  // PreScore did not run: recompute the pod's terms, as upstream's fallback does.
  if (const api::NodeAffinity* na = node_affinity_of(pod.get())) {
    std::vector<api::PreferredSchedulingTerm> terms;
    append_scoring_terms(na->preferred, terms);
    count += sum_matching(terms, *node.node);
  }
  return count;
}

void NodeAffinity::score_nodes(const CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                               std::span<std::int64_t> scores) {
  const auto* s = state.read<PreScoreState>(kPreScoreStateKey);
  if (s == nullptr) {
    ScorePlugin::score_nodes(state, pod, nodes, scores);  // the fallback recomputes the pod's terms
    return;
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const api::Node& node = *nodes[i]->node;
    scores[i] = sum_matching(added_pref_terms_, node) + sum_matching(s->preferred, node);
  }
}

void NodeAffinity::normalize_score(const CycleState& /*state*/, const PodInfo& /*pod*/,
                                   std::span<std::int64_t> scores) {
  default_normalize_score(kMaxNodeScore, false, scores);
}

}  // namespace kubesim::scheduler
