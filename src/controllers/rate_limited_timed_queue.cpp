#include "kubesim/controllers/rate_limited_timed_queue.hpp"

namespace kubesim::controllers {

namespace {
// scheduler.EvictionRateLimiterBurst.
constexpr std::int32_t kEvictionRateLimiterBurst = 1;
}  // namespace

RateLimitedTimedQueue::RateLimitedTimedQueue(double qps) : qps_(qps) {
  if (qps > 0) {
    limiter_.emplace(qps, kEvictionRateLimiterBurst);
  }
}

bool RateLimitedTimedQueue::try_accept(base::SimTime now) { return limiter_ && limiter_->try_accept(now); }

bool RateLimitedTimedQueue::add(const std::string& value, base::SimTime now) {
  if (members_.find(value) != members_.end()) {
    return false;
  }
  Key k{now, next_seq_++};
  heap_.emplace(k, value);
  members_.emplace(value, k);
  return true;
}

void RateLimitedTimedQueue::remove_from_queue(std::string_view value) {
  auto m = members_.find(value);
  if (m != members_.end() && m->second) {
    heap_.erase(*m->second);
    m->second.reset();
  }
}

bool RateLimitedTimedQueue::remove(std::string_view value) {
  auto m = members_.find(value);
  if (m == members_.end()) {
    return false;
  }
  remove_from_queue(value);
  members_.erase(m);
  return true;
}

void RateLimitedTimedQueue::swap_limiter(double qps, base::SimTime now) {
  if (qps == qps_) {
    return;
  }
  std::optional<base::TokenBucket> next;
  if (qps > 0) {
    next.emplace(qps, kEvictionRateLimiterBurst);
    // "If we're currently waiting on limiter, we drain the new one" (burst 1).
    if (!try_accept(now)) {
      next->try_accept(now);
    }
  }
  limiter_ = next;
  qps_ = qps;
}

}  // namespace kubesim::controllers
