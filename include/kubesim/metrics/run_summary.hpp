#pragma once

/// RunSummary: what `kubesim run` reports, and its three renderings: the text summary on stdout,
/// summary.json and pods.csv (written by --out). All values are in simulated time and counts, so the
/// outputs are byte-identical for a given scenario and seed on any machine.

#include "kubesim/metrics/expectation_result.hpp"
#include "kubesim/metrics/pod_lifecycle.hpp"
#include "kubesim/metrics/reconciliation.hpp"
#include "kubesim/metrics/usage_series.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kubesim::metrics {

struct RequestCountRow {
  std::string client;
  std::string verb;
  std::string resource;
  std::uint64_t count = 0;
  std::uint64_t failed = 0;
  /// Issue → apply latency (client-side throttling included) over the requests that travel to the
  /// server (every write; reads are answered at once and have none): mean (integer nanoseconds) and max.
  std::uint64_t timed = 0;
  Duration latency_mean;
  Duration latency_max;
};

/// Watch delivery lag for one (client, resource): commit → delivery of live changes.
struct WatchLagRow {
  std::string client;
  std::string resource;
  std::uint64_t events = 0;
  Duration lag_mean;
  Duration lag_max;
};

struct PodCounts {
  std::uint64_t created = 0;
  std::uint64_t scheduled = 0;
  std::uint64_t running = 0;
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;
  /// Never bound and not deleted.
  std::uint64_t pending = 0;
  std::uint64_t deleted = 0;
};

/// How often components reported one (type, reason) Kubernetes Event (repeats counted in).
struct EventReasonRow {
  std::string type;
  std::string reason;
  std::uint64_t count = 0;
};

/// A maximal run of traffic ticks with errors (node::TrafficErrorWindow): the first and last such tick.
struct ErrorWindowRow {
  SimTime start;
  SimTime end;
  std::uint64_t errors = 0;
};

/// What the traffic to one Service met (node::ServiceTraffic).
struct ServiceTrafficRow {
  std::string namespace_;
  std::string name;
  std::uint64_t requests = 0;
  std::uint64_t successes = 0;
  std::uint64_t errors = 0;
  std::vector<ErrorWindowRow> error_windows;
};

struct RunSummary {
  std::string scenario;
  std::uint64_t seed = 0;
  Duration horizon;
  /// Time of the last processed event.
  SimTime last_event;
  std::uint64_t events = 0;
  std::uint64_t fingerprint = 0;
  std::uint64_t nodes = 0;
  PodCounts pods;
  /// created → scheduled (binding written).
  LatencyStats scheduling_latency;
  /// created → running (all containers started).
  LatencyStats startup_latency;
  std::uint64_t scheduling_attempts = 0;
  /// Bindings per simulated second: the mean over the whole seconds ([k s, k+1 s)) from the first
  /// binding's to the last's, and the most in one of them.
  double throughput_mean = 0;
  std::uint64_t throughput_peak = 0;
  /// Attempts that found no node, and per filter reason the attempts in which at least one node gave
  /// it (sorted by count, then reason).
  std::uint64_t unschedulable_attempts = 0;
  std::vector<std::pair<std::string, std::uint64_t>> unschedulable_reasons;
  /// Pods the scheduler deleted to make room for higher-priority ones (printed only when non-zero).
  std::uint64_t preemption_victims = 0;
  std::uint64_t image_pulls = 0;
  /// Images deleted by the kubelets' image GC (printed only when non-zero).
  std::uint64_t images_collected = 0;
  /// Kubelet container restarts, OOM kills and memory-pressure evictions (printed only when one is
  /// non-zero, so runs without them read as before).
  std::uint64_t container_restarts = 0;
  std::uint64_t oom_kills = 0;
  std::uint64_t evictions = 0;
  /// Container-seconds CPU-throttled by limits and CPU-starved on saturated nodes, from the 10 s usage
  /// samples (printed only when one is non-zero).
  std::int64_t cpu_throttled_container_seconds = 0;
  std::int64_t cpu_starved_container_seconds = 0;
  /// Requested and used resources against allocatable, nodes in use, fragmentation (usage samples).
  UtilizationSummary utilization;
  /// Reconciliation (metrics/reconciliation.hpp): every Deployment rollout, every node fault and its
  /// recovery, and endpoint convergence latencies. Rollouts and faults are left out of the text and JSON
  /// when empty, convergence when it has no sample.
  std::vector<RolloutRecord> rollouts;
  std::vector<NodeFaultRecord> node_faults;
  LatencyStats endpoint_convergence;
  /// The store's last resourceVersion (number of writes).
  std::uint64_t store_revision = 0;
  std::vector<RequestCountRow> requests;
  /// Sorted by (client, resource).
  std::vector<WatchLagRow> watch_lags;
  /// Kubernetes Events by (type, reason), sorted.
  std::vector<EventReasonRow> k8s_events;
  /// Per Service sent traffic, by (namespace, name); empty when the scenario has no traffic, and then
  /// left out of the text and JSON renderings.
  std::vector<ServiceTrafficRow> traffic;
  /// spec.expect[] outcomes in file order; empty (and left out of the renderings) without expectations.
  std::vector<ExpectationResult> expectations;
  [[nodiscard]] bool expectations_failed() const;
};

/// Counts and latency statistics from the pod records.
void summarize_pods(const std::vector<PodRecord>& records, RunSummary& out);

std::string format_summary_text(const RunSummary& s);
/// summary.json: one object, keys in a fixed order, durations in seconds (`*_seconds`).
std::string format_summary_json(const RunSummary& s);
/// pods.csv: header plus one row per pod in creation order; times in seconds since start, empty when
/// the milestone was not reached.
std::string format_pods_csv(const std::vector<PodRecord>& records);

/// JSON string literal (with quotes) for `s`.
std::string json_quote(std::string_view s);
/// Seconds with nanosecond precision and no trailing zeros ("1.5", "0.003", "12").
std::string format_seconds(Duration d);

}  // namespace kubesim::metrics
