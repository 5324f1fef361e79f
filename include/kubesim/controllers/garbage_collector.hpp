#pragma once

/// GarbageCollector (pkg/controller/garbagecollector): deletes objects whose owners are gone, following
/// ownerReferences, and carries out Foreground and Orphan deletion.
///
/// - The ownership graph (graph_builder.go) is kept by uid from informers of every kind that owns or is
///   owned (Node, Pod, Service, ReplicaSet, Deployment, Job, Endpoints, EndpointSlice, Lease). Only
///   objects that have owners, have dependents or are being deleted with a GC finalizer are kept, so
///   a cluster of owner-less pods costs nothing. An owner referenced before it is observed is a
///   "virtual" node, verified from the informer cache and, failing that, with a live GET.
/// - attemptToDelete (garbagecollector.go): a dependent's owner references are classified as solid
///   (owner exists), dangling (owner absent, or another object under the same name) or waiting (owner
///   being deleted in the foreground). With a solid owner, dangling and waiting references are removed;
///   with none, the dependent is deleted — in the foreground when an owner waits for it and it has
///   dependents itself, otherwise with its own finalizers' policy (background by default).
/// - Foreground (processDeletingDependentsItem): an owner marked with the foregroundDeletion finalizer
///   waits until no dependent with blockOwnerDeletion is left, then the finalizer is removed and the
///   API server deletes it.
/// - Orphan (orphanDependents): the owner's reference is removed from every dependent, then the orphan
///   finalizer is removed.
/// Work items are uids; workers = concurrentGCSyncs (20).

#include "kubesim/controllers/controller.hpp"

#include <map>
#include <memory>
#include <set>
#include <vector>

namespace kubesim::controllers {

class GarbageCollector final : public Controller {
 public:
  GarbageCollector(ControllerManager& manager, std::uint32_t index);
  ~GarbageCollector() override;

  void start() override;
  ReconcileResult reconcile(const std::string& uid) override;

  /// Objects in the ownership graph (observed and virtual), for tests.
  [[nodiscard]] std::size_t graph_size() const { return graph_.size(); }

 private:
  class Handler;

  struct Node {
    api::Kind kind = api::Kind::Pod;
    std::string ns;
    std::string name;
    std::vector<api::OwnerReference> owners;
    std::set<std::string> dependents;  // uids
    bool observed = false;             // false: a virtual node, known only from a reference to it
    bool deleting = false;             // deletionTimestamp set
    bool foreground = false;           // deleting with the foregroundDeletion finalizer
    bool orphan = false;               // deleting with the orphan finalizer
  };

  void observe(api::Kind kind, const ObjectRef& obj);
  void forget(const ObjectRef& obj);
  void unlink_owner(const std::string& owner_uid, const std::string& dependent_uid);
  /// Whether the owner `ref` of an object in namespace `ns` exists with that uid (cache, then GET).
  bool owner_exists(const api::OwnerReference& ref, const std::string& ns);
  ReconcileResult attempt_to_delete(const std::string& uid, Node& n);
  ReconcileResult process_deleting_dependents(const std::string& uid, Node& n);
  ReconcileResult orphan_dependents(const std::string& uid, Node& n);
  /// Writes the object behind `n` with the owner references whose uid is in `drop` removed.
  void remove_owner_refs(const Node& n, const std::set<std::string>& drop);
  /// Writes the object behind `n` without finalizer `f`.
  void remove_finalizer(const Node& n, std::string_view f);

  std::vector<std::unique_ptr<Handler>> handlers_;
  std::map<std::string, Node, std::less<>> graph_;
};

}  // namespace kubesim::controllers
