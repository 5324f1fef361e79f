#pragma once

/// core/v1 Pod: spec and status as far as scheduling, the kubelet and controllers need them.
/// Fields a manifest may carry but kubesim does not model (env, volumes, command, ...) are accepted by
/// the manifest reader and dropped; see docs/manifests.md.

#include "kubesim/api/affinity.hpp"
#include "kubesim/api/object_meta.hpp"
#include "kubesim/api/resource_list.hpp"
#include "kubesim/api/taint.hpp"

#include <optional>
#include <string>
#include <vector>

namespace kubesim::api {

/// Annotation that gives a pod's run time in simulated time ("90s", "1h"); the kubelet ends the pod as
/// Succeeded when it has run that long. Pods without it (and without a workload run time) run forever.
inline constexpr std::string_view kDurationAnnotation = "kubesim.io/duration";
/// Annotation that gives how long the pod's application takes, after its containers start, before it
/// answers requests and readiness probes ("5s"). Without it the application serves at once.
inline constexpr std::string_view kReadyAfterAnnotation = "kubesim.io/ready-after";
inline constexpr std::string_view kDefaultSchedulerName = "default-scheduler";

struct ResourceRequirements {
  ResourceList requests;
  ResourceList limits;
  bool operator==(const ResourceRequirements&) const = default;
};

struct ContainerPort {
  std::string name;
  std::int32_t container_port = 0;
  std::int32_t host_port = 0;  // 0 = none
  std::string protocol = "TCP";
  std::string host_ip;
  bool operator==(const ContainerPort&) const = default;
};

/// A probe's timing (the action itself, httpGet/exec/tcpSocket/grpc, is not modelled).
struct Probe {
  std::int32_t initial_delay_seconds = 0;
  std::int32_t period_seconds = 10;
  std::int32_t timeout_seconds = 1;
  std::int32_t success_threshold = 1;
  std::int32_t failure_threshold = 3;
  bool operator==(const Probe&) const = default;
};

enum class PullPolicy : std::uint8_t { Always, IfNotPresent, Never };

struct Container {
  std::string name;
  std::string image;
  /// Defaulted by the API server: Always for ":latest" or untagged images, IfNotPresent otherwise.
  std::optional<PullPolicy> image_pull_policy;
  ResourceRequirements resources;
  std::vector<ContainerPort> ports;
  std::optional<Probe> readiness_probe;
  std::optional<Probe> liveness_probe;
  std::optional<Probe> startup_probe;
  /// Only for init containers: "Always" makes it a sidecar (restartable init container).
  std::optional<std::string> restart_policy;
  bool operator==(const Container&) const = default;

  [[nodiscard]] bool is_sidecar() const { return restart_policy && *restart_policy == "Always"; }
};

enum class RestartPolicy : std::uint8_t { Always, OnFailure, Never };
enum class PreemptionPolicy : std::uint8_t { PreemptLowerPriority, Never };

struct PodSpec {
  std::vector<Container> init_containers;
  std::vector<Container> containers;
  std::string node_name;
  StringMap node_selector;
  std::optional<Affinity> affinity;
  std::vector<Toleration> tolerations;
  std::vector<TopologySpreadConstraint> topology_spread_constraints;
  /// Resolved from priorityClassName by admission; nullopt until then.
  std::optional<std::int32_t> priority;
  std::string priority_class_name;
  std::optional<PreemptionPolicy> preemption_policy;
  std::string scheduler_name;                                    // defaulted to "default-scheduler"
  std::optional<std::int64_t> termination_grace_period_seconds;  // defaulted to 30
  std::optional<std::int64_t> active_deadline_seconds;
  RestartPolicy restart_policy = RestartPolicy::Always;
  ResourceList overhead;
  std::vector<std::string> scheduling_gates;
  bool host_network = false;
  bool operator==(const PodSpec&) const = default;
};

enum class PodPhase : std::uint8_t { Pending, Running, Succeeded, Failed, Unknown };
std::string_view pod_phase_name(PodPhase p);

enum class ConditionStatus : std::uint8_t { True, False, Unknown };
std::string_view condition_status_name(ConditionStatus s);

struct PodCondition {
  std::string type;  // PodScheduled, Initialized, ContainersReady, Ready, DisruptionTarget, ...
  ConditionStatus status = ConditionStatus::False;
  std::string reason;
  std::string message;
  SimTime last_transition_time;
  bool operator==(const PodCondition&) const = default;
};

/// core/v1 ContainerState: at most one of waiting, running, terminated (kind None: not reported yet).
struct ContainerState {
  enum class Kind : std::uint8_t { None, Waiting, Running, Terminated };
  Kind kind = Kind::None;
  /// Waiting: ContainerCreating, CrashLoopBackOff. Terminated: Completed, Error, OOMKilled.
  std::string reason;
  std::string message;
  std::int32_t exit_code = 0;
  SimTime started_at;   // Running, Terminated
  SimTime finished_at;  // Terminated
  bool operator==(const ContainerState&) const = default;
};

struct ContainerStatus {
  std::string name;
  bool ready = false;
  bool started = false;
  std::int32_t restart_count = 0;
  ContainerState state;
  /// The previous instance's end (Terminated), after a restart.
  ContainerState last_state;
  bool operator==(const ContainerStatus&) const = default;
};

struct PodStatus {
  PodPhase phase = PodPhase::Pending;
  std::vector<PodCondition> conditions;
  std::string nominated_node_name;
  std::optional<SimTime> start_time;
  std::string host_ip;
  std::string pod_ip;
  std::string reason;
  std::string message;
  std::vector<ContainerStatus> container_statuses;
  bool operator==(const PodStatus&) const = default;

  /// The condition of `type`, or nullptr.
  [[nodiscard]] const PodCondition* condition(std::string_view type) const;
  /// Sets (or adds) a condition; last_transition_time changes only when the status changes.
  void set_condition(PodCondition c);
};

struct Pod {
  ObjectMeta metadata;
  PodSpec spec;
  PodStatus status;

  [[nodiscard]] bool is_terminal() const {
    return status.phase == PodPhase::Succeeded || status.phase == PodPhase::Failed;
  }
  [[nodiscard]] bool is_terminating() const { return metadata.deletion_timestamp.has_value(); }
  [[nodiscard]] std::int32_t priority() const { return spec.priority.value_or(0); }
  /// True when the Ready condition is True.
  [[nodiscard]] bool is_ready() const;
};

/// core/v1 PodTemplateSpec (used by ReplicaSet, Deployment, and the scenario's arrival generator).
struct PodTemplateSpec {
  ObjectMeta metadata;
  PodSpec spec;
  bool operator==(const PodTemplateSpec&) const = default;
};

/// The pod's effective request for `resource` (component-helpers PodRequests, K8S-SEMANTICS §2.1):
/// max(Σ regular + Σ sidecars, max over init containers of (init + sidecars declared before it)) plus
/// overhead. Missing requests count as 0 here; see non_zero_request for the scheduler's scoring defaults.
std::int64_t pod_request(const PodSpec& spec, std::string_view resource);

/// Every resource name requested by any container or the overhead, sorted, without duplicates.
std::vector<std::string> requested_resource_names(const PodSpec& spec);

enum class QosClass : std::uint8_t { Guaranteed, Burstable, BestEffort };
std::string_view qos_class_name(QosClass q);
/// Upstream GetPodQOS on cpu and memory (K8S-SEMANTICS §9).
QosClass qos_class(const PodSpec& spec);

}  // namespace kubesim::api
