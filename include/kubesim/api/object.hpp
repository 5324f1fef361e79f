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

/// Calls `f(static_cast<const T*>(nullptr))` with T the C++ type of `k`: a switch over kinds for code
/// that must act on the typed object of a runtime Kind.
template <class F> decltype(auto) visit_kind(Kind k, F&& f) {
  switch (k) {
  case Kind::Node:
    return f(static_cast<const Node*>(nullptr));
  case Kind::Pod:
    return f(static_cast<const Pod*>(nullptr));
  case Kind::Service:
    return f(static_cast<const Service*>(nullptr));
  case Kind::ReplicaSet:
    return f(static_cast<const ReplicaSet*>(nullptr));
  case Kind::Deployment:
    return f(static_cast<const Deployment*>(nullptr));
  case Kind::PriorityClass:
    return f(static_cast<const PriorityClass*>(nullptr));
  case Kind::PodDisruptionBudget:
    return f(static_cast<const PodDisruptionBudget*>(nullptr));
  case Kind::Event:
    return f(static_cast<const Event*>(nullptr));
  case Kind::Lease:
    return f(static_cast<const Lease*>(nullptr));
  case Kind::Endpoints:
    return f(static_cast<const Endpoints*>(nullptr));
  case Kind::EndpointSlice:
    return f(static_cast<const EndpointSlice*>(nullptr));
  case Kind::Job:
    return f(static_cast<const Job*>(nullptr));
  }
  return f(static_cast<const Pod*>(nullptr));  // unreachable: every Kind is listed above
}

inline const ObjectMeta& meta_of(const AnyObject& o) {
  return std::visit([](const auto& obj) -> const ObjectMeta& { return obj.metadata; }, o);
}
inline ObjectMeta& meta_of(AnyObject& o) {
  return std::visit([](auto& obj) -> ObjectMeta& { return obj.metadata; }, o);
}

}  // namespace kubesim::api
