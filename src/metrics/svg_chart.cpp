#include "svg_chart_internal.hpp"

#include "kubesim/metrics/markup_escape.hpp"
#include "kubesim/metrics/report_html.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>

namespace kubesim::metrics::internal {
namespace {

constexpr double kWidth = 760;
constexpr double kHeight = 300;
constexpr double kLeft = 64;
constexpr double kRight = 20;
constexpr double kTop = 48;
constexpr double kBottom = 44;
constexpr double kPlotW = kWidth - kLeft - kRight;
constexpr double kPlotH = kHeight - kTop - kBottom;

// Time axes read best in the unit of the run's length: seconds for a few minutes, then minutes, hours.
struct TimeUnit {
  double divisor;
  const char* name;
};

TimeUnit time_unit(double span_seconds) {
  if (span_seconds <= 900) {
    return {1, "s"};
  }
  if (span_seconds <= 36000) {
    return {60, "min"};
  }
  return {3600, "h"};
}

// Maps data to pixels of the plot area [kLeft, kLeft + kPlotW] × [kTop, kTop + kPlotH].
struct Frame {
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  [[nodiscard]] double px(double x) const { return kLeft + (x - x0) / (x1 - x0) * kPlotW; }
  [[nodiscard]] double py(double y) const { return kTop + kPlotH - (y - y0) / (y1 - y0) * kPlotH; }
};

double tick_step(const std::vector<double>& ticks) { return ticks.size() > 1 ? ticks[1] - ticks[0] : 1.0; }

// Grid lines, ticks and tick labels of both axes, and the axis titles. x tick values are divided by
// `x_divisor` for their labels (seconds shown as minutes); y labels get `y_suffix` ("%").
void draw_axes(std::string& out, const Frame& f, const std::vector<double>& xticks, double x_divisor,
               const std::string& x_label, const std::vector<double>& yticks, const std::string& y_suffix,
               const std::string& y_label) {
  auto it = std::back_inserter(out);
  double ystep = tick_step(yticks);
  for (double y : yticks) {
    fmt::format_to(it, R"(<line class="grid" x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}"/>)", kLeft, f.py(y),
                   kLeft + kPlotW, f.py(y));
    fmt::format_to(it, R"(<text class="tick" x="{:.1f}" y="{:.1f}" text-anchor="end">{}{}</text>)", kLeft - 6,
                   f.py(y) + 4, tick_label(y, ystep), y_suffix);
  }
  double xstep = tick_step(xticks) / x_divisor;
  for (double x : xticks) {
    fmt::format_to(it, R"(<line class="axis" x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}"/>)", f.px(x),
                   kTop + kPlotH, kTop + kPlotH + 5);
    fmt::format_to(it, R"(<text class="tick" x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>)", f.px(x),
                   kTop + kPlotH + 18, tick_label(x / x_divisor, xstep));
  }
  fmt::format_to(it, R"(<line class="axis" x1="{0:.1f}" y1="{1:.1f}" x2="{2:.1f}" y2="{1:.1f}"/>)", kLeft,
                 kTop + kPlotH, kLeft + kPlotW);
  fmt::format_to(it, R"(<line class="axis" x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}"/>)", kLeft, kTop,
                 kTop + kPlotH);
  fmt::format_to(it, R"(<text class="label" x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>)", kLeft + kPlotW / 2,
                 kHeight - 6, escape_markup(x_label));
  double cy = kTop + kPlotH / 2;
  fmt::format_to(it,
                 R"svg(<text class="label" transform="rotate(-90 14 {0:.1f})" x="14" y="{0:.1f}" )svg"
                 R"svg(text-anchor="middle">{1}</text>)svg",
                 cy, escape_markup(y_label));
}

void open_svg(std::string& out, double height, const std::string& title, const char* css_class) {
  fmt::format_to(std::back_inserter(out),
                 R"(<svg class="{0}" viewBox="0 0 {1:.0f} {2:.0f}" width="{1:.0f}" height="{2:.0f}" role="img" )"
                 R"(aria-label="{3}"><title>{3}</title>)",
                 css_class, kWidth, height, escape_markup(title));
}

