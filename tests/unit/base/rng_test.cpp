// Tests for kubesim::base::Rng: the xoshiro256** engine, stream derivation and the distributions built
// on it. Statistical checks use fixed seeds, so they are deterministic: a failure means the algorithm
// changed, not bad luck. Pinned values guard the exact sequences that golden outputs depend on.

#include "support/catch.hpp"

#include "kubesim/base/hash.hpp"
#include "kubesim/base/rng.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <vector>

using kubesim::base::fnv1a64;
using kubesim::base::hash_combine;
using kubesim::base::Rng;
using kubesim::base::splitmix64;

namespace {

// Straight transcriptions of the published reference code (prng.di.unimi.it/xoshiro256starstar.c and
// splitmix64.c), kept independent of the code under test.
class ReferenceXoshiro256StarStar {
 public:
  explicit ReferenceXoshiro256StarStar(const std::array<std::uint64_t, 4>& state) : s_(state) {}
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_;
};

class ReferenceSplitMix64 {
 public:
  explicit ReferenceSplitMix64(std::uint64_t seed) : x_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (x_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t x_;
};

// Rng(seed) fills its state with the first four outputs of the SplitMix64 generator seeded with `seed`,
// the seeding the xoshiro authors recommend.
ReferenceXoshiro256StarStar reference_for_seed(std::uint64_t seed) {
  ReferenceSplitMix64 sm(seed);
  std::array<std::uint64_t, 4> state{};
  for (auto& s : state) {
    s = sm.next();
  }
  return ReferenceXoshiro256StarStar(state);
}

}  // namespace

TEST_CASE("hash primitives match their published test vectors", "[base][rng]") {
  // splitmix64.c seeded with 1234567: first output.
  STATIC_REQUIRE(splitmix64(1234567) == 6457827717110365317ULL);
  // FNV-1a 64 of "" is the offset basis; of "a" the value from the FNV test suite.
  STATIC_REQUIRE(fnv1a64("") == 0xcbf29ce484222325ULL);
  STATIC_REQUIRE(fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(hash_combine(1, 2) != hash_combine(2, 1));
}

TEST_CASE("Rng is xoshiro256** over a SplitMix64-seeded state", "[base][rng]") {
  for (std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{42}, ~std::uint64_t{0}}) {
    INFO("seed " << seed);
    Rng rng(seed);
    ReferenceXoshiro256StarStar ref = reference_for_seed(seed);
    for (int i = 0; i < 1000; ++i) {
      REQUIRE(rng.next_u64() == ref.next());
    }
  }
}

TEST_CASE("Rng(42) produces pinned values", "[base][rng]") {
  // Changing any of these changes every golden output: update them only on purpose.
  SECTION("next_u64") {
    Rng rng(42);
    CHECK(rng.next_u64() == 0x15780b2e0c2ec716ULL);
    CHECK(rng.next_u64() == 0x6104d9866d113a7eULL);
    CHECK(rng.next_u64() == 0xae17533239e499a1ULL);
    CHECK(rng.next_u64() == 0xecb8ad4703b360a1ULL);
    CHECK(rng.next_u64() == 0xfde6dc7fe2ec5e64ULL);
  }
  SECTION("uniform_below") {
    Rng rng(42);
    std::vector<std::uint64_t> got;
    for (int i = 0; i < 5; ++i) {
      got.push_back(rng.uniform_below(100));
    }
    CHECK(got == std::vector<std::uint64_t>{8, 37, 68, 92, 99});
  }
  SECTION("uniform_int") {
    Rng rng(42);
    CHECK(rng.uniform_int(-5, 5) == -5);
    CHECK(rng.uniform_int(-5, 5) == -1);
    CHECK(rng.uniform_int(-5, 5) == 2);
  }
  SECTION("uniform01") {
    Rng rng(42);
    // (0x15780b2e0c2ec716 >> 11) * 2^-53
    CHECK(rng.uniform01() == static_cast<double>(0x15780b2e0c2ec716ULL >> 11) * 0x1.0p-53);
  }
  SECTION("exponential and normal01") {
    Rng a(42);
    CHECK(a.exponential(1.0) == Approx(0.087589330583417571).epsilon(1e-12));
    Rng b(42);
    CHECK(b.normal01() == Approx(-0.72621913824478568).epsilon(1e-12));
    CHECK(b.normal01() == Approx(-0.21119691823195985).epsilon(1e-12));
  }
  SECTION("stream") { CHECK(Rng::stream(42, "scheduler", 0).next_u64() == 0xa99c35f28c1d617bULL); }
}

TEST_CASE("Rng is deterministic", "[base][rng]") {
  Rng a(12345);
  Rng b(12345);
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(a.next_u64() == b.next_u64());
  }
  // A copy continues the same sequence from where the original is.
  Rng c = a;
  for (int i = 0; i < 100; ++i) {
    REQUIRE(a.next_u64() == c.next_u64());
  }
  // Different seeds give different sequences.
  Rng d(12346);
  Rng e(12345);
  int equal = 0;
  for (int i = 0; i < 100; ++i) {
    equal += d.next_u64() == e.next_u64() ? 1 : 0;
  }
  CHECK(equal == 0);
}

