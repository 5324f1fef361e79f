#include "support/catch.hpp"

#include "kubesim/metrics/markup_escape.hpp"
#include "kubesim/metrics/report_html.hpp"

#include <string>

using namespace kubesim;

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
  d.expectations = {pass, fail};
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
