#pragma once

/// NodeResourcesFit: Filter rejects nodes without room for the pod's requests; Score ranks nodes by
/// the LeastAllocated strategy over cpu and memory (weights 1, 1). Upstream plugins/noderesources/fit.go
/// and least_allocated.go; formulas in K8S-SEMANTICS §2.3.
///
/// Filter (actual requests, no defaults): "Too many pods" when the node's pod count would exceed its
/// allocatable pods; "Insufficient cpu" / "memory" / "ephemeral-storage" / "<extended resource>" when a
/// requested amount exceeds allocatable − requested. All insufficient resources are reported.
/// Score (non-zero defaults for cpu and memory): per resource (alloc − req)·100/alloc, 0 when
/// over-committed; resources with alloc 0 are skipped; the node score is the weighted integer mean.

#include "kubesim/scheduler/framework/plugin.hpp"

namespace kubesim::scheduler {

class NodeResourcesFit final : public FilterPlugin, public ScorePlugin {
 public:
  static constexpr std::string_view kName = "NodeResourcesFit";
  [[nodiscard]] std::string_view name() const override { return kName; }

  Status filter(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  std::int64_t score(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;

  /// The LeastAllocated score of one resource: (capacity − requested)·100 / capacity, 0 if requested
  /// exceeds capacity or capacity is 0.
  static std::int64_t least_requested_score(std::int64_t requested, std::int64_t capacity);
};

}  // namespace kubesim::scheduler
