#include "run_command.hpp"

#include "exit_codes.hpp"
#include "output_files.hpp"

#include "kubesim/base/time.hpp"
#include "kubesim/cluster/cluster.hpp"
#include "kubesim/cluster/event_log.hpp"
#include "kubesim/cluster/history_log.hpp"
#include "kubesim/cluster/trace_log.hpp"
#include "kubesim/metrics/expectation_result.hpp"
#include "kubesim/metrics/run_summary.hpp"
#include "kubesim/metrics/usage_series.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

namespace kubesim::app {

using scenario::ScenarioSpec;

namespace {

// A one-line progress report on a terminal's stderr for runs longer than a couple of seconds:
// simulated time, events per wall-clock second, pods pending. Redrawn at most four times a second at
// the usage samples, erased at the end; never shown when stderr is not a terminal (CI logs, pipes).
// Only the display depends on the wall clock; the run does not.
class ProgressLine {
 public:
  ProgressLine(std::chrono::steady_clock::time_point start, bool enabled) : start_(start), enabled_(enabled) {}
  [[nodiscard]] bool enabled() const { return enabled_; }

  void update(const metrics::UsageSample& s, std::uint64_t events) {
    auto now = std::chrono::steady_clock::now();
    if (now - start_ < std::chrono::seconds(2) || now - last_ < std::chrono::milliseconds(250)) {
      return;
    }
    double seconds = std::chrono::duration<double>(now - start_).count();
    fmt::print(stderr, "\rsimulated {}, {:.0f} events/s, pending pods {}\033[K",
               base::format_duration(s.at.since_start()), static_cast<double>(events) / seconds, s.pods_pending);
    std::fflush(stderr);
    last_ = now;
    shown_ = true;
  }
  void clear() {
    if (shown_) {
      fmt::print(stderr, "\r\033[K");
      shown_ = false;
    }
  }

 private:
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
  bool enabled_ = false;
  bool shown_ = false;
};

}  // namespace

int run_run(const RunArgs& args) {
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
  kubesim::cluster::TraceFilter trace_filter;
  if (args.trace_filter) {
    auto parsed = kubesim::cluster::TraceFilter::parse(*args.trace_filter);
    if (!parsed) {
      fmt::print(stderr, "error: invalid --trace-filter '{}': {} (hint: {})\n", *args.trace_filter,
                 parsed.error().message, parsed.error().hint);
      return kExitBadInput;
    }
    trace_filter = std::move(parsed.value());
  }
  std::optional<ScenarioSpec> spec = load_scenario_or_report(args.scenario);
  if (!spec) {
    return kExitBadInput;
  }
  std::filesystem::path out_dir(args.out_dir);
  if (!args.out_dir.empty() && !create_output_dir(args.out_dir)) {
    return kExitBadInput;
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
  // The trace goes to stdout through its own 64 KiB buffer, ahead of the summary.
  std::optional<kubesim::cluster::TraceLog> trace;
  if (args.trace || args.trace_filter) {
    trace.emplace(stdout, std::move(trace_filter));
    cluster.value()->attach_trace(*trace);
  }
  auto wall_start = std::chrono::steady_clock::now();
  ProgressLine progress(wall_start, !args.quiet && isatty(fileno(stderr)) != 0);
  if (progress.enabled()) {
    cluster.value()->on_sample(
        [&progress](const metrics::UsageSample& s, std::uint64_t processed) { progress.update(s, processed); });
  }
  cluster.value()->run();
  progress.clear();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  if (trace) {
    trace->flush();
  }
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

}  // namespace kubesim::app
