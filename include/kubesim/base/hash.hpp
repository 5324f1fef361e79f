#pragma once

/// Small, fixed hash functions. They are part of kubesim's output (run fingerprints, RNG stream seeds),
/// so they must never change with the compiler or the standard library: std::hash is not used.

#include <cstdint>
#include <string_view>

namespace kubesim::base {

/// SplitMix64 finalizer (Steele, Lea, Flood 2014): a bijective 64-bit mixer.
constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// 64-bit FNV-1a of a byte string.
constexpr std::uint64_t fnv1a64(std::string_view s) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : s) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

/// Order-dependent combination of a running hash with one more 64-bit value.
constexpr std::uint64_t hash_combine(std::uint64_t h, std::uint64_t v) { return splitmix64(h ^ splitmix64(v)); }

}  // namespace kubesim::base
