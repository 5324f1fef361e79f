#include "kubesim/metrics/run_summary.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kubesim::metrics {

void summarize_pods(const std::vector<PodRecord>& records, RunSummary& out) {
  PodCounts c;
  std::vector<Duration> scheduling;
  std::vector<Duration> startup;
  for (const PodRecord& r : records) {
    ++c.created;
    if (r.bound) {
      ++c.scheduled;
      scheduling.push_back(*r.bound - r.created);
    }
    if (r.running) {
      startup.push_back(*r.running - r.created);
    }
    if (r.deleted) {
      ++c.deleted;
    } else if (r.phase == api::PodPhase::Running) {
      ++c.running;
    } else if (r.phase == api::PodPhase::Succeeded) {
      ++c.succeeded;
    } else if (r.phase == api::PodPhase::Failed) {
      ++c.failed;
    } else if (!r.bound) {
      ++c.pending;
    }
  }
  out.pods = c;
  // Throughput: bindings per second of simulated time.
  std::vector<std::int64_t> bound_seconds;
  bound_seconds.reserve(scheduling.size());
  for (const PodRecord& r : records) {
    if (r.bound) {
      bound_seconds.push_back(r.bound->since_start().nanos());
    }
  }
  std::sort(bound_seconds.begin(), bound_seconds.end());
  out.throughput_mean = 0;
  out.throughput_peak = 0;
  if (!bound_seconds.empty()) {
    // Over the whole seconds from the first binding's to the last's, the same windows as the peak,
    // so that the mean never exceeds the peak (two bindings 2 ms apart are 2 pods/s, not 500).
    std::int64_t windows = bound_seconds.back() / 1'000'000'000 - bound_seconds.front() / 1'000'000'000 + 1;
    out.throughput_mean = static_cast<double>(bound_seconds.size()) / static_cast<double>(windows);
    std::size_t run = 0;
    for (std::size_t i = 0; i < bound_seconds.size(); ++i) {
      bool same = i > 0 && bound_seconds[i] / 1'000'000'000 == bound_seconds[i - 1] / 1'000'000'000;
      run = same ? run + 1 : 1;
      out.throughput_peak = std::max<std::uint64_t>(out.throughput_peak, run);
    }
  }
  out.scheduling_latency = latency_stats(std::move(scheduling));
  out.startup_latency = latency_stats(std::move(startup));
}

std::string format_seconds(Duration d) {
  std::int64_t ns = d.nanos();
  std::string sign = ns < 0 ? "-" : "";
  std::uint64_t u = ns < 0 ? static_cast<std::uint64_t>(-ns) : static_cast<std::uint64_t>(ns);
  std::string out = fmt::format("{}{}", sign, u / 1'000'000'000ULL);
  std::uint64_t frac = u % 1'000'000'000ULL;
  if (frac != 0) {
    std::string digits = fmt::format("{:09}", frac);
    while (digits.back() == '0') {
      digits.pop_back();
    }
    out += "." + digits;
  }
  return out;
}

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    switch (ch) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      if (static_cast<unsigned char>(ch) < 0x20) {
        out += fmt::format("\\u{:04x}", static_cast<unsigned>(ch));
      } else {
        out += ch;
      }
    }
  }
  out += '"';
  return out;
}

