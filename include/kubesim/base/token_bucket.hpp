#pragma once

/// TokenBucket: golang.org/x/time/rate's limiter (and client-go's flowcontrol token bucket) in
/// simulated time. `qps` tokens per second refill a bucket of `burst`; each request takes one token and
/// may drive the count negative, in which case it must wait until the refill catches up. This is how
/// client-go's QPS/burst throttles a component, how the work queue's overall bucket limits retries, and
/// how the event spam filter drops events.
///
/// Integer arithmetic only: the bucket holds "credit" in nanoseconds (one token = one interval of
/// 1e9 / qps ns), so results do not depend on floating-point rounding across machines.

#include "kubesim/base/time.hpp"

#include <cstdint>

namespace kubesim::base {

class TokenBucket {
 public:
  /// A bucket that starts full. `qps` <= 0 means unlimited.
  TokenBucket(double qps, std::int32_t burst);

  /// Takes one token at `now` and returns how long the caller must wait before acting (0 when a token
  /// was available): rate.Limiter.Reserve().Delay().
  Duration reserve(SimTime now);
  /// Takes one token only if one is available now: flowcontrol's TryAccept.
  bool try_accept(SimTime now);

  [[nodiscard]] bool unlimited() const { return interval_ns_ == 0; }

 private:
  void refill(SimTime now);

  std::int64_t interval_ns_ = 0;  // time to earn one token
  std::int64_t capacity_ns_ = 0;  // burst * interval
  std::int64_t credit_ns_ = 0;    // tokens * interval; negative while requests wait
  SimTime last_;
};

}  // namespace kubesim::base
