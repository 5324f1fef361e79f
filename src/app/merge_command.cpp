#include "merge_command.hpp"

#include "comparison_output.hpp"
#include "exit_codes.hpp"
#include "output_files.hpp"

#include "kubesim/metrics/comparison.hpp"
#include "kubesim/metrics/sweep_grid.hpp"
#include "kubesim/scenario/summary_reader.hpp"
#include "kubesim/scenario/sweep_manifest.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

namespace kubesim::app {
namespace {

using scenario::SweepManifest;

// Every folder must come from the same sweep: same scenario, grid and shard count.
std::optional<std::string> mismatch(const SweepManifest& first, const std::string& first_dir, const SweepManifest& m,
                                    const std::string& dir) {
  auto differ = [&](std::string_view what, const std::string& a, const std::string& b) {
    return fmt::format("'{}' and '{}' are not shards of the same sweep: {} '{}' vs '{}'", first_dir, dir, what, a, b);
  };
  if (m.scenario != first.scenario) {
    return differ("scenario", first.scenario, m.scenario);
  }
  if (m.profiles != first.profiles) {
    return differ("profiles", fmt::format("{}", fmt::join(first.profiles, ",")),
                  fmt::format("{}", fmt::join(m.profiles, ",")));
  }
  if (m.seeds != first.seeds) {
    return differ("seeds", metrics::format_seed_list(first.seeds), metrics::format_seed_list(m.seeds));
  }
  if (m.shard_count != first.shard_count) {
    return differ("shard count", std::to_string(first.shard_count), std::to_string(m.shard_count));
  }
  if (m.horizon_seconds != first.horizon_seconds) {
    return differ("simulated duration (seconds)", first.horizon_seconds, m.horizon_seconds);
  }
  if (m.inputs != first.inputs) {
    return differ("inputs (a hash of the scenario file, --scheduler-config file and duration)", first.inputs, m.inputs);
  }
  return std::nullopt;
}

}  // namespace

int run_merge(const MergeArgs& args) {
  std::vector<SweepManifest> manifests;
  for (const std::string& dir : args.dirs) {
    auto m = scenario::load_sweep_manifest((std::filesystem::path(dir) / "sweep.json").string());
    if (!m) {
      std::fputs(m.error().str().c_str(), stderr);
      return kExitBadInput;
    }
    if (!manifests.empty()) {
      if (auto why = mismatch(manifests.front(), args.dirs.front(), m.value(), dir)) {
        fmt::print(stderr, "error: {} (hint: merge the folders of one `kubesim compare --shard I/N` sweep)\n", *why);
        return kExitBadInput;
      }
    }
    manifests.push_back(std::move(m.value()));
  }
  const SweepManifest& sweep = manifests.front();

  // Each cell of the grid exactly once.
  std::map<std::pair<std::string, std::uint64_t>, std::string> seen;  // cell → folder that has it
  std::vector<metrics::ComparisonCell> cells;
  for (std::size_t i = 0; i < manifests.size(); ++i) {
    for (const SweepManifest::Cell& cell : manifests[i].cells) {
      auto [it, inserted] = seen.emplace(std::make_pair(cell.profile, cell.seed), args.dirs[i]);
      if (!inserted) {
        fmt::print(stderr,
                   "error: profile '{}', seed {} is in both '{}' and '{}' (hint: give each shard's folder once)\n",
                   cell.profile, cell.seed, it->second, args.dirs[i]);
        return kExitBadInput;
      }
      auto leaves = scenario::load_summary((std::filesystem::path(args.dirs[i]) / cell.summary).string());
      if (!leaves) {
        std::fputs(leaves.error().str().c_str(), stderr);
        return kExitBadInput;
      }
      cells.push_back(metrics::ComparisonCell{cell.profile, cell.seed, std::move(leaves.value().values)});
    }
  }
  std::size_t missing = 0;
  std::string missing_list;
  std::size_t k = 0;
  for (std::size_t s = 0; s < sweep.seeds.size(); ++s) {
    for (std::size_t p = 0; p < sweep.profiles.size(); ++p) {
      if (seen.find({sweep.profiles[p], sweep.seeds[s]}) == seen.end()) {
        if (++missing <= 5) {
          missing_list += fmt::format("\n  profile '{}', seed {} (shard {}/{})", sweep.profiles[p], sweep.seeds[s],
                                      metrics::shard_of(metrics::GridCell{p, s}, sweep.shard_count), sweep.shard_count);
        }
      }
      ++k;
    }
  }
  if (missing > 0) {
    fmt::print(stderr, "error: {} of the sweep's {} runs are missing:{}{}\n", missing, k, missing_list,
               missing > 5 ? "\n  ..." : "");
    fmt::print(stderr, "hint: run the missing shards (kubesim compare ... --shard I/{}) and merge all their folders\n",
               sweep.shard_count);
    return kExitBadInput;
  }

  std::filesystem::path out_dir(args.out_dir);
  if (!create_output_dir(args.out_dir)) {
    return kExitBadInput;
  }
  metrics::Comparison comparison = metrics::compare_cells(sweep.scenario, sweep.profiles, sweep.seeds, cells);
  return write_comparison(comparison, out_dir, args.quiet);
}

}  // namespace kubesim::app
