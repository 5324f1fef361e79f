#pragma once

/// Plugin arguments (KubeSchedulerConfiguration `pluginConfig[].args`), one struct per plugin that takes
/// arguments, with upstream's defaults (K8S-SEMANTICS §1.1, pkg/scheduler/apis/config/v1/defaults.go).
/// The scenario module reads them from YAML; factories receive them as PluginArgs.

#include "kubesim/api/affinity.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace kubesim::scheduler {

/// A resource and its weight in a scoring formula (config.ResourceSpec).
struct ResourceSpec {
  std::string name;
  std::int64_t weight = 1;
};

enum class ScoringStrategyType : std::uint8_t { LeastAllocated, MostAllocated, RequestedToCapacityRatio };

/// A point of RequestedToCapacityRatio's shape: utilization 0..100 → score 0..10.
struct UtilizationShapePoint {
  std::int32_t utilization = 0;
  std::int32_t score = 0;
};

struct NodeResourcesFitArgs {
  std::vector<std::string> ignored_resources;
  std::vector<std::string> ignored_resource_groups;
  ScoringStrategyType scoring_strategy = ScoringStrategyType::LeastAllocated;
  std::vector<ResourceSpec> resources = {{"cpu", 1}, {"memory", 1}};
  std::vector<UtilizationShapePoint> shape;  // RequestedToCapacityRatio only
};

struct NodeResourcesBalancedAllocationArgs {
  std::vector<ResourceSpec> resources = {{"cpu", 1}, {"memory", 1}};
};

struct InterPodAffinityArgs {
  std::int32_t hard_pod_affinity_weight = 1;
  bool ignore_preferred_terms_of_existing_pods = false;
};

enum class PodTopologySpreadDefaulting : std::uint8_t { System, List };

struct PodTopologySpreadArgs {
  std::vector<api::TopologySpreadConstraint> default_constraints;
  PodTopologySpreadDefaulting defaulting_type = PodTopologySpreadDefaulting::System;
};

struct NodeAffinityArgs {
  std::optional<api::NodeAffinity> added_affinity;
};

struct DefaultPreemptionArgs {
  std::int32_t min_candidate_nodes_percentage = 10;
  std::int32_t min_candidate_nodes_absolute = 100;
};

/// MinCostFlow (kubesim batch policy, docs/policies.md); no upstream counterpart.
struct MinCostFlowArgs {
  /// Most pods placed by one batch cycle, 1..10000.
  std::int32_t batch_size = 256;
  /// Arcs per pod class: at least this many best-scoring feasible nodes, 1..1000.
  std::int32_t candidate_nodes = 32;
  /// Extra cost, in score points, of each further pod of the batch on the same node, 0..10000.
  std::int32_t load_cost = 0;
};

/// The args of one plugin; monostate for plugins without arguments (or none configured).
using PluginArgs =
    std::variant<std::monostate, NodeResourcesFitArgs, NodeResourcesBalancedAllocationArgs, InterPodAffinityArgs,
                 PodTopologySpreadArgs, NodeAffinityArgs, DefaultPreemptionArgs, MinCostFlowArgs>;

/// The upstream Go type name of the args held ("NodeResourcesFitArgs"; "<nil>" for none), for the
/// "want args to be of type X, got *config.Y" messages of plugin factories.
std::string_view plugin_args_type_name(const PluginArgs& args);

/// Upstream's v1 defaulting of a scoring resource list (NodeResourcesFit, BalancedAllocation): an empty
/// list becomes [cpu w1, memory w1] and a weight of 0 becomes 1.
void default_resource_specs(std::vector<ResourceSpec>& resources);

/// The args configured for a plugin, or `T{}` (upstream's defaults) when none were given.
template <class T> T args_or_default(const PluginArgs& args) {
  if (const T* a = std::get_if<T>(&args)) {
    return *a;
  }
  return T{};
}

}  // namespace kubesim::scheduler
