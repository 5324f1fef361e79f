#include "kubesim/metrics/report_html.hpp"

#include "svg_chart_internal.hpp"

#include "kubesim/metrics/latency_cdf.hpp"
#include "kubesim/metrics/markup_escape.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <functional>
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
nav a{margin-right:12px;white-space:nowrap}svg{display:block;margin:8px 0;max-width:100%;height:auto}
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
  fmt::format_to(
      it,
      "<p class=\"note\"><code>cpu_requested_millicpu / cpu_allocatable_millicpu</code> of each node "
      "(rows, in node order) at each sample (columns) of <code>node_usage.csv</code>, in 5 % shades: {} node{} × "
      "{} sample{}.",
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
  for (const ReportExpectation& e : data.expectations) {
    failed += e.result.passed ? 0 : 1;
  }
  auto it = std::back_inserter(out);
  fmt::format_to(it, "<p>{} of {} passed.</p>\n", data.expectations.size() - failed, data.expectations.size());
  out += "<table>\n<thead><tr><th>result</th><th>name</th><th>expected</th><th>measured</th><th>where</th>"
         "<th>note</th></tr></thead>\n<tbody>\n";
  for (const ReportExpectation& x : data.expectations) {
    const ExpectationResult& e = x.result;
    // As the text summary says it: "3 at 2m0s", or for a `by` check that passed "0 since 45s".
    std::string measured = e.measured.empty() ? "—" : escape_markup(e.measured);
    if (!e.measured.empty() && x.has_measured_at) {
      fmt::format_to(std::back_inserter(measured), " {} {}", e.held_since ? "since" : "at",
                     base::format_duration(e.measured_at.since_start()));
    }
    fmt::format_to(it,
                   "<tr><td class=\"{}\">{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td>"
                   "<td>{}</td></tr>\n",
                   e.passed ? "pass" : "fail", e.passed ? "pass" : "FAIL", escape_markup(e.name),
                   escape_markup(e.check), measured, escape_markup(e.location), escape_markup(e.note));
  }
  out += "</tbody>\n</table>\n</section>\n";
}

// --- summary.json's arrays: traffic, rollouts, node faults, API requests and watches -----------------

const std::vector<ReportRecord>* find_table(const ReportData& data, std::string_view key) {
  for (const auto& [name, rows] : data.tables) {
    if (name == key) {
      return rows.empty() ? nullptr : &rows;
    }
  }
  return nullptr;
}

// One column of a record table: its header and each row's cell as HTML (nullopt: the row lacks it).
struct Column {
  const char* header;
  std::function<std::optional<std::string>(const ReportRecord&)> cell;
};