namespace {

// The text summary is for people: latencies to the millisecond (half up). JSON keeps nanoseconds.
std::string ms(Duration d) { return base::format_duration(Duration::from_millis((d.nanos() + 500'000) / 1'000'000)); }

std::string latency_line(std::string_view label, const LatencyStats& l) {
  if (l.count == 0) {
    return fmt::format("{:<22} n/a (no samples)\n", label);
  }
  return fmt::format("{:<22} p50 {}, p90 {}, p99 {}, max {} (n={})\n", label, ms(l.p50), ms(l.p90), ms(l.p99),
                     ms(l.max), l.count);
}

std::string latency_json(const LatencyStats& l) {
  return fmt::format(R"({{"count": {}, "p50_seconds": {}, "p90_seconds": {}, "p99_seconds": {}, "max_seconds": {}}})",
                     l.count, format_seconds(l.p50), format_seconds(l.p90), format_seconds(l.p99),
                     format_seconds(l.max));
}

// successes / requests, truncated to `decimals` digits after the point, by integer arithmetic.
std::string ratio(std::uint64_t successes, std::uint64_t requests, std::uint64_t scale, int decimals) {
  std::uint64_t v = successes * scale / requests;
  return fmt::format("{}.{:0{}}", v / scale, v % scale, decimals);
}

// The text summary lists a Service's first error windows only; summary.json has them all.
constexpr std::size_t kTextErrorWindows = 10;

void traffic_text(std::string& out, const std::vector<ServiceTrafficRow>& rows) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "traffic:               {} service{}\n", rows.size(), rows.size() == 1 ? "" : "s");
  for (const ServiceTrafficRow& t : rows) {
    std::string rate = t.requests == 0 ? std::string("n/a") : ratio(t.successes * 100, t.requests, 1000, 3) + "%";
    fmt::format_to(it, "  {}/{}: requests {}, successes {}, errors {}, success rate {}\n", t.namespace_, t.name,
                   t.requests, t.successes, t.errors, rate);
    std::size_t shown = std::min(t.error_windows.size(), kTextErrorWindows);
    for (std::size_t i = 0; i < shown; ++i) {
      const ErrorWindowRow& w = t.error_windows[i];
      fmt::format_to(it, "    errors from {} to {}: {}\n", ms(w.start.since_start()), ms(w.end.since_start()),
                     w.errors);
    }
    if (shown < t.error_windows.size()) {
      fmt::format_to(it, "    ... {} more error windows (all of them in summary.json)\n",
                     t.error_windows.size() - shown);
    }
  }
}

void traffic_json(std::string& out, const std::vector<ServiceTrafficRow>& rows) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "  \"traffic\": [");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const ServiceTrafficRow& t = rows[i];
    fmt::format_to(it,
                   "{}\n    {{\"namespace\": {}, \"service\": {}, \"requests\": {}, \"successes\": {}, "
                   "\"errors\": {}, \"success_rate\": {}, \"error_windows\": [",
                   i == 0 ? "" : ",", json_quote(t.namespace_), json_quote(t.name), t.requests, t.successes, t.errors,
                   t.requests == 0 ? std::string("null") : ratio(t.successes, t.requests, 1'000'000, 6));
    for (std::size_t k = 0; k < t.error_windows.size(); ++k) {
      const ErrorWindowRow& w = t.error_windows[k];
      fmt::format_to(it, R"({}{{"start_seconds": {}, "end_seconds": {}, "errors": {}}})", k == 0 ? "" : ", ",
                     format_seconds(w.start.since_start()), format_seconds(w.end.since_start()), w.errors);
    }
    fmt::format_to(it, "]}}");
  }
  fmt::format_to(it, "{}],\n", rows.empty() ? "" : "\n  ");
}

// The identifying names of rollouts and faults (summary.json's "rollout"/"fault" fields, which
// `kubesim diff` and `compare` use to pair them across runs).
std::string rollout_id(const RolloutRecord& r) {
  return fmt::format("{}/{} generation {}", r.namespace_, r.name, r.generation);
}
std::string fault_id(const NodeFaultRecord& f) {
  return fmt::format("{} {} at {}", f.action, f.node, base::format_duration(f.at.since_start()));
}

constexpr std::size_t kTextListLimit = 10;

