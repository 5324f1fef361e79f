#pragma once

/// Reading a run summary (the summary.json `kubesim run --out` writes) back for `kubesim diff`: its
/// numeric leaves flattened to dotted names in file order. Array elements are named by their
/// identifying fields ("traffic[default web].success_rate", "api_requests[kubelet get nodes].count",
/// "expectations[pods.pending == 0].passed"); arrays
/// nested in elements (error windows) and non-numeric leaves are left out, except that booleans count
/// as 1 / 0 ("expectations[pods.pending == 0].passed").

#include "kubesim/base/diagnostic.hpp"
#include "kubesim/base/expected.hpp"

#include <string>
#include <utility>
#include <vector>

namespace kubesim::scenario {

struct SummaryLeaves {
  std::vector<std::pair<std::string, double>> values;
  /// The run's fingerprint (equal fingerprints mean identical runs).
  std::string fingerprint;
};

/// Reads `path`; a file that cannot be read or is not a summary is a Diagnostic.
base::Expected<SummaryLeaves, base::Diagnostics> load_summary(const std::string& path);
/// Parses summary JSON text (`file` names it in diagnostics).
base::Expected<SummaryLeaves, base::Diagnostics> parse_summary(std::string_view json_text, const std::string& file);

}  // namespace kubesim::scenario
