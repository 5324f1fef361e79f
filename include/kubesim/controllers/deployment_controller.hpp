#pragma once

/// DeploymentController (pkg/controller/deployment: deployment_controller.go, sync.go, rolling.go,
/// recreate.go, progress.go; K8S-SEMANTICS §7): rolls a Deployment's pod template out through
/// ReplicaSets.
///
/// - ReplicaSets: the one whose template equals the Deployment's (ignoring the pod-template-hash label)
///   is the *new* one, every other one it controls is *old*. The new one is created as
///   `<deployment>-<pod-template-hash>` with the hash in its selector, labels and template labels, a
///   controller ownerReference, and the annotations `deployment.kubernetes.io/revision` (max old + 1),
///   `desired-replicas` and `max-replicas`. A name taken by a foreign ReplicaSet bumps
///   status.collisionCount, which changes the hash. Orphan ReplicaSets matching the selector are
///   adopted; owned ones that stop matching are released.
/// - RollingUpdate: the new ReplicaSet grows while Σ spec.replicas ≤ replicas + maxSurge; old ones
///   shrink (unhealthy replicas first, then oldest ReplicaSet first) while available pods stay ≥
///   replicas − maxUnavailable and the new ReplicaSet's unavailable pods are accounted for.
/// - Recreate: old ReplicaSets go to 0; the new one is created or scaled up only once none of their
///   pods exist any more (terminating pods count).
/// - A change of spec.replicas during a rollout (or while paused) scales every active ReplicaSet in
///   proportion to its size (`scale`, from the max-replicas annotations); a paused Deployment is only
///   scaled, never rolled.
/// - Old ReplicaSets beyond revisionHistoryLimit are deleted once they have no pods.
/// - Status: replicas, updatedReplicas, readyReplicas, availableReplicas, unavailableReplicas,
///   observedGeneration, collisionCount and the conditions Available (MinimumReplicasAvailable /
///   MinimumReplicasUnavailable) and Progressing (NewReplicaSetCreated, FoundNewReplicaSet,
///   ReplicaSetUpdated, NewReplicaSetAvailable, ProgressDeadlineExceeded, DeploymentPaused,
///   DeploymentResumed, ReplicaSetCreateError); a rollout that stalls is looked at again when its
///   progressDeadlineSeconds runs out.
/// Events: ScalingReplicaSet ("Scaled up replica set web-7c9f8d4b6 to 3 from 0"; "Scaled up replica set
/// X to N" on creation), ReplicaSetCreateError, SelectingAll.
///
/// Simulated time: upstream's sync makes its API calls one after another; here a sync computes every
/// step on local copies (as upstream does with the objects its calls return), sends the writes — one
/// per object — and keeps its worker until every reply is in. The only write it waits for before going
/// on is the creation of the new ReplicaSet. A failed write (a Conflict with a newer version, say)
/// retries the key with back-off, at most 15 times, as upstream's handleErr.

#include "kubesim/controllers/controller.hpp"

#include <memory>
#include <vector>

namespace kubesim::controllers {

class DeploymentController final : public Controller {
 public:
  DeploymentController(ControllerManager& manager, std::uint32_t index);
  ~DeploymentController() override;

  void start() override;
  ReconcileResult reconcile(const std::string& key) override;
  void on_reply(const client::Reply& reply) override;

 private:
  class DeploymentHandler;
  class RsHandler;
  class PodHandler;
  friend class DeploymentHandler;
  friend class RsHandler;
  friend class PodHandler;
  /// The working state of one sync (one per worker): the Deployment and its ReplicaSets as copies that
  /// the sync's steps modify, and the writes in flight.
  struct Sync;

  // Informer handlers (deployment_controller.go).
  void on_rs_added(const api::ReplicaSet& rs);
  void on_rs_updated(const api::ReplicaSet& old_rs, const api::ReplicaSet& rs);
  void on_rs_deleted(const api::ReplicaSet& rs);
  void on_pod_deleted(const api::Pod& pod);
  /// resolveControllerRef: the Deployment a controller ref names, if cached with that uid.
  [[nodiscard]] std::shared_ptr<const api::Deployment> resolve_owner(const std::string& ns,
                                                                     const api::OwnerReference& ref) const;
  /// Deployments of the namespace whose selector matches the (orphan) ReplicaSet.
  void enqueue_matching(const api::ReplicaSet& rs);
  void enqueue_deployment(const api::Deployment& d);

  // The sync (sync.go, rolling.go, recreate.go, progress.go), in upstream's order.
  void claim_replica_sets(Sync& s);
  bool get_all_replica_sets_and_sync_revision(Sync& s, bool create);
  void set_deployment_revision(Sync& s, const std::string& revision);
  void check_paused_conditions(Sync& s);
  bool is_scaling_event(Sync& s);
  void sync_scale(Sync& s);
  void scale(Sync& s);
  void rollout_rolling(Sync& s);
  void rolling_with_new(Sync& s);
  bool reconcile_new_replica_set(Sync& s);
  bool reconcile_old_replica_sets(Sync& s);
  void rollout_recreate(Sync& s);
  void recreate_with_new(Sync& s);
  [[nodiscard]] bool old_pods_running(const Sync& s) const;
  bool scale_replica_set_and_record_event(Sync& s, std::size_t rs, std::int32_t new_scale);
  bool scale_replica_set(Sync& s, std::size_t rs, std::int32_t new_scale, std::string_view operation);
  void cleanup_deployment(Sync& s);
  void sync_deployment_status(Sync& s);
  void sync_rollout_status(Sync& s);
  void requeue_stuck_deployment(Sync& s, const api::DeploymentStatus& status);
  [[nodiscard]] api::DeploymentStatus calculate_status(const Sync& s) const;

  // Writes and replies.
  void issue_writes(Sync& s);
  void on_create_reply(Sync& s, const client::Reply& reply);
  /// The reconcile's result once nothing is in flight; nullopt while something is.
  [[nodiscard]] std::optional<ReconcileResult> result_if_done(const Sync& s) const;

  std::unique_ptr<DeploymentHandler> d_handler_;
  std::unique_ptr<RsHandler> rs_handler_;
  std::unique_ptr<PodHandler> pod_handler_;
  client::Informer* d_informer_ = nullptr;
  client::Informer* rs_informer_ = nullptr;
  client::Informer* pod_informer_ = nullptr;
  std::vector<std::unique_ptr<Sync>> syncs_;  // by worker
};

}  // namespace kubesim::controllers
