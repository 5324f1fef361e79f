#pragma once

/// core/v1 Node: labels, taints, unschedulable, capacity/allocatable, conditions and cached images.

#include "kubesim/api/object_meta.hpp"
#include "kubesim/api/pod.hpp"
#include "kubesim/api/resource_list.hpp"
#include "kubesim/api/taint.hpp"

#include <string>
#include <vector>

namespace kubesim::api {

/// Well-known node labels.
inline constexpr std::string_view kLabelHostname = "kubernetes.io/hostname";
inline constexpr std::string_view kLabelZone = "topology.kubernetes.io/zone";
inline constexpr std::string_view kLabelRegion = "topology.kubernetes.io/region";

struct NodeSpec {
  bool unschedulable = false;
  std::vector<Taint> taints;
  std::string pod_cidr;
  std::string provider_id;
  bool operator==(const NodeSpec&) const = default;
};

struct NodeCondition {
  std::string type;  // Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable
  ConditionStatus status = ConditionStatus::Unknown;
  std::string reason;
  std::string message;
  SimTime last_heartbeat_time;
  SimTime last_transition_time;
  bool operator==(const NodeCondition&) const = default;
};

struct ContainerImage {
  std::vector<std::string> names;
  std::int64_t size_bytes = 0;
  bool operator==(const ContainerImage&) const = default;
};

/// status.nodeInfo (NodeSystemInfo), the fields kubesim models. The kubelet reports its own version
/// and its container runtime's; the others come from the Node template.
struct NodeSystemInfo {
  std::string kubelet_version;            // "v1.30.4"
  std::string container_runtime_version;  // "containerd://1.7.22"
  std::string operating_system;           // "linux"
  std::string architecture;               // "amd64"
  std::string os_image;
  std::string kernel_version;
  bool operator==(const NodeSystemInfo&) const = default;
};

struct NodeStatus {
  ResourceList capacity;
  /// Defaulted to capacity when a manifest gives none.
  ResourceList allocatable;
  std::vector<NodeCondition> conditions;
  std::vector<ContainerImage> images;
  NodeSystemInfo node_info;
  bool operator==(const NodeStatus&) const = default;

  [[nodiscard]] const NodeCondition* condition(std::string_view type) const;
};

struct Node {
  ObjectMeta metadata;
  NodeSpec spec;
  NodeStatus status;

  /// True when the Ready condition is True.
  [[nodiscard]] bool is_ready() const;
};

}  // namespace kubesim::api
