#pragma once

/// Reading kube-scheduler's own configuration file, a `kubescheduler.config.k8s.io/v1`
/// `KubeSchedulerConfiguration`, into kubesim's scheduler config structs; and reading the snapshot files
/// of `kubesim schedule` (ordinary manifests plus, optionally, one KubeSchedulerConfiguration).
///
/// Validation follows upstream's ValidateKubeSchedulerConfiguration and the plugins' args validation,
/// then each profile is merged with the defaults and instantiated once (scheduler::Framework::create)
/// so that framework errors (a plugin at a point it does not implement, no Bind, ...) are reported at
/// load time, at the profile's line. The format is documented in docs/scheduler-config.md.

#include "kubesim/base/diagnostic.hpp"
#include "kubesim/base/expected.hpp"
#include "kubesim/base/time.hpp"
#include "kubesim/scenario/scenario_spec.hpp"
#include "kubesim/scheduler/framework/framework.hpp"
#include "kubesim/scheduler/scheduler_config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::scenario {

/// A validated KubeSchedulerConfiguration. Top-level fields kubesim models are kept as optionals (unset
/// = not given); fields it accepts and ignores (parallelism, leaderElection, ...) are dropped.
struct SchedulerConfiguration {
  /// Where the configuration starts.
  SourceLocation loc;
  /// percentageOfNodesToScore (0..100).
  std::optional<std::int32_t> percentage_of_nodes_to_score;
  /// podInitialBackoffSeconds / podMaxBackoffSeconds.
  std::optional<Duration> pod_initial_backoff;
  std::optional<Duration> pod_max_backoff;
  /// profiles[], as written: NOT merged with the defaults (use scheduler::merge_with_defaults). Never
  /// empty: a configuration without profiles gets one "default-scheduler" profile, as upstream
  /// defaulting does.
  std::vector<scheduler::ProfileConfig> profiles;
  /// Where each profile starts (same order as `profiles`).
  std::vector<SourceLocation> profile_locs;
  /// FNV-1a of the file's text when read from a file; 0 inline.
  std::uint64_t source_hash = 0;

  /// Copies the top-level fields that were given into `config`.
  void apply_to(scheduler::SchedulerConfig& config) const;
  /// The profiles merged with the defaults.
  [[nodiscard]] std::vector<scheduler::ProfileConfig> merged_profiles() const;
};

/// Parses one YAML document holding a KubeSchedulerConfiguration. `file` is used in diagnostics.
base::Expected<SchedulerConfiguration, base::Diagnostics> parse_scheduler_configuration(std::string_view yaml_text,
                                                                                        const std::string& file);

/// Reads the file `path` and parses it (for `kubesim compare --scheduler-config FILE`).
base::Expected<SchedulerConfiguration, base::Diagnostics> load_scheduler_configuration(const std::string& path);

/// The input of `kubesim schedule`: a multi-document YAML stream of manifests (Nodes, Pods, Services,
/// ReplicaSets, PodDisruptionBudgets, PriorityClasses, ...) and at most one KubeSchedulerConfiguration.
struct ScheduleSnapshot {
  /// Every manifest in file order, defaulted as the API server would (apiserver::apply_defaults).
  /// Priorities are not resolved here (that is admission: scheduler::resolve_priority).
  std::vector<ManifestObject> objects;
  std::optional<SchedulerConfiguration> configuration;
};

/// Parses a snapshot stream; every problem is a Diagnostic.
base::Expected<ScheduleSnapshot, base::Diagnostics> parse_schedule_snapshot(std::string_view yaml_text,
                                                                            const std::string& file);
/// Reads `path` and parses it; a file that cannot be read is a Diagnostic too.
base::Expected<ScheduleSnapshot, base::Diagnostics> load_schedule_snapshot(const std::string& path);

}  // namespace kubesim::scenario
