// Cluster::measure: the value of an expectation's metric at this moment of the run (docs/metrics.md
// "Expectations" defines each one). Reads only what the run keeps anyway — pod records, usage samples,
// component counters and the store — so checking adds no events.

#include "kubesim/cluster/cluster.hpp"

#include <fmt/format.h>

namespace kubesim::cluster {
namespace {

using scenario::MetricKind;

constexpr std::int64_t kPpm = 1'000'000;

// part / whole in parts per million, truncated; 0 when whole is 0.
std::int64_t ppm(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) {
    return 0;
  }
  __extension__ using Wide = __int128;
  return static_cast<std::int64_t>(static_cast<Wide>(part) * kPpm / whole);
}

Measurement value(std::int64_t v) { return Measurement{v, {}}; }

// A statistic over no samples measures nothing: the check fails, saying why, instead of passing on a 0.
Measurement nothing(std::string why) { return Measurement{std::nullopt, std::move(why)}; }

// The statistic of `l` that a latency metric names (p50, p90, p99 or max).
base::Duration percentile_of(MetricKind kind, const metrics::LatencyStats& l) {
  switch (kind) {
  case MetricKind::SchedulingLatencyP50:
  case MetricKind::StartupLatencyP50:
    return l.p50;
  case MetricKind::SchedulingLatencyP90:
  case MetricKind::StartupLatencyP90:
    return l.p90;
  case MetricKind::SchedulingLatencyP99:
  case MetricKind::StartupLatencyP99:
  case MetricKind::EndpointConvergenceP99:
    return l.p99;
  default:
    return l.max;
  }
}

Measurement absent(const scenario::Expectation& e) {
  return Measurement{std::nullopt, fmt::format("{} {}/{} does not exist", scenario::metric_info(e.metric).object,
                                               e.object_namespace, e.object_name)};
}

}  // namespace

