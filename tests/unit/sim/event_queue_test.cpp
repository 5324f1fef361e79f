// Tests for kubesim::sim::EventQueue: (time, seq) order across the 4-ary heap and the zero-delay FIFO
// ring, ring growth, and a randomized comparison against a std::set reference.

#include "support/catch.hpp"

#include "kubesim/base/rng.hpp"
#include "kubesim/sim/event.hpp"
#include "kubesim/sim/event_queue.hpp"

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

using kubesim::base::Rng;
using kubesim::sim::Event;
using kubesim::sim::EventKind;
using kubesim::sim::EventQueue;
using kubesim::sim::SimTime;

namespace {

constexpr SimTime at(std::int64_t ns) { return SimTime::from_nanos(ns); }

constexpr Event make_event(std::int64_t t, std::uint64_t seq, std::uint32_t target = 0) {
  return Event{at(t), seq, target, EventKind::TimelineAction, static_cast<std::uint32_t>(seq)};
}

// Pops everything, returning the seq numbers in pop order.
std::vector<std::uint64_t> drain(EventQueue& q) {
  std::vector<std::uint64_t> out;
  while (!q.empty()) {
    out.push_back(q.pop().seq);
  }
  return out;
}

}  // namespace

TEST_CASE("precedes orders by time, then sequence", "[sim][event_queue]") {
  STATIC_REQUIRE(kubesim::sim::precedes(make_event(1, 9), make_event(2, 0)));
  STATIC_REQUIRE(kubesim::sim::precedes(make_event(2, 0), make_event(2, 1)));
  STATIC_REQUIRE_FALSE(kubesim::sim::precedes(make_event(2, 1), make_event(2, 1)));
  STATIC_REQUIRE_FALSE(kubesim::sim::precedes(make_event(3, 0), make_event(2, 5)));
}

TEST_CASE("an empty queue", "[sim][event_queue]") {
  EventQueue q;
  CHECK(q.empty());
  CHECK(q.size() == 0);
  q.reserve(1000);
  CHECK(q.empty());
}

TEST_CASE("heap events come out in time order", "[sim][event_queue]") {
  EventQueue q;
  const SimTime now = at(0);
  // seq follows push order; times are shuffled.
  const std::int64_t times[] = {50, 10, 40, 30, 20, 60, 5, 45};
  std::uint64_t seq = 0;
  for (std::int64_t t : times) {
    q.push(make_event(t, seq++), now);
  }
  CHECK(q.size() == 8);
  CHECK_FALSE(q.empty());
  CHECK(q.top().at == at(5));
  std::vector<std::int64_t> popped;
  while (!q.empty()) {
    popped.push_back(q.pop().at.nanos());
  }
  CHECK(popped == std::vector<std::int64_t>{5, 10, 20, 30, 40, 45, 50, 60});
  CHECK(q.size() == 0);
}

TEST_CASE("equal times run first in, first out", "[sim][event_queue]") {
  EventQueue q;
  for (std::uint64_t seq = 0; seq < 20; ++seq) {
    q.push(make_event(100, seq), at(0));
  }
  std::vector<std::uint64_t> expected;
  for (std::uint64_t seq = 0; seq < 20; ++seq) {
    expected.push_back(seq);
  }
  CHECK(drain(q) == expected);
}

TEST_CASE("zero-delay events interleave with heap events by (time, seq)", "[sim][event_queue]") {
  EventQueue q;
  // Before anything runs (now = 0): seq 0 and 1 at t=10 go to the heap, seq 2 at t=0 to the ring.
  q.push(make_event(10, 0), at(0));
  q.push(make_event(10, 1), at(0));
  q.push(make_event(0, 2), at(0));
  CHECK(q.size() == 3);
  CHECK(q.top().seq == 2);
  Event e = q.pop();
  CHECK(e.seq == 2);
  CHECK(e.at == at(0));

  // Advance to t=10: pop seq 0 (heap). While "processing" it, schedule seq 3 at now=10 (ring) and
  // seq 4 at t=20 (heap). The heap's seq 1, also at t=10, was scheduled earlier and must run before 3.
  e = q.pop();
  REQUIRE(e.seq == 0);
  SimTime now = e.at;
  q.push(make_event(10, 3), now);
  q.push(make_event(20, 4), now);
  CHECK(q.top().seq == 1);
  e = q.pop();
  CHECK(e.seq == 1);
  // Processing seq 1 schedules two more zero-delay events: they queue behind seq 3.
  q.push(make_event(10, 5), now);
  q.push(make_event(10, 6), now);
  CHECK(q.size() == 4);
  CHECK(drain(q) == std::vector<std::uint64_t>{3, 5, 6, 4});
}

