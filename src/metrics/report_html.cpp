#include "kubesim/metrics/report_html.hpp"

#include "svg_chart_internal.hpp"

#include "kubesim/metrics/latency_cdf.hpp"
#include "kubesim/metrics/markup_escape.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <iterator>
#include <limits>

namespace kubesim::metrics {
namespace {

using internal::ChartSeries;
using internal::format_duration_human;
using internal::LineChart;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Colour-blind-safe pairs (Okabe–Ito): requested solid, used dashed in the same hue family.
constexpr const char* kBlue = "#0072b2";
constexpr const char* kOrange = "#e69f00";
constexpr const char* kGreen = "#009e73";
constexpr const char* kVermillion = "#d55e00";
constexpr const char* kPurple = "#cc79a7";

// Kept short and plain: a reader may print the page, so no dark backgrounds.
constexpr const char* kCss = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;max-width:800px;margin:24px auto;padding:0 16px;line-height:1.45}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.25em;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
h3{font-size:1.05em;margin:18px 0 4px}.sub{color:#555;margin:0 0 12px}.note{color:#555;font-size:.92em}
.missing{background:#fff8e1;border-left:4px solid #e69f00;padding:6px 10px}
dl.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:6px 16px;margin:12px 0}
dl.facts div{background:#f5f7fa;border-radius:4px;padding:6px 10px}dt{font-size:.8em;color:#555}dd{margin:0;font-weight:600}
nav a{margin-right:12px}svg{display:block;margin:8px 0;max-width:100%;height:auto}
svg text{font-family:inherit;font-size:11px;fill:#333}svg .title{font-size:13px;font-weight:600}
svg .label{font-size:12px}svg .grid{stroke:#e5e5e5}svg .axis{stroke:#666}
svg .mark{stroke:#555;stroke-dasharray:3 3}svg .mark-label{font-size:11px;fill:#111}
table{border-collapse:collapse;width:100%;font-size:.92em}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f5f7fa}td.pass{color:#0a7d32;font-weight:600}td.fail{color:#b00020;font-weight:600}
code{font-size:.92em}footer{margin-top:40px;color:#777;font-size:.85em}
)";

const double* find_value(const ReportData& data, std::string_view name) {
  for (const auto& [key, value] : data.summary_values) {
    if (key == name) {
      return &value;
    }
  }
  return nullptr;
}

std::string format_count(double v) { return fmt::format("{:.0f}", v); }

// The headline numbers, in the order a reader asks for them; those the summary lacks are left out.
void write_facts(std::string& out, const ReportData& data) {
  struct Fact {
    const char* key;
    const char* label;
    bool duration;
  };
  static constexpr std::array<Fact, 20> kFacts = {{
      {"nodes", "nodes", false},
      {"pods.created", "pods created", false},
      {"pods.scheduled", "pods scheduled (bound)", false},
      {"pods.running", "pods running at the end", false},
      {"pods.succeeded", "pods succeeded", false},
      {"pods.failed", "pods failed", false},
      {"pods.pending", "pods pending at the end", false},
      {"pods.deleted", "pods deleted", false},
      {"scheduling_latency.p50_seconds", "scheduling latency p50", true},
      {"scheduling_latency.p99_seconds", "scheduling latency p99", true},
      {"scheduling_latency.max_seconds", "scheduling latency max", true},
      {"startup_latency.p50_seconds", "start-up latency p50", true},
      {"startup_latency.p99_seconds", "start-up latency p99", true},
      {"startup_latency.max_seconds", "start-up latency max", true},
      {"scheduling_attempts", "scheduling attempts", false},
      {"image_pulls", "image pulls", false},
      {"containers.restarts", "container restarts", false},
      {"containers.oom_kills", "OOM kills", false},
      {"containers.evictions", "evictions", false},
      {"events", "simulator events", false},
  }};
  out += "<dl class=\"facts\">\n";
  for (const Fact& f : kFacts) {
    if (const double* v = find_value(data, f.key)) {
      fmt::format_to(std::back_inserter(out), "<div><dt>{}</dt><dd>{}</dd></div>\n", f.label,
                     f.duration ? format_duration_human(*v) : format_count(*v));
    }
  }
  out += "</dl>\n";
}

void write_missing(std::string& out, const std::string& text) {
  fmt::format_to(std::back_inserter(out), "<p class=\"missing\">{}</p>\n", text);
}

// part / whole in percent, NaN where the whole is 0 (no running node: the share is undefined).
std::vector<double> percent_of(const std::vector<double>& part, const std::vector<double>& whole) {
  std::vector<double> out;
  out.reserve(part.size());
  for (std::size_t i = 0; i < part.size() && i < whole.size(); ++i) {
    out.push_back(whole[i] > 0 ? 100.0 * part[i] / whole[i] : kNaN);
  }
  return out;
}

void write_utilization(std::string& out, const ReportTimeseries& ts) {
  out += "<section id=\"utilization\">\n<h2>Utilization over time</h2>\n";
  out += "<p class=\"note\">Requested (pods admitted by kubelets) and used CPU and memory as a share of the running "
         "nodes' allocatable, every 10 s sample of <code>timeseries.csv</code>. Gaps: no node was running.</p>\n";
  if (ts.time_seconds.empty()) {
    write_missing(out, "timeseries.csv has no samples (the run was shorter than one 10 s interval).");
  }
  LineChart cpu{"CPU (% of allocatable)",
                "% of allocatable CPU",
                ts.time_seconds,
                {ChartSeries{"requested", kBlue, percent_of(ts.cpu_requested, ts.cpu_allocatable), false},
                 ChartSeries{"used", kOrange, percent_of(ts.cpu_used, ts.cpu_allocatable), true}},
                100};
  LineChart memory{"Memory (% of allocatable)",
                   "% of allocatable memory",
                   ts.time_seconds,
                   {ChartSeries{"requested", kBlue, percent_of(ts.memory_requested, ts.memory_allocatable), false},
                    ChartSeries{"used", kOrange, percent_of(ts.memory_used, ts.memory_allocatable), true}},
                   100};
  out += internal::line_chart_svg(cpu);
  out += "\n";
  out += internal::line_chart_svg(memory);
  out += "\n</section>\n";
}

void write_pending(std::string& out, const ReportTimeseries& ts) {
  out += "<section id=\"pending\">\n<h2>Pending pods and scheduler queues</h2>\n";
  if (ts.pods_pending.empty()) {
    write_missing(out, "timeseries.csv has no <code>pods_pending</code> column (written by an older kubesim?).");
    out += "</section>\n";
    return;
  }
  out += "<p class=\"note\">Pods in the scheduler's queue at each sample (<code>pods_pending</code>: activeQ, "
         "backoffQ, unschedulablePods and the pod being scheduled)";
  // At least 0..5 on the y axis: with 1 as the floor an idle queue gets ticks at 0.2 pods.
  LineChart chart{"Pending pods", "pods", ts.time_seconds, {{"pending (all queues)", kVermillion, ts.pods_pending}}, 5};
  if (!ts.queue_active.empty() && !ts.queue_backoff.empty() && !ts.queue_unschedulable.empty()) {
    out += ", and each queue (<code>queue_active</code>, <code>queue_backoff</code>, "
           "<code>queue_unschedulable</code>)";
    chart.series.push_back({"activeQ", kBlue, ts.queue_active, true});
    chart.series.push_back({"backoffQ", kGreen, ts.queue_backoff, true});
    chart.series.push_back({"unschedulablePods", kPurple, ts.queue_unschedulable, true});
  }
  out += ".</p>\n";
  out += internal::line_chart_svg(chart);
  out += "\n</section>\n";
}

// One latency CDF: `to` − created over the pods that reached `to`; the others are counted, not drawn.
void write_cdf(std::string& out, const std::vector<ReportPod>& pods, std::optional<double> ReportPod::*to,
               const std::string& title, const std::string& what, const std::string& never, const char* color) {
  std::vector<double> samples;
  std::size_t excluded = 0;
  for (const ReportPod& p : pods) {
    if (p.created && p.*to) {
      samples.push_back(*(p.*to) - *p.created);
    } else {
      ++excluded;
    }
  }
  LatencyCdf cdf = latency_cdf(std::move(samples));
  auto it = std::back_inserter(out);
  fmt::format_to(it, "<h3>{}</h3>\n<p class=\"note\">{} over {} pod{}", title, what, cdf.sorted.size(),
                 cdf.sorted.size() == 1 ? "" : "s");
  if (excluded > 0) {
    fmt::format_to(it, "; {} pod{} excluded ({})", excluded, excluded == 1 ? "" : "s", never);
  }
  out += ".";
  if (!cdf.empty()) {
    fmt::format_to(it, " p50 {}, p90 {}, p99 {}, max {}.", format_duration_human(cdf.p50),
                   format_duration_human(cdf.p90), format_duration_human(cdf.p99),
                   format_duration_human(cdf.sorted.back()));
  }
  out += "</p>\n";
  if (cdf.empty()) {
    write_missing(out, "No pod reached this milestone, so there is no distribution to show.");
    return;
  }
  out += internal::cdf_chart_svg(title, cdf, color);
  out += "\n";
}

void write_latency(std::string& out, const ReportData& data) {
  out += "<section id=\"latency\">\n<h2>Latency distributions</h2>\n";
  if (!data.pods) {
    write_missing(out, "pods.csv is missing, so the latency distributions cannot be drawn.");
    out += "</section>\n";
    return;
  }
  out += "<p class=\"note\">Step CDFs from <code>pods.csv</code>, one step per pod; dashed lines mark the "
         "nearest-rank p50, p90 and p99 (the definitions of <code>summary.json</code>).</p>\n";
  write_cdf(out, *data.pods, &ReportPod::bound, "Scheduling latency", "<code>bound_seconds − created_seconds</code>",
            "never bound", kBlue);
  write_cdf(out, *data.pods, &ReportPod::running, "Start-up latency",
            "<code>running_seconds − created_seconds</code> (created → all containers started)", "never ran", kGreen);
  out += "</section>\n";
}

void write_heat_map(std::string& out, const ReportData& data) {
  out += "<section id=\"heatmap\">\n<h2>Per-node CPU allocation</h2>\n";
  if (!data.node_usage) {
    write_missing(out, "node_usage.csv is missing: run with <code>--node-usage</code> for the per-node heat map.");
    out += "</section>\n";
    return;
  }
  HeatMap map = aggregate_heat_map(*data.node_usage, kHeatMapMaxRows, kHeatMapMaxColumns);
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "<p class=\"note\"><code>cpu_requested_millicpu / cpu_allocatable_millicpu</code> of each node "
                 "(rows, in node order) at each sample (columns) of <code>node_usage.csv</code>: {} node{} × {} "
                 "sample{}.",
                 map.nodes, map.nodes == 1 ? "" : "s", map.samples, map.samples == 1 ? "" : "s");
  if (map.is_aggregated()) {
    fmt::format_to(it,
                   " Aggregated to fit the page: each row is the mean of {} consecutive node{}, each column of {} "
                   "consecutive sample{} ({} × {} cells).",
                   map.nodes_per_row, map.nodes_per_row == 1 ? "" : "s", map.samples_per_column,
                   map.samples_per_column == 1 ? "" : "s", map.cells.size(),
                   map.cells.empty() ? 0 : map.cells.front().size());
  }
  out += "</p>\n";
  if (map.cells.empty()) {
    write_missing(out, "node_usage.csv has no rows (no node was running at any sample).");
  } else {
    out += internal::heat_map_svg(map);
    out += "\n";
  }
  out += "</section>\n";
}

void write_expectations(std::string& out, const ReportData& data) {
  out += "<section id=\"expectations\">\n<h2>Expectations</h2>\n";
  if (data.expectations.empty()) {
    out += "<p class=\"note\">The scenario has no <code>spec.expect</code> checks.</p>\n</section>\n";
    return;
  }
  std::size_t failed = 0;
  for (const ExpectationResult& e : data.expectations) {
    failed += e.passed ? 0 : 1;
  }
  auto it = std::back_inserter(out);
  fmt::format_to(it, "<p>{} of {} passed.</p>\n", data.expectations.size() - failed, data.expectations.size());
  out += "<table>\n<thead><tr><th>result</th><th>name</th><th>expected</th><th>measured</th><th>where</th>"
         "<th>note</th></tr></thead>\n<tbody>\n";
  for (const ExpectationResult& e : data.expectations) {
    fmt::format_to(it,
                   "<tr><td class=\"{}\">{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td>"
                   "<td>{}</td></tr>\n",
                   e.passed ? "pass" : "fail", e.passed ? "pass" : "FAIL", escape_markup(e.name),
                   escape_markup(e.check), e.measured.empty() ? "—" : escape_markup(e.measured),
                   escape_markup(e.location), escape_markup(e.note));
  }
  out += "</tbody>\n</table>\n</section>\n";
}

}  // namespace

std::string render_report_html(const ReportData& data) {
  std::string out;
  auto it = std::back_inserter(out);
  const std::string name = escape_markup(data.scenario);
  fmt::format_to(it,
                 "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<title>kubesim report: {}</title>\n<style>{}</style>\n</head>\n<body>\n",
                 name, kCss);
  fmt::format_to(it, "<header>\n<h1>kubesim report: {}</h1>\n<p class=\"sub\">", name);
  if (const double* seed = find_value(data, "seed")) {
    fmt::format_to(it, "seed {} · ", format_count(*seed));
  }
  if (const double* horizon = find_value(data, "horizon_seconds")) {
    fmt::format_to(it, "simulated duration {} ", format_duration_human(*horizon));
  }
  if (const double* last = find_value(data, "last_event_seconds")) {
    fmt::format_to(it, "(last event at {}) ", format_duration_human(*last));
  }
  fmt::format_to(it, "· fingerprint <code>{}</code></p>\n", escape_markup(data.fingerprint));
  write_facts(out, data);
  out += "<nav><a href=\"#utilization\">utilization</a><a href=\"#pending\">pending pods</a>"
         "<a href=\"#latency\">latency</a><a href=\"#heatmap\">per-node heat map</a>"
         "<a href=\"#expectations\">expectations</a></nav>\n</header>\n";
  write_utilization(out, data.timeseries);
  write_pending(out, data.timeseries);
  write_latency(out, data);
  write_heat_map(out, data);
  write_expectations(out, data);
  out += "<footer>Generated by <code>kubesim report</code> from the files <code>kubesim run --out</code> wrote. "
         "All times are simulated time; the same folder always gives the same page.</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace kubesim::metrics
