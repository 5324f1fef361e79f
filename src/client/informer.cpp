#include "kubesim/client/informer.hpp"

namespace kubesim::client {

std::string cache_key(const api::ObjectMeta& meta) {
  return meta.namespace_.empty() ? meta.name : meta.namespace_ + "/" + meta.name;
}

std::pair<std::string_view, std::string_view> split_key(std::string_view key) {
  std::size_t slash = key.find('/');
  if (slash == std::string_view::npos) {
    return {std::string_view(), key};
  }
  return {key.substr(0, slash), key.substr(slash + 1)};
}

void Informer::start(Client& client, Endpoint deliver_to) { client.list_and_watch(kind_, filter_, deliver_to); }

void Informer::handle(const WatchEvent& ev) {
  std::string key = cache_key(ev.object.meta());
  if (ev.type == ChangeType::Deleted) {
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      return;
    }
    ObjectRef old = std::move(it->second);
    cache_.erase(it);
    for (InformerHandler* h : handlers_) {
      h->on_delete(old);
    }
    return;
  }
  auto [it, inserted] = cache_.try_emplace(std::move(key), ev.object);
  if (inserted) {
    for (InformerHandler* h : handlers_) {
      h->on_add(ev.object);
    }
    return;
  }
  ObjectRef old = std::exchange(it->second, ev.object);
  for (InformerHandler* h : handlers_) {
    h->on_update(old, ev.object);
  }
}

ObjectRef Informer::get(std::string_view key) const {
  auto it = cache_.find(key);
  return it == cache_.end() ? ObjectRef{} : it->second;
}

ObjectRef Informer::get(std::string_view ns, std::string_view name) const {
  if (ns.empty()) {
    return get(name);
  }
  std::string key;
  key.reserve(ns.size() + 1 + name.size());
  key.append(ns).append("/").append(name);
  return get(key);
}

std::vector<ObjectRef> Informer::list_namespace(std::string_view ns) const {
  std::vector<ObjectRef> out;
  std::string prefix = std::string(ns) + "/";
  for (auto it = cache_.lower_bound(prefix); it != cache_.end() && it->first.starts_with(prefix); ++it) {
    out.push_back(it->second);
  }
  return out;
}

}  // namespace kubesim::client