TEST_CASE("the ring grows past its initial 64 entries and keeps FIFO order", "[sim][event_queue]") {
  EventQueue q;
  std::uint64_t seq = 0;
  // Wrap the ring first (head not at slot 0), then grow it while wrapped.
  for (int i = 0; i < 40; ++i) {
    q.push(make_event(0, seq++), at(0));
  }
  for (int i = 0; i < 30; ++i) {
    CHECK(q.pop().seq == static_cast<std::uint64_t>(i));
  }
  // 10 left; push 300 more so the ring doubles (64 → 128 → 256 → 512) with a wrapped head.
  for (int i = 0; i < 300; ++i) {
    q.push(make_event(0, seq++), at(0));
  }
  CHECK(q.size() == 310);
  // A heap event at a later time must come after every ring event.
  q.push(make_event(1, seq++), at(0));
  std::vector<std::uint64_t> expected;
  for (std::uint64_t s = 30; s < seq; ++s) {
    expected.push_back(s);
  }
  CHECK(drain(q) == expected);
  CHECK(q.empty());
}

TEST_CASE("the event record round-trips through the queue", "[sim][event_queue]") {
  EventQueue q;
  Event in{at(123), 7, 0xDEADBEEF, EventKind::KubeletPodStep, 0xCAFEF00D};
  q.push(in, at(0));
  Event ring_in{at(0), 8, 42, EventKind::ApiRequest, 9};
  q.push(ring_in, at(0));
  Event out = q.pop();
  CHECK(out.at == ring_in.at);
  CHECK(out.seq == 8);
  CHECK(out.target == 42);
  CHECK(out.kind == EventKind::ApiRequest);
  CHECK(out.arg == 9);
  out = q.pop();
  CHECK(out.at == at(123));
  CHECK(out.seq == 7);
  CHECK(out.target == 0xDEADBEEF);
  CHECK(out.kind == EventKind::KubeletPodStep);
  CHECK(out.arg == 0xCAFEF00D);
}

TEST_CASE("randomized: matches a sorted-set reference over 100k operations", "[sim][event_queue]") {
  // Mimics the simulation loop: `now` is the time of the last popped event, pushes are at now + delay
  // with delay often zero (ring) and otherwise small (many equal times in the heap), seq increases.
  EventQueue q;
  std::set<std::pair<std::int64_t, std::uint64_t>> ref;
  Rng rng(20240601);
  SimTime now = at(0);
  std::uint64_t next_seq = 0;
  std::uint64_t mismatches = 0;
  std::size_t max_size = 0;
  for (int op = 0; op < 100'000; ++op) {
    bool do_push = ref.empty() || rng.uniform_below(100) < 52;
    if (do_push) {
      std::uint64_t kind = rng.uniform_below(10);
      std::int64_t delay = kind < 4   ? 0
                           : kind < 8 ? static_cast<std::int64_t>(rng.uniform_below(5))
                                      : static_cast<std::int64_t>(rng.uniform_below(1000));
      std::int64_t t = now.nanos() + delay;
      std::uint64_t seq = next_seq++;
      q.push(make_event(t, seq), now);
      ref.emplace(t, seq);
    } else {
      auto expected = *ref.begin();
      ref.erase(ref.begin());
      const Event& top = q.top();
      if (top.at.nanos() != expected.first || top.seq != expected.second) {
        ++mismatches;
      }
      Event e = q.pop();
      if (e.at.nanos() != expected.first || e.seq != expected.second) {
        ++mismatches;
      }
      now = e.at;
    }
    if (q.size() != ref.size()) {
      ++mismatches;
    }
    max_size = std::max(max_size, ref.size());
  }
  // Drain the rest.
  while (!ref.empty()) {
    auto expected = *ref.begin();
    ref.erase(ref.begin());
    Event e = q.pop();
    if (e.at.nanos() != expected.first || e.seq != expected.second) {
      ++mismatches;
    }
  }
  CHECK(mismatches == 0);
  CHECK(q.empty());
  CHECK(max_size > 100);  // the queue really was exercised at depth
}
