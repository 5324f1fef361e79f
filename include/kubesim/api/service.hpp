#pragma once

/// core/v1 Service: a selector over pods and its ports. Endpoints follow from the selector (controller
/// issue); the scheduler's spreading defaults read the selector too.

#include "kubesim/api/int_or_string.hpp"
#include "kubesim/api/object_meta.hpp"

#include <string>
#include <vector>

namespace kubesim::api {

struct ServicePort {
  std::string name;
  std::string protocol = "TCP";
  std::int32_t port = 0;
  std::optional<IntOrString> target_port;  // defaulted to `port`
  std::int32_t node_port = 0;
  bool operator==(const ServicePort&) const = default;
};

struct ServiceSpec {
  /// Empty selector: the Service selects no pods (endpoints are managed by hand upstream).
  StringMap selector;
  std::vector<ServicePort> ports;
  std::string type = "ClusterIP";
  std::string cluster_ip;
  bool publish_not_ready_addresses = false;
  bool operator==(const ServiceSpec&) const = default;
};

struct Service {
  ObjectMeta metadata;
  ServiceSpec spec;
};

}  // namespace kubesim::api
