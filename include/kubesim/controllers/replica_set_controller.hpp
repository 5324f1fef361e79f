#pragma once

/// ReplicaSetController (pkg/controller/replicaset/replica_set.go, K8S-SEMANTICS §7): keeps
/// spec.replicas active pods for each ReplicaSet.
///
/// - Pods are the RS's when their controller ownerReference names it; orphans matching its selector are
///   adopted (ownerReference added), owned pods that stop matching are released.
/// - Creation: at most BurstReplicas = 500 per sync, in slow-start batches 1, 2, 4, … that wait for the
///   API server's replies; the first batch with an error stops the rest (skipped pods are subtracted
///   from the expectations) and the key is retried with back-off.
/// - Deletion: the pods ranked first by upstream's ActivePodsWithRanks order (unscheduled, Pending,
///   not ready, lower pod-deletion-cost, more co-located siblings, more recently ready, more restarts,
///   newer — with LogarithmicScaleDown's log2 time buckets and UID tie-breaks).
/// - Expectations keep it from acting again before its informer has seen its own writes.
/// - Status (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration) is
///   written when it changes; with minReadySeconds the RS is looked at again when pods become available.
/// Events: SuccessfulCreate, FailedCreate, SuccessfulDelete, FailedDelete.

#include "kubesim/controllers/controller.hpp"
#include "kubesim/controllers/expectations.hpp"

#include <memory>
#include <vector>

namespace kubesim::controllers {

inline constexpr std::int32_t kBurstReplicas = 500;
inline constexpr std::string_view kPodDeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

/// Orders `pods` (all active, all of one ReplicaSet) so that the first ones are deleted first.
/// `related` are the active pods of every ReplicaSet with the same owner (for the co-location rank).
void rank_pods_for_deletion(std::vector<std::shared_ptr<const api::Pod>>& pods,
                            const std::vector<std::shared_ptr<const api::Pod>>& related, base::SimTime now);

class ReplicaSetController final : public Controller {
 public:
  ReplicaSetController(ControllerManager& manager, std::uint32_t index);
  ~ReplicaSetController() override;

  void start() override;
  ReconcileResult reconcile(const std::string& key) override;
  void on_reply(const client::Reply& reply) override;

  [[nodiscard]] const Expectations& expectations() const { return expectations_; }

 private:
  class RsHandler;
  class PodHandler;
  friend class RsHandler;
  friend class PodHandler;

  /// A sync that waits for its creations or deletions (one per busy worker).
  struct Pending {
    std::string key;
    std::shared_ptr<const api::ReplicaSet> rs;
    std::int32_t to_create = 0;  // pods not yet requested
    std::int32_t batch = 0;      // size of the next slow-start batch
    std::int32_t outstanding = 0;
    bool failed = false;
  };

  void on_pod_added(const std::shared_ptr<const api::Pod>& pod);
  void on_pod_updated(const std::shared_ptr<const api::Pod>& old_pod, const std::shared_ptr<const api::Pod>& pod);
  void on_pod_deleted(const std::shared_ptr<const api::Pod>& pod);
  /// The ReplicaSet the pod's controller ref names, if it exists in the cache with that uid.
  std::shared_ptr<const api::ReplicaSet> resolve_owner(const api::Pod& pod) const;
  /// ReplicaSets of the pod's namespace whose selector matches it (for orphans).
  void enqueue_matching(const api::Pod& pod);
  void enqueue_rs(const api::ReplicaSet& rs) { enqueue(client::cache_key(rs.metadata)); }

  void issue_batch(std::uint32_t worker);
  void update_status(const api::ReplicaSet& rs, const std::vector<std::shared_ptr<const api::Pod>>& pods);

  std::unique_ptr<RsHandler> rs_handler_;
  std::unique_ptr<PodHandler> pod_handler_;
  client::Informer* rs_informer_ = nullptr;
  client::Informer* pod_informer_ = nullptr;
  Expectations expectations_;
  std::vector<Pending> pending_;  // by worker index
  /// Keys of the pods a worker is deleting, by reply ordinal.
  std::vector<std::vector<std::string>> deleting_names_;
};

}  // namespace kubesim::controllers
