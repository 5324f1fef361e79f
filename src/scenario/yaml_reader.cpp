#include "yaml_reader_internal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace kubesim::scenario::internal {
namespace {

// yaml-cpp tags a plain scalar "?" and a quoted one "!"; only plain scalars can be numbers or booleans
// (Kubernetes rejects `replicas: "3"` too).
bool is_plain(const YAML::Node& node) { return node.Tag() == "?"; }

std::string quoted_hint(const YAML::Node& node) { return is_plain(node) ? std::string() : "remove the quotes"; }

bool parse_int64(std::string_view text, std::int64_t& out) {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
  }
  if (text.empty()) {
    return false;
  }
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool is_integer_text(std::string_view text) {
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    text.remove_prefix(1);
  }
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

const SourceLocation* PathIndex::find(std::string_view path) const {
  const SourceLocation* best = nullptr;
  std::size_t best_len = 0;
  for (const auto& [p, loc] : entries_) {
    if (p.size() > path.size() || !path.starts_with(p)) {
      continue;
    }
    bool boundary = p.size() == path.size() || p.empty() || path[p.size()] == '.' || path[p.size()] == '[';
    // The first recording of a path wins ties, so that a key's own location beats later aliases.
    if (boundary && (best == nullptr || p.size() > best_len)) {
      best = &loc;
      best_len = p.size();
    }
  }
  return best;
}

SourceLocation Reader::loc(const YAML::Mark& mark) const {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) {
    return SourceLocation{file_, 0, 0};
  }
  return SourceLocation{file_, static_cast<std::uint32_t>(mark.line) + 1, static_cast<std::uint32_t>(mark.column) + 1};
}

void Reader::error(SourceLocation at, std::string message, std::string hint) {
  diags_.error(std::move(at), std::move(message), std::move(hint));
}

Value root_value(Reader& r, const YAML::Node& node, std::string path) {
  SourceLocation at = r.loc(node);
  return Value{node, std::move(path), at, at};
}

std::string join_path(std::string_view path, std::string_view key) {
  if (path.empty()) {
    return std::string(key);
  }
  return fmt::format("{}.{}", path, key);
}

std::string display_path(std::string_view path) { return path.empty() ? std::string("document") : std::string(path); }

std::string peek_scalar(const YAML::Node& node, std::string_view key) {
  if (!node.IsMap()) {
    return {};
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key && it->second.IsScalar()) {
      return it->second.Scalar();
    }
  }
  return {};
}

std::string_view node_type_name(const YAML::Node& node) {
  switch (node.Type()) {
  case YAML::NodeType::Map:
    return "a mapping";
  case YAML::NodeType::Sequence:
    return "a sequence";
  case YAML::NodeType::Scalar:
    return "a scalar";
  case YAML::NodeType::Null:
  case YAML::NodeType::Undefined:
    break;
  }
  return "null";
}

namespace {

bool expect_type(Reader& r, const Value& v, YAML::NodeType::value type, std::string_view name) {
  if (v.node.Type() == type) {
    return true;
  }
  r.error(v.loc, fmt::format("'{}' must be {}, got {}", display_path(v.path), name, node_type_name(v.node)));
  return false;
}

}  // namespace

bool expect_mapping(Reader& r, const Value& v) { return expect_type(r, v, YAML::NodeType::Map, "a mapping"); }
bool expect_sequence(Reader& r, const Value& v) { return expect_type(r, v, YAML::NodeType::Sequence, "a sequence"); }
bool expect_scalar(Reader& r, const Value& v) { return expect_type(r, v, YAML::NodeType::Scalar, "a scalar"); }

std::vector<Value> sequence_items(Reader& r, const Value& v) {
  std::vector<Value> out;
  if (!expect_sequence(r, v)) {
    return out;
  }
  std::size_t i = 0;
  for (YAML::Node item : v.node) {
    std::string path = fmt::format("{}[{}]", v.path, i++);
    if (item.IsNull()) {
      continue;
    }
    SourceLocation at = r.loc(item);
    r.record(path, at);
    out.push_back(Value{item, std::move(path), at, at});
  }
  return out;
}

