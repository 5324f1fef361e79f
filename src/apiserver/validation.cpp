// validate_object: upstream create-time validation (k8s.io/apimachinery/pkg/api/validation,
// pkg/apis/core/validation, apps/validation, policy/validation, scheduling/validation) for the kinds
// kubesim models. Messages are built the way field.Error.ErrorBody() prints them ("Required value",
// `Invalid value: "Web": <detail>`, `Unsupported value: "x": supported values: ...`), so a user can
// paste one into a search engine and find the upstream rule.
//
// Where upstream reports a path that names no field of the manifest (Node taints under
// "metadata.taints", template labels under "spec.template.labels", owner references without an
// index, pod overhead under "spec.overhead.limits[...]"), we report the field's real path instead,
// because the scenario loader maps paths back to file:line:col. Rules kubesim adds on top of upstream
// are marked "kubesim:" below.

#include "kubesim/apiserver/validation.hpp"

#include "kubesim/api/usage_profile.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace kubesim::apiserver {
namespace {

using api::Container;
using api::IntOrString;
using api::LabelSelector;
using api::ObjectMeta;
using api::PodSpec;
using api::SelectorOperator;
using api::SelectorRequirement;
using api::StringMap;

constexpr std::string_view kIsNegativeErrorMsg = "must be greater than or equal to 0";
constexpr std::string_view kIsNotPositiveErrorMsg = "must be greater than zero";
constexpr std::string_view kIsNotIntegerErrorMsg = "must be an integer";
constexpr std::size_t kTotalAnnotationSizeLimitBytes = std::size_t{256} * 1024;
constexpr std::int64_t kMaxInt32 = std::numeric_limits<std::int32_t>::max();
constexpr std::string_view kPodDeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

// Regular expressions and messages of k8s.io/apimachinery/pkg/util/validation (v1.28 - v1.32 wording).
constexpr std::string_view kDns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
constexpr std::string_view kDns1123LabelErrMsg =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
    "end with an alphanumeric character";
constexpr std::string_view kDns1123SubdomainFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
constexpr std::string_view kDns1123SubdomainErrMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character";
constexpr std::string_view kDns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
constexpr std::string_view kDns1035LabelErrMsg =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character";
constexpr std::string_view kQualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr std::string_view kQualifiedNameErrMsg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character";
constexpr std::string_view kLabelValueFmt = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
constexpr std::string_view kLabelValueErrMsg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character";
constexpr std::string_view kPercentFmt = "[0-9]+%";
constexpr std::string_view kPercentErrMsg = "a valid percent string must be a numeric string followed by an ending '%'";
constexpr std::size_t kDns1123LabelMaxLength = 63;
constexpr std::size_t kDns1123SubdomainMaxLength = 253;
constexpr std::size_t kDns1035LabelMaxLength = 63;
constexpr std::size_t kQualifiedNameMaxLength = 63;
constexpr std::size_t kLabelValueMaxLength = 63;
constexpr std::size_t kPortNameMaxLength = 15;

// ---------------------------------------------------------------------------------------------------
// field.Path and field.ErrorList

class Path {
 public:
  explicit Path(std::string text) : text_(std::move(text)) {}
  [[nodiscard]] Path child(std::string_view name) const {
    return Path(text_.empty() ? std::string(name) : fmt::format("{}.{}", text_, name));
  }
  [[nodiscard]] Path index(std::size_t i) const { return Path(fmt::format("{}[{}]", text_, i)); }
  [[nodiscard]] Path key(std::string_view k) const { return Path(fmt::format("{}[{}]", text_, k)); }
  [[nodiscard]] const std::string& str() const { return text_; }

 private:
  std::string text_;
};

// Values passed to invalid()/duplicate()/not_supported() are already rendered as upstream prints them:
// strings quoted (quote()), integers bare, structs in Go's %#v form.
class ErrorList {
 public:
  void required(const Path& p, std::string_view detail = {}) { add(p, with_detail("Required value", detail)); }
  void forbidden(const Path& p, std::string_view detail) { add(p, with_detail("Forbidden", detail)); }
  void invalid(const Path& p, std::string_view value, std::string_view detail) {
    add(p, with_detail(fmt::format("Invalid value: {}", value), detail));
  }
  void duplicate(const Path& p, std::string_view value, std::string_view detail = {}) {
    add(p, with_detail(fmt::format("Duplicate value: {}", value), detail));
  }
  void not_supported(const Path& p, std::string_view value, std::initializer_list<std::string_view> supported) {
    std::string detail = "supported values: ";
    bool first = true;
    for (std::string_view s : supported) {
      detail += first ? "" : ", ";
      detail += '"';
      detail += s;
      detail += '"';
      first = false;
    }
    add(p, with_detail(fmt::format("Unsupported value: {}", value), detail));
  }
  void too_long(const Path& p, std::size_t max_bytes) {
    add(p, fmt::format("Too long: must have at most {} bytes", max_bytes));
  }

  [[nodiscard]] bool empty() const { return errors_.empty(); }
  [[nodiscard]] std::vector<FieldError> release() { return std::move(errors_); }

 private:
  static std::string with_detail(std::string head, std::string_view detail) {
    if (!detail.empty()) {
      head += ": ";
      head += detail;
    }
    return head;
  }
  void add(const Path& p, std::string message) { errors_.push_back(FieldError{p.str(), std::move(message)}); }

  std::vector<FieldError> errors_;
};

// ---------------------------------------------------------------------------------------------------
// Rendering values the way Go's fmt prints them in field errors.

// strconv.Quote for the ASCII range; other bytes (UTF-8) pass through.
std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      if (c < 0x20 || c == 0x7f) {
        out += fmt::format("\\x{:02x}", c);
      } else {
        out += ch;
      }
    }
  }
  out += '"';
  return out;
}

std::string num(std::int64_t v) { return std::to_string(v); }

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      out += sep;
    }
    out += parts[i];
  }
  return out;
}

bool is_hugepage_resource(std::string_view name) { return name.starts_with("hugepages-"); }

// Quantity.String() of an integer amount (ResourceList holds milli-CPU for "cpu", base units otherwise):
// cpu 600 -> "600m", 2000 -> "2"; byte amounts with the largest exact binary suffix ("1Gi", "1536Mi");
// everything else as a plain integer.
std::string format_quantity(std::string_view resource, std::int64_t amount) {
  if (resource == api::kResourceCpu) {
    return amount % 1000 == 0 ? num(amount / 1000) : fmt::format("{}m", amount);
  }
  const bool bytes = resource == api::kResourceMemory || resource == api::kResourceEphemeralStorage ||
                     resource == "storage" || is_hugepage_resource(resource);
  if (bytes && amount != 0) {
    constexpr std::array<std::string_view, 6> kSuffixes = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    for (std::size_t i = kSuffixes.size(); i-- > 0;) {
      const std::int64_t unit = std::int64_t{1} << (10 * (i + 1));
      if (amount % unit == 0) {
        return fmt::format("{}{}", amount / unit, kSuffixes[i]);
      }
    }
  }
  return num(amount);
}

std::string render_string_map(const StringMap& m) {
  if (m.empty()) {
    return "map[string]string(nil)";
  }
  std::vector<std::string> parts;
  for (const auto& [k, v] : m) {
    parts.push_back(fmt::format("{}:{}", quote(k), quote(v)));
  }
  return fmt::format("map[string]string{{{}}}", join(parts, ", "));
}

std::string render_string_slice(const std::vector<std::string>& values) {
  if (values.empty()) {
    return "[]string(nil)";
  }
  std::vector<std::string> parts;
  parts.reserve(values.size());
  for (const std::string& v : values) {
    parts.push_back(quote(v));
  }
  return fmt::format("[]string{{{}}}", join(parts, ", "));
}

std::string_view operator_name(SelectorOperator op) {
  switch (op) {
  case SelectorOperator::In:
    return "In";
  case SelectorOperator::NotIn:
    return "NotIn";
  case SelectorOperator::Exists:
    return "Exists";
  case SelectorOperator::DoesNotExist:
    return "DoesNotExist";
  case SelectorOperator::Gt:
    return "Gt";
  case SelectorOperator::Lt:
    return "Lt";
  }
  return "";
}

std::string render_label_selector(const LabelSelector& s) {
  std::string exprs = "[]v1.LabelSelectorRequirement(nil)";
  if (!s.match_expressions.empty()) {
    std::vector<std::string> parts;
    for (const SelectorRequirement& r : s.match_expressions) {
      parts.push_back(fmt::format("v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{}}}", quote(r.key),
                                  quote(operator_name(r.op)), render_string_slice(r.values)));
    }
    exprs = fmt::format("[]v1.LabelSelectorRequirement{{{}}}", join(parts, ", "));
  }
  return fmt::format("v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{}}}", render_string_map(s.match_labels),
                     exprs);
}

std::string render_int_or_string(const IntOrString& v) {
  if (v.is_string) {
    return fmt::format("intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}", quote(v.str_value));
  }
  return fmt::format("intstr.IntOrString{{Type:0, IntVal:{}, StrVal:\"\"}}", v.int_value);
}

// ---------------------------------------------------------------------------------------------------
// k8s.io/apimachinery/pkg/util/validation: string formats. Each returns upstream's list of messages.

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool matches_dns1123_label(std::string_view s) {
  if (s.empty() || !is_lower_alnum(s.front()) || !is_lower_alnum(s.back())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) { return is_lower_alnum(c) || c == '-'; });
}

bool matches_dns1123_subdomain(std::string_view s) {
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    if (!matches_dns1123_label(s.substr(start, dot == std::string_view::npos ? dot : dot - start))) {
      return false;
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    start = dot + 1;
  }
}