std::string reconciliation_text(const RunSummary& s) {
  std::string out;
  auto it = std::back_inserter(out);
  for (std::size_t i = 0; i < s.rollouts.size() && i < kTextListLimit; ++i) {
    const RolloutRecord& r = s.rollouts[i];
    std::string outcome = r.completed    ? fmt::format("available after {}", ms(*r.completed - r.started))
                          : r.superseded ? std::string("superseded by the next spec change")
                                         : std::string("not complete at the end");
    fmt::format_to(it, "{:<23}{} ({} replica{}), started at {}: {}\n", i == 0 ? "rollouts:" : "", rollout_id(r),
                   r.replicas, r.replicas == 1 ? "" : "s", ms(r.started.since_start()), outcome);
  }
  if (s.rollouts.size() > kTextListLimit) {
    fmt::format_to(it, "{:<23}... and {} more (summary.json has them all)\n", "", s.rollouts.size() - kTextListLimit);
  }
  for (std::size_t i = 0; i < s.node_faults.size() && i < kTextListLimit; ++i) {
    const NodeFaultRecord& f = s.node_faults[i];
    std::string outcome;
    if (f.pods_lost == 0) {
      outcome = "nothing to make up for";
    } else if (f.recovered) {
      outcome = f.returned == 0 ? fmt::format("replaced and Running after {}", ms(*f.recovered - f.at))
                                : fmt::format("made up for after {} ({} replaced, {} back with the node)",
                                              ms(*f.recovered - f.at), f.replaced, f.returned);
    } else {
      outcome = f.returned == 0
                    ? fmt::format("{} of them replaced and Running by the end", f.replaced)
                    : fmt::format("{} replaced and {} back with the node by the end", f.replaced, f.returned);
    }
    fmt::format_to(it, "{:<23}{}: {} controller-owned pod(s) lost, {}\n", i == 0 ? "node faults:" : "", fault_id(f),
                   f.pods_lost, outcome);
  }
  if (s.node_faults.size() > kTextListLimit) {
    fmt::format_to(it, "{:<23}... and {} more (summary.json has them all)\n", "",
                   s.node_faults.size() - kTextListLimit);
  }
  if (s.endpoint_convergence.count > 0) {
    out += latency_line("endpoint convergence:", s.endpoint_convergence);
  }
  return out;
}

std::string optional_seconds(const std::optional<SimTime>& t) {
  return t ? format_seconds(t->since_start()) : std::string("null");
}

std::string reconciliation_json(const RunSummary& s) {
  std::string out;
  auto it = std::back_inserter(out);
  if (!s.rollouts.empty()) {
    out += "  \"rollouts\": [";
    for (std::size_t i = 0; i < s.rollouts.size(); ++i) {
      const RolloutRecord& r = s.rollouts[i];
      fmt::format_to(it,
                     "{}\n    {{\"rollout\": {}, \"namespace\": {}, \"deployment\": {}, \"generation\": {}, "
                     "\"replicas\": {}, \"started_seconds\": {}, \"completed_seconds\": {}, \"duration_seconds\": {}, "
                     "\"superseded\": {}}}",
                     i == 0 ? "" : ",", json_quote(rollout_id(r)), json_quote(r.namespace_), json_quote(r.name),
                     r.generation, r.replicas, format_seconds(r.started.since_start()), optional_seconds(r.completed),
                     r.completed ? format_seconds(*r.completed - r.started) : "null", r.superseded ? "true" : "false");
    }
    out += "\n  ],\n";
  }
  if (!s.node_faults.empty()) {
    out += "  \"node_faults\": [";
    for (std::size_t i = 0; i < s.node_faults.size(); ++i) {
      const NodeFaultRecord& f = s.node_faults[i];
      fmt::format_to(it,
                     "{}\n    {{\"fault\": {}, \"node\": {}, \"action\": {}, \"at_seconds\": {}, \"pods_lost\": {}, "
                     "\"replaced\": {}, \"returned\": {}, \"recovered_seconds\": {}, \"duration_seconds\": {}}}",
                     i == 0 ? "" : ",", json_quote(fault_id(f)), json_quote(f.node), json_quote(f.action),
                     format_seconds(f.at.since_start()), f.pods_lost, f.replaced, f.returned,
                     optional_seconds(f.recovered), f.recovered ? format_seconds(*f.recovered - f.at) : "null");
    }
    out += "\n  ],\n";
  }
  if (s.endpoint_convergence.count > 0) {
    fmt::format_to(it, "  \"endpoint_convergence\": {},\n", latency_json(s.endpoint_convergence));
  }
  return out;
}

}  // namespace

