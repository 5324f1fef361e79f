#pragma once

// The Scenario document (apiVersion kubesim.io/v1alpha1, kind Scenario) → ScenarioSpec. The format is
// documented field by field in docs/scenarios.md.

#include "yaml_reader_internal.hpp"

#include "kubesim/scenario/scenario_spec.hpp"

namespace kubesim::scenario::internal {

inline constexpr std::string_view kScenarioApiVersion = "kubesim.io/v1alpha1";

/// Reads the scenario document `root` into `out` (whose `file` is already set). Problems are reported
/// through `r`; `out` is meaningful only when none were.
void read_scenario(Reader& r, const YAML::Node& root, ScenarioSpec& out);

/// Parses a positive decimal rate ("50", "0.5") and returns the interval 1s/rate rounded to the nearest
/// nanosecond; nullopt for anything else, for 0, and for rates whose interval falls outside (0, max].
std::optional<Duration> interval_from_rate(std::string_view text);

}  // namespace kubesim::scenario::internal
