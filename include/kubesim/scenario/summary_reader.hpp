#pragma once

/// Reading a run summary (the summary.json `kubesim run --out` writes) back for `kubesim diff`: its
/// numeric leaves flattened to dotted names in file order. Array elements are named by their
/// identifying fields ("traffic[default web].success_rate", "api_requests[kubelet get nodes].count",
/// "expectations[pods.pending == 0].passed"); arrays
/// nested in elements (error windows) and non-numeric leaves are left out, except that booleans count
/// as 1 / 0 ("expectations[pods.pending == 0].passed"). The few text fields a reader shows as they are
/// (the scenario's name, each expectation's check and measured value) are kept apart, for `kubesim report`.

#include "kubesim/base/diagnostic.hpp"
#include "kubesim/base/expected.hpp"

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
};

struct SummaryLeaves {
  std::vector<std::pair<std::string, double>> values;
  /// The run's fingerprint (equal fingerprints mean identical runs).
  std::string fingerprint;
  /// The scenario's name (`scenario`).
  std::string scenario;
  /// The `expectations` entries in file order (empty when the run had none).
  std::vector<SummaryExpectation> expectations;
};

/// Reads `path`; a file that cannot be read or is not a summary is a Diagnostic.
base::Expected<SummaryLeaves, base::Diagnostics> load_summary(const std::string& path);
/// Parses summary JSON text (`file` names it in diagnostics).
base::Expected<SummaryLeaves, base::Diagnostics> parse_summary(std::string_view json_text, const std::string& file);

}  // namespace kubesim::scenario