bool matches_dns1035_label(std::string_view s) {
  if (s.empty() || !(s.front() >= 'a' && s.front() <= 'z') || !is_lower_alnum(s.back())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) { return is_lower_alnum(c) || c == '-'; });
}

bool matches_qualified_name_part(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

std::string max_len_error(std::size_t length) { return fmt::format("must be no more than {} characters", length); }

std::string regex_error(std::string_view msg, std::string_view re, std::initializer_list<std::string_view> examples) {
  std::string out(msg);
  if (examples.size() == 0) {
    return fmt::format("{} (regex used for validation is '{}')", out, re);
  }
  out += " (e.g. ";
  bool first = true;
  for (std::string_view e : examples) {
    out += first ? "" : " or ";
    out += fmt::format("'{}', ", e);
    first = false;
  }
  out += fmt::format("regex used for validation is '{}')", re);
  return out;
}

std::vector<std::string> is_dns1123_label(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kDns1123LabelMaxLength) {
    errs.push_back(max_len_error(kDns1123LabelMaxLength));
  }
  if (!matches_dns1123_label(value)) {
    if (matches_dns1123_subdomain(value)) {
      errs.emplace_back("must not contain dots");
    } else {
      errs.push_back(regex_error(kDns1123LabelErrMsg, kDns1123LabelFmt, {"my-name", "123-abc"}));
    }
  }
  return errs;
}

std::vector<std::string> is_dns1123_subdomain(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kDns1123SubdomainMaxLength) {
    errs.push_back(max_len_error(kDns1123SubdomainMaxLength));
  }
  if (!matches_dns1123_subdomain(value)) {
    errs.push_back(regex_error(kDns1123SubdomainErrMsg, kDns1123SubdomainFmt, {"example.com"}));
  }
  return errs;
}

std::vector<std::string> is_dns1035_label(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kDns1035LabelMaxLength) {
    errs.push_back(max_len_error(kDns1035LabelMaxLength));
  }
  if (!matches_dns1035_label(value)) {
    errs.push_back(regex_error(kDns1035LabelErrMsg, kDns1035LabelFmt, {"my-name", "abc-123"}));
  }
  return errs;
}

std::vector<std::string> is_qualified_name(std::string_view value) {
  std::vector<std::string> errs;
  std::string_view name = value;
  const std::size_t slashes = static_cast<std::size_t>(std::count(value.begin(), value.end(), '/'));
  if (slashes == 1) {
    const std::size_t slash = value.find('/');
    std::string_view prefix = value.substr(0, slash);
    name = value.substr(slash + 1);
    if (prefix.empty()) {
      errs.emplace_back("prefix part must be non-empty");
    } else {
      for (std::string& m : is_dns1123_subdomain(prefix)) {
        errs.push_back("prefix part " + m);
      }
    }
  } else if (slashes > 1) {
    errs.push_back("a qualified name " +
                   regex_error(kQualifiedNameErrMsg, kQualifiedNameFmt, {"MyName", "my.name", "123-abc"}) +
                   " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    return errs;
  }
  if (name.empty()) {
    errs.emplace_back("name part must be non-empty");
  } else if (name.size() > kQualifiedNameMaxLength) {
    errs.push_back("name part " + max_len_error(kQualifiedNameMaxLength));
  }
  if (!matches_qualified_name_part(name)) {
    errs.push_back("name part " +
                   regex_error(kQualifiedNameErrMsg, kQualifiedNameFmt, {"MyName", "my.name", "123-abc"}));
  }
  return errs;
}

std::vector<std::string> is_valid_label_value(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kLabelValueMaxLength) {
    errs.push_back(max_len_error(kLabelValueMaxLength));
  }
  if (!value.empty() && !matches_qualified_name_part(value)) {
    errs.push_back(regex_error(kLabelValueErrMsg, kLabelValueFmt, {"MyValue", "my_value", "12345"}));
  }
  return errs;
}

std::string inclusive_range_error(std::int64_t lo, std::int64_t hi) {
  return fmt::format("must be between {} and {}, inclusive", lo, hi);
}

std::vector<std::string> is_valid_port_num(std::int64_t port) {
  if (port >= 1 && port <= 65535) {
    return {};
  }
  return {inclusive_range_error(1, 65535)};
}

std::vector<std::string> is_valid_port_name(std::string_view port) {
  std::vector<std::string> errs;
  if (port.size() > kPortNameMaxLength) {
    errs.push_back(max_len_error(kPortNameMaxLength));
  }
  const bool charset_ok =
      !port.empty() && std::all_of(port.begin(), port.end(), [](char c) { return is_lower_alnum(c) || c == '-'; });
  if (!charset_ok) {
    errs.emplace_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  }
  if (std::none_of(port.begin(), port.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    errs.emplace_back("must contain at least one letter (a-z)");
  }
  if (port.find("--") != std::string_view::npos) {
    errs.emplace_back("must not contain consecutive hyphens");
  }
  if (!port.empty() && (port.front() == '-' || port.back() == '-')) {
    errs.emplace_back("must not begin or end with a hyphen");
  }
  return errs;
}

bool matches_percent(std::string_view s) {
  return s.size() >= 2 && s.back() == '%' && std::all_of(s.begin(), s.end() - 1, is_digit);
}

std::vector<std::string> is_valid_percent(std::string_view s) {
  if (matches_percent(s)) {
    return {};
  }
  return {regex_error(kPercentErrMsg, kPercentFmt, {"1%", "93%"})};
}

// strconv.ParseInt(s, 10, 64): optional sign, decimal digits only.
std::optional<std::int64_t> parse_go_int(std::string_view s) {
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (!s.empty() && s.front() == '-') {
      return std::nullopt;
    }
  }
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

bool is_valid_ip(const std::string& ip) {
  unsigned char buf[16];
  return inet_pton(AF_INET, ip.c_str(), buf) == 1 || inet_pton(AF_INET6, ip.c_str(), buf) == 1;
}

// ---------------------------------------------------------------------------------------------------
// Generic field validators.

void validate_nonnegative(std::int64_t value, const Path& p, ErrorList& errs) {
  if (value < 0) {
    errs.invalid(p, num(value), kIsNegativeErrorMsg);
  }
}

void validate_dns1123_label(std::string_view value, const Path& p, ErrorList& errs) {
  for (const std::string& m : is_dns1123_label(value)) {
    errs.invalid(p, quote(value), m);
  }
}

void validate_label_name(std::string_view key, const Path& p, ErrorList& errs) {
  for (const std::string& m : is_qualified_name(key)) {
    errs.invalid(p, quote(key), m);
  }
}

// metav1 validation.ValidateLabels: errors are reported on the map's path, not on the key.
void validate_labels(const StringMap& labels, const Path& p, ErrorList& errs) {
  for (const auto& [k, v] : labels) {
    validate_label_name(k, p, errs);
    for (const std::string& m : is_valid_label_value(v)) {
      errs.invalid(p, quote(v), m);
    }
  }
}

void validate_annotations(const StringMap& annotations, const Path& p, ErrorList& errs) {
  std::size_t total = 0;
  for (const auto& [k, v] : annotations) {
    // Annotation keys are qualified names in any case.
    std::string lower = k;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    for (const std::string& m : is_qualified_name(lower)) {
      errs.invalid(p, quote(k), m);
    }
    total += k.size() + v.size();
  }
  if (total > kTotalAnnotationSizeLimitBytes) {
    errs.too_long(p, kTotalAnnotationSizeLimitBytes);
  }
}

// ---------------------------------------------------------------------------------------------------
// ObjectMeta (apimachinery ValidateObjectMetaAccessor + core's finalizer check).

using NameValidator = std::vector<std::string> (*)(std::string_view name, bool prefix);

// Upstream maskTrailingDash, including its dropping of the character before the dash.
std::string mask_trailing_dash(std::string_view name) {
  if (name.size() > 1 && name.back() == '-') {
    return std::string(name.substr(0, name.size() - 2)) + "a";
  }
  return std::string(name);
}

std::vector<std::string> name_is_dns_subdomain(std::string_view name, bool prefix) {
  return is_dns1123_subdomain(prefix ? mask_trailing_dash(name) : std::string(name));
}

std::vector<std::string> name_is_dns_label(std::string_view name, bool prefix) {
  return is_dns1123_label(prefix ? mask_trailing_dash(name) : std::string(name));
}

std::vector<std::string> name_is_dns1035_label(std::string_view name, bool prefix) {
  return is_dns1035_label(prefix ? mask_trailing_dash(name) : std::string(name));
}

void validate_owner_references(const std::vector<api::OwnerReference>& refs, const Path& p, ErrorList& errs) {
  std::string first_controller;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const api::OwnerReference& ref = refs[i];
    const Path ip = p.index(i);
    // schema.FromAPIVersionAndKind: "v1" and "group/v1" have a version; "", "group/" and "a/b/c" do not.
    const auto slashes = std::count(ref.api_version.begin(), ref.api_version.end(), '/');
    const std::string_view version = slashes == 0 ? std::string_view(ref.api_version)
                                     : slashes == 1
                                         ? std::string_view(ref.api_version).substr(ref.api_version.find('/') + 1)
                                         : std::string_view();
    if (version.empty()) {
      errs.invalid(ip.child("apiVersion"), quote(ref.api_version), "version must not be empty");
    }
    if (ref.kind.empty()) {
      errs.invalid(ip.child("kind"), quote(ref.kind), "kind must not be empty");
    }
    if (ref.name.empty()) {
      errs.invalid(ip.child("name"), quote(ref.name), "name must not be empty");
    }
    if (ref.uid.empty()) {
      errs.invalid(ip.child("uid"), quote(ref.uid), "uid must not be empty");
    }
    if (ref.controller) {
      const std::string current = ref.kind + "/" + ref.name;
      if (!first_controller.empty()) {
        errs.invalid(p, fmt::format("[]v1.OwnerReference{{... {} owner references ...}}", refs.size()),
                     fmt::format("Only one reference can have Controller set to true. Found \"true\" in references "
                                 "for {} and {}",
                                 first_controller, current));
      } else {
        first_controller = current;
      }
    }
  }
}

