#include "kubesim/scheduler/plugins/pod_topology_spread.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <unordered_map>

namespace kubesim::scheduler {
namespace {

using api::NodeInclusionPolicy;
using api::UnsatisfiableConstraintAction;

// Transparent hashing: Filter and Score look domains up by the node's label (a string_view into the
// node object) without building a std::string per node.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using DomainCounts = std::unordered_map<std::string, std::int64_t, StringHash, std::equal_to<>>;

// upstream topologySpreadConstraint: the API constraint with its selector resolved and defaults applied.
struct Constraint {
  std::int32_t max_skew = 1;
  std::string topology_key;
  std::optional<api::LabelSelector> selector;  // nullopt matches nothing
  std::int32_t min_domains = 1;
  NodeInclusionPolicy node_affinity_policy = NodeInclusionPolicy::Honor;
  NodeInclusionPolicy node_taints_policy = NodeInclusionPolicy::Ignore;
  bool is_hostname = false;

  [[nodiscard]] bool matches(const api::StringMap& labels) const { return selector && selector->matches(labels); }
};

// upstream criticalPaths: the two domains with the fewest matching pods, as PreFilter found them and
// as AddPod/RemovePod then update them. paths[0].match_num is the minimum after PreFilter and after
// any removal; after additions it may exceed the true minimum (upstream's CAVEAT: the structure
// assumes few changes per clone), and kubesim keeps that behaviour.
struct CriticalPaths {
  struct Path {
    std::string value;
    std::int64_t match_num = std::numeric_limits<std::int32_t>::max();
  };
  std::array<Path, 2> paths;

  // criticalPaths.update, verbatim.
  void update(std::string_view value, std::int64_t num) {
    int i = -1;
    if (value == paths[0].value) {
      i = 0;
    } else if (value == paths[1].value) {
      i = 1;
    }
    if (i >= 0) {
      paths[static_cast<std::size_t>(i)].match_num = num;
      if (paths[0].match_num > paths[1].match_num) {
        std::swap(paths[0], paths[1]);
      }
    } else if (num < paths[0].match_num) {
      paths[1] = paths[0];
      paths[0] = Path{std::string(value), num};
    } else if (num < paths[1].match_num) {
      paths[1] = Path{std::string(value), num};
    }
  }
};

struct PreFilterState final : StateData {
  std::vector<Constraint> constraints;
  std::vector<DomainCounts> counts;           // per constraint: domain value → matching pods
  std::vector<CriticalPaths> critical_paths;  // per constraint
  std::vector<std::int64_t> self_match;       // per constraint: 1 if the incoming pod matches the selector

  [[nodiscard]] std::unique_ptr<StateData> clone() const override { return std::make_unique<PreFilterState>(*this); }

  // minMatchNum: the global minimum, or 0 when there are fewer domains than minDomains.
  [[nodiscard]] std::int64_t min_match_num(std::size_t i) const {
    if (counts[i].size() < static_cast<std::size_t>(std::max(constraints[i].min_domains, 0))) {
      return 0;
    }
    return critical_paths[i].paths[0].match_num;
  }
};

struct PreScoreState final : StateData {
  std::vector<Constraint> constraints;
  bool require_all_topologies = false;
  std::vector<DomainCounts> counts;  // per non-hostname constraint: domains of the feasible nodes
  std::vector<double> weights;
  std::vector<std::uint8_t> ignored;  // by position in PreScore's node list
};

const std::string* label(const api::Node& node, std::string_view key) { return node.metadata.labels.find(key); }

bool has_all_keys(const api::Node& node, const std::vector<Constraint>& constraints) {
  return std::all_of(constraints.begin(), constraints.end(),
                     [&](const Constraint& c) { return label(node, c.topology_key) != nullptr; });
}

// nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): nodeSelector AND required node affinity.
bool matches_required_node_affinity(const api::Pod& pod, const api::Node& node) {
  if (!node.metadata.labels.contains_all(pod.spec.node_selector)) {
    return false;
  }
  const auto& affinity = pod.spec.affinity;
  if (affinity && affinity->node_affinity && affinity->node_affinity->required) {
    return affinity->node_affinity->required->matches(node.metadata.labels, node.metadata.name);
  }
  return true;
}

// FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc: NoSchedule and NoExecute taints.
bool tolerates_do_not_schedule_taints(const api::Pod& pod, const api::Node& node) {
  for (const api::Taint& t : node.spec.taints) {
    if ((t.effect == api::TaintEffect::NoSchedule || t.effect == api::TaintEffect::NoExecute) &&
        !api::tolerates_taint(pod.spec.tolerations, t)) {
      return false;
    }
  }
  return true;
}

// Evaluates matchNodeInclusionPolicies lazily: the affinity and taint checks run at most once per node.
class InclusionCheck {
 public:
  InclusionCheck(const api::Pod& pod, const api::Node& node) : pod_(pod), node_(node) {}
  bool passes(const Constraint& c) {
    if (c.node_affinity_policy == NodeInclusionPolicy::Honor && !affinity()) {
      return false;
    }
    return c.node_taints_policy != NodeInclusionPolicy::Honor || taints();
  }