// Title at the top left, then the legend entries in a row below it.
void draw_title_and_legend(std::string& out, const std::string& title, const std::vector<ChartSeries>& series) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, R"(<text class="title" x="{:.1f}" y="16">{}</text>)", kLeft, escape_markup(title));
  double x = kLeft;
  for (const ChartSeries& s : series) {
    fmt::format_to(it, R"(<line x1="{:.1f}" y1="32" x2="{:.1f}" y2="32" stroke="{}" stroke-width="2.5"{}/>)", x, x + 18,
                   s.color, s.dashed ? R"( stroke-dasharray="5 3")" : "");
    fmt::format_to(it, R"(<text class="legend" x="{:.1f}" y="36">{}</text>)", x + 23, escape_markup(s.label));
    // About 6.2 px per character at the legend's 11 px font, plus the swatch and a gap.
    x += 23 + 6.2 * static_cast<double>(s.label.size()) + 18;
  }
}

// A path through the finite values; NaN ends a segment (a gap in the line).
std::string polyline_path(const Frame& f, const std::vector<double>& xs, const std::vector<double>& ys) {
  std::string d;
  bool pen_down = false;
  for (std::size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
    if (!std::isfinite(ys[i])) {
      pen_down = false;
      continue;
    }
    fmt::format_to(std::back_inserter(d), "{}{:.1f} {:.1f}", pen_down ? " L" : (d.empty() ? "M" : " M"), f.px(xs[i]),
                   f.py(ys[i]));
    pen_down = true;
  }
  return d;
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!(hi > lo)) {
    hi = lo + 1;
  }
  double raw = (hi - lo) / std::max(target, 1);
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double m = raw / mag;
  double step = (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * mag;
  std::vector<double> ticks;
  // Integer multiples of the step, so the labels do not drift by accumulated rounding.
  for (auto k = static_cast<long long>(std::ceil(lo / step - 1e-9)); static_cast<double>(k) * step <= hi + step * 1e-9;
       ++k) {
    ticks.push_back(static_cast<double>(k) * step);
  }
  return ticks;
}

std::string tick_label(double value, double step) {
  int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  std::string s = fmt::format("{:.{}f}", value, decimals);
  return s == "-0" ? "0" : s;
}

std::string format_duration_human(double seconds) {
  if (seconds < 1) {
    return fmt::format("{:.1f} ms", seconds * 1000);
  }
  if (seconds < 60) {
    return fmt::format("{:.2f} s", seconds);
  }
  if (seconds < 3600) {
    return fmt::format("{:.1f} min", seconds / 60);
  }
  return fmt::format("{:.2f} h", seconds / 3600);
}

std::string line_chart_svg(const LineChart& chart) {
  std::string out;
  open_svg(out, kHeight, chart.title, "chart");
  draw_title_and_legend(out, chart.title, chart.series);
  double t_max = chart.time_seconds.empty() ? 1 : chart.time_seconds.back();
  TimeUnit unit = time_unit(t_max);
  Frame f;
  f.x1 = t_max > 0 ? t_max : 1;
  double y_max = chart.y_max_at_least;
  for (const ChartSeries& s : chart.series) {
    for (double v : s.values) {
      if (std::isfinite(v)) {
        y_max = std::max(y_max, v);
      }
    }
  }
  std::vector<double> yticks = nice_ticks(0, y_max);
  if (yticks.back() < y_max) {
    yticks.push_back(yticks.back() + tick_step(yticks));
  }
  f.y1 = yticks.back();
  std::vector<double> xticks = nice_ticks(0, f.x1 / unit.divisor);
  for (double& x : xticks) {
    x *= unit.divisor;
  }
  draw_axes(out, f, xticks, unit.divisor, fmt::format("simulated time ({})", unit.name), yticks, "", chart.y_label);
  for (const ChartSeries& s : chart.series) {
    fmt::format_to(std::back_inserter(out), R"(<path d="{}" fill="none" stroke="{}" stroke-width="1.8"{}/>)",
                   polyline_path(f, chart.time_seconds, s.values), s.color,
                   s.dashed ? R"( stroke-dasharray="5 3")" : "");
  }
  out += "</svg>";
  return out;
}

