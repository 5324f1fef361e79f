#pragma once

/// The kubelet eviction manager's memory rules (pkg/kubelet/eviction; K8S-SEMANTICS §9): which pod goes
/// first when memory.available is below its hard threshold, and the message the evicted pod carries.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::node {

/// A running pod the eviction manager may evict, with its working set and memory request summed over
/// its containers.
struct EvictionCandidate {
  std::string_view key;  // namespace/name: the deterministic tie-break
  std::int32_t priority = 0;
  std::int64_t usage = 0;
  std::int64_t request = 0;
  std::uint32_t row = 0;
};

/// Upstream rankMemoryPressure: pods using more than they request first, then lower priority first,
/// then larger usage above request first. (QoS falls out: a BestEffort pod always exceeds its zero
/// request, a Guaranteed pod never exceeds its request, which equals its limit.) Ties keep key order.
void rank_for_memory_pressure(std::vector<EvictionCandidate>& pods);

/// One container of the evicted pod, for the message.
struct ContainerMemory {
  std::string_view name;
  std::int64_t usage = 0;
  std::int64_t request = 0;
};

/// Upstream evictionMessage for the memory signal: "The node was low on resource: memory. Threshold
/// quantity: 100Mi, available: 51200Ki. Container app was using 2Gi, request is 0, has larger
/// consumption of memory. " (one sentence per container using more than it requests). Quantities print
/// as upstream's BinarySI String().
std::string memory_eviction_message(std::int64_t threshold, std::int64_t available,
                                    const std::vector<ContainerMemory>& containers);

}  // namespace kubesim::node
