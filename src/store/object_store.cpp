#include "kubesim/store/object_store.hpp"

#include <algorithm>

namespace kubesim::store {

std::string_view store_error_name(StoreError e) {
  switch (e) {
  case StoreError::NotFound:
    return "NotFound";
  case StoreError::AlreadyExists:
    return "AlreadyExists";
  case StoreError::Conflict:
    return "Conflict";
  case StoreError::Expired:
    return "Expired";
  }
  return "Unknown";
}

std::string_view change_type_name(ChangeType t) {
  switch (t) {
  case ChangeType::Added:
    return "ADDED";
  case ChangeType::Modified:
    return "MODIFIED";
  case ChangeType::Deleted:
    return "DELETED";
  }
  return "UNKNOWN";
}

namespace {

template <class T> struct TypeTag { using type = T; };
using AnyTag = std::variant<TypeTag<api::Node>, TypeTag<api::Pod>, TypeTag<api::Service>, TypeTag<api::ReplicaSet>,
                            TypeTag<api::Deployment>, TypeTag<api::PriorityClass>, TypeTag<api::PodDisruptionBudget>,
                            TypeTag<api::Event>, TypeTag<api::Lease>, TypeTag<api::Endpoints>,
                            TypeTag<api::EndpointSlice>, TypeTag<api::Job>>;

// The C++ type of a Kind, as a value to std::visit on (alternatives in Kind order).
AnyTag type_tag(Kind kind) {
  switch (kind) {
  case Kind::Node:
    return TypeTag<api::Node>{};
  case Kind::Pod:
    return TypeTag<api::Pod>{};
  case Kind::Service:
    return TypeTag<api::Service>{};
  case Kind::ReplicaSet:
    return TypeTag<api::ReplicaSet>{};
  case Kind::Deployment:
    return TypeTag<api::Deployment>{};
  case Kind::PriorityClass:
    return TypeTag<api::PriorityClass>{};
  case Kind::PodDisruptionBudget:
    return TypeTag<api::PodDisruptionBudget>{};
  case Kind::Event:
    return TypeTag<api::Event>{};
  case Kind::Lease:
    return TypeTag<api::Lease>{};
  case Kind::Endpoints:
    return TypeTag<api::Endpoints>{};
  case Kind::EndpointSlice:
    return TypeTag<api::EndpointSlice>{};
  case Kind::Job:
    return TypeTag<api::Job>{};
  }
  KUBESIM_ASSERT(false, "unknown kind {}", static_cast<int>(kind));
  return TypeTag<api::Pod>{};
}

}  // namespace

const api::ObjectMeta& ObjectRef::meta() const {
  // Every object struct starts with `ObjectMeta metadata`, but we do not rely on layout: dispatch on kind.
  switch (kind) {
  case Kind::Node:
    return static_cast<const api::Node*>(ptr.get())->metadata;
  case Kind::Pod:
    return static_cast<const api::Pod*>(ptr.get())->metadata;
  case Kind::Service:
    return static_cast<const api::Service*>(ptr.get())->metadata;
  case Kind::ReplicaSet:
    return static_cast<const api::ReplicaSet*>(ptr.get())->metadata;
  case Kind::Deployment:
    return static_cast<const api::Deployment*>(ptr.get())->metadata;
  case Kind::PriorityClass:
    return static_cast<const api::PriorityClass*>(ptr.get())->metadata;
  case Kind::PodDisruptionBudget:
    return static_cast<const api::PodDisruptionBudget*>(ptr.get())->metadata;
  case Kind::Event:
    return static_cast<const api::Event*>(ptr.get())->metadata;
  case Kind::Lease:
    return static_cast<const api::Lease*>(ptr.get())->metadata;
  case Kind::Endpoints:
    return static_cast<const api::Endpoints*>(ptr.get())->metadata;
  case Kind::EndpointSlice:
    return static_cast<const api::EndpointSlice*>(ptr.get())->metadata;
  case Kind::Job:
    return static_cast<const api::Job*>(ptr.get())->metadata;
  }
  KUBESIM_ASSERT(false, "unknown kind {}", static_cast<int>(kind));
  return static_cast<const api::Pod*>(ptr.get())->metadata;
}

namespace {

// A copy of an object version with another resourceVersion (a DELETED event carries the deletion's
// revision, as upstream's watch does).
ObjectRef with_resource_version(const ObjectRef& ref, ResourceVersion rv) {
  return std::visit(
      [&](auto tag) -> ObjectRef {
        using T = typename decltype(tag)::type;
        auto copy = std::make_shared<T>(*ref.as<T>());
        copy->metadata.resource_version = rv;
        return ObjectRef{ref.kind, std::move(copy)};
      },
      type_tag(ref.kind));
}

}  // namespace

ObjectStore::ObjectStore(std::uint32_t history_window) : history_window_(std::max<std::uint32_t>(1, history_window)) {}

std::string ObjectStore::key_of(std::string_view ns, std::string_view name) {
  std::string k;
  k.reserve(ns.size() + name.size() + 1);
  k += ns;
  k += '/';
  k += name;
  return k;
}

void ObjectStore::record(const Change& c) {
  history_.push_back(c);
  if (history_.size() > history_window_) {
    history_.pop_front();
    compacted_ = true;
  }
}

base::Expected<Change, StoreError> ObjectStore::create_erased(Kind kind, std::shared_ptr<void> obj,
                                                              api::ObjectMeta& meta) {
  Bucket& bucket = buckets_[static_cast<std::size_t>(kind)];
  std::string key = key_of(meta.namespace_, meta.name);
  if (bucket.contains(key)) {
    return base::unexpected(StoreError::AlreadyExists);
  }
  meta.resource_version = ++rv_;
  ObjectRef ref{kind, std::move(obj)};
  bucket.emplace(std::move(key), ref);
  Change c{rv_, ChangeType::Added, ref, {}};
  record(c);
  return c;
}

base::Expected<Change, StoreError> ObjectStore::update_erased(Kind kind, std::shared_ptr<void> obj,
                                                              api::ObjectMeta& meta, ResourceVersion expected_rv) {
  Bucket& bucket = buckets_[static_cast<std::size_t>(kind)];
  auto it = bucket.find(key_of(meta.namespace_, meta.name));
  if (it == bucket.end()) {
    return base::unexpected(StoreError::NotFound);
  }
  if (expected_rv != 0 && it->second.meta().resource_version != expected_rv) {
    return base::unexpected(StoreError::Conflict);
  }
  meta.resource_version = ++rv_;
  ObjectRef previous = std::move(it->second);
  it->second = ObjectRef{kind, std::move(obj)};
  Change c{rv_, ChangeType::Modified, it->second, std::move(previous)};
  record(c);
  return c;
}

base::Expected<Change, StoreError> ObjectStore::remove(Kind kind, std::string_view ns, std::string_view name,
                                                       ResourceVersion expected_rv) {
  Bucket& bucket = buckets_[static_cast<std::size_t>(kind)];
  auto it = bucket.find(key_of(ns, name));
  if (it == bucket.end()) {
    return base::unexpected(StoreError::NotFound);
  }
  if (expected_rv != 0 && it->second.meta().resource_version != expected_rv) {
    return base::unexpected(StoreError::Conflict);
  }
  ++rv_;
  Change c{rv_, ChangeType::Deleted, with_resource_version(it->second, rv_), {}};
  bucket.erase(it);
  record(c);
  return c;
}

ObjectRef ObjectStore::get(Kind kind, std::string_view ns, std::string_view name) const {
  const Bucket& bucket = buckets_[static_cast<std::size_t>(kind)];
  auto it = bucket.find(key_of(ns, name));
  return it == bucket.end() ? ObjectRef{} : it->second;
}

std::vector<ObjectRef> ObjectStore::list(Kind kind, std::string_view ns) const {
  std::vector<ObjectRef> out;
  for (const auto& [key, ref] : buckets_[static_cast<std::size_t>(kind)]) {
    if (ns.empty() || ref.meta().namespace_ == ns) {
      out.push_back(ref);
    }
  }
  // Hash order must not leak: sort by (namespace, name).
  std::sort(out.begin(), out.end(), [](const ObjectRef& a, const ObjectRef& b) {
    const api::ObjectMeta& ma = a.meta();
    const api::ObjectMeta& mb = b.meta();
    return ma.namespace_ != mb.namespace_ ? ma.namespace_ < mb.namespace_ : ma.name < mb.name;
  });
  return out;
}

base::Expected<std::vector<Change>, StoreError> ObjectStore::changes_since(Kind kind, ResourceVersion from) const {
  // Upstream returns 410 Gone when the requested revision was compacted: every change after `from`
  // must still be in the window, i.e. from + 1 >= oldest kept revision.
  if (compacted_ && from + 1 < oldest_kept_rv()) {
    return base::unexpected(StoreError::Expired);
  }
  auto first = std::upper_bound(history_.begin(), history_.end(), from,
                                [](ResourceVersion rv, const Change& c) { return rv < c.rv; });
  std::vector<Change> out;
  for (auto it = first; it != history_.end(); ++it) {
    if (it->object.kind == kind) {
      out.push_back(*it);
    }
  }
  return out;
}

}  // namespace kubesim::store
