#pragma once

// KubeSchedulerConfiguration reading for the scenario reader (spec.controlPlane.scheduler.configuration
// and configurationFile) and for `kubesim schedule` snapshots. Private to src/scenario.

#include "yaml_reader_internal.hpp"

#include "kubesim/scenario/scheduler_config_reader.hpp"

#include <optional>

namespace kubesim::scenario::internal {

/// Reads and validates the KubeSchedulerConfiguration at `v`. apiVersion and kind are optional when
/// `require_type` is false (an inline configuration in a scenario), but must be right when given.
/// Problems are reported through `r`; returns nullopt when there were any.
std::optional<SchedulerConfiguration> read_scheduler_configuration(Reader& r, const Value& v, bool require_type);

/// Reads a KubeSchedulerConfiguration from `path` (resolved against the directory of `r.file()` when
/// relative); `at` is where the path was written, for "cannot read" errors.
std::optional<SchedulerConfiguration> read_scheduler_configuration_file(Reader& r, const Value& at,
                                                                        const std::string& path);

}  // namespace kubesim::scenario::internal