Measurement Cluster::measure(const scenario::Expectation& e) const {
  const store::ObjectStore& store = api_.store();
  const metrics::UsageSample* last = usage_.empty() ? nullptr : &usage_.back();
  auto pods = [this] {
    metrics::RunSummary s;
    metrics::summarize_pods(pods_.records(), s);
    return s;
  };
  auto deployment = [&]() -> const api::Deployment* {
    store::ObjectRef ref = store.get(api::Kind::Deployment, e.object_namespace, e.object_name);
    return ref ? &ref.get<api::Deployment>() : nullptr;
  };
  auto replica_set = [&]() -> const api::ReplicaSet* {
    store::ObjectRef ref = store.get(api::Kind::ReplicaSet, e.object_namespace, e.object_name);
    return ref ? &ref.get<api::ReplicaSet>() : nullptr;
  };
  auto job = [&]() -> const api::Job* {
    store::ObjectRef ref = store.get(api::Kind::Job, e.object_namespace, e.object_name);
    return ref ? &ref.get<api::Job>() : nullptr;
  };
  auto traffic = [&]() -> const node::ServiceTraffic* {
    for (const node::ServiceTraffic& t : proxies_.traffic()) {
      if (t.namespace_ == e.object_namespace && t.name == e.object_name) {
        return &t;
      }
    }
    return nullptr;
  };
  auto no_traffic = [&] {
    return Measurement{std::nullopt,
                       fmt::format("no traffic was sent to service {}/{}", e.object_namespace, e.object_name)};
  };
  auto sample = [&](std::int64_t metrics::UsageSample::*field) { return value(last == nullptr ? 0 : last->*field); };
  auto sample_ratio = [&](std::int64_t metrics::UsageSample::*part, std::int64_t metrics::UsageSample::*whole) {
    return value(last == nullptr ? 0 : ppm(last->*part, last->*whole));
  };

  switch (e.metric) {
  case MetricKind::PodsCreated:
    return value(static_cast<std::int64_t>(pods().pods.created));
  case MetricKind::PodsScheduled:
    return value(static_cast<std::int64_t>(pods().pods.scheduled));
  case MetricKind::PodsRunning:
    return value(static_cast<std::int64_t>(pods().pods.running));
  case MetricKind::PodsSucceeded:
    return value(static_cast<std::int64_t>(pods().pods.succeeded));
  case MetricKind::PodsFailed:
    return value(static_cast<std::int64_t>(pods().pods.failed));
  case MetricKind::PodsPending:
    return value(static_cast<std::int64_t>(pods().pods.pending));
  case MetricKind::PodsDeleted:
    return value(static_cast<std::int64_t>(pods().pods.deleted));
  case MetricKind::SchedulingLatencyP50:
  case MetricKind::SchedulingLatencyP90:
  case MetricKind::SchedulingLatencyP99:
  case MetricKind::SchedulingLatencyMax: {
    metrics::LatencyStats l = pods().scheduling_latency;
    if (l.count == 0) {
      return nothing("no pod has been bound yet");
    }
    return value(percentile_of(e.metric, l).nanos());
  }
  case MetricKind::StartupLatencyP50:
  case MetricKind::StartupLatencyP90:
  case MetricKind::StartupLatencyP99:
  case MetricKind::StartupLatencyMax: {
    metrics::LatencyStats l = pods().startup_latency;
    if (l.count == 0) {
      return nothing("no pod has started yet");
    }
    return value(percentile_of(e.metric, l).nanos());
  }
  case MetricKind::SchedulingAttempts:
    return value(static_cast<std::int64_t>(scheduler_->attempts()));
  case MetricKind::UnschedulableAttempts:
    return value(static_cast<std::int64_t>(unschedulable_attempts_));
  case MetricKind::PreemptionVictims:
    return value(static_cast<std::int64_t>(scheduler_->preemption_victims()));
  case MetricKind::ApiWatchLagMax: {
    std::vector<apiserver::WatchLag> lags = api_.watch_lags();
    if (lags.empty()) {
      return nothing("no change has been delivered to a watcher yet");
    }
    base::Duration longest;
    for (const apiserver::WatchLag& w : lags) {
      longest = std::max(longest, w.lag_max);
    }
    return value(longest.nanos());
  }
  case MetricKind::RolloutsIncomplete: {
    std::int64_t open = 0;
    for (const metrics::RolloutRecord& r : reconciliation_.rollouts()) {
      open += !r.completed && !r.superseded ? 1 : 0;
    }
    return value(open);
  }
  case MetricKind::RolloutDurationMax: {
    std::optional<base::Duration> longest;
    for (const metrics::RolloutRecord& r : reconciliation_.rollouts()) {
      if (!r.superseded) {
        longest = std::max(longest.value_or(base::Duration::zero()), r.completed.value_or(measuring_at_) - r.started);
      }
    }
    if (!longest) {
      return nothing("no Deployment rollout has started yet");
    }
    return value(longest->nanos());
  }
  case MetricKind::NodeFaultRecoveryMax: {
    if (reconciliation_.node_faults().empty()) {
      return nothing("no node fault has happened yet");
    }
    base::Duration longest;
    for (const metrics::NodeFaultRecord& f : reconciliation_.node_faults()) {
      longest = std::max(longest, f.recovered.value_or(measuring_at_) - f.at);
    }
    return value(longest.nanos());
  }
  case MetricKind::EndpointConvergenceP99:
  case MetricKind::EndpointConvergenceMax: {
    metrics::LatencyStats l = metrics::latency_stats(reconciliation_.endpoint_convergence());
    if (l.count == 0) {
      return nothing("no endpoint change has converged yet");
    }
    return value(percentile_of(e.metric, l).nanos());
  }
  case MetricKind::DeploymentRolloutDuration: {
    if (deployment() == nullptr) {
      return absent(e);
    }
    const auto& rollouts = reconciliation_.rollouts();
    for (auto r = rollouts.rbegin(); r != rollouts.rend(); ++r) {
      if (r->namespace_ == e.object_namespace && r->name == e.object_name) {
        return value((r->completed.value_or(measuring_at_) - r->started).nanos());
      }
    }
    return absent(e);
  }
  case MetricKind::ImagePulls:
    return value(static_cast<std::int64_t>(nodes_.image_pulls()));
  case MetricKind::ImagesCollected:
    return value(static_cast<std::int64_t>(nodes_.images_collected()));
  case MetricKind::ContainerRestarts:
    return value(static_cast<std::int64_t>(nodes_.container_restarts()));
  case MetricKind::OomKills:
    return value(static_cast<std::int64_t>(nodes_.oom_kills()));
  case MetricKind::Evictions:
    return value(static_cast<std::int64_t>(nodes_.evictions()));
  case MetricKind::Nodes:
    return value(static_cast<std::int64_t>(store.list(api::Kind::Node).size()));
  case MetricKind::NodesReady: {
    std::int64_t ready = 0;
    for (const store::ObjectRef& ref : store.list(api::Kind::Node)) {
      ready += ref.get<api::Node>().is_ready() ? 1 : 0;
    }
    return value(ready);
  }
  case MetricKind::CpuRequestedRatio:
    return sample_ratio(&metrics::UsageSample::cpu_requested_millicpu, &metrics::UsageSample::cpu_allocatable_millicpu);
  case MetricKind::CpuUsedRatio:
    return sample_ratio(&metrics::UsageSample::cpu_used_millicpu, &metrics::UsageSample::cpu_allocatable_millicpu);
  case MetricKind::MemoryRequestedRatio:
    return sample_ratio(&metrics::UsageSample::memory_requested_bytes, &metrics::UsageSample::memory_allocatable_bytes);
  case MetricKind::MemoryUsedRatio:
    return sample_ratio(&metrics::UsageSample::memory_used_bytes, &metrics::UsageSample::memory_allocatable_bytes);
  case MetricKind::CpuRequested:
    return sample(&metrics::UsageSample::cpu_requested_millicpu);
  case MetricKind::CpuUsed:
    return sample(&metrics::UsageSample::cpu_used_millicpu);
  case MetricKind::MemoryRequested:
    return sample(&metrics::UsageSample::memory_requested_bytes);
  case MetricKind::MemoryUsed:
    return sample(&metrics::UsageSample::memory_used_bytes);
  case MetricKind::NodesInUse:
    return value(last == nullptr ? 0 : last->nodes_in_use);
  case MetricKind::QueueLength:
    return value(last == nullptr ? 0 : last->pods_pending);
  case MetricKind::CpuFragmentationRatio:
    return value(last == nullptr ? 0 : last->cpu_fragmentation_ppm);
  case MetricKind::CpuThrottledContainerSeconds:
    return value(metrics::cpu_contention(usage_, kUsageSampleInterval).throttled_container_seconds);
  case MetricKind::CpuStarvedContainerSeconds:
    return value(metrics::cpu_contention(usage_, kUsageSampleInterval).starved_container_seconds);
  case MetricKind::ApiRequests:
  case MetricKind::ApiRequestsFailed: {
    std::int64_t total = 0;
    for (const apiserver::RequestCount& r : api_.request_counts()) {
      total += static_cast<std::int64_t>(e.metric == MetricKind::ApiRequests ? r.count : r.failed);
    }
    return value(total);
  }
  case MetricKind::DeploymentReplicas:
  case MetricKind::DeploymentReadyReplicas:
  case MetricKind::DeploymentAvailableReplicas:
  case MetricKind::DeploymentUpdatedReplicas:
  case MetricKind::DeploymentUnavailableReplicas: {
    const api::Deployment* d = deployment();
    if (d == nullptr) {
      return absent(e);
    }
    const api::DeploymentStatus& st = d->status;
    switch (e.metric) {
    case MetricKind::DeploymentReplicas:
      return value(st.replicas);
    case MetricKind::DeploymentReadyReplicas:
      return value(st.ready_replicas);
    case MetricKind::DeploymentAvailableReplicas:
      return value(st.available_replicas);
    case MetricKind::DeploymentUpdatedReplicas:
      return value(st.updated_replicas);
    default:
      return value(st.unavailable_replicas);
    }
  }
  case MetricKind::ReplicaSetReplicas:
  case MetricKind::ReplicaSetReadyReplicas:
  case MetricKind::ReplicaSetAvailableReplicas: {
    const api::ReplicaSet* rs = replica_set();
    if (rs == nullptr) {
      return absent(e);
    }
    if (e.metric == MetricKind::ReplicaSetReplicas) {
      return value(rs->status.replicas);
    }
    return value(e.metric == MetricKind::ReplicaSetReadyReplicas ? rs->status.ready_replicas
                                                                 : rs->status.available_replicas);
  }
  case MetricKind::JobActive:
  case MetricKind::JobSucceeded:
  case MetricKind::JobFailed: {
    const api::Job* j = job();
    if (j == nullptr) {
      return absent(e);
    }
    if (e.metric == MetricKind::JobActive) {
      return value(j->status.active);
    }
    return value(e.metric == MetricKind::JobSucceeded ? j->status.succeeded : j->status.failed);
  }
  case MetricKind::ServiceReadyEndpoints: {
    if (!store.get(api::Kind::Service, e.object_namespace, e.object_name)) {
      return absent(e);
    }
    // Endpoints whose ready condition is true (or unset: upstream's "nil means ready"), over every
    // slice labelled with the Service's name.
    std::int64_t ready = 0;
    for (const store::ObjectRef& ref : store.list(api::Kind::EndpointSlice, e.object_namespace)) {
      const auto& slice = ref.get<api::EndpointSlice>();
      const std::string* owner = slice.metadata.labels.find(api::kLabelServiceName);
      if (owner == nullptr || *owner != e.object_name) {
        continue;
      }
      for (const api::Endpoint& ep : slice.endpoints) {
        ready += ep.conditions.ready.value_or(true) ? 1 : 0;
      }
    }
    return value(ready);
  }
  case MetricKind::ServiceRequests:
  case MetricKind::ServiceErrors:
  case MetricKind::ServiceSuccessRate: {
    const node::ServiceTraffic* t = traffic();
    if (t == nullptr) {
      return no_traffic();
    }
    if (e.metric == MetricKind::ServiceRequests) {
      return value(static_cast<std::int64_t>(t->requests));
    }
    if (e.metric == MetricKind::ServiceErrors) {
      return value(static_cast<std::int64_t>(t->errors));
    }
    if (t->requests == 0) {
      return no_traffic();
    }
    return value(ppm(static_cast<std::int64_t>(t->successes), static_cast<std::int64_t>(t->requests)));
  }
  }
  return Measurement{std::nullopt, "unknown metric"};
}

}  // namespace kubesim::cluster
