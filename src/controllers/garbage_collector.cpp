#include "kubesim/controllers/garbage_collector.hpp"

#include "kubesim/api/object.hpp"
#include "kubesim/controllers/controller_manager.hpp"

#include <algorithm>
#include <array>

namespace kubesim::controllers {
namespace {

// Kinds whose objects own others or are owned (graph_builder monitors every resource upstream).
constexpr std::array kMonitored = {api::Kind::Node,       api::Kind::Pod,           api::Kind::Service,
                                   api::Kind::ReplicaSet, api::Kind::Deployment,    api::Kind::Job,
                                   api::Kind::Endpoints,  api::Kind::EndpointSlice, api::Kind::Lease};

bool has_finalizer(const api::ObjectMeta& m, std::string_view f) {
  return std::find(m.finalizers.begin(), m.finalizers.end(), f) != m.finalizers.end();
}

}  // namespace

class GarbageCollector::Handler final : public client::InformerHandler {
 public:
  Handler(GarbageCollector& gc, api::Kind kind) : gc_(gc), kind_(kind) {}
  void on_add(const ObjectRef& obj) override { gc_.observe(kind_, obj); }
  void on_update(const ObjectRef& /*old_obj*/, const ObjectRef& obj) override { gc_.observe(kind_, obj); }
  void on_delete(const ObjectRef& obj) override { gc_.forget(obj); }

