#include "kubesim/base/rng.hpp"

#include <cmath>

namespace kubesim::base {

Rng::Rng(std::uint64_t seed) {
  // The authors' recommended seeding: four successive SplitMix64 outputs (splitmix64(x) adds the
  // increment itself, so x advances by one increment per output).
  std::uint64_t x = seed;
  for (auto& s : s_) {
    s = splitmix64(x);
    x += 0x9E3779B97F4A7C15ULL;
  }
}

Rng Rng::stream(std::uint64_t root_seed, std::string_view component, std::uint64_t id) {
  return Rng(splitmix64(root_seed ^ hash_combine(fnv1a64(component), id)));
}

std::int64_t Rng::uniform_int(std::int64_t lo, std::int64_t hi) {
  // Unsigned arithmetic: hi - lo and lo + offset may exceed int64 for wide ranges.
  const auto ulo = static_cast<std::uint64_t>(lo);
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - ulo + 1;
  if (span == 0) {  // the full 64-bit range
    return static_cast<std::int64_t>(next_u64());
  }
  return static_cast<std::int64_t>(ulo + uniform_below(span));
}

double Rng::exponential(double mean) {
  // 1 - u is in (0, 1], so the logarithm is finite.
  return -std::log(1.0 - uniform01()) * mean;
}

double Rng::normal01() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_normal_;
  }
  double u = 0;
  double v = 0;
  double s = 0;
  do {
    u = uniform01() * 2.0 - 1.0;
    v = uniform01() * 2.0 - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  double factor = std::sqrt(-2.0 * std::log(s) / s);
  spare_normal_ = v * factor;
  has_spare_ = true;
  return u * factor;
}

}  // namespace kubesim::base