std::string cdf_chart_svg(const std::string& title, const LatencyCdf& cdf, const std::string& color) {
  std::string out;
  open_svg(out, kHeight, title, "chart cdf");
  draw_title_and_legend(out, title, {});
  double max = cdf.sorted.empty() ? 0 : cdf.sorted.back();
  TimeUnit unit = max < 1 ? TimeUnit{0.001, "ms"} : max <= 900 ? TimeUnit{1, "s"} : time_unit(max);
  std::vector<double> xticks = nice_ticks(0, max > 0 ? max / unit.divisor : 1);
  if (xticks.back() * unit.divisor < max) {
    xticks.push_back(xticks.back() + tick_step(xticks));
  }
  for (double& x : xticks) {
    x *= unit.divisor;
  }
  Frame f;
  f.x1 = xticks.back();
  std::vector<double> yticks = {0, 25, 50, 75, 100};
  f.y1 = 100;
  draw_axes(out, f, xticks, unit.divisor, fmt::format("latency ({})", unit.name), yticks, "%", "share of pods");
  auto it = std::back_inserter(out);
  // A step function: flat until the next sample, then a jump by its share.
  std::string d = fmt::format("M{:.1f} {:.1f}", f.px(0), f.py(0));
  for (const CdfPoint& p : cdf.points) {
    fmt::format_to(std::back_inserter(d), " H{:.1f} V{:.1f}", f.px(p.seconds), f.py(p.fraction * 100));
  }
  fmt::format_to(std::back_inserter(d), " H{:.1f}", f.px(f.x1));
  fmt::format_to(it, R"(<path class="cdf-curve" d="{}" fill="none" stroke="{}" stroke-width="2"/>)", d, color);
  const std::array<std::pair<const char*, double>, 3> marks = {{{"p50", cdf.p50}, {"p90", cdf.p90}, {"p99", cdf.p99}}};
  for (std::size_t k = 0; k < marks.size(); ++k) {
    double x = f.px(marks[k].second);
    // Staggered rows keep labels of close percentiles apart; right-hand ones are anchored at their end.
    double y = kTop + 12 + 14 * static_cast<double>(k);
    bool right = x > kLeft + kPlotW * 0.7;
    fmt::format_to(it, R"(<line class="mark" x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}"/>)", x, kTop,
                   kTop + kPlotH);
    fmt::format_to(it, R"(<text class="mark-label" x="{:.1f}" y="{:.1f}" text-anchor="{}">{} {}</text>)",
                   right ? x - 4 : x + 4, y, right ? "end" : "start", marks[k].first,
                   format_duration_human(marks[k].second));
  }
  out += "</svg>";
  return out;
}

std::string heat_color(double ratio) {
  if (ratio < 0) {
    return "#d9d9d9";
  }
  // 5 % steps: the eye cannot tell finer shades apart, and equal neighbours merge into one <rect>.
  double q = std::round(std::clamp(ratio, 0.0, 1.0) * 20) / 20;
  struct Rgb {
    double r, g, b;
  };
  // A light-to-dark blue ramp (ColorBrewer "Blues" end points and middle).
  constexpr Rgb kLow{247, 251, 255};
  constexpr Rgb kMid{107, 174, 214};
  constexpr Rgb kHigh{8, 48, 107};
  Rgb a = q < 0.5 ? kLow : kMid;
  Rgb b = q < 0.5 ? kMid : kHigh;
  double t = q < 0.5 ? q / 0.5 : (q - 0.5) / 0.5;
  auto mix = [t](double x, double y) { return static_cast<int>(std::lround(x + (y - x) * t)); };
  return fmt::format("#{:02x}{:02x}{:02x}", mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b));
}

