// Event-queue micro-benchmark: kubesim::sim::EventQueue (4-ary heap + same-time FIFO ring) against a
// plain std::priority_queue ordered by (at, seq), on the same "hold model" workload.
//
// Hold model (Jones, CACM 1986): fill the queue with N future events, then repeat M times: pop the
// earliest, advance `now` to its time, push one new event at now + a random increment. The queue size
// stays N, so each size measures one steady state. Increments are exponential (mean 1 ms) except for a
// fraction of zero-delay events, which is what watch fan-out produces in a real run; zero-delay events
// are where the FIFO ring helps. Every run also measures fraction 0, the pure heap.
//
// All random draws are made before timing, from a fixed-seed kubesim::base::Rng, so both queues see
// exactly the same events and the clock times only queue work (plus a cheap checksum). The checksum of
// the popped sequence numbers must be equal for both queues (the same total order); the program exits
// with status 1 when it is not.
//
// A counting global operator new reports allocations made inside the timed loop: the event loop must
// not allocate per event in steady state (STYLE.md, Performance habits).
//
// For callgrind instruction counts, each queue's timed loop is its own non-inlined function
// (hold_loop<OursQueue> / hold_loop<StdHeap>); see benchmarks/README.md.

#include "kubesim/base/rng.hpp"
#include "kubesim/base/time.hpp"
#include "kubesim/sim/event.hpp"
#include "kubesim/sim/event_queue.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Incremented by the replacement operator new below; read before and after each timed loop.
std::uint64_t g_allocations = 0;

}  // namespace

// Not inlined: GCC 12 otherwise sees std::free() applied to the result of operator new at the call
// sites and warns (-Wmismatched-new-delete), although the pair is matched here.
[[gnu::noinline]] void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t /*size*/) noexcept { std::free(p); }

namespace {

using kubesim::base::Rng;
using kubesim::base::SimTime;
using kubesim::sim::Event;
using kubesim::sim::EventKind;

struct Options {
  std::vector<std::size_t> sizes = {1'000, 10'000, 100'000, 1'000'000};
  std::size_t ops = 10'000'000;
  int reps = 3;
  /// Fractions of zero-delay events to measure; 0 is the pure heap.
  std::vector<double> zero_fractions = {0.0, 0.2};
  double mean_ns = 1e6;
  std::uint64_t seed = 1;
  bool run_ours = true;
  bool run_heap = true;
};

/// The random part of one workload, drawn before timing: `prefill[i]` is the delay of the i-th initial
/// event from t = 0, `increments[k]` the delay of the event pushed by the k-th hold step (0 = same time).
struct Workload {
  std::vector<std::int64_t> prefill;
  std::vector<std::int64_t> increments;
};

std::int64_t draw_delay(Rng& rng, double zero_fraction, double mean_ns) {
  if (rng.uniform01() < zero_fraction) {
    return 0;
  }
  // At least 1 ns, so that the zero-delay fraction is exactly the requested one.
  return std::max<std::int64_t>(1, std::llround(rng.exponential(mean_ns)));
}

Workload make_workload(std::size_t pending, std::size_t ops, double zero_fraction, double mean_ns, std::uint64_t seed) {
  Rng rng = Rng::stream(seed, "event_queue_bench", pending);
  Workload w;
  w.prefill.reserve(pending);
  w.increments.reserve(ops);
  for (std::size_t i = 0; i < pending; ++i) {
    // The initial events are all in the future: zero-delay events only ever exist for an instant in a
    // running simulation, and 20% of N of them at t = 0 would fill the ring and skew the first pops.
    w.prefill.push_back(draw_delay(rng, 0.0, mean_ns));
  }
  for (std::size_t i = 0; i < ops; ++i) {
    w.increments.push_back(draw_delay(rng, zero_fraction, mean_ns));
  }
  return w;
}

/// kubesim's queue.
class OursQueue {
 public:
  explicit OursQueue(std::size_t capacity) { q_.reserve(capacity); }
  void push(const Event& e, SimTime now) { q_.push(e, now); }
  Event pop() { return q_.pop(); }

 private:
  kubesim::sim::EventQueue q_;
};

/// The baseline: std::priority_queue (binary heap) with the same (at, seq) order. It has no notion of
/// `now`; zero-delay events go into the heap like any other.
class StdHeap {
 public:
  explicit StdHeap(std::size_t capacity) : q_(Later{}, reserved(capacity)) {}
  void push(const Event& e, SimTime /*now*/) { q_.push(e); }
  Event pop() {
    Event e = q_.top();
    q_.pop();
    return e;
  }

