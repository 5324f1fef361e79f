#pragma once

// Inline SVG for the HTML report: line charts over time, step CDFs and a heat map, each a pure
// function from data to an <svg> element. No xmlns attribute: inside HTML the parser puts <svg> in
// the SVG namespace itself, and leaving the URL out keeps the page free of any network reference.
// Coordinates are printed with one decimal and labels with fixed formats, so output is deterministic.
// Private to src/metrics (the unit tests include it).

#include "kubesim/metrics/heat_map.hpp"
#include "kubesim/metrics/latency_cdf.hpp"

#include <string>
#include <vector>

namespace kubesim::metrics::internal {

/// Tick positions for an axis over [lo, hi]: multiples of 1, 2 or 5 × 10^k, about `target` of them.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);
/// A tick label with as many decimals as the tick step needs ("0", "2.5", "0.25").
std::string tick_label(double value, double step);

/// A duration for people: "12.3 ms", "4.56 s", "7.5 min", "2.25 h".
std::string format_duration_human(double seconds);

/// One line of a line chart; NaN values are gaps.
struct ChartSeries {
  std::string label;
  std::string color;
  std::vector<double> values;
  bool dashed = false;
};

struct LineChart {
  /// Read by screen readers (aria-label) and shown above the plot.
  std::string title;
  std::string y_label;
  /// Sample times, seconds; the axis is shown in s, min or h depending on the span.
  std::vector<double> time_seconds;
  std::vector<ChartSeries> series;
  /// The y axis spans at least [0, y_max_at_least].
  double y_max_at_least = 1;
};

std::string line_chart_svg(const LineChart& chart);

/// A step CDF of latencies with p50/p90/p99 marked; `title` as for LineChart.
std::string cdf_chart_svg(const std::string& title, const LatencyCdf& cdf, const std::string& color);

/// The heat map grid with a colour scale (0–100 % of allocatable CPU requested).
std::string heat_map_svg(const HeatMap& map);
/// The colour of a requested/allocatable ratio (clamped to [0, 1]); grey for -1 (no data).
std::string heat_color(double ratio);

}  // namespace kubesim::metrics::internal
