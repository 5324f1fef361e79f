#pragma once

/// DisruptionController (pkg/controller/disruption/disruption.go): keeps the status of every
/// PodDisruptionBudget, which the Eviction API and preemption read.
///
/// - Pods: those of the PDB's namespace its selector matches (a missing selector matches none, an empty one
///   all, as policy/v1).
/// - expectedPods and desiredHealthy: minAvailable as an integer → len(pods) and that integer; a percentage
///   minAvailable or any maxUnavailable → the summed scale of the pods' controllers (a Deployment's replicas
///   for pods of its ReplicaSets, otherwise the ReplicaSet's), scaled with round-up, desiredHealthy =
///   expected − maxUnavailable (at least 0). Pods without a controller are left out of the scale and
///   reported (UnmanagedPods); a controller that cannot be found fails the sync
///   (CalculateExpectedPodCountFailed), which then writes disruptionsAllowed 0 with the DisruptionAllowed
///   condition False/SyncFailed (failSafe).
/// - currentHealthy: Ready pods that are not terminating and not in disruptedPods;
///   disruptionsAllowed = max(currentHealthy − desiredHealthy, 0), and 0 while expectedPods is 0.
/// - disruptedPods: entries of pods now terminating or gone are dropped; one whose pod was not deleted within
///   2 minutes is dropped with a NotDeleted event on the pod; the PDB is looked at again when the next
///   entry expires.
/// - The DisruptionAllowed condition: True/SufficientPods when disruptions are allowed, else
///   False/InsufficientPods. Status is written (with the cached resourceVersion as precondition) only when
///   it changes. Events: NoPods, CalculateExpectedPodCountFailed, UnmanagedPods, MultiplePodDisruptionBudgets.
/// Not modelled: StatefulSets, ReplicationControllers and the scale subresource of other kinds; the stale
/// DisruptionTarget pod condition cleanup.

#include "kubesim/api/pod_disruption_budget.hpp"
#include "kubesim/controllers/controller.hpp"

#include <memory>
#include <string>
#include <vector>

namespace kubesim::controllers {

/// How long an eviction may take before its disruptedPods entry is dropped (DeletionTimeout).
inline constexpr base::Duration kPdbDeletionTimeout = base::Duration::from_seconds(120);

class DisruptionController final : public Controller {
 public:
  DisruptionController(ControllerManager& manager, std::uint32_t index);
  ~DisruptionController() override;

  void start() override;
  ReconcileResult reconcile(const std::string& key) override;
  void on_reply(const client::Reply& reply) override;

 private:
  class PdbHandler;
  class PodHandler;

  struct Pending {
    std::string key;
    std::shared_ptr<const api::PodDisruptionBudget> pdb;
    bool fail_safe = false;  // the write in flight is failSafe's
    std::optional<Duration> recheck;
  };

  /// getPdbForPod: the first (by name) PDB of the pod's namespace whose selector matches it.
  void enqueue_pdb_for_pod(const api::Pod& pod);
  /// failSafe: disruptionsAllowed 0 with DisruptionAllowed False/SyncFailed and `message`.
  void fail_safe(std::uint32_t worker, const std::string& message);

  std::unique_ptr<PdbHandler> pdb_handler_;
  std::unique_ptr<PodHandler> pod_handler_;
  client::Informer* pdbs_ = nullptr;
  client::Informer* pods_ = nullptr;
  client::Informer* replica_sets_ = nullptr;
  client::Informer* deployments_ = nullptr;
  std::vector<Pending> pending_;  // by worker
};

}  // namespace kubesim::controllers
