#include "kubesim/base/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace kubesim::base {

TokenBucket::TokenBucket(double qps, std::int32_t burst) {
  if (qps > 0) {
    interval_ns_ = std::max<std::int64_t>(1, std::llround(1e9 / qps));
    capacity_ns_ = interval_ns_ * std::max<std::int32_t>(burst, 1);
    credit_ns_ = capacity_ns_;
  }
}

void TokenBucket::refill(SimTime now) {
  if (now > last_) {
    credit_ns_ = std::min(capacity_ns_, credit_ns_ + (now - last_).nanos());
    last_ = now;
  }
}

Duration TokenBucket::reserve(SimTime now) {
  if (unlimited()) {
    return Duration::zero();
  }
  refill(now);
  credit_ns_ -= interval_ns_;
  return credit_ns_ >= 0 ? Duration::zero() : Duration::from_nanos(-credit_ns_);
}

bool TokenBucket::try_accept(SimTime now) {
  if (unlimited()) {
    return true;
  }
  refill(now);
  if (credit_ns_ < interval_ns_) {
    return false;
  }
  credit_ns_ -= interval_ns_;
  return true;
}

}  // namespace kubesim::base