 private:
  bool affinity() {
    if (affinity_ < 0) {
      affinity_ = matches_required_node_affinity(pod_, node_) ? 1 : 0;
    }
    return affinity_ == 1;
  }
  bool taints() {
    if (taints_ < 0) {
      taints_ = tolerates_do_not_schedule_taints(pod_, node_) ? 1 : 0;
    }
    return taints_ == 1;
  }
  const api::Pod& pod_;
  const api::Node& node_;
  int affinity_ = -1;
  int taints_ = -1;
};

// countPodsMatchSelector: same namespace, not terminating (#87621), selector match.
std::int64_t count_matching(const std::vector<PodInfo>& pods, const Constraint& c, const std::string& ns) {
  if (!c.selector) {
    return 0;
  }
  std::int64_t n = 0;
  for (const PodInfo& p : pods) {
    const api::Pod& pod = p.get();
    if (!pod.is_terminating() && pod.metadata.namespace_ == ns && c.selector->matches(pod.metadata.labels)) {
      ++n;
    }
  }
  return n;
}

// filterTopologySpreadConstraints: the constraints with `action`, defaults applied and matchLabelKeys
// merged (the incoming pod's values ANDed in; keys it lacks are ignored; a missing selector stays
// missing, as upstream mergeLabelSetWithSelector keeps labels.Nothing()).
std::vector<Constraint> filter_constraints(const std::vector<api::TopologySpreadConstraint>& in,
                                           const api::StringMap& pod_labels, UnsatisfiableConstraintAction action) {
  std::vector<Constraint> out;
  for (const api::TopologySpreadConstraint& c : in) {
    if (c.when_unsatisfiable != action) {
      continue;
    }
    Constraint tsc;
    tsc.max_skew = c.max_skew;
    tsc.topology_key = c.topology_key;
    tsc.selector = c.label_selector;
    if (tsc.selector) {
      for (const std::string& key : c.match_label_keys) {
        if (const std::string* v = pod_labels.find(key)) {
          tsc.selector->match_expressions.push_back({key, api::SelectorOperator::In, {*v}});
        }
      }
    }
    tsc.min_domains = c.min_domains.value_or(1);
    tsc.node_affinity_policy = c.node_affinity_policy.value_or(NodeInclusionPolicy::Honor);
    tsc.node_taints_policy = c.node_taints_policy.value_or(NodeInclusionPolicy::Ignore);
    tsc.is_hostname = c.topology_key == api::kLabelHostname;
    out.push_back(std::move(tsc));
  }
  return out;
}

// Upstream validation.ValidateLabelName / IsQualifiedName: [prefix/]name, name ≤ 63 characters of
// [A-Za-z0-9._-] starting and ending alphanumeric, prefix a DNS subdomain ≤ 253.
bool is_qualified_name(std::string_view v) {
  auto alnum = [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'); };
  std::string_view name = v;
  if (auto slash = v.find('/'); slash != std::string_view::npos) {
    std::string_view prefix = v.substr(0, slash);
    name = v.substr(slash + 1);
    if (prefix.empty() || prefix.size() > 253 || !alnum(prefix.front()) || !alnum(prefix.back())) {
      return false;
    }
    for (char ch : prefix) {
      if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.')) {
        return false;
      }
    }
  }
  if (name.empty() || name.size() > 63 || !alnum(name.front()) || !alnum(name.back())) {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [&](char ch) { return alnum(ch) || ch == '-' || ch == '_' || ch == '.'; });
}

std::string_view action_name(UnsatisfiableConstraintAction a) {
  return a == UnsatisfiableConstraintAction::DoNotSchedule ? "DoNotSchedule" : "ScheduleAnyway";
}

}  // namespace

const std::vector<api::TopologySpreadConstraint>& PodTopologySpread::system_default_constraints() {
  static const std::vector<api::TopologySpreadConstraint> kConstraints = [] {
    std::vector<api::TopologySpreadConstraint> v(2);
    v[0].max_skew = 3;
    v[0].topology_key = std::string(api::kLabelHostname);
    v[0].when_unsatisfiable = UnsatisfiableConstraintAction::ScheduleAnyway;
    v[1].max_skew = 5;
    v[1].topology_key = std::string(api::kLabelZone);
    v[1].when_unsatisfiable = UnsatisfiableConstraintAction::ScheduleAnyway;
    return v;
  }();
  return kConstraints;
}

std::optional<std::string> PodTopologySpread::validate(const PodTopologySpreadArgs& args) {
  std::vector<std::string> errs;
  if (args.defaulting_type == PodTopologySpreadDefaulting::System && !args.default_constraints.empty()) {
    errs.emplace_back("defaultingType: Invalid value: \"System\": when .defaultConstraints are not empty");
  }
  const auto& cs = args.default_constraints;
  for (std::size_t i = 0; i < cs.size(); ++i) {
    const api::TopologySpreadConstraint& c = cs[i];
    if (c.max_skew <= 0) {
      errs.push_back(
          fmt::format("defaultConstraints[{}].maxSkew: Invalid value: {}: not in valid range (0, inf)", i, c.max_skew));
    }
    if (c.topology_key.empty()) {
      errs.push_back(fmt::format("defaultConstraints[{}].topologyKey: Required value: can not be empty", i));
    } else if (!is_qualified_name(c.topology_key)) {
      errs.push_back(fmt::format("defaultConstraints[{}].topologyKey: Invalid value: \"{}\": name part must consist "
                                 "of alphanumeric characters, '-', '_' or '.'",
                                 i, c.topology_key));
    }
    if (c.label_selector) {
      errs.push_back(fmt::format("defaultConstraints[{}].labelSelector: Forbidden: constraint must not define a "
                                 "selector, as they deduced for each pod",
                                 i));
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (cs[j].topology_key == c.topology_key && cs[j].when_unsatisfiable == c.when_unsatisfiable) {
        errs.push_back(fmt::format("defaultConstraints[{}]: Duplicate value: \"{{{}, {}}}\"", i, c.topology_key,
                                   action_name(c.when_unsatisfiable)));
        break;
      }
    }
  }
  if (errs.empty()) {
    return std::nullopt;
  }
  if (errs.size() == 1) {
    return errs.front();
  }
  return fmt::format("[{}]", fmt::join(errs, ", "));
}

base::Expected<std::unique_ptr<Plugin>, std::string> PodTopologySpread::create(const PluginArgs& args,
                                                                               FrameworkHandle& handle) {
  if (!std::holds_alternative<std::monostate>(args) && !std::holds_alternative<PodTopologySpreadArgs>(args)) {
    return base::unexpected(std::string("want args to be of type PodTopologySpreadArgs"));
  }
  PodTopologySpreadArgs a = args_or_default<PodTopologySpreadArgs>(args);
  if (auto err = validate(a)) {
    return base::unexpected(std::move(*err));
  }
  return std::unique_ptr<Plugin>(std::make_unique<PodTopologySpread>(a, handle));
}

PodTopologySpread::PodTopologySpread(const PodTopologySpreadArgs& args, FrameworkHandle& handle)
    : handle_(handle), system_defaulted_(args.defaulting_type == PodTopologySpreadDefaulting::System) {
  default_constraints_ = system_defaulted_ ? system_default_constraints() : args.default_constraints;
}

std::optional<api::LabelSelector> PodTopologySpread::default_selector(const api::Pod& pod,
                                                                      const ClusterObjects& objects) {
  const std::string& ns = pod.metadata.namespace_;
  api::LabelSelector sel;
  // Keys are "namespace/name": the pod's namespace is the range ["ns/", "ns0") ('0' follows '/').
  for (auto it = objects.services.lower_bound(ns + "/"); it != objects.services.end() && it->first < ns + "0"; ++it) {
    const api::Service& svc = *it->second;
    // An empty selector selects nothing (endpoints managed by hand), as upstream's nil selector.
    if (svc.metadata.namespace_ != ns || svc.spec.selector.empty() ||
        !pod.metadata.labels.contains_all(svc.spec.selector)) {
      continue;
    }
    for (const auto& [k, v] : svc.spec.selector) {
      sel.match_labels.set(k, v);
    }
  }
  if (const api::OwnerReference* owner = pod.metadata.controller_ref();
      owner != nullptr && owner->kind == "ReplicaSet" && owner->api_version == "apps/v1") {
    auto it = objects.replica_sets.find(ns + "/" + owner->name);
    if (it != objects.replica_sets.end()) {
      const api::LabelSelector& rs = it->second->spec.selector;
      for (const auto& [k, v] : rs.match_labels) {
        sel.match_expressions.push_back({k, api::SelectorOperator::In, {v}});
      }
      sel.match_expressions.insert(sel.match_expressions.end(), rs.match_expressions.begin(),
                                   rs.match_expressions.end());
    }
  }
  if (sel.empty()) {
    return std::nullopt;
  }
  return sel;
}

namespace {

// getConstraints / buildDefaultConstraints for one action.
std::vector<Constraint> constraints_for(const api::Pod& pod, UnsatisfiableConstraintAction action,
                                        const std::vector<api::TopologySpreadConstraint>& defaults,
                                        const ClusterObjects& objects) {
  if (!pod.spec.topology_spread_constraints.empty()) {
    return filter_constraints(pod.spec.topology_spread_constraints, pod.metadata.labels, action);
  }
  std::vector<Constraint> cs = filter_constraints(defaults, pod.metadata.labels, action);
  if (cs.empty()) {
    return cs;
  }
  std::optional<api::LabelSelector> sel = PodTopologySpread::default_selector(pod, objects);
  if (!sel) {
    return {};
  }
  for (Constraint& c : cs) {
    c.selector = *sel;
  }
  return cs;
}

}  // namespace

Status PodTopologySpread::pre_filter(CycleState& state, const PodInfo& pod_info) {
  const api::Pod& pod = pod_info.get();
  auto s = std::make_unique<PreFilterState>();
  s->constraints =
      constraints_for(pod, UnsatisfiableConstraintAction::DoNotSchedule, default_constraints_, handle_.objects());
  if (s->constraints.empty()) {
    return Status(Code::Skip, std::vector<std::string>{});
  }
  const std::size_t nc = s->constraints.size();
  s->counts.resize(nc);
  const std::span<NodeInfo* const> nodes = handle_.snapshot().nodes();
  for (std::size_t i = 0; i < nc; ++i) {
    if (s->constraints[i].is_hostname) {
      s->counts[i].reserve(nodes.size());
    }
  }
  for (const NodeInfo* n : nodes) {
    const api::Node& node = *n->node;
    if (!has_all_keys(node, s->constraints)) {
      continue;
    }
    InclusionCheck inclusion(pod, node);
    for (std::size_t i = 0; i < nc; ++i) {
      const Constraint& c = s->constraints[i];
      if (!inclusion.passes(c)) {
        continue;
      }
      const std::string& value = *label(node, c.topology_key);
      const std::int64_t count = count_matching(n->pods, c, pod.metadata.namespace_);
      auto it = s->counts[i].find(std::string_view(value));
      if (it == s->counts[i].end()) {
        s->counts[i].emplace(value, count);
      } else {
        it->second += count;
      }
    }
  }
  s->critical_paths.resize(nc);
  s->self_match.resize(nc);
  for (std::size_t i = 0; i < nc; ++i) {
    // Upstream feeds every domain to criticalPaths.update in Go map order, which keeps the two
    // smallest counts, ties going to the domain seen first. Taking the two smallest (count, value)
    // pairs is the outcome of one such order and does not depend on the hash map's order.
    const std::pair<const std::string, std::int64_t>* first = nullptr;
    const std::pair<const std::string, std::int64_t>* second = nullptr;
    auto less = [](const auto* a, const auto* b) {
      return b == nullptr || a->second < b->second || (a->second == b->second && a->first < b->first);
    };
    for (const auto& entry : s->counts[i]) {
      if (less(&entry, first)) {
        second = first;
        first = &entry;
      } else if (less(&entry, second)) {
        second = &entry;
      }
    }
    for (const auto* e : {first, second}) {
      if (e != nullptr) {
        s->critical_paths[i].update(e->first, e->second);
      }
    }
    s->self_match[i] = s->constraints[i].matches(pod.metadata.labels) ? 1 : 0;
  }
  state.write(kPreFilterStateKey, std::move(s));
  return Status::success();
}

Status PodTopologySpread::filter(const CycleState& state, const PodInfo& /*pod*/, const NodeInfo& node_info) {
  const auto* s = state.read<PreFilterState>(kPreFilterStateKey);
  if (s == nullptr) {
    return Status(Code::Error, fmt::format("reading \"{}\" from cycleState: not found", kPreFilterStateKey));
  }
  const api::Node& node = *node_info.node;
  for (std::size_t i = 0; i < s->constraints.size(); ++i) {
    const Constraint& c = s->constraints[i];
    const std::string* value = label(node, c.topology_key);
    if (value == nullptr) {
      return Status(Code::UnschedulableAndUnresolvable, std::string(kErrReasonNodeLabelNotMatch));
    }
    auto it = s->counts[i].find(std::string_view(*value));
    const std::int64_t match_num = it == s->counts[i].end() ? 0 : it->second;
    if (match_num + s->self_match[i] - s->min_match_num(i) > c.max_skew) {
      return Status(Code::Unschedulable, std::string(kErrReasonConstraintsNotMatch));
    }
  }
  return Status::success();
}

std::optional<std::int64_t> PodTopologySpread::pre_filter_match_num(const CycleState& state, std::size_t i,
                                                                    std::string_view value) {
  const auto* s = state.read<PreFilterState>(kPreFilterStateKey);
  if (s == nullptr || i >= s->counts.size()) {
    return std::nullopt;
  }
  auto it = s->counts[i].find(value);
  return it == s->counts[i].end() ? std::nullopt : std::optional<std::int64_t>(it->second);
}

std::optional<std::int64_t> PodTopologySpread::pre_filter_min_match_num(const CycleState& state, std::size_t i) {
  const auto* s = state.read<PreFilterState>(kPreFilterStateKey);
  if (s == nullptr || i >= s->counts.size()) {
    return std::nullopt;
  }
  return s->min_match_num(i);
}

Status PodTopologySpread::add_pod(CycleState& state, const PodInfo& pod, const PodInfo& pod_to_add,
                                  const NodeInfo& node) {
  return update_with_pod(state, pod, pod_to_add, node, 1);
}

Status PodTopologySpread::remove_pod(CycleState& state, const PodInfo& pod, const PodInfo& pod_to_remove,
                                     const NodeInfo& node) {
  return update_with_pod(state, pod, pod_to_remove, node, -1);
}

Status PodTopologySpread::update_with_pod(CycleState& state, const PodInfo& preemptor, const PodInfo& updated,
                                          const NodeInfo& node_info, std::int64_t delta) {
  auto* s = state.read<PreFilterState>(kPreFilterStateKey);
  if (s == nullptr) {
    return Status(Code::Error, fmt::format("reading \"{}\" from cycleState: not found", kPreFilterStateKey));
  }
  const api::Pod& pod = preemptor.get();
  const api::Pod& updated_pod = updated.get();
  if (updated_pod.metadata.namespace_ != pod.metadata.namespace_ || node_info.node == nullptr) {
    return Status::success();
  }
  const api::Node& node = *node_info.node;
  if (!has_all_keys(node, s->constraints)) {
    return Status::success();
  }
  // As upstream updateWithPod, a terminating pod is not skipped here, although countPodsMatchSelector
  // did not count it in PreFilter.
  InclusionCheck inclusion(pod, node);
  for (std::size_t i = 0; i < s->constraints.size(); ++i) {
    const Constraint& c = s->constraints[i];
    if (!c.matches(updated_pod.metadata.labels) || !inclusion.passes(c)) {
      continue;
    }
    const std::string& value = *label(node, c.topology_key);
    auto it = s->counts[i].find(std::string_view(value));
    if (it == s->counts[i].end()) {
      it = s->counts[i].emplace(value, 0).first;
    }
    it->second += delta;
    s->critical_paths[i].update(value, it->second);
  }
  return Status::success();
}

Status PodTopologySpread::pre_score(CycleState& state, const PodInfo& pod_info,
                                    std::span<const NodeInfo* const> nodes) {
  const api::Pod& pod = pod_info.get();
  const std::span<NodeInfo* const> all_nodes = handle_.snapshot().nodes();
  if (all_nodes.empty()) {
    return Status(Code::Skip, std::vector<std::string>{});
  }
  auto s = std::make_unique<PreScoreState>();
  s->constraints =
      constraints_for(pod, UnsatisfiableConstraintAction::ScheduleAnyway, default_constraints_, handle_.objects());
  if (s->constraints.empty()) {
    return Status(Code::Skip, std::vector<std::string>{});
  }
  // Only non-system-default rules require every topology key, so that nodes without a zone label
  // still get hostname spreading.
  s->require_all_topologies = !pod.spec.topology_spread_constraints.empty() || !system_defaulted_;
  const std::size_t nc = s->constraints.size();
  s->counts.resize(nc);
  s->ignored.assign(nodes.size(), 0);
  std::vector<std::int64_t> topo_size(nc, 0);
  std::int64_t ignored_count = 0;
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    const api::Node& node = *nodes[k]->node;
    if (s->require_all_topologies && !has_all_keys(node, s->constraints)) {
      s->ignored[k] = 1;
      ++ignored_count;
      continue;
    }
    for (std::size_t i = 0; i < nc; ++i) {
      if (s->constraints[i].is_hostname) {
        continue;  // per-node counts are taken in Score
      }
      const std::string* v = label(node, s->constraints[i].topology_key);
      // A missing key reads as "" (Go's map zero value), as upstream.
      if (s->counts[i].emplace(v != nullptr ? *v : std::string(), 0).second) {
        ++topo_size[i];
      }
    }
  }
  s->weights.resize(nc);
  for (std::size_t i = 0; i < nc; ++i) {
    std::int64_t size =
        s->constraints[i].is_hostname ? static_cast<std::int64_t>(nodes.size()) - ignored_count : topo_size[i];
    s->weights[i] = std::log(static_cast<double>(size + 2));
  }
  for (const NodeInfo* n : all_nodes) {
    const api::Node& node = *n->node;
    if (s->require_all_topologies && !has_all_keys(node, s->constraints)) {
      continue;
    }
    InclusionCheck inclusion(pod, node);
    for (std::size_t i = 0; i < nc; ++i) {
      const Constraint& c = s->constraints[i];
      if (c.is_hostname || !inclusion.passes(c)) {
        continue;
      }
      const std::string* v = label(node, c.topology_key);
      auto it = s->counts[i].find(v != nullptr ? std::string_view(*v) : std::string_view());
      if (it == s->counts[i].end()) {
        continue;  // no feasible node in this domain
      }
      it->second += count_matching(n->pods, c, pod.metadata.namespace_);
    }
  }
  state.write(kPreScoreStateKey, std::move(s));
  return Status::success();
}

