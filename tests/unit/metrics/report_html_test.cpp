#include "support/catch.hpp"

#include "kubesim/metrics/markup_escape.hpp"
#include "kubesim/metrics/report_html.hpp"

#include <string>

using namespace kubesim;
using namespace kubesim::base::literals;

namespace {

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

metrics::ReportData sample_data() {
  metrics::ReportData d;
  d.scenario = "demo <script>alert('x')</script> & co";
  d.summary_values = {{"seed", 7},
                      {"horizon_seconds", 600},
                      {"pods.created", 3},
                      {"pods.pending", 1},
                      {"scheduling_latency.p50_seconds", 0.004},
                      {"scheduling_latency.p99_seconds", 1.5}};
  d.fingerprint = "00ff00ff00ff00ff";
  d.timeseries.time_seconds = {10, 20, 30};
  d.timeseries.cpu_allocatable = {4000, 4000, 0};
  d.timeseries.cpu_requested = {1000, 2000, 0};
  d.timeseries.cpu_used = {500, 1500, 0};
  d.timeseries.memory_allocatable = {1e9, 1e9, 1e9};
  d.timeseries.memory_requested = {1e8, 2e8, 3e8};
  d.timeseries.memory_used = {5e7, 1e8, 2e8};
  d.timeseries.pods_pending = {2, 1, 1};
  d.timeseries.queue_active = {1, 0, 0};
  d.timeseries.queue_backoff = {1, 0, 0};
  d.timeseries.queue_unschedulable = {0, 1, 1};
  d.pods = std::vector<metrics::ReportPod>{{0.0, 0.004, 2.0}, {1.0, 2.5, std::nullopt}, {1.0, std::nullopt, {}}};
  metrics::ExpectationResult pass;
  pass.check = "pods.pending == 0";
  pass.passed = true;
  pass.measured = "0";
  metrics::ExpectationResult fail;
  fail.check = "scheduling_latency.p99 < 1s";
  fail.name = "fast \"enough\"";
  fail.measured = "1.5s";
  d.expectations = {{pass, false}, {fail, false}};
  return d;
}

}  // namespace

