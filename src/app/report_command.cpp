#include "report_command.hpp"

#include "exit_codes.hpp"
#include "output_files.hpp"

#include "kubesim/metrics/report_html.hpp"
#include "kubesim/scenario/csv_reader.hpp"
#include "kubesim/scenario/summary_reader.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kubesim::app {
namespace {

namespace fs = std::filesystem;

// Reads the columns of one CSV file into the report's vectors, collecting every problem: a reader
// fixing a hand-edited file sees them all at once, as with scenarios.
class ColumnReader {
 public:
  ColumnReader(const scenario::CsvTable& table, base::Diagnostics& diags) : table_(table), diags_(diags) {}

  // Empty cells (milestones never reached) stay nullopt.
  std::vector<std::optional<double>> optional_column(std::string_view name) {
    auto col = scenario::numeric_column(table_, name);
    if (!col) {
      diags_.append(col.error());
      return std::vector<std::optional<double>>(table_.rows.size());
    }
    return std::move(col.value());
  }

  // A column every row must fill; an empty cell is an error like a bad number.
  // A column that could not be read (missing, a bad number) is reported once, not as empty cells.
  std::vector<double> column(std::string_view name) {
    auto col = scenario::numeric_column(table_, name);
    if (!col) {
      diags_.append(col.error());
      return std::vector<double>(table_.rows.size());
    }
    std::vector<double> out;
    std::size_t index = table_.column(name).value_or(0);
    for (std::size_t i = 0; i < col->size(); ++i) {
      if (!(*col)[i]) {
        diags_.error(base::SourceLocation{table_.file, table_.row_lines[i], static_cast<std::uint32_t>(index + 1)},
                     fmt::format("empty value in column '{}'", name));
      }
      out.push_back((*col)[i].value_or(0));
    }
    return out;
  }

  // Files written before a column existed lack it: an empty vector then, not an error.
  std::vector<double> column_if_present(std::string_view name) {
    return table_.column(name) ? column(name) : std::vector<double>();
  }

 private:
  const scenario::CsvTable& table_;
  base::Diagnostics& diags_;
};

metrics::ReportTimeseries read_timeseries(const scenario::CsvTable& table, base::Diagnostics& diags) {
  ColumnReader r(table, diags);
  metrics::ReportTimeseries ts;
  ts.time_seconds = r.column("time_seconds");
  ts.cpu_allocatable = r.column("cpu_allocatable_millicpu");
  ts.cpu_requested = r.column("cpu_requested_millicpu");
  ts.cpu_used = r.column("cpu_used_millicpu");
  ts.memory_allocatable = r.column("memory_allocatable_bytes");
  ts.memory_requested = r.column("memory_requested_bytes");
  ts.memory_used = r.column("memory_used_bytes");
  ts.pods_pending = r.column_if_present("pods_pending");
  ts.queue_active = r.column_if_present("queue_active");
  ts.queue_backoff = r.column_if_present("queue_backoff");
  ts.queue_unschedulable = r.column_if_present("queue_unschedulable");
  return ts;
}

std::vector<metrics::ReportPod> read_pods(const scenario::CsvTable& table, base::Diagnostics& diags) {
  ColumnReader r(table, diags);
  std::vector<std::optional<double>> created = r.optional_column("created_seconds");
  std::vector<std::optional<double>> bound = r.optional_column("bound_seconds");
  std::vector<std::optional<double>> running = r.optional_column("running_seconds");
  std::vector<metrics::ReportPod> pods(table.rows.size());
  for (std::size_t i = 0; i < pods.size(); ++i) {
    pods[i] = metrics::ReportPod{created[i], bound[i], running[i]};
  }
  return pods;
}

std::vector<metrics::NodeUsageRow> read_node_usage(const scenario::CsvTable& table, base::Diagnostics& diags) {
  ColumnReader r(table, diags);
  std::vector<double> time = r.column("time_seconds");
  std::vector<double> requested = r.column("cpu_requested_millicpu");
  std::vector<double> allocatable = r.column("cpu_allocatable_millicpu");
  std::optional<std::size_t> node = table.column("node");
  if (!node) {
    diags.error(base::SourceLocation{table.file, 1, 0}, "missing column 'node'");
    return {};
  }
  std::vector<metrics::NodeUsageRow> rows(table.rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i] = metrics::NodeUsageRow{time[i], table.rows[i][*node], requested[i], allocatable[i]};
  }
  return rows;
}

