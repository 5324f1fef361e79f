#pragma once

/// DefaultPreemption (PostFilter): when no node fits a pod, look for lower-priority pods whose removal
/// would let it fit, pick one node, evict those pods ("victims") and nominate the node for the pod.
/// Upstream plugins/defaultpreemption/default_preemption.go and framework/preemption/preemption.go
/// (v1.28–v1.32, K8S-SEMANTICS §5).
///
/// Steps of post_filter:
///  1. Eligibility: a pod with preemptionPolicy Never is not eligible ("not eligible due to
///     preemptionPolicy=Never."); a pod whose nominated node is not UnschedulableAndUnresolvable for
///     it and still holds a lower-priority pod terminating because of scheduler preemption waits
///     ("not eligible due to a terminating pod on the nominated node.").
///  2. Potential nodes: every snapshot node whose filter status is not UnschedulableAndUnresolvable.
///     None → FitError over all nodes with "Preemption is not helpful for scheduling" and the pod's
///     nomination is cleared.
///  3. Dry run from a random offset (the handle's rng) over the potential nodes, stopping once there is
///     a non-PDB-violating candidate and at least num_candidates() candidates (upstream runs the nodes in
///     parallel and cancels; here they run in order, which is one of upstream's possible outcomes).
///  4. select_victims_on_node on a copy of each node and a clone of the CycleState: remove every pod
///     of lower priority, run the profile's filters (with nominated pods, through the handle); reprieve
///     PDB-violating pods first, then the others, most important first. Every removal and re-addition
///     goes through the PreFilter extensions (handle.run_pre_filter_extension_remove_pod/add_pod), so
///     PodTopologySpread's and InterPodAffinity's counts follow the node copy.
///  5. pick_one_node: criteria (a)–(f) of K8S-SEMANTICS §5; the final tie goes to the first remaining
///     candidate in dry-run order (upstream: Go map order).
///  6. handle.preempt(): DisruptionTarget condition + delete for each victim, lower-priority nominations
///     on the node cleared; the result nominates the node.
/// Messages are prefixed "preemption: " as upstream; a failed dry run reports a FitError over the
/// potential nodes, e.g. "preemption: 0/3 nodes are available: 3 No preemption victims found for
/// incoming pod.".
///
/// Args: DefaultPreemptionArgs (minCandidateNodesPercentage 0..100, minCandidateNodesAbsolute >= 0,
/// not both 0).

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kubesim::scheduler {

class DefaultPreemption final : public PostFilterPlugin {
 public:
  static constexpr std::string_view kName = "DefaultPreemption";
  static constexpr std::string_view kNoVictimsReason = "No preemption victims found for incoming pod";
  static constexpr std::string_view kNotHelpfulReason = "Preemption is not helpful for scheduling";
  static constexpr std::string_view kNeverMessage = "not eligible due to preemptionPolicy=Never.";
  static constexpr std::string_view kTerminatingMessage =
      "not eligible due to a terminating pod on the nominated node.";

  /// Pods to evict on one node, most important first, and how many of them violate a PDB.
  struct Victims {
    std::vector<std::shared_ptr<const api::Pod>> pods;
    std::int32_t num_pdb_violations = 0;
  };
  struct Candidate {
    std::string node;
    Victims victims;
  };

  DefaultPreemption(DefaultPreemptionArgs args, FrameworkHandle& handle) : args_(args), handle_(&handle) {}

  /// Accepts monostate (defaults) or DefaultPreemptionArgs; rejects out-of-range values with upstream's
  /// validation messages.
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);

  [[nodiscard]] std::string_view name() const override { return kName; }
  Status post_filter(CycleState& state, const PodInfo& pod, std::span<const NodeStatus> statuses,
                     PostFilterResult& result) override;

  /// calculateNumCandidates: num_nodes * percentage / 100, at least the absolute minimum, at most
  /// num_nodes.
  [[nodiscard]] std::int32_t num_candidates(std::int32_t num_nodes) const;
  /// PodEligibleToPreemptOthers; `nominated_status` is the filter status of the pod's nominated node
  /// (nullptr when it was not evaluated). On false, `message` says why.
  [[nodiscard]] bool is_eligible(const api::Pod& pod, const Status* nominated_status, std::string& message) const;
  /// SelectVictimsOnNode on `node`, a copy the call modifies, with `state`, a clone of the cycle's
  /// state (CycleState::clone) that the PreFilter extensions update as pods leave and return. Success
  /// with the victims, or the status that rules the node out (UnschedulableAndUnresolvable "No
  /// preemption victims found for incoming pod" when nothing has lower priority, or the filters'
  /// rejection), or the Error of a PreFilter extension.
  Status select_victims_on_node(CycleState& state, const PodInfo& pod, NodeInfo& node, Victims& victims);
  /// pickOneNodeForPreemption over non-empty `candidates`; returns an index into it.
  [[nodiscard]] static std::size_t pick_one_node(std::span<const Candidate> candidates);
  /// util.MoreImportantPod: higher priority, then earlier status.startTime (unset = latest).
  [[nodiscard]] static bool more_important(const api::Pod& a, const api::Pod& b);
  /// filterPodsWithPDBViolation: splits `pods` (kept in order) into those whose eviction would take a
  /// matching PDB below zero disruptionsAllowed (counting earlier pods) and the rest. A PDB matches a
  /// pod of its namespace through a non-empty selector; pods in status.disruptedPods do not count.
  static std::pair<std::vector<PodInfo>, std::vector<PodInfo>> split_by_pdb_violation(const std::vector<PodInfo>& pods,
                                                                                      const ClusterObjects& objects);

 private:
  DefaultPreemptionArgs args_;
  FrameworkHandle* handle_;
};

}  // namespace kubesim::scheduler
