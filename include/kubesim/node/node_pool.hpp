#pragma once

/// NodePool: the state of every virtual node as a struct of arrays indexed by NodeIndex. Thousands of
/// nodes cost a few vectors, not an object (and timers) per node; the kubelet logic in NodeAgent reads
/// and writes these columns.

#include "kubesim/api/node.hpp"
#include "kubesim/base/rng.hpp"
#include "kubesim/base/time.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kubesim::node {

using NodeIndex = std::uint32_t;

struct NodePool {
  /// The Node object each kubelet registers (name, labels, taints, capacity, allocatable).
  std::vector<api::Node> registration;
  /// Resources admitted on the node: sums over the pods the kubelet is running or starting.
  std::vector<std::int64_t> admitted_milli_cpu;
  std::vector<std::int64_t> admitted_memory;
  std::vector<std::int32_t> admitted_pods;
  /// Images present on the node (sorted), and when the node's serialized image puller is next free.
  std::vector<std::vector<std::string>> images;
  std::vector<base::SimTime> puller_free_at;
  /// Per-node random stream (latency draws), derived from the node index so that adding a node does not
  /// shift any other node's draws.
  std::vector<base::Rng> rng;
  /// Counter for pod IPs handed out on the node.
  std::vector<std::uint32_t> next_pod_ip;

  [[nodiscard]] std::size_t size() const { return registration.size(); }
  [[nodiscard]] const std::string& name(NodeIndex n) const { return registration[n].metadata.name; }
  /// Appends a node; returns its index.
  NodeIndex add(api::Node node, base::Rng rng);
  void reserve(std::size_t n);
};

}  // namespace kubesim::node
