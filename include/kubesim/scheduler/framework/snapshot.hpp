#pragma once

/// Snapshot: the nodes of the cluster, with their pods, as plugins see them in a scheduling cycle
/// (kube-scheduler's internal cache snapshot). The scheduler keeps one up to date from its watches;
/// `kubesim schedule` builds one from a file.
///
/// Nodes are listed in upstream's node-tree order: zones (region + zone labels) interleaved round-robin
/// in the order they were first seen, nodes of a zone in the order they were added. Filters walk this
/// list from the round-robin start index.

#include "kubesim/scheduler/framework/node_info.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kubesim::scheduler {

class Snapshot {
 public:
  Snapshot() = default;
  // index_ and order_ point into slots_: a copy would share the originals' NodeInfos. A move keeps
  // them (a deque's elements stay where they are), as the unique_ptr storage it replaced did.
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;
  Snapshot(Snapshot&&) = default;
  Snapshot& operator=(Snapshot&&) = default;
  /// Every node in node-tree order.
  [[nodiscard]] std::span<NodeInfo* const> nodes() const { return order_; }
  [[nodiscard]] std::size_t size() const { return order_.size(); }
  /// The node named `name`, or nullptr.
  [[nodiscard]] NodeInfo* find(std::string_view name) const;
  /// How many nodes have the NodeInfo flag set (unschedulable or has_taints, the flags of
  /// FilterShortcut::PassUnlessFlag); for any other member, the node count (not counted: assume every
  /// node may have it).
  [[nodiscard]] std::int32_t nodes_flagged(bool NodeInfo::*flag) const;
  /// How many nodes have the (normalized) image (ImageLocality's spread factor).
  [[nodiscard]] std::int32_t num_nodes_with_image(std::string_view image) const;
  /// Nodes with at least one pod that has pod (anti-)affinity terms, and with at least one pod that has
  /// required anti-affinity terms (upstream HavePodsWithAffinityNodeInfoList and
  /// HavePodsWithRequiredAntiAffinityNodeInfoList). Order: when they gained such a pod.
  [[nodiscard]] std::span<NodeInfo* const> nodes_with_pod_affinity() const { return with_affinity_; }
  [[nodiscard]] std::span<NodeInfo* const> nodes_with_required_anti_affinity() const {
    return with_required_anti_affinity_;
  }

  /// Adds a node, or updates it when one of that name exists (pods stay). Returns it.
  NodeInfo& upsert_node(std::shared_ptr<const api::Node> node);
  /// Removes a node and its pods.
  void remove_node(std::string_view name);

  /// Called by NodeInfo::add_pod/remove_pod when a node's count of such pods goes 0 → 1 or 1 → 0.
  void note_affinity_node(NodeInfo* node, bool required_anti_affinity, bool has_now);

 private:
  void rebuild_order();
  /// Adds (+1) or removes (-1) the node's images and flags to or from the counts.
  void count_node(const NodeInfo& n, std::int32_t delta);
  void add_to_zone(NodeInfo* n);
  void remove_from_zone(NodeInfo* n);

  // NodeInfos live in one deque, chunks of contiguous records, so that the round-robin walk of Filter
  // over order_ (insertion order within a zone) reads memory mostly in sequence instead of one scattered
  // heap block per node. push_back keeps pointers valid; a removed node's slot is reset and reused.
  std::deque<NodeInfo> slots_;
  std::vector<NodeInfo*> free_slots_;
  // Transparent hashing: find() looks names up by string_view without building a std::string (the
  // scheduler does it at least once per pod per cycle).
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, NodeInfo*, NameHash, std::equal_to<>> index_;  // name → its slot
  std::vector<NodeInfo*> order_;
  // The node tree: zone keys in first-seen order and each zone's nodes in insertion order.
  std::vector<std::string> zones_;
  std::vector<std::vector<NodeInfo*>> zone_nodes_;
  std::map<std::string, std::int32_t, std::less<>> image_nodes_;
  // nodes_flagged(): the flags the default profile's PassUnlessFlag filters look at.
  static constexpr std::array<bool NodeInfo::*, 2> kCountedFlags = {&NodeInfo::unschedulable, &NodeInfo::has_taints};
  std::array<std::int32_t, kCountedFlags.size()> flagged_{};
  std::vector<NodeInfo*> with_affinity_;
  std::vector<NodeInfo*> with_required_anti_affinity_;
};

/// Upstream utilnode.GetZoneKey: "region:\x00:zone" from the topology labels (or their deprecated
/// failure-domain.beta.kubernetes.io forms); empty when the node has neither.
std::string zone_key(const api::Node& node);

}  // namespace kubesim::scheduler