std::string format_summary_text(const RunSummary& s) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "scenario:              {} (seed {})\n", s.scenario, s.seed);
  fmt::format_to(it, "simulated time:        {} (last event at {})\n", base::format_duration(s.horizon),
                 ms(s.last_event.since_start()));
  fmt::format_to(it, "nodes:                 {}\n", s.nodes);
  fmt::format_to(it,
                 "pods:                  created {}, scheduled {}, running {}, succeeded {}, failed {}, pending {}, "
                 "deleted {}\n",
                 s.pods.created, s.pods.scheduled, s.pods.running, s.pods.succeeded, s.pods.failed, s.pods.pending,
                 s.pods.deleted);
  out += latency_line("scheduling latency:", s.scheduling_latency);
  out += latency_line("pod startup latency:", s.startup_latency);
  fmt::format_to(it, "scheduling attempts:   {}\n", s.scheduling_attempts);
  if (s.pods.scheduled > 0) {
    fmt::format_to(it, "scheduling throughput: mean {:.3f} pods/s, peak {} pods/s (1 s windows)\n", s.throughput_mean,
                   s.throughput_peak);
  }
  if (s.unschedulable_attempts > 0) {
    std::string reasons;
    for (const auto& [reason, count] : s.unschedulable_reasons) {
      reasons += fmt::format("{}{} {}", reasons.empty() ? "" : ", ", reason, count);
    }
    fmt::format_to(it, "unschedulable:         {} attempts ({})\n", s.unschedulable_attempts, reasons);
  }
  if (s.preemption_victims > 0) {
    fmt::format_to(it, "preemption victims:    {}\n", s.preemption_victims);
  }
  if (s.utilization.samples > 0) {
    const UtilizationSummary& u = s.utilization;
    fmt::format_to(it,
                   "utilization:           CPU requested {:.1f}% (peak {:.1f}%), used {:.1f}%; memory requested "
                   "{:.1f}%, used {:.1f}% (means of 10 s samples)\n",
                   100 * u.cpu_requested_ratio_mean, 100 * u.cpu_requested_ratio_peak, 100 * u.cpu_used_ratio_mean,
                   100 * u.memory_requested_ratio_mean, 100 * u.memory_used_ratio_mean);
    fmt::format_to(it, "nodes in use:          mean {:.1f}, peak {} of {}; {}\n", u.nodes_in_use_mean,
                   u.nodes_in_use_peak, s.nodes,
                   u.samples_with_pending == 0 ? std::string("no pod pending at a sample")
                                               : fmt::format("CPU fragmentation {:.1f}% while pods pend",
                                                             100 * u.cpu_fragmentation_ratio_mean));
    fmt::format_to(it, "pods per node:         p50 {}, p90 {}, max {} at the end (peak {})\n", u.pods_per_node_p50,
                   u.pods_per_node_p90, u.pods_per_node_max, u.pods_per_node_peak);
  }
  fmt::format_to(it, "image pulls:           {}{}\n", s.image_pulls,
                 s.images_collected == 0 ? std::string()
                                         : fmt::format(" ({} images garbage-collected)", s.images_collected));
  if (s.container_restarts + s.oom_kills + s.evictions > 0) {
    fmt::format_to(it, "containers:            restarts {}, OOM kills {}, evictions {}\n", s.container_restarts,
                   s.oom_kills, s.evictions);
  }
  if (s.cpu_throttled_container_seconds + s.cpu_starved_container_seconds > 0) {
    fmt::format_to(it, "cpu contention:        throttled {} container-s, starved {} container-s (10 s samples)\n",
                   s.cpu_throttled_container_seconds, s.cpu_starved_container_seconds);
  }
  out += reconciliation_text(s);
  std::uint64_t total = 0;
  for (const RequestCountRow& r : s.requests) {
    total += r.count;
  }
  fmt::format_to(it, "api requests:          {} (store revision {})\n", total, s.store_revision);
  std::size_t client_width = 10;
  for (const RequestCountRow& r : s.requests) {
    client_width = std::max(client_width, r.client.size());
  }
  for (const RequestCountRow& r : s.requests) {
    std::string latency =
        r.timed == 0 ? std::string() : fmt::format("  latency mean {}, max {}", ms(r.latency_mean), ms(r.latency_max));
    std::string line =
        fmt::format("  {:<{}} {:<13} {:<22} {:>8}{}{}", r.client, client_width, r.verb, r.resource, r.count, latency,
                    r.failed == 0 ? std::string() : fmt::format("  ({} failed)", r.failed));
    out += line + "\n";
  }
  if (!s.watch_lags.empty()) {
    out += "watch delivery:        changes delivered to watchers, commit -> delivery\n";
    for (const WatchLagRow& w : s.watch_lags) {
      fmt::format_to(it, "  {:<{}} {:<36} {:>8}  lag mean {}, max {}\n", w.client, client_width, w.resource, w.events,
                     ms(w.lag_mean), ms(w.lag_max));
    }
  }
  if (!s.k8s_events.empty()) {
    std::uint64_t events = 0;
    for (const EventReasonRow& e : s.k8s_events) {
      events += e.count;
    }
    fmt::format_to(it, "kubernetes events:     {}\n", events);
    for (const EventReasonRow& e : s.k8s_events) {
      fmt::format_to(it, "  {:<8} {:<34} {:>8}\n", e.type, e.reason, e.count);
    }
  }
  if (!s.traffic.empty()) {
    traffic_text(out, s.traffic);
  }
  out += format_expectations_text(s.expectations);
  fmt::format_to(it, "events processed:      {}\n", s.events);
  fmt::format_to(it, "fingerprint:           {:016x}\n", s.fingerprint);
  return out;
}