TEST_CASE("Rng::stream derives independent, reproducible streams", "[base][rng]") {
  auto first_values = [](Rng rng) {
    std::vector<std::uint64_t> v;
    for (int i = 0; i < 8; ++i) {
      v.push_back(rng.next_u64());
    }
    return v;
  };
  auto a0 = first_values(Rng::stream(7, "a", 0));
  auto a1 = first_values(Rng::stream(7, "a", 1));
  auto b0 = first_values(Rng::stream(7, "b", 0));
  auto a0_other_seed = first_values(Rng::stream(8, "a", 0));

  CHECK(a0 == first_values(Rng::stream(7, "a", 0)));
  CHECK(a0 == first_values(Rng::stream(7, "a")));  // id defaults to 0
  CHECK(a0 != a1);
  CHECK(a0 != b0);
  CHECK(a1 != b0);
  CHECK(a0 != a0_other_seed);
  // The documented derivation: splitmix64(seed ^ hash(component, id)).
  CHECK(a1 == first_values(Rng(splitmix64(7 ^ hash_combine(fnv1a64("a"), 1)))));

  // No shared values among the first draws of many sibling streams (collisions would mean correlation).
  std::set<std::uint64_t> seen;
  for (std::uint64_t id = 0; id < 200; ++id) {
    Rng s = Rng::stream(7, "kubelet", id);
    for (int i = 0; i < 4; ++i) {
      seen.insert(s.next_u64());
    }
  }
  CHECK(seen.size() == 800);
}

TEST_CASE("uniform_below stays in bounds", "[base][rng]") {
  Rng rng(1);
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(rng.uniform_below(1) == 0);
  }
  for (std::uint64_t n : {std::uint64_t{2}, std::uint64_t{3}, std::uint64_t{7}, std::uint64_t{1000},
                          (std::uint64_t{1} << 63) + 1, std::numeric_limits<std::uint64_t>::max()}) {
    INFO("n = " << n);
    for (int i = 0; i < 2000; ++i) {
      REQUIRE(rng.uniform_below(n) < n);
    }
  }
  // With n just above 2^63 about half of the raw draws are rejected; both halves of [0, n) must still
  // come up about equally often.
  std::uint64_t big = (std::uint64_t{1} << 63) + 1;
  int upper_half = 0;
  for (int i = 0; i < 1000; ++i) {
    upper_half += rng.uniform_below(big) >= (std::uint64_t{1} << 62) ? 1 : 0;
  }
  CHECK(upper_half > 400);
  CHECK(upper_half < 600);
}