 private:
  /// priority_queue keeps the *largest* element on top, so "less" here means "later".
  struct Later {
    bool operator()(const Event& a, const Event& b) const { return kubesim::sim::precedes(b, a); }
  };
  static std::vector<Event> reserved(std::size_t capacity) {
    std::vector<Event> v;
    v.reserve(capacity);
    return v;
  }
  std::priority_queue<Event, std::vector<Event>, Later> q_;
};

Event make_event(SimTime at, std::uint64_t seq) {
  return Event{at, seq, static_cast<std::uint32_t>(seq), EventKind::PodArrival, 0};
}

struct LoopResult {
  std::uint64_t checksum = 0;
  bool time_monotonic = true;
};

/// The timed part: `increments.size()` hold steps. Order-dependent checksum of the popped sequence
/// numbers (each seq fixes its event's time, since the workload is deterministic).
template <class Queue>
[[gnu::noinline]] LoopResult hold_loop(Queue& q, const std::vector<std::int64_t>& increments, std::uint64_t& seq,
                                       SimTime& now) {
  std::uint64_t h = 0;
  bool monotonic = true;
  for (std::int64_t inc : increments) {
    const Event e = q.pop();
    monotonic &= e.at >= now;
    now = e.at;
    h = ((h << 5) | (h >> 59)) ^ e.seq;
    h *= 0x9E3779B97F4A7C15ULL;
    q.push(make_event(now + kubesim::base::Duration::from_nanos(inc), seq++), now);
  }
  return LoopResult{h, monotonic};
}

struct Sample {
  double seconds = 0;
  std::uint64_t checksum = 0;
  std::uint64_t allocations = 0;
  bool monotonic = true;
};

template <class Queue> Sample run_once(const Workload& w) {
  Queue q(w.prefill.size() + 1);
  std::uint64_t seq = 0;
  SimTime now = SimTime::zero();
  for (std::int64_t d : w.prefill) {
    q.push(make_event(now + kubesim::base::Duration::from_nanos(d), seq++), now);
  }
  const std::uint64_t allocs_before = g_allocations;
  const auto t0 = std::chrono::steady_clock::now();
  const LoopResult r = hold_loop(q, w.increments, seq, now);
  const auto t1 = std::chrono::steady_clock::now();
  Sample s;
  s.seconds = std::chrono::duration<double>(t1 - t0).count();
  s.checksum = r.checksum;
  s.allocations = g_allocations - allocs_before;
  s.monotonic = r.time_monotonic;
  return s;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/// What one queue's repetitions agree on: the checksum of the first run (every later run must match it),
/// the largest allocation count, and whether all runs were consistent. The times are kept apart.
struct Measured {
  std::uint64_t checksum = 0;
  std::uint64_t allocations = 0;
  bool consistent = true;
};

void add_sample(Measured& m, std::vector<double>& times, const Sample& s, bool first) {
  times.push_back(s.seconds);
  if (first) {
    m.checksum = s.checksum;
  }
  m.consistent = m.consistent && s.checksum == m.checksum && s.monotonic;
  m.allocations = std::max(m.allocations, s.allocations);
}

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::uint64_t v = 0;
  for (char c : text) {
    if (c == '_' || c == '\'') {
      continue;
    }
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

void print_usage() {
  std::printf("usage: event_queue_bench [options]\n"
              "  --ops N            hold steps timed per run (default 10000000)\n"
              "  --sizes A,B,...    pending-event counts (default 1000,10000,100000,1000000)\n"
              "  --zero-fraction F  measure zero-delay fractions 0 and F (default 0.2)\n"
              "  --zero-fractions A,B,...  exactly these zero-delay fractions, each in [0, 1)\n"
              "  --mean-ns N        mean of the exponential increment in ns (default 1000000 = 1 ms)\n"
              "  --reps R           runs per measurement; the median is reported (default 3)\n"
              "  --seed S           root seed of the workload (default 1)\n"
              "  --queue ours|heap|both   which queues to run (default both; single-queue runs are for profilers)\n"
              "  --quick            --ops 1000000 --reps 1\n");
}

/// Returns nullopt (after printing why) on a bad command line.
std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    auto value = [&]() -> std::optional<std::string_view> {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "event_queue_bench: %.*s needs a value\n", static_cast<int>(a.size()), a.data());
        return std::nullopt;
      }
      return args[++i];
    };
    auto bad = [&](std::string_view v) {
      std::fprintf(stderr, "event_queue_bench: bad value '%.*s' for %.*s\n", static_cast<int>(v.size()), v.data(),
                   static_cast<int>(a.size()), a.data());
      return std::nullopt;
    };
    if (a == "--help" || a == "-h") {
      print_usage();
      std::exit(0);
    } else if (a == "--quick") {
      o.ops = 1'000'000;
      o.reps = 1;
    } else if (a == "--ops" || a == "--reps" || a == "--seed" || a == "--mean-ns") {
      auto v = value();
      if (!v) {
        return std::nullopt;
      }
      auto n = parse_u64(*v);
      if (!n || *n == 0) {
        return bad(*v);
      }
      if (a == "--ops") {
        o.ops = static_cast<std::size_t>(*n);
      } else if (a == "--reps") {
        o.reps = static_cast<int>(std::min<std::uint64_t>(*n, 1000));
      } else if (a == "--seed") {
        o.seed = *n;
      } else {
        o.mean_ns = static_cast<double>(*n);
      }
    } else if (a == "--sizes") {
      auto v = value();
      if (!v) {
        return std::nullopt;
      }
      o.sizes.clear();
      std::string_view rest = *v;
      while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        auto n = parse_u64(rest.substr(0, comma));
        if (!n || *n == 0) {
          return bad(*v);
        }
        o.sizes.push_back(static_cast<std::size_t>(*n));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
    } else if (a == "--zero-fraction" || a == "--zero-fractions") {
      auto v = value();
      if (!v) {
        return std::nullopt;
      }
      o.zero_fractions.clear();
      if (a == "--zero-fraction") {
        o.zero_fractions.push_back(0.0);
      }
      std::string_view rest = *v;
      while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const std::string item(rest.substr(0, comma));
        char* end = nullptr;
        const double f = std::strtod(item.c_str(), &end);
        if (end == item.c_str() || *end != '\0' || !(f >= 0.0 && f < 1.0)) {
          return bad(*v);
        }
        if (std::find(o.zero_fractions.begin(), o.zero_fractions.end(), f) == o.zero_fractions.end()) {
          o.zero_fractions.push_back(f);
        }
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
    } else if (a == "--queue") {
      auto v = value();
      if (!v) {
        return std::nullopt;
      }
      if (*v == "ours") {
        o.run_heap = false;
      } else if (*v == "heap") {
        o.run_ours = false;
      } else if (*v != "both") {
        return bad(*v);
      }
    } else {
      std::fprintf(stderr, "event_queue_bench: unknown option '%.*s' (see --help)\n", static_cast<int>(a.size()),
                   a.data());
      return std::nullopt;
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Options> parsed = parse_options(argc, argv);
  if (!parsed) {
    return 2;
  }
  const Options& opt = *parsed;

  std::printf("event-queue hold model: %zu ops per run, median of %d run(s), seed %llu, "
              "increments exponential(mean %.0f ns)\n",
              opt.ops, opt.reps, static_cast<unsigned long long>(opt.seed), opt.mean_ns);
  std::printf("rates in million events/s (one event = one pop + one push); ratio = ours / std::priority_queue rate\n");
  std::printf("%-6s %9s | %10s %8s | %10s %8s | %6s | %6s | %-16s %-16s %s\n", "zero%", "pending", "ours Mev/s",
              "ns/ev", "heap Mev/s", "ns/ev", "ratio", "allocs", "ours checksum", "heap checksum", "match");

  bool all_ok = true;
  for (double fraction : opt.zero_fractions) {
    for (std::size_t pending : opt.sizes) {
      const Workload w = make_workload(pending, opt.ops, fraction, opt.mean_ns, opt.seed);
      Measured ours;
      Measured heap;
      std::vector<double> ours_times;
      std::vector<double> heap_times;
      for (int r = 0; r < opt.reps; ++r) {
        // Interleave the two queues, and swap which goes first on every repetition, so that slow
        // drifts of the machine and "first run" effects hit both alike.
        const bool ours_first = r % 2 == 0;
        if (opt.run_ours && ours_first) {
          add_sample(ours, ours_times, run_once<OursQueue>(w), r == 0);
        }
        if (opt.run_heap) {
          add_sample(heap, heap_times, run_once<StdHeap>(w), r == 0);
        }
        if (opt.run_ours && !ours_first) {
          add_sample(ours, ours_times, run_once<OursQueue>(w), r == 0);
        }
      }
      const double ops = static_cast<double>(opt.ops);
      const double ours_s = opt.run_ours ? median(ours_times) : 0.0;
      const double heap_s = opt.run_heap ? median(heap_times) : 0.0;
      const bool both = opt.run_ours && opt.run_heap;
      const bool match = !both || ours.checksum == heap.checksum;
      const bool ok = match && ours.consistent && heap.consistent;
      all_ok = all_ok && ok;
      std::printf("%-6.0f %9zu | %10.2f %8.1f | %10.2f %8.1f | %6.2f | %6llu | %016llx %016llx %s\n", fraction * 100.0,
                  pending, opt.run_ours ? ops / ours_s / 1e6 : 0.0, opt.run_ours ? ours_s * 1e9 / ops : 0.0,
                  opt.run_heap ? ops / heap_s / 1e6 : 0.0, opt.run_heap ? heap_s * 1e9 / ops : 0.0,
                  both ? heap_s / ours_s : 0.0, static_cast<unsigned long long>(ours.allocations),
                  static_cast<unsigned long long>(ours.checksum), static_cast<unsigned long long>(heap.checksum),
                  !ok ? "MISMATCH" : (both ? "yes" : "n/a"));
      std::fflush(stdout);
    }
  }
  if (!all_ok) {
    std::fprintf(stderr, "event_queue_bench: the two queues popped events in different orders\n");
    return 1;
  }
  return 0;
}
