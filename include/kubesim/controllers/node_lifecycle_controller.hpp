#pragma once

/// NodeLifecycleController (pkg/controller/nodelifecycle/node_lifecycle_controller.go, K8S-SEMANTICS §6):
/// decides from heartbeats whether nodes are alive, and taints the ones that are not.
///
/// - Health, every node_monitor_period (5 s, a periodic ControllerTimer): a node's probe timestamp moves
///   to "now" whenever its Ready condition's lastHeartbeatTime changed or its Lease's renewTime advanced
///   since the last pass. When now > probe + grace (node_startup_grace_period 60 s while the node has
///   never posted a Ready condition, node_monitor_grace_period 40 s after), Ready, MemoryPressure,
///   DiskPressure and PIDPressure become Unknown (reason NodeStatusUnknown, "Kubelet stopped posting
///   node status.") through the status subresource.
/// - On a Ready → not-Ready transition it records NodeNotReady on the Node ("Node n status is now:
///   NodeNotReady") and marks every pod on the node Ready=False (MarkPodsNotReady, a Warning NodeNotReady
///   "Node is not ready" event per pod), so they leave Service endpoints; a pod bound to a not-Ready node
///   later is marked too.
/// - NoSchedule condition taints follow node updates at once (a work-queue key per node):
///   not-ready / unreachable from Ready False / Unknown; memory-pressure, disk-pressure, pid-pressure,
///   network-unavailable from those conditions being True; unschedulable from spec.unschedulable.
/// - NoExecute: a node whose Ready is False / Unknown (as seen at the start of a pass) goes into its
///   zone's RateLimitedTimedQueue; a pass every 100 ms (only while some queue holds a node) adds
///   not-ready:NoExecute or unreachable:NoExecute, swapping one for the other in place. Ready = True
///   removes both and forgets the node.
/// - Zones (topology.kubernetes.io/region + zone labels; nodes labelled
///   node.kubernetes.io/exclude-disruption do not count): FullDisruption when no node is Ready and at
///   least one is not; PartialDisruption when more than 2 are not Ready and they are at least
///   unhealthy_zone_threshold (0.55) of the zone; Normal otherwise. The zone's limiter runs at
///   node_eviction_rate (0.1/s) in Normal and FullDisruption, at secondary_node_eviction_rate (0.01/s) in
///   PartialDisruption when the zone has more than large_cluster_size_threshold (50) nodes, else 0.
///   When every zone is in FullDisruption the controller removes the NoExecute taints of all nodes and
///   stops (rate 0) until a node is Ready again, and then resets every probe timestamp to now.
/// - Taint writes are conditional on the resourceVersion the controller read; a conflict re-reads the
///   Node and retries, at most 5 times (upstream's UpdateTaintBackoff).
/// Events: RegisteredNode, RemovingNode, NodeNotReady (Node); NodeNotReady (Warning, pods).

#include "kubesim/controllers/controller.hpp"
#include "kubesim/controllers/pods_by_node.hpp"
#include "kubesim/controllers/rate_limited_timed_queue.hpp"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kubesim::controllers {

/// Taint keys the node lifecycle controller manages (k8s.io/api/core/v1 well_known_taints.go).
inline constexpr std::string_view kTaintNodeNotReady = "node.kubernetes.io/not-ready";
inline constexpr std::string_view kTaintNodeUnreachable = "node.kubernetes.io/unreachable";
inline constexpr std::string_view kTaintNodeUnschedulable = "node.kubernetes.io/unschedulable";
inline constexpr std::string_view kTaintNodeMemoryPressure = "node.kubernetes.io/memory-pressure";
inline constexpr std::string_view kTaintNodeDiskPressure = "node.kubernetes.io/disk-pressure";
inline constexpr std::string_view kTaintNodePIDPressure = "node.kubernetes.io/pid-pressure";
inline constexpr std::string_view kTaintNodeNetworkUnavailable = "node.kubernetes.io/network-unavailable";
/// Nodes with this label are left out of zone disruption accounting.
inline constexpr std::string_view kLabelExcludeDisruption = "node.kubernetes.io/exclude-disruption";

enum class ZoneState : std::uint8_t { Initial, Normal, FullDisruption, PartialDisruption };
std::string_view zone_state_name(ZoneState s);

