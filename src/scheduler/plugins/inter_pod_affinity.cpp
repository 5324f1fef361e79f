#include "kubesim/scheduler/plugins/inter_pod_affinity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <unordered_map>
#include <vector>

namespace kubesim::scheduler {
namespace {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// upstream topologyToMatchedTermCount / scoreMap: (topology key, value) → int64. Keys are few (a term's
// topologyKey), so they sit in a vector searched linearly; values hash with transparent lookup, so
// Filter and Score probe with the node's label without building a string.
class TopologyMap {
 public:
  static constexpr std::size_t kNoKey = std::numeric_limits<std::size_t>::max();

  std::size_t add_key(std::string_view key) {
    std::size_t k = find_key(key);
    if (k == kNoKey) {
      k = keys_.size();
      keys_.push_back(Key{std::string(key), {}});
    }
    return k;
  }
  [[nodiscard]] std::size_t find_key(std::string_view key) const {
    for (std::size_t k = 0; k < keys_.size(); ++k) {
      if (keys_[k].name == key) {
        return k;
      }
    }
    return kNoKey;
  }
  void add(std::size_t k, std::string_view value, std::int64_t delta) {
    auto& values = keys_[k].values;
    auto it = values.find(value);
    if (it == values.end()) {
      values.emplace(std::string(value), delta);
      ++entries_;
    } else {
      it->second += delta;
    }
  }
  [[nodiscard]] std::int64_t get(std::size_t k, std::string_view value) const {
    if (k == kNoKey) {
      return 0;
    }
    const auto& values = keys_[k].values;
    auto it = values.find(value);
    return it == values.end() ? 0 : it->second;
  }
  /// Adds `delta` for the node's value of `key`, if the node has that label (upstream scoreMap).
  void update(const api::Node& node, std::string_view key, std::int64_t delta) {
    if (const std::string* v = node.metadata.labels.find(key)) {
      add(add_key(key), *v, delta);
    }
  }
  /// The same, for upstream topologyToMatchedTermCount.update: a pair whose count drops to zero is
  /// deleted, so that empty() means "no pair with a non-zero count" after RemovePod, as Filter's
  /// len(map) checks expect.
  void update_count(const api::Node& node, std::string_view key, std::int64_t delta) {
    const std::string* v = node.metadata.labels.find(key);
    if (v == nullptr) {
      return;
    }
    const std::size_t k = add_key(key);
    add(k, *v, delta);
    auto& values = keys_[k].values;
    if (auto it = values.find(std::string_view(*v)); it != values.end() && it->second == 0) {
      values.erase(it);
      --entries_;
    }
  }
  [[nodiscard]] bool empty() const { return entries_ == 0; }
  [[nodiscard]] std::size_t key_count() const { return keys_.size(); }
  [[nodiscard]] const std::string& key(std::size_t k) const { return keys_[k].name; }

 private:
  struct Key {
    std::string name;
    std::unordered_map<std::string, std::int64_t, StringHash, std::equal_to<>> values;
  };
  std::vector<Key> keys_;
  std::size_t entries_ = 0;
};

bool matches_all(const std::vector<AffinityTerm>& terms, const api::Pod& pod) {
  if (terms.empty()) {
    return false;
  }
  return std::all_of(terms.begin(), terms.end(), [&](const AffinityTerm& t) { return t.matches(pod); });
}

struct PreFilterState final : StateData {
  TopologyMap existing_anti_affinity_counts;
  TopologyMap affinity_counts;
  TopologyMap anti_affinity_counts;

  [[nodiscard]] std::unique_ptr<StateData> clone() const override { return std::make_unique<PreFilterState>(*this); }

