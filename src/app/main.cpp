// kubesim: the command-line entry point and the only composition root above `cluster`.
//
// Exit codes: 0 success, 1 internal failure, 2 bad input (scenario or command line).

#include "compare_command.hpp"
#include "diff_command.hpp"
#include "exit_codes.hpp"
#include "merge_command.hpp"
#include "output_files.hpp"
#include "report_command.hpp"
#include "run_command.hpp"
#include "schedule_command.hpp"

#include "kubesim/scenario/scenario_spec.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <optional>
#include <string>

namespace {

using kubesim::app::kExitBadInput;
using kubesim::app::kExitFailure;
using kubesim::app::kExitOk;
using kubesim::scenario::ScenarioSpec;

int cmd_validate(const std::string& path) {
  std::optional<ScenarioSpec> spec = kubesim::app::load_scenario_or_report(path);
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

  kubesim::app::RunArgs run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run a scenario (the built-in quickstart when none is given)");
  run_cmd->add_option("scenario", run.scenario, "Scenario YAML file");
  run_cmd->add_option("--seed", run.seed, "Random seed (overrides spec.seed)");
  run_cmd->add_option("--duration", run.duration, "Simulated-time limit, e.g. 10m (overrides spec.duration)");
  run_cmd->add_option("--out", run.out_dir,
                      "Write summary.json, pods.csv, timeseries.csv and events.jsonl into this directory");
  run_cmd->add_flag("--node-usage", run.node_usage, "Also write node_usage.csv (every node every 10 s) into --out");
  run_cmd->add_option("--history", run.history, "Write every store change as JSON lines to this file");
  run_cmd->add_flag("--quiet,-q", run.quiet, "Print nothing on success (files are still written)");
  run_cmd->add_flag("--trace", run.trace,
                    "Print every step of the flow of control on stdout, with simulated timestamps (docs/trace.md)");
  run_cmd->add_option(
      "--trace-filter", run.trace_filter,
      "Only trace lines matching key=value terms, e.g. pod=web-*,component=scheduler (implies --trace)");

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

  kubesim::app::CompareArgs compare;
  CLI::App* compare_cmd = app.add_subcommand(
      "compare", "Run scheduler profiles on the same workload over many seeds; means with 95% confidence intervals");
  compare_cmd->add_option("scenario", compare.scenario, "Scenario YAML file")->required();
  compare_cmd
      ->add_option("--profile", compare.profiles,
                   "A profile (schedulerName) to compare; repeat it, the first is the baseline")
      ->allow_extra_args(false);  // one name per --profile, so a scenario after it stays positional
  compare_cmd->add_option("--scheduler-config", compare.scheduler_config,
                          "A KubeSchedulerConfiguration file with more profiles");
  compare_cmd->add_option("--seeds", compare.seeds, "Seeds to run, e.g. 1-20 or 1-5,10 (default 1-10)");
  compare_cmd->add_option("--jobs,-j", compare.jobs, "Runs at a time (default: the number of cores)");
  compare_cmd->add_option("--out", compare.out_dir, "Output directory (default kubesim-compare)");
  compare_cmd->add_option("--shard", compare.shard, "Run only shard I of N (I from 0) of the profile x seed grid");
  compare_cmd->add_option("--duration", compare.duration,
                          "Simulated-time limit for every run (overrides spec.duration)");
  compare_cmd->add_flag("--quiet,-q", compare.quiet, "Print nothing on success (files are still written)");

  kubesim::app::MergeArgs merge;
  CLI::App* merge_cmd =
      app.add_subcommand("merge", "Combine the output folders of the shards of one `kubesim compare --shard` sweep");
  merge_cmd->add_option("dirs", merge.dirs, "The shards' --out folders")->required();
  merge_cmd->add_option("--out", merge.out_dir,
                        "Where comparison.csv and comparison.html go (default kubesim-compare)");
  merge_cmd->add_flag("--quiet,-q", merge.quiet, "Print nothing on success (files are still written)");

  kubesim::app::ReportArgs report;
  CLI::App* report_cmd = app.add_subcommand(
      "report", "Turn a `kubesim run --out DIR` folder into one self-contained HTML page (charts, no JavaScript)");
  report_cmd->add_option("dir", report.dir, "The folder `kubesim run --out` wrote")->required();
  report_cmd->add_option("-o,--output", report.output, "Where to write the page (default DIR/report.html)");
  report_cmd->add_flag("--quiet,-q", report.quiet, "Print nothing on success (the page is still written)");

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
      return kubesim::app::run_run(run);
    }
    if (validate_cmd->parsed()) {
      return cmd_validate(validate_path);
    }
    if (schedule_cmd->parsed()) {
      return kubesim::app::run_schedule(schedule);
    }
    if (compare_cmd->parsed()) {
      return kubesim::app::run_compare(compare);
    }
    if (merge_cmd->parsed()) {
      return kubesim::app::run_merge(merge);
    }
    if (diff_cmd->parsed()) {
      return kubesim::app::run_diff(diff);
    }
    if (report_cmd->parsed()) {
      return kubesim::app::run_report(report);
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "kubesim: internal error: {}\n", e.what());
    return kExitFailure;
  }
  return kExitFailure;
}
