#include "kubesim/scheduler/framework/snapshot.hpp"

#include <algorithm>

namespace kubesim::scheduler {

std::string zone_key(const api::Node& node) {
  const api::StringMap& l = node.metadata.labels;
  const std::string* region = l.find("topology.kubernetes.io/region");
  if (region == nullptr) {
    region = l.find("failure-domain.beta.kubernetes.io/region");
  }
  const std::string* zone = l.find("topology.kubernetes.io/zone");
  if (zone == nullptr) {
    zone = l.find("failure-domain.beta.kubernetes.io/zone");
  }
  if (region == nullptr && zone == nullptr) {
    return {};
  }
  std::string key = region != nullptr ? *region : std::string();
  key += std::string(":\0:", 3);
  key += zone != nullptr ? *zone : std::string();
  return key;
}

NodeInfo* Snapshot::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : it->second;
}

std::int32_t Snapshot::num_nodes_with_image(std::string_view image) const {
  auto it = image_nodes_.find(image);
  return it == image_nodes_.end() ? 0 : it->second;
}

std::int32_t Snapshot::nodes_flagged(bool NodeInfo::*flag) const {
  for (std::size_t i = 0; i < kCountedFlags.size(); ++i) {
    if (kCountedFlags[i] == flag) {
      return flagged_[i];
    }
  }
  return static_cast<std::int32_t>(size());
}

void Snapshot::count_node(const NodeInfo& n, std::int32_t delta) {
  for (const ImageState& img : n.images) {
    image_nodes_[img.name] += delta;
  }
  for (std::size_t i = 0; i < kCountedFlags.size(); ++i) {
    flagged_[i] += n.*kCountedFlags[i] ? delta : 0;
  }
}

void Snapshot::note_affinity_node(NodeInfo* node, bool required_anti_affinity, bool has_now) {
  std::vector<NodeInfo*>& list = required_anti_affinity ? with_required_anti_affinity_ : with_affinity_;
  if (has_now) {
    list.push_back(node);
  } else {
    list.erase(std::find(list.begin(), list.end(), node));  // stable, so iteration order stays reproducible
  }
}

void Snapshot::add_to_zone(NodeInfo* n) {
  std::string z = zone_key(*n->node);
  auto it = std::find(zones_.begin(), zones_.end(), z);
  if (it == zones_.end()) {
    zones_.push_back(std::move(z));
    zone_nodes_.emplace_back();
    it = zones_.end() - 1;
  }
  zone_nodes_[static_cast<std::size_t>(it - zones_.begin())].push_back(n);
}

void Snapshot::remove_from_zone(NodeInfo* n) {
  for (auto& list : zone_nodes_) {
    auto it = std::find(list.begin(), list.end(), n);
    if (it != list.end()) {
      list.erase(it);
      return;
    }
  }
}

NodeInfo& Snapshot::upsert_node(std::shared_ptr<const api::Node> node) {
  const std::string name = node->metadata.name;
  auto it = index_.find(name);
  if (it != index_.end()) {
    NodeInfo& info = *it->second;
    std::string old_zone = zone_key(*info.node);
    count_node(info, -1);
    info.set_node(std::move(node));
    count_node(info, +1);
    if (zone_key(*info.node) != old_zone) {
      remove_from_zone(&info);
      add_to_zone(&info);
      rebuild_order();
    }
    return info;
  }
  NodeInfo* info = nullptr;
  if (free_slots_.empty()) {
    info = &slots_.emplace_back();
  } else {
    info = free_slots_.back();
    free_slots_.pop_back();
  }
  info->owner.snapshot = this;
  info->set_node(std::move(node));
  count_node(*info, +1);
  index_.emplace(name, info);
  add_to_zone(info);
  rebuild_order();
  return *info;
}

void Snapshot::remove_node(std::string_view name) {
  auto it = index_.find(name);
  if (it == index_.end()) {
    return;
  }
  NodeInfo* gone = it->second;
  count_node(*gone, -1);
  std::erase(with_affinity_, gone);
  std::erase(with_required_anti_affinity_, gone);
  remove_from_zone(gone);
  index_.erase(it);
  *gone = NodeInfo{};  // frees its pods and node; the slot is reused by the next new node
  free_slots_.push_back(gone);
  rebuild_order();
}

void Snapshot::rebuild_order() {
  // Take one node from each zone in turn (nodeTree.list upstream). O(nodes).
  order_.clear();
  order_.reserve(index_.size());
  for (std::size_t round = 0; order_.size() < index_.size(); ++round) {
    for (const auto& list : zone_nodes_) {
      if (round < list.size()) {
        order_.push_back(list[round]);
      }
    }
  }
}

}  // namespace kubesim::scheduler
