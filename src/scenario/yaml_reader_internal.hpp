#pragma once

// The small layer between yaml-cpp and the scenario/manifest readers: a per-file Reader (diagnostics,
// 1-based locations, the field-path index of the manifest being read), a MapReader that reads one
// mapping and reports the keys nobody asked for (with "did you mean"), and typed scalar conversions
// that turn every bad value into a Diagnostic at the value's line:col. Private to src/scenario.

#include "kubesim/base/diagnostic.hpp"
#include "kubesim/base/time.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kubesim::scenario::internal {

using base::Diagnostics;
using base::Duration;
using base::SourceLocation;

/// Field path → where it was written, for one manifest. Filled while the manifest is read so that the
/// API server's FieldErrors ("spec.containers[0].name") can be reported at a line:col.
class PathIndex {
 public:
  void add(std::string path, SourceLocation loc) { entries_.emplace_back(std::move(path), std::move(loc)); }
  /// The location of the longest recorded path equal to `path` or a prefix of it that ends at a
  /// component boundary ('.' or '['); nullptr when none is.
  [[nodiscard]] const SourceLocation* find(std::string_view path) const;

 private:
  std::vector<std::pair<std::string, SourceLocation>> entries_;
};

/// Per-file reading context. Not copyable: MapReaders and Values refer to it.
class Reader {
 public:
  Reader(std::string file, Diagnostics& diags) : file_(std::move(file)), diags_(diags) {}
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  [[nodiscard]] const std::string& file() const { return file_; }
  /// yaml-cpp marks are 0-based; ours are 1-based.
  [[nodiscard]] SourceLocation loc(const YAML::Mark& mark) const;
  [[nodiscard]] SourceLocation loc(const YAML::Node& node) const { return loc(node.Mark()); }
  void error(SourceLocation at, std::string message, std::string hint = {});
  [[nodiscard]] std::size_t error_count() const { return diags_.size(); }

  /// The index of the manifest being read, if any; every field read is recorded there.
  void set_paths(PathIndex* paths) { paths_ = paths; }
  [[nodiscard]] PathIndex* paths() const { return paths_; }
  void record(const std::string& path, const SourceLocation& at) {
    if (paths_ != nullptr) {
      paths_->add(path, at);
    }
  }

 private:
  std::string file_;
  Diagnostics& diags_;
  PathIndex* paths_ = nullptr;
};

/// A non-null value in the document: its node, its field path ("spec.containers[0].image") and where
/// it was written. `key_loc` is where its key (or, for a sequence item, the item) starts.
struct Value {
  YAML::Node node;
  std::string path;
  SourceLocation loc;
  SourceLocation key_loc;
};

/// Makes the Value for the root of a document (path `path`, usually empty).
Value root_value(Reader& r, const YAML::Node& node, std::string path = {});

/// Joins a path and a key: ("spec", "replicas") → "spec.replicas", ("", "spec") → "spec".
std::string join_path(std::string_view path, std::string_view key);
/// How a path is shown in messages: the path itself, or "document" for the root.
std::string display_path(std::string_view path);

/// The scalar under `key` of a mapping node, or "": a peek before the real read, to name things in
/// messages. (Never use operator[] on a const node: for a missing key yaml-cpp 0.7 returns a node
/// that throws on use.)
std::string peek_scalar(const YAML::Node& node, std::string_view key);

/// "a mapping", "a sequence", "a scalar", "null".
std::string_view node_type_name(const YAML::Node& node);

/// Checks the value is a mapping / sequence / scalar; reports "'<path>' must be a mapping, got a
/// sequence" otherwise.
bool expect_mapping(Reader& r, const Value& v);
bool expect_sequence(Reader& r, const Value& v);
bool expect_scalar(Reader& r, const Value& v);

/// The non-null items of a sequence with paths "<path>[i]" (each recorded); reports a non-sequence.
std::vector<Value> sequence_items(Reader& r, const Value& v);

/// Reads one mapping. Every key asked for with get() (present or not) and every ignored key is
/// "known"; finish() reports the other keys as unknown fields, with the closest known key as hint.
class MapReader {
 public:
  /// `owner` names what the mapping belongs to in messages: "Deployment 'web'", "spec.cluster".
  /// A value that is not a mapping is reported here; the reader then yields nothing.
  MapReader(Reader& r, const Value& v, std::string owner);

  [[nodiscard]] bool valid() const { return valid_; }
  [[nodiscard]] const Value& value() const { return value_; }
  [[nodiscard]] const std::string& path() const { return value_.path; }
  [[nodiscard]] const std::string& owner() const { return owner_; }
  [[nodiscard]] Reader& reader() const { return r_; }

  /// The value under `key` when present and not null (null counts as absent, as in Kubernetes); its
  /// path is recorded in the Reader's PathIndex.
  std::optional<Value> get(std::string_view key);
  /// Like get(), but reports "missing required field '<key>' in <owner>" when absent.
  std::optional<Value> require(std::string_view key);
  /// Whether `key` is present with a non-null value; does not make it known.
  [[nodiscard]] bool has(std::string_view key) const;
  /// Accepts these keys and drops their values (fields of the Kubernetes schema kubesim does not model).
  void ignore(std::span<const std::string_view> keys);

  /// Keys present in the mapping that were neither read nor ignored, in file order.
  struct Unused {
    std::string key;
    SourceLocation loc;
  };
  [[nodiscard]] std::vector<Unused> unused() const;
  /// The known keys, in the order they were first asked for (modelled fields, then ignored ones).
  [[nodiscard]] std::vector<std::string_view> known() const;
  /// Reports every unused key as "unknown field '<key>' in <owner>".
  void finish();

