#pragma once

/// `kubesim compare SCENARIO --profile A --profile B ... [--seeds 1-20] [--jobs N] [--shard I/N]`:
/// runs every profile on every seed with the same workload, in parallel threads, and reports each
/// metric's mean with a 95% confidence interval and its paired difference to the first profile. Writes
/// runs/<profile>/seed-<seed>/summary.json, sweep.json and (for a whole sweep) comparison.csv and
/// comparison.html into --out. See docs/sweeps.md.

#include <optional>
#include <string>
#include <vector>

namespace kubesim::app {

struct CompareArgs {
  std::string scenario;
  /// Profile names (scheduler names), looked up in --scheduler-config first, then in the scenario;
  /// "default-scheduler" is upstream's default profile unless one of them defines it.
  std::vector<std::string> profiles;
  std::string scheduler_config;
  std::string seeds = "1-10";
  std::optional<unsigned> jobs;
  std::string out_dir = "kubesim-compare";
  std::string shard;
  std::string duration;
  bool quiet = false;
};

/// Returns 0 (done), 1 (an internal failure) or 2 (bad input).
int run_compare(const CompareArgs& args);

}  // namespace kubesim::app
