#pragma once

/// Reading a run summary (the summary.json `kubesim run --out` writes) back for `kubesim diff`: its
/// numeric leaves flattened to dotted names in file order. Array elements are named by their
/// identifying fields ("traffic[default web].success_rate", "api_requests[kubelet get nodes].count",
/// "expectations[pods.pending == 0].passed"); arrays
/// nested in elements (error windows) and non-numeric leaves are left out, except that booleans count
/// as 1 / 0 ("expectations[pods.pending == 0].passed"). The few text fields a reader shows as they are
/// (the scenario's name, each expectation's check and measured value) and the arrays of objects as
/// records (traffic, rollouts, node faults, API requests, ...) are kept apart, for `kubesim report`.

#include "kubesim/base/diagnostic.hpp"
#include "kubesim/base/expected.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kubesim::scenario {

/// One `expectations[]` entry of a summary, its text fields as written.
struct SummaryExpectation {
  /// The check as the user reads it: "pods.pending == 0 by 10m0s".
  std::string check;
  /// The expectation's `name`, or empty.
  std::string name;
  /// Where it is written in the scenario: "scenario.yaml:23:14".
  std::string location;
  bool passed = false;
  /// The measured value as printed ("3", "1.234s"); empty when nothing could be measured.
  std::string measured;
  /// Why nothing could be measured, or other context; often empty.
  std::string note;
  /// `measured_at_seconds`: when it was measured (for a passed `by` check, since when it held);
  /// nullopt when the file lacks it.
  std::optional<double> measured_at_seconds;
};

/// One object of a summary array, as written: its scalar fields in file order (numbers and booleans
/// as their JSON text, strings unquoted, null as "null") and its arrays of objects (a Service's
/// `error_windows`). Fields a file lacks are simply absent, so readers look them up by name.
struct SummaryRecord {
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::pair<std::string, std::vector<SummaryRecord>>> lists;
};

struct SummaryLeaves {
  std::vector<std::pair<std::string, double>> values;
  /// The run's fingerprint (equal fingerprints mean identical runs).
  std::string fingerprint;
  /// The scenario's name (`scenario`).
  std::string scenario;
  /// The `expectations` entries in file order (empty when the run had none).
  std::vector<SummaryExpectation> expectations;
  /// Every top-level array of objects (`traffic`, `rollouts`, `node_faults`, `api_requests`,
  /// `watch_delivery`, ...) by key, in file order.
  std::vector<std::pair<std::string, std::vector<SummaryRecord>>> tables;
};

/// Reads `path`; a file that cannot be read or is not a summary is a Diagnostic.
base::Expected<SummaryLeaves, base::Diagnostics> load_summary(const std::string& path);
/// Parses summary JSON text (`file` names it in diagnostics).
base::Expected<SummaryLeaves, base::Diagnostics> parse_summary(std::string_view json_text, const std::string& file);

}  // namespace kubesim::scenario