// Columns no row has are left out (a key a file does not write); a row that lacks a cell gets an
// empty one.
void write_record_table(std::string& out, const std::vector<const ReportRecord*>& rows,
                        const std::vector<Column>& columns) {
  std::vector<std::vector<std::optional<std::string>>> cells(rows.size());
  std::vector<bool> shown(columns.size(), false);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < columns.size(); ++j) {
      cells[i].push_back(columns[j].cell(*rows[i]));
      shown[j] = shown[j] || cells[i][j].has_value();
    }
  }
  out += "<table>\n<thead><tr>";
  for (std::size_t j = 0; j < columns.size(); ++j) {
    if (shown[j]) {
      fmt::format_to(std::back_inserter(out), "<th>{}</th>", columns[j].header);
    }
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : cells) {
    out += "<tr>";
    for (std::size_t j = 0; j < columns.size(); ++j) {
      if (shown[j]) {
        fmt::format_to(std::back_inserter(out), "<td>{}</td>", row[j].value_or(""));
      }
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
}

std::vector<const ReportRecord*> all_rows(const std::vector<ReportRecord>& rows) {
  std::vector<const ReportRecord*> out;
  for (const ReportRecord& r : rows) {
    out.push_back(&r);
  }
  return out;
}

// Cell makers: a field as text, as a count, as a time or duration in seconds.
Column text_column(const char* header, std::string key) {
  return {header, [key](const ReportRecord& r) -> std::optional<std::string> {
            const std::string* v = r.field(key);
            return v != nullptr && *v != "null" ? std::optional(escape_markup(*v)) : std::nullopt;
          }};
}
Column count_column(const char* header, std::string key) {
  return {header, [key](const ReportRecord& r) -> std::optional<std::string> {
            std::optional<double> v = r.number(key);
            return v ? std::optional(format_count(*v)) : std::nullopt;
          }};
}
// Moments and spans of the run as the text summary and the checks write them ("1m2.5s");
// latencies (a few milliseconds) rounded, as the latency sections show them.
std::string exact_seconds(double seconds) {
  // To the millisecond, as the text summary rounds them.
  return base::format_duration(base::Duration::from_millis(std::llround(seconds * 1e3)));
}
Column time_column(const char* header, std::string key) {
  return {header, [key](const ReportRecord& r) -> std::optional<std::string> {
            std::optional<double> v = r.number(key);
            return v ? std::optional(exact_seconds(*v)) : std::nullopt;
          }};
}
Column latency_column(const char* header, std::string key) {
  return {header, [key](const ReportRecord& r) -> std::optional<std::string> {
            std::optional<double> v = r.number(key);
            return v ? std::optional(format_duration_human(*v)) : std::nullopt;
          }};
}

// "default/web", or the name alone when the namespace is not written.
std::optional<std::string> qualified(const ReportRecord& r, std::string_view name_key) {
  const std::string* name = r.field(name_key);
  if (name == nullptr) {
    return std::nullopt;
  }
  const std::string* ns = r.field("namespace");
  return escape_markup(ns != nullptr && !ns->empty() ? fmt::format("{}/{}", *ns, *name) : *name);
}

constexpr std::size_t kShownErrorWindows = 5;

void write_traffic(std::string& out, const std::vector<ReportRecord>& rows) {
  out += "<section id=\"traffic\">\n<h2>Service traffic</h2>\n<p class=\"note\">Requests the scenario's "
         "<code>traffic</code> sent to each Service through kube-proxy, and the windows in which requests failed "
         "(summary.json <code>traffic</code>; docs/kube-proxy.md).</p>\n";
  std::vector<Column> columns = {
      {"Service", [](const ReportRecord& r) { return qualified(r, "service"); }},
      count_column("requests", "requests"),
      count_column("successes", "successes"),
      count_column("errors", "errors"),
      {"success rate",
       [](const ReportRecord& r) -> std::optional<std::string> {
         if (std::optional<double> v = r.number("success_rate")) {
           return fmt::format("{:.4f} %", *v * 100);
         }
         const std::string* v = r.field("success_rate");
         return v != nullptr ? std::optional<std::string>("—") : std::nullopt;  // null: no request sent
       }},
      {"error windows",
       [](const ReportRecord& r) -> std::optional<std::string> {
         const std::vector<ReportRecord>* windows = r.list("error_windows");
         if (windows == nullptr) {
           return std::nullopt;
         }
         if (windows->empty()) {
           return "none";
         }
         std::string cell;
         for (std::size_t i = 0; i < windows->size() && i < kShownErrorWindows; ++i) {
           const ReportRecord& w = (*windows)[i];
           std::optional<double> start = w.number("start_seconds");
           std::optional<double> end = w.number("end_seconds");
           std::optional<double> errors = w.number("errors");
           fmt::format_to(std::back_inserter(cell), "{}{} – {}", i == 0 ? "" : "<br>",
                          start ? exact_seconds(*start) : "?", end ? exact_seconds(*end) : "?");
           if (errors) {
             fmt::format_to(std::back_inserter(cell), ": {} error{}", format_count(*errors), *errors == 1 ? "" : "s");
           }
         }
         if (windows->size() > kShownErrorWindows) {
           fmt::format_to(std::back_inserter(cell), "<br>… and {} more (summary.json has them all)",
                          windows->size() - kShownErrorWindows);
         }
         return cell;
       }},
  };
  write_record_table(out, all_rows(rows), columns);
  out += "</section>\n";
}

void write_rollouts(std::string& out, const std::vector<ReportRecord>& rows) {
  out += "<section id=\"rollouts\">\n<h2>Rollouts</h2>\n<p class=\"note\">Every Deployment rollout in start "
         "order: from the spec change (or the Deployment's creation) to upstream's DeploymentComplete "
         "(summary.json <code>rollouts</code>).</p>\n";
  std::vector<Column> columns = {
      {"Deployment", [](const ReportRecord& r) { return qualified(r, "deployment"); }},
      count_column("generation", "generation"),
      count_column("replicas", "replicas"),
      time_column("started at", "started_seconds"),
      {"duration",
       [](const ReportRecord& r) -> std::optional<std::string> {
         if (std::optional<double> d = r.number("duration_seconds")) {
           return exact_seconds(*d);
         }
         const std::string* superseded = r.field("superseded");
         if (superseded != nullptr && *superseded == "true") {
           return "superseded";
         }
         return r.field("duration_seconds") != nullptr || r.field("completed_seconds") != nullptr
                    ? std::optional<std::string>("not complete")
                    : std::nullopt;
       }},
  };
  write_record_table(out, all_rows(rows), columns);
  out += "</section>\n";
}

void write_node_faults(std::string& out, const std::vector<ReportRecord>& rows) {
  out += "<section id=\"node-faults\">\n<h2>Node faults</h2>\n<p class=\"note\">Every <code>crashNode</code>, "
         "<code>partition</code> and <code>removeNodes</code> of a node: the controller-owned pods it lost, how many "
         "were replaced by pods that reached Running, and when the last one did (summary.json "
         "<code>node_faults</code>).</p>\n";
  std::vector<Column> columns = {
      text_column("action", "action"),
      text_column("node", "node"),
      time_column("at", "at_seconds"),
      count_column("pods lost", "pods_lost"),
      count_column("replaced", "replaced"),
      // Lost pods that served again once their node came back (recoverNode, heal); newer files have it.
      count_column("returned", "returned"),
      {"recovered after",
       [](const ReportRecord& r) -> std::optional<std::string> {
         if (std::optional<double> d = r.number("duration_seconds")) {
           return exact_seconds(*d);
         }
         return r.field("duration_seconds") != nullptr ? std::optional<std::string>("not recovered") : std::nullopt;
       }},
  };
  write_record_table(out, all_rows(rows), columns);
  out += "</section>\n";
}

void write_endpoint_convergence(std::string& out, const ReportData& data) {
  struct Stat {
    const char* key;
    const char* label;
  };
  static constexpr std::array<Stat, 4> kStats = {{{"endpoint_convergence.p50_seconds", "p50"},
                                                  {"endpoint_convergence.p90_seconds", "p90"},
                                                  {"endpoint_convergence.p99_seconds", "p99"},
                                                  {"endpoint_convergence.max_seconds", "max"}}};
  std::string facts;
  for (const Stat& s : kStats) {
    if (const double* v = find_value(data, s.key)) {
      fmt::format_to(std::back_inserter(facts), "<div><dt>{}</dt><dd>{}</dd></div>\n", s.label,
                     format_duration_human(*v));
    }
  }
  if (facts.empty()) {
    return;
  }
  out += "<section id=\"endpoints\">\n<h2>Endpoint convergence</h2>\n<p class=\"note\">A pod's readiness "
         "change → the EndpointSlice listing it as ready or no longer ready";
  if (const double* count = find_value(data, "endpoint_convergence.count")) {
    fmt::format_to(std::back_inserter(out), ", over {} change{}", format_count(*count), *count == 1 ? "" : "s");
  }
  out += "; kube-proxy's sync lag comes on top (summary.json <code>endpoint_convergence</code>).</p>\n"
         "<dl class=\"facts\">\n";
  out += facts;
  out += "</dl>\n</section>\n";
}

void write_api(std::string& out, const std::vector<ReportRecord>* requests, const std::vector<ReportRecord>* watches) {
  std::vector<const ReportRecord*> timed;
  if (requests != nullptr) {
    for (const ReportRecord& r : *requests) {
      if (r.number("latency_mean_seconds") || r.number("latency_max_seconds")) {
        timed.push_back(&r);
      }
    }
  }
  if (timed.empty() && watches == nullptr) {
    return;
  }
  out += "<section id=\"api\">\n<h2>API requests and watch delivery</h2>\n";
  if (!timed.empty()) {
    out += "<p class=\"note\">Requests that travel to the API server (every write), per client, verb and "
           "resource: latency from the client issuing the request to the server applying it, client-side throttling "
           "and <code>slowApiServer</code> included (summary.json <code>api_requests</code>).</p>\n";
    write_record_table(out, timed,
                       {text_column("client", "client"), text_column("verb", "verb"),
                        text_column("resource", "resource"), count_column("requests", "count"),
                        count_column("failed", "failed"), latency_column("latency mean", "latency_mean_seconds"),
                        latency_column("latency max", "latency_max_seconds")});
  }
  if (watches != nullptr) {
    out += "<p class=\"note\">Watch delivery per client and resource: live changes delivered, and the lag from a "
           "change's commit to its delivery to the watcher (summary.json <code>watch_delivery</code>).</p>\n";
    write_record_table(out, all_rows(*watches),
                       {text_column("client", "client"), text_column("resource", "resource"),
                        count_column("events", "events"), latency_column("lag mean", "lag_mean_seconds"),
                        latency_column("lag max", "lag_max_seconds")});
  }
  out += "</section>\n";
}

}  // namespace

