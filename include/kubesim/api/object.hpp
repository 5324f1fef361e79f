#pragma once

/// AnyObject: one object of any modelled kind, as read from a manifest or carried by a scenario's
/// `create` action. The store keeps each kind in its own typed bucket; AnyObject is only the envelope at
/// the edges.

#include "kubesim/api/deployment.hpp"
#include "kubesim/api/endpoints.hpp"
#include "kubesim/api/event.hpp"
#include "kubesim/api/job.hpp"
#include "kubesim/api/kind.hpp"
#include "kubesim/api/lease.hpp"
#include "kubesim/api/node.hpp"
#include "kubesim/api/pod.hpp"
#include "kubesim/api/pod_disruption_budget.hpp"
#include "kubesim/api/priority_class.hpp"
#include "kubesim/api/replica_set.hpp"
#include "kubesim/api/service.hpp"

#include <variant>

namespace kubesim::api {

/// Alternatives are in Kind order, so `static_cast<Kind>(obj.index())` is the object's kind.
using AnyObject = std::variant<Node, Pod, Service, ReplicaSet, Deployment, PriorityClass, PodDisruptionBudget, Event,
                               Lease, Endpoints, EndpointSlice, Job>;

inline Kind kind_of_object(const AnyObject& o) { return static_cast<Kind>(o.index()); }

inline const ObjectMeta& meta_of(const AnyObject& o) {
  return std::visit([](const auto& obj) -> const ObjectMeta& { return obj.metadata; }, o);
}
inline ObjectMeta& meta_of(AnyObject& o) {
  return std::visit([](auto& obj) -> ObjectMeta& { return obj.metadata; }, o);
}

}  // namespace kubesim::api