std::int64_t PodTopologySpread::score(const CycleState& state, const PodInfo& pod, const NodeInfo& node_info) {
  const auto* s = state.read<PreScoreState>(kPreScoreStateKey);
  if (s == nullptr) {
    return 0;
  }
  const api::Node& node = *node_info.node;
  if (s->require_all_topologies && !has_all_keys(node, s->constraints)) {
    return 0;  // ignored node
  }
  double score = 0;
  for (std::size_t i = 0; i < s->constraints.size(); ++i) {
    const Constraint& c = s->constraints[i];
    const std::string* v = label(node, c.topology_key);
    if (v == nullptr) {
      continue;
    }
    std::int64_t cnt = 0;
    if (c.is_hostname) {
      cnt = count_matching(node_info.pods, c, pod.get().metadata.namespace_);
    } else if (auto it = s->counts[i].find(std::string_view(*v)); it != s->counts[i].end()) {
      cnt = it->second;
    }
    score += static_cast<double>(cnt) * s->weights[i] + static_cast<double>(c.max_skew - 1);
  }
  return static_cast<std::int64_t>(std::round(score));
}

void PodTopologySpread::normalize_score(const CycleState& state, const PodInfo& /*pod*/,
                                        std::span<std::int64_t> scores) {
  const auto* s = state.read<PreScoreState>(kPreScoreStateKey);
  if (s == nullptr) {
    return;
  }
  auto is_ignored = [&](std::size_t k) { return k < s->ignored.size() && s->ignored[k] != 0; };
  std::int64_t min = std::numeric_limits<std::int64_t>::max();
  std::int64_t max = 0;
  for (std::size_t k = 0; k < scores.size(); ++k) {
    if (!is_ignored(k)) {
      min = std::min(min, scores[k]);
      max = std::max(max, scores[k]);
    }
  }
  for (std::size_t k = 0; k < scores.size(); ++k) {
    if (is_ignored(k)) {
      scores[k] = 0;
    } else if (max == 0) {
      scores[k] = kMaxNodeScore;
    } else {
      scores[k] = kMaxNodeScore * (max + min - scores[k]) / max;
    }
  }
}

}  // namespace kubesim::scheduler
