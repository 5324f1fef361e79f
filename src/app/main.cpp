// kubesim: the command-line entry point and the only composition root above `cluster`.
//
// Exit codes: 0 success, 1 internal failure, 2 bad input (scenario or command line).

#include "diff_command.hpp"
#include "schedule_command.hpp"

#include "kubesim/base/time.hpp"
#include "kubesim/cluster/cluster.hpp"
#include "kubesim/cluster/event_log.hpp"
#include "kubesim/cluster/history_log.hpp"
#include "kubesim/metrics/run_summary.hpp"
#include "kubesim/metrics/usage_series.hpp"
#include "kubesim/scenario/loader.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;

using kubesim::scenario::ScenarioSpec;

struct RunArgs {
  std::string scenario;
  std::optional<std::uint64_t> seed;
  std::string duration;
  std::string out_dir;
  std::string history;
  bool quiet = false;
  bool node_usage = false;
};

// Loads the scenario named on the command line, or the built-in quickstart. Prints diagnostics.
std::optional<ScenarioSpec> load(const std::string& path) {
  auto spec = path.empty() ? kubesim::scenario::parse_scenario(kubesim::scenario::builtin_quickstart_yaml(),
                                                               "<builtin:quickstart>")
                           : kubesim::scenario::load_scenario(path);
  if (!spec) {
    std::fputs(spec.error().str().c_str(), stderr);
    return std::nullopt;
  }
  return std::move(spec.value());
}

// Writes `content` to `path` through a temporary file, so a failure never leaves a half-written file.
bool write_file_atomically(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    return false;
  }
  bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    std::remove(tmp.c_str());
    errno = saved;
    return false;
  }
  return true;
}

int cmd_run(const RunArgs& args) {
  kubesim::cluster::RunOptions options;
  options.seed = args.seed;
  options.node_usage = args.node_usage;
  if (args.node_usage && args.out_dir.empty()) {
    fmt::print(stderr, "error: --node-usage writes node_usage.csv into the --out directory (add --out DIR)\n");
    return kExitBadInput;
  }
  if (!args.duration.empty()) {
    auto d = kubesim::base::parse_duration(args.duration);
    if (!d || *d <= kubesim::base::Duration::zero()) {
      fmt::print(stderr, "error: invalid value '{}' for --duration (use a positive duration like 90s, 10m, 1h30m)\n",
                 args.duration);
      return kExitBadInput;
    }
    options.duration = *d;
  }
  std::optional<ScenarioSpec> spec = load(args.scenario);
  if (!spec) {
    return kExitBadInput;
  }
  std::filesystem::path out_dir(args.out_dir);
  if (!args.out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) {
      fmt::print(stderr, "error: cannot create output directory '{}': {}\n", args.out_dir, ec.message());
      return kExitBadInput;
    }
  }
  std::optional<kubesim::cluster::HistoryLog> history;
  if (!args.history.empty()) {
    history.emplace(args.history);
    if (!history->is_open()) {
      fmt::print(stderr, "error: cannot write history file '{}': {}\n", args.history, std::strerror(errno));
      return kExitBadInput;
    }
  }

  auto cluster = kubesim::cluster::Cluster::build(*spec, options);
  if (!cluster) {
    fmt::print(stderr, "{}: error: {}\n", spec->file, cluster.error());
    return kExitBadInput;
  }
  if (history) {
    cluster.value()->attach_history(*history);
  }
  std::optional<kubesim::cluster::EventLog> events;
  if (!args.out_dir.empty()) {
    events.emplace((out_dir / "events.jsonl").string());
    if (!events->is_open()) {
      fmt::print(stderr, "error: cannot write to '{}': {}\n", args.out_dir, std::strerror(errno));
      return kExitBadInput;
    }
    cluster.value()->attach_event_log(*events);
  }
  auto wall_start = std::chrono::steady_clock::now();
  cluster.value()->run();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  kubesim::metrics::RunSummary summary = cluster.value()->summary();
  for (const std::string& w : cluster.value()->warnings()) {
    fmt::print(stderr, "warning: {}\n", w);
  }
  if (history && !history->commit()) {
    fmt::print(stderr, "error: cannot write history file '{}': {}\n", args.history, std::strerror(errno));
    return kExitFailure;
  }
  if (!args.out_dir.empty()) {
    const kubesim::cluster::Cluster& c = *cluster.value();
    std::vector<std::pair<std::string, std::string>> files;
    files.emplace_back("summary.json", kubesim::metrics::format_summary_json(summary));
    files.emplace_back("pods.csv", kubesim::metrics::format_pods_csv(c.pods().records()));
    files.emplace_back("timeseries.csv", kubesim::metrics::format_timeseries_csv(c.usage()));
    if (args.node_usage) {
      files.emplace_back("node_usage.csv", kubesim::metrics::format_node_usage_csv(c.node_usage(), c.node_names()));
    }
    if (!summary.expectations.empty()) {
      files.emplace_back("junit.xml", kubesim::metrics::format_junit_xml(summary.scenario, summary.expectations));
    }
    for (const auto& [name, content] : files) {
      if (!write_file_atomically(out_dir / name, content) || (name == "summary.json" && !events->commit())) {
        fmt::print(stderr, "error: cannot write to '{}': {}\n", args.out_dir, std::strerror(errno));
        return kExitFailure;
      }
    }
  }
  if (!args.quiet) {
    std::fputs(kubesim::metrics::format_summary_text(summary).c_str(), stdout);
    // Wall-clock figures depend on the machine: stderr only, never in the deterministic outputs.
    fmt::print(stderr, "wall time {:.3f}s, {:.0f} events/s\n", wall,
               wall > 0 ? static_cast<double>(summary.events) / wall : 0.0);
  }
  // A failed expectation is what CI pipelines look for: say which on stderr (even with --quiet) and
  // exit 1.
  if (summary.expectations_failed()) {
    std::fputs(kubesim::metrics::format_expectation_failures(summary.expectations).c_str(), stderr);
    return kExitFailure;
  }
  return kExitOk;
}

