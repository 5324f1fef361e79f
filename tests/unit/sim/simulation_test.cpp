// Tests for kubesim::sim::Simulation: the run loop with a small recording dispatcher, the `end` bound,
// lazy cancellation, stop(), zero-delay ordering, the event count, the fingerprint and RNG streams.

#include "support/catch.hpp"

#include "kubesim/base/rng.hpp"
#include "kubesim/sim/event.hpp"
#include "kubesim/sim/simulation.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

using kubesim::base::Duration;
using kubesim::base::Rng;
using kubesim::sim::Event;
using kubesim::sim::EventId;
using kubesim::sim::EventKind;
using kubesim::sim::SimTime;
using kubesim::sim::Simulation;
using kubesim::sim::StopReason;
using namespace kubesim::base::literals;

namespace Catch {
template <> struct StringMaker<StopReason> {
  static std::string convert(StopReason r) {
    switch (r) {
    case StopReason::QueueEmpty:
      return "QueueEmpty";
    case StopReason::ReachedEnd:
      return "ReachedEnd";
    case StopReason::Stopped:
      return "Stopped";
    }
    return "?";
  }
};
template <> struct StringMaker<SimTime> {
  static std::string convert(const SimTime& t) { return "t=" + std::to_string(t.nanos()) + "ns"; }
};
}  // namespace Catch

namespace {

SimTime at(std::int64_t ns) { return SimTime::from_nanos(ns); }

struct Seen {
  std::int64_t at;   // event time
  std::int64_t now;  // sim.now() during dispatch
  EventKind kind;
  std::uint32_t target;
  std::uint32_t arg;
  bool operator==(const Seen&) const = default;
};

// Records every dispatched event; `on_event` lets a test schedule, cancel or stop from inside the loop.
struct Recorder {
  Simulation& sim;
  std::vector<Seen> seen;
  std::function<void(const Event&)> on_event;

  void dispatch(const Event& e) {
    seen.push_back(Seen{e.at.nanos(), sim.now().nanos(), e.kind, e.target, e.arg});
    if (on_event) {
      on_event(e);
    }
  }

  [[nodiscard]] std::vector<std::uint32_t> args() const {
    std::vector<std::uint32_t> out;
    for (const Seen& s : seen) {
      out.push_back(s.arg);
    }
    return out;
  }
};

struct Planned {
  std::int64_t at;
  EventKind kind;
  std::uint32_t target;
  std::uint32_t arg;
};

// Runs a fresh simulation over `events` (scheduled in order) and returns its fingerprint.
std::uint64_t fingerprint_of(const std::vector<Planned>& events) {
  Simulation sim(1);
  Recorder rec{sim, {}, {}};
  for (const Planned& p : events) {
    sim.schedule_at(at(p.at), p.kind, p.target, p.arg);
  }
  (void)sim.run_until(SimTime::max(), rec);
  return sim.fingerprint();
}

}  // namespace

TEST_CASE("a new simulation", "[sim][simulation]") {
  Simulation sim(77);
  CHECK(sim.now() == SimTime::zero());
  CHECK(sim.seed() == 77);
  CHECK(sim.events_processed() == 0);
  CHECK(sim.pending() == 0);
  CHECK(sim.fingerprint() == 0x6B75626573696D00ULL);
  Recorder rec{sim, {}, {}};
  CHECK(sim.run_until(SimTime::max(), rec) == StopReason::QueueEmpty);
  CHECK(rec.seen.empty());
  CHECK(sim.now() == SimTime::zero());
}

TEST_CASE("events are dispatched in (time, seq) order and the clock follows", "[sim][simulation]") {
  Simulation sim(1);
  Recorder rec{sim, {}, {}};
  EventId a = sim.schedule_at(at(30), EventKind::PodArrival, 1, 0);
  EventId b = sim.schedule_at(at(10), EventKind::ApiRequest, 2, 1);
  EventId c = sim.schedule_at(at(20), EventKind::SchedulerCycle, 3, 2);
  EventId d = sim.schedule_at(at(10), EventKind::KubeletPodStep, 4, 3);
  // Ids are sequence numbers, unique and increasing in scheduling order.
  CHECK(a < b);
  CHECK(b < c);
  CHECK(c < d);
  CHECK(sim.pending() == 4);

  CHECK(sim.run_until(SimTime::max(), rec) == StopReason::QueueEmpty);
  CHECK(rec.seen == std::vector<Seen>{{10, 10, EventKind::ApiRequest, 2, 1},
                                      {10, 10, EventKind::KubeletPodStep, 4, 3},
                                      {20, 20, EventKind::SchedulerCycle, 3, 2},
                                      {30, 30, EventKind::PodArrival, 1, 0}});
  CHECK(sim.now() == at(30));
  CHECK(sim.events_processed() == 4);
  CHECK(sim.pending() == 0);
}

