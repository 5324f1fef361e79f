#pragma once

/// coordination.k8s.io/v1 Lease: a kubelet's heartbeat. Each node has one Lease named after it in the
/// kube-node-lease namespace, renewed every 10 s; the node lifecycle controller reads renewTime.

#include "kubesim/api/object_meta.hpp"

#include <optional>
#include <string>

namespace kubesim::api {

/// Namespace of node Leases.
inline constexpr std::string_view kNodeLeaseNamespace = "kube-node-lease";

struct LeaseSpec {
  std::string holder_identity;
  std::int32_t lease_duration_seconds = 0;
  std::optional<SimTime> acquire_time;
  std::optional<SimTime> renew_time;
  std::int32_t lease_transitions = 0;
  bool operator==(const LeaseSpec&) const = default;
};

struct Lease {
  ObjectMeta metadata;
  LeaseSpec spec;
};

}  // namespace kubesim::api
