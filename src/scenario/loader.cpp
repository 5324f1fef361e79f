#include "kubesim/scenario/loader.hpp"

#include "manifest_reader_internal.hpp"
#include "scenario_reader_internal.hpp"
#include "yaml_reader_internal.hpp"

#include "kubesim/base/hash.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>

namespace kubesim::scenario {
namespace {

using internal::for_each_document;
using internal::in_file_order;
using internal::Reader;

}  // namespace

Expected<ScenarioSpec, Diagnostics> parse_scenario(std::string_view yaml_text, const std::string& file) {
  Diagnostics diags;
  Reader r(file, diags);
  ScenarioSpec spec;
  spec.file = file;
  spec.source_hash = base::fnv1a64(yaml_text);
  for_each_document(yaml_text, r, diags, [&](const std::vector<YAML::Node>& docs) {
    std::vector<const YAML::Node*> present;
    for (const YAML::Node& d : docs) {
      if (!d.IsNull()) {
        present.push_back(&d);
      }
    }
    if (present.empty()) {
      r.error(SourceLocation{file, 0, 0}, "scenario file is empty",
              "a scenario starts with apiVersion: kubesim.io/v1alpha1 and kind: Scenario");
      return;
    }
    if (present.size() > 1) {
      r.error(r.loc(*present[1]), "a scenario file holds one YAML document; found another one here",
              "put Kubernetes manifests under spec.objects");
    }
    internal::read_scenario(r, *present[0], spec);
  });
  if (diags.has_errors()) {
    return base::unexpected(in_file_order(diags));
  }
  return spec;
}

Expected<ScenarioSpec, Diagnostics> load_scenario(const std::string& path) {
  std::string text;
  std::string error;
  if (!internal::read_text_file(path, text, error)) {
    Diagnostics diags;
    diags.error(SourceLocation{path, 0, 0}, fmt::format("cannot read scenario file '{}': {}", path, error));
    return base::unexpected(std::move(diags));
  }
  return parse_scenario(text, path);
}

Expected<std::vector<ManifestObject>, Diagnostics> parse_manifests(std::string_view yaml_text,
                                                                   const std::string& file) {
  Diagnostics diags;
  Reader r(file, diags);
  std::vector<ManifestObject> objects;
  for_each_document(yaml_text, r, diags, [&](const std::vector<YAML::Node>& docs) {
    for (const YAML::Node& d : docs) {
      // `kubectl apply` skips empty documents (a trailing `---`, a file of comments).
      if (!d.IsNull()) {
        internal::read_manifests(r, internal::root_value(r, d), objects);
      }
    }
  });
  if (diags.has_errors()) {
    return base::unexpected(in_file_order(diags));
  }
  return objects;
}

}  // namespace kubesim::scenario
