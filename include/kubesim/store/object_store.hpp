#pragma once

/// ObjectStore: the etcd model. Typed buckets keyed by (kind, namespace, name), one global
/// ResourceVersion bumped by every write, optimistic concurrency, and a bounded history of changes
/// from which watches replay.
///
/// Objects are immutable once stored: a write stores a new version and the previous one lives on only
/// as long as someone (the history window, a watch event in flight, an informer cache) still refers to
/// it. Versions are shared through std::shared_ptr<const T>: this is the one place where kubesim uses
/// reference counting, because sharing immutable snapshots is exactly what client-go's informers do
/// and it spares every consumer a copy of every object.
///
/// The store knows nothing about time, clients or latency: the API server (apiserver/) drives it.

#include "kubesim/api/kind.hpp"
#include "kubesim/api/object.hpp"
#include "kubesim/base/expected.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kubesim::store {

using api::Kind;
using api::ResourceVersion;

enum class StoreError : std::uint8_t {
  NotFound,       // no object with that key
  AlreadyExists,  // create of an existing key
  Conflict,       // resourceVersion precondition failed
  Expired,        // watch from a resourceVersion older than the history window (HTTP 410 Gone)
};
std::string_view store_error_name(StoreError e);

enum class ChangeType : std::uint8_t { Added, Modified, Deleted };
std::string_view change_type_name(ChangeType t);

/// An immutable object version of any kind; `as<T>()` recovers the typed pointer.
struct ObjectRef {
  Kind kind = Kind::Pod;
  std::shared_ptr<const void> ptr;

  template <class T> [[nodiscard]] std::shared_ptr<const T> as() const {
    KUBESIM_ASSERT(kind == api::kind_of<T>, "ObjectRef holds a {}, not a {}", api::kind_name(kind),
                   api::kind_name(api::kind_of<T>));
    return std::static_pointer_cast<const T>(ptr);
  }
  /// The object itself, without touching the reference count (for readers that do not keep it).
  template <class T> [[nodiscard]] const T& get() const {
    KUBESIM_ASSERT(kind == api::kind_of<T>, "ObjectRef holds a {}, not a {}", api::kind_name(kind),
                   api::kind_name(api::kind_of<T>));
    return *static_cast<const T*>(ptr.get());
  }
  [[nodiscard]] const api::ObjectMeta& meta() const;
  explicit operator bool() const { return ptr != nullptr; }
};

/// One write, as kept in the history and handed to watchers. For Deleted, `object` is the last state
/// (with the deletion's resourceVersion); for Modified, `previous` is the state it replaced.
struct Change {
  ResourceVersion rv = 0;
  ChangeType type = ChangeType::Added;
  ObjectRef object;
  ObjectRef previous;
};

class ObjectStore {
 public:
  /// `history_window`: how many changes are kept for watch replay (at least 1).
  explicit ObjectStore(std::uint32_t history_window);

  /// Stores a new object. Its metadata.resource_version is set to the new global revision.
  template <class T> base::Expected<Change, StoreError> create(T object) {
    auto p = std::make_shared<T>(std::move(object));
    api::ObjectMeta& meta = p->metadata;
    return create_erased(api::kind_of<T>, std::move(p), meta);
  }

  /// Replaces an existing object. When `expected_rv` is non-zero it must equal the stored object's
  /// resourceVersion, else Conflict (optimistic concurrency, as with etcd's compare-and-swap).
  template <class T> base::Expected<Change, StoreError> update(T object, ResourceVersion expected_rv) {
    auto p = std::make_shared<T>(std::move(object));
    api::ObjectMeta& meta = p->metadata;
    return update_erased(api::kind_of<T>, std::move(p), meta, expected_rv);
  }

  /// Removes an object (same precondition rule as update).
  base::Expected<Change, StoreError> remove(Kind kind, std::string_view ns, std::string_view name,
                                            ResourceVersion expected_rv = 0);

  /// The current version, or an empty ref.
  [[nodiscard]] ObjectRef get(Kind kind, std::string_view ns, std::string_view name) const;
  template <class T> [[nodiscard]] std::shared_ptr<const T> get(std::string_view ns, std::string_view name) const {
    ObjectRef r = get(api::kind_of<T>, ns, name);
    return r ? r.as<T>() : nullptr;
  }

  /// Every object of `kind` (optionally in one namespace), sorted by (namespace, name).
  [[nodiscard]] std::vector<ObjectRef> list(Kind kind, std::string_view ns = {}) const;
  [[nodiscard]] std::size_t count(Kind kind) const { return buckets_[static_cast<std::size_t>(kind)].size(); }

  /// The changes of `kind` with rv > `from`, oldest first; Expired if some of them already left the
  /// history window. O(log h + k) for h kept changes and k returned.
  [[nodiscard]] base::Expected<std::vector<Change>, StoreError> changes_since(Kind kind, ResourceVersion from) const;

  /// The latest revision (0 before the first write).
  [[nodiscard]] ResourceVersion current_rv() const { return rv_; }
  /// The oldest revision still in the history window (0 when nothing was compacted yet).
  [[nodiscard]] ResourceVersion oldest_kept_rv() const { return history_.empty() ? 0 : history_.front().rv; }

 private:
  struct Key {
    std::string ns;
    std::string name;
  };
  using Bucket = std::unordered_map<std::string, ObjectRef>;  // "ns/name" → current version

  base::Expected<Change, StoreError> create_erased(Kind kind, std::shared_ptr<void> obj, api::ObjectMeta& meta);
  base::Expected<Change, StoreError> update_erased(Kind kind, std::shared_ptr<void> obj, api::ObjectMeta& meta,
                                                   ResourceVersion expected_rv);
  void record(const Change& c);
  static std::string key_of(std::string_view ns, std::string_view name);

  std::array<Bucket, api::kKindCount> buckets_;
  std::deque<Change> history_;
  std::uint32_t history_window_;
  ResourceVersion rv_ = 0;
  bool compacted_ = false;
};

}  // namespace kubesim::store
