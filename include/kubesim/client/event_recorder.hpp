#pragma once

/// EventRecorder: how a component reports Kubernetes Events (client-go tools/record), in simulated time.
///
/// Each event goes through client-go's EventCorrelator before it is written through the component's
/// own client (so it counts against that client's rate limit and request counts, as upstream):
///   1. aggregation: the 10th distinct message with the same source, object, type and reason within
///      10 minutes turns into one event "(combined from similar events): <message>";
///   2. de-duplication: an event seen before (same source, object, type, reason and message) updates
///      the existing Event object: count + 1 and a new lastTimestamp;
///   3. spam filter: each source + object may burst 25 events, refilled at one per 5 minutes; the rest
///      are dropped.
/// The caches are LRUs of 4,096 entries as upstream, so memory stays bounded in long runs.
///
/// Events are named "<object name>.<hex of the simulated time in ns>" (upstream uses the wall clock)
/// and live in the object's namespace ("default" for cluster-scoped objects such as Nodes).

#include "kubesim/base/token_bucket.hpp"
#include "kubesim/client/client.hpp"

#include <cstdint>
#include <list>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

namespace kubesim::client {

/// A string-keyed LRU cache with deterministic (ordered) lookup.
template <class V> class LruCache {
 public:
  explicit LruCache(std::size_t capacity) : capacity_(capacity) {}

  /// The entry for `key`, marked most recently used; nullptr when absent.
  V* find(const std::string& key) {
    auto it = map_.find(key);
    if (it == map_.end()) {
      return nullptr;
    }
    order_.splice(order_.begin(), order_, it->second.second);
    return &it->second.first;
  }
  /// Inserts or replaces `key`, evicting the least recently used entry when full.
  V& put(const std::string& key, V value) {
    if (V* v = find(key)) {
      *v = std::move(value);
      return *v;
    }
    if (map_.size() >= capacity_) {
      map_.erase(order_.back());
      order_.pop_back();
    }
    order_.push_front(key);
    auto [it, _] = map_.emplace(key, std::make_pair(std::move(value), order_.begin()));
    return it->second.first;
  }
  [[nodiscard]] std::size_t size() const { return map_.size(); }

 private:
  std::size_t capacity_;
  std::list<std::string> order_;  // most recently used first
  // Hashed, not ordered: the keys are long and share long prefixes (component, host, kind, namespace),
  // which made every tree step a long memcmp. Never iterated, so its order cannot reach the output.
  std::unordered_map<std::string, std::pair<V, std::list<std::string>::iterator>> map_;
};

/// The involvedObject reference for any stored object.
template <class T> api::ObjectReference reference_to(const T& obj) {
  return api::ObjectReference{std::string(api::kind_name(api::kind_of<T>)), obj.metadata.namespace_, obj.metadata.name,
                              obj.metadata.uid, std::string(api::kind_api_version(api::kind_of<T>))};
}

class EventRecorder {
 public:
  /// Events are written through `client` with source.component = `component`.
  EventRecorder(sim::Simulation& sim, Client& client, std::string component);

  /// Records one event about `object`. `host` is the source host (the node, for kubelet events).
  void record(const api::ObjectReference& object, std::string_view type, std::string_view reason, std::string message,
              std::string_view host = {});

  /// Events written (created or counted up) and dropped by the spam filter.
  [[nodiscard]] std::uint64_t written() const { return written_; }
  [[nodiscard]] std::uint64_t dropped() const { return dropped_; }

 private:
  struct Aggregate {
    std::set<std::string> messages;
    base::SimTime last;
  };
  struct Observation {
    std::int32_t count = 0;
    base::SimTime first;
    std::string name;
    bool written = false;  // the Event object exists (a repeat of a dropped event creates it)
  };

  std::string next_name(const std::string& object_name);

  sim::Simulation& sim_;
  Client& client_;
  std::string component_;
  LruCache<base::TokenBucket> spam_;
  LruCache<Aggregate> aggregates_;
  LruCache<Observation> observed_;
  std::int64_t last_stamp_ = -1;
  std::uint64_t written_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace kubesim::client
