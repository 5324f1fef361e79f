#include "support/catch.hpp"

#include "kubesim/node/eviction.hpp"
#include "kubesim/node/restart_backoff.hpp"

using namespace kubesim;
using namespace kubesim::base::literals;

TEST_CASE("crash-loop back-off: 10 s doubling to 300 s", "[node][backoff]") {
  node::RestartBackoff b;
  base::SimTime t = base::SimTime::zero();
  std::vector<std::int64_t> delays;
  for (int i = 0; i < 8; ++i) {
    t = t + 1_s;  // runs one second, dies
    base::Duration d = b.on_death(t);
    delays.push_back(d.nanos() / 1'000'000'000);
    t = t + d;
    b.on_restart(t);
  }
  CHECK(delays == std::vector<std::int64_t>{10, 20, 40, 80, 160, 300, 300, 300});
}

TEST_CASE("crash-loop back-off resets after 10 minutes of running", "[node][backoff]") {
  node::RestartBackoff b;
  base::SimTime t = base::SimTime::from_nanos(0) + 5_s;
  CHECK(b.on_death(t) == 10_s);
  b.on_restart(t + 10_s);
  CHECK(b.on_death(t + 20_s) == 20_s);
  b.on_restart(t + 40_s);
  // Exactly 10 minutes is not yet expired (upstream: more than 2 × the cap).
  CHECK(b.on_death(t + 40_s + 600_s) == 40_s);
  b.on_restart(t + 680_s);
  CHECK(b.on_death(t + 680_s + 601_s) == 10_s);
}

TEST_CASE("memory-pressure ranking: over request, then priority, then usage above request", "[node][eviction]") {
  using node::EvictionCandidate;
  constexpr std::int64_t kMi = 1024 * 1024;
  std::vector<EvictionCandidate> pods{
      {"default/guaranteed", 0, 500 * kMi, 512 * kMi, 0},
      {"default/burstable-small", 0, 300 * kMi, 256 * kMi, 1},
      {"default/besteffort", 0, 100 * kMi, 0, 2},
      {"default/burstable-big", 0, 900 * kMi, 256 * kMi, 3},
      {"default/besteffort-important", 1000, 800 * kMi, 0, 4},
  };
  node::rank_for_memory_pressure(pods);
  std::vector<std::uint32_t> order;
  for (const EvictionCandidate& p : pods) {
    order.push_back(p.row);
  }
  // Over their request (priority 0): burstable-big (644Mi over), besteffort (100Mi), burstable-small (44Mi);
  // then the higher-priority BestEffort pod; the Guaranteed pod (within its request) last.
  CHECK(order == std::vector<std::uint32_t>{3, 2, 1, 4, 0});
}

TEST_CASE("eviction message as upstream's evictionMessage", "[node][eviction]") {
  constexpr std::int64_t kMi = 1024 * 1024;
  std::string m =
      node::memory_eviction_message(100 * kMi, 50 * kMi, {{"app", 2048 * kMi, 0}, {"sidecar", 10 * kMi, 64 * kMi}});
  CHECK(m == "The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. Container app was "
             "using 2Gi, request is 0, has larger consumption of memory. ");
}
