#pragma once

/// ExpectationResult: the outcome of one scenario expectation (spec.expect[]), as the summary, the
/// text report and junit.xml show it. The checking itself is in the cluster module.

#include "kubesim/base/time.hpp"

#include <optional>
#include <string>
#include <vector>

namespace kubesim::metrics {

struct ExpectationResult {
  /// The check as the user reads it: "pods.pending == 0 by 10m0s".
  std::string check;
  /// The expectation's `name`, or empty.
  std::string name;
  /// Where it is written: "scenario.yaml:23:14".
  std::string location;
  bool passed = false;
  /// The measured value ("3", "1.234s", "0.9995"), or empty when nothing could be measured.
  std::string measured;
  /// When it was measured: the `at` / `by` time or the end of the run; for a `by` check that passed,
  /// since when it has held without interruption.
  base::SimTime measured_at;
  /// A `by` check that passed: measured_at is when its streak of holding began.
  bool held_since = false;
  /// Why nothing could be measured, or other context ("deployment default/web does not exist").
  std::string note;
};

/// The "expectations:" block of the text summary (empty when there are none).
std::string format_expectations_text(const std::vector<ExpectationResult>& results);
/// One line per failed expectation for stderr: "scenario.yaml:23:14: expectation failed: ...".
std::string format_expectation_failures(const std::vector<ExpectationResult>& results);
/// junit.xml: one <testsuite> named after the scenario, one <testcase> per expectation, in file order.
std::string format_junit_xml(const std::string& scenario, const std::vector<ExpectationResult>& results);

}  // namespace kubesim::metrics