TEST_CASE("run_until stops at `end` and leaves later events queued", "[sim][simulation]") {
  Simulation sim(1);
  Recorder rec{sim, {}, {}};
  for (std::uint32_t i = 0; i < 5; ++i) {
    sim.schedule_at(at(10 * (i + 1)), EventKind::TimelineAction, 0, i);  // t = 10, 20, 30, 40, 50
  }
  // An event exactly at `end` runs.
  CHECK(sim.run_until(at(30), rec) == StopReason::ReachedEnd);
  CHECK(rec.args() == std::vector<std::uint32_t>{0, 1, 2});
  CHECK(sim.now() == at(30));
  CHECK(sim.pending() == 2);
  CHECK(sim.events_processed() == 3);

  // The clock stays at the last processed event, not at `end`.
  CHECK(sim.run_until(at(35), rec) == StopReason::ReachedEnd);
  CHECK(sim.now() == at(30));
  CHECK(rec.seen.size() == 3);

  // Scheduling relative to now() uses the last event's time.
  sim.schedule_after(Duration::from_nanos(1), EventKind::TimelineAction, 0, 99);
  CHECK(sim.run_until(SimTime::max(), rec) == StopReason::QueueEmpty);
  CHECK(rec.args() == std::vector<std::uint32_t>{0, 1, 2, 99, 3, 4});
  CHECK(rec.seen[3].at == 31);
  CHECK(sim.now() == at(50));
  CHECK(sim.events_processed() == 6);
}

TEST_CASE("cancel is lazy: cancelled events are neither dispatched nor counted", "[sim][simulation]") {
  Simulation sim(1);
  Recorder rec{sim, {}, {}};
  sim.schedule_at(at(10), EventKind::TimelineAction, 0, 0);
  EventId doomed = sim.schedule_at(at(20), EventKind::TimelineAction, 0, 1);
  sim.schedule_at(at(30), EventKind::TimelineAction, 0, 2);
  sim.cancel(doomed);
  CHECK(sim.pending() == 3);  // still queued until it reaches the top

  CHECK(sim.run_until(SimTime::max(), rec) == StopReason::QueueEmpty);
  CHECK(rec.args() == std::vector<std::uint32_t>{0, 2});
  CHECK(sim.events_processed() == 2);
  CHECK(sim.now() == at(30));

  // The fingerprint is that of a run where the event never existed.
  CHECK(sim.fingerprint() ==
        fingerprint_of({{10, EventKind::TimelineAction, 0, 0}, {30, EventKind::TimelineAction, 0, 2}}));
}

TEST_CASE("cancel from inside the loop", "[sim][simulation]") {
  Simulation sim(1);
  Recorder rec{sim, {}, {}};
  EventId timeout = 0;
  sim.schedule_at(at(5), EventKind::SchedulerCycle, 0, 0);
  timeout = sim.schedule_at(at(100), EventKind::SchedulerFlushBackoff, 0, 1);
  sim.schedule_at(at(5), EventKind::SchedulerCycle, 0, 2);
  // The first event cancels the timeout and a same-time event that is already queued.
  EventId same_time = sim.schedule_at(at(5), EventKind::SchedulerCycle, 0, 3);
  rec.on_event = [&](const Event& e) {
    if (e.arg == 0) {
      sim.cancel(timeout);
      sim.cancel(same_time);
    }
  };
  CHECK(sim.run_until(SimTime::max(), rec) == StopReason::QueueEmpty);
  CHECK(rec.args() == std::vector<std::uint32_t>{0, 2});
  CHECK(sim.now() == at(5));  // the cancelled timeout does not move the clock
  CHECK(sim.pending() == 0);
}

