#include "kubesim/cluster/trace_filter.hpp"

#include "kubesim/api/kind.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace kubesim::cluster {
namespace {

constexpr std::string_view kKeyHint = "keys are pod, component, node and kind, e.g. pod=web-*,component=scheduler";

std::string join(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view n : names) {
    out += out.empty() ? std::string(n) : fmt::format(", {}", n);
  }
  return out;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool has_glob(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

// A component term names a known component, or a per-node one ("kubelet/worker-1"), or is a glob.
bool is_known_component(std::string_view v) {
  if (has_glob(v)) {
    return true;
  }
  const auto& names = trace_components();
  if (std::find(names.begin(), names.end(), v) != names.end()) {
    return true;
  }
  std::size_t slash = v.find('/');
  if (slash == std::string_view::npos || slash + 1 == v.size()) {
    return false;
  }
  std::string_view base = v.substr(0, slash);
  return base == "kubelet" || base == "kube-proxy";
}

bool component_matches(std::string_view term, std::string_view component) {
  if (glob_match(term, component)) {
    return true;
  }
  // "kubelet" covers "kubelet/<node>".
  return component.size() > term.size() && component.substr(0, term.size()) == term && component[term.size()] == '/';
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

const std::vector<std::string_view>& trace_components() {
  static const std::vector<std::string_view> kNames = {
      "api-server",    "scheduler",      "deployment",     "replicaset", "kubelet", "kube-proxy",        "endpoints",
      "endpointslice", "node-lifecycle", "taint-eviction", "disruption", "job",     "garbage-collector", "timeline"};
  return kNames;
}

base::Expected<TraceFilter, TraceFilterError> TraceFilter::parse(std::string_view text) {
  TraceFilter f;
  if (text.empty()) {
    return base::unexpected(TraceFilterError{"the filter is empty", std::string(kKeyHint)});
  }
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = text.find(',', start);
    std::string_view term =
        text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (term.empty()) {
      return base::unexpected(
          TraceFilterError{"empty term", "separate key=value terms with single commas, e.g. pod=web-*,node=worker-1"});
    }
    std::size_t eq = term.find('=');
    if (eq == std::string_view::npos) {
      return base::unexpected(TraceFilterError{fmt::format("term '{}' is not key=value", term), std::string(kKeyHint)});
    }
    std::string_view key = term.substr(0, eq);
    std::string_view value = term.substr(eq + 1);
    Key k = kKeyCount;
    if (key == "pod") {
      k = kPod;
    } else if (key == "component") {
      k = kComponent;
    } else if (key == "node") {
      k = kNode;
    } else if (key == "kind") {
      k = kKind;
    } else {
      return base::unexpected(TraceFilterError{fmt::format("unknown key '{}'", key), std::string(kKeyHint)});
    }
    if (value.empty()) {
      return base::unexpected(TraceFilterError{fmt::format("term '{}' has no value", term),
                                               fmt::format("give a value, e.g. {}=web-*", key)});
    }
    if (k == kComponent && !is_known_component(value)) {
      return base::unexpected(TraceFilterError{fmt::format("unknown component '{}'", value),
                                               fmt::format("components are {}", join(trace_components()))});
    }
    std::string stored(value);
    if (k == kKind) {
      bool found = false;
      std::vector<std::string_view> kinds;
      for (std::size_t i = 0; i < api::kKindCount; ++i) {
        std::string_view name = api::kind_name(static_cast<api::Kind>(i));
        kinds.push_back(name);
        if (equals_ignore_case(name, value)) {
          stored = std::string(name);
          found = true;
        }
      }
      if (!found) {
        return base::unexpected(
            TraceFilterError{fmt::format("unknown kind '{}'", value), fmt::format("kinds are {}", join(kinds))});
      }
    }
    f.terms_[k].push_back(std::move(stored));
    if (comma == std::string_view::npos) {
      break;
    }
    start = comma + 1;
  }
  return f;
}

bool TraceFilter::empty() const {
  return std::all_of(terms_.begin(), terms_.end(), [](const auto& t) { return t.empty(); });
}

bool TraceFilter::matches(const TraceSubject& s) const {
  auto any = [](const std::vector<std::string>& terms, auto&& pred) {
    return terms.empty() || std::any_of(terms.begin(), terms.end(), pred);
  };
  std::string qualified;
  if (!terms_[kPod].empty() && !s.pod_name.empty()) {
    qualified = fmt::format("{}/{}", s.pod_namespace, s.pod_name);
  }
  return any(terms_[kPod],
             [&](const std::string& g) {
               return !s.pod_name.empty() && (glob_match(g, s.pod_name) || glob_match(g, qualified));
             }) &&
         any(terms_[kComponent], [&](const std::string& g) { return component_matches(g, s.component); }) &&
         any(terms_[kNode],
             [&](const std::string& g) {
               return (!s.node.empty() && glob_match(g, s.node)) ||
                      std::any_of(s.nodes.begin(), s.nodes.end(),
                                  [&](const std::string& n) { return glob_match(g, n); });
             }) &&
         any(terms_[kKind], [&](const std::string& k) { return k == s.kind; });
}

}  // namespace kubesim::cluster
