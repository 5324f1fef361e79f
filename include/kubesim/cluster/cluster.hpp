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
#include "kubesim/cluster/history_log.hpp"
#include "kubesim/controllers/controller_manager.hpp"
#include "kubesim/metrics/pod_lifecycle.hpp"
#include "kubesim/metrics/run_summary.hpp"
#include "kubesim/node/node_agent.hpp"
#include "kubesim/scenario/scenario_spec.hpp"
#include "kubesim/scheduler/scheduler.hpp"
#include "kubesim/sim/simulation.hpp"

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kubesim::cluster {

/// Options that override the scenario (from the command line).
struct RunOptions {
  std::optional<std::uint64_t> seed;
  std::optional<base::Duration> duration;
};

class Cluster {
 public:
  /// Builds the cluster for `spec`. Fails with a message if a component rejects its configuration.
  static base::Expected<std::unique_ptr<Cluster>, std::string> build(const scenario::ScenarioSpec& spec,
                                                                     const RunOptions& options);

  /// Sends every store change to `log` from now on (call before run()).
  void attach_history(HistoryLog& log);
  /// Runs the simulation to its horizon (or until nothing is left to do).
  void run();
  /// The run's summary (call after run()).
  [[nodiscard]] metrics::RunSummary summary() const;
  [[nodiscard]] const metrics::PodLifecycle& pods() const { return pods_; }
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
  std::vector<std::string> warnings_;
  /// Kubernetes Events reported, by (type, reason).
  std::map<std::pair<std::string, std::string>, std::uint64_t> k8s_events_;

  // Sequential creates of objects[] and timeline `create` actions.
  std::deque<api::AnyObject> create_queue_;
  bool create_in_flight_ = false;
  // One random stream per arrivals entry (run times, Poisson gaps).
  std::vector<base::Rng> arrival_rng_;
};

}  // namespace kubesim::cluster
