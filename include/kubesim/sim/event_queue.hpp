#pragma once

/// EventQueue: the pending-event set, ordered by (time, sequence).
///
/// Two structures, after OMNeT++'s cEventHeap:
///  * a 4-ary min-heap in one std::vector<Event> for events in the future. A 4-ary heap is shallower
///    than a binary heap (log4 n levels) and its four children share a cache line, which makes pops
///    cheaper for the large queues of a 10,000-node run;
///  * a FIFO ring for events scheduled at the current time ("zero delay"): watch notifications and
///    replies produce many of them, and a ring is O(1) for both push and pop.
///
/// Cost (n = pending events): push O(log4 n) into the heap, O(1) into the ring; pop O(4·log4 n) from
/// the heap, O(1) from the ring. No allocation once the vectors have grown to the peak queue size.
///
/// pop() always returns the event with the smallest (at, seq) across both structures, so same-time
/// events run first in, first out however they were stored.

#include "kubesim/base/assert.hpp"
#include "kubesim/sim/event.hpp"

#include <vector>

namespace kubesim::sim {

class EventQueue {
 public:
  /// Reserves room for `expected` pending events (from the scenario's size).
  void reserve(std::size_t expected) { heap_.reserve(expected); }

  /// Adds an event. Events at exactly `now` go to the FIFO ring; `now` must be the time of the last
  /// popped event, and `e.at` may not be earlier than it.
  void push(const Event& e, SimTime now) {
    if (e.at == now) {
      ring_push(e);
    } else {
      heap_push(e);
    }
  }

  [[nodiscard]] bool empty() const { return heap_.empty() && ring_size_ == 0; }
  [[nodiscard]] std::size_t size() const { return heap_.size() + ring_size_; }

  /// The earliest event. Precondition: !empty().
  [[nodiscard]] const Event& top() const {
    if (ring_size_ == 0) {
      return heap_.front();
    }
    const Event& r = ring_[ring_head_];
    if (heap_.empty() || precedes(r, heap_.front())) {
      return r;
    }
    return heap_.front();
  }

  /// Removes and returns the earliest event. Precondition: !empty().
  Event pop() {
    if (ring_size_ != 0 && (heap_.empty() || precedes(ring_[ring_head_], heap_.front()))) {
      Event e = ring_[ring_head_];
      ring_head_ = (ring_head_ + 1) & (ring_.size() - 1);
      --ring_size_;
      return e;
    }
    return heap_pop();
  }

 private:
  static constexpr std::size_t kArity = 4;

  void heap_push(const Event& e) {
    heap_.push_back(e);
    std::size_t i = heap_.size() - 1;
    while (i > 0) {
      std::size_t parent = (i - 1) / kArity;
      if (!precedes(e, heap_[parent])) {
        break;
      }
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }

  Event heap_pop() {
    KUBESIM_ASSERT(!heap_.empty(), "pop from an empty event queue");
    Event top = heap_.front();
    Event last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n == 0) {
      return top;
    }
    // Sift the former last element down from the root ("hole" technique: no swaps).
    std::size_t i = 0;
    for (;;) {
      std::size_t first = i * kArity + 1;
      if (first >= n) {
        break;
      }
      std::size_t best = first;
      std::size_t end = first + kArity < n ? first + kArity : n;
      for (std::size_t c = first + 1; c < end; ++c) {
        if (precedes(heap_[c], heap_[best])) {
          best = c;
        }
      }
      if (!precedes(heap_[best], last)) {
        break;
      }
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = last;
    return top;
  }

  void ring_push(const Event& e) {
    if (ring_size_ == ring_.size()) {
      ring_grow();
    }
    ring_[(ring_head_ + ring_size_) & (ring_.size() - 1)] = e;
    ++ring_size_;
  }

  void ring_grow();

  std::vector<Event> heap_;
  std::vector<Event> ring_;  // capacity is a power of two
  std::size_t ring_head_ = 0;
  std::size_t ring_size_ = 0;
};

}  // namespace kubesim::sim
