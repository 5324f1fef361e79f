#pragma once

/// `kubesim report DIR [-o FILE] [--quiet]`: turns the folder `kubesim run --out DIR` wrote into one
/// self-contained HTML page (default DIR/report.html): headline numbers, utilization and pending pods
/// over time, latency CDFs, the per-node heat map, Service traffic, rollouts, node faults, endpoint
/// convergence, API latency and watch delivery (when the run has them) and the expectations (see
/// docs/metrics.md).

#include <string>

namespace kubesim::app {

struct ReportArgs {
  std::string dir;
  /// Where to write the page; empty = DIR/report.html.
  std::string output;
  /// Do not print "wrote FILE" on stderr on success.
  bool quiet = false;
};

/// Prints "wrote FILE" on stderr unless `quiet`, as `kubesim compare` does. Returns 0 (written), 1 (the page could not
/// be written) or 2 (bad input: summary.json or timeseries.csv missing or malformed, or any optional file malformed;
/// nothing is written).
int run_report(const ReportArgs& args);

}  // namespace kubesim::app
