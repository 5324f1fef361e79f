#pragma once

/// NodeAgent: the kubelets (with their container runtimes) of every node in a NodePool.
///
/// Each kubelet registers its Node through the API server and watches the pods bound to it
/// (spec.nodeName=<node>). A new pod goes through the start-up stages as one chain of events, each
/// scheduled only when the previous stage is done:
///
///   admission → sandbox → image pulls (serialized per node; cached images are skipped)
///             → init containers in order → app containers started → Running
///             → Ready (at once, or when every readiness probe has passed; see below)
///             → (after its run time, if it has one) Succeeded, or Failed
///
/// Containers (K8S-SEMANTICS §9): each app container runs from its (re)start. When the pod's run time
/// (kubesim.io/duration) is over, its containers exit with kubesim.io/exit-code (0 by default): exit 0
/// ends the pod as Succeeded (whatever restartPolicy says: kubesim's run time ends a pod), a non-zero
/// exit is a failure. A container whose memory profile (kubesim.io/memory[.<container>]) rises above
/// its memory limit is OOM-killed (reason OOMKilled, exit code 137) at the exact moment it crosses it.
/// A failed container is restarted unless restartPolicy is Never, after the crash-loop back-off
/// (RestartBackoff: 10 s doubling to 300 s, reset after 10 min of running); meanwhile it is Waiting with
/// reason CrashLoopBackOff and the pod is not Ready. A pod ends when every container has exited for
/// good: Succeeded when all exited 0, else Failed.
///
/// Memory eviction (K8S-SEMANTICS §9 "Eviction"): on nodes that run a container with a memory profile
/// (the only way usage can exceed requests: a container without a profile uses exactly its memory
/// request), the eviction manager computes memory.available = capacity − working set every 10 s. Below
/// evictionHard (100Mi) it reports MemoryPressure, records EvictionThresholdMet, and evicts one pod per
/// pass in upstream's ranking (rank_for_memory_pressure), checking again 1 s after an eviction (the
/// pod-cleanup poll); the condition clears evictionPressureTransitionPeriod (5 min) after the signal
/// did. Under memory pressure the kubelet rejects BestEffort pods at admission. Allocatable is capacity
/// − systemReserved − kubeReserved (− evictionHard for memory) for every resource the Node template
/// does not set itself.
///
/// Readiness (K8S-SEMANTICS §9): a pod's application answers requests `kubesim.io/ready-after` after
/// its containers start (0 without the annotation). A container without a readinessProbe is ready as
/// soon as it starts, whether or not its application serves yet, as upstream; one with a probe becomes
/// ready when its probe has succeeded successThreshold times in a row: probes run at start +
/// initialDelaySeconds + k·periodSeconds and succeed once the application serves. The pod is Ready
/// when all its containers are. The time is computed, not probed: one event per pod, none per probe.
///
/// Stage latencies come from KubeletConfig distributions drawn from the node's own random stream. A pod's
/// run time is its kubesim.io/duration annotation; without one it runs until deleted. Admission rejects
/// pods that do not fit in what is left of the node's allocatable (Failed, reason OutOfcpu /
/// OutOfmemory / OutOfpods, with upstream's message), then pods whose nodeSelector or required node
/// affinity the node's labels do not match (NodeAffinity) and pods that do not tolerate one of its
/// NoExecute taints as the kubelet last read them (TaintToleration). A pod marked for deletion has its containers
/// stopped and is then removed with a grace-0 delete, as the kubelet confirms deletions upstream.
///
/// Heartbeats (K8S-SEMANTICS §6 "Kubelet side", §9): after registering, each kubelet creates its Lease
/// (kube-node-lease/<node>, holderIdentity <node>, leaseDurationSeconds 40) and renews it every 25% of
/// the lease duration (10 s) by updating spec.renewTime. Every nodeStatusUpdateFrequency (10 s) it
/// reads its Node and computes its status; it PATCHes the status only when something other than the
/// heartbeat times changed or nodeStatusReportFrequency (5 min) has passed since the last report. Each
/// node has exactly one pending EventKind::KubeletHeartbeat (target: node index) that fires at the
/// earlier of the two deadlines; a seeded per-node phase in [0, renew interval) keeps 10,000 nodes from
/// renewing at the same nanosecond.
///
/// Kubelet events (one EventRecorder, component "kubelet", source.host = node): Starting and the
/// condition events NodeHasSufficientMemory / NodeHasNoDiskPressure / NodeHasSufficientPID / NodeReady
/// on the Node ("Node n status is now: NodeReady") whenever a condition the kubelet reports changes in
/// the API; Pulling, Pulled, Created, Started and Killing on pods with upstream's (v1.28) messages.
///
/// Faults (the scenario timeline's node actions): crash / recover / partition / remove below.
///
/// Container runtimes and images (docs/kubelet.md): each node runs one ContainerRuntime profile
/// (container_runtime.hpp) whose latencies drive the sandbox, pull and start stages, and reports it in
/// status.nodeInfo. Its ImageCache (image_cache.hpp) holds the images on disk: a pull takes the
/// profile's overhead plus size / imagePullBandwidth, starts only when the node's puller is free and
/// its registryPullQPS bucket has a token, and is done once per node and image. Nodes with an image
/// filesystem capacity run upstream's image GC every 5 minutes (one EventKind::KubeletImageGc per
/// node); the node status reports the cached images (status.images, largest first, at most 50).
///
/// Agent state is data: one row per pod in a slab, events carry (NodeIndex, row).