std::string heat_map_svg(const HeatMap& map) {
  constexpr double kLabelW = 170;
  constexpr double kMapW = kWidth - kLabelW - kRight;
  constexpr double kMapTop = 8;
  const std::size_t nrows = map.cells.size();
  const std::size_t ncols = nrows == 0 ? 0 : map.cells.front().size();
  const double cell_h = std::clamp(380.0 / static_cast<double>(std::max<std::size_t>(nrows, 1)), 2.0, 16.0);
  const double cell_w = kMapW / static_cast<double>(std::max<std::size_t>(ncols, 1));
  const double map_h = cell_h * static_cast<double>(nrows);
  const double height = kMapTop + map_h + 40 + 44;
  std::string out;
  open_svg(out, height, "CPU requested / allocatable per node over time", "heatmap");
  auto it = std::back_inserter(out);
  // Label every row when they are tall enough, else every k-th so labels stay 12 px apart.
  auto label_every = static_cast<std::size_t>(std::ceil(12.0 / cell_h));
  for (std::size_t i = 0; i < nrows; ++i) {
    double y = kMapTop + cell_h * static_cast<double>(i);
    if (i % label_every == 0) {
      std::string label = map.row_labels[i];
      if (label.size() > 28) {
        label = label.substr(0, 27) + "…";
      }
      fmt::format_to(it, R"(<text class="tick" x="{:.1f}" y="{:.1f}" text-anchor="end">{}</text>)", kLabelW - 6,
                     y + std::min(cell_h, 12.0) - 2, escape_markup(label));
    }
    for (std::size_t j = 0; j < ncols;) {
      std::string color = heat_color(map.cells[i][j]);
      std::size_t run = 1;
      while (j + run < ncols && heat_color(map.cells[i][j + run]) == color) {
        ++run;
      }
      fmt::format_to(it, R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"/>)",
                     kLabelW + cell_w * static_cast<double>(j), y, cell_w * static_cast<double>(run) + 0.05, cell_h,
                     color);
      j += run;
    }
  }
  // Time axis: column j spans [start_j, end_j + one sample]; label positions interpolate linearly.
  if (ncols > 0) {
    double t0 = map.column_start_seconds.front();
    double t1 = map.column_end_seconds.back();
    double span = std::max(t1 - t0, 1.0);
    TimeUnit unit = time_unit(t1);
    std::vector<double> ticks = nice_ticks(t0 / unit.divisor, t1 / unit.divisor);
    double step = tick_step(ticks);
    double axis_y = kMapTop + map_h;
    for (double tick : ticks) {
      double t = tick * unit.divisor;
      if (t < t0 - 1e-9 || t > t1 + 1e-9) {
        continue;
      }
      double x = kLabelW + (t - t0) / span * kMapW;
      fmt::format_to(it, R"(<line class="axis" x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}"/>)", x, axis_y,
                     axis_y + 5);
      fmt::format_to(it, R"(<text class="tick" x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>)", x, axis_y + 18,
                     tick_label(tick, step));
    }
    fmt::format_to(it, R"(<text class="label" x="{:.1f}" y="{:.1f}" text-anchor="middle">simulated time ({})</text>)",
                   kLabelW + kMapW / 2, axis_y + 34, unit.name);
  }
  // Colour scale: every shade heat_color draws (0 %, 5 %, … 100 %), labelled every 10 %, and "not running".
  double ly = height - 26;
  fmt::format_to(it, R"(<text class="legend" x="{:.1f}" y="{:.1f}" text-anchor="end">CPU requested:</text>)",
                 kLabelW - 6, ly + 11);
  constexpr int kShades = 20;
  constexpr double kSwatchW = 16;
  for (int k = 0; k <= kShades; ++k) {
    double x = kLabelW + kSwatchW * k;
    fmt::format_to(it, R"(<rect x="{:.1f}" y="{:.1f}" width="{}" height="14" fill="{}" stroke="#999"/>)", x, ly,
                   kSwatchW, heat_color(static_cast<double>(k) / kShades));
    if (k % 2 == 0) {
      fmt::format_to(it, R"(<text class="tick" x="{:.1f}" y="{:.1f}" text-anchor="middle">{}%</text>)",
                     x + kSwatchW / 2, ly + 25, k * 100 / kShades);
    }
  }
  double gx = kLabelW + kSwatchW * (kShades + 1) + 16;
  fmt::format_to(it, R"(<rect x="{:.1f}" y="{:.1f}" width="30" height="14" fill="{}" stroke="#999"/>)", gx, ly,
                 heat_color(-1));
  fmt::format_to(it, R"(<text class="legend" x="{:.1f}" y="{:.1f}">not running</text>)", gx + 36, ly + 11);
  out += "</svg>";
  return out;
}

}  // namespace kubesim::metrics::internal