TEST_CASE("HTML escaping covers element content and attribute values", "[metrics][report]") {
  CHECK(metrics::escape_markup("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
  CHECK(metrics::escape_markup("plain") == "plain");
}

TEST_CASE("the report has every section, escapes the files' text and references nothing outside", "[metrics][report]") {
  std::string html = metrics::render_report_html(sample_data());
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  for (const char* id :
       {"id=\"utilization\"", "id=\"pending\"", "id=\"latency\"", "id=\"heatmap\"", "id=\"expectations\""}) {
    CHECK(html.find(id) != std::string::npos);
  }
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("demo &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co") != std::string::npos);
  CHECK(html.find("fast &quot;enough&quot;") != std::string::npos);
  CHECK(html.find("http") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  // Two utilization charts, the pending chart and two CDFs; no heat map without node_usage.csv.
  CHECK(count_of(html, "<svg ") == 5);
  CHECK(html.find("run with <code>--node-usage</code> for the per-node heat map") != std::string::npos);
  // Headline numbers.
  CHECK(html.find("seed 7") != std::string::npos);
  CHECK(html.find("<dt>scheduling latency p50</dt><dd>4.0 ms</dd>") != std::string::npos);
  // Scheduling latency over the 2 bound pods, 1 never bound; start-up over 1, 2 excluded.
  CHECK(html.find("1 of 2 passed") != std::string::npos);
  CHECK(html.find("<td class=\"fail\">FAIL</td>") != std::string::npos);
  // Deterministic.
  CHECK(metrics::render_report_html(sample_data()) == html);
}

TEST_CASE("latency sections count the pods they leave out", "[metrics][report]") {
  std::string html = metrics::render_report_html(sample_data());
  CHECK(html.find("over 2 pods; 1 pod excluded (never bound). p50 4.0 ms, p90 1.50 s, p99 1.50 s, max 1.50 s.") !=
        std::string::npos);
  CHECK(html.find("over 1 pod; 2 pods excluded (never ran). p50 2.00 s") != std::string::npos);
}

TEST_CASE("the heat map section shows the grid when node_usage.csv is there", "[metrics][report]") {
  metrics::ReportData d = sample_data();
  d.node_usage = std::vector<metrics::NodeUsageRow>{{10, "worker-<1>", 2000, 4000}, {20, "worker-<1>", 4000, 4000}};
  std::string html = metrics::render_report_html(d);
  CHECK(html.find("class=\"heatmap\"") != std::string::npos);
  CHECK(html.find("worker-&lt;1&gt;") != std::string::npos);
  CHECK(html.find("1 node × 2 samples") != std::string::npos);
  // The legend shows every shade the cells use (5 % steps, as docs/metrics.md says), labelled every 10 %.
  const std::string legend = html.substr(html.find("CPU requested:</text>"));
  CHECK(count_of(legend, "width=\"16\" height=\"14\"") == 21);
  CHECK(count_of(legend, "%</text>") == 11);
  CHECK(html.find(">100%</text>") != std::string::npos);
  CHECK(html.find("in 5 % shades") != std::string::npos);
  CHECK(html.find("Aggregated") == std::string::npos);
  CHECK(html.find("http") == std::string::npos);
}

TEST_CASE("missing pods.csv and expectations are said, not drawn", "[metrics][report]") {
  metrics::ReportData d = sample_data();
  d.pods.reset();
  d.expectations.clear();
  d.timeseries.pods_pending.clear();
  std::string html = metrics::render_report_html(d);
  CHECK(html.find("pods.csv is missing") != std::string::npos);
  CHECK(html.find("no <code>spec.expect</code> checks") != std::string::npos);
  CHECK(html.find("no <code>pods_pending</code> column") != std::string::npos);
  CHECK(count_of(html, "<svg ") == 2);
}

namespace {

metrics::ReportRecord record(std::vector<std::pair<std::string, std::string>> fields) {
  metrics::ReportRecord r;
  r.fields = std::move(fields);
  return r;
}

}  // namespace

TEST_CASE("expectations show when they were measured, since when a `by` check held", "[metrics][report]") {
  metrics::ReportData d = sample_data();
  d.expectations[0].result.check = "pods.pending == 0 by 5m0s";
  d.expectations[0].result.measured_at = base::SimTime::zero() + 45_s;
  d.expectations[0].result.held_since = true;
  d.expectations[0].has_measured_at = true;
  d.expectations[1].result.measured_at = base::SimTime::zero() + 600_s;
  d.expectations[1].has_measured_at = true;
  std::string html = metrics::render_report_html(d);
  CHECK(html.find("<code>pods.pending == 0 by 5m0s</code></td><td>0 since 45s</td>") != std::string::npos);
  CHECK(html.find("<td>1.5s at 10m0s</td>") != std::string::npos);
  // Without measured_at_seconds in the file, the value alone.
  d.expectations[1].has_measured_at = false;
  CHECK(metrics::render_report_html(d).find("<td>1.5s</td>") != std::string::npos);
}

TEST_CASE("traffic, rollouts, node faults, endpoint convergence and API latency appear when the summary has them",
          "[metrics][report]") {
  metrics::ReportData plain = sample_data();
  std::string without = metrics::render_report_html(plain);
  for (const char* id : {"id=\"traffic\"", "id=\"rollouts\"", "id=\"node-faults\"", "id=\"endpoints\"", "id=\"api\""}) {
    CHECK(without.find(id) == std::string::npos);
  }

  metrics::ReportData d = sample_data();
  metrics::ReportRecord web = record({{"namespace", "default"},
                                      {"service", "web"},
                                      {"requests", "200"},
                                      {"successes", "190"},
                                      {"errors", "10"},
                                      {"success_rate", "0.95"}});
  web.lists.emplace_back("error_windows", std::vector<metrics::ReportRecord>{record(
                                              {{"start_seconds", "61"}, {"end_seconds", "62.5"}, {"errors", "10"}})});
  d.tables.emplace_back("traffic", std::vector<metrics::ReportRecord>{web});
  d.tables.emplace_back("rollouts", std::vector<metrics::ReportRecord>{record({{"namespace", "default"},
                                                                               {"deployment", "web"},
                                                                               {"generation", "1"},
                                                                               {"replicas", "3"},
                                                                               {"started_seconds", "0.01"},
                                                                               {"duration_seconds", "12.5"},
                                                                               {"superseded", "false"}}),
                                                                       record({{"namespace", "default"},
                                                                               {"deployment", "web"},
                                                                               {"generation", "2"},
                                                                               {"duration_seconds", "null"},
                                                                               {"superseded", "true"}}),
                                                                       record({{"namespace", "default"},
                                                                               {"deployment", "web"},
                                                                               {"generation", "3"},
                                                                               {"duration_seconds", "null"},
                                                                               {"superseded", "false"}})});
  // A newer file's extra key (`returned`) shows; an older one's missing key leaves its cell empty.
  d.tables.emplace_back("node_faults",
                        std::vector<metrics::ReportRecord>{
                            record({{"action", "crashNode"},
                                    {"node", "worker-<2>"},
                                    {"at_seconds", "60"},
                                    {"pods_lost", "2"},
                                    {"replaced", "2"},
                                    {"duration_seconds", "341.5"},
                                    {"returned", "1"}}),
                            record({{"action", "partition"}, {"node", "worker-1"}, {"duration_seconds", "null"}})});
  d.tables.emplace_back("api_requests",
                        std::vector<metrics::ReportRecord>{
                            record({{"client", "kubelet"}, {"verb", "get"}, {"resource", "nodes"}, {"count", "9"}}),
                            record({{"client", "scheduler"},
                                    {"verb", "create"},
                                    {"resource", "pods/binding"},
                                    {"count", "3"},
                                    {"failed", "0"},
                                    {"latency_mean_seconds", "0.002"},
                                    {"latency_max_seconds", "0.004"}})});
  d.tables.emplace_back("watch_delivery", std::vector<metrics::ReportRecord>{record({{"client", "kube-proxy"},
                                                                                     {"resource", "endpointslices"},
                                                                                     {"events", "12"},
                                                                                     {"lag_mean_seconds", "0.5"},
                                                                                     {"lag_max_seconds", "1.25"}})});
  d.summary_values.emplace_back("endpoint_convergence.count", 8);
  d.summary_values.emplace_back("endpoint_convergence.p50_seconds", 0.003);
  d.summary_values.emplace_back("endpoint_convergence.max_seconds", 0.02);
  std::string html = metrics::render_report_html(d);
  INFO(html);
  CHECK(html.find("<a href=\"#traffic\">traffic</a><a href=\"#rollouts\">rollouts</a>") != std::string::npos);
  CHECK(html.find("<tr><td>default/web</td><td>200</td><td>190</td><td>10</td><td>95.0000 %</td>"
                  "<td>1m1s – 1m2.5s: 10 errors</td></tr>") != std::string::npos);
  CHECK(html.find("<tr><td>default/web</td><td>1</td><td>3</td><td>10ms</td><td>12.5s</td></tr>") != std::string::npos);
  CHECK(html.find("<td>2</td><td></td><td></td><td>superseded</td>") != std::string::npos);
  CHECK(html.find("<td>3</td><td></td><td></td><td>not complete</td>") != std::string::npos);
  CHECK(html.find("<th>returned</th>") != std::string::npos);
  CHECK(html.find("<tr><td>crashNode</td><td>worker-&lt;2&gt;</td><td>1m0s</td><td>2</td><td>2</td><td>1</td>"
                  "<td>5m41.5s</td></tr>") != std::string::npos);
  CHECK(html.find("<tr><td>partition</td><td>worker-1</td><td></td><td></td><td></td><td></td>"
                  "<td>not recovered</td></tr>") != std::string::npos);
  CHECK(html.find("over 8 changes") != std::string::npos);
  CHECK(html.find("<dt>p50</dt><dd>3.0 ms</dd>") != std::string::npos);
  CHECK(html.find("<dt>p90</dt>") == std::string::npos);
  // Only requests with a latency are listed.
  CHECK(html.find("<td>kubelet</td><td>get</td>") == std::string::npos);
  CHECK(html.find("<tr><td>scheduler</td><td>create</td><td>pods/binding</td><td>3</td><td>0</td><td>2.0 ms</td>"
                  "<td>4.0 ms</td></tr>") != std::string::npos);
  CHECK(html.find("<tr><td>kube-proxy</td><td>endpointslices</td><td>12</td><td>500.0 ms</td><td>1.25 s</td></tr>") !=
        std::string::npos);
  CHECK(html.find("http") == std::string::npos);
}
