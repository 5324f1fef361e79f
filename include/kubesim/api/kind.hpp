#pragma once

/// The kinds of object kubesim models, their apiVersion, and the compile-time map from C++ type to Kind.
/// Adding a kind: add it to `Kind`, to the tables in kind.cpp, a KindOf specialization, and to
/// `AnyObject` (object.hpp); the store and API server pick it up from there.

#include <cstdint>
#include <optional>
#include <string_view>

namespace kubesim::api {

struct Node;
struct Pod;
struct Service;
struct ReplicaSet;
struct Deployment;
struct PriorityClass;
struct PodDisruptionBudget;
struct Event;
struct Lease;
struct Endpoints;
struct EndpointSlice;
struct Job;

enum class Kind : std::uint8_t {
  Node,
  Pod,
  Service,
  ReplicaSet,
  Deployment,
  PriorityClass,
  PodDisruptionBudget,
  Event,
  Lease,
  Endpoints,
  EndpointSlice,
  Job,
};
inline constexpr std::size_t kKindCount = 12;

/// "Pod", "Deployment", ...
std::string_view kind_name(Kind k);
/// "v1", "apps/v1", "scheduling.k8s.io/v1", "policy/v1".
std::string_view kind_api_version(Kind k);
/// False for cluster-scoped kinds (Node, PriorityClass).
bool is_namespaced(Kind k);
/// The Kind named `name` ("Pod"); nullopt for kinds kubesim does not model.
std::optional<Kind> kind_from_name(std::string_view name);

/// KindOf<T>::value is T's Kind.
template <class T> struct KindOf;
template <> struct KindOf<Node> { static constexpr Kind value = Kind::Node; };
template <> struct KindOf<Pod> { static constexpr Kind value = Kind::Pod; };
template <> struct KindOf<Service> { static constexpr Kind value = Kind::Service; };
template <> struct KindOf<ReplicaSet> { static constexpr Kind value = Kind::ReplicaSet; };
template <> struct KindOf<Deployment> { static constexpr Kind value = Kind::Deployment; };
template <> struct KindOf<PriorityClass> { static constexpr Kind value = Kind::PriorityClass; };
template <> struct KindOf<PodDisruptionBudget> { static constexpr Kind value = Kind::PodDisruptionBudget; };
template <> struct KindOf<Event> { static constexpr Kind value = Kind::Event; };
template <> struct KindOf<Lease> { static constexpr Kind value = Kind::Lease; };
template <> struct KindOf<Endpoints> { static constexpr Kind value = Kind::Endpoints; };
template <> struct KindOf<EndpointSlice> { static constexpr Kind value = Kind::EndpointSlice; };
template <> struct KindOf<Job> { static constexpr Kind value = Kind::Job; };

template <class T> inline constexpr Kind kind_of = KindOf<T>::value;

}  // namespace kubesim::api
