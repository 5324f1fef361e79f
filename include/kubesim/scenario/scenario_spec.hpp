#pragma once

/// ScenarioSpec: a scenario file as plain structs, each carrying the SourceLocation it was read from so
/// that later validation can still point at the user's line. Filled by load_scenario (loader.hpp);
/// nothing outside the scenario module ever sees a YAML node.
///
/// File format (apiVersion kubesim.io/v1alpha1, kind Scenario) is documented in docs/scenarios.md.

#include "kubesim/api/object.hpp"
#include "kubesim/apiserver/api_server_config.hpp"
#include "kubesim/base/diagnostic.hpp"
#include "kubesim/base/distribution.hpp"
#include "kubesim/base/time.hpp"
#include "kubesim/controllers/controller_manager_config.hpp"
#include "kubesim/node/kubelet_config.hpp"
#include "kubesim/scheduler/framework/framework.hpp"
#include "kubesim/scheduler/scheduler_config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace kubesim::scenario {

using base::Duration;
using base::DurationDistribution;
using base::SimTime;
using base::SourceLocation;

/// One manifest (a Kubernetes object) and where it starts in the file.
struct ManifestObject {
  SourceLocation loc;
  api::AnyObject object;
};

/// `cluster.nodePools[]`: `count` nodes made from one Node template. Node i of pool "worker" is named
/// "worker-<i>" (0-based, no padding) and labelled kubernetes.io/hostname=<name>; with zones, nodes are
/// spread round-robin and labelled topology.kubernetes.io/zone.
struct NodePoolSpec {
  SourceLocation loc;
  std::string name;
  std::int32_t count = 0;
  std::vector<std::string> zones;
  api::Node template_;
};

struct ClusterSpec {
  std::vector<NodePoolSpec> node_pools;
  node::KubeletConfig kubelet;
};

struct ControlPlaneSpec {
  apiserver::ApiServerConfig api_server;
  scheduler::SchedulerConfig scheduler;
  /// Scheduler profiles from `scheduler.configuration` / `configurationFile` (a KubeSchedulerConfiguration),
  /// as written: NOT merged with the defaults. Empty = the default profile only.
  std::vector<scheduler::ProfileConfig> profiles;
  controllers::ControllerManagerConfig controller_manager;
};

/// Timeline action `create`: objects submitted through the API server at the entry's time.
struct CreateAction {
  std::vector<ManifestObject> objects;
};

/// Timeline action `arrivals`: `count` pods from `template_`, one every `interval` (fixed process) or
/// with exponential inter-arrival times of mean `interval` (Poisson process), the first at the entry's
/// time. Pod k is named "<name>-<k>". Each pod runs for a draw of `run_time` (written as the
/// kubesim.io/duration annotation) unless the template already carries that annotation; without either
/// it runs until the end of the simulation.
struct ArrivalsAction {
  std::string name;
  std::string namespace_ = "default";
  std::int64_t count = 0;
  enum class Process : std::uint8_t { Fixed, Poisson } process = Process::Fixed;
  Duration interval;
  std::optional<DurationDistribution> run_time;
  api::PodTemplateSpec template_;
};

struct TimelineEntry {
  SourceLocation loc;
  SimTime at;
  std::variant<CreateAction, ArrivalsAction> action;
};

struct ScenarioSpec {
  /// The path the scenario was loaded from (or "<builtin:quickstart>").
  std::string file;
  /// metadata.name
  std::string name;
  std::uint64_t seed = 1;
  /// Simulated-time limit; the run stops at this time even if events remain.
  Duration duration = Duration::from_seconds(600);
  ControlPlaneSpec control_plane;
  ClusterSpec cluster;
  /// `objects[]`: created at time 0, before the timeline, in file order.
  std::vector<ManifestObject> objects;
  std::vector<TimelineEntry> timeline;
};

}  // namespace kubesim::scenario