  // upstream preFilterState.updateWithPod: `updated` (with its precomputed terms) was added to
  // (multiplier 1) or removed from (−1) `node` while `incoming` is being scheduled.
  void update_with_pod(const PodInfo& incoming, const PodInfo& updated, const api::Node& node,
                       std::int64_t multiplier) {
    for (const AffinityTerm& t : updated.required_anti_affinity_terms) {
      if (t.matches(incoming.get())) {
        existing_anti_affinity_counts.update_count(node, t.topology_key, multiplier);
      }
    }
    if (matches_all(incoming.required_affinity_terms, updated.get())) {
      for (const AffinityTerm& t : incoming.required_affinity_terms) {
        affinity_counts.update_count(node, t.topology_key, multiplier);
      }
    }
    for (const AffinityTerm& t : incoming.required_anti_affinity_terms) {
      if (t.matches(updated.get())) {
        anti_affinity_counts.update_count(node, t.topology_key, multiplier);
      }
    }
  }
};

struct PreScoreState final : StateData {
  TopologyMap topology_score;
};

void process_terms(TopologyMap& m, const std::vector<WeightedAffinityTerm>& terms, const api::Pod& pod,
                   const api::Node& node, std::int32_t multiplier) {
  for (const WeightedAffinityTerm& t : terms) {
    if (t.term.matches(pod)) {
      m.update(node, t.term.topology_key, std::int64_t{t.weight} * multiplier);
    }
  }
}

}  // namespace

std::optional<std::string> InterPodAffinity::validate(const InterPodAffinityArgs& args) {
  if (args.hard_pod_affinity_weight < 0 || args.hard_pod_affinity_weight > 100) {
    return fmt::format("hardPodAffinityWeight: Invalid value: {}: not in valid range [0, 100]",
                       args.hard_pod_affinity_weight);
  }
  return std::nullopt;
}

base::Expected<std::unique_ptr<Plugin>, std::string> InterPodAffinity::create(const PluginArgs& args,
                                                                              FrameworkHandle& handle) {
  if (!std::holds_alternative<std::monostate>(args) && !std::holds_alternative<InterPodAffinityArgs>(args)) {
    return base::unexpected(std::string("want args to be of type InterPodAffinityArgs"));
  }
  InterPodAffinityArgs a = args_or_default<InterPodAffinityArgs>(args);
  if (auto err = validate(a)) {
    return base::unexpected(std::move(*err));
  }
  return std::unique_ptr<Plugin>(std::make_unique<InterPodAffinity>(a, handle));
}

Status InterPodAffinity::pre_filter(CycleState& state, const PodInfo& pod) {
  auto s = std::make_unique<PreFilterState>();
  // Existing pods' required anti-affinity terms that match the incoming pod.
  for (const NodeInfo* n : handle_.snapshot().nodes_with_required_anti_affinity()) {
    for (const PodInfo& existing : n->pods) {
      for (const AffinityTerm& t : existing.required_anti_affinity_terms) {
        if (t.matches(pod.get())) {
          s->existing_anti_affinity_counts.update_count(*n->node, t.topology_key, 1);
        }
      }
    }
  }
  const auto& affinity = pod.required_affinity_terms;
  const auto& anti = pod.required_anti_affinity_terms;
  if (!affinity.empty() || !anti.empty()) {
    for (const NodeInfo* n : handle_.snapshot().nodes()) {
      const api::Node& node = *n->node;
      for (const PodInfo& existing : n->pods) {
        // Affinity counts a pod only if it matches *all* terms: one pod must satisfy them together.
        if (matches_all(affinity, existing.get())) {
          for (const AffinityTerm& t : affinity) {
            s->affinity_counts.update_count(node, t.topology_key, 1);
          }
        }
        for (const AffinityTerm& t : anti) {
          if (t.matches(existing.get())) {
            s->anti_affinity_counts.update_count(node, t.topology_key, 1);
          }
        }
      }
    }
  }
  if (s->existing_anti_affinity_counts.empty() && affinity.empty() && anti.empty()) {
    return Status(Code::Skip, std::vector<std::string>{});
  }
  state.write(kPreFilterStateKey, std::move(s));
  return Status::success();
}

Status InterPodAffinity::filter(const CycleState& state, const PodInfo& pod, const NodeInfo& node_info) {
  const auto* s = state.read<PreFilterState>(kPreFilterStateKey);
  if (s == nullptr) {
    return Status(Code::Error, fmt::format("reading \"{}\" from cycleState: not found", kPreFilterStateKey));
  }
  const api::StringMap& labels = node_info.node->metadata.labels;

  // satisfyPodAffinity
  bool pods_exist = true;
  for (const AffinityTerm& t : pod.required_affinity_terms) {
    const std::string* v = labels.find(t.topology_key);
    if (v == nullptr) {
      return Status(Code::UnschedulableAndUnresolvable, std::string(kErrReasonAffinityRulesNotMatch));
    }
    if (s->affinity_counts.get(s->affinity_counts.find_key(t.topology_key), *v) <= 0) {
      pods_exist = false;
    }
  }
  // The first pod of a group with affinity to itself: no pod anywhere matches, and the pod matches
  // all its own terms, so it may land on any node carrying the keys.
  if (!pods_exist && !(s->affinity_counts.empty() && matches_all(pod.required_affinity_terms, pod.get()))) {
    return Status(Code::UnschedulableAndUnresolvable, std::string(kErrReasonAffinityRulesNotMatch));
  }

  // satisfyPodAntiAffinity
  if (!s->anti_affinity_counts.empty()) {
    for (const AffinityTerm& t : pod.required_anti_affinity_terms) {
      const std::string* v = labels.find(t.topology_key);
      if (v != nullptr && s->anti_affinity_counts.get(s->anti_affinity_counts.find_key(t.topology_key), *v) > 0) {
        return Status(Code::Unschedulable, std::string(kErrReasonAntiAffinityRulesNotMatch));
      }
    }
  }

  // satisfyExistingPodsAntiAffinity: any (key, value) of the node with a matching existing term.
  const TopologyMap& existing = s->existing_anti_affinity_counts;
  if (!existing.empty()) {
    for (std::size_t k = 0; k < existing.key_count(); ++k) {
      const std::string* v = labels.find(existing.key(k));
      if (v != nullptr && existing.get(k, *v) > 0) {
        return Status(Code::Unschedulable, std::string(kErrReasonExistingAntiAffinityRulesNotMatch));
      }
    }
  }
  return Status::success();
}

Status InterPodAffinity::add_pod(CycleState& state, const PodInfo& pod, const PodInfo& pod_to_add,
                                 const NodeInfo& node) {
  auto* s = state.read<PreFilterState>(kPreFilterStateKey);
  if (s == nullptr) {
    return Status(Code::Error, fmt::format("reading \"{}\" from cycleState: not found", kPreFilterStateKey));
  }
  s->update_with_pod(pod, pod_to_add, *node.node, 1);
  return Status::success();
}

Status InterPodAffinity::remove_pod(CycleState& state, const PodInfo& pod, const PodInfo& pod_to_remove,
                                    const NodeInfo& node) {
  auto* s = state.read<PreFilterState>(kPreFilterStateKey);
  if (s == nullptr) {
    return Status(Code::Error, fmt::format("reading \"{}\" from cycleState: not found", kPreFilterStateKey));
  }
  s->update_with_pod(pod, pod_to_remove, *node.node, -1);
  return Status::success();
}

Status InterPodAffinity::pre_score(CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> /*nodes*/) {
  const bool has_constraints = !pod.preferred_affinity_terms.empty() || !pod.preferred_anti_affinity_terms.empty();
  if (args_.ignore_preferred_terms_of_existing_pods && !has_constraints) {
    return Status(Code::Skip, std::vector<std::string>{});
  }
  auto s = std::make_unique<PreScoreState>();
  TopologyMap& m = s->topology_score;
  const api::Pod& incoming = pod.get();
  // Unless the incoming pod has preferred terms, only pods that have affinity themselves contribute.
  const Snapshot& snap = handle_.snapshot();
  for (const NodeInfo* n : has_constraints ? snap.nodes() : snap.nodes_with_pod_affinity()) {
    const api::Node& node = *n->node;
    if (node.metadata.labels.empty()) {
      continue;
    }
    for (const PodInfo& existing : n->pods) {
      if (!has_constraints && !existing.has_affinity()) {
        continue;
      }
      process_terms(m, pod.preferred_affinity_terms, existing.get(), node, 1);
      process_terms(m, pod.preferred_anti_affinity_terms, existing.get(), node, -1);
      if (args_.hard_pod_affinity_weight > 0) {
        for (const AffinityTerm& t : existing.required_affinity_terms) {
          if (t.matches(incoming)) {
            m.update(node, t.topology_key, args_.hard_pod_affinity_weight);
          }
        }
      }
      process_terms(m, existing.preferred_affinity_terms, incoming, node, 1);
      process_terms(m, existing.preferred_anti_affinity_terms, incoming, node, -1);
    }
  }
  if (m.empty()) {
    return Status(Code::Skip, std::vector<std::string>{});
  }
  state.write(kPreScoreStateKey, std::move(s));
  return Status::success();
}

std::int64_t InterPodAffinity::score(const CycleState& state, const PodInfo& /*pod*/, const NodeInfo& node_info) {
  const auto* s = state.read<PreScoreState>(kPreScoreStateKey);
  if (s == nullptr) {
    return 0;
  }
  const api::StringMap& labels = node_info.node->metadata.labels;
  const TopologyMap& m = s->topology_score;
  std::int64_t score = 0;
  for (std::size_t k = 0; k < m.key_count(); ++k) {
    if (const std::string* v = labels.find(m.key(k))) {
      score += m.get(k, *v);
    }
  }
  return score;
}

void InterPodAffinity::normalize_score(const CycleState& state, const PodInfo& /*pod*/,
                                       std::span<std::int64_t> scores) {
  const auto* s = state.read<PreScoreState>(kPreScoreStateKey);
  if (s == nullptr || s->topology_score.empty() || scores.empty()) {
    return;
  }
  // True min and max (v1.21+, PR #98096); scores may be negative.
  const auto [min_it, max_it] = std::minmax_element(scores.begin(), scores.end());
  const std::int64_t min = *min_it;
  const std::int64_t diff = *max_it - min;
  for (std::int64_t& score : scores) {
    double f = 0;
    if (diff > 0) {
      f = static_cast<double>(kMaxNodeScore) * (static_cast<double>(score - min) / static_cast<double>(diff));
    }
    score = static_cast<std::int64_t>(f);
  }
}

}  // namespace kubesim::scheduler
