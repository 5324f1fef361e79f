#pragma once

/// Helpers shared by the Endpoints and EndpointSlice controllers (upstream
/// staging/src/k8s.io/endpointslice/util and pkg/controller/util/endpoint): which pods belong in a
/// Service's endpoints, how a Service port maps to a pod's port, and which Services a pod change concerns.

#include "kubesim/api/pod.hpp"
#include "kubesim/api/service.hpp"
#include "kubesim/client/informer.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace kubesim::controllers {

/// Per-Service retry policy of both endpoints controllers: 1 s doubling to 1,000 s, at most 15 retries
/// (upstream defaultSyncBackOff, maxSyncBackOff, maxRetries).
inline constexpr base::Duration kEndpointsSyncBackOff = base::Duration::from_seconds(1);
inline constexpr base::Duration kEndpointsMaxSyncBackOff = base::Duration::from_seconds(1000);
inline constexpr std::int32_t kEndpointsMaxRetries = 15;

/// ShouldPodBeInEndpoints: not terminal (Succeeded/Failed), has a pod IP, and, unless
/// `include_terminating`, not being deleted.
bool should_pod_be_in_endpoints(const api::Pod& pod, bool include_terminating);

/// FindPort: a numeric targetPort as is; a named one looked up among the containers' (and sidecars')
/// ports with the Service port's protocol. nullopt when the pod has no such port.
std::optional<std::int32_t> find_port(const api::Pod& pod, const api::ServicePort& service_port);

/// Whether a Service selects pods at all: upstream skips Services with a nil selector (kubesim cannot tell
/// nil from empty, so an empty selector counts as none), and ExternalName Services.
bool service_selects_pods(const api::Service& service);

/// The keys ("namespace/name") of the Services in the pod's namespace whose selector matches it
/// (GetPodServiceMemberships).
std::set<std::string> pod_service_memberships(const client::Informer& services, const api::Pod& pod);

/// GetServicesToUpdateOnPodChange: the Services to sync after a pod changed from `old_pod` to `pod`.
/// Nothing when only fields the endpoints do not show changed; with a label change, the Services the
/// pod joined or left (all of both sets if its endpoint changed too).
std::set<std::string> services_to_update_on_pod_change(const client::Informer& services, const api::Pod& old_pod,
                                                       const api::Pod& pod);

/// Backoff of the n-th retry (n = 0 for the first): 1 s · 2^n, capped at 1,000 s.
base::Duration endpoints_retry_delay(std::int32_t n);

}  // namespace kubesim::controllers