void validate_finalizers(const std::vector<std::string>& finalizers, const Path& p, ErrorList& errs) {
  bool orphan = false;
  bool foreground = false;
  for (std::size_t i = 0; i < finalizers.size(); ++i) {
    const std::string& f = finalizers[i];
    validate_label_name(f, p.index(i), errs);
    orphan = orphan || f == "orphan";
    foreground = foreground || f == "foregroundDeletion";
    if (f.find('/') == std::string::npos && f != "kubernetes" && f != "orphan" && f != "foregroundDeletion") {
      errs.invalid(p.index(i), quote(f), "name is neither a standard finalizer name nor is it fully qualified");
    }
  }
  if (orphan && foreground) {
    errs.invalid(p, render_string_slice(finalizers), "finalizer orphan and foregroundDeletion cannot be both set");
  }
}

void validate_object_meta(const ObjectMeta& meta, bool namespaced, NameValidator name_fn, ErrorList& errs) {
  const Path mp("metadata");
  if (!meta.generate_name.empty()) {
    for (const std::string& m : name_fn(meta.generate_name, true)) {
      errs.invalid(mp.child("generateName"), quote(meta.generate_name), m);
    }
  }
  // Upstream generates the name from generateName before validating; here the name may still be empty
  // when generateName is set, and the store fills it in.
  if (meta.name.empty()) {
    if (meta.generate_name.empty()) {
      errs.required(mp.child("name"), "name or generateName is required");
    }
  } else {
    for (const std::string& m : name_fn(meta.name, false)) {
      errs.invalid(mp.child("name"), quote(meta.name), m);
    }
  }
  if (namespaced) {
    if (meta.namespace_.empty()) {
      errs.required(mp.child("namespace"));
    } else {
      for (const std::string& m : name_is_dns_label(meta.namespace_, false)) {
        errs.invalid(mp.child("namespace"), quote(meta.namespace_), m);
      }
    }
  } else if (!meta.namespace_.empty()) {
    errs.forbidden(mp.child("namespace"), "not allowed on this type");
  }
  validate_nonnegative(meta.generation, mp.child("generation"), errs);
  validate_labels(meta.labels, mp.child("labels"), errs);
  validate_annotations(meta.annotations, mp.child("annotations"), errs);
  validate_owner_references(meta.owner_references, mp.child("ownerReferences"), errs);
  validate_finalizers(meta.finalizers, mp.child("finalizers"), errs);
}

// ---------------------------------------------------------------------------------------------------
// Resources (pkg/apis/core/helper and validateResourceRequirements).

bool is_native_resource(std::string_view name) {
  return name.find('/') == std::string_view::npos || name.find("kubernetes.io/") != std::string_view::npos;
}

bool is_overcommit_allowed(std::string_view name) { return is_native_resource(name) && !is_hugepage_resource(name); }

bool is_standard_container_resource_name(std::string_view name) {
  return name == api::kResourceCpu || name == api::kResourceMemory || name == api::kResourceEphemeralStorage ||
         is_hugepage_resource(name);
}

bool is_standard_resource_name(std::string_view name) {
  constexpr std::array<std::string_view, 20> kStandard = {"cpu",
                                                          "memory",
                                                          "ephemeral-storage",
                                                          "requests.cpu",
                                                          "requests.memory",
                                                          "requests.ephemeral-storage",
                                                          "limits.cpu",
                                                          "limits.memory",
                                                          "limits.ephemeral-storage",
                                                          "pods",
                                                          "resourcequotas",
                                                          "services",
                                                          "replicationcontrollers",
                                                          "secrets",
                                                          "configmaps",
                                                          "persistentvolumeclaims",
                                                          "storage",
                                                          "requests.storage",
                                                          "services.nodeports",
                                                          "services.loadbalancers"};
  return std::find(kStandard.begin(), kStandard.end(), name) != kStandard.end() || is_hugepage_resource(name) ||
         name.starts_with("requests.hugepages-");
}

bool is_extended_resource_name(std::string_view name) {
  if (is_native_resource(name) || name.starts_with("requests.")) {
    return false;
  }
  return is_qualified_name(fmt::format("requests.{}", name)).empty();
}

void validate_container_resource_name(std::string_view name, const Path& p, ErrorList& errs) {
  const std::vector<std::string> msgs = is_qualified_name(name);
  for (const std::string& m : msgs) {
    errs.invalid(p, quote(name), m);
  }
  const bool unprefixed = name.find('/') == std::string_view::npos;
  if (msgs.empty() && unprefixed && !is_standard_resource_name(name)) {
    errs.invalid(p, quote(name), "must be a standard resource type or fully qualified");
  }
  if (unprefixed) {
    if (!is_standard_container_resource_name(name)) {
      errs.invalid(p, quote(name), "must be a standard resource for containers");
    }
  } else if (!is_native_resource(name) && !is_extended_resource_name(name)) {
    errs.invalid(p, quote(name), "doesn't follow extended resource name standard");
  }
}

void validate_resource_quantity(std::string_view name, std::int64_t amount, const Path& p, ErrorList& errs) {
  if (amount < 0) {
    errs.invalid(p, quote(format_quantity(name, amount)), kIsNegativeErrorMsg);
  }
}

