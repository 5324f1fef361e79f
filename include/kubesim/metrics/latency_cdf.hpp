#pragma once

/// LatencyCdf: the empirical distribution of a set of latencies (scheduling, start-up) for the
/// report's step CDF charts, with the percentiles marked on them.
///
/// Percentiles are nearest-rank, as in summary.json (the value at rank ceil(p·n) of the sorted
/// samples, no interpolation), so the marks on the chart agree with the headline numbers up to the
/// seconds-with-9-digits rounding of the CSV files.

#include <cstddef>
#include <vector>

namespace kubesim::metrics {

/// One vertex of a step CDF: after `seconds`, a share `fraction` (0..1] of the samples is done.
struct CdfPoint {
  double seconds = 0;
  double fraction = 0;
};

struct LatencyCdf {
  /// The samples, ascending.
  std::vector<double> sorted;
  /// The CDF's upper vertices: one per distinct value (fraction = share of samples <= it), at most
  /// `max_points` of them; with more distinct values the points are those at evenly spaced ranks,
  /// which keeps the chart's size bounded for 10^5 pods while every step stays within 1/max_points.
  std::vector<CdfPoint> points;
  /// Nearest-rank percentiles; 0 when there are no samples.
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;

  [[nodiscard]] bool empty() const { return sorted.empty(); }
};

/// The nearest-rank `p`-th percentile (0 < p <= 100) of ascending `sorted`; 0 when it is empty.
double nearest_rank(const std::vector<double>& sorted, double p);

/// Sorts `samples` and computes the CDF points and percentiles. O(n log n).
LatencyCdf latency_cdf(std::vector<double> samples, std::size_t max_points = 2000);

}  // namespace kubesim::metrics
