#pragma once

/// WorkQueue: client-go's rate-limited, delaying, de-duplicating work queue in simulated time.
///
/// - De-duplication (util/workqueue queue.go): a key is in the queue at most once (the *dirty* set). A
///   key added while a worker processes it is marked dirty and queued again when the worker calls
///   done(), so one key is never processed by two workers at once.
/// - Delays (delaying_queue.go): add_after(key, d) makes the key ready at now + d; the queue asks the
///   simulation to wake its owner (EventKind::ControllerWake with arg kQueueTimer) and on_timer() moves
///   due keys in. The earliest due time wins when a key is delayed twice.
/// - Rate limiting (default_rate_limiters.go DefaultControllerRateLimiter): add_rate_limited(key) waits
///   the larger of a per-key exponential back-off (5 ms doubling to 1000 s, reset by forget()) and an
///   overall token bucket (10 qps, burst 100).
///
/// Keys are strings ("namespace/name"); ordered containers keep every choice deterministic.

#include "kubesim/base/token_bucket.hpp"
#include "kubesim/sim/simulation.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace kubesim::client {

/// `arg` of the ControllerWake event that means "the delay timer fired".
inline constexpr std::uint32_t kQueueTimer = 0xFFFF'FFFFU;

/// The per-key back-off and the overall bucket of a rate-limited queue.
struct RateLimiterConfig {
  base::Duration base_delay = base::Duration::from_millis(5);
  base::Duration max_delay = base::Duration::from_seconds(1000);
  double qps = 10;
  std::int32_t burst = 100;
};

class WorkQueue {
 public:
  /// Timer wake-ups go to `wake` (kind and target) with arg kQueueTimer.
  WorkQueue(sim::Simulation& sim, sim::EventKind wake_kind, std::uint32_t wake_target, RateLimiterConfig limits = {});

  /// Adds `key` unless it is already waiting (processing keys are re-queued on done()).
  void add(const std::string& key);
  /// Adds `key` after `delay` (at once when delay <= 0).
  void add_after(const std::string& key, base::Duration delay);
  /// Adds `key` after its rate-limited back-off; each call without forget() doubles the per-key delay.
  void add_rate_limited(const std::string& key);
  /// Resets the per-key back-off (a successful sync).
  void forget(const std::string& key);
  /// How many times `key` was rate-limited since the last forget().
  [[nodiscard]] std::int32_t num_requeues(const std::string& key) const;

  /// Takes the next ready key and marks it processing; nullopt when none is ready.
  std::optional<std::string> get();
  /// The worker finished `key`; re-queues it if it was added meanwhile.
  void done(const std::string& key);

  /// Handles the delay timer (EventKind::ControllerWake with arg kQueueTimer).
  void on_timer();

  [[nodiscard]] std::size_t ready() const { return queue_.size(); }
  [[nodiscard]] std::size_t waiting() const { return delayed_by_key_.size(); }
  [[nodiscard]] bool empty() const { return queue_.empty() && delayed_by_key_.empty() && processing_.empty(); }

 private:
  void arm_timer();

  sim::Simulation& sim_;
  sim::EventKind wake_kind_;
  std::uint32_t wake_target_;
  RateLimiterConfig limits_;
  base::TokenBucket bucket_;

  std::deque<std::string> queue_;
  std::set<std::string, std::less<>> dirty_;
  std::set<std::string, std::less<>> processing_;
  /// Delayed keys by due time (ties in insertion order via the sequence number), and each key's entry.
  std::map<std::pair<base::SimTime, std::uint64_t>, std::string> delayed_;
  std::map<std::string, std::pair<base::SimTime, std::uint64_t>, std::less<>> delayed_by_key_;
  std::uint64_t next_seq_ = 0;
  base::SimTime timer_at_ = base::SimTime::max();
  std::map<std::string, std::int32_t, std::less<>> failures_;
};

}  // namespace kubesim::client
