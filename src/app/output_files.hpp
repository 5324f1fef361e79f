#pragma once

/// Helpers shared by the subcommands that read scenarios and write files.

#include "kubesim/scenario/scenario_spec.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace kubesim::app {

/// Loads the scenario at `path`, or the built-in quickstart when `path` is empty. Prints the
/// diagnostics on stderr and returns nullopt when the scenario has errors.
std::optional<scenario::ScenarioSpec> load_scenario_or_report(const std::string& path);

/// Creates the output folder `dir` and its parents. On failure prints "error: cannot create output
/// directory ..." on stderr and returns false (bad input: exit 2).
bool create_output_dir(const std::string& dir);

/// Writes `content` to `path` through a temporary file, so a failure never leaves a half-written file.
/// Returns false (errno set) on failure.
bool write_file_atomically(const std::filesystem::path& path, const std::string& content);

}  // namespace kubesim::app