const std::string* ReportRecord::field(std::string_view name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) {
      return &value;
    }
  }
  return nullptr;
}

std::optional<double> ReportRecord::number(std::string_view name) const {
  const std::string* v = field(name);
  if (v == nullptr || v->empty() || v->find_first_not_of("0123456789.-+eE") != std::string::npos) {
    return std::nullopt;  // absent, null, true/false or text
  }
  char* end = nullptr;
  double d = std::strtod(v->c_str(), &end);
  return end == v->c_str() + v->size() && std::isfinite(d) ? std::optional(d) : std::nullopt;
}

const std::vector<ReportRecord>* ReportRecord::list(std::string_view name) const {
  for (const auto& [key, value] : lists) {
    if (key == name) {
      return &value;
    }
  }
  return nullptr;
}

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
  const std::vector<ReportRecord>* traffic = find_table(data, "traffic");
  const std::vector<ReportRecord>* rollouts = find_table(data, "rollouts");
  const std::vector<ReportRecord>* faults = find_table(data, "node_faults");
  std::string reconciliation;
  if (traffic != nullptr) {
    write_traffic(reconciliation, *traffic);
  }
  if (rollouts != nullptr) {
    write_rollouts(reconciliation, *rollouts);
  }
  if (faults != nullptr) {
    write_node_faults(reconciliation, *faults);
  }
  write_endpoint_convergence(reconciliation, data);
  write_api(reconciliation, find_table(data, "api_requests"), find_table(data, "watch_delivery"));
  out += "<nav><a href=\"#utilization\">utilization</a><a href=\"#pending\">pending pods</a>"
         "<a href=\"#latency\">latency</a><a href=\"#heatmap\">per-node heat map</a>";
  // Links only to the sections this run has.
  static constexpr std::array<std::pair<const char*, const char*>, 5> kOptional = {{{"traffic", "traffic"},
                                                                                    {"rollouts", "rollouts"},
                                                                                    {"node-faults", "node faults"},
                                                                                    {"endpoints", "endpoints"},
                                                                                    {"api", "API"}}};
  for (const auto& [id, label] : kOptional) {
    if (reconciliation.find(fmt::format("<section id=\"{}\">", id)) != std::string::npos) {
      fmt::format_to(it, "<a href=\"#{}\">{}</a>", id, label);
    }
  }
  out += "<a href=\"#expectations\">expectations</a></nav>\n</header>\n";
  write_utilization(out, data.timeseries);
  write_pending(out, data.timeseries);
  write_latency(out, data);
  write_heat_map(out, data);
  out += reconciliation;
  write_expectations(out, data);
  out += "<footer>Generated by <code>kubesim report</code> from the files <code>kubesim run --out</code> wrote. "
         "All times are simulated time; the same folder always gives the same page.</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace kubesim::metrics