#include "kubesim/api/usage_profile.hpp"
#include "kubesim/client/client.hpp"
#include "kubesim/client/event_recorder.hpp"
#include "kubesim/node/container_runtime.hpp"
#include "kubesim/node/kubelet_config.hpp"
#include "kubesim/node/node_pool.hpp"
#include "kubesim/node/restart_backoff.hpp"
#include "kubesim/sim/simulation.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace kubesim::node {

class NodeAgent {
 public:
  NodeAgent(sim::Simulation& sim, apiserver::ApiServer& server, KubeletConfig config);
  NodeAgent(const NodeAgent&) = delete;
  NodeAgent& operator=(const NodeAgent&) = delete;

  /// Adds a node whose kubelet will register `node` when started, with container runtime `runtime`
  /// (default: the KubeletConfig's). Its images (status.images) are on its disk from now on.
  NodeIndex add_node(api::Node node, std::optional<ContainerRuntimeKind> runtime = std::nullopt);
  /// Starts every kubelet added so far: registers its Node, creates its Lease, starts its pod watch and
  /// its heartbeats.
  void start();

  // --- Faults ----------------------------------------------------------------------------------------

  /// The node called `node_name`, if there is one. O(log n).
  [[nodiscard]] std::optional<NodeIndex> find(std::string_view node_name) const;
  /// The kubelet stops (a dead machine): no more Lease renewals, status reports or watch handling, and
  /// the node's pods stop running. The pods stay bound in the API, as a dead node's pods do, until
  /// someone deletes them (the taint-eviction controller after their tolerationSeconds). No-op if the
  /// kubelet is not running.
  void crash(NodeIndex node);
  /// The kubelet starts again: records Starting, renews its Lease and reports its status at once,
  /// re-lists the pods bound to it and starts those still there (deleted ones are confirmed). No-op if
  /// it runs or the node was removed.
  void recover(NodeIndex node);
  /// cut = true: the node loses the API server. Its pods KEEP running; its Lease and status go stale;
  /// watch events stop reaching it; the pod status updates and deletion confirmations it would send are
  /// held back. cut = false: it reconnects, sends what it held back, checks every pod it runs against
  /// the API (pods deleted meanwhile are stopped), re-lists and resumes. Idempotent.
  void partition(NodeIndex node, bool cut);
  /// The node leaves the cluster: its kubelet stops (as crash) for good, and its Node and Lease are
  /// deleted (the Lease as the garbage collector would, through its owner reference to the Node).
  void remove(NodeIndex node);

  // --- Dispatcher entry points -------------------------------------------------------------------------