TEST_CASE("cancelling an event that already ran, or an id never handed out, is a no-op", "[sim][simulation]") {
  Simulation sim(1);
  Recorder rec{sim, {}, {}};
  // Id 3 has not been handed out yet: cancelling it now must not affect the event that later gets it.
  sim.cancel(3);
  EventId first = sim.schedule_at(at(1), EventKind::TimelineAction, 0, 0);
  (void)sim.run_until(SimTime::max(), rec);
  sim.cancel(first);  // already ran
  for (std::uint32_t i = 1; i <= 4; ++i) {
    sim.schedule_after(Duration::from_nanos(i), EventKind::TimelineAction, 0, i);  // ids 1..4
  }
  CHECK(sim.run_until(SimTime::max(), rec) == StopReason::QueueEmpty);
  CHECK(rec.args() == std::vector<std::uint32_t>{0, 1, 2, 3, 4});
  CHECK(sim.events_processed() == 5);
}

TEST_CASE("stop() returns after the current event", "[sim][simulation]") {
  Simulation sim(1);
  Recorder rec{sim, {}, {}};
  for (std::uint32_t i = 0; i < 6; ++i) {
    sim.schedule_at(at(i), EventKind::TimelineAction, 0, i);
  }
  rec.on_event = [&](const Event& e) {
    if (e.arg == 2) {
      sim.stop();
    }
  };
  CHECK(sim.run_until(SimTime::max(), rec) == StopReason::Stopped);
  CHECK(rec.args() == std::vector<std::uint32_t>{0, 1, 2});
  CHECK(sim.now() == at(2));
  CHECK(sim.pending() == 3);
  CHECK(sim.events_processed() == 3);

  // The next run resumes where the last one stopped; stop() does not stick.
  rec.on_event = nullptr;
  CHECK(sim.run_until(SimTime::max(), rec) == StopReason::QueueEmpty);
  CHECK(rec.args() == std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5});

  // stop() outside a run does not prevent the next run.
  sim.schedule_after(Duration::from_nanos(1), EventKind::TimelineAction, 0, 6);
  sim.schedule_after(Duration::from_nanos(2), EventKind::TimelineAction, 0, 7);
  sim.stop();
  CHECK(sim.run_until(SimTime::max(), rec) == StopReason::QueueEmpty);
  CHECK(rec.seen.size() == 8);
}

TEST_CASE("schedule_after(0) runs after the events already due now", "[sim][simulation]") {
  Simulation sim(1);
  Recorder rec{sim, {}, {}};
  sim.schedule_at(at(10), EventKind::ApiRequest, 0, 0);
  sim.schedule_at(at(10), EventKind::ApiRequest, 0, 1);
  sim.schedule_at(at(10), EventKind::ApiRequest, 0, 2);
  sim.schedule_at(at(11), EventKind::ApiRequest, 0, 3);
  rec.on_event = [&](const Event& e) {
    if (e.arg == 0) {
      sim.schedule_after(Duration::zero(), EventKind::SchedulerWatch, 0, 10);
      sim.schedule_after(Duration::zero(), EventKind::SchedulerWatch, 0, 11);
    }
    if (e.arg == 10) {
      // A zero-delay event scheduled by a zero-delay event still runs at the same time, last.
      sim.schedule_after(Duration::zero(), EventKind::SchedulerReply, 0, 12);
    }
  };
  CHECK(sim.run_until(SimTime::max(), rec) == StopReason::QueueEmpty);
  CHECK(rec.args() == std::vector<std::uint32_t>{0, 1, 2, 10, 11, 12, 3});
  for (std::size_t i = 0; i < 6; ++i) {
    CHECK(rec.seen[i].at == 10);
    CHECK(rec.seen[i].now == 10);
  }

  // Before the first event, a zero delay means t = 0.
  Simulation fresh(1);
  Recorder rec2{fresh, {}, {}};
  fresh.schedule_at(at(0), EventKind::TimelineAction, 0, 1);
  fresh.schedule_after(Duration::zero(), EventKind::TimelineAction, 0, 2);
  CHECK(fresh.run_until(at(0), rec2) == StopReason::QueueEmpty);
  CHECK(rec2.args() == std::vector<std::uint32_t>{1, 2});
}

