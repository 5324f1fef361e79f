#include "compare_command.hpp"

#include "comparison_output.hpp"
#include "exit_codes.hpp"
#include "output_files.hpp"

#include "kubesim/base/hash.hpp"
#include "kubesim/base/time.hpp"
#include "kubesim/cluster/cluster.hpp"
#include "kubesim/metrics/comparison.hpp"
#include "kubesim/metrics/run_summary.hpp"
#include "kubesim/metrics/sweep_grid.hpp"
#include "kubesim/scenario/scheduler_config_reader.hpp"
#include "kubesim/scenario/summary_reader.hpp"
#include "kubesim/scenario/sweep_manifest.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <set>
#include <thread>
#include <unistd.h>

namespace kubesim::app {
namespace {

using scenario::ScenarioSpec;
using scheduler::ProfileConfig;

constexpr std::string_view kDefaultProfile = "default-scheduler";

// One cell's outcome: its summary.json text, or what went wrong.
struct CellRun {
  std::string summary_json;
  std::string error;
};

// The profile named `name`: from the configuration file first, then the scenario; upstream's default
// profile for "default-scheduler" when neither defines it.
std::optional<ProfileConfig> find_profile(const std::string& name, const std::vector<ProfileConfig>& from_file,
                                          const std::vector<ProfileConfig>& from_scenario) {
  for (const auto* list : {&from_file, &from_scenario}) {
    for (const ProfileConfig& p : *list) {
      if (p.scheduler_name == name) {
        return p;
      }
    }
  }
  if (name == kDefaultProfile) {
    return ProfileConfig{};
  }
  return std::nullopt;
}

std::string profile_names(const std::vector<ProfileConfig>& profiles) {
  std::vector<std::string> names;
  for (const ProfileConfig& p : profiles) {
    names.push_back(p.scheduler_name);
  }
  return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
}

// The scenario with `profile` scheduling every pod: a copy of it under every scheduler name the
// scenario knows (and the default one), so that pods keep their schedulerName and still all meet the
// profile under comparison.
ScenarioSpec spec_for(const ScenarioSpec& base, const ProfileConfig& profile) {
  std::set<std::string> names{std::string(kDefaultProfile)};
  for (const ProfileConfig& p : base.control_plane.profiles) {
    names.insert(p.scheduler_name);
  }
  ScenarioSpec spec = base;
  spec.control_plane.profiles.clear();
  for (const std::string& name : names) {
    ProfileConfig copy = profile;
    copy.scheduler_name = name;
    spec.control_plane.profiles.push_back(std::move(copy));
  }
  return spec;
}

CellRun run_cell(const ScenarioSpec& spec, const cluster::RunOptions& options) {
  CellRun out;
  try {
    auto c = cluster::Cluster::build(spec, options);
    if (!c) {
      out.error = c.error();
      return out;
    }
    c.value()->run();
    out.summary_json = metrics::format_summary_json(c.value()->summary());
  } catch (const std::exception& e) {
    out.error = fmt::format("internal error: {}", e.what());
  }
  return out;
}

}  // namespace

int run_compare(const CompareArgs& args) {
  std::string error;
  std::optional<std::vector<std::uint64_t>> seeds = metrics::parse_seed_list(args.seeds, error);
  if (!seeds) {
    fmt::print(stderr, "error: --seeds: {}\n", error);
    return kExitBadInput;
  }
  metrics::Shard shard;
  if (!args.shard.empty()) {
    std::optional<metrics::Shard> s = metrics::parse_shard(args.shard, error);
    if (!s) {
      fmt::print(stderr, "error: --shard: {}\n", error);
      return kExitBadInput;
    }
    shard = *s;
  }
  if (args.jobs && *args.jobs == 0) {
    fmt::print(stderr, "error: --jobs must be at least 1\n");
    return kExitBadInput;
  }
  cluster::RunOptions base_options;
  if (!args.duration.empty()) {
    auto d = base::parse_duration(args.duration);
    if (!d || *d <= base::Duration::zero()) {
      fmt::print(stderr, "error: invalid value '{}' for --duration (use a positive duration like 90s, 10m, 1h30m)\n",
                 args.duration);
      return kExitBadInput;
    }
    base_options.duration = *d;
  }
  std::optional<ScenarioSpec> spec = load_scenario_or_report(args.scenario);
  if (!spec) {
    return kExitBadInput;
  }
  std::vector<ProfileConfig> file_profiles;
  std::uint64_t file_config_hash = 0;
  if (!args.scheduler_config.empty()) {
    auto config = scenario::load_scheduler_configuration(args.scheduler_config);
    if (!config) {
      std::fputs(config.error().str().c_str(), stderr);
      return kExitBadInput;
    }
    file_profiles = config.value().profiles;
    file_config_hash = config.value().source_hash;
  }
  std::vector<std::string> names = args.profiles;
  if (names.empty()) {
    fmt::print(stderr,
               "error: name the profiles to compare with --profile (the scenario defines: {}{}; "
               "'default-scheduler' is upstream's default profile)\n",
               profile_names(spec->control_plane.profiles),
               file_profiles.empty()
                   ? ""
                   : fmt::format("; {} defines: {}", args.scheduler_config, profile_names(file_profiles)));
    return kExitBadInput;
  }
  std::vector<ScenarioSpec> specs;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) !=
        names.begin() + static_cast<std::ptrdiff_t>(i)) {
      fmt::print(stderr, "error: --profile '{}' is given twice\n", names[i]);
      return kExitBadInput;
    }
    std::optional<ProfileConfig> p = find_profile(names[i], file_profiles, spec->control_plane.profiles);
    if (!p) {
      fmt::print(stderr,
                 "error: unknown profile '{}' (the scenario defines: {}{}; hint: profiles come from the "
                 "scenario's scheduler configuration or from --scheduler-config FILE)\n",
                 names[i], profile_names(spec->control_plane.profiles),
                 args.scheduler_config.empty()
                     ? ""
                     : fmt::format("; {} defines: {}", args.scheduler_config, profile_names(file_profiles)));
      return kExitBadInput;
    }
    specs.push_back(spec_for(*spec, *p));
    // A configuration a component rejects is bad input: find it before running anything.
    auto check = cluster::Cluster::build(specs.back(), base_options);
    if (!check) {
      fmt::print(stderr, "error: profile '{}': {}\n", names[i], check.error());
      return kExitBadInput;
    }
  }

  std::filesystem::path out_dir(args.out_dir);
  if (!create_output_dir(args.out_dir)) {
    return kExitBadInput;
  }
  std::error_code ec;

  // Run the shard's cells on a pool of threads. Each run is independent (its own Simulation, API server
  // and random streams), so the results do not depend on the number of threads or their timing.
  std::vector<metrics::GridCell> cells = metrics::cells_of_shard(names.size(), seeds->size(), shard);
  std::vector<CellRun> results(cells.size());
  unsigned jobs = args.jobs.value_or(std::max(1U, std::thread::hardware_concurrency()));
  jobs = std::min<unsigned>(jobs, static_cast<unsigned>(std::max<std::size_t>(1, cells.size())));
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::mutex progress_mutex;
  bool show_progress = !args.quiet && isatty(fileno(stderr)) != 0;
  auto worker = [&] {
    for (std::size_t k = next++; k < cells.size(); k = next++) {
      cluster::RunOptions options = base_options;
      options.seed = (*seeds)[cells[k].seed];
      results[k] = run_cell(specs[cells[k].profile], options);
      std::size_t finished = ++done;
      if (show_progress) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        fmt::print(stderr, "\r{} of {} runs done", finished, cells.size());
        std::fflush(stderr);
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < jobs; ++i) {
    threads.emplace_back(worker);
  }
  for (std::thread& t : threads) {
    t.join();
  }
  if (show_progress) {
    fmt::print(stderr, "\n");
  }

  scenario::SweepManifest manifest;
  manifest.scenario = spec->name;
  manifest.scenario_file = args.scenario.empty() ? "<builtin:quickstart>" : args.scenario;
  base::Duration horizon = base_options.duration.value_or(spec->duration);
  manifest.horizon_seconds = metrics::format_seconds(horizon);
  manifest.inputs = fmt::format(
      "{:016x}", base::hash_combine(base::hash_combine(base::hash_combine(spec->source_hash,
                                                                          spec->control_plane.scheduler_config_hash),
                                                       file_config_hash),
                                    static_cast<std::uint64_t>(horizon.nanos())));
  manifest.profiles = names;
  manifest.seeds = *seeds;
  manifest.shard_index = shard.index;
  manifest.shard_count = shard.count;
  std::vector<metrics::ComparisonCell> comparison_cells;
  int status = kExitOk;
  for (std::size_t k = 0; k < cells.size(); ++k) {
    const std::string& profile = names[cells[k].profile];
    std::uint64_t seed = (*seeds)[cells[k].seed];
    if (!results[k].error.empty()) {
      fmt::print(stderr, "error: profile '{}', seed {}: {}\n", profile, seed, results[k].error);
      status = kExitFailure;
      continue;
    }
    std::string folder = scenario::cell_folder(profile, seed);
    std::filesystem::create_directories(out_dir / folder, ec);
    std::string summary_path = folder + "/summary.json";
    if (ec || !write_file_atomically(out_dir / summary_path, results[k].summary_json)) {
      fmt::print(stderr, "error: cannot write '{}': {}\n", (out_dir / summary_path).string(),
                 ec ? ec.message() : std::strerror(errno));
      return kExitFailure;
    }
    manifest.cells.push_back(scenario::SweepManifest::Cell{profile, seed, summary_path});
    // The comparison reads the summary back as merge does, so that both compute from the same numbers.
    auto leaves = scenario::parse_summary(results[k].summary_json, summary_path);
    if (!leaves) {
      fmt::print(stderr, "kubesim: internal error: cannot read back {}\n", summary_path);
      return kExitFailure;
    }
    comparison_cells.push_back(metrics::ComparisonCell{profile, seed, std::move(leaves.value().values)});
  }
  if (status != kExitOk) {
    return status;
  }
  if (!write_file_atomically(out_dir / "sweep.json", scenario::format_sweep_manifest(manifest))) {
    fmt::print(stderr, "error: cannot write '{}': {}\n", (out_dir / "sweep.json").string(), std::strerror(errno));
    return kExitFailure;
  }
  if (shard.count > 1) {
    if (!args.quiet) {
      fmt::print("shard {}/{}: ran {} of the {} runs ({} profile(s) x {} seed(s)) into {}\n"
                 "combine the shards' folders with: kubesim merge DIR...\n",
                 shard.index, shard.count, cells.size(), names.size() * seeds->size(), names.size(), seeds->size(),
                 args.out_dir);
    }
    return kExitOk;
  }
  metrics::Comparison comparison = metrics::compare_cells(spec->name, names, *seeds, comparison_cells);
  return write_comparison(comparison, out_dir, args.quiet);
}

}  // namespace kubesim::app
