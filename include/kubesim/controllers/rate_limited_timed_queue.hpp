#pragma once

/// RateLimitedTimedQueue: the node lifecycle controller's per-zone queue of nodes waiting for their
/// NoExecute taint (pkg/controller/nodelifecycle/scheduler/rate_limited_queue.go), in simulated time.
///
/// - A value (node name) is queued once: add() of a value still in the set is refused. Values leave the
///   heap when processed but stay in the set (RemoveFromQueue), so a tainted node is not queued again
///   until remove() — called when the node becomes Ready — forgets it.
/// - try_process(now, fn) walks the heap in (processAt, insertion) order; every item costs one token
///   of the limiter (a token bucket of burst 1: the zone's eviction rate in nodes per second) and the
///   walk stops at the first refusal or at an item not yet due. fn returns {done, retry_after}: done
///   removes the item from the heap, otherwise it is retried at now + retry_after + 1 ns.
/// - swap_limiter(qps) replaces the limiter when the zone changes state; qps <= 0 is the "never"
///   limiter. As upstream, a new limiter starts drained when the old one had no token left.

#include "kubesim/base/time.hpp"
#include "kubesim/base/token_bucket.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace kubesim::controllers {

class RateLimitedTimedQueue {
 public:
  /// A queue whose limiter allows `qps` values per second (burst 1), starting with one token.
  explicit RateLimitedTimedQueue(double qps);

  /// Queues `value` due at `now`; false if it is already in the set.
  bool add(const std::string& value, base::SimTime now);
  /// Forgets `value` (heap and set); true if it was in the set.
  bool remove(std::string_view value);
  /// Processes due values as the limiter allows (see the header comment).
  template <class Fn> void try_process(base::SimTime now, Fn&& fn);
  /// Replaces the limiter (no-op when `qps` is unchanged).
  void swap_limiter(double qps, base::SimTime now);

  [[nodiscard]] double qps() const { return qps_; }
  /// Values waiting in the heap.
  [[nodiscard]] std::size_t queued() const { return heap_.size(); }
  [[nodiscard]] bool empty() const { return heap_.empty(); }
  /// Whether `value` is in the set (queued or processed but not yet removed).
  [[nodiscard]] bool contains(std::string_view value) const { return members_.find(value) != members_.end(); }

 private:
  using Key = std::pair<base::SimTime, std::uint64_t>;  // (processAt, insertion order)
  bool try_accept(base::SimTime now);
  void remove_from_queue(std::string_view value);

  double qps_;
  std::optional<base::TokenBucket> limiter_;  // empty: the never-accepting limiter
  std::map<Key, std::string> heap_;
  /// Set members and, when queued, their heap key.
  std::map<std::string, std::optional<Key>, std::less<>> members_;
  std::uint64_t next_seq_ = 0;
};

template <class Fn> void RateLimitedTimedQueue::try_process(base::SimTime now, Fn&& fn) {
  while (!heap_.empty()) {
    if (!try_accept(now)) {
      break;
    }
    auto head = heap_.begin();
    if (now < head->first.first) {
      break;
    }
    std::string value = head->second;
    std::pair<bool, base::Duration> r = fn(value);
    heap_.erase(head);
    auto m = members_.find(value);
    if (r.first) {
      m->second.reset();
    } else {
      Key k{now + r.second + base::Duration::from_nanos(1), next_seq_++};
      heap_.emplace(k, value);
      m->second = k;
    }
  }
}

}  // namespace kubesim::controllers