  /// EventKind::KubeletWatch: `channel` is the watch's channel id (one per list-and-watch a kubelet has
  /// started; events of a channel its kubelet has abandoned are dropped).
  void handle_watch(std::uint32_t channel, std::uint32_t slot);
  void handle_pod_step(NodeIndex node, std::uint32_t row);
  /// EventKind::KubeletHeartbeat: renew the Lease and/or compute the node status, whichever is due.
  void handle_heartbeat(NodeIndex node);
  /// EventKind::KubeletHousekeeping: one pass of the eviction manager on `node`.
  void handle_housekeeping(NodeIndex node);
  /// EventKind::KubeletImageGc: the node's periodic image garbage collection check.
  void handle_image_gc(NodeIndex node);

  /// True when the pod `namespace_/name` with `uid` runs on its node and its application answers
  /// requests right now (what a request routed to it by kube-proxy finds). False for pods this kubelet
  /// does not run (not started yet, stopped, on a crashed node) and for terminating pods.
  [[nodiscard]] bool is_serving(std::string_view namespace_, std::string_view name, std::string_view uid) const;

  [[nodiscard]] const NodePool& pool() const { return pool_; }
  [[nodiscard]] const KubeletConfig& config() const { return config_; }
  /// The container runtime of `node`, with the KubeletConfig's explicit latencies applied.
  [[nodiscard]] const ContainerRuntime& runtime(NodeIndex node) const {
    return runtimes_[static_cast<std::size_t>(pool_.runtime[node])];
  }
  /// Images deleted by image garbage collection so far, over all nodes.
  [[nodiscard]] std::uint64_t images_collected() const { return images_collected_; }
  /// Image pulls performed so far (one per node and image, unless evicted).
  [[nodiscard]] std::uint64_t image_pulls() const { return image_pulls_; }
  /// Lease renewals (updates) and node status PATCHes sent so far, over all nodes.
  [[nodiscard]] std::uint64_t lease_renewals() const { return lease_renewals_; }
  [[nodiscard]] std::uint64_t status_reports() const { return status_reports_; }
  /// Container restarts, OOM kills and evictions so far, over all nodes.
  [[nodiscard]] std::uint64_t container_restarts() const { return container_restarts_; }
  [[nodiscard]] std::uint64_t oom_kills() const { return oom_kills_; }
  [[nodiscard]] std::uint64_t evictions() const { return evictions_; }
  /// The node's working set now: the memory its running containers use (profile, else request).
  [[nodiscard]] std::int64_t memory_working_set(NodeIndex node) const;

  /// Resources of every running kubelet's node at time `t` (no event in between: the state is the
  /// current one, usage profiles are evaluated at t). CPU: each running container wants its CPU
  /// profile's level (else its request), capped by its limit (CFS quota: throttled when it wants
  /// more); when a node's containers want more than its capacity, it is shared in proportion to CFS
  /// shares, max(2, request·1024/1000), each getting at most what it wants (water-filling).
  struct UsageTotals {
    std::int32_t nodes = 0;
    std::int32_t pods_running = 0;
    std::int64_t cpu_allocatable = 0;
    std::int64_t cpu_requested = 0;
    std::int64_t cpu_used = 0;
    /// What the running containers want (their profiles, else requests) before limits and sharing,
    /// and the part of it their CPU limits deny.
    std::int64_t cpu_demand = 0;
    std::int64_t cpu_throttled_millicpu = 0;
    std::int64_t memory_allocatable = 0;
    std::int64_t memory_requested = 0;
    std::int64_t memory_used = 0;
    std::int32_t cpu_throttled = 0;
    std::int32_t cpu_starved = 0;
  };
  /// Optional per-node and per-pod breakdowns of usage_at (called once per running kubelet / running
  /// pod, in node order and admission order).
  struct UsageObserver {
    std::function<void(NodeIndex, const UsageTotals&)> node;
    /// A running pod's CPU use (after limits and sharing) and memory use.
    std::function<void(const api::Pod&, std::int64_t cpu_used, std::int64_t memory_used)> pod;
  };
  [[nodiscard]] UsageTotals usage_at(base::SimTime t, const UsageObserver* observer = nullptr) const;