  // Typed readers: each leaves `out` untouched when the key is absent or its value is bad (reported).
  bool read(std::string_view key, std::string& out);
  bool read(std::string_view key, bool& out);
  bool read(std::string_view key, std::int32_t& out, std::int64_t min = std::numeric_limits<std::int32_t>::min(),
            std::int64_t max = std::numeric_limits<std::int32_t>::max());
  bool read(std::string_view key, std::int64_t& out, std::int64_t min = std::numeric_limits<std::int64_t>::min(),
            std::int64_t max = std::numeric_limits<std::int64_t>::max());
  bool read(std::string_view key, std::optional<std::int32_t>& out,
            std::int64_t min = std::numeric_limits<std::int32_t>::min(),
            std::int64_t max = std::numeric_limits<std::int32_t>::max());
  bool read(std::string_view key, std::optional<std::int64_t>& out,
            std::int64_t min = std::numeric_limits<std::int64_t>::min(),
            std::int64_t max = std::numeric_limits<std::int64_t>::max());
  bool read(std::string_view key, std::vector<std::string>& out);

 private:
  struct Entry {
    std::string key;
    SourceLocation key_loc;
    YAML::Node value;
    bool used = false;
  };

  Entry* find(std::string_view key);
  void remember(std::string_view key);

  Reader& r_;
  Value value_;
  std::string owner_;
  bool valid_ = false;
  std::vector<Entry> entries_;
  std::vector<std::string> known_;
};

/// A scalar's text; plain numbers and booleans are accepted as strings (labels, images, ...).
std::optional<std::string> read_string(Reader& r, const Value& v);
/// A plain (unquoted) decimal integer in [min, max].
std::optional<std::int64_t> read_int(Reader& r, const Value& v,
                                     std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                                     std::int64_t max = std::numeric_limits<std::int64_t>::max());
/// A plain non-negative decimal integer that fits in uint64.
std::optional<std::uint64_t> read_uint64(Reader& r, const Value& v);
/// A plain true/false.
std::optional<bool> read_bool(Reader& r, const Value& v);
/// A plain finite number (integer or decimal).
std::optional<double> read_number(Reader& r, const Value& v);
/// A Go-style duration string ("250ms", "1h30m"); any sign (callers check ranges).
std::optional<Duration> read_duration(Reader& r, const Value& v);
/// A duration that must be >= 0 (or > 0 when `positive`).
std::optional<Duration> read_nonnegative_duration(Reader& r, const Value& v, bool positive = false);
/// The strings of a sequence of scalars.
std::optional<std::vector<std::string>> read_string_list(Reader& r, const Value& v);

/// One accepted spelling of an enum value.
template <class E> struct EnumName {
  std::string_view name;
  E value;
};

/// Reports "'<path>' must be one of A, B, C; got 'x'" with a did-you-mean hint.
void report_bad_enum(Reader& r, const Value& v, std::string_view text, const std::vector<std::string_view>& allowed);

/// A scalar that must be one of `names`.
template <class E> std::optional<E> read_enum(Reader& r, const Value& v, std::span<const EnumName<E>> names) {
  std::optional<std::string> text = read_string(r, v);
  if (!text) {
    return std::nullopt;
  }
  std::vector<std::string_view> allowed;
  for (const EnumName<E>& n : names) {
    if (n.name == *text) {
      return n.value;
    }
    if (!n.name.empty()) {
      allowed.push_back(n.name);
    }
  }
  report_bad_enum(r, v, *text, allowed);
  return std::nullopt;
}

/// Reads `key` of `m` as an enum into `out` (unchanged when absent or bad).
template <class E, class Out>
bool read_enum_field(MapReader& m, std::string_view key, std::span<const EnumName<E>> names, Out& out) {
  std::optional<Value> v = m.get(key);
  if (!v) {
    return false;
  }
  std::optional<E> e = read_enum<E>(m.reader(), *v, names);
  if (!e) {
    return false;
  }
  out = *e;
  return true;
}

/// True for a valid label value: empty, or at most 63 of [A-Za-z0-9-_.] starting and ending alphanumeric.
bool is_label_value(std::string_view s);

/// True for a DNS-1123 label: at most 63 of [a-z0-9-], starting and ending alphanumeric.
bool is_dns1123_label(std::string_view s);

/// The diagnostics sorted by (line, column), stable. Readers report in the order they read, which
/// follows the code, not the file (a manifest may give `spec` before `metadata`; validation errors come
/// last); users expect file order.
Diagnostics in_file_order(const Diagnostics& diags);

/// Reads the whole file `path` into `text`; false with the reason (strerror) in `error` on failure.
bool read_text_file(const std::string& path, std::string& text, std::string& error);

/// Parses every document of `yaml_text` and hands each to `read`. yaml-cpp reports syntax errors by
/// throwing; they become a Diagnostic at the exception's mark (with `syntax_hint`, when given: yaml-cpp's
/// own words, "end of map flow not found", say little), and nothing else escapes.
template <class Fn>
void for_each_document(std::string_view yaml_text, Reader& r, Diagnostics& diags, Fn&& read,
                       std::string_view syntax_hint = {}) {
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(std::string(yaml_text));
    read(docs);
  } catch (const YAML::ParserException& e) {
    diags.error(r.loc(e.mark), e.msg, std::string(syntax_hint));
  } catch (const YAML::Exception& e) {
    diags.error(r.loc(e.mark), fmt::format("cannot read YAML: {}", e.msg));
  } catch (const std::exception& e) {
    diags.error(SourceLocation{r.file(), 0, 0}, fmt::format("internal error while reading: {}", e.what()));
  }
}

}  // namespace kubesim::scenario::internal
