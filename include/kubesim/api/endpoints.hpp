#pragma once

/// core/v1 Endpoints (one per Service, legacy) and discovery.k8s.io/v1 EndpointSlice (up to 100
/// endpoints each): the pods a Service routes to, kept by the endpoints controllers from the Service's
/// selector and the pods' readiness. kube-proxy programs its rules from the slices.

#include "kubesim/api/event.hpp"
#include "kubesim/api/object_meta.hpp"

#include <optional>
#include <string>
#include <vector>

namespace kubesim::api {

struct EndpointPort {
  std::string name;
  std::int32_t port = 0;
  std::string protocol = "TCP";
  bool operator==(const EndpointPort&) const = default;
};

// --- core/v1 Endpoints ---------------------------------------------------------------------------

struct EndpointAddress {
  std::string ip;
  std::string node_name;
  std::optional<ObjectReference> target_ref;
  bool operator==(const EndpointAddress&) const = default;
};

struct EndpointSubset {
  std::vector<EndpointAddress> addresses;
  std::vector<EndpointAddress> not_ready_addresses;
  std::vector<EndpointPort> ports;
  bool operator==(const EndpointSubset&) const = default;
};

/// Set on an Endpoints object whose addresses were cut to 1,000 (the legacy API's capacity).
inline constexpr std::string_view kAnnotationEndpointsOverCapacity = "endpoints.kubernetes.io/over-capacity";
/// Set (empty value) on the Endpoints and EndpointSlices of a headless Service (clusterIP: None).
inline constexpr std::string_view kLabelHeadlessService = "service.kubernetes.io/headless";

struct Endpoints {
  ObjectMeta metadata;
  std::vector<EndpointSubset> subsets;
};

// --- discovery.k8s.io/v1 EndpointSlice -------------------------------------------------------------

/// Label naming a slice's Service, and the label naming the controller that manages it.
inline constexpr std::string_view kLabelServiceName = "kubernetes.io/service-name";
inline constexpr std::string_view kLabelManagedBy = "endpointslice.kubernetes.io/managed-by";
/// The managed-by value of the slices kube-controller-manager's EndpointSlice controller owns.
inline constexpr std::string_view kEndpointSliceControllerName = "endpointslice-controller.k8s.io";

struct EndpointConditions {
  std::optional<bool> ready;
  std::optional<bool> serving;
  std::optional<bool> terminating;
  bool operator==(const EndpointConditions&) const = default;
};

struct Endpoint {
  std::vector<std::string> addresses;
  EndpointConditions conditions;
  std::optional<ObjectReference> target_ref;
  std::string node_name;
  std::string zone;
  bool operator==(const Endpoint&) const = default;
};

struct EndpointSlice {
  ObjectMeta metadata;
  std::string address_type = "IPv4";
  std::vector<Endpoint> endpoints;
  std::vector<EndpointPort> ports;
};

}  // namespace kubesim::api
