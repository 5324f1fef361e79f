#include "support/catch.hpp"

#include "kubesim/controllers/expectations.hpp"

using namespace kubesim;
using namespace kubesim::base::literals;
using controllers::Expectations;

TEST_CASE("expectations are satisfied once every creation was observed", "[controllers][expectations]") {
  Expectations e;
  base::SimTime t = base::SimTime::zero();
  CHECK(e.satisfied("default/web", t));
  e.expect_creations("default/web", 2, t);
  CHECK_FALSE(e.satisfied("default/web", t));
  e.creation_observed("default/web");
  CHECK_FALSE(e.satisfied("default/web", t));
  e.creation_observed("default/web");
  CHECK(e.satisfied("default/web", t));
}

TEST_CASE("a deletion is counted once per pod", "[controllers][expectations]") {
  Expectations e;
  base::SimTime t = base::SimTime::zero();
  e.expect_deletions("default/web", {"default/a", "default/b"}, t);
  e.deletion_observed("default/web", "default/a");
  e.deletion_observed("default/web", "default/a");  // terminating, then deleted: the same pod
  CHECK_FALSE(e.satisfied("default/web", t));
  e.deletion_observed("default/web", "default/b");
  CHECK(e.satisfied("default/web", t));
}

TEST_CASE("expectations expire after five minutes", "[controllers][expectations]") {
  Expectations e;
  base::SimTime t = base::SimTime::zero();
  e.expect_creations("default/web", 5, t);
  CHECK_FALSE(e.satisfied("default/web", t + 300_s));
  CHECK(e.satisfied("default/web", t + 300_s + 1_ns));
  e.forget("default/web");
  CHECK(e.satisfied("default/web", t));
}
