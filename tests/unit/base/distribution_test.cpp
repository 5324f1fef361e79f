// Tests for kubesim::base::DurationDistribution: each kind's support, sample mean against mean(), the
// "never negative" guarantee, and str(). Fixed seeds make the statistical checks deterministic.

#include "support/catch.hpp"

#include "kubesim/base/distribution.hpp"
#include "kubesim/base/rng.hpp"
#include "kubesim/base/time.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <set>
#include <string>

using kubesim::base::Duration;
using kubesim::base::DurationDistribution;
using kubesim::base::Rng;
using namespace kubesim::base::literals;

namespace Catch {
template <> struct StringMaker<Duration> {
  static std::string convert(const Duration& d) { return std::to_string(d.nanos()) + "ns"; }
};
}  // namespace Catch

namespace {

using Kind = DurationDistribution::Kind;

// Mean of `n` samples, in nanoseconds; fails on the first negative sample.
double sample_mean(const DurationDistribution& dist, Rng& rng, int n) {
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    Duration d = dist.sample(rng);
    REQUIRE(d >= Duration::zero());
    sum += static_cast<double>(d.nanos());
  }
  return sum / n;
}

}  // namespace

TEST_CASE("constant always returns its value and draws nothing", "[base][distribution]") {
  auto dist = DurationDistribution::constant(250_ms);
  CHECK(dist.kind() == Kind::Constant);
  CHECK(dist.mean() == 250_ms);
  Rng rng(42);
  Rng untouched(42);
  for (int i = 0; i < 100; ++i) {
    REQUIRE(dist.sample(rng) == 250_ms);
  }
  // The stream is exactly where a fresh copy is: no draw happened.
  for (int i = 0; i < 4; ++i) {
    CHECK(rng.next_u64() == untouched.next_u64());
  }
  CHECK(DurationDistribution::constant(Duration::zero()).sample(rng) == Duration::zero());
}

TEST_CASE("default-constructed distribution is constant zero", "[base][distribution]") {
  DurationDistribution dist;
  Rng rng(1);
  CHECK(dist.kind() == Kind::Constant);
  CHECK(dist.sample(rng) == Duration::zero());
  CHECK(dist.mean() == Duration::zero());
}

TEST_CASE("non-constant kinds do draw from the rng", "[base][distribution]") {
  const std::uint64_t first = Rng(42).next_u64();
  for (const DurationDistribution& dist :
       {DurationDistribution::uniform(1_ms, 2_ms), DurationDistribution::exponential(1_ms),
        DurationDistribution::normal(10_ms, 1_ms), DurationDistribution::lognormal(10_ms, 0.5)}) {
    Rng rng(42);
    (void)dist.sample(rng);
    CHECK(rng.next_u64() != first);
  }
}

TEST_CASE("uniform stays within [min, max] and hits both ends", "[base][distribution]") {
  SECTION("wide range") {
    auto dist = DurationDistribution::uniform(100_ms, 300_ms);
    CHECK(dist.kind() == Kind::Uniform);
    CHECK(dist.mean() == 200_ms);
    Rng rng(7);
    Duration lo = Duration::max();
    Duration hi = Duration::zero();
    double sum = 0;
    constexpr int kDraws = 50'000;
    for (int i = 0; i < kDraws; ++i) {
      Duration d = dist.sample(rng);
      REQUIRE(d >= 100_ms);
      REQUIRE(d <= 300_ms);
      lo = std::min(lo, d);
      hi = std::max(hi, d);
      sum += static_cast<double>(d.nanos());
    }
    CHECK(sum / kDraws == Approx(static_cast<double>((200_ms).nanos())).epsilon(0.01));
    CHECK(lo < 101_ms);
    CHECK(hi > 299_ms);
  }
  SECTION("inclusive bounds on a tiny range") {
    auto dist = DurationDistribution::uniform(Duration::from_nanos(5), Duration::from_nanos(7));
    Rng rng(8);
    std::set<std::int64_t> seen;
    for (int i = 0; i < 300; ++i) {
      seen.insert(dist.sample(rng).nanos());
    }
    CHECK(seen == std::set<std::int64_t>{5, 6, 7});
    CHECK(dist.mean() == Duration::from_nanos(6));
  }
  SECTION("min == max") {
    auto dist = DurationDistribution::uniform(3_s, 3_s);
    Rng rng(9);
    for (int i = 0; i < 10; ++i) {
      REQUIRE(dist.sample(rng) == 3_s);
    }
  }
}

