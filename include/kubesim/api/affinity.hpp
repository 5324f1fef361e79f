#pragma once

/// core/v1 Affinity (node affinity, pod affinity, pod anti-affinity) and TopologySpreadConstraint.
/// Plain data: the scheduler plugins implement the semantics.

#include "kubesim/api/selector.hpp"

#include <optional>
#include <string>
#include <vector>

namespace kubesim::api {

struct PreferredSchedulingTerm {
  std::int32_t weight = 0;  // 1..100
  NodeSelectorTerm preference;
  bool operator==(const PreferredSchedulingTerm&) const = default;
};

struct NodeAffinity {
  /// requiredDuringSchedulingIgnoredDuringExecution
  std::optional<NodeSelector> required;
  /// preferredDuringSchedulingIgnoredDuringExecution
  std::vector<PreferredSchedulingTerm> preferred;
  bool operator==(const NodeAffinity&) const = default;
};

struct PodAffinityTerm {
  /// Missing selector matches no pods.
  std::optional<LabelSelector> label_selector;
  /// Empty list and no namespaceSelector: the pod's own namespace.
  std::vector<std::string> namespaces;
  std::optional<LabelSelector> namespace_selector;
  std::string topology_key;
  std::vector<std::string> match_label_keys;
  std::vector<std::string> mismatch_label_keys;
  bool operator==(const PodAffinityTerm&) const = default;
};

struct WeightedPodAffinityTerm {
  std::int32_t weight = 0;  // 1..100
  PodAffinityTerm term;
  bool operator==(const WeightedPodAffinityTerm&) const = default;
};

/// Used for both podAffinity and podAntiAffinity.
struct PodAffinity {
  std::vector<PodAffinityTerm> required;
  std::vector<WeightedPodAffinityTerm> preferred;
  bool operator==(const PodAffinity&) const = default;
};

struct Affinity {
  std::optional<NodeAffinity> node_affinity;
  std::optional<PodAffinity> pod_affinity;
  std::optional<PodAffinity> pod_anti_affinity;
  bool operator==(const Affinity&) const = default;
};

enum class UnsatisfiableConstraintAction : std::uint8_t { DoNotSchedule, ScheduleAnyway };
enum class NodeInclusionPolicy : std::uint8_t { Honor, Ignore };

struct TopologySpreadConstraint {
  std::int32_t max_skew = 1;
  std::string topology_key;
  UnsatisfiableConstraintAction when_unsatisfiable = UnsatisfiableConstraintAction::DoNotSchedule;
  std::optional<LabelSelector> label_selector;
  std::optional<std::int32_t> min_domains;
  /// Defaults: nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore (applied by the plugin when unset).
  std::optional<NodeInclusionPolicy> node_affinity_policy;
  std::optional<NodeInclusionPolicy> node_taints_policy;
  std::vector<std::string> match_label_keys;
  bool operator==(const TopologySpreadConstraint&) const = default;
};

}  // namespace kubesim::api
