#pragma once

/// ScoreDivider: exact truncated division for Score arithmetic, num / den with a quotient in
/// [0, 100] (upstream's integer `a * MaxNodeScore / b`), without a hardware 64-bit division. Each node
/// costs NodeResourcesFit three such divisions per pod, which a `div` instruction would dominate.

#include <cstdint>

namespace kubesim::scheduler {

class ScoreDivider {
 public:
  /// Exactly num / den (C++ truncation) for any den > 0, and in particular for 0 <= num <= 100·den.
  std::int64_t quotient(std::int64_t num, std::int64_t den) {
    if (num < 0 || den <= 0 || den >= kFastLimit || num > den * kMaxQuotient) [[unlikely]] {
      return num / den;
    }
    // The reciprocal is kept while the divisor stays the same, as node capacities do from one node to
    // the next; a new divisor costs one floating-point division.
    if (den != den_) [[unlikely]] {
      den_ = den;
      inverse_ = 1.0 / static_cast<double>(den);
    }
    return static_cast<std::int64_t>(static_cast<double>(num) * inverse_ + kBias);
  }

 private:
  // Why the truncation of num·(1/den) + 2^-44 is exact. num < 2^50 and den < 2^43 are exact doubles.
  // The rounded reciprocal and the rounded product each add a relative error of at most 2^-53, so
  // the product is within 100·2^-52 < 2^-45.3 of q* = num/den (q* <= 100), and adding the bias rounds
  // by at most half an ulp of 128, 2^-46. The sum therefore lies in [q* + 1.8e-14, q* + 9.6e-14]
  // (with or without a fused multiply-add). If q* is an integer, that is above q* and below q* + 1.
  // Otherwise q* lies at least 1/den > 1.1e-13 below the next integer (den < 2^43), so the sum stays
  // below it. Either way the truncation is floor(q*): the same on every machine, and no correction
  // step, whose branch the operands would make unpredictable.
  static constexpr std::int64_t kFastLimit = std::int64_t{1} << 43;  // 8 TiB of memory in bytes
  static constexpr std::int64_t kMaxQuotient = 100;
  static constexpr double kBias = 0x1.0p-44;
  std::int64_t den_ = 0;
  double inverse_ = 0;
};

}  // namespace kubesim::scheduler
