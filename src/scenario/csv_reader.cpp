#include "kubesim/scenario/csv_reader.hpp"

#include "yaml_reader_internal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace kubesim::scenario {
namespace {

using base::SourceLocation;

// One record (a header or a row) split into fields. A record ends at a line break outside quotes;
// `pos` moves past it and `line` counts the line breaks consumed, quoted ones included.
struct Record {
  std::vector<std::string> fields;
  std::uint32_t line = 0;
};

bool read_record(std::string_view text, std::size_t& pos, std::uint32_t& line, Record& out, const std::string& file,
                 base::Diagnostics& diags) {
  out.fields.assign(1, std::string());
  out.line = line;
  bool quoted = false;
  bool was_quoted = false;  // the current field opened with a quote
  std::size_t field_start = pos;
  std::uint32_t quote_line = line;
  while (pos < text.size()) {
    char c = text[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < text.size() && text[pos] == '"') {
          out.fields.back() += '"';
          ++pos;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') {
          ++line;
        }
        out.fields.back() += c;
      }
      continue;
    }
    if (c == '"' && pos - 1 == field_start && !was_quoted) {
      quoted = true;
      was_quoted = true;
      quote_line = line;
    } else if (c == ',') {
      out.fields.emplace_back();
      field_start = pos;
      was_quoted = false;
    } else if (c == '\n') {
      ++line;
      return true;
    } else if (c == '\r' && pos < text.size() && text[pos] == '\n') {
      // CRLF line ends (RFC 4180's own) read like LF ones.
    } else if (was_quoted) {
      diags.error(SourceLocation{file, out.line, static_cast<std::uint32_t>(out.fields.size())},
                  "text after a closing quote in a CSV field", "double a quote inside a quoted field: \"\"");
      return false;
    } else {
      out.fields.back() += c;
    }
  }
  if (quoted) {
    diags.error(SourceLocation{file, quote_line, static_cast<std::uint32_t>(out.fields.size())},
                "unterminated quoted CSV field");
    return false;
  }
  return true;
}

std::optional<double> parse_number(const std::string& cell) {
  if (cell.find_first_not_of("0123456789.-+eE") != std::string::npos) {
    return std::nullopt;  // strtod would also accept "inf", "nan" and hex
  }
  char* end = nullptr;
  double v = std::strtod(cell.c_str(), &end);
  if (end != cell.c_str() + cell.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

}  // namespace

std::optional<std::size_t> CsvTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) {
      return i;
    }
  }
  return std::nullopt;
}

base::Expected<CsvTable, base::Diagnostics> parse_csv(std::string_view text, const std::string& file) {
  base::Diagnostics diags;
  CsvTable table;
  table.file = file;
  std::size_t pos = 0;
  std::uint32_t line = 1;
  Record rec;
  if (text.empty() || !read_record(text, pos, line, rec, file, diags)) {
    if (text.empty()) {
      diags.error(SourceLocation{file, 1, 1}, "empty CSV file (no header line)",
                  "use the files that `kubesim run --out DIR` writes");
    }
    return base::unexpected(std::move(diags));
  }
  table.header = std::move(rec.fields);
  while (pos < text.size()) {
    if (!read_record(text, pos, line, rec, file, diags)) {
      break;
    }
    if (rec.fields.size() != table.header.size()) {
      // The column is the first field the two disagree on: the first extra field, or the first column
      // the row has no field for (counted in fields, like every column of this reader).
      const std::size_t n = rec.fields.size();
      const std::size_t want = table.header.size();
      std::string hint =
          n > want ? fmt::format("field {} has no column; quote a field that holds a comma (\"a,b\")", want + 1)
                   : fmt::format("no field for column '{}'; an empty cell is still a field (a,,c)", table.header[n]);
      diags.error(SourceLocation{file, rec.line, static_cast<std::uint32_t>(std::min(n, want) + 1)},
                  fmt::format("row has {} field{}, the header has {}", n, n == 1 ? "" : "s", want), std::move(hint));
      continue;
    }
    table.rows.push_back(std::move(rec.fields));
    table.row_lines.push_back(rec.line);
  }
  if (diags.has_errors()) {
    return base::unexpected(std::move(diags));
  }
  return table;
}

base::Expected<CsvTable, base::Diagnostics> load_csv(const std::string& path) {
  std::string text;
  std::string error;
  if (!internal::read_text_file(path, text, error)) {
    base::Diagnostics diags;
    diags.error(SourceLocation{path, 0, 0}, fmt::format("cannot read CSV file '{}': {}", path, error));
    return base::unexpected(std::move(diags));
  }
  return parse_csv(text, path);
}

base::Expected<std::vector<std::optional<double>>, base::Diagnostics> numeric_column(const CsvTable& table,
                                                                                     std::string_view name) {
  base::Diagnostics diags;
  std::optional<std::size_t> col = table.column(name);
  if (!col) {
    diags.error(SourceLocation{table.file, 1, 0}, fmt::format("missing column '{}'", name),
                "was this file written by a different kubesim version?");
    return base::unexpected(std::move(diags));
  }
  std::vector<std::optional<double>> out;
  out.reserve(table.rows.size());
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const std::string& cell = table.rows[i][*col];
    if (cell.empty()) {
      out.emplace_back();
      continue;
    }
    std::optional<double> v = parse_number(cell);
    if (!v) {
      diags.error(SourceLocation{table.file, table.row_lines[i], static_cast<std::uint32_t>(*col + 1)},
                  fmt::format("'{}' in column '{}' is not a number", cell, name));
      continue;
    }
    out.push_back(v);
  }
  if (diags.has_errors()) {
    return base::unexpected(std::move(diags));
  }
  return out;
}

}  // namespace kubesim::scenario
