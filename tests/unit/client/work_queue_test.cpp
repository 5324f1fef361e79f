#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/client/work_queue.hpp"

#include <vector>

using namespace kubesim;
using namespace kubesim::base::literals;
using client::WorkQueue;

namespace {

// Runs the simulation; each queue timer moves due keys in, and the harness records when keys became
// ready by draining the queue at once (a worker with no processing time).
struct Harness {
  sim::Simulation sim{1};
  WorkQueue queue{sim, sim::EventKind::ControllerWake, 3};
  std::vector<std::pair<base::SimTime, std::string>> got;

  void dispatch(const sim::Event& e) {
    REQUIRE(e.kind == sim::EventKind::ControllerWake);
    REQUIRE(e.target == 3);
    REQUIRE(e.arg == client::kQueueTimer);
    queue.on_timer();
    drain();
  }
  void drain() {
    while (auto key = queue.get()) {
      got.emplace_back(sim.now(), *key);
      queue.done(*key);
    }
  }
  void run() { sim.run_until(base::SimTime::max(), *this); }
};

}  // namespace

TEST_CASE("the work queue de-duplicates keys and keeps FIFO order", "[client][work_queue]") {
  Harness h;
  h.queue.add("a");
  h.queue.add("b");
  h.queue.add("a");
  CHECK(h.queue.ready() == 2);
  CHECK(h.queue.get() == std::optional<std::string>("a"));
  CHECK(h.queue.get() == std::optional<std::string>("b"));
  CHECK_FALSE(h.queue.get().has_value());
}

TEST_CASE("a key added while processing is queued again only when done", "[client][work_queue]") {
  Harness h;
  h.queue.add("a");
  auto key = h.queue.get();
  REQUIRE(key == std::optional<std::string>("a"));
  h.queue.add("a");  // dirty while processing: not handed to a second worker
  CHECK(h.queue.ready() == 0);
  h.queue.add("a");
  h.queue.done("a");
  CHECK(h.queue.ready() == 1);
  CHECK(h.queue.get() == std::optional<std::string>("a"));
  h.queue.done("a");
  CHECK(h.queue.empty());
}

TEST_CASE("add_after makes a key ready at its time; the earliest delay wins", "[client][work_queue]") {
  Harness h;
  h.queue.add_after("slow", 2_s);
  h.queue.add_after("fast", 500_ms);
  h.queue.add_after("slow", 1_s);  // sooner: replaces the 2 s delay
  h.queue.add_after("fast", 3_s);  // later: ignored
  CHECK(h.queue.waiting() == 2);
  h.run();
  REQUIRE(h.got.size() == 2);
  CHECK(h.got[0] == std::make_pair(base::SimTime::zero() + 500_ms, std::string("fast")));
  CHECK(h.got[1] == std::make_pair(base::SimTime::zero() + 1_s, std::string("slow")));
}

TEST_CASE("rate-limited adds back off 5 ms doubling per failure until forget", "[client][work_queue]") {
  Harness h;
  for (int i = 0; i < 4; ++i) {
    h.queue.add_rate_limited("k");
    h.run();
  }
  CHECK(h.queue.num_requeues("k") == 4);
  REQUIRE(h.got.size() == 4);
  CHECK(h.got[0].first == base::SimTime::zero() + 5_ms);
  CHECK(h.got[1].first == base::SimTime::zero() + 15_ms);  // +10 ms
  CHECK(h.got[2].first == base::SimTime::zero() + 35_ms);  // +20 ms
  CHECK(h.got[3].first == base::SimTime::zero() + 75_ms);  // +40 ms
  h.queue.forget("k");
  CHECK(h.queue.num_requeues("k") == 0);
  h.queue.add_rate_limited("k");
  h.run();
  CHECK(h.got.back().first == base::SimTime::zero() + 80_ms);
}

TEST_CASE("the per-key back-off is capped at 1000 s", "[client][work_queue]") {
  Harness h;
  for (int i = 0; i < 20; ++i) {
    h.queue.add_rate_limited("k");
    h.run();
  }
  base::Duration last = h.got[19].first - h.got[18].first;
  CHECK(last == 1000_s);
}

TEST_CASE("the overall bucket (10 qps, burst 100) limits many different keys", "[client][work_queue]") {
  Harness h;
  for (int i = 0; i < 101; ++i) {
    h.queue.add_rate_limited("k" + std::to_string(i));
  }
  h.run();
  REQUIRE(h.got.size() == 101);
  // The first 100 keys wait their 5 ms back-off; the 101st waits for a token (100 ms).
  CHECK(h.got[99].first == base::SimTime::zero() + 5_ms);
  CHECK(h.got[100].first == base::SimTime::zero() + 100_ms);
  CHECK(h.got[100].second == "k100");
}
