#include "kubesim/client/client.hpp"

namespace kubesim::client {

Client::Client(apiserver::ApiServer& server, std::string_view name, Endpoint replies)
    : server_(&server), id_(server.register_client(name)), replies_(replies) {}

void Client::create(api::AnyObject object, std::uint64_t tag, bool want_reply) {
  server_->create(id_, std::move(object), want_reply ? replies_ : Endpoint{}, tag);
}

void Client::update(api::AnyObject object, std::uint64_t tag, bool want_reply) {
  server_->update(id_, std::move(object), want_reply ? replies_ : Endpoint{}, tag);
}

void Client::update_status(api::AnyObject object, std::uint64_t tag, bool want_reply) {
  server_->update_status(id_, std::move(object), want_reply ? replies_ : Endpoint{}, tag);
}

void Client::remove(api::Kind kind, std::string ns, std::string name, std::optional<std::int64_t> grace,
                    std::uint64_t tag, bool want_reply, Propagation propagation) {
  server_->remove(id_, kind, std::move(ns), std::move(name), want_reply ? replies_ : Endpoint{}, tag, grace,
                  propagation);
}

ObjectRef Client::get(api::Kind kind, std::string_view ns, std::string_view name) {
  return server_->get(id_, kind, ns, name);
}

void Client::bind(std::string ns, std::string name, std::string node_name, std::uint64_t tag, bool want_reply) {
  server_->bind(id_, std::move(ns), std::move(name), std::move(node_name), want_reply ? replies_ : Endpoint{}, tag);
}

void Client::list_and_watch(api::Kind kind, WatchFilter filter, Endpoint deliver_to) {
  server_->list_and_watch(id_, kind, std::move(filter), deliver_to);
}

Reply Client::take_reply(std::uint32_t slot) { return server_->take_reply(slot); }

WatchEvent Client::take_watch_event(std::uint32_t slot) { return server_->take_watch_event(slot); }

}  // namespace kubesim::client