TEST_CASE("exponential sample mean matches mean()", "[base][distribution]") {
  auto dist = DurationDistribution::exponential(2_ms);
  CHECK(dist.kind() == Kind::Exponential);
  CHECK(dist.mean() == 2_ms);
  Rng rng(10);
  CHECK(sample_mean(dist, rng, 100'000) == Approx(static_cast<double>((2_ms).nanos())).epsilon(0.02));
}

TEST_CASE("exponential samples are pinned for a fixed seed", "[base][distribution]") {
  // Golden outputs depend on these exact values: -ln(1 - u) * mean, rounded to whole nanoseconds.
  auto dist = DurationDistribution::exponential(2_ms);
  Rng rng(7);
  CHECK(dist.sample(rng).nanos() == 2'411'793);
  CHECK(dist.sample(rng).nanos() == 653'542);
  CHECK(dist.sample(rng).nanos() == 3'660'512);
}

TEST_CASE("normal sample mean matches mean() and samples are never negative", "[base][distribution]") {
  SECTION("mean far from zero") {
    auto dist = DurationDistribution::normal(100_ms, 10_ms);
    CHECK(dist.kind() == Kind::Normal);
    CHECK(dist.mean() == 100_ms);
    Rng rng(11);
    constexpr int kDraws = 50'000;
    double sum = 0;
    double sum_sq = 0;
    for (int i = 0; i < kDraws; ++i) {
      double x = static_cast<double>(dist.sample(rng).nanos());
      sum += x;
      sum_sq += x * x;
    }
    double m = sum / kDraws;
    double sd = std::sqrt(sum_sq / kDraws - m * m);
    CHECK(m == Approx(1e8).epsilon(0.005));
    CHECK(sd == Approx(1e7).epsilon(0.03));
  }
  SECTION("mean at zero: negative draws are re-drawn, not clamped") {
    auto dist = DurationDistribution::normal(Duration::zero(), 1_s);
    Rng rng(12);
    int zeros = 0;
    constexpr int kDraws = 20'000;
    double sum = 0;
    for (int i = 0; i < kDraws; ++i) {
      Duration d = dist.sample(rng);
      REQUIRE(d >= Duration::zero());
      zeros += d == Duration::zero() ? 1 : 0;
      sum += d.seconds();
    }
    // Clamping would put half the mass at 0; re-drawing gives a half-normal with mean sqrt(2/pi) s.
    CHECK(zeros < 10);
    CHECK(sum / kDraws == Approx(std::sqrt(2.0 / std::numbers::pi)).epsilon(0.03));
  }
  SECTION("mean far below zero gives zero rather than looping forever") {
    auto dist = DurationDistribution::normal(-(100_s), 1_ms);
    Rng rng(13);
    for (int i = 0; i < 10; ++i) {
      REQUIRE(dist.sample(rng) == Duration::zero());
    }
  }
}

TEST_CASE("lognormal: median and mean", "[base][distribution]") {
  auto dist = DurationDistribution::lognormal(10_ms, 0.5);
  CHECK(dist.kind() == Kind::LogNormal);
  // mean = median * exp(sigma² / 2)
  CHECK(static_cast<double>(dist.mean().nanos()) == Approx(1e7 * std::exp(0.125)).margin(1.0));
  Rng rng(14);
  constexpr int kDraws = 100'000;
  double sum = 0;
  int below_median = 0;
  for (int i = 0; i < kDraws; ++i) {
    Duration d = dist.sample(rng);
    REQUIRE(d > Duration::zero());
    sum += static_cast<double>(d.nanos());
    below_median += d < 10_ms ? 1 : 0;
  }
  CHECK(sum / kDraws == Approx(static_cast<double>(dist.mean().nanos())).epsilon(0.01));
  CHECK(static_cast<double>(below_median) / kDraws == Approx(0.5).margin(0.01));
  // sigma = 0 degenerates to the median.
  auto flat = DurationDistribution::lognormal(10_ms, 0.0);
  CHECK(flat.sample(rng) == 10_ms);
  CHECK(flat.mean() == 10_ms);
}

TEST_CASE("samples are reproducible for a seed", "[base][distribution]") {
  auto dist = DurationDistribution::lognormal(5_ms, 1.0);
  Rng a(99);
  Rng b(99);
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(dist.sample(a) == dist.sample(b));
  }
}

TEST_CASE("str() describes the distribution", "[base][distribution]") {
  CHECK(DurationDistribution::constant(250_ms).str() == "250ms");
  CHECK(DurationDistribution::constant(90_s).str() == "1m30s");
  CHECK(DurationDistribution::uniform(1_s, 2500_ms).str() == "uniform(min=1s, max=2.5s)");
  CHECK(DurationDistribution::exponential(2_ms).str() == "exponential(mean=2ms)");
  CHECK(DurationDistribution::normal(100_ms, 10_ms).str() == "normal(mean=100ms, stddev=10ms)");
  CHECK(DurationDistribution::lognormal(10_ms, 0.5).str() == "lognormal(median=10ms, sigma=0.5)");
  CHECK(DurationDistribution::lognormal(1_s, 1.0).str() == "lognormal(median=1s, sigma=1)");
}
