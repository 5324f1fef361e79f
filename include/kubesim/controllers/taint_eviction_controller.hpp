#pragma once

/// TaintEvictionController (pkg/controller/tainteviction/taint_eviction.go; part of the node lifecycle
/// controller before v1.29, "taint-eviction-controller" since SeparateTaintEvictionController):
/// deletes the pods bound to nodes with NoExecute taints they do not tolerate.
///
/// - A node whose NoExecute taints change (or appear, or go) is looked at: each pod on it is processed
///   against the node's NoExecute taints; so is a pod that is bound or whose tolerations change.
/// - Processing a pod (processPodOnNode): no taints → a scheduled deletion is cancelled; a taint the pod
///   does not tolerate → deleted now; otherwise the matching tolerations' minimum tolerationSeconds
///   decides: none has one → tolerated forever (any scheduled deletion cancelled); a minimum m → the
///   deletion fires m seconds after the controller first saw the taint (upstream counts from when it
///   processed the change, not from taint.timeAdded). A pending deletion keeps its start when taints
///   change and fires at the earlier of its old and new time.
/// - Deleting (deletePodHandler): event TaintManagerEviction "Marking for deletion Pod ns/name", the
///   pod's DisruptionTarget condition (reason DeletionByTaintManager) through the status subresource,
///   then a DELETE with the pod's own grace period. A pod on a dead node therefore stays Terminating
///   (nobody confirms), drops out of its ReplicaSet's active pods and is replaced elsewhere.
/// - Cancelling a scheduled deletion records TaintManagerEviction "Cancelling deletion of Pod ns/name".
/// Deletion timers are ControllerTimer events (arg: slot), cancelled in the event queue when a deletion
/// is cancelled.

#include "kubesim/controllers/controller.hpp"
#include "kubesim/controllers/pods_by_node.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kubesim::controllers {

/// getMinTolerationTime over the tolerations matching `taints`: nullopt when some taint is not
/// tolerated (evict now); Duration::max() when tolerated forever; otherwise the minimum
/// tolerationSeconds (0 for a non-positive one).
std::optional<Duration> min_toleration_time(const std::vector<api::Taint>& taints,
                                            const std::vector<api::Toleration>& tolerations);

class TaintEvictionController final : public Controller {
 public:
  TaintEvictionController(ControllerManager& manager, std::uint32_t index);
  ~TaintEvictionController() override;

  void start() override;
  ReconcileResult reconcile(const std::string& key) override;
  void on_timer(std::uint32_t arg) override;

  /// When the deletion of pod "namespace/name" is due; nullopt when none is scheduled.
  [[nodiscard]] std::optional<SimTime> scheduled_eviction(const std::string& pod_key) const;

 private:
  class NodeHandler;
  class PodHandler;

  /// One TimedWorker: a scheduled deletion, or (fired) the marker that blocks another until cancelled.
  struct Work {
    SimTime created;
    SimTime fire_at;
    bool fired = false;
    sim::EventId timer = 0;
    std::uint32_t slot = 0;
  };

  ReconcileResult handle_node_update(const std::string& name);
  ReconcileResult handle_pod_update(const std::string& key);
  void process_pod_on_node(const std::string& key, const api::Pod& pod, const std::vector<api::Taint>& taints);
  void add_work(const std::string& key, SimTime created, SimTime fire_at);
  /// CancelWork + the cancellation event when a pending deletion was cancelled.
  void cancel_work_with_event(const std::string& key);
  void delete_pod(const std::string& key);

  std::unique_ptr<NodeHandler> node_handler_;
  std::unique_ptr<PodHandler> pod_handler_;
  client::Informer* node_informer_ = nullptr;
  client::Informer* pod_informer_ = nullptr;
  PodsByNode pods_by_node_;
  /// taintedNodes: the NoExecute taints of each node that has some.
  std::map<std::string, std::vector<api::Taint>, std::less<>> tainted_nodes_;
  std::map<std::string, Work, std::less<>> works_;
  /// Timer slot → pod key (the timer event carries only the slot).
  std::vector<std::string> slot_keys_;
  std::vector<std::uint32_t> free_slots_;
};

}  // namespace kubesim::controllers
