#pragma once

/// MinCostFlow (Batch, research policy): places a whole batch of pending pods at once by solving a
/// min-cost flow, after Quincy (Isard et al., SOSP 2009) and Firmament (Gog et al., OSDI 2016). The
/// Scheduler hands it the batch as equivalence classes of identical pods, each with its feasible nodes
/// and their weighted Score totals (BatchClass); the plugin builds this network (Boost.Graph, inside
/// the .cpp only) and solves it with successive shortest paths:
///
///   source ─(count_c, 0)→ class c ─(slots(c,n), cost(c,n))→ node n ─(cap(n), 0 / tiers)→ sink
///                         class c ─(count_c, U)────────────────────────────────────────→ sink
///
///   cost(c,n) = max_score − score(c,n)         in score points; scaled to [0, 2^20] when larger
///   slots(c,n) = how many pods of c fit in n's free room: min over cpu, memory, ephemeral-storage,
///               every requested scalar of floor((allocatable − requested) / request), and the free
///               pod count; at least 1 (Filter said the pod fits)
///   cap(n)    = min over the classes with an arc to n of slots(c,n)
///   U         = (pods + 1) · (largest path cost + 1)
///
/// Because cap(n) uses the largest pods that may land on n, any mix of at most cap(n) pods of those
/// classes fits n's free resources, per resource: the flow never over-commits cpu, memory or pods. It
/// does not see the other filters between pods of one batch (host ports, pod anti-affinity, topology
/// spread); the Scheduler re-checks Filter before each bind. U exceeds any set of placements, so the
/// flow places as many pods as the network allows and, among those placements, minimizes the total
/// cost: an exact optimum of the network, not a greedy order.
///
/// With `loadCost` L > 0, the node → sink capacity is split into tiers: the k-th pod of the batch on a
/// node (k = 0, 1, 2, 3) costs k·L more, and every further pod 4·L. This makes the cost convex in the
/// batch's load on a node, so identical pods spread instead of filling the best-scoring node first.
///
/// Arcs: each class keeps its best-scoring nodes (ties: the order Filter found them) until it has
/// `candidateNodes` of them and their slots hold the whole class. Network size: V ≤ 2 + classes +
/// distinct nodes, E ≤ classes·(arcs + 2) + 5·nodes; successive shortest paths runs at most `pods`
/// Dijkstra searches, O(pods · E log V).
///
/// Args (MinCostFlowArgs): batchSize (default 256), candidateNodes (32), loadCost (0). Determinism:
/// the graph is built in class order and node first-seen order, and Boost's Dijkstra breaks ties by
/// that order; nothing random.

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace kubesim::scheduler {

class MinCostFlow final : public BatchPlugin {
 public:
  static constexpr std::string_view kName = "MinCostFlow";

  /// Accepts monostate (defaults) or MinCostFlowArgs, validated like upstream's ValidateXArgs
  /// ("batchSize: Invalid value: 0: not in valid range [1, 10000]").
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);
  explicit MinCostFlow(const MinCostFlowArgs& args) : args_(args) {}

  [[nodiscard]] std::string_view name() const override { return kName; }
  [[nodiscard]] std::int32_t batch_size() const override { return args_.batch_size; }
  /// Builds and solves the network above. Never fails for valid input.
  Status assign(std::span<const BatchClass> classes, std::int64_t max_score,
                std::span<const NodeInfo*> placements) override;

  /// slots(c, n) without the floor of 1: how many pods with `pod`'s requests fit in `node`'s free room.
  static std::int64_t slots(const PodInfo& pod, const NodeInfo& node);

  /// The last network solved, for tests and benchmarks.
  struct Stats {
    std::int64_t vertices = 0;
    std::int64_t arcs = 0;  // forward arcs, without Boost's reverse edges
    std::int64_t placed = 0;
    std::int64_t cost = 0;  // total cost of the placed pods (without U)
  };
  [[nodiscard]] const Stats& last_stats() const { return stats_; }

 private:
  MinCostFlowArgs args_;
  Stats stats_;
};

}  // namespace kubesim::scheduler
