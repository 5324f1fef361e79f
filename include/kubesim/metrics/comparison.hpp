#pragma once

/// The result table of `kubesim compare` / `kubesim merge`: every profile run on the same seeds, each
/// metric's mean over the seeds with a 95% confidence interval, and its difference to the first
/// profile (the baseline) as a paired interval over the seeds.
///
/// Cells carry the flattened summary.json leaves of one run (scenario::load_summary's names), so a
/// comparison computed from runs in memory and one computed from summaries read back from disk (merge)
/// are the same.

#include "kubesim/metrics/confidence_interval.hpp"
#include "kubesim/metrics/summary_diff.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace kubesim::metrics {

/// One run of the grid: a profile on a seed, and its summary's leaves.
struct ComparisonCell {
  std::string profile;
  std::uint64_t seed = 0;
  std::vector<std::pair<std::string, double>> values;
};

struct ProfileStats {
  MeanInterval value;
  /// Per-seed differences to the first profile (absent for the first profile itself).
  std::optional<MeanInterval> diff;
};

struct ComparisonRow {
  std::string metric;
  Direction direction = Direction::Neutral;
  std::vector<ProfileStats> profiles;  // in Comparison::profiles order
};

struct Comparison {
  std::string scenario;
  std::vector<std::string> profiles;
  std::vector<std::uint64_t> seeds;
  std::vector<ComparisonRow> rows;
};

/// The metrics compared, in table order. A summary leaves out some blocks when they are zero
/// (containers, cpu_contention, preemption_victims, images_collected): such a metric counts as 0 in a
/// run that lacks it, and is not shown when no run has it. Besides these, every traffic[...] success
/// rate and error count, every rollouts[...] and node_faults[...] duration, and every
/// expectations[...].passed (its mean is the share of seeds that passed) found in any cell is
/// compared.
const std::vector<std::string>& compared_metrics();

/// Builds the table. Every (profile, seed) must have exactly one cell (the caller checks); cells may
/// come in any order.
Comparison compare_cells(std::string scenario, std::vector<std::string> profiles, std::vector<std::uint64_t> seeds,
                         const std::vector<ComparisonCell>& cells);

/// The table for a terminal: per metric one line per profile with mean, interval and difference to
/// the first profile (a `*` marks a difference whose interval excludes 0).
std::string format_comparison_text(const Comparison& c);
/// comparison.csv, one line per (metric, profile): metric,profile,direction,n,mean,stddev,ci95_low,
/// ci95_high,diff_mean,diff_ci95_low,diff_ci95_high,diff_relative,diff_significant.
std::string format_comparison_csv(const Comparison& c);
/// comparison.html: the table and a forest plot per metric, self-contained (inline CSS and SVG).
std::string format_comparison_html(const Comparison& c);

}  // namespace kubesim::metrics
