#pragma once

/// scheduling.k8s.io/v1 PriorityClass: a cluster-scoped name → priority value. The API server's
/// Priority admission resolves a pod's priorityClassName into spec.priority.

#include "kubesim/api/object_meta.hpp"
#include "kubesim/api/pod.hpp"

namespace kubesim::api {

/// Built-in classes that exist in every cluster (upstream SystemPriorityClasses).
inline constexpr std::int32_t kSystemClusterCritical = 2'000'000'000;
inline constexpr std::int32_t kSystemNodeCritical = 2'000'001'000;
/// The largest value a user-defined PriorityClass may have (HighestUserDefinablePriority).
inline constexpr std::int32_t kHighestUserDefinablePriority = 1'000'000'000;

struct PriorityClass {
  ObjectMeta metadata;
  std::int32_t value = 0;
  bool global_default = false;
  PreemptionPolicy preemption_policy = PreemptionPolicy::PreemptLowerPriority;
  std::string description;
};

}  // namespace kubesim::api