 private:
  /// Running: the app containers have been started (each one's state is in its ContainerRun).
  enum class Stage : std::uint8_t { Sandbox, Pulling, Starting, Running, Stopping };
  /// One app container of a started pod: its current instance and its restart history.
  struct ContainerRun {
    enum class State : std::uint8_t { Running, BackingOff, Exited };
    State state = State::Running;
    bool ready = false;
    bool has_oom = false;
    std::int32_t restarts = 0;
    std::int32_t exit_code = 0;
    base::SimTime started_at;
    /// When the application answers (started_at + kubesim.io/ready-after), when its readiness probe
    /// has passed (ready_at), when its run time ends (exits_at), when it crosses its memory limit.
    base::SimTime serving_from;
    base::SimTime ready_at;
    base::SimTime exits_at;
    base::SimTime oom_at;
    /// BackingOff: when it runs again.
    base::SimTime restart_at;
    RestartBackoff backoff;
    api::ContainerState last_state;
    /// kubesim.io/memory[.<name>] and kubesim.io/cpu[.<name>]; without one the container uses its
    /// request.
    std::optional<api::UsageProfile> memory;
    std::optional<api::UsageProfile> cpu;
  };
  /// One image pull a pod waited for: the container (index into init containers, then app
  /// containers), the pull itself and the pull including the wait for the node's serialized puller.
  struct PullRecord {
    std::uint32_t container = 0;
    base::Duration pull;
    base::Duration total;
  };
  struct PodRow {
    std::shared_ptr<const api::Pod> pod;
    NodeIndex node = 0;
    Stage stage = Stage::Sandbox;
    sim::EventId pending = 0;
    bool has_pending = false;
    base::SimTime acknowledged;
    std::string key;
    std::string pod_ip;
    std::vector<PullRecord> pulls;
    /// One per app container once Running.
    std::vector<ContainerRun> runs;
    /// Normalized names of the images the pod uses on its node's ImageCache (one per container with
    /// an image), acquired at the pull stage and released with the pod's resources.
    std::vector<std::string> images;
  };
  /// A write a partitioned kubelet could not send: a pod status, or a grace-0 deletion confirmation.
  struct HeldWrite {
    bool is_delete = false;
    api::Pod pod;
  };

  /// Why admission refuses `pod` on `node` (status.reason and status.message of the Failed pod), or
  /// nullopt to admit it; `cpu`/`mem` are the pod's requests.
  struct Rejection {
    std::string reason;
    std::string message;
  };
  [[nodiscard]] std::optional<Rejection> admission_rejection(NodeIndex node, const api::Pod& pod, std::int64_t cpu,
                                                             std::int64_t mem) const;
  void on_pod_added(NodeIndex node, std::shared_ptr<const api::Pod> pod);
  void on_pod_modified(NodeIndex node, std::shared_ptr<const api::Pod> pod);
  void on_pod_deleted(const api::Pod& pod);
  void schedule_step(std::uint32_t row, base::SimTime at);
  void release(std::uint32_t row);
  /// Frees a row whose pod this kubelet finished with (late watch events about it are ignored).
  void free_row(std::uint32_t row);
  /// Frees a row without remembering the pod (crash: the pod may be started again after recovery).
  void drop_row(std::uint32_t row);
  void send_status(NodeIndex node, const api::Pod& pod);
  /// Containers started for the first time: report Running (Ready, or not until its probes pass).
  void start_containers(std::uint32_t row);
  /// (Re)starts app container `i` now: its readiness, run-time end and OOM moments.
  void begin_run(std::uint32_t row, std::size_t i);
  /// Applies every container transition due now (probe passed, run time over, OOM kill, restart),
  /// reports the status if it changed, and schedules the next one; ends the pod when all exited.
  void advance(std::uint32_t row);
  /// Container `i` exited (code, reason): back off and restart it unless restartPolicy says no.
  void end_run(std::uint32_t row, std::size_t i, std::int32_t code, std::string_view reason);
  /// The pod status the kubelet reports for a Running row, from its container runs.
  [[nodiscard]] api::Pod running_status(const PodRow& r) const;
  /// The memory container `i` of `r` uses at `t` (now by default).
  [[nodiscard]] std::int64_t memory_usage(const PodRow& r, std::size_t i) const {
    return memory_usage(r, i, sim_.now());
  }
  [[nodiscard]] std::int64_t memory_usage(const PodRow& r, std::size_t i, base::SimTime t) const;
  /// All containers exited for good: report Succeeded or Failed and free the row.
  void finish(std::uint32_t row);
  /// Evicts the pod of `row` (memory pressure): Failed/Evicted, containers stopped, row freed.
  void evict(std::uint32_t row, std::string message);
  void ensure_housekeeping(NodeIndex node);
  void confirm_deletion(NodeIndex node, const api::Pod& pod);
  [[nodiscard]] base::Duration pull_images(std::uint32_t row);
  /// The size of image `name` (normalized): spec.cluster.images, else a Node template's, else the default.
  [[nodiscard]] std::int64_t image_size(const std::string& name) const;
  /// The pod stops using its images (their lastUsed becomes now).
  void release_images(std::uint32_t row);
  void record_node_warning(NodeIndex node, std::string_view reason, std::string message);