metrics::ReportRecord report_record(const scenario::SummaryRecord& r) {
  metrics::ReportRecord out;
  out.fields = r.fields;
  for (const auto& [key, list] : r.lists) {
    std::vector<metrics::ReportRecord> rows;
    for (const scenario::SummaryRecord& e : list) {
      rows.push_back(report_record(e));
    }
    out.lists.emplace_back(key, std::move(rows));
  }
  return out;
}

metrics::ReportExpectation report_expectation(const scenario::SummaryExpectation& e) {
  metrics::ReportExpectation x;
  metrics::ExpectationResult& r = x.result;
  r.check = e.check;
  r.name = e.name;
  r.location = e.location;
  r.passed = e.passed;
  r.measured = e.measured;
  r.note = e.note;
  if (e.measured_at_seconds && *e.measured_at_seconds >= 0) {
    x.has_measured_at = true;
    r.measured_at = base::SimTime::from_nanos(std::llround(*e.measured_at_seconds * 1e9));
    // summary.json does not say it, but only a passed `by` check reports since when it held.
    r.held_since = e.passed && e.check.find(" by ") != std::string::npos;
  }
  return x;
}

// A CSV file that may be absent (nullopt, not an error); when present it must parse.
std::optional<scenario::CsvTable> load_optional_csv(const fs::path& path, base::Diagnostics& diags) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return std::nullopt;
  }
  auto table = scenario::load_csv(path.string());
  if (!table) {
    diags.append(table.error());
    return std::nullopt;
  }
  return std::move(table.value());
}

}  // namespace

int run_report(const ReportArgs& args) {
  const fs::path dir(args.dir);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    fmt::print(stderr, "error: '{}' is not a directory (give the folder `kubesim run --out DIR` wrote)\n", args.dir);
    return kExitBadInput;
  }
  base::Diagnostics diags;
  metrics::ReportData data;

  auto summary = scenario::load_summary((dir / "summary.json").string());
  if (!summary) {
    diags.append(summary.error());
  } else {
    data.scenario = summary->scenario;
    data.summary_values = summary->values;
    data.fingerprint = summary->fingerprint;
    for (const scenario::SummaryExpectation& e : summary->expectations) {
      data.expectations.push_back(report_expectation(e));
    }
    for (const auto& [key, rows] : summary->tables) {
      std::vector<metrics::ReportRecord> records;
      for (const scenario::SummaryRecord& r : rows) {
        records.push_back(report_record(r));
      }
      data.tables.emplace_back(key, std::move(records));
    }
  }
  auto timeseries = scenario::load_csv((dir / "timeseries.csv").string());
  if (!timeseries) {
    diags.append(timeseries.error());
  } else {
    data.timeseries = read_timeseries(*timeseries, diags);
  }
  if (auto pods = load_optional_csv(dir / "pods.csv", diags)) {
    data.pods = read_pods(*pods, diags);
  }
  if (auto usage = load_optional_csv(dir / "node_usage.csv", diags)) {
    data.node_usage = read_node_usage(*usage, diags);
  }
  if (diags.has_errors()) {
    std::fputs(diags.str().c_str(), stderr);
    fmt::print(stderr, "hint: `kubesim report` reads the folder `kubesim run SCENARIO --out {}` writes\n", args.dir);
    return kExitBadInput;
  }

  const fs::path output = args.output.empty() ? dir / "report.html" : fs::path(args.output);
  if (!write_file_atomically(output, metrics::render_report_html(data))) {
    fmt::print(stderr, "error: cannot write '{}': {}\n", output.string(), std::strerror(errno));
    return kExitFailure;
  }
  if (!args.quiet) {
    fmt::print(stderr, "wrote {}\n", output.string());
  }
  return kExitOk;
}

}  // namespace kubesim::app
