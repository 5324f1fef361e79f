#pragma once

/// Expectations: the checks of a scenario's `spec.expect[]` that make `kubesim run` exit 1 when one
/// fails (for CI). Each is a line `METRIC OP VALUE`, checked at the end of the run, at a simulated time
/// (`at:`) or by a deadline (`by:`):
///
///   expect:
///     - scheduling_latency.p99 < 2s
///     - check: pods.pending == 0
///       by: 10m
///     - check: deployment/web.available_replicas >= 3
///       by: 2m
///       name: web is up
///
/// This header is the expectation language: the metric catalogue (names, units, what they measure;
/// docs/metrics.md "Expectations" is the user-facing list) and the parser of one check. Metric values
/// are integers in the metric's unit (nanoseconds, parts per million, bytes, milli-CPU, counts), so a
/// comparison never depends on floating-point rounding. The cluster module evaluates them.

#include "kubesim/base/diagnostic.hpp"
#include "kubesim/base/expected.hpp"
#include "kubesim/base/time.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kubesim::scenario {

/// How a metric's value is written and compared.
enum class MetricUnit : std::uint8_t {
  Count,     // an integer: "3"
  Duration,  // nanoseconds; written "2s", "150ms", or a number of seconds "0.5"
  Ratio,     // parts per million; written "0.999" or "99.9%"
  Bytes,     // written as a quantity: "2Gi", "512Mi", "1000"
  MilliCpu,  // written as a quantity: "500m", "2"
};

/// The metrics an expectation can check. Cluster-wide ones are named ("pods.pending"); object
/// metrics name an object ("deployment/web.available_replicas").
enum class MetricKind : std::uint8_t {
  PodsCreated,
  PodsScheduled,
  PodsRunning,
  PodsSucceeded,
  PodsFailed,
  PodsPending,
  PodsDeleted,
  SchedulingLatencyP50,
  SchedulingLatencyP90,
  SchedulingLatencyP99,
  SchedulingLatencyMax,
  StartupLatencyP50,
  StartupLatencyP90,
  StartupLatencyP99,
  StartupLatencyMax,
  SchedulingAttempts,
  UnschedulableAttempts,
  PreemptionVictims,
  ImagePulls,
  ImagesCollected,
  ContainerRestarts,
  OomKills,
  Evictions,
  Nodes,
  NodesReady,
  CpuRequestedRatio,
  CpuUsedRatio,
  MemoryRequestedRatio,
  MemoryUsedRatio,
  CpuRequested,
  CpuUsed,
  MemoryRequested,
  MemoryUsed,
  NodesInUse,
  QueueLength,
  CpuFragmentationRatio,
  CpuThrottledContainerSeconds,
  CpuStarvedContainerSeconds,
  ApiRequests,
  ApiRequestsFailed,
  ApiWatchLagMax,
  RolloutsIncomplete,
  RolloutDurationMax,
  NodeFaultRecoveryMax,
  EndpointConvergenceP99,
  EndpointConvergenceMax,
  // Object metrics.
  DeploymentReplicas,
  DeploymentReadyReplicas,
  DeploymentAvailableReplicas,
  DeploymentUpdatedReplicas,
  DeploymentUnavailableReplicas,
  DeploymentRolloutDuration,
  ReplicaSetReplicas,
  ReplicaSetReadyReplicas,
  ReplicaSetAvailableReplicas,
  JobActive,
  JobSucceeded,
  JobFailed,
  ServiceReadyEndpoints,
  ServiceRequests,
  ServiceErrors,
  ServiceSuccessRate,
};

/// One catalogue entry.
struct MetricInfo {
  MetricKind kind;
  /// "pods.pending"; for object metrics the object kind and field: "deployment", "available_replicas".
  std::string_view name;
  std::string_view object;  // "" for cluster-wide metrics, else "deployment", "replicaset", "job", "service"
  MetricUnit unit;
  std::string_view help;  // one line for docs and hints
};

/// Every metric, cluster-wide first, in the order docs/metrics.md lists them.
std::span<const MetricInfo> metric_catalogue();
const MetricInfo& metric_info(MetricKind kind);

enum class Comparison : std::uint8_t { Less, LessEqual, Equal, NotEqual, GreaterEqual, Greater };
std::string_view comparison_symbol(Comparison c);
[[nodiscard]] bool compare(std::int64_t measured, Comparison c, std::int64_t expected);

/// When a check is evaluated.
enum class CheckTime : std::uint8_t {
  End,  // after the run
  At,   // at exactly `time` (between events)
  By,   // at every 10 s usage sample before `time` and at `time`; passes the first time it holds
};

struct Expectation {
  /// The check as written ("pods.pending == 0"), and the optional `name`.
  std::string text;
  std::string name;
  MetricKind metric = MetricKind::PodsPending;
  /// Object metrics: the object ("web") and its namespace ("default" unless written ns/name).
  std::string object_namespace;
  std::string object_name;
  Comparison op = Comparison::Equal;
  /// The threshold in the metric's unit, and as written.
  std::int64_t value = 0;
  std::string value_text;
  CheckTime when = CheckTime::End;
  base::SimTime time;
  base::SourceLocation loc;
};

/// Parses `METRIC OP VALUE` into `out` (metric, object, op, value); on failure returns the error
/// message and a hint.
struct CheckError {
  std::string message;
  std::string hint;
};
std::optional<CheckError> parse_check(std::string_view text, Expectation& out);

/// `value` (in `unit`) as a user reads it: "1.234s", "0.9995", "3", "512Mi", "500m".
std::string format_metric_value(std::int64_t value, MetricUnit unit);

}  // namespace kubesim::scenario
