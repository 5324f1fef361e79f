#pragma once

/// The scheduler's view of pods and nodes: PodInfo (a pod with its requests computed once) and
/// NodeInfo (a node with the sums of the pods assigned or assumed to it), after kube-scheduler's
/// framework.PodInfo / framework.NodeInfo. Plugins see only these types.

#include "kubesim/api/node.hpp"
#include "kubesim/api/pod.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kubesim::scheduler {

/// Scheduler defaults for containers that request nothing, used only for scoring (K8S-SEMANTICS §2.2).
inline constexpr std::int64_t kDefaultMilliCpuRequest = 100;
inline constexpr std::int64_t kDefaultMemoryRequest = 200LL * 1024 * 1024;

/// framework.Resource: the resources a pod requests or a node has, as integers.
struct Resource {
  std::int64_t milli_cpu = 0;
  std::int64_t memory = 0;
  std::int64_t ephemeral_storage = 0;
  std::int64_t allowed_pod_number = 0;
  /// Extended and hugepages resources, sorted by name.
  std::vector<std::pair<std::string, std::int64_t>> scalars;

  /// Reads cpu, memory, ephemeral-storage, pods and every other resource from a ResourceList.
  static Resource from(const api::ResourceList& list);
  [[nodiscard]] std::int64_t scalar(std::string_view name) const;
  void add(const Resource& r);
  void subtract(const Resource& r);
};

/// A pod plus the numbers every plugin needs, computed once per scheduling attempt.
struct PodInfo {
  std::shared_ptr<const api::Pod> pod;
  /// Effective requests (init-container max, sidecars, overhead; §2.1).
  Resource requests;
  /// cpu and memory requests with the non-zero defaults applied per container (§2.2).
  std::int64_t non_zero_milli_cpu = 0;
  std::int64_t non_zero_memory = 0;

  static PodInfo from(std::shared_ptr<const api::Pod> pod);
  [[nodiscard]] const api::Pod& get() const { return *pod; }
};

/// A node and what is placed on it.
struct NodeInfo {
  std::shared_ptr<const api::Node> node;
  Resource allocatable;
  /// Sum of the actual requests of the pods on the node (assigned or assumed).
  Resource requested;
  /// Sum of the requests with the non-zero defaults, for scoring.
  std::int64_t non_zero_milli_cpu = 0;
  std::int64_t non_zero_memory = 0;
  std::int32_t pod_count = 0;

  [[nodiscard]] const std::string& name() const { return node->metadata.name; }
  void add_pod(const PodInfo& p);
  void remove_pod(const PodInfo& p);
};

}  // namespace kubesim::scheduler
