#pragma once

/// `kubesim diff BASELINE.json CURRENT.json [--tolerance 5%]`: compares two run summaries metric by
/// metric and calls a change a regression when a metric got worse by more than the tolerance.
///
/// Each metric has a direction: lower is better (latencies, attempts, pending and failed pods,
/// restarts, OOM kills, evictions, CPU contention, traffic errors, failed requests), higher is better
/// (succeeded and scheduled pods, traffic successes and success rate, expectations passed), or neither
/// (counts that only describe the run: events, API requests, store revision; shown when they change,
/// never a regression). A change is relative to the baseline, |current − baseline| / |baseline|; from a
/// baseline of 0 any worsening is beyond every tolerance. Summaries are machine-independent, so the
/// default tolerance is 0: any worsening is a regression. A metric only one summary has (a Service
/// without traffic, an expectation added or removed) is listed, never a regression.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kubesim::metrics {

enum class Direction : std::uint8_t { LowerIsBetter, HigherIsBetter, Neutral };
/// The direction of a flattened summary metric name ("scheduling_latency.p99_seconds").
Direction direction_of(std::string_view name);

enum class Verdict : std::uint8_t { Same, Better, Worse, WithinTolerance, Changed, Added, Removed };

struct DiffRow {
  std::string name;
  std::optional<double> baseline;
  std::optional<double> current;
  Direction direction = Direction::Neutral;
  Verdict verdict = Verdict::Same;
};

struct SummaryDiff {
  std::vector<DiffRow> rows;    // baseline order, then metrics only the current summary has
  bool identical_runs = false;  // equal fingerprints
  [[nodiscard]] bool regressed() const;
};

/// `tolerance` is a fraction (0.05 for 5 %).
SummaryDiff diff_summaries(const std::vector<std::pair<std::string, double>>& baseline,
                           const std::vector<std::pair<std::string, double>>& current, double tolerance);

/// The report: a line per directional metric, and per neutral metric that changed; then the verdict.
std::string format_summary_diff(const SummaryDiff& diff, double tolerance);

}  // namespace kubesim::metrics
