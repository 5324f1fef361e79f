#pragma once

/// The HTML report of one run (`kubesim report DIR`): the data read back from a `kubesim run --out`
/// folder, and the pure function that renders it into one self-contained page.
///
/// The page has inline CSS and inline SVG charts and needs no JavaScript; it makes no network
/// reference at all (not even the SVG namespace URL, which the HTML parser implies), so it can be
/// mailed, archived or opened offline. Rendering is deterministic: fixed number formatting, no clock,
/// no locale, so the same data gives byte-identical HTML. Every text from the files is HTML-escaped.
/// Reading the files is the caller's job (the metrics module reads no files).

#include "kubesim/metrics/expectation_result.hpp"
#include "kubesim/metrics/heat_map.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kubesim::metrics {

/// The cluster over simulated time: one entry per timeseries.csv row in every vector that is filled.
struct ReportTimeseries {
  std::vector<double> time_seconds;
  /// milli-CPU
  std::vector<double> cpu_allocatable;
  std::vector<double> cpu_requested;
  std::vector<double> cpu_used;
  /// bytes
  std::vector<double> memory_allocatable;
  std::vector<double> memory_requested;
  std::vector<double> memory_used;
  /// Pods in the scheduler's queue and its three sub-queues; each empty when the file lacks the
  /// column (files from before it existed).
  std::vector<double> pods_pending;
  std::vector<double> queue_active;
  std::vector<double> queue_backoff;
  std::vector<double> queue_unschedulable;
};

/// The milestones of one pod (pods.csv), seconds of simulated time; nullopt when never reached.
struct ReportPod {
  std::optional<double> created;
  std::optional<double> bound;
  std::optional<double> running;
};

/// One object of a summary.json array (the app copies scenario::SummaryRecord): its scalar fields as
/// written (numbers and booleans as JSON text, strings unquoted, null as "null") and its arrays of
/// objects. Any field may be absent (a file from an older or newer kubesim): the page leaves its cell
/// empty, and a column no row has is left out.
struct ReportRecord {
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::pair<std::string, std::vector<ReportRecord>>> lists;

  /// The field's text, or null when absent. O(fields).
  [[nodiscard]] const std::string* field(std::string_view name) const;
  /// The field as a number; nullopt when absent, null or not a number.
  [[nodiscard]] std::optional<double> number(std::string_view name) const;
  /// The nested array, or null when absent.
  [[nodiscard]] const std::vector<ReportRecord>* list(std::string_view name) const;
};

/// One summary.json `expectations` entry.
struct ReportExpectation {
  /// The text fields; measured_at and held_since only when has_measured_at.
  ExpectationResult result;
  /// False when the file lacks `measured_at_seconds`.
  bool has_measured_at = false;
};

struct ReportData {
  /// The scenario's name (summary.json `scenario`).
  std::string scenario;
  /// summary.json's numeric leaves as scenario::load_summary flattens them ("pods.created", ...).
  std::vector<std::pair<std::string, double>> summary_values;
  std::string fingerprint;
  ReportTimeseries timeseries;
  /// pods.csv rows in file order; nullopt when the file is absent.
  std::optional<std::vector<ReportPod>> pods;
  /// node_usage.csv rows; nullopt when the file is absent (the run had no --node-usage).
  std::optional<std::vector<NodeUsageRow>> node_usage;
  /// summary.json `expectations`, in file order.
  std::vector<ReportExpectation> expectations;
  /// summary.json's arrays of objects by key, in file order: the page shows `traffic`, `rollouts`,
  /// `node_faults`, `api_requests` and `watch_delivery` when present and not empty.
  std::vector<std::pair<std::string, std::vector<ReportRecord>>> tables;
};

/// Caps of the heat map grid (rows = node groups, columns = sample groups).
inline constexpr std::size_t kHeatMapMaxRows = 120;
inline constexpr std::size_t kHeatMapMaxColumns = 240;

/// The whole page. Deterministic in `data`.
std::string render_report_html(const ReportData& data);

}  // namespace kubesim::metrics
