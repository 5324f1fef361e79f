#pragma once

/// Informer: client-go's shared informer for one kind. It LISTs and WATCHes through the API server
/// (so it sees changes after the server's watch delay), keeps the current version of every object in
/// a local cache, and tells its handlers about each add, update and delete.
///
/// One informer per kind is shared by every controller of the controller manager (upstream's
/// SharedInformerFactory), and the cache holds the store's immutable object versions by shared pointer,
/// so 100,000 pods cost one map of pointers however many controllers look at them.
///
/// The cache is ordered by "namespace/name": listing is deterministic and a namespace is a key range.

#include "kubesim/client/client.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::client {

/// What a controller implements to hear from an informer (ResourceEventHandler). Called synchronously
/// from the informer's watch event, after the cache was updated.
class InformerHandler {
 public:
  virtual ~InformerHandler() = default;
  virtual void on_add(const ObjectRef& obj) = 0;
  virtual void on_update(const ObjectRef& old_obj, const ObjectRef& new_obj) = 0;
  virtual void on_delete(const ObjectRef& old_obj) = 0;
};

class Informer {
 public:
  using Cache = std::map<std::string, ObjectRef, std::less<>>;

  Informer(api::Kind kind, WatchFilter filter = {}) : kind_(kind), filter_(std::move(filter)) {}

  /// Starts the LIST+WATCH through `client`; events arrive at `deliver_to`.
  void start(Client& client, Endpoint deliver_to);
  void add_handler(InformerHandler* handler) { handlers_.push_back(handler); }

  /// Applies one watch event to the cache and notifies the handlers.
  void handle(const WatchEvent& ev);

  [[nodiscard]] api::Kind kind() const { return kind_; }
  /// The cached object "namespace/name" (or "name" for cluster-scoped kinds); empty ObjectRef if none.
  [[nodiscard]] ObjectRef get(std::string_view key) const;
  [[nodiscard]] ObjectRef get(std::string_view ns, std::string_view name) const;
  /// Every cached object, in key order.
  [[nodiscard]] const Cache& cache() const { return cache_; }
  /// The objects of one namespace, in name order.
  [[nodiscard]] std::vector<ObjectRef> list_namespace(std::string_view ns) const;

 private:
  api::Kind kind_;
  WatchFilter filter_;
  Cache cache_;
  std::vector<InformerHandler*> handlers_;
};

/// "namespace/name" of an object, the informer's cache key (client-go MetaNamespaceKeyFunc).
std::string cache_key(const api::ObjectMeta& meta);
/// Splits a cache key into namespace and name (namespace empty for cluster-scoped keys).
std::pair<std::string_view, std::string_view> split_key(std::string_view key);

}  // namespace kubesim::client