  void start_watch(NodeIndex node);
  void schedule_heartbeat(NodeIndex node);
  void cancel_heartbeat(NodeIndex node);
  void renew_lease(NodeIndex node);
  void sync_node_status(NodeIndex node);
  /// Drops every pod row of `node` (containers gone with the machine).
  void drop_pods(NodeIndex node);
  /// Partition healed or kubelet restarted: flush held writes, re-check the pods it runs, re-list.
  void reconnect(NodeIndex node);
  void record_node_event(NodeIndex node, std::string_view reason, std::string message,
                         std::string_view type = api::kEventTypeNormal);
  void record_pod_event(NodeIndex node, const api::Pod& pod, std::string_view reason, std::string message);

  sim::Simulation& sim_;
  apiserver::ApiServer& server_;
  client::Client client_;
  /// Deletes Nodes that leave the cluster (an administrator or cloud controller, not the kubelet).
  client::Client admin_client_;
  client::EventRecorder recorder_;
  KubeletConfig config_;
  NodePool pool_;
  std::vector<PodRow> rows_;
  std::vector<std::uint32_t> free_rows_;
  /// Transparent hash so that lookups by string_view do not build a std::string.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view k) const { return std::hash<std::string_view>{}(k); }
  };
  std::unordered_map<std::string, std::uint32_t, KeyHash, std::equal_to<>> row_by_key_;  // lookup only, never iterated
  /// Reused buffer for is_serving's "namespace/name" key (no allocation per request once warm).
  mutable std::string key_buffer_;
  /// UIDs of pods this kubelet has finished or stopped: late watch events about them (our own status
  /// updates echoing back) must not start them again. Forgotten when the pod is deleted.
  std::unordered_set<std::string> finished_uids_;
  /// Node name → index, for find().
  std::map<std::string, NodeIndex, std::less<>> index_by_name_;
  /// Watch channel → node (a kubelet gets a new channel each time it re-lists).
  std::vector<NodeIndex> channel_node_;
  /// Writes held back by partitioned kubelets, in the order they were made.
  std::map<NodeIndex, std::vector<HeldWrite>> held_;
  /// One running container's CPU for usage_at: what it wants (capped by its limit) and its CFS shares.
  struct CpuClaim {
    std::int64_t want = 0;
    std::int64_t shares = 0;
    /// The container's pod: its index among the node's running pods in this sample.
    std::uint32_t pod = 0;
  };
  // Reused per node, no allocation per sample once warm.
  mutable std::vector<CpuClaim> cpu_claims_;
  mutable std::vector<std::int64_t> pod_cpu_used_;
  mutable std::vector<std::int64_t> pod_memory_used_;
  mutable std::vector<const api::Pod*> pod_running_;
  /// Rows of the pods each node runs (in admission order), for per-node passes.
  std::vector<std::vector<std::uint32_t>> rows_by_node_;
  std::uint64_t container_restarts_ = 0;
  std::uint64_t oom_kills_ = 0;
  std::uint64_t evictions_ = 0;
  /// The runtimes, indexed by ContainerRuntimeKind, resolved against config_.
  std::array<ContainerRuntime, kContainerRuntimeCount> runtimes_;
  /// Image sizes from the Node templates' status.images (first given wins), by normalized name.
  std::map<std::string, std::int64_t, std::less<>> template_image_sizes_;
  std::uint64_t image_pulls_ = 0;
  std::uint64_t images_collected_ = 0;
  std::uint64_t lease_renewals_ = 0;
  std::uint64_t status_reports_ = 0;
  std::size_t started_nodes_ = 0;
};

}  // namespace kubesim::node
