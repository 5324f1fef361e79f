#pragma once

/// `kubesim merge DIR... [--out DIR]`: combines the folders written by the shards of one
/// `kubesim compare --shard I/N` sweep into the comparison the unsharded sweep prints and writes.

#include <string>
#include <vector>

namespace kubesim::app {

struct MergeArgs {
  std::vector<std::string> dirs;
  std::string out_dir = "kubesim-compare";
  bool quiet = false;
};

/// Returns 0 (done) or 2 (bad input: a folder missing, shards of different sweeps, cells missing or
/// run twice).
int run_merge(const MergeArgs& args);

}  // namespace kubesim::app
