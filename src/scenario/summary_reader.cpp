#include "kubesim/scenario/summary_reader.hpp"

#include "yaml_reader_internal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string_view>

namespace kubesim::scenario {
namespace {

using internal::Reader;

// A plain (unquoted) scalar that is a JSON number, as a double; nullopt otherwise.
std::optional<double> number_of(const YAML::Node& node) {
  if (node.Tag() != "?") {
    return std::nullopt;  // a quoted string
  }
  const std::string& text = node.Scalar();
  if (text.empty()) {
    return std::nullopt;
  }
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) {
    return std::nullopt;
  }
  return v;
}

// The name of an array element: its identifying string fields, space-separated ("kubelet get nodes",
// "default web", "pods.pending == 0"); fields that describe the outcome (measured, note) are not part
// of the name, so an element keeps its name when its values change.
std::string element_key(const YAML::Node& item) {
  static constexpr std::array<std::string_view, 8> kIdFields = {"client", "verb",      "resource", "type",
                                                                "reason", "namespace", "service",  "check"};
  // Rollouts and node faults carry one identifying field of their own.
  for (const char* id : {"rollout", "fault"}) {
    if (item[id] && item[id].IsScalar()) {
      return item[id].Scalar();
    }
  }
  std::string key;
  for (auto it = item.begin(); it != item.end(); ++it) {
    const std::string& field = it->first.Scalar();
    if (it->second.IsScalar() && it->second.Tag() != "?" &&
        std::find(kIdFields.begin(), kIdFields.end(), field) != kIdFields.end()) {
      key += key.empty() ? "" : " ";
      key += it->second.Scalar();
    }
  }
  return key;
}

void flatten(const YAML::Node& node, const std::string& name, bool in_element, SummaryLeaves& out) {
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key = it->first.Scalar();
      flatten(it->second, name.empty() ? key : name + "." + key, in_element, out);
    }
    return;
  }
  if (node.IsSequence()) {
    if (in_element) {
      return;  // error windows and the like: not single values
    }
    for (const YAML::Node& item : node) {
      if (item.IsMap()) {
        flatten(item, fmt::format("{}[{}]", name, element_key(item)), true, out);
      }
    }
    return;
  }
  if (!node.IsScalar()) {
    return;
  }
  // When a check was measured describes the check, not the run's performance: not a metric.
  if (in_element && name.size() >= 20 && name.compare(name.size() - 20, 20, ".measured_at_seconds") == 0) {
    return;
  }
  if (node.Tag() == "?" && (node.Scalar() == "true" || node.Scalar() == "false")) {
    out.values.emplace_back(name, node.Scalar() == "true" ? 1.0 : 0.0);
  } else if (std::optional<double> v = number_of(node)) {
    out.values.emplace_back(name, *v);
  }
}

// A string field of an object, or empty when it is absent or not a scalar.
std::string text_of(const YAML::Node& map, const char* key) {
  const YAML::Node v = map[key];
  return v && v.IsScalar() ? v.Scalar() : std::string();
}

// Expectations are a table for a reader, not numbers to compare: keep their text as written.
std::vector<SummaryExpectation> expectations_of(const YAML::Node& doc) {
  std::vector<SummaryExpectation> out;
  const YAML::Node list = doc["expectations"];
  if (!list || !list.IsSequence()) {
    return out;
  }
  for (const YAML::Node& item : list) {
    if (!item.IsMap()) {
      continue;
    }
    std::optional<double> at;
    if (item["measured_at_seconds"]) {
      at = number_of(item["measured_at_seconds"]);
    }
    out.push_back(SummaryExpectation{text_of(item, "check"), text_of(item, "name"), text_of(item, "location"),
                                     text_of(item, "passed") == "true", text_of(item, "measured"),
                                     text_of(item, "note"), at});
  }
  return out;
}

SummaryRecord record_of(const YAML::Node& item) {
  SummaryRecord r;
  for (auto it = item.begin(); it != item.end(); ++it) {
    const YAML::Node v = it->second;  // a copy: `it->second` is a temporary (GCC's -Wdangling-pointer)
    if (v.IsScalar()) {
      r.fields.emplace_back(it->first.Scalar(), v.Scalar());
    } else if (v.IsNull()) {
      r.fields.emplace_back(it->first.Scalar(), "null");
    } else if (v.IsSequence()) {
      std::vector<SummaryRecord> list;
      for (const YAML::Node& e : v) {
        if (e.IsMap()) {
          list.push_back(record_of(e));
        }
      }
      r.lists.emplace_back(it->first.Scalar(), std::move(list));
    }
  }
  return r;
}

// The top-level arrays whose elements are objects, as records.
std::vector<std::pair<std::string, std::vector<SummaryRecord>>> tables_of(const YAML::Node& doc) {
  std::vector<std::pair<std::string, std::vector<SummaryRecord>>> out;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (!it->second.IsSequence()) {
      continue;
    }
    std::vector<SummaryRecord> records;
    for (const YAML::Node& item : it->second) {
      if (item.IsMap()) {
        records.push_back(record_of(item));
      }
    }
    out.emplace_back(it->first.Scalar(), std::move(records));
  }
  return out;
}

}  // namespace

base::Expected<SummaryLeaves, base::Diagnostics> parse_summary(std::string_view json_text, const std::string& file) {
  base::Diagnostics diags;
  Reader r(file, diags);
  SummaryLeaves out;
  internal::for_each_document(
      json_text, r, diags,
      [&](const std::vector<YAML::Node>& docs) {
        const YAML::Node* doc = docs.empty() ? nullptr : &docs.front();
        if (doc == nullptr || !doc->IsMap() || !(*doc)["fingerprint"] || !(*doc)["pods"]) {
          r.error(base::SourceLocation{file, 1, 1}, "not a kubesim run summary",
                  "compare the summary.json files that `kubesim run --out DIR` writes");
          return;
        }
        out.fingerprint = (*doc)["fingerprint"].Scalar();
        out.scenario = text_of(*doc, "scenario");
        out.expectations = expectations_of(*doc);
        out.tables = tables_of(*doc);
        flatten(*doc, "", false, out);
      },
      "summary.json must be the JSON that `kubesim run --out DIR` writes; was it edited or cut short?");
  if (diags.has_errors()) {
    return base::unexpected(std::move(diags));
  }
  return out;
}

base::Expected<SummaryLeaves, base::Diagnostics> load_summary(const std::string& path) {
  std::string text;
  std::string error;
  if (!internal::read_text_file(path, text, error)) {
    base::Diagnostics diags;
    diags.error(base::SourceLocation{path, 0, 0}, fmt::format("cannot read summary file '{}': {}", path, error));
    return base::unexpected(std::move(diags));
  }
  return parse_summary(text, path);
}

}  // namespace kubesim::scenario
