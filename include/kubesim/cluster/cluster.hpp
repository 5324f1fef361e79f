#pragma once

/// Cluster: one simulation run assembled from a ScenarioSpec, and the event dispatcher of its loop.
///
/// This is the composition root below the CLI: it owns the Simulation, the API server, the scheduler,
/// the kubelets (NodeAgent) and the scenario driver, wires observers (metrics, history) to the model's
/// signals, and routes every event with one `switch (event.kind)`.
///
/// Start-up at t = 0, in this order: kubelets register their Nodes and start their pod watches; the
/// scheduler starts its informers; the scenario's objects[] are created one after another (each create
/// waits for the previous reply, as `kubectl apply -f` does); timeline entries fire at their times.

#include "kubesim/apiserver/api_server.hpp"
#include "kubesim/cluster/event_log.hpp"
#include "kubesim/cluster/expectation_checker.hpp"
#include "kubesim/cluster/history_log.hpp"
#include "kubesim/controllers/controller_manager.hpp"
#include "kubesim/metrics/pod_lifecycle.hpp"
#include "kubesim/metrics/reconciliation.hpp"
#include "kubesim/metrics/run_summary.hpp"
#include "kubesim/metrics/usage_series.hpp"
#include "kubesim/node/node_agent.hpp"
#include "kubesim/node/proxy_agent.hpp"
#include "kubesim/scenario/scenario_spec.hpp"
#include "kubesim/scheduler/scheduler.hpp"
#include "kubesim/sim/simulation.hpp"

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::cluster {

class TraceLog;

/// Options that override the scenario (from the command line).
struct RunOptions {
  std::optional<std::uint64_t> seed;
  std::optional<base::Duration> duration;
  /// Keep every node's usage at every sample (node_usage(); memory grows with nodes × samples).
  bool node_usage = false;
};

class Cluster {
 public:
  /// Builds the cluster for `spec`. Fails with a message if a component rejects its configuration.
  static base::Expected<std::unique_ptr<Cluster>, std::string> build(const scenario::ScenarioSpec& spec,
                                                                     const RunOptions& options);

  /// Sends every store change to `log` from now on (call before run()).
  void attach_history(HistoryLog& log);
  /// Sends every Kubernetes Event occurrence, timeline action and run warning to `log` (events.jsonl).
  void attach_event_log(EventLog& log);
  /// Calls `fn` after every usage sample (every kUsageSampleInterval of simulated time) with the
  /// sample and the number of events processed: for a progress line. It must not change the model.
  void on_sample(std::function<void(const metrics::UsageSample&, std::uint64_t events)> fn) {
    on_sample_ = std::move(fn);
  }
  /// Prints the classroom view to `log` from now on (`--trace`, src/cluster/trace.cpp): every accepted
  /// write, what it means for the component that made it, scheduling attempts, kube-proxy programming
  /// and timeline actions. Observes only; the run and its fingerprint are unchanged. Call before run().
  void attach_trace(TraceLog& log);
  /// Runs the simulation to its horizon (or until nothing is left to do).
  void run();
  /// Runs the simulation up to `t` (at most the horizon), starting it on the first call; call it again
  /// with a later time to continue. For tests that act on the model between two points in time. Do not
  /// mix with run().
  void run_until(base::SimTime t);
  /// The kubelets, for tests and fault injection (crash, partition, ...).
  [[nodiscard]] node::NodeAgent& nodes() { return nodes_; }
  /// The kube-proxies and the traffic streams (started only when the scenario has traffic).
  [[nodiscard]] const node::ProxyAgent& proxies() const { return proxies_; }
  /// The run's summary (call after run()).
  [[nodiscard]] metrics::RunSummary summary() const;
  [[nodiscard]] const metrics::PodLifecycle& pods() const { return pods_; }
  /// Resources used vs requested vs allocatable, one sample every kUsageSampleInterval (timeseries.csv).
  [[nodiscard]] const std::vector<metrics::UsageSample>& usage() const { return usage_; }
  /// Per-node samples, when RunOptions::node_usage asked for them; node_names() names their nodes.
  [[nodiscard]] const std::vector<metrics::NodeUsageSample>& node_usage() const { return node_usage_; }
  [[nodiscard]] std::vector<std::string> node_names() const;
  static constexpr base::Duration kUsageSampleInterval = base::Duration::from_seconds(10);
  /// The API server, for reading the final state of objects (tests, outputs).
  [[nodiscard]] const apiserver::ApiServer& api() const { return api_; }
  /// Problems the scenario's own requests ran into (for example an object the API server rejected at
  /// run time), as "t=…: …" lines, in the order they happened.
  [[nodiscard]] const std::vector<std::string>& warnings() const { return warnings_; }

  /// The event dispatcher (called by Simulation::run_until).
  void dispatch(const sim::Event& e);

 private:
  explicit Cluster(const scenario::ScenarioSpec& spec, const RunOptions& options);

  void start();
  void on_timeline(std::uint32_t entry);
  void on_arrival(std::uint32_t entry, std::uint32_t ordinal);
  void on_scenario_reply(std::uint32_t slot);
  void enqueue_create(const scenario::ManifestObject& m);
  void send_next_create();

  // Timeline operations (timeline_ops in cluster.cpp): what `kubectl` and a cloud provider would do.
  // Each request that needs its reply is a KubectlOp in a slab; replies come back as ScenarioReply
  // target kKubectlReplies, drain's 5 s retries as TimelineAction target kKubectlRetry.
  struct KubectlOp {
    enum class Verb : std::uint8_t { Update, Delete, Evict };
    Verb verb = Verb::Update;
    std::uint32_t entry = 0;  // the timeline entry (its action says how to change the object)
    api::Kind kind = api::Kind::Pod;
    std::string ns;
    std::string name;
    std::int32_t attempts = 0;
    bool refused_before = false;  // Evict: a refusal was already reported
  };
  static KubectlOp make_op(KubectlOp::Verb verb, std::uint32_t entry, api::Kind kind, std::string ns, std::string name);
  void run_node_action(std::uint32_t entry, const scenario::NodeAction& a);
  void add_nodes(const scenario::AddNodesAction& a);
  void remove_nodes(const scenario::RemoveNodesAction& a);
  void run_traffic(const scenario::TrafficAction& a);
  /// The nodes a selector names at this moment, in order.
  [[nodiscard]] std::vector<std::string> select_nodes(const scenario::NodeSelector& sel) const;
  std::uint32_t new_op(KubectlOp op);
  void free_op(std::uint32_t op);
  /// GET the op's object, change it as its entry says, PUT it with a resourceVersion precondition.
  void send_update(std::uint32_t op);
  /// drain, once the node is cordoned: evict every pod on it but DaemonSet-owned and mirror pods.
  void evict_pods(std::uint32_t entry, std::string node);
  void send_eviction(std::uint32_t op);
  void on_kubectl_reply(std::uint32_t slot);
  void on_kubectl_retry(std::uint32_t op);
  /// Appends "t=<now>: <what>: <problem>" to warnings_.
  void warn(std::string_view what, std::string_view problem);
  /// Takes the usage samples and expectation checkpoints due before `t` (or at `t` too, when
  /// `inclusive`), in time order.
  void observe_until(base::SimTime t, bool inclusive);
  void take_usage_sample();
  /// The value of an expectation's metric now (src/cluster/measure.cpp).
  [[nodiscard]] Measurement measure(const scenario::Expectation& e) const;
  /// After the run: end-of-run expectations.
  void finish_expectations();
  [[nodiscard]] std::string describe(const KubectlOp& op) const;
  // The trace (trace.cpp): one observer per signal.
  void trace_change(base::SimTime now, apiserver::Verb verb, apiserver::ClientId client, const store::Change& c);
  void trace_event(base::SimTime now, const store::Change& c);
  void trace_attempt(base::SimTime now, const api::Pod& pod, const scheduler::AttemptResult& r);
  void trace_proxies(base::SimTime at, std::string_view ns, std::string_view service, std::size_t endpoints);
  /// The timeline line of an action, about the nodes a node action names.
  void trace_timeline(base::SimTime now, const scenario::TimelineAction& action);
  /// "crashNode worker-1", "scale Deployment default/web to 5": a timeline action in a few words.
  [[nodiscard]] static std::string describe_action(const scenario::TimelineAction& action);

  scenario::ScenarioSpec spec_;
  std::uint64_t seed_;
  base::Duration horizon_;
  sim::Simulation sim_;
  apiserver::ApiServer api_;
  node::NodeAgent nodes_;
  std::unique_ptr<scheduler::Scheduler> scheduler_;
  controllers::ControllerManager controllers_;
  client::Client scenario_client_;
  metrics::PodLifecycle pods_;
  metrics::ReconciliationTracker reconciliation_;
  /// The time measure() measures at: the checkpoint being checked (the last event may be earlier).
  base::SimTime measuring_at_;
  /// Scratch for take_usage_sample: pods running on each running node.
  std::vector<std::int32_t> pods_per_node_;
  std::vector<metrics::UsageSample> usage_;
  std::vector<metrics::NodeUsageSample> node_usage_;
  bool keep_node_usage_ = false;
  base::SimTime next_sample_ = base::SimTime::zero() + kUsageSampleInterval;
  ExpectationChecker checks_;
  // Requests of the sampled pending pods (reused per usage sample).
  std::vector<std::int64_t> pending_cpu_;
  std::vector<std::int64_t> pending_memory_;
  /// min(next_sample_, checks_.next_time()): the next moment observe_until has work.
  base::SimTime next_observation_ = next_sample_;
  std::vector<std::string> warnings_;
  EventLog* event_log_ = nullptr;
  std::function<void(const metrics::UsageSample&, std::uint64_t)> on_sample_;
  TraceLog* trace_ = nullptr;
  /// Preemption victims whose delete the trace has not shown yet → their preemptor's namespace/name.
  std::map<std::pair<std::string, std::string>, std::string> preemptors_;
  /// Scheduling attempts that found no node, and per filter reason the attempts that saw it.
  std::uint64_t unschedulable_attempts_ = 0;
  std::map<std::string, std::uint64_t> unschedulable_reasons_;
  /// Kubernetes Events reported, by (type, reason).
  std::map<std::pair<std::string, std::string>, std::uint64_t> k8s_events_;

  // Sequential creates of objects[] and timeline `create` actions.
  std::deque<api::AnyObject> create_queue_;
  bool create_in_flight_ = false;
  // run_until() starts the cluster once.
  bool started_ = false;
  // One random stream per arrivals entry (run times, Poisson gaps).
  std::vector<base::Rng> arrival_rng_;

  // Timeline operations.
  client::Client kubectl_;
  std::vector<KubectlOp> ops_;
  std::vector<std::uint32_t> free_ops_;
  /// Per node pool (spec order): the next index addNodes hands out and the indices of the nodes that
  /// still exist (ascending), for pool/zone selectors and removeNodes.
  struct PoolNodes {
    std::int32_t next_index = 0;
    std::vector<std::int32_t> live;
  };
  std::vector<PoolNodes> pool_nodes_;
  // Last, so that its API client registers after every other component's (client ids unchanged).
  node::ProxyAgent proxies_;
};

}  // namespace kubesim::cluster
