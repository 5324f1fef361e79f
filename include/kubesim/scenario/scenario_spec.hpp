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
#include "kubesim/node/kube_proxy_config.hpp"
#include "kubesim/node/kubelet_config.hpp"
#include "kubesim/scenario/expectation.hpp"
#include "kubesim/scheduler/framework/framework.hpp"
#include "kubesim/scheduler/scheduler_config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
  /// `containerRuntime`: the pool's runtime; unset = spec.cluster.kubelet.containerRuntime.
  std::optional<node::ContainerRuntimeKind> container_runtime;
  api::Node template_;
};

struct ClusterSpec {
  std::vector<NodePoolSpec> node_pools;
  /// `cluster.kubelet`; `cluster.images` (image sizes) is read into kubelet.image_sizes.
  node::KubeletConfig kubelet;
  /// `cluster.kubeProxy`.
  node::KubeProxyConfig kube_proxy;
};

struct ControlPlaneSpec {
  apiserver::ApiServerConfig api_server;
  scheduler::SchedulerConfig scheduler;
  /// Scheduler profiles from `scheduler.configuration` / `configurationFile` (a KubeSchedulerConfiguration),
  /// as written: NOT merged with the defaults. Empty = the default profile only.
  std::vector<scheduler::ProfileConfig> profiles;
  /// FNV-1a of the `configurationFile`'s text (0 without one), part of what a sweep's runs depend on.
  std::uint64_t scheduler_config_hash = 0;
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

/// An object named by a timeline action, as `kubectl <verb> <kind> <name> -n <namespace>` names it.
/// Whether it exists can only be known at run time (objects may be created by the timeline or by
/// controllers): a missing object becomes a run warning, not a load error.
struct ObjectTarget {
  SourceLocation loc;
  api::Kind kind = api::Kind::Pod;
  std::string name;
  /// Ignored for cluster-scoped kinds (Node, PriorityClass).
  std::string namespace_ = "default";
};

/// Timeline action `delete`: DELETE the object (pods gracefully, with `grace_period_seconds` or the
/// pod's own terminationGracePeriodSeconds), like `kubectl delete`.
struct DeleteAction {
  ObjectTarget target;
  std::optional<std::int64_t> grace_period_seconds;
};

/// Timeline action `scale` (Deployment or ReplicaSet): GET the object, set spec.replicas, PUT it back
/// (retried on Conflict), like `kubectl scale`.
struct ScaleAction {
  ObjectTarget target;
  std::int32_t replicas = 0;
};

/// Timeline action `setImage` (Deployment or ReplicaSet): GET, set the image of the pod template's
/// container `container` (app or init container), PUT, like `kubectl set image`. For a Deployment this
/// starts a rollout.
struct SetImageAction {
  ObjectTarget target;
  std::string container;
  std::string image;
};

/// Which nodes a node action applies to: exactly one of `node`, `nodes`, `pool` or `zone` is given.
/// Names are checked at load time against the node pools (and the nodes earlier addNodes entries add);
/// `pool` and `zone` select the nodes that exist when the action runs, in pool order then index order.
struct NodeSelector {
  SourceLocation loc;
  /// `node` or `nodes`, in the order written.
  std::vector<std::string> nodes;
  std::vector<SourceLocation> node_locs;
  std::string pool;
  std::string zone;
  SourceLocation pool_loc;
  SourceLocation zone_loc;
};

/// The node actions, each with its YAML key:
///   cordon / uncordon     set / clear spec.unschedulable (GET + PUT, like `kubectl cordon`)
///   drain                 cordon, then evict every pod on the node except DaemonSet-owned and mirror pods
///                         through the Eviction API, retrying refused (429) evictions every 5 s, like
///                         `kubectl drain --ignore-daemonsets --delete-emptydir-data --force`
///   crashNode / recoverNode   the kubelet dies / starts again (NodeAgent::crash / recover)
///   partition / heal      the node loses / regains the API server (NodeAgent::partition)
enum class NodeOp : std::uint8_t { Cordon, Uncordon, Drain, Crash, Recover, Partition, Heal };

/// YAML key of a node action ("cordon", "crashNode", ...).
std::string_view node_op_key(NodeOp op);

struct NodeAction {
  NodeOp op = NodeOp::Cordon;
  NodeSelector target;
  /// drain only: the grace period of each eviction's delete (kubectl drain --grace-period); default:
  /// each pod's own terminationGracePeriodSeconds.
  std::optional<std::int64_t> grace_period_seconds;
};

/// Timeline action `addNodes`: `count` new nodes from the pool's template, named after the highest index
/// the pool ever used ("general-5", "general-6", ...), so a name is never reused; their kubelets start
/// (register the Node, then heartbeat) at once.
struct AddNodesAction {
  std::string pool;
  SourceLocation pool_loc;
  std::int32_t count = 0;
};

/// Timeline action `removeNodes`: the `count` highest-numbered nodes of the pool that still exist leave
/// the cluster (NodeAgent::remove: the kubelet stops for good, the Node and its Lease are deleted; their
/// pods are left to the controllers, as after a cloud provider deletes a VM).
struct RemoveNodesAction {
  std::string pool;
  SourceLocation pool_loc;
  std::int32_t count = 0;
};

/// Timeline action `slowApiServer`: for `for_`, every API request latency and watch delay drawn is
/// multiplied by factor_milli / 1000 (the factor is written as a decimal with up to 3 digits, `>= 1`).
struct SlowApiServerAction {
  std::int64_t factor_milli = 1000;
  Duration for_;
};

/// Timeline action `apiServerOutage`: for `for_`, requests reaching the API server fail with 503
/// ServiceUnavailable and watch events are held back until the end (see ApiServer::set_outage).
struct ApiServerOutageAction {
  Duration for_;
};

/// Timeline action `traffic`: start (or, with `stop`, stop) requests to a Service. Started: `rps`
/// requests per second (thousandths, > 0) from the client nodes `clients` selects when the action runs
/// (every node that exists then, when absent), for `for_` (until stopped or the end of the run when
/// absent). Stopped: every stream to the Service started before ends. See node::ProxyAgent.
struct TrafficAction {
  SourceLocation loc;
  std::string service;
  std::string namespace_ = "default";
  bool stop = false;
  std::int64_t rps_milli = 0;
  std::optional<NodeSelector> clients;
  std::optional<Duration> for_;
};

using TimelineAction =
    std::variant<CreateAction, ArrivalsAction, DeleteAction, ScaleAction, SetImageAction, NodeAction, AddNodesAction,
                 RemoveNodesAction, SlowApiServerAction, ApiServerOutageAction, TrafficAction>;

struct TimelineEntry {
  SourceLocation loc;
  SimTime at;
  TimelineAction action;
};

struct ScenarioSpec {
  /// The path the scenario was loaded from (or "<builtin:quickstart>").
  std::string file;
  /// FNV-1a of the scenario's text: tells two files with the same name apart (kubesim merge checks
  /// that shards ran the same scenario; see also ControlPlaneSpec::scheduler_config_hash).
  std::uint64_t source_hash = 0;
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
  /// `expect[]`: checks that make the run fail (exit 1) when one does not hold.
  std::vector<Expectation> expect;
};

}  // namespace kubesim::scenario
