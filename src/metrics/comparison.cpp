#include "kubesim/metrics/comparison.hpp"

#include "svg_chart_internal.hpp"

#include "kubesim/metrics/markup_escape.hpp"
#include "kubesim/metrics/sweep_grid.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <set>

namespace kubesim::metrics {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// Metrics a summary leaves out when they are zero.
bool zero_when_absent(std::string_view name) {
  return starts_with(name, "containers.") || starts_with(name, "cpu_contention.") || name == "preemption_victims" ||
         name == "images_collected";
}

// traffic[...] and expectations[...] rows found in the cells, in first-seen order.
std::vector<std::string> dynamic_metrics(const std::vector<ComparisonCell>& cells) {
  std::vector<std::string> out;
  std::set<std::string, std::less<>> seen;
  for (const ComparisonCell& cell : cells) {
    for (const auto& [name, value] : cell.values) {
      bool wanted =
          (starts_with(name, "traffic[") && (ends_with(name, ".success_rate") || ends_with(name, ".errors"))) ||
          ((starts_with(name, "rollouts[") || starts_with(name, "node_faults[")) &&
           ends_with(name, ".duration_seconds")) ||
          (starts_with(name, "expectations[") && ends_with(name, ".passed"));
      if (wanted && seen.insert(name).second) {
        out.push_back(name);
      }
    }
  }
  return out;
}

std::optional<double> value_of(const ComparisonCell& cell, const std::string& metric) {
  for (const auto& [name, value] : cell.values) {
    if (name == metric) {
      return value;
    }
  }
  if (zero_when_absent(metric)) {
    return 0.0;
  }
  return std::nullopt;
}

// Whether any cell reports `metric` (a metric left out when zero and absent everywhere is not shown).
bool reported(const std::vector<ComparisonCell>& cells, const std::string& metric) {
  return std::any_of(cells.begin(), cells.end(), [&](const ComparisonCell& cell) {
    return std::any_of(cell.values.begin(), cell.values.end(), [&](const auto& v) { return v.first == metric; });
  });
}

// A number for tables: 6 significant digits, no exponent for everyday magnitudes.
std::string num(double v) {
  if (v == 0) {
    return "0";  // also turns -0 into 0
  }
  return fmt::format("{:.6g}", v);
}

std::string signed_num(double v) { return v > 0 ? "+" + num(v) : num(v); }

// The difference relative to the baseline mean, as a percentage; empty when the baseline is 0.
std::string relative(const MeanInterval& diff, const MeanInterval& base) {
  if (base.mean == 0) {
    return "";
  }
  return fmt::format("{:+.1f}%", 100 * diff.mean / std::fabs(base.mean));
}

std::string interval(const MeanInterval& m) {
  if (!m.half_width) {
    return "n/a";
  }
  return fmt::format("[{}, {}]", num(m.low()), num(m.high()));
}

std::string_view direction_word(Direction d) {
  switch (d) {
  case Direction::LowerIsBetter:
    return "lower-is-better";
  case Direction::HigherIsBetter:
    return "higher-is-better";
  case Direction::Neutral:
    break;
  }
  return "neutral";
}

// A forest plot of one metric: per profile its mean as a dot and its interval as a whisker, on a
// shared horizontal axis.
std::string forest_plot(const ComparisonRow& row, const std::vector<std::string>& profiles) {
  constexpr double kLabelWidth = 180;
  constexpr double kPlotWidth = 420;
  constexpr double kRowHeight = 22;
  double lo = 0;
  double hi = 0;
  bool first = true;
  for (const ProfileStats& p : row.profiles) {
    double a = p.value.low();
    double b = p.value.high();
    lo = first ? a : std::min(lo, a);
    hi = first ? b : std::max(hi, b);
    first = false;
  }
  // Equal values (to rounding) get a range around them, ±10% or ±1 around 0, so the dots sit mid-axis.
  if (hi - lo <= 1e-9 * std::max(1.0, std::fabs(hi))) {
    double half = hi == 0 ? 1.0 : std::fabs(hi) * 0.1;
    lo -= half;
    hi += half;
  }
  double pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  auto x = [&](double v) { return kLabelWidth + (v - lo) / (hi - lo) * kPlotWidth; };
  double height = kRowHeight * static_cast<double>(profiles.size()) + 24;
  std::string svg = fmt::format(R"(<svg width="{:.0f}" height="{:.0f}" role="img" aria-label="{}">)",
                                kLabelWidth + kPlotWidth + 20, height, escape_markup(row.metric));
  // The baseline's mean as a dashed guide: a profile whose interval crosses it is not clearly apart.
  double axis_y = height - 16;
  svg += fmt::format(R"(<line x1="{:.1f}" y1="4" x2="{:.1f}" y2="{:.1f}" class="base"/>)",
                     x(row.profiles.front().value.mean), x(row.profiles.front().value.mean), axis_y);
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    const MeanInterval& m = row.profiles[i].value;
    double y = kRowHeight * static_cast<double>(i) + 14;
    svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="end" class="label">{}</text>)", kLabelWidth - 8,
                       y + 4, escape_markup(profiles[i]));
    if (m.half_width) {
      svg += fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" class="ci"/>)", x(m.low()), y,
                         x(m.high()), y);
    }
    svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="4" class="p{}"/>)", x(m.mean), y, i % 8);
  }
  svg += fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" class="axis"/>)", kLabelWidth, axis_y,
                     kLabelWidth + kPlotWidth, axis_y);
  std::vector<double> ticks = internal::nice_ticks(lo, hi, 5);
  double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1.0;
  for (double v : ticks) {
    svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" class="tick">{}</text>)", x(v), axis_y + 13,
                       internal::tick_label(v, step));
  }
  svg += "</svg>";
  return svg;
}

}  // namespace

