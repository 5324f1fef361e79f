#pragma once

/// apps/v1 ReplicaSet.

#include "kubesim/api/pod.hpp"
#include "kubesim/api/selector.hpp"

namespace kubesim::api {

struct ReplicaSetSpec {
  std::int32_t replicas = 1;  // defaulted from a missing field
  std::int32_t min_ready_seconds = 0;
  LabelSelector selector;
  PodTemplateSpec template_;
  bool operator==(const ReplicaSetSpec&) const = default;
};

struct ReplicaSetStatus {
  std::int32_t replicas = 0;
  std::int32_t fully_labeled_replicas = 0;
  std::int32_t ready_replicas = 0;
  std::int32_t available_replicas = 0;
  std::int64_t observed_generation = 0;
};

struct ReplicaSet {
  ObjectMeta metadata;
  ReplicaSetSpec spec;
  ReplicaSetStatus status;
};

}  // namespace kubesim::api
