#include "support/catch.hpp"

#include "kubesim/base/rng.hpp"
#include "kubesim/scheduler/framework/score_divider.hpp"

#include <vector>

using kubesim::scheduler::ScoreDivider;

namespace {

constexpr std::int64_t kTwo43 = std::int64_t{1} << 43;

// Numerators where a rounding error would show: every exact multiple k·den (quotients that come out
// just below an integer in floating point), its neighbours, and random values in [0, 100·den].
std::vector<std::int64_t> numerators_for(std::int64_t den, kubesim::base::Rng& rng) {
  std::vector<std::int64_t> out;
  for (std::int64_t k = 0; k <= 100; ++k) {
    for (std::int64_t d : {std::int64_t{-1}, std::int64_t{0}, std::int64_t{1}}) {
      const std::int64_t num = k * den + d;
      if (num >= 0 && num <= 100 * den) {
        out.push_back(num);
      }
    }
  }
  for (int i = 0; i < 200; ++i) {
    out.push_back(static_cast<std::int64_t>(rng.uniform_below(static_cast<std::uint64_t>(100 * den) + 1)));
  }
  return out;
}

}  // namespace

TEST_CASE("ScoreDivider gives exactly the truncated quotient", "[scheduler][score]") {
  kubesim::base::Rng rng(42);
  std::vector<std::int64_t> dens = {1,
                                    2,
                                    3,
                                    7,
                                    200,
                                    4000,
                                    3999,
                                    32LL * 1024 * 1024 * 1024,
                                    32LL * 1024 * 1024 * 1024 - 1,
                                    1'000'000'007,
                                    kTwo43 - 1,
                                    kTwo43 - 12345,
                                    kTwo43,
                                    kTwo43 + 1};
  for (int i = 0; i < 50; ++i) {
    dens.push_back(1 + static_cast<std::int64_t>(rng.uniform_below(kTwo43 - 1)));
  }
  ScoreDivider divider;
  for (std::int64_t den : dens) {
    for (std::int64_t num : numerators_for(den, rng)) {
      INFO(num << " / " << den);
      REQUIRE(divider.quotient(num, den) == num / den);
    }
  }
}

TEST_CASE("ScoreDivider falls back to the plain division outside its range", "[scheduler][score]") {
  ScoreDivider divider;
  // A negative numerator, a quotient above 100, a divisor beyond 2^43: C++ truncation each time.
  CHECK(divider.quotient(-7, 2) == -3);
  CHECK(divider.quotient(1000, 3) == 333);
  const std::int64_t big = std::int64_t{1} << 50;
  CHECK(divider.quotient(99 * big + 5, big) == 99);
  CHECK(divider.quotient(100 * big - 1, big) == 99);
  // Alternating divisors keep giving exact results (the cached reciprocal is replaced each time).
  for (int i = 0; i < 10; ++i) {
    CHECK(divider.quotient(399'900, 4000) == 99);
    CHECK(divider.quotient(3 * 32LL * 1024 * 1024 * 1024, 32LL * 1024 * 1024 * 1024) == 3);
  }
}