std::string format_summary_json(const RunSummary& s) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{{\n");
  fmt::format_to(it, "  \"scenario\": {},\n", json_quote(s.scenario));
  fmt::format_to(it, "  \"seed\": {},\n", s.seed);
  fmt::format_to(it, "  \"horizon_seconds\": {},\n", format_seconds(s.horizon));
  fmt::format_to(it, "  \"last_event_seconds\": {},\n", format_seconds(s.last_event.since_start()));
  fmt::format_to(it, "  \"nodes\": {},\n", s.nodes);
  fmt::format_to(
      it,
      "  \"pods\": {{\"created\": {}, \"scheduled\": {}, \"running\": {}, \"succeeded\": {}, \"failed\": {}, "
      "\"pending\": {}, \"deleted\": {}}},\n",
      s.pods.created, s.pods.scheduled, s.pods.running, s.pods.succeeded, s.pods.failed, s.pods.pending,
      s.pods.deleted);
  fmt::format_to(it, "  \"scheduling_latency\": {},\n", latency_json(s.scheduling_latency));
  fmt::format_to(it, "  \"startup_latency\": {},\n", latency_json(s.startup_latency));
  fmt::format_to(it, "  \"scheduling_attempts\": {},\n", s.scheduling_attempts);
  fmt::format_to(it, "  \"throughput\": {{\"mean_pods_per_second\": {:.3f}, \"peak_pods_per_second\": {}}},\n",
                 s.throughput_mean, s.throughput_peak);
  fmt::format_to(it, "  \"unschedulable\": {{\"attempts\": {}, \"reasons\": [", s.unschedulable_attempts);
  for (std::size_t i = 0; i < s.unschedulable_reasons.size(); ++i) {
    fmt::format_to(it, "{}{{\"reason\": {}, \"attempts\": {}}}", i == 0 ? "" : ", ",
                   json_quote(s.unschedulable_reasons[i].first), s.unschedulable_reasons[i].second);
  }
  fmt::format_to(it, "]}},\n");
  if (s.preemption_victims > 0) {
    fmt::format_to(it, "  \"preemption_victims\": {},\n", s.preemption_victims);
  }
  const UtilizationSummary& u = s.utilization;
  fmt::format_to(it,
                 "  \"utilization\": {{\"cpu_requested_ratio_mean\": {:.6f}, \"cpu_requested_ratio_peak\": {:.6f}, "
                 "\"cpu_used_ratio_mean\": {:.6f}, \"memory_requested_ratio_mean\": {:.6f}, "
                 "\"memory_used_ratio_mean\": {:.6f}, \"nodes_in_use_mean\": {:.3f}, \"nodes_in_use_peak\": {}, "
                 "\"cpu_fragmentation_ratio_mean\": {:.6f}, \"pods_per_node_p50\": {}, \"pods_per_node_p90\": {}, "
                 "\"pods_per_node_max\": {}, \"pods_per_node_peak\": {}}},\n",
                 u.cpu_requested_ratio_mean, u.cpu_requested_ratio_peak, u.cpu_used_ratio_mean,
                 u.memory_requested_ratio_mean, u.memory_used_ratio_mean, u.nodes_in_use_mean, u.nodes_in_use_peak,
                 u.cpu_fragmentation_ratio_mean, u.pods_per_node_p50, u.pods_per_node_p90, u.pods_per_node_max,
                 u.pods_per_node_peak);
  fmt::format_to(it, "  \"image_pulls\": {},\n", s.image_pulls);
  if (s.images_collected > 0) {
    fmt::format_to(it, "  \"images_collected\": {},\n", s.images_collected);
  }
  if (s.container_restarts + s.oom_kills + s.evictions > 0) {
    fmt::format_to(it, "  \"containers\": {{\"restarts\": {}, \"oom_kills\": {}, \"evictions\": {}}},\n",
                   s.container_restarts, s.oom_kills, s.evictions);
  }
  if (s.cpu_throttled_container_seconds + s.cpu_starved_container_seconds > 0) {
    fmt::format_to(it,
                   "  \"cpu_contention\": {{\"throttled_container_seconds\": {}, \"starved_container_seconds\": "
                   "{}}},\n",
                   s.cpu_throttled_container_seconds, s.cpu_starved_container_seconds);
  }
  out += reconciliation_json(s);
  fmt::format_to(it, "  \"store_revision\": {},\n", s.store_revision);
  fmt::format_to(it, "  \"api_requests\": [");
  for (std::size_t i = 0; i < s.requests.size(); ++i) {
    const RequestCountRow& r = s.requests[i];
    fmt::format_to(it, "{}\n    {{\"client\": {}, \"verb\": {}, \"resource\": {}, \"count\": {}, \"failed\": {}{}}}",
                   i == 0 ? "" : ",", json_quote(r.client), json_quote(r.verb), json_quote(r.resource), r.count,
                   r.failed,
                   r.timed == 0 ? std::string()
                                : fmt::format(", \"latency_mean_seconds\": {}, \"latency_max_seconds\": {}",
                                              format_seconds(r.latency_mean), format_seconds(r.latency_max)));
  }
  fmt::format_to(it, "{}],\n", s.requests.empty() ? "" : "\n  ");
  fmt::format_to(it, "  \"watch_delivery\": [");
  for (std::size_t i = 0; i < s.watch_lags.size(); ++i) {
    const WatchLagRow& w = s.watch_lags[i];
    fmt::format_to(it,
                   "{}\n    {{\"client\": {}, \"resource\": {}, \"events\": {}, \"lag_mean_seconds\": {}, "
                   "\"lag_max_seconds\": {}}}",
                   i == 0 ? "" : ",", json_quote(w.client), json_quote(w.resource), w.events,
                   format_seconds(w.lag_mean), format_seconds(w.lag_max));
  }
  fmt::format_to(it, "{}],\n", s.watch_lags.empty() ? "" : "\n  ");
  fmt::format_to(it, "  \"kubernetes_events\": [");
  for (std::size_t i = 0; i < s.k8s_events.size(); ++i) {
    const EventReasonRow& e = s.k8s_events[i];
    fmt::format_to(it, "{}\n    {{\"type\": {}, \"reason\": {}, \"count\": {}}}", i == 0 ? "" : ",", json_quote(e.type),
                   json_quote(e.reason), e.count);
  }
  fmt::format_to(it, "{}],\n", s.k8s_events.empty() ? "" : "\n  ");
  if (!s.traffic.empty()) {
    traffic_json(out, s.traffic);
  }
  if (!s.expectations.empty()) {
    fmt::format_to(it, "  \"expectations\": [");
    for (std::size_t i = 0; i < s.expectations.size(); ++i) {
      const ExpectationResult& e = s.expectations[i];
      fmt::format_to(it,
                     "{}\n    {{\"check\": {}, \"name\": {}, \"location\": {}, \"passed\": {}, \"measured\": {}, "
                     "\"measured_at_seconds\": {}, \"note\": {}}}",
                     i == 0 ? "" : ",", json_quote(e.check), json_quote(e.name), json_quote(e.location),
                     e.passed ? "true" : "false", json_quote(e.measured), format_seconds(e.measured_at.since_start()),
                     json_quote(e.note));
    }
    fmt::format_to(it, "\n  ],\n");
  }
  fmt::format_to(it, "  \"events\": {},\n", s.events);
  fmt::format_to(it, "  \"fingerprint\": \"{:016x}\"\n", s.fingerprint);
  fmt::format_to(it, "}}\n");
  return out;
}

bool RunSummary::expectations_failed() const {
  return std::any_of(expectations.begin(), expectations.end(), [](const ExpectationResult& e) { return !e.passed; });
}

std::string format_pods_csv(const std::vector<PodRecord>& records) {
  std::string out =
      "namespace,name,node,phase,created_seconds,queued_seconds,scheduled_seconds,bound_seconds,running_seconds,"
      "ready_seconds,finished_seconds,deleted_seconds,scheduling_attempts,cpu_used_millicpu_mean,"
      "memory_used_bytes_peak,message\n";
  auto it = std::back_inserter(out);
  auto t = [](const std::optional<SimTime>& v) { return v ? format_seconds(v->since_start()) : std::string(); };
  auto csv = [](const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) {
      return s;
    }
    std::string q = "\"";
    for (char c : s) {
      q += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return q + "\"";
  };
  for (const PodRecord& r : records) {
    // Usage columns stay empty for a pod that never ran through a 10 s sample.
    std::string cpu_mean =
        r.usage_samples == 0 ? std::string() : fmt::format("{}", r.cpu_used_sum_millicpu / r.usage_samples);
    std::string memory_peak = r.usage_samples == 0 ? std::string() : fmt::format("{}", r.memory_used_peak_bytes);
    fmt::format_to(it, "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", csv(r.namespace_), csv(r.name), csv(r.node),
                   api::pod_phase_name(r.phase), format_seconds(r.created.since_start()), t(r.queued), t(r.scheduled),
                   t(r.bound), t(r.running), t(r.ready), t(r.finished), t(r.deleted), r.attempts, cpu_mean, memory_peak,
                   csv(r.message));
  }
  return out;
}

}  // namespace kubesim::metrics