// "hugepages-2Mi" -> 2097152 (HugePageSizeFromResourceName).
std::optional<std::int64_t> hugepage_size(std::string_view name) {
  std::string_view size = name.substr(std::string_view("hugepages-").size());
  std::size_t digits = 0;
  while (digits < size.size() && is_digit(size[digits])) {
    ++digits;
  }
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(size.data(), size.data() + digits, value);
  if (digits == 0 || ec != std::errc() || ptr != size.data() + digits) {
    return std::nullopt;
  }
  const std::string_view suffix = size.substr(digits);
  constexpr std::array<std::pair<std::string_view, std::int64_t>, 13> kUnits = {{{"", 1},
                                                                                 {"k", 1'000},
                                                                                 {"M", 1'000'000},
                                                                                 {"G", 1'000'000'000},
                                                                                 {"T", 1'000'000'000'000},
                                                                                 {"P", 1'000'000'000'000'000},
                                                                                 {"E", 1'000'000'000'000'000'000},
                                                                                 {"Ki", std::int64_t{1} << 10},
                                                                                 {"Mi", std::int64_t{1} << 20},
                                                                                 {"Gi", std::int64_t{1} << 30},
                                                                                 {"Ti", std::int64_t{1} << 40},
                                                                                 {"Pi", std::int64_t{1} << 50},
                                                                                 {"Ei", std::int64_t{1} << 60}}};
  for (const auto& [unit, factor] : kUnits) {
    if (suffix == unit) {
      if (value > std::numeric_limits<std::int64_t>::max() / factor) {
        return std::nullopt;
      }
      return value * factor;
    }
  }
  return std::nullopt;
}

void validate_hugepage_value(std::string_view name, std::int64_t amount, const Path& p, ErrorList& errs) {
  const std::optional<std::int64_t> size = hugepage_size(name);
  if (!size || *size <= 0 || amount <= 0 || amount % *size != 0) {
    const std::string q = format_quantity(name, amount);
    errs.invalid(p, quote(q), fmt::format("{} is not positive integer multiple of {}", q, name));
  }
}

// validateResourceRequirements. `requests` is null for pod overhead, which upstream validates as limits.
void validate_resource_requirements(const api::ResourceList& limits, const api::ResourceList* requests, const Path& fld,
                                    const Path& lim_path, const Path& req_path, ErrorList& errs) {
  bool lim_cpu_or_memory = false;
  bool req_cpu_or_memory = false;
  bool lim_hugepages = false;
  bool req_hugepages = false;
  for (const auto& [name, amount] : limits) {
    const Path p = lim_path.key(name);
    validate_container_resource_name(name, p, errs);
    validate_resource_quantity(name, amount, p, errs);
    if (is_hugepage_resource(name)) {
      lim_hugepages = true;
      validate_hugepage_value(name, amount, p, errs);
    }
    lim_cpu_or_memory = lim_cpu_or_memory || name == api::kResourceCpu || name == api::kResourceMemory;
  }
  if (requests != nullptr) {
    for (const auto& [name, amount] : *requests) {
      const Path p = req_path.key(name);
      validate_container_resource_name(name, p, errs);
      validate_resource_quantity(name, amount, p, errs);
      if (const std::optional<std::int64_t> limit = limits.get(name)) {
        // Resources that cannot be overcommitted (extended resources, hugepages) need request == limit.
        if (amount != *limit && !is_overcommit_allowed(name)) {
          errs.invalid(req_path, quote(format_quantity(name, amount)),
                       fmt::format("must be equal to {} limit of {}", name, format_quantity(name, *limit)));
        } else if (amount > *limit) {
          errs.invalid(
              req_path, quote(format_quantity(name, amount)),
              fmt::format("must be less than or equal to {} limit of {}", name, format_quantity(name, *limit)));
        }
      } else if (!is_overcommit_allowed(name)) {
        errs.required(lim_path, "Limit must be set for non overcommitable resources");
      }
      if (is_hugepage_resource(name)) {
        req_hugepages = true;
        validate_hugepage_value(name, amount, p, errs);
      }
      req_cpu_or_memory = req_cpu_or_memory || name == api::kResourceCpu || name == api::kResourceMemory;
    }
  }
  if (!lim_cpu_or_memory && !req_cpu_or_memory && (lim_hugepages || req_hugepages)) {
    errs.forbidden(fld, "HugePages require cpu or memory");
  }
}

// ---------------------------------------------------------------------------------------------------
// Containers.

void validate_container_ports(const std::vector<api::ContainerPort>& ports, const Path& fld, ErrorList& errs) {
  std::set<std::string, std::less<>> names;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const api::ContainerPort& port = ports[i];
    const Path ip = fld.index(i);
    if (!port.name.empty()) {
      const std::vector<std::string> msgs = is_valid_port_name(port.name);
      if (!msgs.empty()) {
        for (const std::string& m : msgs) {
          errs.invalid(ip.child("name"), quote(port.name), m);
        }
      } else if (names.contains(port.name)) {
        errs.duplicate(ip.child("name"), quote(port.name));
      } else {
        names.insert(port.name);
      }
    }
    if (port.container_port == 0) {
      errs.required(ip.child("containerPort"));
    } else {
      for (const std::string& m : is_valid_port_num(port.container_port)) {
        errs.invalid(ip.child("containerPort"), num(port.container_port), m);
      }
    }
    if (port.host_port != 0) {
      for (const std::string& m : is_valid_port_num(port.host_port)) {
        errs.invalid(ip.child("hostPort"), num(port.host_port), m);
      }
    }
    if (port.protocol.empty()) {
      errs.required(ip.child("protocol"));
    } else if (port.protocol != "TCP" && port.protocol != "UDP" && port.protocol != "SCTP") {
      errs.not_supported(ip.child("protocol"), quote(port.protocol), {"SCTP", "TCP", "UDP"});
    }
  }
}

// AccumulateUniqueHostPorts: a (protocol, hostIP, hostPort) triple may appear once.
void accumulate_unique_host_ports(const Container& c, const Path& container_path, std::set<std::string>& seen,
                                  ErrorList& errs) {
  for (std::size_t i = 0; i < c.ports.size(); ++i) {
    const api::ContainerPort& port = c.ports[i];
    if (port.host_port == 0) {
      continue;
    }
    std::string key = fmt::format("{}/{}/{}", port.protocol, port.host_ip, port.host_port);
    if (seen.contains(key)) {
      errs.duplicate(container_path.child("ports").index(i).child("hostPort"), quote(key));
    } else {
      seen.insert(std::move(key));
    }
  }
}

void validate_probe(const api::Probe& probe, const Path& p, ErrorList& errs) {
  validate_nonnegative(probe.initial_delay_seconds, p.child("initialDelaySeconds"), errs);
  validate_nonnegative(probe.timeout_seconds, p.child("timeoutSeconds"), errs);
  validate_nonnegative(probe.period_seconds, p.child("periodSeconds"), errs);
  validate_nonnegative(probe.success_threshold, p.child("successThreshold"), errs);
  validate_nonnegative(probe.failure_threshold, p.child("failureThreshold"), errs);
  // kubesim: upstream defaulting turns a zero into the default before validation, so a zero here means
  // the object skipped apply_defaults; the kubelet model cannot run a probe every 0 seconds.
  const std::pair<std::int32_t, std::string_view> kAtLeastOne[] = {{probe.timeout_seconds, "timeoutSeconds"},
                                                                   {probe.period_seconds, "periodSeconds"},
                                                                   {probe.success_threshold, "successThreshold"},
                                                                   {probe.failure_threshold, "failureThreshold"}};
  for (const auto& [value, field] : kAtLeastOne) {
    if (value == 0) {
      errs.invalid(p.child(field), "0", "must be greater than or equal to 1");
    }
  }
}

// validateLivenessProbe / validateStartupProbe: a success threshold other than 1 is meaningless.
void validate_probe_requiring_single_success(const api::Probe& probe, const Path& p, ErrorList& errs) {
  validate_probe(probe, p, errs);
  if (probe.success_threshold != 1) {
    errs.invalid(p.child("successThreshold"), num(probe.success_threshold), "must be 1");
  }
}

void validate_probes(const Container& c, const Path& p, ErrorList& errs) {
  if (c.liveness_probe) {
    validate_probe_requiring_single_success(*c.liveness_probe, p.child("livenessProbe"), errs);
  }
  if (c.readiness_probe) {
    validate_probe(*c.readiness_probe, p.child("readinessProbe"), errs);
  }
  if (c.startup_probe) {
    validate_probe_requiring_single_success(*c.startup_probe, p.child("startupProbe"), errs);
  }
}

// validateContainerCommon.
void validate_container_common(const Container& c, const Path& p, ErrorList& errs) {
  if (c.name.empty()) {
    errs.required(p.child("name"));
  } else {
    validate_dns1123_label(c.name, p.child("name"), errs);
  }
  if (c.image.empty()) {
    errs.required(p.child("image"));
  }
  validate_container_ports(c.ports, p.child("ports"), errs);
  if (!c.image_pull_policy) {
    errs.required(p.child("imagePullPolicy"));
  }
  const Path rp = p.child("resources");
  validate_resource_requirements(c.resources.limits, &c.resources.requests, rp, rp.child("limits"),
                                 rp.child("requests"), errs);
}

void validate_containers(const std::vector<Container>& containers, const Path& fld, ErrorList& errs) {
  if (containers.empty()) {
    errs.required(fld);
    return;
  }
  std::set<std::string, std::less<>> names;
  std::set<std::string> host_ports;
  for (std::size_t i = 0; i < containers.size(); ++i) {
    const Container& c = containers[i];
    const Path p = fld.index(i);
    validate_container_common(c, p, errs);
    if (names.contains(c.name)) {
      errs.duplicate(p.child("name"), quote(c.name));
    } else {
      names.insert(c.name);
    }
    validate_probes(c, p, errs);
    if (c.restart_policy) {
      errs.forbidden(p.child("restartPolicy"), "may not be set for non-init containers");
    }
    accumulate_unique_host_ports(c, p, host_ports, errs);
  }
}

void validate_init_containers(const std::vector<Container>& inits, const std::vector<Container>& regular,
                              const Path& fld, ErrorList& errs) {
  std::set<std::string, std::less<>> names;
  for (const Container& c : regular) {
    names.insert(c.name);
  }
  for (std::size_t i = 0; i < inits.size(); ++i) {
    const Container& c = inits[i];
    const Path p = fld.index(i);
    validate_container_common(c, p, errs);
    if (c.restart_policy && *c.restart_policy != "Always") {
      errs.not_supported(p.child("restartPolicy"), quote(*c.restart_policy), {"Always"});
    }
    // Names are unique across init and regular containers; the clash is reported on the init container.
    if (names.contains(c.name)) {
      errs.duplicate(p.child("name"), quote(c.name));
    } else if (!c.name.empty()) {
      names.insert(c.name);
    }
    // Init containers run one at a time, so their host ports only need to be unique within each one.
    std::set<std::string> host_ports;
    accumulate_unique_host_ports(c, p, host_ports, errs);
    if (c.is_sidecar()) {
      validate_probes(c, p, errs);
    } else {
      constexpr std::string_view kNoProbes = "may not be set for init containers without restartPolicy=Always";
      if (c.liveness_probe) {
        errs.forbidden(p.child("livenessProbe"), kNoProbes);
      }
      if (c.readiness_probe) {
        errs.forbidden(p.child("readinessProbe"), kNoProbes);
      }
      if (c.startup_probe) {
        errs.forbidden(p.child("startupProbe"), kNoProbes);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Selectors and affinity.

void validate_label_selector_requirement(const SelectorRequirement& r, const Path& p, ErrorList& errs) {
  switch (r.op) {
  case SelectorOperator::In:
  case SelectorOperator::NotIn:
    if (r.values.empty()) {
      errs.required(p.child("values"), "must be specified when `operator` is 'In' or 'NotIn'");
    }
    break;
  case SelectorOperator::Exists:
  case SelectorOperator::DoesNotExist:
    if (!r.values.empty()) {
      errs.forbidden(p.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    }
    break;
  case SelectorOperator::Gt:
  case SelectorOperator::Lt:
    errs.invalid(p.child("operator"), quote(operator_name(r.op)), "not a valid selector operator");
    break;
  }
  validate_label_name(r.key, p.child("key"), errs);
  for (std::size_t j = 0; j < r.values.size(); ++j) {
    for (const std::string& m : is_valid_label_value(r.values[j])) {
      errs.invalid(p.child("values").index(j), quote(r.values[j]), m);
    }
  }
}

void validate_label_selector(const LabelSelector& s, const Path& p, ErrorList& errs) {
  validate_labels(s.match_labels, p.child("matchLabels"), errs);
  for (std::size_t i = 0; i < s.match_expressions.size(); ++i) {
    validate_label_selector_requirement(s.match_expressions[i], p.child("matchExpressions").index(i), errs);
  }
}

// metav1.LabelSelectorAsSelector fails exactly when the selector itself does not validate.
bool is_convertible_selector(const LabelSelector& s) {
  ErrorList scratch;
  validate_label_selector(s, Path("selector"), scratch);
  return scratch.empty();
}

void validate_node_selector_requirement(const SelectorRequirement& r, bool check_values, const Path& p,
                                        ErrorList& errs) {
  switch (r.op) {
  case SelectorOperator::In:
  case SelectorOperator::NotIn:
    if (r.values.empty()) {
      errs.required(p.child("values"), "must be specified when `operator` is 'In' or 'NotIn'");
    }
    break;
  case SelectorOperator::Exists:
  case SelectorOperator::DoesNotExist:
    if (!r.values.empty()) {
      errs.forbidden(p.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    }
    break;
  case SelectorOperator::Gt:
  case SelectorOperator::Lt:
    if (r.values.size() != 1) {
      errs.required(p.child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'");
    } else if (!parse_go_int(r.values.front())) {
      // kubesim: upstream accepts the value and the term then never matches.
      errs.invalid(p.child("values").index(0), quote(r.values.front()), kIsNotIntegerErrorMsg);
    }
    break;
  }
  validate_label_name(r.key, p.child("key"), errs);
  if (check_values) {
    for (std::size_t j = 0; j < r.values.size(); ++j) {
      for (const std::string& m : is_valid_label_value(r.values[j])) {
        errs.invalid(p.child("values").index(j), quote(r.values[j]), m);
      }
    }
  }
}

void validate_node_field_selector_requirement(const SelectorRequirement& r, const Path& p, ErrorList& errs) {
  if (r.op == SelectorOperator::In || r.op == SelectorOperator::NotIn) {
    if (r.values.size() != 1) {
      errs.required(p.child("values"),
                    "must be only one value when `operator` is 'In' or 'NotIn' for node field selector");
    }
  } else {
    errs.invalid(p.child("operator"), quote(operator_name(r.op)), "not a valid selector operator");
  }
  if (r.key != "metadata.name") {
    errs.invalid(p.child("key"), quote(r.key), "not a valid field selector key");
  } else {
    for (std::size_t j = 0; j < r.values.size(); ++j) {
      for (const std::string& m : name_is_dns_subdomain(r.values[j], false)) {
        errs.invalid(p.child("values").index(j), quote(r.values[j]), m);
      }
    }
  }
}

void validate_node_selector_term(const api::NodeSelectorTerm& term, bool check_values, const Path& p, ErrorList& errs) {
  for (std::size_t j = 0; j < term.match_expressions.size(); ++j) {
    validate_node_selector_requirement(term.match_expressions[j], check_values, p.child("matchExpressions").index(j),
                                       errs);
  }
  for (std::size_t j = 0; j < term.match_fields.size(); ++j) {
    validate_node_field_selector_requirement(term.match_fields[j], p.child("matchFields").index(j), errs);
  }
}

void validate_node_affinity(const api::NodeAffinity& na, const Path& p, ErrorList& errs) {
  if (na.required) {
    const Path terms = p.child("requiredDuringSchedulingIgnoredDuringExecution").child("nodeSelectorTerms");
    if (na.required->terms.empty()) {
      errs.required(terms, "must have at least one node selector term");
    }
    for (std::size_t i = 0; i < na.required->terms.size(); ++i) {
      validate_node_selector_term(na.required->terms[i], true, terms.index(i), errs);
    }
  }
  const Path preferred = p.child("preferredDuringSchedulingIgnoredDuringExecution");
  for (std::size_t i = 0; i < na.preferred.size(); ++i) {
    const api::PreferredSchedulingTerm& t = na.preferred[i];
    if (t.weight <= 0 || t.weight > 100) {
      errs.invalid(preferred.index(i).child("weight"), num(t.weight), "must be in the range 1-100");
    }
    // Preferred terms may carry any label value: they can still succeed on a one-node cluster.
    validate_node_selector_term(t.preference, false, preferred.index(i).child("preference"), errs);
  }
}

bool selector_mentions(const std::optional<LabelSelector>& selector, std::string_view key) {
  return selector && (selector->match_labels.contains(key) ||
                      std::any_of(selector->match_expressions.begin(), selector->match_expressions.end(),
                                  [&](const SelectorRequirement& r) { return r.key == key; }));
}

void validate_label_keys(const std::vector<std::string>& keys, const std::optional<LabelSelector>& selector,
                         const Path& p, ErrorList& errs) {
  if (keys.empty()) {
    return;
  }
  if (!selector) {
    errs.forbidden(p, "must not be specified when labelSelector is not set");
    return;
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    validate_label_name(keys[i], p.index(i), errs);
  }
}

void validate_pod_affinity_term(const api::PodAffinityTerm& term, const Path& p, ErrorList& errs) {
  if (term.label_selector) {
    validate_label_selector(*term.label_selector, p.child("labelSelector"), errs);
  }
  if (term.namespace_selector) {
    validate_label_selector(*term.namespace_selector, p.child("namespaceSelector"), errs);
  }
  for (std::size_t i = 0; i < term.namespaces.size(); ++i) {
    for (const std::string& m : name_is_dns_label(term.namespaces[i], false)) {
      errs.invalid(p.child("namespaces").index(i), quote(term.namespaces[i]), m);
    }
  }
  // validateMatchLabelKeysAndMismatchLabelKeys.
  validate_label_keys(term.match_label_keys, term.label_selector, p.child("matchLabelKeys"), errs);
  validate_label_keys(term.mismatch_label_keys, term.label_selector, p.child("mismatchLabelKeys"), errs);
  // Upstream merges matchLabelKeys into the selector at admission and then finds the key twice; we
  // validate before that merge, so a key the selector already mentions is the same mistake.
  for (std::size_t i = 0; i < term.match_label_keys.size(); ++i) {
    if (selector_mentions(term.label_selector, term.match_label_keys[i])) {
      errs.invalid(p.child("matchLabelKeys").index(i), quote(term.match_label_keys[i]),
                   "exists in both matchLabelKeys and labelSelector");
    }
  }
  for (std::size_t i = 0; i < term.match_label_keys.size(); ++i) {
    const std::string& key = term.match_label_keys[i];
    if (std::find(term.mismatch_label_keys.begin(), term.mismatch_label_keys.end(), key) !=
        term.mismatch_label_keys.end()) {
      errs.invalid(p.child("matchLabelKeys").index(i), quote(key),
                   "exists in both matchLabelKeys and mismatchLabelKeys");
    }
  }
  if (term.topology_key.empty()) {
    errs.required(p.child("topologyKey"), "can not be empty");
  }
  validate_label_name(term.topology_key, p.child("topologyKey"), errs);
}

void validate_pod_affinity(const api::PodAffinity& pa, const Path& p, ErrorList& errs) {
  const Path required = p.child("requiredDuringSchedulingIgnoredDuringExecution");
  for (std::size_t i = 0; i < pa.required.size(); ++i) {
    validate_pod_affinity_term(pa.required[i], required.index(i), errs);
  }
  const Path preferred = p.child("preferredDuringSchedulingIgnoredDuringExecution");
  for (std::size_t i = 0; i < pa.preferred.size(); ++i) {
    const api::WeightedPodAffinityTerm& t = pa.preferred[i];
    if (t.weight <= 0 || t.weight > 100) {
      errs.invalid(preferred.index(i).child("weight"), num(t.weight), "must be in the range 1-100");
    }
    validate_pod_affinity_term(t.term, preferred.index(i).child("podAffinityTerm"), errs);
  }
}

void validate_affinity(const api::Affinity& a, const Path& p, ErrorList& errs) {
  if (a.node_affinity) {
    validate_node_affinity(*a.node_affinity, p.child("nodeAffinity"), errs);
  }
  if (a.pod_affinity) {
    validate_pod_affinity(*a.pod_affinity, p.child("podAffinity"), errs);
  }
  if (a.pod_anti_affinity) {
    validate_pod_affinity(*a.pod_anti_affinity, p.child("podAntiAffinity"), errs);
  }
}

std::string_view action_name(api::UnsatisfiableConstraintAction a) {
  return a == api::UnsatisfiableConstraintAction::DoNotSchedule ? "DoNotSchedule" : "ScheduleAnyway";
}

void validate_topology_spread_constraints(const std::vector<api::TopologySpreadConstraint>& constraints,
                                          const Path& fld, ErrorList& errs) {
  for (std::size_t i = 0; i < constraints.size(); ++i) {
    const api::TopologySpreadConstraint& c = constraints[i];
    const Path p = fld.index(i);
    if (c.max_skew <= 0) {
      errs.invalid(p.child("maxSkew"), num(c.max_skew), kIsNotPositiveErrorMsg);
    }
    if (c.topology_key.empty()) {
      errs.required(p.child("topologyKey"), "can not be empty");
    }
    // {topologyKey, whenUnsatisfiable} identifies a constraint; the first of two equal ones is reported.
    for (std::size_t j = i + 1; j < constraints.size(); ++j) {
      if (constraints[j].topology_key == c.topology_key && constraints[j].when_unsatisfiable == c.when_unsatisfiable) {
        errs.duplicate(p.child("{topologyKey, whenUnsatisfiable}"),
                       quote(fmt::format("{{{}, {}}}", c.topology_key, action_name(c.when_unsatisfiable))));
        break;
      }
    }
    if (c.min_domains) {
      if (*c.min_domains <= 0) {
        errs.invalid(p.child("minDomains"), num(*c.min_domains), kIsNotPositiveErrorMsg);
      }
      if (c.when_unsatisfiable != api::UnsatisfiableConstraintAction::DoNotSchedule) {
        errs.invalid(p.child("minDomains"), num(*c.min_domains),
                     fmt::format("can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {}",
                                 action_name(c.when_unsatisfiable)));
      }
    }
    // validateMatchLabelKeysInTopologySpread.
    if (!c.match_label_keys.empty()) {
      const Path mp = p.child("matchLabelKeys");
      if (!c.label_selector) {
        errs.forbidden(mp, "must not be specified when labelSelector is not set");
      }
      for (std::size_t k = 0; k < c.match_label_keys.size(); ++k) {
        const std::string& key = c.match_label_keys[k];
        validate_label_name(key, mp.index(k), errs);
        if (selector_mentions(c.label_selector, key)) {
          errs.invalid(mp.index(k), quote(key), "exists in both matchLabelKeys and labelSelector");
        }
      }
    }
    if (c.label_selector) {
      validate_label_selector(*c.label_selector, p.child("labelSelector"), errs);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Tolerations and taints.

void validate_tolerations(const std::vector<api::Toleration>& tolerations, const Path& fld, ErrorList& errs) {
  for (std::size_t i = 0; i < tolerations.size(); ++i) {
    const api::Toleration& t = tolerations[i];
    const Path p = fld.index(i);
    if (!t.key.empty()) {
      validate_label_name(t.key, p.child("key"), errs);
    }
    const std::string_view op = t.op == api::TolerationOperator::Exists ? "Exists" : "Equal";
    // An empty key with Exists matches every taint; with Equal it would match nothing useful.
    if (t.key.empty() && t.op != api::TolerationOperator::Exists) {
      errs.invalid(p.child("operator"), quote(op),
                   "operator must be Exists when `key` is empty, which means \"match all values and all keys\"");
    }
    if (t.toleration_seconds && t.effect != api::TaintEffect::NoExecute) {
      errs.invalid(p.child("effect"), quote(api::taint_effect_name(t.effect)),
                   "effect must be 'NoExecute' when `tolerationSeconds` is set");
    }
    // Upstream reports value problems under the operator's path.
    if (t.op == api::TolerationOperator::Equal) {
      const std::vector<std::string> msgs = is_valid_label_value(t.value);
      if (!msgs.empty()) {
        errs.invalid(p.child("operator"), quote(t.value), join(msgs, ";"));
      }
    } else if (!t.value.empty()) {
      errs.invalid(p.child("operator"), quote(t.value), "value must be empty when `operator` is 'Exists'");
    }
  }
}

std::string render_taint(const api::Taint& t) {
  return fmt::format("core.Taint{{Key:{}, Value:{}, Effect:{}, TimeAdded:{}}}", quote(t.key), quote(t.value),
                     quote(api::taint_effect_name(t.effect)),
                     t.time_added ? fmt::format("(*v1.Time)({}ns)", t.time_added->nanos()) : "(*v1.Time)(nil)");
}

void validate_node_taints(const std::vector<api::Taint>& taints, const Path& fld, ErrorList& errs) {
  std::set<std::pair<api::TaintEffect, std::string>> seen;
  for (std::size_t i = 0; i < taints.size(); ++i) {
    const api::Taint& t = taints[i];
    const Path p = fld.index(i);
    validate_label_name(t.key, p.child("key"), errs);
    const std::vector<std::string> msgs = is_valid_label_value(t.value);
    if (!msgs.empty()) {
      errs.invalid(p.child("value"), quote(t.value), join(msgs, ";"));
    }
    if (t.effect == api::TaintEffect::None) {
      errs.required(p.child("effect"));
    }
    if (!seen.emplace(t.effect, t.key).second) {
      errs.duplicate(p, render_taint(t), "taints must be unique by key and effect pair");
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Pods and pod templates.

std::string_view restart_policy_name(api::RestartPolicy p) {
  switch (p) {
  case api::RestartPolicy::Always:
    return "Always";
  case api::RestartPolicy::OnFailure:
    return "OnFailure";
  case api::RestartPolicy::Never:
    return "Never";
  }
  return "";
}

// ValidatePodSpecificAnnotations: the deletion cost the ReplicaSet controller ranks pods by.
void validate_pod_specific_annotations(const StringMap& annotations, const PodSpec& spec, const Path& p,
                                       ErrorList& errs) {
  if (const std::string* cost = annotations.find(kPodDeletionCostAnnotation)) {
    // GetDeletionCostFromPodAnnotations: no "+", no leading zeros, fits in int32.
    const std::string& v = *cost;
    const bool first_ok = !v.empty() && (v.front() == '-' || v == "0" || (v.front() >= '1' && v.front() <= '9'));
    const std::optional<std::int64_t> parsed = first_ok ? parse_go_int(v) : std::nullopt;
    if (!parsed || *parsed < std::numeric_limits<std::int32_t>::min() || *parsed > kMaxInt32) {
      errs.invalid(p.key(kPodDeletionCostAnnotation), quote(v), "must be a 32bit integer");
    }
  }
  // kubesim: the pod's run time and its application's warm-up, read by the kubelet model.
  for (std::string_view key : {api::kDurationAnnotation, api::kReadyAfterAnnotation}) {
    if (const std::string* d = annotations.find(key)) {
      std::optional<base::Duration> parsed = base::parse_duration(*d);
      if (!parsed || *parsed < base::Duration::zero()) {
        errs.invalid(p.key(key), quote(*d), "must be a non-negative duration such as 90s, 10m or 1h30m");
      }
    }
  }
  if (const std::string* code = annotations.find(api::kExitCodeAnnotation)) {
    std::optional<std::int64_t> parsed = parse_go_int(*code);
    if (!parsed || *parsed < 0 || *parsed > 255) {
      errs.invalid(p.key(api::kExitCodeAnnotation), quote(*code), "must be an exit code from 0 to 255");
    }
  }
  // kubesim: usage profiles, kubesim.io/cpu[.<container>] and kubesim.io/memory[.<container>].
  for (const auto& [key, value] : annotations) {
    for (api::UsageResource resource : {api::UsageResource::Cpu, api::UsageResource::Memory}) {
      std::string_view base =
          resource == api::UsageResource::Cpu ? api::kCpuUsageAnnotation : api::kMemoryUsageAnnotation;
      std::string_view k = key;
      if (!k.starts_with(base) || (k.size() > base.size() && k[base.size()] != '.')) {
        continue;
      }
      if (k.size() > base.size()) {
        std::string_view container = k.substr(base.size() + 1);
        auto named = [&](const Container& c) { return c.name == container; };
        if (std::none_of(spec.containers.begin(), spec.containers.end(), named) &&
            std::none_of(spec.init_containers.begin(), spec.init_containers.end(), named)) {
          errs.invalid(p.key(key), quote(value), fmt::format("the pod has no container named {}", quote(container)));
          continue;
        }
      }
      auto profile = api::UsageProfile::parse(value, resource);
      if (!profile) {
        errs.invalid(p.key(key), quote(value), profile.error());
      }
    }
  }
}

void validate_pod_spec(const PodSpec& spec, const Path& fld, bool is_pod, ErrorList& errs) {
  if (!spec.termination_grace_period_seconds) {
    errs.required(fld.child("terminationGracePeriodSeconds"));
  } else {
    // kubesim: upstream only warns and treats a negative grace period as 1 second.
    validate_nonnegative(*spec.termination_grace_period_seconds, fld.child("terminationGracePeriodSeconds"), errs);
  }
  validate_containers(spec.containers, fld.child("containers"), errs);
  validate_init_containers(spec.init_containers, spec.containers, fld.child("initContainers"), errs);

  // validatePodHostNetworkDeps: a pod template may leave hostPort 0 (defaulted when the pod is created).
  if (spec.host_network) {
    for (std::size_t i = 0; i < spec.containers.size(); ++i) {
      const std::vector<api::ContainerPort>& ports = spec.containers[i].ports;
      for (std::size_t j = 0; j < ports.size(); ++j) {
        if ((is_pod || ports[j].host_port != 0) && ports[j].host_port != ports[j].container_port) {
          errs.invalid(fld.child("containers").index(i).child("ports").index(j).child("hostPort"),
                       num(ports[j].host_port), "must match `containerPort` when `hostNetwork` is true");
        }
      }
    }
  }

  validate_labels(spec.node_selector, fld.child("nodeSelector"), errs);
  if (spec.affinity) {
    validate_affinity(*spec.affinity, fld.child("affinity"), errs);
  }
  std::set<std::string, std::less<>> gates;
  for (std::size_t i = 0; i < spec.scheduling_gates.size(); ++i) {
    const std::string& gate = spec.scheduling_gates[i];
    validate_label_name(gate, fld.child("schedulingGates").index(i), errs);
    if (!gates.insert(gate).second) {
      errs.duplicate(fld.child("schedulingGates").index(i), quote(gate));
    }
  }
  validate_topology_spread_constraints(spec.topology_spread_constraints, fld.child("topologySpreadConstraints"), errs);
  if (!spec.node_name.empty()) {
    for (const std::string& m : name_is_dns_subdomain(spec.node_name, false)) {
      errs.invalid(fld.child("nodeName"), quote(spec.node_name), m);
    }
  }
  if (spec.active_deadline_seconds) {
    const std::int64_t v = *spec.active_deadline_seconds;
    if (v < 1 || v > kMaxInt32) {
      errs.invalid(fld.child("activeDeadlineSeconds"), num(v), inclusive_range_error(1, kMaxInt32));
    }
  }
  validate_tolerations(spec.tolerations, fld.child("tolerations"), errs);
  if (!spec.priority_class_name.empty()) {
    for (const std::string& m : name_is_dns_subdomain(spec.priority_class_name, false)) {
      errs.invalid(fld.child("priorityClassName"), quote(spec.priority_class_name), m);
    }
  }
  // spec.priority is written by the Priority admission plugin and accepted as is.
  const Path overhead = fld.child("overhead");
  validate_resource_requirements(spec.overhead, nullptr, overhead, overhead, overhead, errs);
}

void validate_pod(const api::Pod& pod, ErrorList& errs) {
  validate_object_meta(pod.metadata, true, name_is_dns_subdomain, errs);
  const Path spec("spec");
  validate_pod_specific_annotations(pod.metadata.annotations, pod.spec, Path("metadata").child("annotations"), errs);
  validate_pod_spec(pod.spec, spec, /*is_pod=*/true, errs);
  // validateContainersOnlyForPod: templates may carry " " as a placeholder image, pods may not.
  const auto check_whitespace = [&](const std::vector<Container>& containers, const Path& fld) {
    for (std::size_t i = 0; i < containers.size(); ++i) {
      const std::string& image = containers[i].image;
      const bool padded = !image.empty() && (std::isspace(static_cast<unsigned char>(image.front())) != 0 ||
                                             std::isspace(static_cast<unsigned char>(image.back())) != 0);
      if (padded) {
        errs.invalid(fld.index(i).child("image"), quote(image), "must not have leading or trailing whitespace");
      }
    }
  };
  check_whitespace(pod.spec.containers, spec.child("containers"));
  check_whitespace(pod.spec.init_containers, spec.child("initContainers"));
  if (!pod.spec.node_name.empty() && !pod.spec.scheduling_gates.empty()) {
    errs.forbidden(spec.child("nodeName"), "cannot be set until all schedulingGates have been cleared");
  }
}

// ValidatePodTemplateSpec (label/annotation errors at metadata.*, where the manifest has them).
void validate_pod_template_spec(const api::PodTemplateSpec& t, const Path& p, ErrorList& errs) {
  const Path meta = p.child("metadata");
  validate_labels(t.metadata.labels, meta.child("labels"), errs);
  validate_annotations(t.metadata.annotations, meta.child("annotations"), errs);
  validate_pod_specific_annotations(t.metadata.annotations, t.spec, meta.child("annotations"), errs);
  validate_pod_spec(t.spec, p.child("spec"), /*is_pod=*/false, errs);
}

// apps ValidatePodTemplateSpecForReplicaSet (also used for Deployments).
void validate_pod_template_for_replica_set(const api::PodTemplateSpec& t, const LabelSelector& selector, const Path& p,
                                           ErrorList& errs) {
  if (!selector.empty() && !selector.matches(t.metadata.labels)) {
    errs.invalid(p.child("metadata").child("labels"), render_string_map(t.metadata.labels),
                 "`selector` does not match template `labels`");
  }
  validate_pod_template_spec(t, p, errs);
  if (t.spec.restart_policy != api::RestartPolicy::Always) {
    errs.not_supported(p.child("spec").child("restartPolicy"), quote(restart_policy_name(t.spec.restart_policy)),
                       {"Always"});
  }
  if (t.spec.active_deadline_seconds) {
    errs.forbidden(p.child("spec").child("activeDeadlineSeconds"),
                   "activeDeadlineSeconds in ReplicaSet is not Supported");
  }
}

// The selector checks shared by ReplicaSet and Deployment, then the template.
void validate_selector_and_template(const LabelSelector& selector, const api::PodTemplateSpec& t, const Path& spec,
                                    ErrorList& errs) {
  validate_label_selector(selector, spec.child("selector"), errs);
  if (selector.empty()) {
    // Upstream uses the Deployment wording for ReplicaSets too.
    errs.invalid(spec.child("selector"), render_label_selector(selector), "empty selector is invalid for deployment");
  }
  if (!is_convertible_selector(selector)) {
    errs.invalid(spec.child("selector"), render_label_selector(selector), "invalid label selector");
    return;
  }
  validate_pod_template_for_replica_set(t, selector, spec.child("template"), errs);
}

// ValidateJob (pkg/apis/batch/validation): counts, the selector matching the template, and a
// restartPolicy that lets a pod finish.
void validate_job(const api::Job& job, ErrorList& errs) {
  validate_object_meta(job.metadata, true, name_is_dns_subdomain, errs);
  const Path spec("spec");
  const api::JobSpec& s = job.spec;
  if (s.parallelism) {
    validate_nonnegative(*s.parallelism, spec.child("parallelism"), errs);
  }
  if (s.completions) {
    validate_nonnegative(*s.completions, spec.child("completions"), errs);
  }
  if (s.active_deadline_seconds && *s.active_deadline_seconds <= 0) {
    errs.invalid(spec.child("activeDeadlineSeconds"), std::to_string(*s.active_deadline_seconds),
                 "must be greater than 0");
  }
  validate_nonnegative(s.backoff_limit, spec.child("backoffLimit"), errs);
  if (s.ttl_seconds_after_finished) {
    validate_nonnegative(*s.ttl_seconds_after_finished, spec.child("ttlSecondsAfterFinished"), errs);
  }
  if (s.completion_mode != "NonIndexed" && s.completion_mode != "Indexed") {
    errs.not_supported(spec.child("completionMode"), quote(s.completion_mode), {"NonIndexed", "Indexed"});
  }
  if (s.completion_mode == "Indexed" && !s.completions) {
    errs.required(spec.child("completions"), "when completion mode is Indexed");
  }
  if (s.selector.empty()) {
    // Without manualSelector the API server generates the selector at create time (before this runs);
    // an empty one here is a manifest checked at load time, which will get it.
    if (s.manual_selector) {
      errs.required(spec.child("selector"));
    }
  } else {
    validate_label_selector(s.selector, spec.child("selector"), errs);
    if (is_convertible_selector(s.selector) && !s.selector.matches(s.template_.metadata.labels)) {
      errs.invalid(spec.child("template").child("metadata").child("labels"),
                   render_string_map(s.template_.metadata.labels), "`selector` does not match template `labels`");
    }
  }
  validate_pod_template_spec(s.template_, spec.child("template"), errs);
  api::RestartPolicy rp = s.template_.spec.restart_policy;
  if (rp != api::RestartPolicy::OnFailure && rp != api::RestartPolicy::Never) {
    errs.not_supported(spec.child("template").child("spec").child("restartPolicy"), quote(restart_policy_name(rp)),
                       {"OnFailure", "Never"});
  }
}

void validate_replica_set(const api::ReplicaSet& rs, ErrorList& errs) {
  validate_object_meta(rs.metadata, true, name_is_dns_subdomain, errs);
  const Path spec("spec");
  validate_nonnegative(rs.spec.replicas, spec.child("replicas"), errs);
  validate_nonnegative(rs.spec.min_ready_seconds, spec.child("minReadySeconds"), errs);
  validate_selector_and_template(rs.spec.selector, rs.spec.template_, spec, errs);
}

// ---------------------------------------------------------------------------------------------------
// IntOrString fields (apps ValidatePositiveIntOrPercent and friends).

std::optional<std::int64_t> percent_value(const IntOrString& v) {
  if (!v.is_string || !matches_percent(v.str_value)) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  const char* first = v.str_value.data();
  const char* last = first + v.str_value.size() - 1;
  auto [ptr, ec] = std::from_chars(first, last, value);
  return ec == std::errc() && ptr == last ? value : 0;  // strconv.Atoi's error is ignored upstream
}

std::int64_t int_or_percent_value(const IntOrString& v) {
  if (const std::optional<std::int64_t> pct = percent_value(v)) {
    return *pct;
  }
  if (v.is_string) {
    return parse_go_int(v.str_value).value_or(0);  // IntOrString.IntValue()
  }
  return v.int_value;
}

void validate_positive_int_or_percent(const IntOrString& v, const Path& p, ErrorList& errs) {
  if (v.is_string) {
    for (const std::string& m : is_valid_percent(v.str_value)) {
      errs.invalid(p, render_int_or_string(v), m);
    }
  } else {
    validate_nonnegative(v.int_value, p, errs);
  }
}

void validate_not_more_than_100_percent(const IntOrString& v, const Path& p, ErrorList& errs) {
  const std::optional<std::int64_t> pct = percent_value(v);
  if (pct && *pct > 100) {
    errs.invalid(p, render_int_or_string(v), "must not be greater than 100%");
  }
}

void validate_deployment(const api::Deployment& d, ErrorList& errs) {
  validate_object_meta(d.metadata, true, name_is_dns_subdomain, errs);
  const Path spec("spec");
  validate_nonnegative(d.spec.replicas, spec.child("replicas"), errs);
  validate_selector_and_template(d.spec.selector, d.spec.template_, spec, errs);
  if (d.spec.strategy == api::DeploymentStrategyType::RollingUpdate) {
    const Path ru = spec.child("strategy").child("rollingUpdate");
    const api::RollingUpdateDeployment& r = d.spec.rolling_update;
    validate_positive_int_or_percent(r.max_unavailable, ru.child("maxUnavailable"), errs);
    validate_positive_int_or_percent(r.max_surge, ru.child("maxSurge"), errs);
    if (int_or_percent_value(r.max_unavailable) == 0 && int_or_percent_value(r.max_surge) == 0) {
      errs.invalid(ru.child("maxUnavailable"), render_int_or_string(r.max_unavailable),
                   "may not be 0 when `maxSurge` is 0");
    }
    validate_not_more_than_100_percent(r.max_unavailable, ru.child("maxUnavailable"), errs);
  }
  validate_nonnegative(d.spec.min_ready_seconds, spec.child("minReadySeconds"), errs);
  validate_nonnegative(d.spec.revision_history_limit, spec.child("revisionHistoryLimit"), errs);
  validate_nonnegative(d.spec.progress_deadline_seconds, spec.child("progressDeadlineSeconds"), errs);
  if (d.spec.progress_deadline_seconds <= d.spec.min_ready_seconds) {
    errs.invalid(spec.child("progressDeadlineSeconds"), num(d.spec.progress_deadline_seconds),
                 "must be greater than minReadySeconds");
  }
}

// ---------------------------------------------------------------------------------------------------
// Service, Node, PriorityClass, PodDisruptionBudget.

std::string render_service_port_key(const api::ServicePort& port) {
  return fmt::format("core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), Port:{}, "
                     "TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}",
                     quote(port.protocol), port.port);
}

void validate_service(const api::Service& svc, ErrorList& errs) {
  validate_object_meta(svc.metadata, true, name_is_dns1035_label, errs);
  const Path spec("spec");
  const api::ServiceSpec& s = svc.spec;
  const bool headless = s.cluster_ip == "None";
  if (s.ports.empty() && !headless && s.type != "ExternalName") {
    errs.required(spec.child("ports"));
  }
  if (headless && (s.type == "LoadBalancer" || s.type == "NodePort")) {
    errs.invalid(spec.child("clusterIP"), quote(s.cluster_ip),
                 fmt::format("may not be set to 'None' for {} services", s.type));
  }
  if (s.type == "ExternalName" && !s.cluster_ip.empty()) {
    errs.forbidden(spec.child("clusterIP"), "may not be set for ExternalName services");
  }

  std::set<std::string, std::less<>> names;
  const Path ports = spec.child("ports");
  for (std::size_t i = 0; i < s.ports.size(); ++i) {
    const api::ServicePort& port = s.ports[i];
    const Path p = ports.index(i);
    // With more than one port every port needs a distinct name (it keys the endpoints).
    if (s.ports.size() > 1 && port.name.empty()) {
      errs.required(p.child("name"));
    } else if (!port.name.empty()) {
      validate_dns1123_label(port.name, p.child("name"), errs);
      if (!names.insert(port.name).second) {
        errs.duplicate(p.child("name"), quote(port.name));
      }
    }
    for (const std::string& m : is_valid_port_num(port.port)) {
      errs.invalid(p.child("port"), num(port.port), m);
    }
    if (port.protocol.empty()) {
      errs.required(p.child("protocol"));
    } else if (port.protocol != "TCP" && port.protocol != "UDP" && port.protocol != "SCTP") {
      errs.not_supported(p.child("protocol"), quote(port.protocol), {"SCTP", "TCP", "UDP"});
    }
    if (port.target_port) {
      if (port.target_port->is_string) {
        for (const std::string& m : is_valid_port_name(port.target_port->str_value)) {
          errs.invalid(p.child("targetPort"), quote(port.target_port->str_value), m);
        }
      } else {
        for (const std::string& m : is_valid_port_num(port.target_port->int_value)) {
          errs.invalid(p.child("targetPort"), num(port.target_port->int_value), m);
        }
      }
    }
  }
  validate_labels(s.selector, spec.child("selector"), errs);
  if (!s.cluster_ip.empty() && !headless && s.type != "ExternalName" && !is_valid_ip(s.cluster_ip)) {
    errs.invalid(spec.child("clusterIP"), quote(s.cluster_ip),
                 "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
  }
  if (s.type.empty()) {
    errs.required(spec.child("type"));
  } else if (s.type != "ClusterIP" && s.type != "NodePort" && s.type != "LoadBalancer" && s.type != "ExternalName") {
    errs.not_supported(spec.child("type"), quote(s.type), {"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"});
  }
  if (s.type == "ClusterIP") {
    for (std::size_t i = 0; i < s.ports.size(); ++i) {
      if (s.ports[i].node_port != 0) {
        errs.forbidden(ports.index(i).child("nodePort"), "may not be used when `type` is 'ClusterIP'");
      }
    }
  }
  std::set<std::pair<std::string, std::int32_t>> node_ports;
  for (std::size_t i = 0; i < s.ports.size(); ++i) {
    const api::ServicePort& port = s.ports[i];
    if (port.node_port != 0 && !node_ports.emplace(port.protocol, port.node_port).second) {
      errs.duplicate(ports.index(i).child("nodePort"), num(port.node_port));
    }
  }
  std::set<std::pair<std::string, std::int32_t>> service_ports;
  for (std::size_t i = 0; i < s.ports.size(); ++i) {
    const api::ServicePort& port = s.ports[i];
    if (!service_ports.emplace(port.protocol, port.port).second) {
      errs.duplicate(ports.index(i), render_service_port_key(port));
    }
  }
}

void validate_node(const api::Node& node, ErrorList& errs) {
  validate_object_meta(node.metadata, false, name_is_dns_subdomain, errs);
  validate_node_taints(node.spec.taints, Path("spec").child("taints"), errs);
  // Allocatable may exceed capacity: upstream has no such rule.
  for (const auto& [name, amount] : node.status.capacity) {
    validate_resource_quantity(name, amount, Path("status").child("capacity").key(name), errs);
  }
  for (const auto& [name, amount] : node.status.allocatable) {
    validate_resource_quantity(name, amount, Path("status").child("allocatable").key(name), errs);
  }
}

void validate_priority_class(const api::PriorityClass& pc, ErrorList& errs) {
  validate_object_meta(pc.metadata, false, name_is_dns_subdomain, errs);
  const std::string& name = pc.metadata.name;
  if (name.starts_with("system-")) {
    // IsKnownSystemPriorityClass: the built-in classes, with their exact value and globalDefault.
    struct Known {
      std::string_view name;
      std::int32_t value;
    };
    constexpr std::array<Known, 2> kSystem = {
        {{"system-node-critical", api::kSystemNodeCritical}, {"system-cluster-critical", api::kSystemClusterCritical}}};
    std::string problem = fmt::format("{} is not a known system priority class", name);
    for (const Known& k : kSystem) {
      if (k.name == name) {
        if (k.value != pc.value) {
          problem = fmt::format("value of {} PriorityClass must be {}", name, k.value);
        } else if (pc.global_default) {
          problem = fmt::format("globalDefault of {} PriorityClass must be false", name);
        } else {
          problem.clear();
        }
      }
    }
    if (!problem.empty()) {
      errs.forbidden(Path("metadata").child("name"),
                     "priority class names with 'system-' prefix are reserved for system use only. error: " + problem);
    }
  } else if (pc.value > api::kHighestUserDefinablePriority) {
    errs.forbidden(Path("value"), fmt::format("maximum allowed value of a user defined priority is {}",
                                              api::kHighestUserDefinablePriority));
  }
}

void validate_pod_disruption_budget(const api::PodDisruptionBudget& pdb, ErrorList& errs) {
  validate_object_meta(pdb.metadata, true, name_is_dns_subdomain, errs);
  const Path spec("spec");
  const api::PodDisruptionBudgetSpec& s = pdb.spec;
  if (s.min_available && s.max_unavailable) {
    errs.invalid(spec,
                 fmt::format("policy.PodDisruptionBudgetSpec{{MinAvailable:{}, MaxUnavailable:{}}}",
                             render_int_or_string(*s.min_available), render_int_or_string(*s.max_unavailable)),
                 "minAvailable and maxUnavailable cannot be both set");
  }
  if (s.min_available) {
    validate_positive_int_or_percent(*s.min_available, spec.child("minAvailable"), errs);
    validate_not_more_than_100_percent(*s.min_available, spec.child("minAvailable"), errs);
  }
  if (s.max_unavailable) {
    validate_positive_int_or_percent(*s.max_unavailable, spec.child("maxUnavailable"), errs);
    validate_not_more_than_100_percent(*s.max_unavailable, spec.child("maxUnavailable"), errs);
  }
  if (s.selector) {
    validate_label_selector(*s.selector, spec.child("selector"), errs);
  }
  const std::string& policy = s.unhealthy_pod_eviction_policy;
  if (!policy.empty() && policy != "IfHealthyBudget" && policy != "AlwaysAllow") {
    errs.not_supported(spec.child("unhealthyPodEvictionPolicy"), quote(policy), {"AlwaysAllow", "IfHealthyBudget"});
  }
}

}  // namespace

std::vector<FieldError> validate_object(const api::AnyObject& object) {
  ErrorList errs;
  std::visit(
      [&errs](const auto& obj) {
        using T = std::decay_t<decltype(obj)>;
        if constexpr (std::is_same_v<T, api::Node>) {
          validate_node(obj, errs);
        } else if constexpr (std::is_same_v<T, api::Pod>) {
          validate_pod(obj, errs);
        } else if constexpr (std::is_same_v<T, api::Service>) {
          validate_service(obj, errs);
        } else if constexpr (std::is_same_v<T, api::ReplicaSet>) {
          validate_replica_set(obj, errs);
        } else if constexpr (std::is_same_v<T, api::Deployment>) {
          validate_deployment(obj, errs);
        } else if constexpr (std::is_same_v<T, api::PriorityClass>) {
          validate_priority_class(obj, errs);
        } else if constexpr (std::is_same_v<T, api::Job>) {
          validate_job(obj, errs);
        } else if constexpr (std::is_same_v<T, api::Event> || std::is_same_v<T, api::Lease> ||
                             std::is_same_v<T, api::Endpoints> || std::is_same_v<T, api::EndpointSlice>) {
          // Written only by simulated components: the object meta is all that can go wrong.
          validate_object_meta(obj.metadata, true, name_is_dns_subdomain, errs);
        } else {
          static_assert(std::is_same_v<T, api::PodDisruptionBudget>, "every AnyObject alternative is validated");
          validate_pod_disruption_budget(obj, errs);
        }
      },
      object);
  return errs.release();
}

}  // namespace kubesim::apiserver