TEST_CASE("uniform_below is roughly uniform", "[base][rng]") {
  // Chi-square goodness of fit over 10 buckets, 100k draws: 9 degrees of freedom; 27.88 is the 0.999
  // quantile. With a fixed seed this is a deterministic regression check.
  constexpr int kBuckets = 10;
  constexpr int kDraws = 100'000;
  Rng rng(2024);
  std::array<int, kBuckets> counts{};
  for (int i = 0; i < kDraws; ++i) {
    ++counts[static_cast<std::size_t>(rng.uniform_below(kBuckets))];
  }
  const double expected = static_cast<double>(kDraws) / kBuckets;
  double chi2 = 0;
  for (int c : counts) {
    double d = c - expected;
    chi2 += d * d / expected;
  }
  CHECK(chi2 < 27.88);
  // A non-power-of-two range that would show modulo bias if there were any: values below 2^64 mod 3.
  std::array<int, 3> thirds{};
  for (int i = 0; i < 30'000; ++i) {
    ++thirds[static_cast<std::size_t>(rng.uniform_below(3))];
  }
  for (int c : thirds) {
    CHECK(c > 9'500);
    CHECK(c < 10'500);
  }
}

TEST_CASE("uniform_int covers its inclusive bounds", "[base][rng]") {
  Rng rng(3);
  SECTION("small range around zero") {
    std::set<std::int64_t> seen;
    for (int i = 0; i < 2000; ++i) {
      std::int64_t v = rng.uniform_int(-5, 5);
      REQUIRE(v >= -5);
      REQUIRE(v <= 5);
      seen.insert(v);
    }
    CHECK(seen.size() == 11);
  }
  SECTION("negative range") {
    std::set<std::int64_t> seen;
    for (int i = 0; i < 1000; ++i) {
      std::int64_t v = rng.uniform_int(-10, -3);
      REQUIRE(v >= -10);
      REQUIRE(v <= -3);
      seen.insert(v);
    }
    CHECK(seen.size() == 8);
    CHECK(*seen.begin() == -10);
    CHECK(*seen.rbegin() == -3);
  }
  SECTION("single value") {
    for (int i = 0; i < 100; ++i) {
      REQUIRE(rng.uniform_int(17, 17) == 17);
      REQUIRE(rng.uniform_int(-4, -4) == -4);
    }
  }
  SECTION("large positive range") {
    const std::int64_t lo = std::numeric_limits<std::int64_t>::max() - 10;
    const std::int64_t hi = std::numeric_limits<std::int64_t>::max();
    std::set<std::int64_t> seen;
    for (int i = 0; i < 500; ++i) {
      std::int64_t v = rng.uniform_int(lo, hi);
      REQUIRE(v >= lo);
      seen.insert(v);
    }
    CHECK(seen.size() == 11);
  }
}

// uniform_int computes `hi - lo` in int64_t and `lo + offset` in int64_t: both overflow (undefined
// behaviour) when the range is wider than INT64_MAX, e.g. the full range or [-1, INT64_MAX]. Under the
// dev preset (UBSan with -fno-sanitize-recover) this aborts the whole binary, so the test is hidden and
// deliberately not tagged [base] (a tag filter would select it); run it explicitly with "[ubsan]".
TEST_CASE("uniform_int over ranges wider than INT64_MAX", "[base][rng]") {
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  Rng a(5);
  Rng b(5);
  // Full range: documented to be one raw draw.
  CHECK(a.uniform_int(kMin, kMax) == static_cast<std::int64_t>(b.next_u64()));
  for (int i = 0; i < 100; ++i) {
    std::int64_t v = a.uniform_int(-1, kMax);
    REQUIRE(v >= -1);
  }
}

TEST_CASE("uniform01 is in [0, 1) with mean 1/2", "[base][rng]") {
  Rng rng(4);
  double sum = 0;
  constexpr int kDraws = 100'000;
  for (int i = 0; i < kDraws; ++i) {
    double u = rng.uniform01();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
  }
  CHECK(sum / kDraws == Approx(0.5).margin(0.005));
}

TEST_CASE("exponential has the requested mean", "[base][rng]") {
  constexpr int kDraws = 100'000;
  for (double mean : {1.0, 250.0, 2e6}) {
    INFO("mean " << mean);
    Rng rng(5);
    double sum = 0;
    double sum_sq = 0;
    for (int i = 0; i < kDraws; ++i) {
      double x = rng.exponential(mean);
      REQUIRE(x >= 0.0);
      REQUIRE(std::isfinite(x));
      sum += x;
      sum_sq += x * x;
    }
    double m = sum / kDraws;
    double var = sum_sq / kDraws - m * m;
    // Standard error of the mean is mean/sqrt(1e5) ≈ 0.3%; allow 2%.
    CHECK(m == Approx(mean).epsilon(0.02));
    // The variance of an exponential is mean².
    CHECK(var == Approx(mean * mean).epsilon(0.05));
  }
}

TEST_CASE("normal01 has mean 0 and variance 1", "[base][rng]") {
  constexpr int kDraws = 100'000;
  Rng rng(6);
  double sum = 0;
  double sum_sq = 0;
  int within_one_sigma = 0;
  for (int i = 0; i < kDraws; ++i) {
    double x = rng.normal01();
    REQUIRE(std::isfinite(x));
    sum += x;
    sum_sq += x * x;
    within_one_sigma += std::abs(x) < 1.0 ? 1 : 0;
  }
  double m = sum / kDraws;
  double var = sum_sq / kDraws - m * m;
  CHECK(m == Approx(0.0).margin(0.015));
  CHECK(var == Approx(1.0).epsilon(0.02));
  // 68.27% of a standard normal lies within one sigma.
  CHECK(static_cast<double>(within_one_sigma) / kDraws == Approx(0.6827).margin(0.01));
}

TEST_CASE("normal01 returns the spare value without drawing", "[base][rng]") {
  Rng rng(8);
  (void)rng.normal01();  // draws a pair, keeps the second
  Rng after_first = rng;
  (void)rng.normal01();  // the spare: no draw from the engine
  CHECK(rng.next_u64() == after_first.next_u64());
}
