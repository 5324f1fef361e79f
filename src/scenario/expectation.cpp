#include "kubesim/scenario/expectation.hpp"

#include "kubesim/base/assert.hpp"
#include "kubesim/base/quantity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace kubesim::scenario {
namespace {

using K = MetricKind;
using U = MetricUnit;

constexpr auto kCatalogue = std::to_array<MetricInfo>({
    {K::PodsCreated, "pods.created", "", U::Count, "pods created so far"},
    {K::PodsScheduled, "pods.scheduled", "", U::Count, "pods bound to a node so far"},
    {K::PodsRunning, "pods.running", "", U::Count, "pods whose last phase is Running"},
    {K::PodsSucceeded, "pods.succeeded", "", U::Count, "pods that ended Succeeded"},
    {K::PodsFailed, "pods.failed", "", U::Count, "pods that ended Failed"},
    {K::PodsPending, "pods.pending", "", U::Count, "pods not bound to a node and not deleted"},
    {K::PodsDeleted, "pods.deleted", "", U::Count, "pods removed from the store"},
    {K::SchedulingLatencyP50, "scheduling_latency.p50", "", U::Duration, "created -> bound, median"},
    {K::SchedulingLatencyP90, "scheduling_latency.p90", "", U::Duration, "created -> bound, 90th percentile"},
    {K::SchedulingLatencyP99, "scheduling_latency.p99", "", U::Duration, "created -> bound, 99th percentile"},
    {K::SchedulingLatencyMax, "scheduling_latency.max", "", U::Duration, "created -> bound, maximum"},
    {K::StartupLatencyP50, "startup_latency.p50", "", U::Duration, "created -> Running, median"},
    {K::StartupLatencyP90, "startup_latency.p90", "", U::Duration, "created -> Running, 90th percentile"},
    {K::StartupLatencyP99, "startup_latency.p99", "", U::Duration, "created -> Running, 99th percentile"},
    {K::StartupLatencyMax, "startup_latency.max", "", U::Duration, "created -> Running, maximum"},
    {K::SchedulingAttempts, "scheduling_attempts", "", U::Count, "scheduling cycles that tried a pod"},
    {K::UnschedulableAttempts, "unschedulable_attempts", "", U::Count, "scheduling cycles that found no node"},
    {K::PreemptionVictims, "preemption_victims", "", U::Count, "pods deleted by preemption"},
    {K::ImagePulls, "image_pulls", "", U::Count, "image downloads over all nodes"},
    {K::ImagesCollected, "images_collected", "", U::Count, "images deleted by image GC"},
    {K::ContainerRestarts, "container_restarts", "", U::Count, "container restarts by kubelets"},
    {K::OomKills, "oom_kills", "", U::Count, "containers OOM-killed"},
    {K::Evictions, "evictions", "", U::Count, "pods evicted by kubelets under memory pressure"},
    {K::Nodes, "nodes", "", U::Count, "Node objects in the cluster"},
    {K::NodesReady, "nodes.ready", "", U::Count, "Node objects whose Ready condition is True"},
    {K::CpuRequestedRatio, "cpu.requested_ratio", "", U::Ratio,
     "requested / allocatable CPU of running nodes, at the last 10 s sample"},
    {K::CpuUsedRatio, "cpu.used_ratio", "", U::Ratio, "used / allocatable CPU, at the last 10 s sample"},
    {K::MemoryRequestedRatio, "memory.requested_ratio", "", U::Ratio,
     "requested / allocatable memory, at the last 10 s sample"},
    {K::MemoryUsedRatio, "memory.used_ratio", "", U::Ratio, "used / allocatable memory, at the last 10 s sample"},
    {K::CpuRequested, "cpu.requested", "", U::MilliCpu, "CPU requests of admitted pods, at the last 10 s sample"},
    {K::CpuUsed, "cpu.used", "", U::MilliCpu, "CPU used by running containers, at the last 10 s sample"},
    {K::MemoryRequested, "memory.requested", "", U::Bytes, "memory requests of admitted pods, at the last 10 s sample"},
    {K::MemoryUsed, "memory.used", "", U::Bytes, "memory used by running containers, at the last 10 s sample"},
    {K::NodesInUse, "nodes.in_use", "", U::Count, "running nodes with a running pod, at the last 10 s sample"},
    {K::QueueLength, "scheduler.queue_length", "", U::Count, "pods in the scheduler's queue, at the last 10 s sample"},
    {K::CpuFragmentationRatio, "cpu.fragmentation_ratio", "", U::Ratio,
     "free CPU on nodes too full for the median pending pod, at the last 10 s sample"},
    {K::CpuThrottledContainerSeconds, "cpu.throttled_container_seconds", "", U::Count,
     "containers CPU-throttled by their limit x 10 s, summed over the samples"},
    {K::CpuStarvedContainerSeconds, "cpu.starved_container_seconds", "", U::Count,
     "containers CPU-starved on a saturated node x 10 s, summed over the samples"},
    {K::ApiRequests, "api.requests", "", U::Count, "requests the API server received"},
    {K::ApiRequestsFailed, "api.requests_failed", "", U::Count, "requests that failed"},
    {K::ApiWatchLagMax, "api.watch_lag_max", "", U::Duration, "longest commit -> watch delivery of a change"},
    {K::RolloutsIncomplete, "rollouts.incomplete", "", U::Count,
     "Deployment rollouts started and not complete (superseded ones not counted)"},
    {K::RolloutDurationMax, "rollouts.duration_max", "", U::Duration,
     "longest rollout: spec change -> complete, or -> now while it runs"},
    {K::NodeFaultRecoveryMax, "node_faults.recovery_max", "", U::Duration,
     "longest node fault -> replacements Running, or -> now while it is not recovered"},
    {K::EndpointConvergenceP99, "endpoint_convergence.p99", "", U::Duration,
     "pod readiness change -> EndpointSlice, 99th percentile"},
    {K::EndpointConvergenceMax, "endpoint_convergence.max", "", U::Duration,
     "pod readiness change -> EndpointSlice, maximum"},
    {K::DeploymentReplicas, "replicas", "deployment", U::Count, "status.replicas"},
    {K::DeploymentReadyReplicas, "ready_replicas", "deployment", U::Count, "status.readyReplicas"},
    {K::DeploymentAvailableReplicas, "available_replicas", "deployment", U::Count, "status.availableReplicas"},
    {K::DeploymentUpdatedReplicas, "updated_replicas", "deployment", U::Count, "status.updatedReplicas"},
    {K::DeploymentUnavailableReplicas, "unavailable_replicas", "deployment", U::Count, "status.unavailableReplicas"},
    {K::DeploymentRolloutDuration, "rollout_duration", "deployment", U::Duration,
     "its latest rollout: spec change -> complete, or -> now while it runs"},
    {K::ReplicaSetReplicas, "replicas", "replicaset", U::Count, "status.replicas"},
    {K::ReplicaSetReadyReplicas, "ready_replicas", "replicaset", U::Count, "status.readyReplicas"},
    {K::ReplicaSetAvailableReplicas, "available_replicas", "replicaset", U::Count, "status.availableReplicas"},
    {K::JobActive, "active", "job", U::Count, "status.active"},
    {K::JobSucceeded, "succeeded", "job", U::Count, "status.succeeded"},
    {K::JobFailed, "failed", "job", U::Count, "status.failed"},
    {K::ServiceReadyEndpoints, "ready_endpoints", "service", U::Count,
     "ready endpoints over the Service's EndpointSlices"},
    {K::ServiceRequests, "requests", "service", U::Count, "traffic requests sent to the Service"},
    {K::ServiceErrors, "errors", "service", U::Count, "traffic requests that failed"},
    {K::ServiceSuccessRate, "success_rate", "service", U::Ratio, "successful / sent traffic requests"},
});

constexpr auto kComparisons = std::to_array<std::pair<std::string_view, Comparison>>({
    {"<=", Comparison::LessEqual},
    {">=", Comparison::GreaterEqual},
    {"==", Comparison::Equal},
    {"!=", Comparison::NotEqual},
    {"<", Comparison::Less},
    {">", Comparison::Greater},
});

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
    s.remove_suffix(1);
  }
  return s;
}

