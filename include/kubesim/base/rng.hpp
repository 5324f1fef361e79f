#pragma once

/// Deterministic random numbers. kubesim has its own engine and its own distributions because the
/// standard library's distributions produce different sequences under libstdc++ and libc++, and output
/// must be byte-identical on any machine for a given seed.
///
/// Every component draws from its own stream, derived from the run's root seed and a stable name
/// (`Rng::stream(seed, "scheduler", 0)`), so adding a draw in one component never shifts another's.

#include "kubesim/base/hash.hpp"
#include "kubesim/base/time.hpp"

#include <cstdint>
#include <string_view>

namespace kubesim::base {

/// xoshiro256** 1.0 (Blackman & Vigna): fast, 256-bit state, passes BigCrush. Seeded through SplitMix64
/// as its authors recommend. Not thread-safe; one instance per stream.
class Rng {
  // 128-bit products for Lemire's method; __extension__ keeps -Wpedantic quiet about the GCC/Clang type.
  __extension__ using Uint128 = unsigned __int128;

 public:
  explicit Rng(std::uint64_t seed);

  /// The stream for component `component` (e.g. "scheduler", "kubelet") with stable id `id` (e.g. a
  /// node index) under the root seed: splitmix64(seed ^ hash(component, id)).
  static Rng stream(std::uint64_t root_seed, std::string_view component, std::uint64_t id = 0);

  /// Next 64 uniformly random bits.
  std::uint64_t next_u64() {
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

  /// Uniform integer in [0, n) without modulo bias (Lemire, "Fast Random Integer Generation in an
  /// Interval", 2019: multiply-shift with rejection). n > 0. Inline: the scheduler draws once per node
  /// tied for the best score.
  std::uint64_t uniform_below(std::uint64_t n) {
    Uint128 m = static_cast<Uint128>(next_u64()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) [[unlikely]] {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<Uint128>(next_u64()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }
  /// Uniform integer in [lo, hi], inclusive.
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);
  /// Uniform double in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  /// Exponential variate with the given mean (inverse-CDF method).
  double exponential(double mean);
  /// Standard normal variate (Marsaglia polar method; the spare value is kept for the next call).
  double normal01();

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
  double spare_normal_ = 0;
  bool has_spare_ = false;
};

}  // namespace kubesim::base
