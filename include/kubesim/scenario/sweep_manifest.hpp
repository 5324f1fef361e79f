#pragma once

/// sweep.json: what one `kubesim compare` run (one shard of a sweep, or all of it) ran, written into
/// its output folder next to runs/<profile>/seed-<seed>/summary.json, so that `kubesim merge` can put
/// shards back together and check that they belong to the same sweep and cover it exactly once.

#include "kubesim/base/diagnostic.hpp"
#include "kubesim/base/expected.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace kubesim::scenario {

struct SweepManifest {
  /// The scenario's name and the file it was read from (as given on the command line).
  std::string scenario;
  std::string scenario_file;
  /// What the runs depend on besides the grid, so that merge can refuse shards of another sweep: a
  /// hash of the scenario file's text, the --scheduler-config file's text and the horizon (hex), and
  /// the horizon itself in seconds.
  std::string inputs;
  std::string horizon_seconds;
  /// The whole grid, not just this shard's part of it.
  std::vector<std::string> profiles;
  std::vector<std::uint64_t> seeds;
  std::size_t shard_index = 0;
  std::size_t shard_count = 1;
  /// The cells this folder holds, in grid order: (profile, seed), each with its summary.json path
  /// relative to the folder.
  struct Cell {
    std::string profile;
    std::uint64_t seed = 0;
    std::string summary;
  };
  std::vector<Cell> cells;
};

/// The folder of one cell's outputs, relative to the sweep folder: "runs/<profile>/seed-<seed>".
/// Characters other than [A-Za-z0-9._-] in the profile name become '_'.
std::string cell_folder(const std::string& profile, std::uint64_t seed);

/// sweep.json text (keys in a fixed order).
std::string format_sweep_manifest(const SweepManifest& m);
/// Reads `path`; a missing file or one that is not a sweep manifest is a Diagnostic.
base::Expected<SweepManifest, base::Diagnostics> load_sweep_manifest(const std::string& path);

}  // namespace kubesim::scenario