TEST_CASE("a chain of events scheduled from the loop", "[sim][simulation]") {
  // A self-rescheduling timer: fires every 250ms until t = 10s.
  Simulation sim(1);
  Recorder rec{sim, {}, {}};
  rec.on_event = [&](const Event& e) {
    if (e.arg < 40) {
      sim.schedule_after(250_ms, EventKind::SchedulerFlushBackoff, 0, e.arg + 1);
    }
  };
  sim.schedule_at(SimTime::zero(), EventKind::SchedulerFlushBackoff, 0, 0);
  CHECK(sim.run_until(at((5_s).nanos()), rec) == StopReason::ReachedEnd);
  CHECK(sim.events_processed() == 21);  // t = 0, 0.25, ..., 5.0
  CHECK(sim.now() == SimTime::zero() + 5_s);
  CHECK(sim.run_until(SimTime::max(), rec) == StopReason::QueueEmpty);
  CHECK(sim.events_processed() == 41);
  CHECK(sim.now() == SimTime::zero() + 10_s);
}

TEST_CASE("fingerprint: equal for identical runs, sensitive to time, kind, target and order", "[sim][simulation]") {
  const std::vector<Planned> base = {
      {10, EventKind::ApiRequest, 1, 0},
      {20, EventKind::SchedulerCycle, 2, 0},
      {20, EventKind::KubeletPodStep, 3, 7},
      {35, EventKind::PodArrival, 4, 0},
  };
  const std::uint64_t fp = fingerprint_of(base);
  CHECK(fp == fingerprint_of(base));
  CHECK(fp != Simulation(1).fingerprint());

  auto changed = [&](auto edit) {
    std::vector<Planned> v = base;
    edit(v);
    return fingerprint_of(v);
  };
  CHECK(fp != changed([](std::vector<Planned>& v) { v[2].at = 21; }));
  CHECK(fp != changed([](std::vector<Planned>& v) { v[2].kind = EventKind::KubeletReply; }));
  CHECK(fp != changed([](std::vector<Planned>& v) { v[2].target = 4; }));
  // Same events, different dispatch order (seq decides ties).
  CHECK(fp != changed([](std::vector<Planned>& v) { std::swap(v[1], v[2]); }));
  // One more or one fewer event.
  CHECK(fp != changed([](std::vector<Planned>& v) { v.pop_back(); }));
  CHECK(fp != changed([](std::vector<Planned>& v) { v.push_back({40, EventKind::None, 0, 0}); }));
  // The argument is not part of the fingerprint (documented as time, kind, target).
  CHECK(fp == changed([](std::vector<Planned>& v) { v[2].arg = 8; }));
  // Nor is the seed: it only matters through the events it leads to.
  Simulation other_seed(2);
  Recorder rec{other_seed, {}, {}};
  for (const Planned& p : base) {
    other_seed.schedule_at(at(p.at), p.kind, p.target, p.arg);
  }
  (void)other_seed.run_until(SimTime::max(), rec);
  CHECK(other_seed.fingerprint() == fp);
}

TEST_CASE("fingerprint of a fixed run is pinned", "[sim][simulation]") {
  // Golden tests depend on this hash: update only on purpose.
  CHECK(fingerprint_of({{1'000'000'000, EventKind::ApiRequest, 5, 0}}) == 0x7537b2dad435916eULL);
}

TEST_CASE("rng_stream is deterministic and independent per component", "[sim][simulation]") {
  Simulation a(99);
  Simulation b(99);
  Simulation c(100);
  Rng sa = a.rng_stream("scheduler");
  Rng sb = b.rng_stream("scheduler", 0);
  Rng sref = Rng::stream(99, "scheduler", 0);
  std::uint64_t first = sa.next_u64();
  CHECK(first == sb.next_u64());
  CHECK(first == sref.next_u64());
  CHECK(first != c.rng_stream("scheduler").next_u64());
  CHECK(first != a.rng_stream("kubelet").next_u64());
  CHECK(a.rng_stream("kubelet", 1).next_u64() != a.rng_stream("kubelet", 2).next_u64());
  // Each call returns a fresh stream from its start: drawing from one copy does not advance another.
  Rng again = a.rng_stream("scheduler");
  CHECK(again.next_u64() == first);
}