/// ComputeZoneState from the Ready statuses of a zone's nodes: {not-ready count, state}.
std::pair<std::int32_t, ZoneState> compute_zone_state(std::int32_t ready, std::int32_t not_ready,
                                                      double unhealthy_zone_threshold);
/// The eviction rate (nodes per second) of a zone of `zone_size` nodes in `state` (setLimiterInZone:
/// HealthyQPSFunc for Normal and FullDisruption, ReducedQPSFunc for PartialDisruption).
double zone_eviction_qps(const ControllerManagerConfig& config, ZoneState state, std::int32_t zone_size);
/// GetZoneKey: region + ":\0:" + zone from the node's topology labels, "" when it has neither.
std::string zone_key(const api::Node& node);

class NodeLifecycleController final : public Controller {
 public:
  NodeLifecycleController(ControllerManager& manager, std::uint32_t index);
  ~NodeLifecycleController() override;

  void start() override;
  ReconcileResult reconcile(const std::string& key) override;
  void on_reply(const client::Reply& reply) override;
  void on_timer(std::uint32_t arg) override;

  /// The state of a zone (by zone_key) after the last monitor pass; nullopt for an unknown zone.
  [[nodiscard]] std::optional<ZoneState> zone_state(const std::string& zone) const;
  /// Nodes waiting in a zone's NoExecute queue.
  [[nodiscard]] std::size_t queued_for_tainting(const std::string& zone) const;

 private:
  class NodeHandler;
  class PodHandler;

  /// nodeHealthData: what the controller last saw of a node.
  struct NodeHealth {
    std::optional<api::NodeCondition> saved_ready;  // Ready condition of the saved status
    SimTime probe;
    SimTime ready_transition;
    std::optional<SimTime> lease_renew;  // renewTime of the saved Lease
  };
  /// A taint change in flight: what to add and remove on `node`, retried on conflict.
  struct TaintSwap {
    std::string node;
    std::vector<api::Taint> add;
    std::vector<api::Taint> remove;
    std::int32_t attempt = 0;
  };
  struct Inflight {
    enum class Op : std::uint8_t { Taints, PodNotReady, NodeStatus } op = Op::Taints;
    TaintSwap swap;    // Taints
    std::string node;  // PodNotReady
  };

  void monitor_node_health();
  /// tryUpdateNodeHealth: returns the Ready condition as observed and as it is after this pass.
  std::pair<api::NodeCondition, std::optional<api::NodeCondition>> update_node_health(const api::Node& node);
  void process_taint_based_eviction(const api::Node& node, const api::NodeCondition& observed);
  void mark_node_for_tainting(const api::Node& node, api::ConditionStatus status);
  bool mark_node_as_reachable(const api::Node& node);
  void mark_pods_not_ready(const api::Node& node);
  void handle_disruption(const std::map<std::string, std::vector<std::optional<api::ConditionStatus>>>& zones);
  void set_limiter_in_zone(const std::string& zone, std::int32_t zone_size, ZoneState state);
  void do_no_execute_tainting_pass();
  void arm_tainting_pass();
  ReconcileResult do_no_schedule_tainting_pass(const std::string& name);
  ReconcileResult process_pod(const std::string& key);
  /// Sends `swap` against `node` unless it changes nothing; true if a request was sent.
  bool send_taint_swap(const api::Node& node, TaintSwap swap);
  void record_node_event(const api::Node& node, std::string_view type, std::string_view reason, std::string message);
  std::uint64_t track(Inflight inflight);

  std::unique_ptr<NodeHandler> node_handler_;
  std::unique_ptr<PodHandler> pod_handler_;
  client::Informer* node_informer_ = nullptr;
  client::Informer* pod_informer_ = nullptr;
  client::Informer* lease_informer_ = nullptr;
  PodsByNode pods_by_node_;

  std::map<std::string, NodeHealth, std::less<>> health_;
  std::set<std::string, std::less<>> known_nodes_;
  std::set<std::string, std::less<>> nodes_to_retry_;
  std::map<std::string, ZoneState> zone_states_;
  std::map<std::string, RateLimitedTimedQueue> zone_tainters_;
  std::map<std::uint64_t, Inflight> inflight_;
  std::uint64_t next_tag_ = 1;
  SimTime started_at_;
  bool tainting_armed_ = false;
};

}  // namespace kubesim::controllers