const std::vector<std::string>& compared_metrics() {
  static const std::vector<std::string> kMetrics = {
      "scheduling_latency.p50_seconds",
      "scheduling_latency.p90_seconds",
      "scheduling_latency.p99_seconds",
      "scheduling_latency.max_seconds",
      "startup_latency.p50_seconds",
      "startup_latency.p99_seconds",
      "pods.scheduled",
      "pods.pending",
      "pods.succeeded",
      "pods.failed",
      "scheduling_attempts",
      "unschedulable.attempts",
      "preemption_victims",
      "throughput.mean_pods_per_second",
      "utilization.cpu_requested_ratio_mean",
      "utilization.cpu_used_ratio_mean",
      "utilization.memory_requested_ratio_mean",
      "utilization.memory_used_ratio_mean",
      "utilization.nodes_in_use_mean",
      "utilization.nodes_in_use_peak",
      "utilization.cpu_fragmentation_ratio_mean",
      "utilization.pods_per_node_peak",
      "containers.restarts",
      "containers.oom_kills",
      "containers.evictions",
      "cpu_contention.throttled_container_seconds",
      "cpu_contention.starved_container_seconds",
      "endpoint_convergence.p50_seconds",
      "endpoint_convergence.p99_seconds",
      "last_event_seconds",
  };
  return kMetrics;
}

