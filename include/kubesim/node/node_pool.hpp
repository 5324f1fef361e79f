#pragma once

/// NodePool: the state of every virtual node as a struct of arrays indexed by NodeIndex. Thousands of
/// nodes cost a few vectors, not an object (and timers) per node; the kubelet logic in NodeAgent reads
/// and writes these columns.

#include "kubesim/api/node.hpp"
#include "kubesim/base/rng.hpp"
#include "kubesim/base/time.hpp"
#include "kubesim/base/token_bucket.hpp"
#include "kubesim/node/container_runtime.hpp"
#include "kubesim/node/image_cache.hpp"
#include "kubesim/sim/event.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kubesim::node {

using NodeIndex = std::uint32_t;

/// A watch channel id that names no live watch.
inline constexpr std::uint32_t kNoChannel = 0xFFFFFFFFU;

struct NodePool {
  /// The Node object each kubelet registers (name, labels, taints, capacity, allocatable).
  std::vector<api::Node> registration;
  /// spec.taints of the Node as its kubelet last read it (the registration, then each status sync's
  /// GET): admission rejects pods that do not tolerate its NoExecute taints.
  std::vector<std::vector<api::Taint>> known_taints;
  /// Resources admitted on the node: sums over the pods the kubelet is running or starting.
  std::vector<std::int64_t> admitted_milli_cpu;
  std::vector<std::int64_t> admitted_memory;
  std::vector<std::int32_t> admitted_pods;
  /// Images on the node's image filesystem, and when the node's serialized image puller is next free.
  std::vector<ImageCache> image_cache;
  std::vector<base::SimTime> puller_free_at;
  /// The node's container runtime (an index into NodeAgent's resolved runtimes) and its
  /// registryPullQPS / registryBurst limiter on starting pulls.
  std::vector<ContainerRuntimeKind> runtime;
  std::vector<base::TokenBucket> pull_limiter;
  /// Bytes of the image filesystem (0: unknown, image GC never runs), and whether the last image GC
  /// pass failed (upstream's prevImageGCFailed: a second failure in a row records ImageGCFailed).
  std::vector<std::int64_t> image_fs_capacity;
  std::vector<std::uint8_t> image_gc_failed;
  /// Per-node random stream (latency draws), derived from the node index so that adding a node does not
  /// shift any other node's draws.
  std::vector<base::Rng> rng;
  /// Counter for pod IPs handed out on the node.
  std::vector<std::uint32_t> next_pod_ip;

  // --- Liveness and heartbeats -------------------------------------------------------------------------

  /// The kubelet process runs (false before start(), after crash() and after remove()).
  std::vector<std::uint8_t> running;
  /// The node is cut off from the API server (partition()): no requests out, no watch events in.
  std::vector<std::uint8_t> partitioned;
  /// The Node was deleted from the cluster (remove()); its kubelet never comes back.
  std::vector<std::uint8_t> removed;
  /// The watch channel whose events the kubelet currently believes (kNoChannel while it has no watch).
  std::vector<std::uint32_t> watch_channel;
  /// The node's one pending KubeletHeartbeat event, and when its Lease renewal and status computation
  /// are next due (the event fires at the earlier of the two).
  std::vector<sim::EventId> heartbeat;
  std::vector<std::uint8_t> heartbeat_pending;
  std::vector<base::SimTime> next_lease_renew;
  std::vector<base::SimTime> next_status_update;
  /// When the kubelet last PATCHed its node status (nodeStatusReportFrequency counts from here), and when
  /// it first created its Lease (spec.acquireTime).
  std::vector<base::SimTime> last_status_report;
  std::vector<base::SimTime> lease_acquired;

  // --- Eviction manager ---------------------------------------------------------------------------------

  /// MemoryPressure as the kubelet reports it, and when memory.available was last seen below the
  /// threshold (the condition clears evictionPressureTransitionPeriod later).
  std::vector<std::uint8_t> memory_pressure;
  std::vector<base::SimTime> memory_pressure_seen;
  /// The node's one pending KubeletHousekeeping event (only while it runs profiled containers or is
  /// under pressure).
  std::vector<std::uint8_t> housekeeping_pending;

  [[nodiscard]] std::size_t size() const { return registration.size(); }
  [[nodiscard]] const std::string& name(NodeIndex n) const { return registration[n].metadata.name; }
  /// True when the kubelet runs and can reach the API server.
  [[nodiscard]] bool connected(NodeIndex n) const { return running[n] != 0 && partitioned[n] == 0; }
  /// Appends a node; returns its index.
  NodeIndex add(api::Node node, base::Rng rng);
  void reserve(std::size_t n);
};

}  // namespace kubesim::node
