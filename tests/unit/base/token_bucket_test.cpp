#include "support/catch.hpp"

#include "kubesim/base/token_bucket.hpp"

using namespace kubesim;
using namespace kubesim::base::literals;
using base::SimTime;
using base::TokenBucket;

TEST_CASE("a token bucket lets a burst through, then paces at qps", "[base][token_bucket]") {
  TokenBucket b(20, 30);  // kube-controller-manager's client: 20 qps, burst 30
  SimTime t0 = SimTime::zero();
  for (int i = 0; i < 30; ++i) {
    CHECK(b.reserve(t0) == 0_ns);
  }
  // Tokens go negative: request 31 waits one interval (50 ms), request 32 two.
  CHECK(b.reserve(t0) == 50_ms);
  CHECK(b.reserve(t0) == 100_ms);
  // 150 ms later one token was earned back after the two borrowed ones: the next waits 0.
  CHECK(b.reserve(t0 + 150_ms) == 0_ns);
  CHECK(b.reserve(t0 + 150_ms) == 50_ms);
}

TEST_CASE("a token bucket refills to its burst, never beyond", "[base][token_bucket]") {
  TokenBucket b(10, 2);
  SimTime t = SimTime::zero();
  CHECK(b.reserve(t) == 0_ns);
  CHECK(b.reserve(t) == 0_ns);
  CHECK(b.reserve(t) == 100_ms);
  t = t + base::Duration::from_seconds(60);  // a long idle time earns only `burst` tokens
  CHECK(b.reserve(t) == 0_ns);
  CHECK(b.reserve(t) == 0_ns);
  CHECK(b.reserve(t) == 100_ms);
}

TEST_CASE("try_accept takes a token only when one is there (the event spam filter)", "[base][token_bucket]") {
  TokenBucket b(1.0 / 300.0, 25);
  SimTime t = SimTime::zero();
  for (int i = 0; i < 25; ++i) {
    CHECK(b.try_accept(t));
  }
  CHECK_FALSE(b.try_accept(t));
  CHECK_FALSE(b.try_accept(t + 299_s));
  CHECK(b.try_accept(t + 300_s));
  CHECK_FALSE(b.try_accept(t + 300_s));
}

TEST_CASE("a bucket with qps <= 0 is unlimited", "[base][token_bucket]") {
  TokenBucket b(0, 0);
  CHECK(b.unlimited());
  for (int i = 0; i < 1000; ++i) {
    CHECK(b.reserve(SimTime::zero()) == 0_ns);
  }
  CHECK(b.try_accept(SimTime::zero()));
}