int cmd_validate(const std::string& path) {
  std::optional<ScenarioSpec> spec = load(path);
  if (!spec) {
    return kExitBadInput;
  }
  std::size_t nodes = 0;
  for (const auto& pool : spec->cluster.node_pools) {
    nodes += static_cast<std::size_t>(pool.count);
  }
  fmt::print("{}: ok (scenario '{}': {} node pool(s), {} node(s), {} object(s), {} timeline entr{})\n", path,
             spec->name, spec->cluster.node_pools.size(), nodes, spec->objects.size(), spec->timeline.size(),
             spec->timeline.size() == 1 ? "y" : "ies");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kubesim: a discrete-event simulator of a whole Kubernetes cluster"};
  app.set_version_flag("--version", std::string("kubesim ") + KUBESIM_VERSION);
  app.require_subcommand(1);

  RunArgs run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run a scenario (the built-in quickstart when none is given)");
  run_cmd->add_option("scenario", run.scenario, "Scenario YAML file");
  run_cmd->add_option("--seed", run.seed, "Random seed (overrides spec.seed)");
  run_cmd->add_option("--duration", run.duration, "Simulated-time limit, e.g. 10m (overrides spec.duration)");
  run_cmd->add_option("--out", run.out_dir,
                      "Write summary.json, pods.csv, timeseries.csv and events.jsonl into this directory");
  run_cmd->add_flag("--node-usage", run.node_usage, "Also write node_usage.csv (every node every 10 s) into --out");
  run_cmd->add_option("--history", run.history, "Write every store change as JSON lines to this file");
  run_cmd->add_flag("--quiet,-q", run.quiet, "Print nothing on success (files are still written)");

  std::string validate_path;
  CLI::App* validate_cmd = app.add_subcommand("validate", "Check a scenario file and report every error");
  validate_cmd->add_option("scenario", validate_path, "Scenario YAML file")->required();

  kubesim::app::ScheduleArgs schedule;
  CLI::App* schedule_cmd =
      app.add_subcommand("schedule", "Schedule one pod against a snapshot of manifests and explain every node");
  schedule_cmd
      ->add_option("-f,--file", schedule.file, "Snapshot YAML (manifests + optional KubeSchedulerConfiguration)")
      ->required();
  schedule_cmd->add_option("--pod", schedule.pod, "NAMESPACE/NAME of the pod to place (default: the only pending pod)");
  schedule_cmd->add_option("-o,--output", schedule.output, "Output format: text or json");

  kubesim::app::DiffArgs diff;
  CLI::App* diff_cmd = app.add_subcommand(
      "diff", "Compare two summary.json files; exit 1 when a metric got worse by more than the tolerance");
  diff_cmd->add_option("baseline", diff.baseline, "Baseline summary.json")->required();
  diff_cmd->add_option("current", diff.current, "Current summary.json")->required();
  diff_cmd->add_option("--tolerance", diff.tolerance, "Allowed worsening, e.g. 5% (default 0)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitBadInput;
  }

  try {
    if (run_cmd->parsed()) {
      return cmd_run(run);
    }
    if (validate_cmd->parsed()) {
      return cmd_validate(validate_path);
    }
    if (schedule_cmd->parsed()) {
      return kubesim::app::run_schedule(schedule);
    }
    if (diff_cmd->parsed()) {
      return kubesim::app::run_diff(diff);
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "kubesim: internal error: {}\n", e.what());
    return kExitFailure;
  }
  return kExitFailure;
}
