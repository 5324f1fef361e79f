#include "support/catch.hpp"

#include "kubesim/metrics/latency_cdf.hpp"

using namespace kubesim;

TEST_CASE("a latency CDF has one step per distinct value and nearest-rank percentiles", "[metrics][report]") {
  metrics::LatencyCdf cdf = metrics::latency_cdf({0.3, 0.1, 0.2, 0.2, 0.4});
  CHECK(cdf.sorted == std::vector<double>{0.1, 0.2, 0.2, 0.3, 0.4});
  REQUIRE(cdf.points.size() == 4);
  CHECK(cdf.points[0].seconds == 0.1);
  CHECK(cdf.points[0].fraction == Approx(0.2));
  CHECK(cdf.points[1].seconds == 0.2);
  CHECK(cdf.points[1].fraction == Approx(0.6));  // both 0.2 samples in one step
  CHECK(cdf.points[3].seconds == 0.4);
  CHECK(cdf.points[3].fraction == 1.0);
  // ranks ceil(0.5·5) = 3, ceil(0.9·5) = 5, ceil(0.99·5) = 5
  CHECK(cdf.p50 == 0.2);
  CHECK(cdf.p90 == 0.4);
  CHECK(cdf.p99 == 0.4);
}

TEST_CASE("nearest-rank percentiles match summary.json's definition", "[metrics][report]") {
  std::vector<double> hundred;
  for (int i = 1; i <= 100; ++i) {
    hundred.push_back(i);
  }
  CHECK(metrics::nearest_rank(hundred, 50) == 50);
  CHECK(metrics::nearest_rank(hundred, 90) == 90);
  CHECK(metrics::nearest_rank(hundred, 99) == 99);
  CHECK(metrics::nearest_rank({7}, 99) == 7);
  CHECK(metrics::nearest_rank({}, 50) == 0);
  CHECK(metrics::latency_cdf({}).empty());
}

TEST_CASE("a CDF of many distinct values is thinned to evenly spaced ranks ending at the maximum",
          "[metrics][report]") {
  std::vector<double> samples;
  for (int i = 0; i < 10000; ++i) {
    samples.push_back(i * 0.001);
  }
  metrics::LatencyCdf cdf = metrics::latency_cdf(samples, 100);
  REQUIRE(cdf.points.size() == 100);
  CHECK(cdf.points.front().fraction == Approx(0.01));
  CHECK(cdf.points.back().seconds == Approx(9.999));
  CHECK(cdf.points.back().fraction == 1.0);
  CHECK(cdf.p50 == Approx(4.999));  // rank 5000 of the full data, not of the thinned points
}
