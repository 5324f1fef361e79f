#pragma once

/// Reading scenarios and Kubernetes manifests from YAML text. Every function collects all problems it
/// finds, as Diagnostics with 1-based file:line:col locations, instead of stopping at the first.

#include "kubesim/base/diagnostic.hpp"
#include "kubesim/base/expected.hpp"
#include "kubesim/scenario/scenario_spec.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace kubesim::scenario {

using base::Diagnostics;
using base::Expected;

/// Parses and validates a scenario. `file` is used in diagnostics and as ScenarioSpec::file.
Expected<ScenarioSpec, Diagnostics> parse_scenario(std::string_view yaml_text, const std::string& file);

/// Reads `path` and parses it; a file that cannot be read is a Diagnostic too.
Expected<ScenarioSpec, Diagnostics> load_scenario(const std::string& path);

/// Parses a multi-document YAML stream of Kubernetes manifests (`---`-separated; a `kind: List` with
/// `items` is expanded), as `kubectl apply -f` would read it.
Expected<std::vector<ManifestObject>, Diagnostics> parse_manifests(std::string_view yaml_text, const std::string& file);

/// The built-in quickstart scenario (also shipped as scenarios/quickstart.yaml; a test keeps them equal).
std::string_view builtin_quickstart_yaml();

}  // namespace kubesim::scenario
