#pragma once

/// Diagnostics: how kubesim reports bad user input (scenario YAML, manifests, command-line values).
///
/// Loaders never stop at the first problem: they collect every Diagnostic they find and return them
/// together (Expected<T, Diagnostics>), so a user fixes a file in one pass. Each diagnostic carries the
/// 1-based source location it refers to and prints as the compilers' familiar
///
///     scenarios/x.yaml:12:7: error: unknown field 'replcas' in Deployment 'web' (did you mean 'replicas'?)
///
/// The hint, when present, is printed on the same line in parentheses.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::base {

/// A place in a user file. Line and column are 1-based; 0 means "unknown" (for example a problem with
/// the file as a whole). `file` is the path as the user gave it.
struct SourceLocation {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  /// "file:line:col", "file:line" or "file", depending on what is known.
  [[nodiscard]] std::string str() const;
};

enum class Severity : std::uint8_t { Error, Warning, Note };

struct Diagnostic {
  SourceLocation loc;
  Severity severity = Severity::Error;
  std::string message;
  /// Optional advice, e.g. "did you mean 'replicas'?"; printed in parentheses after the message.
  std::string hint;

  /// The one-line rendering described above.
  [[nodiscard]] std::string str() const;
};

/// An ordered list of diagnostics, in the order they were found (file order for loaders).
class Diagnostics {
 public:
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  void error(SourceLocation loc, std::string message, std::string hint = {}) {
    items_.push_back(Diagnostic{std::move(loc), Severity::Error, std::move(message), std::move(hint)});
  }
  void append(const Diagnostics& other) { items_.insert(items_.end(), other.items_.begin(), other.items_.end()); }

  [[nodiscard]] bool has_errors() const;
  [[nodiscard]] bool empty() const { return items_.empty(); }
  [[nodiscard]] std::size_t size() const { return items_.size(); }
  [[nodiscard]] const std::vector<Diagnostic>& items() const { return items_; }
  [[nodiscard]] auto begin() const { return items_.begin(); }
  [[nodiscard]] auto end() const { return items_.end(); }

  /// Every diagnostic on its own line, followed by "N error(s)" when there are errors.
  [[nodiscard]] std::string str() const;

 private:
  std::vector<Diagnostic> items_;
};

/// Levenshtein edit distance, used for "did you mean" hints. O(|a|·|b|).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a plausible typo (distance at most
/// max(1, |word|/3)); empty otherwise. Ties go to the earliest candidate.
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace kubesim::base
