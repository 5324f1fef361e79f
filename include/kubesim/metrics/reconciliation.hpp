#pragma once

/// Reconciliation metrics: how long the control loops take to bring the cluster back to what was asked
/// for, measured from the API server's writes (so in simulated time and independent of the machine).
///
/// - Rollouts: a Deployment's spec change (a new metadata.generation, including its creation) starts a
///   rollout; it completes at the first write of the Deployment whose status says the rollout is done,
///   upstream's DeploymentComplete: observedGeneration >= generation and updatedReplicas, replicas and
///   availableReplicas all equal spec.replicas. A spec change before completion supersedes the running
///   rollout (which then never completes: it is reported as superseded).
/// - Node faults: when a node stops (crashNode, partition, removeNodes) its live controller-owned pods
///   are lost. Each lost pod is made up for by a replacement (a pod of the same owner, created after the
///   fault, reaching Running: after the 5-minute taint-based eviction and the ReplicaSet's replacement)
///   or, once the node is back (recoverNode, heal), by the lost pod itself serving (Ready, not
///   terminating) again. The fault is recovered when every lost pod is made up for.
/// - Endpoints convergence: from a pod's Ready condition turning True to its first listing as a ready
///   endpoint in an EndpointSlice; and from a listed pod turning unready, terminating or deleted to the
///   slice no longer listing it as ready.

#include "kubesim/api/deployment.hpp"
#include "kubesim/api/endpoints.hpp"
#include "kubesim/api/pod.hpp"
#include "kubesim/base/time.hpp"
#include "kubesim/metrics/pod_lifecycle.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::metrics {

struct RolloutRecord {
  std::string namespace_;
  std::string name;
  std::int64_t generation = 0;
  std::int32_t replicas = 0;
  SimTime started;
  std::optional<SimTime> completed;
  bool superseded = false;
};

struct NodeFaultRecord {
  std::string node;
  std::string action;
  SimTime at;
  std::int32_t pods_lost = 0;
  /// Lost pods made up for by a replacement, and by themselves serving again after the node came back.
  std::int32_t replaced = 0;
  std::int32_t returned = 0;
  /// When the last lost pod was made up for (pods_lost == replaced + returned); at `at` when nothing
  /// was lost.
  std::optional<SimTime> recovered;
};

class ReconciliationTracker {
 public:
  void observe_deployment(SimTime now, const api::Deployment* before, const api::Deployment* after);
  void observe_pod(SimTime now, const api::Pod* before, const api::Pod* after);
  void observe_endpoint_slice(SimTime now, const api::EndpointSlice* before, const api::EndpointSlice* after);
  /// `node` stopped serving its pods at `now` (`action` names the timeline action).
  void node_fault(SimTime now, std::string_view node, std::string_view action);
  /// `node` is back (recoverNode, heal): its lost pods that serve again make up for themselves.
  void node_back(SimTime now, std::string_view node);

  [[nodiscard]] const std::vector<RolloutRecord>& rollouts() const { return rollouts_; }
  [[nodiscard]] const std::vector<NodeFaultRecord>& node_faults() const { return faults_; }
  /// Every endpoint convergence latency, in the order the slices converged.
  [[nodiscard]] const std::vector<Duration>& endpoint_convergence() const { return endpoint_latencies_; }

 private:
  // A live pod with a controller owner: where it runs, for node faults.
  struct OwnedPod {
    std::string node;
    std::string owner_uid;
    bool serving = false;
  };
  // A fault whose lost pods are not all made up for yet.
  struct OpenFault {
    std::size_t record = 0;
    std::string node;
    bool node_back = false;
    std::map<std::string, std::string, std::less<>> outstanding;  // lost pod uid → owner uid
  };

  void pod_ready_changed(SimTime now, const std::string& key, bool ready);
  void count_replacement(SimTime now, const std::string& owner_uid, SimTime created);
  void count_return(SimTime now, const std::string& uid);
  /// Closes the open faults with nothing outstanding.
  void close_recovered(SimTime now);

  std::vector<RolloutRecord> rollouts_;
  // namespace/name → index of the Deployment's open rollout in rollouts_.
  std::map<std::string, std::size_t, std::less<>> open_rollouts_;

  std::vector<NodeFaultRecord> faults_;
  std::vector<OpenFault> open_faults_;
  std::map<std::string, OwnedPod, std::less<>> owned_pods_;  // by uid

  // namespace/name of a pod → since when it is ready but not yet listed as a ready endpoint / listed
  // but no longer ready; how many slices list it as ready.
  std::map<std::string, SimTime, std::less<>> ready_since_;
  std::map<std::string, SimTime, std::less<>> unready_since_;
  std::map<std::string, std::int32_t, std::less<>> listed_ready_;
  std::vector<Duration> endpoint_latencies_;
};

}  // namespace kubesim::metrics
