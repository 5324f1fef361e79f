#include "support/catch.hpp"

#include "kubesim/metrics/summary_diff.hpp"

using namespace kubesim;
using metrics::Direction;
using metrics::Verdict;

namespace {

using Values = std::vector<std::pair<std::string, double>>;

Verdict verdict_of(const metrics::SummaryDiff& d, std::string_view name) {
  for (const metrics::DiffRow& r : d.rows) {
    if (r.name == name) {
      return r.verdict;
    }
  }
  FAIL("no row " << name);
  return Verdict::Same;
}

}  // namespace

TEST_CASE("metric directions", "[metrics][diff]") {
  CHECK(metrics::direction_of("scheduling_latency.p99_seconds") == Direction::LowerIsBetter);
  CHECK(metrics::direction_of("scheduling_latency.count") == Direction::Neutral);
  CHECK(metrics::direction_of("startup_latency.max_seconds") == Direction::LowerIsBetter);
  CHECK(metrics::direction_of("pods.pending") == Direction::LowerIsBetter);
  CHECK(metrics::direction_of("pods.succeeded") == Direction::HigherIsBetter);
  CHECK(metrics::direction_of("pods.created") == Direction::Neutral);
  CHECK(metrics::direction_of("containers.oom_kills") == Direction::LowerIsBetter);
  CHECK(metrics::direction_of("traffic[default web].success_rate") == Direction::HigherIsBetter);
  CHECK(metrics::direction_of("traffic[default web].errors") == Direction::LowerIsBetter);
  CHECK(metrics::direction_of("traffic[default web].requests") == Direction::Neutral);
  CHECK(metrics::direction_of("api_requests[kubelet get nodes].failed") == Direction::LowerIsBetter);
  CHECK(metrics::direction_of("api_requests[kubelet get nodes].count") == Direction::Neutral);
  CHECK(metrics::direction_of("expectations[pods.pending == 0].passed") == Direction::HigherIsBetter);
  CHECK(metrics::direction_of("events") == Direction::Neutral);
}

TEST_CASE("a worsening beyond the tolerance is a regression", "[metrics][diff]") {
  Values base{{"scheduling_latency.p99_seconds", 2.0},
              {"pods.failed", 0},
              {"pods.succeeded", 100},
              {"events", 5000},
              {"traffic[default web].success_rate", 0.999}};
  Values cur{{"scheduling_latency.p99_seconds", 2.08},
             {"pods.failed", 1},
             {"pods.succeeded", 110},
             {"events", 5200},
             {"expectations[x == 1].passed", 1}};
  metrics::SummaryDiff strict = metrics::diff_summaries(base, cur, 0);
  CHECK(verdict_of(strict, "scheduling_latency.p99_seconds") == Verdict::Worse);
  CHECK(verdict_of(strict, "pods.failed") == Verdict::Worse);  // from 0: beyond any tolerance
  CHECK(verdict_of(strict, "pods.succeeded") == Verdict::Better);
  CHECK(verdict_of(strict, "events") == Verdict::Changed);
  CHECK(verdict_of(strict, "traffic[default web].success_rate") == Verdict::Removed);
  CHECK(verdict_of(strict, "expectations[x == 1].passed") == Verdict::Added);
  CHECK(strict.regressed());

  metrics::SummaryDiff loose = metrics::diff_summaries(base, cur, 0.05);
  CHECK(verdict_of(loose, "scheduling_latency.p99_seconds") == Verdict::WithinTolerance);  // +4 %
  CHECK(verdict_of(loose, "pods.failed") == Verdict::Worse);
  CHECK(loose.regressed());

  metrics::SummaryDiff same = metrics::diff_summaries(base, base, 0);
  CHECK_FALSE(same.regressed());
  same.identical_runs = true;
  std::string report = metrics::format_summary_diff(same, 0);
  CHECK(report.find("no regression (tolerance 0%); the runs are identical (same fingerprint)\n") != std::string::npos);
  // Unchanged neutral metrics are not listed.
  CHECK(report.find("events") == std::string::npos);
  CHECK(report.find("scheduling_latency.p99_seconds") != std::string::npos);

  std::string regressions = metrics::format_summary_diff(loose, 0.05);
  CHECK(regressions.find("pods.failed") != std::string::npos);
  CHECK(regressions.find("WORSE") != std::string::npos);
  CHECK(regressions.find("1 regression (tolerance 5%)\n") != std::string::npos);
}