// A non-negative decimal "0.999" or "1" as parts per million (at most 6 decimals), exactly.
std::optional<std::int64_t> parse_ppm(std::string_view s, int extra_decimals) {
  std::int64_t whole = 0;
  std::int64_t frac = 0;
  int decimals = 0;
  bool seen_dot = false;
  bool any_digit = false;
  for (char c : s) {
    if (c == '.' && !seen_dot) {
      seen_dot = true;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) {
      return std::nullopt;
    }
    any_digit = true;
    if (seen_dot) {
      if (++decimals > 6 - extra_decimals) {
        return std::nullopt;
      }
      frac = frac * 10 + (c - '0');
    } else {
      if (whole > 1'000'000) {
        return std::nullopt;
      }
      whole = whole * 10 + (c - '0');
    }
  }
  if (!any_digit) {
    return std::nullopt;
  }
  std::int64_t scale = 1'000'000;
  for (int i = 0; i < extra_decimals; ++i) {
    scale /= 10;
  }
  std::int64_t f = frac;
  for (int i = decimals; i < 6 - extra_decimals; ++i) {
    f *= 10;
  }
  return whole * scale + f;
}

std::optional<CheckError> parse_value(std::string_view text, MetricUnit unit, std::int64_t& out) {
  switch (unit) {
  case U::Count: {
    std::int64_t v = 0;
    bool ok = !text.empty() && text.size() <= 18;
    for (char c : text) {
      ok = ok && std::isdigit(static_cast<unsigned char>(c)) != 0;
      v = v * 10 + (c - '0');
    }
    if (!ok) {
      return CheckError{fmt::format("'{}' is not a count", text), "write a whole number, like 3"};
    }
    out = v;
    return std::nullopt;
  }
  case U::Duration: {
    if (auto d = base::parse_duration(text)) {
      out = d->nanos();
      return std::nullopt;
    }
    // A bare number of seconds ("0.5"), exactly to the nanosecond: parts per million of a second
    // would lose precision, so read it as a duration in seconds.
    if (!text.empty() && std::isdigit(static_cast<unsigned char>(text.back())) != 0) {
      if (auto d = base::parse_duration(fmt::format("{}s", text))) {
        out = d->nanos();
        return std::nullopt;
      }
    }
    return CheckError{fmt::format("'{}' is not a duration", text), "write a duration like 2s, 150ms or 1m30s"};
  }
  case U::Ratio: {
    std::optional<std::int64_t> ppm =
        !text.empty() && text.back() == '%' ? parse_ppm(text.substr(0, text.size() - 1), 2) : parse_ppm(text, 0);
    if (!ppm || *ppm > 1'000'000) {
      return CheckError{fmt::format("'{}' is not a ratio between 0 and 1", text),
                        "write a fraction like 0.999 or a percentage like 99.9% (at most 6 decimals)"};
    }
    out = *ppm;
    return std::nullopt;
  }
  case U::Bytes:
  case U::MilliCpu: {
    auto q = base::Quantity::parse(text);
    if (!q || q->sign() < 0) {
      return CheckError{fmt::format("'{}' is not a quantity", text),
                        unit == U::Bytes ? "write bytes like 512Mi or 2Gi" : "write CPU like 500m or 2"};
    }
    out = unit == U::Bytes ? q->value() : q->milli_value();
    return std::nullopt;
  }
  }
  return CheckError{"unknown unit", ""};
}

