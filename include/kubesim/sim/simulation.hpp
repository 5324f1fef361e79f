#pragma once

/// Simulation: the clock, the event queue, the root seed and the run fingerprint.
///
/// The loop (run_until) pops the earliest event, advances the clock, folds the event into the
/// fingerprint and hands it to a dispatcher, a plain object with `void dispatch(const Event&)` whose
/// `switch (e.kind)` calls the owning component. The dispatcher is a template parameter, so there is
/// no virtual call and no std::function per event. The composition root (cluster/cluster.hpp) is the
/// dispatcher; tests use small structs.
///
/// Single-threaded by design: ordering is (time, sequence), so same-time events run first in, first out,
/// and a run is a pure function of the scenario and the seed.

#include "kubesim/base/assert.hpp"
#include "kubesim/base/hash.hpp"
#include "kubesim/base/rng.hpp"
#include "kubesim/sim/event.hpp"
#include "kubesim/sim/event_queue.hpp"

#include <cstdint>
#include <string_view>
#include <unordered_set>

namespace kubesim::sim {

/// Why run_until returned.
enum class StopReason : std::uint8_t { QueueEmpty, ReachedEnd, Stopped };

class Simulation {
 public:
  explicit Simulation(std::uint64_t seed) : seed_(seed) {}
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Current simulated time: the time of the event being processed (0 before the first).
  [[nodiscard]] SimTime now() const { return now_; }
  /// The root seed every random stream derives from.
  [[nodiscard]] std::uint64_t seed() const { return seed_; }

  /// The random stream of one component instance (see base::Rng::stream). Streams are independent, so a
  /// component's draws never shift another's.
  [[nodiscard]] base::Rng rng_stream(std::string_view component, std::uint64_t id = 0) const {
    return base::Rng::stream(seed_, component, id);
  }

  /// Schedules an event at absolute time `at` (not earlier than now()). O(log n).
  EventId schedule_at(SimTime at, EventKind kind, std::uint32_t target = 0, std::uint32_t arg = 0) {
    KUBESIM_ASSERT(at >= now_, "event scheduled in the past: {} < {}", at.nanos(), now_.nanos());
    EventId id = next_seq_++;
    queue_.push(Event{at, id, target, kind, arg}, now_);
    return id;
  }
  /// Schedules an event `delay` after now(). A zero delay runs after every event already due now.
  EventId schedule_after(Duration delay, EventKind kind, std::uint32_t target = 0, std::uint32_t arg = 0) {
    return schedule_at(now_ + delay, kind, target, arg);
  }

  /// Cancels a scheduled event. Lazy: the event stays queued and is dropped when it reaches the top,
  /// without being dispatched or counted in the fingerprint. Cancelling an event that already ran is a
  /// no-op.
  void cancel(EventId id) {
    if (id < next_seq_) {
      cancelled_.insert(id);
    }
  }

  /// Asks run_until to return after the current event.
  void stop() { stop_requested_ = true; }

  /// Runs events with time ≤ `end` in (time, seq) order, calling `dispatcher.dispatch(event)` for each.
  /// Returns when the queue is empty, the next event is after `end`, or stop() was called. The clock is
  /// left at the last processed event.
  template <class Dispatcher> StopReason run_until(SimTime end, Dispatcher& dispatcher) {
    stop_requested_ = false;
    while (!queue_.empty()) {
      if (queue_.top().at > end) {
        return StopReason::ReachedEnd;
      }
      Event e = queue_.pop();
      if (!cancelled_.empty() && cancelled_.erase(e.seq) != 0) [[unlikely]] {
        continue;
      }
      KUBESIM_ASSERT(e.at >= now_, "time went backwards: {} < {}", e.at.nanos(), now_.nanos());
      now_ = e.at;
      ++events_processed_;
      fingerprint_ = base::hash_combine(
          fingerprint_, static_cast<std::uint64_t>(e.at.nanos()) ^
                            (static_cast<std::uint64_t>(e.kind) << 48 | static_cast<std::uint64_t>(e.target) << 16));
      dispatcher.dispatch(e);
      if (stop_requested_) {
        return StopReason::Stopped;
      }
    }
    return StopReason::QueueEmpty;
  }

  /// Number of events dispatched so far (cancelled ones excluded).
  [[nodiscard]] std::uint64_t events_processed() const { return events_processed_; }
  /// 64-bit hash of (time, kind, target) over every dispatched event, in order. Two runs with the
  /// same scenario and seed have the same fingerprint; golden tests check it.
  [[nodiscard]] std::uint64_t fingerprint() const { return fingerprint_; }
  /// Events still queued (including cancelled ones not yet dropped).
  [[nodiscard]] std::size_t pending() const { return queue_.size(); }
  void reserve_events(std::size_t n) { queue_.reserve(n); }

 private:
  std::uint64_t seed_;
  SimTime now_;
  EventQueue queue_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t events_processed_ = 0;
  std::uint64_t fingerprint_ = 0x6B75626573696D00ULL;  // "kubesim\0"
  bool stop_requested_ = false;
  // Membership only, never iterated: hash order cannot leak into the run.
  std::unordered_set<EventId> cancelled_;
};

}  // namespace kubesim::sim
