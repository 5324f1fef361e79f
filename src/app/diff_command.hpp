#pragma once

/// `kubesim diff BASELINE.json CURRENT.json [--tolerance 5%]`: compares two run summaries (see
/// metrics/summary_diff.hpp for what counts as a regression) for pipelines that keep a baseline.

#include <string>

namespace kubesim::app {

struct DiffArgs {
  std::string baseline;
  std::string current;
  /// "5%" or a fraction "0.05"; empty = 0.
  std::string tolerance;
};

/// Prints the comparison on stdout. Returns 0 (no regression), 1 (a regression) or 2 (bad input).
int run_diff(const DiffArgs& args);

}  // namespace kubesim::app