Comparison compare_cells(std::string scenario, std::vector<std::string> profiles, std::vector<std::uint64_t> seeds,
                         const std::vector<ComparisonCell>& cells) {
  Comparison c{std::move(scenario), std::move(profiles), std::move(seeds), {}};
  // cell index by (profile, seed), so that the seed order (and the order of summation) is the list's.
  std::map<std::pair<std::string, std::uint64_t>, const ComparisonCell*> by_key;
  for (const ComparisonCell& cell : cells) {
    by_key.emplace(std::make_pair(cell.profile, cell.seed), &cell);
  }
  std::vector<std::string> metrics = compared_metrics();
  std::vector<std::string> dynamic = dynamic_metrics(cells);
  metrics.insert(metrics.end(), dynamic.begin(), dynamic.end());
  for (const std::string& metric : metrics) {
    if (!reported(cells, metric)) {
      continue;
    }
    // values[p][s]; a metric some run lacks is compared over the seeds every profile has it for, so
    // the differences stay paired.
    std::vector<std::vector<double>> values(c.profiles.size());
    for (std::uint64_t seed : c.seeds) {
      std::vector<double> column;
      for (const std::string& profile : c.profiles) {
        auto it = by_key.find({profile, seed});
        std::optional<double> v = it == by_key.end() ? std::nullopt : value_of(*it->second, metric);
        if (!v) {
          break;
        }
        column.push_back(*v);
      }
      if (column.size() == c.profiles.size()) {
        for (std::size_t p = 0; p < column.size(); ++p) {
          values[p].push_back(column[p]);
        }
      }
    }
    if (values.empty() || values[0].empty()) {
      continue;  // no run reported it (no pods, so no latencies; no traffic)
    }
    ComparisonRow& row = c.rows.emplace_back();
    row.metric = metric;
    row.direction = direction_of(metric);
    for (std::size_t p = 0; p < values.size(); ++p) {
      ProfileStats& stats = row.profiles.emplace_back();
      stats.value = mean_interval95(values[p]);
      if (p > 0) {
        std::vector<double> diffs(values[p].size());
        for (std::size_t s = 0; s < diffs.size(); ++s) {
          diffs[s] = values[p][s] - values[0][s];
        }
        stats.diff = mean_interval95(diffs);
      }
    }
  }
  return c;
}

std::string format_comparison_text(const Comparison& c) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "scenario '{}': {} profile(s) x {} seed(s) ({}); mean and 95% confidence interval over seeds\n",
                 c.scenario, c.profiles.size(), c.seeds.size(), format_seed_list(c.seeds));
  if (c.profiles.size() > 1) {
    fmt::format_to(it, "differences to '{}' are paired by seed; * marks one whose interval excludes 0\n",
                   c.profiles.front());
  }
  std::size_t name_width = 20;
  for (const std::string& p : c.profiles) {
    name_width = std::max(name_width, p.size() + 2);
  }
  auto trimmed = [](std::string line) {
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    return line + "\n";
  };
  out += trimmed(fmt::format(
      "\n  {:<{}}{:>12}  {:<26}{}", "profile", name_width, "mean", "95% CI",
      c.profiles.size() > 1 ? fmt::format("{:>12}  {:<28}{:>9}", "difference", "95% CI", "relative") : std::string()));
  for (const ComparisonRow& row : c.rows) {
    fmt::format_to(it, "\n{}{}\n", row.metric,
                   row.direction == Direction::Neutral ? "" : fmt::format(" ({})", direction_word(row.direction)));
    for (std::size_t p = 0; p < c.profiles.size(); ++p) {
      const ProfileStats& s = row.profiles[p];
      std::string line =
          fmt::format("  {:<{}}{:>12}  {:<26}", c.profiles[p], name_width, num(s.value.mean), interval(s.value));
      if (s.diff) {
        line += fmt::format(
            "{:>12}  {:<28}{:>9}{}", signed_num(s.diff->mean),
            s.diff->half_width ? fmt::format("[{}, {}]", signed_num(s.diff->low()), signed_num(s.diff->high())) : "n/a",
            relative(*s.diff, row.profiles[0].value), s.diff->excludes_zero() ? " *" : "");
      }
      out += trimmed(line);
    }
  }
  return out;
}

