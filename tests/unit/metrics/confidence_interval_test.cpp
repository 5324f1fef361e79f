#include "support/catch.hpp"

#include "kubesim/metrics/confidence_interval.hpp"

#include <vector>

using namespace kubesim;

TEST_CASE("Student t quantiles match the textbook table", "[metrics][ci]") {
  CHECK(metrics::t_quantile_975(1) == Approx(12.7062).epsilon(1e-5));
  CHECK(metrics::t_quantile_975(2) == Approx(4.3027).epsilon(1e-4));
  CHECK(metrics::t_quantile_975(9) == Approx(2.2622).epsilon(1e-4));
  CHECK(metrics::t_quantile_975(19) == Approx(2.0930).epsilon(1e-4));
  CHECK(metrics::t_quantile_975(1000) == Approx(1.9623).epsilon(1e-4));
}

TEST_CASE("mean and 95% interval of a small sample", "[metrics][ci]") {
  // 1..5: mean 3, s = sqrt(2.5) = 1.5811, t(0.975, 4) = 2.7764, half width = 2.7764 * 1.5811 / sqrt(5).
  std::vector<double> v{1, 2, 3, 4, 5};
  metrics::MeanInterval m = metrics::mean_interval95(v);
  CHECK(m.n == 5);
  CHECK(m.mean == 3.0);
  CHECK(m.stddev == Approx(1.58114).epsilon(1e-5));
  REQUIRE(m.half_width);
  CHECK(*m.half_width == Approx(1.96324).epsilon(1e-5));
  CHECK(m.low() == Approx(1.03676).epsilon(1e-5));
  CHECK(m.excludes_zero());
}

TEST_CASE("intervals of degenerate samples", "[metrics][ci]") {
  SECTION("one run has no spread") {
    std::vector<double> v{4};
    metrics::MeanInterval m = metrics::mean_interval95(v);
    CHECK(m.mean == 4);
    CHECK_FALSE(m.half_width);
    CHECK_FALSE(m.excludes_zero());
  }
  SECTION("equal values: a zero-width interval") {
    std::vector<double> v{2, 2, 2};
    metrics::MeanInterval m = metrics::mean_interval95(v);
    REQUIRE(m.half_width);
    CHECK(*m.half_width == 0);
    CHECK(m.excludes_zero());
  }
  SECTION("an interval around zero does not exclude it") {
    std::vector<double> v{-1, 1, -1, 1};
    CHECK_FALSE(metrics::mean_interval95(v).excludes_zero());
  }
  SECTION("no values") { CHECK(metrics::mean_interval95({}).n == 0); }
}
