#include "kubesim/controllers/endpoint_util.hpp"

#include "kubesim/controllers/pod_util.hpp"

namespace kubesim::controllers {

bool should_pod_be_in_endpoints(const api::Pod& pod, bool include_terminating) {
  if (pod.is_terminal() || pod.status.pod_ip.empty()) {
    return false;
  }
  return include_terminating || !pod.is_terminating();
}

std::optional<std::int32_t> find_port(const api::Pod& pod, const api::ServicePort& service_port) {
  // The API server defaults targetPort to port, so it is always present on stored Services.
  api::IntOrString target = service_port.target_port.value_or(api::IntOrString::from_int(service_port.port));
  if (!target.is_string) {
    return target.int_value;
  }
  auto lookup = [&](const api::Container& c) -> std::optional<std::int32_t> {
    for (const api::ContainerPort& p : c.ports) {
      if (p.name == target.str_value && p.protocol == service_port.protocol) {
        return p.container_port;
      }
    }
    return std::nullopt;
  };
  for (const api::Container& c : pod.spec.containers) {
    if (auto port = lookup(c)) {
      return port;
    }
  }
  for (const api::Container& c : pod.spec.init_containers) {
    if (c.is_sidecar()) {
      if (auto port = lookup(c)) {
        return port;
      }
    }
  }
  return std::nullopt;
}

bool service_selects_pods(const api::Service& service) {
  return service.spec.type != "ExternalName" && !service.spec.selector.empty();
}

std::set<std::string> pod_service_memberships(const client::Informer& services, const api::Pod& pod) {
  std::set<std::string> out;
  for (const client::ObjectRef& ref : services.list_namespace(pod.metadata.namespace_)) {
    const auto& svc = ref.get<api::Service>();
    if (!svc.spec.selector.empty() && pod.metadata.labels.contains_all(svc.spec.selector)) {
      out.insert(client::cache_key(svc.metadata));
    }
  }
  return out;
}

std::set<std::string> services_to_update_on_pod_change(const client::Informer& services, const api::Pod& old_pod,
                                                       const api::Pod& pod) {
  if (old_pod.metadata.resource_version == pod.metadata.resource_version) {
    return {};
  }
  // podEndpointsChanged. Name, namespace, uid and nodeName are fixed before a pod has an IP, so the
  // endpoint changes only with termination, readiness or the IP.
  bool labels_changed = !(old_pod.metadata.labels == pod.metadata.labels);
  bool pod_changed = old_pod.metadata.deletion_timestamp != pod.metadata.deletion_timestamp ||
                     is_pod_ready(old_pod) != is_pod_ready(pod) || old_pod.status.pod_ip != pod.status.pod_ip;
  if (!pod_changed && !labels_changed) {
    return {};
  }
  std::set<std::string> now = pod_service_memberships(services, pod);
  if (!labels_changed) {
    return now;
  }
  std::set<std::string> before = pod_service_memberships(services, old_pod);
  std::set<std::string> out;
  if (pod_changed) {
    out = now;
    out.insert(before.begin(), before.end());
    return out;
  }
  // Only the labels changed: the Services the pod joined or left (the symmetric difference).
  for (const std::string& k : now) {
    if (!before.contains(k)) {
      out.insert(k);
    }
  }
  for (const std::string& k : before) {
    if (!now.contains(k)) {
      out.insert(k);
    }
  }
  return out;
}

base::Duration endpoints_retry_delay(std::int32_t n) {
  base::Duration d = kEndpointsSyncBackOff;
  for (std::int32_t i = 0; i < n && d < kEndpointsMaxSyncBackOff; ++i) {
    d = d + d;
  }
  return std::min(d, kEndpointsMaxSyncBackOff);
}

}  // namespace kubesim::controllers