std::string metric_list(std::string_view object) {
  std::string out;
  for (const MetricInfo& m : kCatalogue) {
    if (m.object == object) {
      out += out.empty() ? "" : ", ";
      out += m.name;
    }
  }
  return out;
}

}  // namespace

std::span<const MetricInfo> metric_catalogue() { return kCatalogue; }

const MetricInfo& metric_info(MetricKind kind) {
  for (const MetricInfo& m : kCatalogue) {
    if (m.kind == kind) {
      return m;
    }
  }
  KUBESIM_ASSERT(false, "metric kind {} is not in the catalogue", static_cast<int>(kind));
  return kCatalogue[0];
}

std::string_view comparison_symbol(Comparison c) {
  for (const auto& [symbol, op] : kComparisons) {
    if (op == c) {
      return symbol;
    }
  }
  return "?";
}

bool compare(std::int64_t measured, Comparison c, std::int64_t expected) {
  switch (c) {
  case Comparison::Less:
    return measured < expected;
  case Comparison::LessEqual:
    return measured <= expected;
  case Comparison::Equal:
    return measured == expected;
  case Comparison::NotEqual:
    return measured != expected;
  case Comparison::GreaterEqual:
    return measured >= expected;
  case Comparison::Greater:
    return measured > expected;
  }
  return false;
}

