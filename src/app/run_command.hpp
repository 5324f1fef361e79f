#pragma once

/// `kubesim run [SCENARIO] [--seed N] [--duration D] [--out DIR] ...`: runs one scenario, prints the
/// summary and writes the output files; exit 1 when an expectation fails.

#include <cstdint>
#include <optional>
#include <string>

namespace kubesim::app {

struct RunArgs {
  std::string scenario;
  std::optional<std::uint64_t> seed;
  std::string duration;
  std::string out_dir;
  std::string history;
  bool quiet = false;
  bool node_usage = false;
  /// --trace: print the classroom view on stdout before the summary; --trace-filter (implies --trace).
  bool trace = false;
  std::optional<std::string> trace_filter;
};

/// Returns 0 (success), 1 (a failed expectation or an internal failure) or 2 (bad input).
int run_run(const RunArgs& args);

}  // namespace kubesim::app
