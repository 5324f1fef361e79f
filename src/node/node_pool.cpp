#include "kubesim/node/node_pool.hpp"

namespace kubesim::node {

NodeIndex NodePool::add(api::Node node, base::Rng r) {
  auto idx = static_cast<NodeIndex>(registration.size());
  known_taints.push_back(node.spec.taints);
  registration.push_back(std::move(node));
  admitted_milli_cpu.push_back(0);
  admitted_memory.push_back(0);
  admitted_pods.push_back(0);
  image_cache.emplace_back();
  puller_free_at.push_back(base::SimTime::zero());
  runtime.push_back(ContainerRuntimeKind::Containerd);
  pull_limiter.emplace_back(0.0, 0);
  image_fs_capacity.push_back(0);
  image_gc_failed.push_back(0);
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
  known_taints.reserve(n);
  admitted_milli_cpu.reserve(n);
  admitted_memory.reserve(n);
  admitted_pods.reserve(n);
  image_cache.reserve(n);
  puller_free_at.reserve(n);
  runtime.reserve(n);
  pull_limiter.reserve(n);
  image_fs_capacity.reserve(n);
  image_gc_failed.reserve(n);
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
