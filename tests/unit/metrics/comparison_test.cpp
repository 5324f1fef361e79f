#include "support/catch.hpp"

#include "kubesim/metrics/comparison.hpp"

#include <string>

using namespace kubesim;

namespace {

metrics::ComparisonCell cell(std::string profile, std::uint64_t seed, double p99, double pending) {
  return metrics::ComparisonCell{std::move(profile),
                                 seed,
                                 {{"scheduling_latency.p99_seconds", p99},
                                  {"pods.pending", pending},
                                  {"traffic[default web].success_rate", 1.0},
                                  {"api_requests[kubelet get nodes].count", 5}}};
}

const metrics::ComparisonRow* row(const metrics::Comparison& c, std::string_view metric) {
  for (const metrics::ComparisonRow& r : c.rows) {
    if (r.metric == metric) {
      return &r;
    }
  }
  return nullptr;
}

// Two profiles on three seeds, cells in scrambled order: a's p99 is 1, 2, 3 and b's 2, 4, 3
// (per-seed differences 1, 2, 0); b always leaves one pod pending.
metrics::Comparison sample() {
  std::vector<metrics::ComparisonCell> cells{cell("b", 3, 3, 1), cell("a", 1, 1, 0), cell("b", 1, 2, 1),
                                             cell("a", 2, 2, 0), cell("a", 3, 3, 0), cell("b", 2, 4, 1)};
  return metrics::compare_cells("demo", {"a", "b"}, {1, 2, 3}, cells);
}

}  // namespace

TEST_CASE("means, intervals and paired differences", "[metrics][compare]") {
  metrics::Comparison c = sample();
  const metrics::ComparisonRow* p99 = row(c, "scheduling_latency.p99_seconds");
  REQUIRE(p99 != nullptr);
  CHECK(p99->direction == metrics::Direction::LowerIsBetter);
  REQUIRE(p99->profiles.size() == 2);
  CHECK(p99->profiles[0].value.mean == 2.0);
  CHECK_FALSE(p99->profiles[0].diff);
  CHECK(p99->profiles[1].value.mean == 3.0);
  REQUIRE(p99->profiles[1].diff);
  // Differences 1, 2, 0: mean 1, s = 1, half width t(0.975, 2) / sqrt(3) = 4.3027 / 1.7321.
  CHECK(p99->profiles[1].diff->mean == 1.0);
  CHECK(*p99->profiles[1].diff->half_width == Approx(2.48414).epsilon(1e-5));
  CHECK_FALSE(p99->profiles[1].diff->excludes_zero());

  const metrics::ComparisonRow* pending = row(c, "pods.pending");
  REQUIRE(pending != nullptr);
  CHECK(pending->profiles[1].diff->mean == 1.0);
  CHECK(pending->profiles[1].diff->excludes_zero());
}

TEST_CASE("which metrics a comparison has", "[metrics][compare]") {
  metrics::Comparison c = sample();
  // Left out of a summary when zero: not shown when no run has it ...
  CHECK(row(c, "containers.restarts") == nullptr);
  // ... and compared as 0 in the runs that lack it when one has it.
  std::vector<metrics::ComparisonCell> cells{cell("a", 1, 1, 0), cell("b", 1, 1, 0)};
  cells[1].values.emplace_back("containers.restarts", 4);
  metrics::Comparison with_restarts = metrics::compare_cells("demo", {"a", "b"}, {1}, cells);
  REQUIRE(row(with_restarts, "containers.restarts") != nullptr);
  CHECK(row(with_restarts, "containers.restarts")->profiles[0].value.mean == 0);
  CHECK(row(with_restarts, "containers.restarts")->profiles[1].value.mean == 4);
  CHECK_FALSE(row(with_restarts, "containers.restarts")->profiles[1].value.half_width);  // one seed
  // Traffic rows are found in the cells; API request counts are not compared.
  CHECK(row(c, "traffic[default web].success_rate") != nullptr);
  CHECK(row(c, "api_requests[kubelet get nodes].count") == nullptr);
  // No cell has startup latencies: no row.
  CHECK(row(c, "startup_latency.p50_seconds") == nullptr);
  // Rows follow compared_metrics() order.
  CHECK(c.rows.front().metric == "scheduling_latency.p99_seconds");
}

TEST_CASE("the comparison's renderings", "[metrics][compare]") {
  metrics::Comparison c = sample();
  std::string text = metrics::format_comparison_text(c);
  CHECK_THAT(text, Catch::Contains("scenario 'demo': 2 profile(s) x 3 seed(s) (1-3)"));
  CHECK_THAT(text, Catch::Contains("differences to 'a' are paired by seed"));
  CHECK_THAT(text, Catch::Contains("scheduling_latency.p99_seconds (lower-is-better)\n"
                                   "  a                              2  [-0.484138, 4.48414]\n"
                                   "  b                              3  [0.515862, 5.48414]                 +1  "
                                   "[-1.48414, +3.48414]           +50.0%\n"));
  // A difference whose interval excludes 0 is starred; no relative change from a baseline of 0.
  CHECK_THAT(text, Catch::Contains("  b                              1  [1, 1]                              +1  "
                                   "[+1, +1]                              *\n"));

  std::string csv = metrics::format_comparison_csv(c);
  CHECK(csv.substr(0, csv.find('\n')) ==
        "metric,profile,direction,n,mean,stddev,ci95_low,ci95_high,diff_mean,diff_ci95_low,diff_ci95_high,"
        "diff_relative,diff_significant");
  CHECK_THAT(csv, Catch::Contains("\npods.pending,a,lower-is-better,3,0,0,0,0,,,,,\n"
                                  "pods.pending,b,lower-is-better,3,1,0,1,1,1,1,1,,true\n"));
  CHECK_THAT(csv, Catch::Contains("scheduling_latency.p99_seconds,b,lower-is-better,3,3,1,0.515862,5.48414,1,"
                                  "-1.48414,3.48414,0.5,false\n"));

  std::string html = metrics::format_comparison_html(c);
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(html, Catch::Contains("<h2>pods.pending</h2>"));
  CHECK_THAT(html, Catch::Contains("<svg "));
  CHECK(html.find("http") == std::string::npos);  // self-contained: nothing to fetch
}

TEST_CASE("the comparison does not depend on the order of the cells", "[metrics][compare]") {
  metrics::Comparison a = sample();
  std::vector<metrics::ComparisonCell> cells{cell("a", 1, 1, 0), cell("a", 2, 2, 0), cell("a", 3, 3, 0),
                                             cell("b", 1, 2, 1), cell("b", 2, 4, 1), cell("b", 3, 3, 1)};
  metrics::Comparison b = metrics::compare_cells("demo", {"a", "b"}, {1, 2, 3}, cells);
  CHECK(metrics::format_comparison_csv(a) == metrics::format_comparison_csv(b));
}
