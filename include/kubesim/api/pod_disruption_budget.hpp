#pragma once

/// policy/v1 PodDisruptionBudget: limits voluntary disruptions (evictions, preemption) of the pods its
/// selector matches.

#include "kubesim/api/int_or_string.hpp"
#include "kubesim/api/selector.hpp"

#include <optional>
#include <string>
#include <vector>

namespace kubesim::api {

struct PodDisruptionBudgetSpec {
  /// At most one of min_available and max_unavailable is set (validated by the API server).
  std::optional<IntOrString> min_available;
  std::optional<IntOrString> max_unavailable;
  /// policy/v1: a missing or empty selector selects no pods... except empty `{}` which selects all.
  std::optional<LabelSelector> selector;
  std::string unhealthy_pod_eviction_policy;  // IfHealthyBudget (default) or AlwaysAllow
  bool operator==(const PodDisruptionBudgetSpec&) const = default;
};

struct PodDisruptionBudgetStatus {
  std::int32_t current_healthy = 0;
  std::int32_t desired_healthy = 0;
  std::int32_t disruptions_allowed = 0;
  std::int32_t expected_pods = 0;
  std::int64_t observed_generation = 0;
  /// Pods being evicted or preempted that the PDB controller has not yet seen deleted.
  std::vector<std::string> disrupted_pods;
};

struct PodDisruptionBudget {
  ObjectMeta metadata;
  PodDisruptionBudgetSpec spec;
  PodDisruptionBudgetStatus status;
};

}  // namespace kubesim::api
