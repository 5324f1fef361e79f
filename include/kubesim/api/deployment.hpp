#pragma once

/// apps/v1 Deployment.

#include "kubesim/api/int_or_string.hpp"
#include "kubesim/api/pod.hpp"
#include "kubesim/api/selector.hpp"

#include <optional>
#include <string>
#include <vector>

namespace kubesim::api {

enum class DeploymentStrategyType : std::uint8_t { RollingUpdate, Recreate };

struct RollingUpdateDeployment {
  IntOrString max_surge = IntOrString::from_string("25%");
  IntOrString max_unavailable = IntOrString::from_string("25%");
  bool operator==(const RollingUpdateDeployment&) const = default;
};

struct DeploymentSpec {
  std::int32_t replicas = 1;
  LabelSelector selector;
  PodTemplateSpec template_;
  DeploymentStrategyType strategy = DeploymentStrategyType::RollingUpdate;
  RollingUpdateDeployment rolling_update;
  std::int32_t min_ready_seconds = 0;
  std::int32_t revision_history_limit = 10;
  std::int32_t progress_deadline_seconds = 600;
  bool paused = false;
  bool operator==(const DeploymentSpec&) const = default;
};

/// apps/v1 DeploymentCondition. `type` is "Available", "Progressing" or "ReplicaFailure"; the times are
/// whole seconds, as metav1.Time carries them through the API.
struct DeploymentCondition {
  std::string type;
  ConditionStatus status = ConditionStatus::Unknown;
  SimTime last_update_time;
  SimTime last_transition_time;
  std::string reason;
  std::string message;
  bool operator==(const DeploymentCondition&) const = default;
};

struct DeploymentStatus {
  std::int64_t observed_generation = 0;
  std::int32_t replicas = 0;          // pods of every ReplicaSet of the Deployment (their status.replicas)
  std::int32_t updated_replicas = 0;  // pods of the new ReplicaSet
  std::int32_t ready_replicas = 0;
  std::int32_t available_replicas = 0;  // ready for at least minReadySeconds
  std::int32_t unavailable_replicas = 0;
  std::vector<DeploymentCondition> conditions;
  /// Bumped when the new ReplicaSet's name is taken by a ReplicaSet with another template; it is hashed
  /// into the pod-template-hash so the next name differs.
  std::optional<std::int32_t> collision_count;
  bool operator==(const DeploymentStatus&) const = default;
};

struct Deployment {
  ObjectMeta metadata;
  DeploymentSpec spec;
  DeploymentStatus status;
};

}  // namespace kubesim::api