MapReader::MapReader(Reader& r, const Value& v, std::string owner) : r_(r), value_(v), owner_(std::move(owner)) {
  valid_ = expect_mapping(r, v);
  if (!valid_) {
    return;
  }
  for (auto it = v.node.begin(); it != v.node.end(); ++it) {
    // yaml-cpp's iterator hands out a temporary pair: copy the (cheap, shared) node handles.
    YAML::Node key = it->first;
    YAML::Node value = it->second;
    std::string name = key.IsScalar() ? key.Scalar() : std::string();
    SourceLocation key_loc = r.loc(key);
    bool duplicate = std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == name; });
    if (duplicate) {
      r.error(key_loc, fmt::format("duplicate field '{}' in {}", name, owner_));
      continue;
    }
    entries_.push_back(Entry{std::move(name), key_loc, value, false});
  }
}

MapReader::Entry* MapReader::find(std::string_view key) {
  for (Entry& e : entries_) {
    if (e.key == key) {
      return &e;
    }
  }
  return nullptr;
}

void MapReader::remember(std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) {
    known_.emplace_back(key);
  }
}

std::optional<Value> MapReader::get(std::string_view key) {
  remember(key);
  Entry* e = find(key);
  if (e == nullptr) {
    return std::nullopt;
  }
  e->used = true;
  if (e->value.IsNull()) {
    return std::nullopt;
  }
  std::string path = join_path(value_.path, key);
  r_.record(path, e->key_loc);
  return Value{e->value, std::move(path), r_.loc(e->value), e->key_loc};
}

std::optional<Value> MapReader::require(std::string_view key) {
  std::optional<Value> v = get(key);
  if (!v && valid_) {
    r_.error(value_.loc, fmt::format("missing required field '{}' in {}", key, owner_));
  }
  return v;
}

bool MapReader::has(std::string_view key) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& e) { return e.key == key && !e.value.IsNull(); });
}

void MapReader::ignore(std::span<const std::string_view> keys) {
  for (std::string_view key : keys) {
    remember(key);
    if (Entry* e = find(key)) {
      e->used = true;
    }
  }
}

std::vector<MapReader::Unused> MapReader::unused() const {
  std::vector<Unused> out;
  for (const Entry& e : entries_) {
    if (!e.used) {
      out.push_back(Unused{e.key, e.key_loc});
    }
  }
  return out;
}

std::vector<std::string_view> MapReader::known() const {
  std::vector<std::string_view> out;
  out.reserve(known_.size());
  for (const std::string& k : known_) {
    out.emplace_back(k);
  }
  return out;
}

void MapReader::finish() {
  std::vector<std::string_view> candidates = known();
  for (const Unused& u : unused()) {
    std::string match = base::closest_match(u.key, candidates);
    r_.error(u.loc, fmt::format("unknown field '{}' in {}", u.key, owner_),
             match.empty() ? std::string() : fmt::format("did you mean '{}'?", match));
  }
}

bool MapReader::read(std::string_view key, std::string& out) {
  std::optional<Value> v = get(key);
  if (!v) {
    return false;
  }
  std::optional<std::string> s = read_string(r_, *v);
  if (!s) {
    return false;
  }
  out = std::move(*s);
  return true;
}

bool MapReader::read(std::string_view key, bool& out) {
  std::optional<Value> v = get(key);
  if (!v) {
    return false;
  }
  std::optional<bool> b = read_bool(r_, *v);
  if (!b) {
    return false;
  }
  out = *b;
  return true;
}

bool MapReader::read(std::string_view key, std::int32_t& out, std::int64_t min, std::int64_t max) {
  std::optional<std::int32_t> o;
  if (!read(key, o, min, max)) {
    return false;
  }
  out = *o;
  return true;
}