std::string format_comparison_csv(const Comparison& c) {
  std::string out = "metric,profile,direction,n,mean,stddev,ci95_low,ci95_high,diff_mean,diff_ci95_low,diff_ci95_high,"
                    "diff_relative,diff_significant\n";
  auto it = std::back_inserter(out);
  auto opt = [](bool has, double v) { return has ? num(v) : std::string(); };
  for (const ComparisonRow& row : c.rows) {
    for (std::size_t p = 0; p < c.profiles.size(); ++p) {
      const ProfileStats& s = row.profiles[p];
      const MeanInterval& v = s.value;
      fmt::format_to(it, "{},{},{},{},{},{},{},{}", row.metric, c.profiles[p], direction_word(row.direction), v.n,
                     num(v.mean), num(v.stddev), opt(v.half_width.has_value(), v.low()),
                     opt(v.half_width.has_value(), v.high()));
      if (s.diff) {
        const MeanInterval& d = *s.diff;
        double base = row.profiles[0].value.mean;
        fmt::format_to(it, ",{},{},{},{},{}", num(d.mean), opt(d.half_width.has_value(), d.low()),
                       opt(d.half_width.has_value(), d.high()), opt(base != 0, d.mean / std::fabs(base)),
                       d.half_width ? (d.excludes_zero() ? "true" : "false") : "");
      } else {
        out += ",,,,,";
      }
      out += "\n";
    }
  }
  return out;
}

std::string format_comparison_html(const Comparison& c) {
  std::string out;
  auto it = std::back_inserter(out);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  fmt::format_to(it, "<title>kubesim compare: {}</title>\n", escape_markup(c.scenario));
  out += "<style>\n"
         "body{font-family:sans-serif;margin:2em;color:#222}\n"
         "table{border-collapse:collapse;margin:0.5em 0 1.5em}\n"
         "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;white-space:nowrap}\n"
         "td:first-child,th:first-child{text-align:left}\n"
         ".sig{font-weight:bold}\n"
         "svg .label,svg .tick{font-size:11px;fill:#333}\n"
         "svg .ci{stroke:#555;stroke-width:2}\n"
         "svg .axis{stroke:#999}\n"
         "svg .base{stroke:#bbb;stroke-dasharray:4 3}\n"
         "svg .p0{fill:#1f77b4}svg .p1{fill:#ff7f0e}svg .p2{fill:#2ca02c}svg .p3{fill:#d62728}\n"
         "svg .p4{fill:#9467bd}svg .p5{fill:#8c564b}svg .p6{fill:#e377c2}svg .p7{fill:#7f7f7f}\n"
         "</style>\n</head>\n<body>\n";
  fmt::format_to(it, "<h1>kubesim compare: {}</h1>\n", escape_markup(c.scenario));
  fmt::format_to(it,
                 "<p>{} profile(s) &times; {} seed(s) ({}). Each figure is the mean over the seeds with its 95% "
                 "Student-t confidence interval; differences to <b>{}</b> are paired by seed, and bold ones have an "
                 "interval that excludes 0.</p>\n",
                 c.profiles.size(), c.seeds.size(), escape_markup(format_seed_list(c.seeds)),
                 escape_markup(c.profiles.empty() ? "" : c.profiles.front()));
  for (const ComparisonRow& row : c.rows) {
    fmt::format_to(it, "<h2>{}</h2>\n<p>{}</p>\n", escape_markup(row.metric), direction_word(row.direction));
    out += "<table>\n<tr><th>profile</th><th>mean</th><th>95% CI</th><th>difference</th><th>95% CI</th>"
           "<th>relative</th></tr>\n";
    for (std::size_t p = 0; p < c.profiles.size(); ++p) {
      const ProfileStats& s = row.profiles[p];
      fmt::format_to(it, "<tr><td>{}</td><td>{}</td><td>{}</td>", escape_markup(c.profiles[p]), num(s.value.mean),
                     interval(s.value));
      if (s.diff) {
        fmt::format_to(it, "<td{}>{}</td><td>{}</td><td>{}</td></tr>\n",
                       s.diff->excludes_zero() ? " class=\"sig\"" : "", signed_num(s.diff->mean), interval(*s.diff),
                       relative(*s.diff, row.profiles[0].value));
      } else {
        out += "<td></td><td></td><td></td></tr>\n";
      }
    }
    out += "</table>\n";
    out += forest_plot(row, c.profiles) + "\n";
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace kubesim::metrics
