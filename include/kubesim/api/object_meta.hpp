#pragma once

/// ObjectMeta and the small value types every Kubernetes object carries (labels, owner references).
/// Field names follow the Kubernetes API verbatim (`resourceVersion` → `resource_version`).

#include "kubesim/base/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kubesim::api {

using base::Duration;
using base::SimTime;

/// etcd's global revision: strictly increasing, bumped by every write (see store/object_store.hpp).
using ResourceVersion = std::uint64_t;

/// A string → string map kept sorted by key (labels, annotations, nodeSelector, Service selector).
/// Sorted storage makes iteration order deterministic and lookups O(log n) without hashing.
class StringMap {
 public:
  using Entry = std::pair<std::string, std::string>;

  StringMap() = default;
  StringMap(std::initializer_list<Entry> entries);

  /// The value for `key`, or nullptr.
  [[nodiscard]] const std::string* find(std::string_view key) const;
  [[nodiscard]] bool contains(std::string_view key) const { return find(key) != nullptr; }
  /// Inserts or replaces.
  void set(std::string key, std::string value);
  /// Removes `key` if present; returns whether it was.
  bool erase(std::string_view key);

  [[nodiscard]] bool empty() const { return entries_.empty(); }
  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  [[nodiscard]] auto begin() const { return entries_.begin(); }
  [[nodiscard]] auto end() const { return entries_.end(); }
  /// True when every entry of `subset` is present here with the same value (a nodeSelector or a
  /// Service selector matching a label set). An empty subset matches everything.
  [[nodiscard]] bool contains_all(const StringMap& subset) const;

  bool operator==(const StringMap&) const = default;

 private:
  std::vector<Entry> entries_;
};

struct OwnerReference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  bool controller = false;
  bool block_owner_deletion = false;
  bool operator==(const OwnerReference&) const = default;
};

/// metav1.ObjectMeta, restricted to the fields the simulation reads or writes.
struct ObjectMeta {
  std::string name;
  /// Empty for cluster-scoped kinds (Node, PriorityClass); defaulted to "default" for namespaced kinds.
  std::string namespace_;
  /// Prefix for a server-generated name when `name` is empty (ReplicaSet pods: "web-7c9f-").
  std::string generate_name;
  /// Assigned by the API server from a counter in creation order ("uid-000042"), never random.
  std::string uid;
  ResourceVersion resource_version = 0;
  std::int64_t generation = 0;
  SimTime creation_timestamp;
  /// Set when a graceful deletion has begun; the object is "terminating".
  std::optional<SimTime> deletion_timestamp;
  std::optional<std::int64_t> deletion_grace_period_seconds;
  StringMap labels;
  StringMap annotations;
  std::vector<OwnerReference> owner_references;
  std::vector<std::string> finalizers;

  bool operator==(const ObjectMeta&) const = default;

  /// The controlling owner (ownerReferences entry with controller: true), or nullptr.
  [[nodiscard]] const OwnerReference* controller_ref() const;
};

/// "namespace/name", or "name" for cluster-scoped objects: the key used in messages and outputs.
std::string object_key(const ObjectMeta& meta);

}  // namespace kubesim::api
