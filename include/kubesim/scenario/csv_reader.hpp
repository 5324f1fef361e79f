#pragma once

/// Reading the CSV files `kubesim run --out` writes (timeseries.csv, pods.csv, node_usage.csv) back,
/// for `kubesim report`. The files follow RFC 4180: a header line, comma separators, fields quoted
/// with `"` when they hold a comma, a quote or a line break, quotes doubled inside quotes. Anything
/// else (an unterminated quote, a row with the wrong number of fields, a cell that should be a number
/// and is not) is a Diagnostic at file:line:col, so a hand-edited file is reported like a bad scenario.
/// Columns count fields, 1-based: a row with too many fields is reported at the first extra one, a row
/// with too few at the first column it has no field for.

#include "kubesim/base/diagnostic.hpp"
#include "kubesim/base/expected.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::scenario {

/// A CSV file as text cells. Every row has as many cells as the header. Owns its strings.
struct CsvTable {
  /// The file name used in diagnostics.
  std::string file;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  /// The 1-based line each row starts on (rows[i] starts on row_lines[i]), for diagnostics.
  std::vector<std::uint32_t> row_lines;

  /// The index of the column named `name`, or nullopt. O(columns).
  [[nodiscard]] std::optional<std::size_t> column(std::string_view name) const;
};

/// Parses CSV text; `file` names it in diagnostics. An empty text (no header) is an error.
base::Expected<CsvTable, base::Diagnostics> parse_csv(std::string_view text, const std::string& file);
/// Reads and parses the file at `path`; a file that cannot be read is a Diagnostic.
base::Expected<CsvTable, base::Diagnostics> load_csv(const std::string& path);

/// The cells of column `name` as numbers, row by row; an empty cell is nullopt (pods.csv leaves the
/// milestones a pod never reached empty). A missing column or a cell that is not a finite decimal
/// number is an error at its line (and column number, 1-based, counted in fields).
base::Expected<std::vector<std::optional<double>>, base::Diagnostics> numeric_column(const CsvTable& table,
                                                                                     std::string_view name);

}  // namespace kubesim::scenario
