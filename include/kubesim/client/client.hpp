#pragma once

/// Client: a component's handle onto the API server, carrying its identity (for request counts and
/// rate limits) and the endpoints where it wants replies and watch events delivered. Controllers, the
/// scheduler and kubelets use this and the types re-exported here; they never include store/ or reach
/// into the server's internals, as in Kubernetes.

#include "kubesim/apiserver/api_server.hpp"

#include <string>
#include <string_view>

namespace kubesim::client {

using apiserver::Endpoint;
using apiserver::Propagation;
using apiserver::Reply;
using apiserver::ResultCode;
using apiserver::WatchEvent;
using apiserver::WatchFilter;
using store::ChangeType;
using store::ObjectRef;

class Client {
 public:
  /// Registers `name` with the server. `replies` is where replies to this client's requests are
  /// delivered when a request asks for one.
  Client(apiserver::ApiServer& server, std::string_view name, Endpoint replies = {});

  void create(api::AnyObject object, std::uint64_t tag = 0, bool want_reply = false);
  void update(api::AnyObject object, std::uint64_t tag = 0, bool want_reply = false);
  void update_status(api::AnyObject object, std::uint64_t tag = 0, bool want_reply = false);
  void remove(api::Kind kind, std::string ns, std::string name, std::optional<std::int64_t> grace = std::nullopt,
              std::uint64_t tag = 0, bool want_reply = false, Propagation propagation = Propagation::Default);
  /// GET, served at once from the API server's watch cache (a "live lookup", counted).
  [[nodiscard]] ObjectRef get(api::Kind kind, std::string_view ns, std::string_view name);
  /// Binds a pod to a node (pods/binding); the reply, if wanted, says whether it took.
  void bind(std::string ns, std::string name, std::string node_name, std::uint64_t tag = 0, bool want_reply = true);
  /// Starts an informer-style LIST+WATCH; events arrive at `deliver_to`.
  void list_and_watch(api::Kind kind, WatchFilter filter, Endpoint deliver_to);
  /// Payload accessors for the dispatcher's reply and watch events.
  [[nodiscard]] Reply take_reply(std::uint32_t slot);
  [[nodiscard]] WatchEvent take_watch_event(std::uint32_t slot);

  [[nodiscard]] apiserver::ClientId id() const { return id_; }

 private:
  apiserver::ApiServer* server_;
  apiserver::ClientId id_;
  Endpoint replies_;
};

}  // namespace kubesim::client
