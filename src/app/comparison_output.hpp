#pragma once

/// What `kubesim compare` and `kubesim merge` do with a finished comparison: print the table on stdout
/// and write comparison.csv and comparison.html into the output folder.

#include "kubesim/metrics/comparison.hpp"

#include <filesystem>

namespace kubesim::app {

/// Returns 0, or 1 when a file cannot be written.
int write_comparison(const metrics::Comparison& comparison, const std::filesystem::path& out_dir, bool quiet);

}  // namespace kubesim::app