 private:
  GarbageCollector& gc_;
  api::Kind kind_;
};

GarbageCollector::GarbageCollector(ControllerManager& manager, std::uint32_t index)
    : Controller(manager, index, Options{"generic-garbage-collector", manager.config().concurrent_gc_syncs}) {}

GarbageCollector::~GarbageCollector() = default;

void GarbageCollector::start() {
  for (api::Kind k : kMonitored) {
    handlers_.push_back(std::make_unique<Handler>(*this, k));
    informer(k).add_handler(handlers_.back().get());
  }
}

// --- graph builder --------------------------------------------------------------------------------

void GarbageCollector::observe(api::Kind kind, const ObjectRef& obj) {
  const api::ObjectMeta& m = obj.meta();
  bool deleting = m.deletion_timestamp.has_value();
  bool foreground = deleting && has_finalizer(m, apiserver::kFinalizerForeground);
  bool orphan = deleting && has_finalizer(m, apiserver::kFinalizerOrphan);
  auto it = graph_.find(m.uid);
  if (it == graph_.end()) {
    if (m.owner_references.empty() && !foreground && !orphan) {
      return;  // neither owned nor owning (yet): nothing to collect
    }
    it = graph_.emplace(m.uid, Node{}).first;
  }
  Node& n = it->second;
  bool was_virtual = !n.observed;
  n.kind = kind;
  n.ns = m.namespace_;
  n.name = m.name;
  n.observed = true;
  n.deleting = deleting;
  n.foreground = foreground;
  n.orphan = orphan;

  // Owner references that went away.
  for (const api::OwnerReference& old : n.owners) {
    bool kept = std::any_of(m.owner_references.begin(), m.owner_references.end(),
                            [&](const api::OwnerReference& r) { return r.uid == old.uid; });
    if (!kept) {
      unlink_owner(old.uid, m.uid);
    }
  }
  // New ones; an owner never observed becomes a virtual node to verify.
  for (const api::OwnerReference& ref : m.owner_references) {
    auto [oit, inserted] = graph_.try_emplace(ref.uid);
    Node& owner = oit->second;
    if (inserted) {
      owner.kind = api::kind_from_name(ref.kind).value_or(api::Kind::Pod);
      owner.ns = api::is_namespaced(owner.kind) ? m.namespace_ : std::string();
      owner.name = ref.name;
      enqueue(ref.uid);
    }
    owner.dependents.insert(m.uid);
  }
  n.owners = m.owner_references;
  if (foreground || orphan) {
    enqueue(m.uid);
  }
  if (was_virtual && !n.dependents.empty()) {
    enqueue(m.uid);
  }
}

void GarbageCollector::unlink_owner(const std::string& owner_uid, const std::string& dependent_uid) {
  auto it = graph_.find(owner_uid);
  if (it == graph_.end()) {
    return;
  }
  it->second.dependents.erase(dependent_uid);
  if (it->second.foreground) {
    enqueue(owner_uid);  // one fewer dependent to wait for
  }
  if (it->second.dependents.empty() && !it->second.observed) {
    graph_.erase(it);
  }
}

void GarbageCollector::forget(const ObjectRef& obj) {
  const api::ObjectMeta& m = obj.meta();
  auto it = graph_.find(m.uid);
  if (it == graph_.end()) {
    return;
  }
  std::vector<api::OwnerReference> owners = std::move(it->second.owners);
  std::set<std::string> dependents = std::move(it->second.dependents);
  graph_.erase(it);
  for (const api::OwnerReference& ref : owners) {
    unlink_owner(ref.uid, m.uid);
  }
  // The owner is gone: every dependent is a candidate for deletion. They keep pointing at the uid, so
  // a virtual node stands in for the owner until they have been dealt with.
  if (!dependents.empty()) {
    Node& ghost = graph_[m.uid];
    ghost.kind = obj.kind;
    ghost.ns = m.namespace_;
    ghost.name = m.name;
    ghost.dependents = dependents;
    for (const std::string& d : dependents) {
      enqueue(d);
    }
  }
}

bool GarbageCollector::owner_exists(const api::OwnerReference& ref, const std::string& ns) {
  std::optional<api::Kind> kind = api::kind_from_name(ref.kind);
  if (!kind) {
    return false;
  }
  std::string owner_ns = api::is_namespaced(*kind) ? ns : std::string();
  // The cache first; a miss may only be lag, so confirm with a live lookup as upstream does.
  ObjectRef cached = informer(*kind).get(owner_ns, ref.name);
  if (cached && cached.meta().uid == ref.uid) {
    return true;
  }
  ObjectRef live = client_.get(*kind, owner_ns, ref.name);
  return live && live.meta().uid == ref.uid;
}

// --- workers --------------------------------------------------------------------------------------

ReconcileResult GarbageCollector::reconcile(const std::string& uid) {
  auto it = graph_.find(uid);
  if (it == graph_.end()) {
    return ReconcileResult::done();
  }
  Node& n = it->second;
  if (!n.observed) {
    // A virtual node: does the owner exist after all?
    api::OwnerReference ref{std::string(api::kind_api_version(n.kind)), std::string(api::kind_name(n.kind)), n.name,
                            uid};
    if (owner_exists(ref, n.ns)) {
      ObjectRef cached = informer(n.kind).get(n.ns, n.name);
      if (cached && cached.meta().uid == uid) {
        observe(n.kind, cached);
      }
      return ReconcileResult::done();
    }
    for (const std::string& d : std::set<std::string>(n.dependents)) {
      enqueue(d);
    }
    return ReconcileResult::done();
  }
  if (n.orphan) {
    return orphan_dependents(uid, n);
  }
  if (n.foreground) {
    return process_deleting_dependents(uid, n);
  }
  return attempt_to_delete(uid, n);
}

ReconcileResult GarbageCollector::attempt_to_delete(const std::string& uid, Node& n) {
  if (n.deleting || n.owners.empty()) {
    return ReconcileResult::done();
  }
  std::set<std::string> dangling;
  std::set<std::string> waiting;
  bool solid = false;
  for (const api::OwnerReference& ref : n.owners) {
    auto oit = graph_.find(ref.uid);
    bool exists = oit != graph_.end() && oit->second.observed ? true : owner_exists(ref, n.ns);
    if (!exists) {
      dangling.insert(ref.uid);
    } else if (oit != graph_.end() && oit->second.foreground) {
      waiting.insert(ref.uid);
    } else {
      solid = true;
    }
  }
  if (solid) {
    if (!dangling.empty() || !waiting.empty()) {
      std::set<std::string> drop = dangling;
      drop.insert(waiting.begin(), waiting.end());
      remove_owner_refs(n, drop);
    }
    return ReconcileResult::done();
  }
  apiserver::Propagation policy = apiserver::Propagation::Background;
  if (!waiting.empty() && !n.dependents.empty()) {
    policy = apiserver::Propagation::Foreground;  // the waiting owner must also wait for our dependents
  }
  client_.remove(n.kind, n.ns, n.name, std::nullopt, 0, false, policy);
  (void)uid;
  return ReconcileResult::done();
}

ReconcileResult GarbageCollector::process_deleting_dependents(const std::string& uid, Node& n) {
  bool blocked = false;
  for (const std::string& d : n.dependents) {
    auto dit = graph_.find(d);
    if (dit == graph_.end()) {
      continue;
    }
    for (const api::OwnerReference& ref : dit->second.owners) {
      if (ref.uid == uid && ref.block_owner_deletion) {
        blocked = true;
        enqueue(d);
      }
    }
  }
  if (!blocked) {
    remove_finalizer(n, apiserver::kFinalizerForeground);
  }
  return ReconcileResult::done();
}

ReconcileResult GarbageCollector::orphan_dependents(const std::string& uid, Node& n) {
  for (const std::string& d : n.dependents) {
    auto dit = graph_.find(d);
    if (dit != graph_.end() && dit->second.observed) {
      remove_owner_refs(dit->second, {uid});
    }
  }
  remove_finalizer(n, apiserver::kFinalizerOrphan);
  return ReconcileResult::done();
}

void GarbageCollector::remove_owner_refs(const Node& n, const std::set<std::string>& drop) {
  ObjectRef cur = informer(n.kind).get(n.ns, n.name);
  if (!cur) {
    return;
  }
  api::visit_kind(n.kind, [&](const auto* tag) {
    using T = std::remove_cv_t<std::remove_pointer_t<decltype(tag)>>;
    T next = *cur.template as<T>();
    std::erase_if(next.metadata.owner_references, [&](const api::OwnerReference& r) { return drop.contains(r.uid); });
    next.metadata.resource_version = 0;
    client_.update(api::AnyObject(std::move(next)));
  });
}

void GarbageCollector::remove_finalizer(const Node& n, std::string_view f) {
  ObjectRef cur = informer(n.kind).get(n.ns, n.name);
  if (!cur || !has_finalizer(cur.meta(), f)) {
    return;
  }
  api::visit_kind(n.kind, [&](const auto* tag) {
    using T = std::remove_cv_t<std::remove_pointer_t<decltype(tag)>>;
    T next = *cur.template as<T>();
    std::erase(next.metadata.finalizers, std::string(f));
    next.metadata.resource_version = 0;
    client_.update(api::AnyObject(std::move(next)));
  });
}

}  // namespace kubesim::controllers