std::optional<CheckError> parse_check(std::string_view text, Expectation& out) {
  std::string_view t = trim(text);
  // The operator: the first of <, >, =, ! in the text (metric names never contain one).
  std::size_t at = t.find_first_of("<>=!");
  if (at == std::string_view::npos) {
    return CheckError{fmt::format("check '{}' has no comparison", t),
                      "write METRIC OP VALUE with OP one of <, <=, ==, !=, >=, >, like pods.pending == 0"};
  }
  std::size_t op_end = t.find_first_not_of("<>=!", at);
  std::string_view op_text = t.substr(at, op_end == std::string_view::npos ? std::string_view::npos : op_end - at);
  std::optional<Comparison> op;
  for (const auto& [symbol, c] : kComparisons) {
    if (op_text == symbol) {
      op = c;
    }
  }
  if (!op) {
    return CheckError{fmt::format("check '{}' has an unknown comparison '{}'", t, op_text),
                      op_text == "=" ? "write == for equality" : "use one of <, <=, ==, !=, >=, >"};
  }
  std::size_t op_len = op_text.size();
  std::string_view metric = trim(t.substr(0, at));
  std::string_view value = trim(t.substr(at + op_len));
  if (metric.empty()) {
    return CheckError{fmt::format("check '{}' names no metric", t), "write METRIC OP VALUE, like pods.pending == 0"};
  }
  if (value.empty()) {
    return CheckError{fmt::format("check '{}' has no value after '{}'", t, comparison_symbol(*op)),
                      "write METRIC OP VALUE, like pods.pending == 0"};
  }

  const MetricInfo* info = nullptr;
  if (std::size_t slash = metric.find('/'); slash != std::string_view::npos) {
    // kind/[namespace/]name.field
    std::string_view object = metric.substr(0, slash);
    std::string_view rest = metric.substr(slash + 1);
    std::size_t dot = rest.rfind('.');
    std::string_view field = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    std::string_view ref = dot == std::string_view::npos ? rest : rest.substr(0, dot);
    bool known_object = false;
    for (const MetricInfo& m : kCatalogue) {
      known_object = known_object || (!m.object.empty() && m.object == object);
      if (m.object == object && m.name == field) {
        info = &m;
      }
    }
    if (!known_object) {
      return CheckError{fmt::format("unknown object kind '{}' in metric '{}'", object, metric),
                        "object metrics start with deployment/, replicaset/, job/ or service/"};
    }
    if (info == nullptr) {
      return CheckError{fmt::format("'{}' is not a metric of a {}", field, object),
                        fmt::format("{} metrics: {}", object, metric_list(object))};
    }
    std::size_t ns_slash = ref.find('/');
    out.object_namespace = ns_slash == std::string_view::npos ? "default" : std::string(ref.substr(0, ns_slash));
    out.object_name = std::string(ns_slash == std::string_view::npos ? ref : ref.substr(ns_slash + 1));
    if (out.object_name.empty() || out.object_namespace.empty() || out.object_name.find('/') != std::string::npos) {
      return CheckError{fmt::format("metric '{}' does not name one object", metric),
                        fmt::format("write {}/NAME.{} or {}/NAMESPACE/NAME.{}", object, field, object, field)};
    }
  } else {
    for (const MetricInfo& m : kCatalogue) {
      if (m.object.empty() && m.name == metric) {
        info = &m;
      }
    }
    if (info == nullptr) {
      // "deployment.replicas": an object metric without its object's name.
      std::size_t dot = metric.find('.');
      std::string_view head = metric.substr(0, dot);
      for (const MetricInfo& m : kCatalogue) {
        if (dot != std::string_view::npos && !m.object.empty() && m.object == head &&
            m.name == metric.substr(dot + 1)) {
          return CheckError{
              fmt::format("unknown metric '{}'", metric),
              fmt::format("did you mean {}/NAME.{}? An object metric names its object", m.object, m.name)};
        }
      }
      return CheckError{fmt::format("unknown metric '{}'", metric),
                        fmt::format("metrics: {}; or deployment/NAME.FIELD, replicaset/, job/, service/ "
                                    "(docs/metrics.md)",
                                    metric_list(""))};
    }
  }
  if (auto err = parse_value(value, info->unit, out.value)) {
    err->message = fmt::format("{} for {}", err->message, metric);
    return err;
  }
  out.text = std::string(t);
  out.metric = info->kind;
  out.op = *op;
  out.value_text = std::string(value);
  return std::nullopt;
}

std::string format_metric_value(std::int64_t value, MetricUnit unit) {
  switch (unit) {
  case U::Count:
    return fmt::format("{}", value);
  case U::Duration:
    return base::format_duration(base::Duration::from_nanos(value));
  case U::Ratio: {
    std::string digits = fmt::format("{}.{:06}", value / 1'000'000, value % 1'000'000);
    while (digits.back() == '0') {
      digits.pop_back();
    }
    if (digits.back() == '.') {
      digits.pop_back();
    }
    return digits;
  }
  case U::Bytes: {
    // As the check is written: the largest binary suffix that divides the value exactly (1Gi, 1536Mi).
    static constexpr std::array<std::pair<std::int64_t, std::string_view>, 4> kSuffixes = {
        {{1LL << 40, "Ti"}, {1LL << 30, "Gi"}, {1LL << 20, "Mi"}, {1LL << 10, "Ki"}}};
    for (const auto& [size, suffix] : kSuffixes) {
      if (value != 0 && value % size == 0) {
        return fmt::format("{}{}", value / size, suffix);
      }
    }
    return fmt::format("{}", value);
  }
  case U::MilliCpu:
    return fmt::format("{}m", value);
  }
  return fmt::format("{}", value);
}

}  // namespace kubesim::scenario
