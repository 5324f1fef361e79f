#include "kubesim/base/diagnostic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace kubesim::base {

std::string SourceLocation::str() const {
  if (line == 0) {
    return file;
  }
  if (column == 0) {
    return fmt::format("{}:{}", file, line);
  }
  return fmt::format("{}:{}:{}", file, line, column);
}

std::string Diagnostic::str() const {
  std::string_view sev = severity == Severity::Error ? "error" : severity == Severity::Warning ? "warning" : "note";
  std::string out =
      loc.file.empty() ? fmt::format("{}: {}", sev, message) : fmt::format("{}: {}: {}", loc.str(), sev, message);
  if (!hint.empty()) {
    out += fmt::format(" ({})", hint);
  }
  return out;
}

bool Diagnostics::has_errors() const {
  return std::any_of(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

std::string Diagnostics::str() const {
  std::string out;
  std::size_t errors = 0;
  for (const Diagnostic& d : items_) {
    out += d.str();
    out += '\n';
    errors += d.severity == Severity::Error ? 1 : 0;
  }
  if (errors > 0) {
    out += fmt::format("{} error{}\n", errors, errors == 1 ? "" : "s");
  }
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1);
  std::vector<std::size_t> cur(b.size() + 1);
  std::iota(prev.begin(), prev.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::size_t best = limit + 1;
  std::string_view best_word;
  for (std::string_view c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best) {
      best = d;
      best_word = c;
    }
  }
  return std::string(best_word);
}

}  // namespace kubesim::base
