#include "kubesim/node/node_pool.hpp"

#include <algorithm>

namespace kubesim::node {

NodeIndex NodePool::add(api::Node node, base::Rng r) {
  auto idx = static_cast<NodeIndex>(registration.size());
  std::vector<std::string> cached;
  for (const api::ContainerImage& img : node.status.images) {
    cached.insert(cached.end(), img.names.begin(), img.names.end());
  }
  std::sort(cached.begin(), cached.end());
  registration.push_back(std::move(node));
  admitted_milli_cpu.push_back(0);
  admitted_memory.push_back(0);
  admitted_pods.push_back(0);
  images.push_back(std::move(cached));
  puller_free_at.push_back(base::SimTime::zero());
  rng.push_back(r);
  next_pod_ip.push_back(2);
  memory_pressure.push_back(0);
  memory_pressure_seen.push_back(base::SimTime::zero());
  housekeeping_pending.push_back(0);
  running.push_back(0);
  partitioned.push_back(0);
  removed.push_back(0);
  watch_channel.push_back(kNoChannel);
  heartbeat.push_back(0);
  heartbeat_pending.push_back(0);
  next_lease_renew.push_back(base::SimTime::zero());
  next_status_update.push_back(base::SimTime::zero());
  last_status_report.push_back(base::SimTime::zero());
  lease_acquired.push_back(base::SimTime::zero());
  return idx;
}

void NodePool::reserve(std::size_t n) {
  registration.reserve(n);
  admitted_milli_cpu.reserve(n);
  admitted_memory.reserve(n);
  admitted_pods.reserve(n);
  images.reserve(n);
  puller_free_at.reserve(n);
  rng.reserve(n);
  next_pod_ip.reserve(n);
  memory_pressure.reserve(n);
  memory_pressure_seen.reserve(n);
  housekeeping_pending.reserve(n);
  running.reserve(n);
  partitioned.reserve(n);
  removed.reserve(n);
  watch_channel.reserve(n);
  heartbeat.reserve(n);
  heartbeat_pending.reserve(n);
  next_lease_renew.reserve(n);
  next_status_update.reserve(n);
  last_status_report.reserve(n);
  lease_acquired.reserve(n);
}

}  // namespace kubesim::node