bool MapReader::read(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max) {
  std::optional<std::int64_t> o;
  if (!read(key, o, min, max)) {
    return false;
  }
  out = *o;
  return true;
}

bool MapReader::read(std::string_view key, std::optional<std::int32_t>& out, std::int64_t min, std::int64_t max) {
  std::optional<Value> v = get(key);
  if (!v) {
    return false;
  }
  min = std::max<std::int64_t>(min, std::numeric_limits<std::int32_t>::min());
  max = std::min<std::int64_t>(max, std::numeric_limits<std::int32_t>::max());
  std::optional<std::int64_t> i = read_int(r_, *v, min, max);
  if (!i) {
    return false;
  }
  out = static_cast<std::int32_t>(*i);
  return true;
}

bool MapReader::read(std::string_view key, std::optional<std::int64_t>& out, std::int64_t min, std::int64_t max) {
  std::optional<Value> v = get(key);
  if (!v) {
    return false;
  }
  std::optional<std::int64_t> i = read_int(r_, *v, min, max);
  if (!i) {
    return false;
  }
  out = *i;
  return true;
}

bool MapReader::read(std::string_view key, std::vector<std::string>& out) {
  std::optional<Value> v = get(key);
  if (!v) {
    return false;
  }
  std::optional<std::vector<std::string>> list = read_string_list(r_, *v);
  if (!list) {
    return false;
  }
  out = std::move(*list);
  return true;
}

std::optional<std::string> read_string(Reader& r, const Value& v) {
  if (!expect_scalar(r, v)) {
    return std::nullopt;
  }
  return v.node.Scalar();
}

