#pragma once

/// The scheduler's view of pods and nodes, after kube-scheduler's framework.PodInfo and
/// framework.NodeInfo: PodInfo is a pod with everything plugins need computed once (requests,
/// affinity terms); NodeInfo is a node with the pods assigned or assumed to it and their sums.
/// Plugins see only these types (and Snapshot, snapshot.hpp).

#include "kubesim/api/node.hpp"
#include "kubesim/api/pod.hpp"

#include <cstdint>
#include <memory>
#include <optional>
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
  /// The amount of any resource by name (cpu in milli-CPU).
  [[nodiscard]] std::int64_t get(std::string_view name) const;
  [[nodiscard]] std::int64_t scalar(std::string_view name) const;
  void add(const Resource& r);
  void subtract(const Resource& r);
};

/// framework.AffinityTerm: a pod (anti-)affinity term ready for matching. `namespaces` already holds the
/// owner's namespace when the term names none and has no namespaceSelector; matchLabelKeys and
/// mismatchLabelKeys are already merged into `selector` (In / NotIn on the owner's label values).
struct AffinityTerm {
  std::vector<std::string> namespaces;
  std::optional<api::LabelSelector> namespace_selector;
  /// nullopt: the term had no labelSelector and matches no pod.
  std::optional<api::LabelSelector> selector;
  std::string topology_key;

  /// Upstream AffinityTerm.Matches: the pod's namespace is in `namespaces` or matched by
  /// `namespace_selector` (namespaces carry only the automatic label kubernetes.io/metadata.name), and
  /// the pod's labels match `selector`.
  [[nodiscard]] bool matches(const api::Pod& pod) const;
};

struct WeightedAffinityTerm {
  AffinityTerm term;
  std::int32_t weight = 0;
};

/// A pod plus the numbers and terms every plugin needs, computed once.
struct PodInfo {
  std::shared_ptr<const api::Pod> pod;
  /// Effective requests (init-container max, sidecars, overhead; §2.1).
  Resource requests;
  /// cpu and memory requests with the non-zero defaults applied per container (§2.2).
  std::int64_t non_zero_milli_cpu = 0;
  std::int64_t non_zero_memory = 0;
  std::vector<AffinityTerm> required_affinity_terms;
  std::vector<AffinityTerm> required_anti_affinity_terms;
  std::vector<WeightedAffinityTerm> preferred_affinity_terms;
  std::vector<WeightedAffinityTerm> preferred_anti_affinity_terms;

  static PodInfo from(std::shared_ptr<const api::Pod> pod);
  [[nodiscard]] const api::Pod& get() const { return *pod; }
  [[nodiscard]] bool has_affinity() const {
    return !required_affinity_terms.empty() || !required_anti_affinity_terms.empty() ||
           !preferred_affinity_terms.empty() || !preferred_anti_affinity_terms.empty();
  }
  [[nodiscard]] bool has_required_anti_affinity() const { return !required_anti_affinity_terms.empty(); }
};

/// A host port in use on a node (framework.HostPortInfo): ip "0.0.0.0" means every address.
struct HostPort {
  std::string ip;
  std::string protocol;
  std::int32_t port = 0;
  bool operator==(const HostPort&) const = default;
};

/// An image on a node (framework.ImageStateSummary without the node count, which Snapshot keeps).
struct ImageState {
  std::string name;  // normalized (":latest" appended when untagged)
  std::int64_t size_bytes = 0;
};

class Snapshot;

/// NodeInfo's link to the snapshot that holds it. A copy of a NodeInfo (a what-if copy, as preemption
/// makes) is not in the snapshot, so the link does not survive copying.
struct SnapshotLink {
  Snapshot* snapshot = nullptr;
  SnapshotLink() = default;
  SnapshotLink(const SnapshotLink& /*other*/) {}
  SnapshotLink& operator=(const SnapshotLink& /*other*/) { return *this; }
};

/// A node and what is placed on it.
///
/// Layout: every cycle's Filter and Score read a few hundred nodes each, mostly nodes the previous
/// cycles did not touch, so a NodeInfo is usually a cache miss. The fields the default plugins read
/// per node (the flags, the pod list's size, the non-zero sums, allocatable and requested) come first
/// and the struct is cache-line aligned, so that they lie in its first two lines.
struct alignas(64) NodeInfo {
  // Copies of the node fields every cycle's filters read, so that the common case (schedulable, no
  // taints) is decided without touching the Node object, a cache miss per node per pod otherwise.
  bool unschedulable = false;
  bool has_taints = false;
  /// !images.empty(), for ImageLocality's Score (set with `images` by set_node).
  bool has_images = false;
  /// Pods assigned or assumed to the node, in the order they were added. An assumed pod's object is
  /// the pending pod (spec.nodeName empty) until the binding is confirmed: the node is this NodeInfo.
  std::vector<PodInfo> pods;
  /// Sum of the requests with the non-zero defaults, for scoring.
  std::int64_t non_zero_milli_cpu = 0;
  std::int64_t non_zero_memory = 0;
  Resource allocatable;
  /// Sum of the actual requests of the pods on the node.
  Resource requested;
  std::shared_ptr<const api::Node> node;
  /// Images present on the node (from status.images), sorted by name.
  std::vector<ImageState> images;
  std::int32_t pods_with_affinity = 0;
  std::int32_t pods_with_required_anti_affinity = 0;
  std::vector<HostPort> used_ports;

  [[nodiscard]] const std::string& name() const { return node->metadata.name; }
  [[nodiscard]] std::int32_t pod_count() const { return static_cast<std::int32_t>(pods.size()); }
  /// Sets the node object, its allocatable and its image list.
  void set_node(std::shared_ptr<const api::Node> n);
  void add_pod(const PodInfo& p);
  /// add_pod without copying the PodInfo (the scheduler's cache adds fresh ones).
  void add_pod(PodInfo&& p);
  /// Removes the pod with that UID; returns false if it was not on the node.
  bool remove_pod(const std::string& uid);

  /// The snapshot that holds this node (set by Snapshot::upsert_node), told when the node starts or
  /// stops having pods with affinity so that it can list such nodes without scanning all of them.
  SnapshotLink owner;
};

/// Asks the CPU to start loading the NodeInfo fields Filter and Score read (its first two cache lines,
/// see NodeInfo), for loops that know which nodes come next.
inline void prefetch_hot_fields(const NodeInfo* node) {
  const char* p = reinterpret_cast<const char*>(node);
  __builtin_prefetch(p);
  __builtin_prefetch(p + 64);
}

/// The host ports a pod asks for (containers' ports with hostPort > 0), as NodePorts sees them.
std::vector<HostPort> host_ports_of(const api::PodSpec& spec);

/// Upstream normalizedImageName: appends ":latest" when the image has neither a tag nor a digest.
std::string normalized_image_name(const std::string& image);

}  // namespace kubesim::scheduler