std::optional<std::int64_t> read_int(Reader& r, const Value& v, std::int64_t min, std::int64_t max) {
  if (!expect_scalar(r, v)) {
    return std::nullopt;
  }
  const std::string& text = v.node.Scalar();
  std::int64_t value = 0;
  if (!is_plain(v.node) || !is_integer_text(text)) {
    r.error(v.loc, fmt::format("'{}' must be an integer, got '{}'", display_path(v.path), text), quoted_hint(v.node));
    return std::nullopt;
  }
  if (!parse_int64(text, value)) {
    r.error(v.loc, fmt::format("'{}' is out of range, got {}", display_path(v.path), text));
    return std::nullopt;
  }
  if (value < min || value > max) {
    // A bound that is only the type's limit is not worth mentioning next to the one that was broken.
    bool max_is_type_limit = max >= std::numeric_limits<std::int32_t>::max();
    bool min_is_type_limit = min <= std::numeric_limits<std::int32_t>::min();
    std::string bound;
    if (value < min && max_is_type_limit) {
      bound = fmt::format(">= {}", min);
    } else if (value > max && min_is_type_limit) {
      bound = fmt::format("<= {}", max);
    } else {
      bound = fmt::format("between {} and {}", min, max);
    }
    r.error(v.loc, fmt::format("'{}' must be {}, got {}", display_path(v.path), bound, value));
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> read_uint64(Reader& r, const Value& v) {
  if (!expect_scalar(r, v)) {
    return std::nullopt;
  }
  std::string_view text = v.node.Scalar();
  if (!is_plain(v.node) || !is_integer_text(text)) {
    r.error(v.loc, fmt::format("'{}' must be an integer, got '{}'", display_path(v.path), text), quoted_hint(v.node));
    return std::nullopt;
  }
  if (text.front() == '-') {
    r.error(v.loc, fmt::format("'{}' must be >= 0, got {}", display_path(v.path), text));
    return std::nullopt;
  }
  if (text.front() == '+') {
    text.remove_prefix(1);
  }
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    r.error(v.loc, fmt::format("'{}' is out of range, got {}", display_path(v.path), text));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> read_bool(Reader& r, const Value& v) {
  if (!expect_scalar(r, v)) {
    return std::nullopt;
  }
  const std::string& text = v.node.Scalar();
  if (is_plain(v.node)) {
    if (text == "true" || text == "True" || text == "TRUE") {
      return true;
    }
    if (text == "false" || text == "False" || text == "FALSE") {
      return false;
    }
  }
  r.error(v.loc, fmt::format("'{}' must be true or false, got '{}'", display_path(v.path), text), quoted_hint(v.node));
  return std::nullopt;
}

std::optional<double> read_number(Reader& r, const Value& v) {
  if (!expect_scalar(r, v)) {
    return std::nullopt;
  }
  const std::string& text = v.node.Scalar();
  double value = 0;
  std::string_view t = text;
  if (!t.empty() && t.front() == '+') {
    t.remove_prefix(1);
  }
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (!is_plain(v.node) || t.empty() || ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(value)) {
    r.error(v.loc, fmt::format("'{}' must be a number, got '{}'", display_path(v.path), text), quoted_hint(v.node));
    return std::nullopt;
  }
  return value;
}

std::optional<Duration> read_duration(Reader& r, const Value& v) {
  if (!expect_scalar(r, v)) {
    return std::nullopt;
  }
  const std::string& text = v.node.Scalar();
  std::optional<Duration> d = base::parse_duration(text);
  if (!d) {
    r.error(v.loc, fmt::format("invalid duration '{}' for '{}'", text, display_path(v.path)),
            "use a number with a unit, e.g. 250ms, 5s, 1h30m");
  }
  return d;
}

std::optional<Duration> read_nonnegative_duration(Reader& r, const Value& v, bool positive) {
  std::optional<Duration> d = read_duration(r, v);
  if (!d) {
    return std::nullopt;
  }
  if (*d < Duration::zero() || (positive && *d == Duration::zero())) {
    r.error(v.loc,
            fmt::format("'{}' must be {}, got '{}'", display_path(v.path), positive ? "> 0" : ">= 0", v.node.Scalar()));
    return std::nullopt;
  }
  return d;
}

std::optional<std::vector<std::string>> read_string_list(Reader& r, const Value& v) {
  if (!expect_sequence(r, v)) {
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const Value& item : sequence_items(r, v)) {
    std::optional<std::string> s = read_string(r, item);
    if (s) {
      out.push_back(std::move(*s));
    } else {
      ok = false;
    }
  }
  if (!ok) {
    return std::nullopt;
  }
  return out;
}

void report_bad_enum(Reader& r, const Value& v, std::string_view text, const std::vector<std::string_view>& allowed) {
  std::string list;
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    list += i == 0 ? "" : ", ";
    list += allowed[i];
  }
  std::string match = base::closest_match(text, allowed);
  r.error(v.loc, fmt::format("'{}' must be one of {}; got '{}'", display_path(v.path), list, text),
          match.empty() ? std::string() : fmt::format("did you mean '{}'?", match));
}

bool is_label_value(std::string_view s) {
  if (s.empty()) {
    return true;
  }
  if (s.size() > 63) {
    return false;
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!alnum(s.front()) || !alnum(s.back())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool is_dns1123_label(std::string_view s) {
  if (s.empty() || s.size() > 63) {
    return false;
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s.front()) || !alnum(s.back())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [&](char c) { return alnum(c) || c == '-'; });
}

Diagnostics in_file_order(const Diagnostics& diags) {
  std::vector<base::Diagnostic> items = diags.items();
  std::stable_sort(items.begin(), items.end(), [](const base::Diagnostic& a, const base::Diagnostic& b) {
    return std::pair(a.loc.line, a.loc.column) < std::pair(b.loc.line, b.loc.column);
  });
  Diagnostics out;
  for (base::Diagnostic& d : items) {
    out.add(std::move(d));
  }
  return out;
}

bool read_text_file(const std::string& path, std::string& text, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = std::strerror(errno);
    return false;
  }
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    text.append(buf, n);
  }
  bool ok = std::ferror(f) == 0;
  std::fclose(f);
  if (!ok) {
    error = std::strerror(EIO);
  }
  return ok;
}

}  // namespace kubesim::scenario::internal
