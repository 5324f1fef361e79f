#include "kubesim/cluster/cluster.hpp"

#include "kubesim/cluster/trace_log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace kubesim::cluster {
namespace {

// Event targets of the timeline operations: TimelineAction target 0 is a timeline entry, target
// kKubectlRetry a drain's retry of a refused eviction; ScenarioReply target 0 answers the sequential
// creates, target kKubectlReplies the operations' requests.
constexpr std::uint32_t kKubectlRetry = 1;
constexpr std::uint32_t kKubectlReplies = 1;
// kubectl drain waits this long before retrying an eviction a PodDisruptionBudget refused (429).
constexpr base::Duration kEvictionRetry = base::Duration::from_seconds(5);
// kubectl's read-modify-write retries on Conflict (client-go retry.DefaultRetry: 5 steps).
constexpr std::int32_t kUpdateAttempts = 5;
// Upstream's mirror-pod annotation: static pods the kubelet reflects into the API, which drain skips.
constexpr std::string_view kMirrorPodAnnotation = "kubernetes.io/config.mirror";

// Kubelet default maxPods, reported as the node's "pods" capacity when the template gives none.
constexpr std::int64_t kDefaultMaxPods = 110;

api::Node make_node(const scenario::NodePoolSpec& pool, std::int32_t i) {
  api::Node node = pool.template_;
  node.metadata.name = fmt::format("{}-{}", pool.name, i);
  node.metadata.labels.set(std::string(api::kLabelHostname), node.metadata.name);
  if (!pool.zones.empty()) {
    node.metadata.labels.set(std::string(api::kLabelZone), pool.zones[static_cast<std::size_t>(i) % pool.zones.size()]);
  }
  if (!node.status.capacity.contains(api::kResourcePods)) {
    node.status.capacity.set(std::string(api::kResourcePods), kDefaultMaxPods);
  }
  // Allocatable is the kubelet's to compute (NodeAgent::add_node: capacity − reserved).
  return node;
}

// scale and setImage change a Deployment or a ReplicaSet (the reader allows no other kind).
api::AnyObject copy_workload(const store::ObjectRef& ref) {
  if (ref.kind == api::Kind::Deployment) {
    return api::AnyObject(ref.get<api::Deployment>());
  }
  return api::AnyObject(ref.get<api::ReplicaSet>());
}

}  // namespace

Cluster::KubectlOp Cluster::make_op(KubectlOp::Verb verb, std::uint32_t entry, api::Kind kind, std::string ns,
                                    std::string name) {
  KubectlOp op;
  op.verb = verb;
  op.entry = entry;
  op.kind = kind;
  op.ns = std::move(ns);
  op.name = std::move(name);
  return op;
}

Cluster::Cluster(const scenario::ScenarioSpec& spec, const RunOptions& options)
    : spec_(spec), seed_(options.seed.value_or(spec.seed)), horizon_(options.duration.value_or(spec.duration)),
      sim_(seed_), api_(sim_, spec.control_plane.api_server), nodes_(sim_, api_, spec.cluster.kubelet),
      controllers_(sim_, api_, spec.control_plane.controller_manager),
      scenario_client_(api_, "scenario", client::Endpoint{sim::EventKind::ScenarioReply, 0}),
      kubectl_(api_, "kubectl", client::Endpoint{sim::EventKind::ScenarioReply, kKubectlReplies}),
      proxies_(sim_, api_, nodes_, spec.cluster.kube_proxy) {
  keep_node_usage_ = options.node_usage;
  checks_ = ExpectationChecker(spec.expect);
  next_observation_ = std::min(next_sample_, checks_.next_time());
  for (const scenario::NodePoolSpec& pool : spec_.cluster.node_pools) {
    PoolNodes& p = pool_nodes_.emplace_back();
    p.next_index = pool.count;
    for (std::int32_t i = 0; i < pool.count; ++i) {
      p.live.push_back(i);
    }
  }
}

base::Expected<std::unique_ptr<Cluster>, std::string> Cluster::build(const scenario::ScenarioSpec& spec,
                                                                     const RunOptions& options) {
  std::unique_ptr<Cluster> c(new Cluster(spec, options));
  // Profiles from the scenario's KubeSchedulerConfiguration are stored as written: merge them here.
  std::vector<scheduler::ProfileConfig> profiles;
  for (const scheduler::ProfileConfig& p : spec.control_plane.profiles) {
    profiles.push_back(scheduler::merge_with_defaults(p));
  }
  if (profiles.empty()) {
    profiles.push_back(scheduler::default_profile());
  }
  auto sched = scheduler::Scheduler::create(c->sim_, c->api_, spec.control_plane.scheduler, profiles);
  if (!sched) {
    return base::unexpected(sched.error());
  }
  c->scheduler_ = std::move(sched.value());

  std::size_t node_count = 0;
  for (const scenario::NodePoolSpec& pool : spec.cluster.node_pools) {
    node_count += static_cast<std::size_t>(pool.count);
  }
  c->sim_.reserve_events(node_count * 4 + 1024);
  for (const scenario::NodePoolSpec& pool : spec.cluster.node_pools) {
    for (std::int32_t i = 0; i < pool.count; ++i) {
      c->nodes_.add_node(make_node(pool, i), pool.container_runtime);
    }
  }
  for (std::size_t i = 0; i < spec.timeline.size(); ++i) {
    c->arrival_rng_.push_back(c->sim_.rng_stream("arrivals", i));
  }

  // Observers: metrics follow pod writes and scheduling attempts.
  c->api_.on_change.connect([p = &c->pods_](base::SimTime now, apiserver::Verb, apiserver::ClientId,
                                            const store::Change& change) {
    if (change.object.kind != api::Kind::Pod) {
      return;
    }
    const api::Pod* after = change.type == store::ChangeType::Deleted ? nullptr : change.object.as<api::Pod>().get();
    const api::Pod* before = change.type == store::ChangeType::Deleted ? change.object.as<api::Pod>().get()
                             : change.previous                         ? change.previous.as<api::Pod>().get()
                                                                       : nullptr;
    p->observe(now, before, after);
  });
  c->api_.on_change.connect(
      [r = &c->reconciliation_](base::SimTime now, apiserver::Verb, apiserver::ClientId, const store::Change& change) {
        bool deleted = change.type == store::ChangeType::Deleted;
        auto before_after = [&](auto tag) {
          using T = typename decltype(tag)::type;
          const T* after = deleted ? nullptr : change.object.as<T>().get();
          const T* before = deleted           ? change.object.as<T>().get()
                            : change.previous ? change.previous.as<T>().get()
                                              : nullptr;
          return std::pair{before, after};
        };
        switch (change.object.kind) {
        case api::Kind::Pod: {
          auto [before, after] = before_after(std::type_identity<api::Pod>{});
          r->observe_pod(now, before, after);
          break;
        }
        case api::Kind::Deployment: {
          auto [before, after] = before_after(std::type_identity<api::Deployment>{});
          r->observe_deployment(now, before, after);
          break;
        }
        case api::Kind::EndpointSlice: {
          auto [before, after] = before_after(std::type_identity<api::EndpointSlice>{});
          r->observe_endpoint_slice(now, before, after);
          break;
        }
        default:
          break;
        }
      });
  c->api_.on_change.connect(
      [e = &c->k8s_events_](base::SimTime, apiserver::Verb, apiserver::ClientId, const store::Change& change) {
        if (change.object.kind != api::Kind::Event || change.type == store::ChangeType::Deleted) {
          return;
        }
        const auto& ev = change.object.get<api::Event>();
        std::int32_t before = change.previous ? change.previous.get<api::Event>().count : 0;
        (*e)[{ev.type, ev.reason}] += static_cast<std::uint64_t>(std::max(ev.count - before, 0));
      });
  c->scheduler_->on_attempt.connect(
      [p = &c->pods_](base::SimTime now, const api::Pod& pod, const scheduler::AttemptResult& r) {
        p->observe_attempt(now, pod, r.node, r.message);
      });
  c->scheduler_->on_attempt.connect([c = c.get()](base::SimTime, const api::Pod&, const scheduler::AttemptResult& r) {
    if (r.node.empty() && r.reasons != nullptr) {
      ++c->unschedulable_attempts_;
      for (const auto& [reason, nodes] : *r.reasons) {
        ++c->unschedulable_reasons_[reason];
      }
    }
  });
  c->scheduler_->on_queued.connect(
      [p = &c->pods_](base::SimTime now, const api::Pod& pod) { p->observe_queued(now, pod); });
  return c;
}

void Cluster::attach_history(HistoryLog& log) {
  api_.on_change.connect(
      [this, &log](base::SimTime now, apiserver::Verb verb, apiserver::ClientId client, const store::Change& change) {
        log.record(now, verb, api_.client_name(client), change);
      });
}

void Cluster::attach_event_log(EventLog& log) {
  event_log_ = &log;
  api_.on_change.connect([&log](base::SimTime now, apiserver::Verb, apiserver::ClientId, const store::Change& change) {
    if (change.object.kind != api::Kind::Event || change.type == store::ChangeType::Deleted) {
      return;
    }
    // A new Event, or a repeat that raised its count (the spam filter's aggregation).
    const auto& ev = change.object.get<api::Event>();
    if (change.previous && change.previous.get<api::Event>().count >= ev.count) {
      return;
    }
    const api::ObjectReference& o = ev.involved_object;
    std::string_view component = ev.source.component.empty() ? ev.reporting_controller : ev.source.component;
    log.record(now, EventLog::Line{"kubernetes", ev.type, ev.reason, o.kind, o.namespace_, o.name, ev.message, ev.count,
                                   component});
  });
}

void Cluster::start() {
  nodes_.start();
  scheduler_->start();
  controllers_.start();
  // kube-proxy is modelled only for traffic: without it no proxy watch is opened and the run is as before.
  if (std::any_of(spec_.timeline.begin(), spec_.timeline.end(), [](const scenario::TimelineEntry& t) {
        return std::holds_alternative<scenario::TrafficAction>(t.action);
      })) {
    proxies_.start();
  }
  for (const scenario::ManifestObject& m : spec_.objects) {
    enqueue_create(m);
  }
  for (std::size_t i = 0; i < spec_.timeline.size(); ++i) {
    sim_.schedule_at(spec_.timeline[i].at, sim::EventKind::TimelineAction, 0, static_cast<std::uint32_t>(i));
  }
}

void Cluster::run() {
  start();
  sim_.run_until(base::SimTime::zero() + horizon_, *this);
  observe_until(base::SimTime::zero() + horizon_, true);
  finish_expectations();
  if (trace_ != nullptr) {
    trace_->finish(base::SimTime::zero() + horizon_);
  }
}

void Cluster::finish_expectations() {
  measuring_at_ = base::SimTime::zero() + horizon_;
  checks_.finish(measuring_at_, [this](const scenario::Expectation& e) { return measure(e); });
}

void Cluster::run_until(base::SimTime t) {
  if (!started_) {
    started_ = true;
    start();
  }
  base::SimTime end = std::min(t, base::SimTime::zero() + horizon_);
  sim_.run_until(end, *this);
  observe_until(end, true);
  if (end == base::SimTime::zero() + horizon_) {
    finish_expectations();
    if (trace_ != nullptr) {
      trace_->finish(end);
    }
  }
}

void Cluster::observe_until(base::SimTime t, bool inclusive) {
  auto measure_now = [this](const scenario::Expectation& e) { return measure(e); };
  for (;;) {
    base::SimTime next = std::min(next_sample_, checks_.next_time());
    if (!(next < t || (inclusive && next == t))) {
      break;
    }
    bool sample = next == next_sample_;
    if (sample) {
      take_usage_sample();
    }
    // `by` checks look at every sample; `at`/`by` times get a checkpoint of their own.
    if (sample || next == checks_.next_time()) {
      measuring_at_ = next;
      checks_.check(next, measure_now);
    }
  }
  next_observation_ = std::min(next_sample_, checks_.next_time());
}

void Cluster::take_usage_sample() {
  // The median pending pod, for fragmentation: the median CPU and memory requests over the queued
  // pods (at most kFragmentationSample of them, in key order, so a huge backlog stays cheap).
  constexpr std::size_t kFragmentationSample = 10'000;
  pending_cpu_.clear();
  pending_memory_.clear();
  const scheduler::SchedulingQueue& queue = scheduler_->queue();
  queue.for_each_pod(kFragmentationSample, [this](const api::Pod& pod) {
    pending_cpu_.push_back(api::pod_request(pod.spec, api::kResourceCpu));
    pending_memory_.push_back(api::pod_request(pod.spec, api::kResourceMemory));
  });
  auto median = [](std::vector<std::int64_t>& v) {
    auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
  };
  bool pending = !pending_cpu_.empty();
  std::int64_t median_cpu = pending ? median(pending_cpu_) : 0;
  std::int64_t median_memory = pending ? median(pending_memory_) : 0;
  std::int64_t free_cpu = 0;
  std::int64_t stranded_cpu = 0;
  std::int32_t in_use = 0;
  pods_per_node_.clear();

  node::NodeAgent::UsageObserver observer;
  observer.pod = [this](const api::Pod& pod, std::int64_t cpu, std::int64_t memory) {
    pods_.observe_usage(pod, cpu, memory);
  };
  observer.node = [&](node::NodeIndex n, const node::NodeAgent::UsageTotals& u) {
    std::int64_t cpu = std::max<std::int64_t>(0, u.cpu_allocatable - u.cpu_requested);
    std::int64_t memory = std::max<std::int64_t>(0, u.memory_allocatable - u.memory_requested);
    free_cpu += cpu;
    if (pending && (cpu < median_cpu || memory < median_memory)) {
      stranded_cpu += cpu;
    }
    in_use += u.pods_running > 0 ? 1 : 0;
    pods_per_node_.push_back(u.pods_running);
    if (keep_node_usage_) {
      node_usage_.push_back(metrics::NodeUsageSample{next_sample_, n, u.pods_running, u.cpu_allocatable,
                                                     u.cpu_requested, u.cpu_used, u.memory_allocatable,
                                                     u.memory_requested, u.memory_used});
    }
  };
  node::NodeAgent::UsageTotals u = nodes_.usage_at(next_sample_, &observer);
  metrics::UsageSample& s = usage_.emplace_back();
  s = metrics::UsageSample{next_sample_,         u.nodes,
                           u.pods_running,       u.cpu_allocatable,
                           u.cpu_requested,      u.cpu_used,
                           u.cpu_demand,         u.cpu_throttled_millicpu,
                           u.memory_allocatable, u.memory_requested,
                           u.memory_used,        u.cpu_throttled,
                           u.cpu_starved};
  s.nodes_in_use = in_use;
  s.pods_pending = static_cast<std::int32_t>(queue.size());
  s.queue_active = static_cast<std::int32_t>(queue.active_size());
  s.queue_backoff = static_cast<std::int32_t>(queue.backoff_size());
  s.queue_unschedulable = static_cast<std::int32_t>(queue.unschedulable_size());
  s.cpu_fragmentation_ppm = free_cpu > 0 ? stranded_cpu * 1'000'000 / free_cpu : 0;
  if (!pods_per_node_.empty()) {
    // Nearest rank: the smallest count with at least p of the nodes at or below it.
    auto rank = [this](std::size_t percent) {
      std::size_t k = (pods_per_node_.size() * percent + 99) / 100;
      auto it = pods_per_node_.begin() + static_cast<std::ptrdiff_t>(std::max<std::size_t>(k, 1) - 1);
      std::nth_element(pods_per_node_.begin(), it, pods_per_node_.end());
      return *it;
    };
    s.pods_per_node_p50 = rank(50);
    s.pods_per_node_p90 = rank(90);
    s.pods_per_node_max = *std::max_element(pods_per_node_.begin(), pods_per_node_.end());
  }
  next_sample_ = next_sample_ + kUsageSampleInterval;
  if (on_sample_) {
    on_sample_(s, sim_.events_processed());
  }
}

void Cluster::dispatch(const sim::Event& e) {
  if (sim_.now() > next_observation_) {
    observe_until(sim_.now(), false);  // the state between the last event and this one
  }
  switch (e.kind) {
  case sim::EventKind::ApiRequest:
    api_.handle_request(e.arg);
    break;
  case sim::EventKind::SchedulerWatch:
    scheduler_->handle_watch(e.target, e.arg);
    break;
  case sim::EventKind::SchedulerReply:
    scheduler_->handle_reply(e.arg);
    break;
  case sim::EventKind::KubeletWatch:
    nodes_.handle_watch(e.target, e.arg);
    break;
  case sim::EventKind::KubeletReply:
    (void)api_.take_reply(e.arg);  // kubelets do not ask for replies today; free the slot
    break;
  case sim::EventKind::SchedulerCycle:
    scheduler_->run_cycle();
    break;
  case sim::EventKind::SchedulerFlushBackoff:
    scheduler_->flush_backoff();
    break;
  case sim::EventKind::SchedulerFlushUnschedulable:
    scheduler_->flush_unschedulable();
    break;
  case sim::EventKind::KubeletPodStep:
    nodes_.handle_pod_step(e.target, e.arg);
    break;
  case sim::EventKind::TimelineAction:
    if (e.target == kKubectlRetry) {
      on_kubectl_retry(e.arg);
    } else {
      on_timeline(e.arg);
    }
    break;
  case sim::EventKind::PodArrival:
    on_arrival(e.target, e.arg);
    break;
  case sim::EventKind::ScenarioReply:
    if (e.target == kKubectlReplies) {
      on_kubectl_reply(e.arg);
    } else {
      on_scenario_reply(e.arg);
    }
    break;
  case sim::EventKind::ProxyWatch:
    proxies_.handle_watch(e.arg);
    break;
  case sim::EventKind::TrafficTick:
    proxies_.handle_traffic_tick(e.target);
    break;
  case sim::EventKind::ControllerWatch:
    controllers_.handle_watch(e.target, e.arg);
    break;
  case sim::EventKind::ControllerReply:
    controllers_.handle_reply(e.target, e.arg);
    break;
  case sim::EventKind::ControllerWake:
    controllers_.handle_wake(e.target, e.arg);
    break;
  case sim::EventKind::ControllerTimer:
    controllers_.handle_timer(e.target, e.arg);
    break;
  case sim::EventKind::KubeletHeartbeat:
    nodes_.handle_heartbeat(e.target);
    break;
  case sim::EventKind::KubeletHousekeeping:
    nodes_.handle_housekeeping(e.target);
    break;
  case sim::EventKind::KubeletImageGc:
    nodes_.handle_image_gc(e.target);
    break;
  case sim::EventKind::ApiEventTtl:
    KUBESIM_ASSERT(false, "event kind {} has no handler yet", sim::event_kind_name(e.kind));
    break;
  case sim::EventKind::None:
    KUBESIM_ASSERT(false, "event of kind None dispatched");
    break;
  }
}

// --- scenario driver ------------------------------------------------------------------------------

void Cluster::enqueue_create(const scenario::ManifestObject& m) {
  create_queue_.push_back(m.object);
  send_next_create();
}

void Cluster::send_next_create() {
  if (create_in_flight_ || create_queue_.empty()) {
    return;
  }
  create_in_flight_ = true;
  scenario_client_.create(std::move(create_queue_.front()), 0, true);
  create_queue_.pop_front();
}

void Cluster::on_scenario_reply(std::uint32_t slot) {
  client::Reply reply = scenario_client_.take_reply(slot);
  if (reply.code != client::ResultCode::Ok) {
    warnings_.push_back(fmt::format("t={}: create rejected ({}): {}", base::format_duration(sim_.now().since_start()),
                                    apiserver::result_code_name(reply.code), reply.message));
  }
  create_in_flight_ = false;
  send_next_create();
}

void Cluster::on_timeline(std::uint32_t entry) {
  const scenario::TimelineEntry& t = spec_.timeline[entry];
  base::SimTime now = sim_.now();
  if (event_log_ != nullptr) {
    std::string what = describe_action(t.action);
    event_log_->record(now, EventLog::Line{"simulator", "Normal", "TimelineAction", "", "", "", what, 1, "scenario"});
  }
  if (trace_ != nullptr) {
    trace_timeline(now, t.action);
  }
  if (const auto* create = std::get_if<scenario::CreateAction>(&t.action)) {
    for (const scenario::ManifestObject& m : create->objects) {
      enqueue_create(m);
    }
  } else if (const auto* arrivals = std::get_if<scenario::ArrivalsAction>(&t.action)) {
    if (arrivals->count > 0) {
      on_arrival(entry, 0);
    }
  } else if (const auto* del = std::get_if<scenario::DeleteAction>(&t.action)) {
    std::uint32_t id =
        new_op(make_op(KubectlOp::Verb::Delete, entry, del->target.kind, del->target.namespace_, del->target.name));
    kubectl_.remove(del->target.kind, del->target.namespace_, del->target.name, del->grace_period_seconds, id, true);
  } else if (const auto* scale = std::get_if<scenario::ScaleAction>(&t.action)) {
    send_update(new_op(
        make_op(KubectlOp::Verb::Update, entry, scale->target.kind, scale->target.namespace_, scale->target.name)));
  } else if (const auto* image = std::get_if<scenario::SetImageAction>(&t.action)) {
    send_update(new_op(
        make_op(KubectlOp::Verb::Update, entry, image->target.kind, image->target.namespace_, image->target.name)));
  } else if (const auto* node = std::get_if<scenario::NodeAction>(&t.action)) {
    run_node_action(entry, *node);
  } else if (const auto* add = std::get_if<scenario::AddNodesAction>(&t.action)) {
    add_nodes(*add);
  } else if (const auto* remove = std::get_if<scenario::RemoveNodesAction>(&t.action)) {
    remove_nodes(*remove);
  } else if (const auto* slow = std::get_if<scenario::SlowApiServerAction>(&t.action)) {
    api_.set_latency_factor(slow->factor_milli, now + slow->for_);
  } else if (const auto* outage = std::get_if<scenario::ApiServerOutageAction>(&t.action)) {
    api_.set_outage(now + outage->for_);
  } else if (const auto* traffic = std::get_if<scenario::TrafficAction>(&t.action)) {
    run_traffic(*traffic);
  }
}

void Cluster::run_traffic(const scenario::TrafficAction& a) {
  if (a.stop) {
    proxies_.stop_traffic(a.namespace_, a.service);
    return;
  }
  node::TrafficStream stream;
  stream.namespace_ = a.namespace_;
  stream.service = a.service;
  stream.rps_milli = a.rps_milli;
  if (a.for_) {
    stream.until = sim_.now() + *a.for_;
  }
  // Without `clients`, every node that exists now (an empty selector selects them all).
  for (const std::string& name : select_nodes(a.clients.value_or(scenario::NodeSelector{}))) {
    if (std::optional<node::NodeIndex> index = nodes_.find(name)) {
      stream.clients.push_back(*index);
    }
  }
  if (stream.clients.empty()) {
    warn(fmt::format("traffic to Service {}/{}", a.namespace_, a.service), "no client node exists");
    return;
  }
  proxies_.start_traffic(std::move(stream));
}

// --- timeline operations ----------------------------------------------------------------------------

void Cluster::warn(std::string_view what, std::string_view problem) {
  warnings_.push_back(fmt::format("t={}: {}: {}", base::format_duration(sim_.now().since_start()), what, problem));
  if (event_log_ != nullptr) {
    std::string message = fmt::format("{}: {}", what, problem);
    event_log_->record(sim_.now(),
                       EventLog::Line{"simulator", "Warning", "RunWarning", "", "", "", message, 1, "scenario"});
  }
  if (trace_ != nullptr) {
    TraceSubject subject;
    subject.component = "timeline";
    trace_->print(sim_.now(), subject, fmt::format("warning: {}: {}", what, problem));
  }
}

std::string Cluster::describe_action(const scenario::TimelineAction& action) {
  auto target = [](const scenario::ObjectTarget& t) {
    return t.namespace_.empty() || t.kind == api::Kind::Node || t.kind == api::Kind::PriorityClass
               ? fmt::format("{} {}", api::kind_name(t.kind), t.name)
               : fmt::format("{} {}/{}", api::kind_name(t.kind), t.namespace_, t.name);
  };
  auto nodes = [](const scenario::NodeSelector& sel) {
    if (!sel.nodes.empty()) {
      std::string out;
      for (const std::string& n : sel.nodes) {
        out += out.empty() ? n : "," + n;
      }
      return out;
    }
    return !sel.pool.empty() ? fmt::format("pool {}", sel.pool) : fmt::format("zone {}", sel.zone);
  };
  return std::visit(
      [&](const auto& a) -> std::string {
        using A = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<A, scenario::CreateAction>) {
          return fmt::format("create {} object(s)", a.objects.size());
        } else if constexpr (std::is_same_v<A, scenario::ArrivalsAction>) {
          return fmt::format("arrivals {}: {} pod(s)", a.name, a.count);
        } else if constexpr (std::is_same_v<A, scenario::DeleteAction>) {
          return "delete " + target(a.target);
        } else if constexpr (std::is_same_v<A, scenario::ScaleAction>) {
          return fmt::format("scale {} to {}", target(a.target), a.replicas);
        } else if constexpr (std::is_same_v<A, scenario::SetImageAction>) {
          return fmt::format("setImage {} {}={}", target(a.target), a.container, a.image);
        } else if constexpr (std::is_same_v<A, scenario::NodeAction>) {
          return fmt::format("{} {}", scenario::node_op_key(a.op), nodes(a.target));
        } else if constexpr (std::is_same_v<A, scenario::AddNodesAction>) {
          return fmt::format("addNodes {} to pool {}", a.count, a.pool);
        } else if constexpr (std::is_same_v<A, scenario::RemoveNodesAction>) {
          return fmt::format("removeNodes {} from pool {}", a.count, a.pool);
        } else if constexpr (std::is_same_v<A, scenario::SlowApiServerAction>) {
          return fmt::format("slowApiServer for {}", base::format_duration(a.for_));
        } else if constexpr (std::is_same_v<A, scenario::ApiServerOutageAction>) {
          return fmt::format("apiServerOutage for {}", base::format_duration(a.for_));
        } else {
          return fmt::format("traffic to Service {}/{}", a.namespace_, a.service);
        }
      },
      action);
}

std::string Cluster::describe(const KubectlOp& op) const {
  const scenario::TimelineAction& action = spec_.timeline[op.entry].action;
  std::string_view verb = std::visit(
      [](const auto& a) -> std::string_view {
        using A = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<A, scenario::DeleteAction>) {
          return "delete";
        } else if constexpr (std::is_same_v<A, scenario::ScaleAction>) {
          return "scale";
        } else if constexpr (std::is_same_v<A, scenario::SetImageAction>) {
          return "setImage";
        } else if constexpr (std::is_same_v<A, scenario::NodeAction>) {
          return scenario::node_op_key(a.op);
        } else {
          return "timeline";
        }
      },
      action);
  if (op.verb == KubectlOp::Verb::Evict) {
    return fmt::format("drain: evict pod {}/{}", op.ns, op.name);
  }
  return op.ns.empty() ? fmt::format("{} {} {}", verb, api::kind_name(op.kind), op.name)
                       : fmt::format("{} {} {}/{}", verb, api::kind_name(op.kind), op.ns, op.name);
}

std::uint32_t Cluster::new_op(KubectlOp op) {
  if (!free_ops_.empty()) {
    std::uint32_t id = free_ops_.back();
    free_ops_.pop_back();
    ops_[id] = std::move(op);
    return id;
  }
  ops_.push_back(std::move(op));
  return static_cast<std::uint32_t>(ops_.size() - 1);
}

void Cluster::free_op(std::uint32_t op) {
  ops_[op] = KubectlOp{};
  free_ops_.push_back(op);
}

std::vector<std::string> Cluster::select_nodes(const scenario::NodeSelector& sel) const {
  if (!sel.nodes.empty()) {
    return sel.nodes;
  }
  std::vector<std::string> out;
  for (std::size_t p = 0; p < spec_.cluster.node_pools.size(); ++p) {
    const scenario::NodePoolSpec& pool = spec_.cluster.node_pools[p];
    if (!sel.pool.empty() && pool.name != sel.pool) {
      continue;
    }
    for (std::int32_t i : pool_nodes_[p].live) {
      // The zone make_node gives node i of the pool.
      if (!sel.zone.empty() &&
          (pool.zones.empty() || pool.zones[static_cast<std::size_t>(i) % pool.zones.size()] != sel.zone)) {
        continue;
      }
      out.push_back(fmt::format("{}-{}", pool.name, i));
    }
  }
  return out;
}

void Cluster::run_node_action(std::uint32_t entry, const scenario::NodeAction& a) {
  std::vector<std::string> names = select_nodes(a.target);
  std::string_view key = scenario::node_op_key(a.op);
  if (names.empty()) {
    warn(key, a.target.pool.empty() ? fmt::format("no node is in zone '{}'", a.target.zone)
                                    : fmt::format("node pool '{}' has no nodes", a.target.pool));
    return;
  }
  for (std::string& name : names) {
    switch (a.op) {
    case scenario::NodeOp::Cordon:
    case scenario::NodeOp::Uncordon:
    case scenario::NodeOp::Drain:
      send_update(new_op(make_op(KubectlOp::Verb::Update, entry, api::Kind::Node, "", std::move(name))));
      break;
    case scenario::NodeOp::Crash:
    case scenario::NodeOp::Recover:
    case scenario::NodeOp::Partition:
    case scenario::NodeOp::Heal: {
      std::optional<node::NodeIndex> index = nodes_.find(name);
      if (!index) {
        warn(fmt::format("{} {}", key, name), "no such node");
        break;
      }
      // An action that would change nothing is a run warning, so that a scenario that recovers a
      // partitioned node (instead of healing it) says so.
      const node::NodePool& pool = nodes_.pool();
      bool running = pool.running[*index] != 0;
      bool partitioned = pool.partitioned[*index] != 0;
      std::string_view no_op = a.op == scenario::NodeOp::Crash && !running          ? "the kubelet is not running"
                               : a.op == scenario::NodeOp::Recover && running       ? "the kubelet is running"
                               : a.op == scenario::NodeOp::Partition && partitioned ? "the node is partitioned already"
                               : a.op == scenario::NodeOp::Heal && !partitioned     ? "the node is not partitioned"
                                                                                    : "";
      if (!no_op.empty()) {
        warn(fmt::format("{} {}", key, name),
             fmt::format("{}; nothing to do{}", no_op,
                         a.op == scenario::NodeOp::Recover && partitioned ? " (heal reconnects a partitioned node)"
                         : a.op == scenario::NodeOp::Heal && !running     ? " (recoverNode restarts a crashed kubelet)"
                                                                          : ""));
        break;
      }
      if (a.op == scenario::NodeOp::Crash || a.op == scenario::NodeOp::Partition) {
        reconciliation_.node_fault(sim_.now(), name, key);
      }
      if (a.op == scenario::NodeOp::Crash) {
        nodes_.crash(*index);
      } else if (a.op == scenario::NodeOp::Recover) {
        nodes_.recover(*index);
      } else {
        nodes_.partition(*index, a.op == scenario::NodeOp::Partition);
      }
      proxies_.update_connection(*index);
      if ((a.op == scenario::NodeOp::Recover || a.op == scenario::NodeOp::Heal) && pool.connected(*index)) {
        reconciliation_.node_back(sim_.now(), name);
      }
      break;
    }
    }
  }
}

void Cluster::add_nodes(const scenario::AddNodesAction& a) {
  for (std::size_t p = 0; p < spec_.cluster.node_pools.size(); ++p) {
    const scenario::NodePoolSpec& pool = spec_.cluster.node_pools[p];
    if (pool.name != a.pool) {
      continue;
    }
    for (std::int32_t k = 0; k < a.count; ++k) {
      std::int32_t i = pool_nodes_[p].next_index++;
      nodes_.add_node(make_node(pool, i), pool.container_runtime);
      pool_nodes_[p].live.push_back(i);
    }
    nodes_.start();  // starts only the kubelets added since the last start
    proxies_.sync_nodes();
    return;
  }
}

void Cluster::remove_nodes(const scenario::RemoveNodesAction& a) {
  for (std::size_t p = 0; p < spec_.cluster.node_pools.size(); ++p) {
    const scenario::NodePoolSpec& pool = spec_.cluster.node_pools[p];
    if (pool.name != a.pool) {
      continue;
    }
    std::vector<std::int32_t>& live = pool_nodes_[p].live;
    if (static_cast<std::size_t>(a.count) > live.size()) {
      warn(fmt::format("removeNodes {}", a.pool),
           fmt::format("asked to remove {} nodes, the pool has {}", a.count, live.size()));
    }
    for (std::int32_t k = 0; k < a.count && !live.empty(); ++k) {
      std::string name = fmt::format("{}-{}", pool.name, live.back());
      live.pop_back();
      if (std::optional<node::NodeIndex> index = nodes_.find(name)) {
        reconciliation_.node_fault(sim_.now(), name, "removeNodes");
        nodes_.remove(*index);
        proxies_.update_connection(*index);
      }
    }
    return;
  }
}

void Cluster::send_update(std::uint32_t op_id) {
  KubectlOp& op = ops_[op_id];
  ++op.attempts;
  // kubectl reads the object first; during an outage that GET fails like any request.
  if (!api_.available()) {
    warn(describe(op), "ServiceUnavailable: the server is currently unable to handle the request");
    free_op(op_id);
    return;
  }
  store::ObjectRef current = api_.get(kubectl_.id(), op.kind, op.ns, op.name);
  if (!current) {
    warn(describe(op), fmt::format("NotFound: {} \"{}\" not found", api::kind_name(op.kind), op.name));
    free_op(op_id);
    return;
  }
  const scenario::TimelineAction& action = spec_.timeline[op.entry].action;
  std::optional<api::AnyObject> next;
  if (const auto* scale = std::get_if<scenario::ScaleAction>(&action)) {
    next = copy_workload(current);
    std::visit(
        [&](auto& obj) {
          if constexpr (requires { obj.spec.replicas = scale->replicas; }) {
            obj.spec.replicas = scale->replicas;
          }
        },
        *next);
  } else if (const auto* image = std::get_if<scenario::SetImageAction>(&action)) {
    bool found = false;
    next = copy_workload(current);
    std::visit(
        [&](auto& obj) {
          if constexpr (requires { obj.spec.template_.spec.containers; }) {
            for (auto* list : {&obj.spec.template_.spec.init_containers, &obj.spec.template_.spec.containers}) {
              for (api::Container& c : *list) {
                if (c.name == image->container) {
                  c.image = image->image;
                  found = true;
                }
              }
            }
          }
        },
        *next);
    if (!found) {
      // kubectl set image's own message.
      warn(describe(op), fmt::format("error: unable to find container named \"{}\"", image->container));
      free_op(op_id);
      return;
    }
  } else if (const auto* node_action = std::get_if<scenario::NodeAction>(&action)) {
    bool unschedulable = node_action->op != scenario::NodeOp::Uncordon;
    const auto& node = current.get<api::Node>();
    if (node.spec.unschedulable != unschedulable) {
      api::Node changed = node;
      changed.spec.unschedulable = unschedulable;
      next = api::AnyObject(std::move(changed));
    } else if (node_action->op == scenario::NodeOp::Drain) {
      // Already cordoned ("node/x already cordoned"): go straight to the evictions.
      evict_pods(op.entry, op.name);
    }
  }
  if (!next) {
    free_op(op_id);  // nothing to change
    return;
  }
  // The precondition makes a concurrent writer (a controller) win; the Conflict reply makes us retry.
  api::meta_of(*next).resource_version = current.meta().resource_version;
  kubectl_.update(std::move(*next), op_id, true);
}

// `node` is taken by value: callers pass a name held in ops_, which new_op() may reallocate.
void Cluster::evict_pods(std::uint32_t entry, std::string node) {
  for (const store::ObjectRef& ref : api_.list(kubectl_.id(), api::Kind::Pod)) {
    const auto& pod = ref.get<api::Pod>();
    if (pod.spec.node_name != node || pod.metadata.annotations.contains(kMirrorPodAnnotation)) {
      continue;
    }
    // --ignore-daemonsets: the DaemonSet controller would put them straight back.
    const api::OwnerReference* owner = pod.metadata.controller_ref();
    if (owner != nullptr && owner->kind == "DaemonSet") {
      continue;
    }
    send_eviction(
        new_op(make_op(KubectlOp::Verb::Evict, entry, api::Kind::Pod, pod.metadata.namespace_, pod.metadata.name)));
  }
}

void Cluster::send_eviction(std::uint32_t op_id) {
  const KubectlOp& op = ops_[op_id];
  const auto& drain = std::get<scenario::NodeAction>(spec_.timeline[op.entry].action);
  api_.evict(kubectl_.id(), op.ns, op.name, client::Endpoint{sim::EventKind::ScenarioReply, kKubectlReplies}, op_id,
             drain.grace_period_seconds);
}

void Cluster::on_kubectl_retry(std::uint32_t op) { send_eviction(op); }

void Cluster::on_kubectl_reply(std::uint32_t slot) {
  client::Reply reply = kubectl_.take_reply(slot);
  auto op_id = static_cast<std::uint32_t>(reply.tag);
  KubectlOp& op = ops_[op_id];
  using client::ResultCode;
  switch (op.verb) {
  case KubectlOp::Verb::Update:
    if (reply.code == ResultCode::Conflict && op.attempts < kUpdateAttempts) {
      send_update(op_id);
      return;
    }
    if (reply.code != ResultCode::Ok) {
      warn(describe(op), fmt::format("{}: {}", apiserver::result_code_name(reply.code), reply.message));
    } else if (const auto* a = std::get_if<scenario::NodeAction>(&spec_.timeline[op.entry].action);
               a != nullptr && a->op == scenario::NodeOp::Drain) {
      evict_pods(op.entry, op.name);
    }
    break;
  case KubectlOp::Verb::Delete:
    if (reply.code != ResultCode::Ok) {
      warn(describe(op), fmt::format("{}: {}", apiserver::result_code_name(reply.code), reply.message));
    }
    break;
  case KubectlOp::Verb::Evict:
    // kubectl drain: a refusal is retried every 5 s for as long as it takes; a pod already gone is
    // fine; anything else ends the eviction of that pod with an error.
    if (reply.code == ResultCode::TooManyRequests) {
      if (!op.refused_before) {
        op.refused_before = true;
        warn(describe(op),
             fmt::format("{} (will retry every {})", reply.message, base::format_duration(kEvictionRetry)));
      }
      sim_.schedule_after(kEvictionRetry, sim::EventKind::TimelineAction, kKubectlRetry, op_id);
      return;
    }
    if (reply.code != ResultCode::Ok && reply.code != ResultCode::NotFound) {
      warn(describe(op), fmt::format("{}: {}", apiserver::result_code_name(reply.code), reply.message));
    }
    break;
  }
  free_op(op_id);
}

void Cluster::on_arrival(std::uint32_t entry, std::uint32_t ordinal) {
  const scenario::TimelineEntry& t = spec_.timeline[entry];
  const auto& a = std::get<scenario::ArrivalsAction>(t.action);
  base::Rng& rng = arrival_rng_[entry];

  api::Pod pod;
  pod.metadata = a.template_.metadata;
  pod.metadata.name = fmt::format("{}-{}", a.name, ordinal);
  pod.metadata.namespace_ = a.namespace_;
  pod.spec = a.template_.spec;
  if (a.run_time && !pod.metadata.annotations.contains(api::kDurationAnnotation)) {
    pod.metadata.annotations.set(std::string(api::kDurationAnnotation), base::format_duration(a.run_time->sample(rng)));
  }
  scenario_client_.create(api::AnyObject(std::move(pod)));

  std::uint32_t next = ordinal + 1;
  if (next >= a.count) {
    return;
  }
  if (a.process == scenario::ArrivalsAction::Process::Fixed) {
    // From the entry's start, not from now, so that rounding never accumulates.
    sim_.schedule_at(t.at + a.interval * static_cast<std::int64_t>(next), sim::EventKind::PodArrival, entry, next);
  } else {
    double gap = rng.exponential(static_cast<double>(a.interval.nanos()));
    sim_.schedule_after(base::Duration::from_nanos(std::llround(gap)), sim::EventKind::PodArrival, entry, next);
  }
}

std::vector<std::string> Cluster::node_names() const {
  std::vector<std::string> names;
  names.reserve(nodes_.pool().size());
  for (node::NodeIndex n = 0; n < nodes_.pool().size(); ++n) {
    names.push_back(nodes_.pool().name(n));
  }
  return names;
}

metrics::RunSummary Cluster::summary() const {
  metrics::RunSummary s;
  s.scenario = spec_.name;
  s.seed = seed_;
  s.horizon = horizon_;
  s.last_event = sim_.now();
  s.events = sim_.events_processed();
  s.fingerprint = sim_.fingerprint();
  s.nodes = nodes_.pool().size();
  metrics::summarize_pods(pods_.records(), s);
  s.scheduling_attempts = scheduler_->attempts();
  s.image_pulls = nodes_.image_pulls();
  s.images_collected = nodes_.images_collected();
  s.expectations = checks_.results();
  s.unschedulable_attempts = unschedulable_attempts_;
  for (const auto& [reason, count] : unschedulable_reasons_) {
    s.unschedulable_reasons.emplace_back(reason, count);
  }
  std::stable_sort(s.unschedulable_reasons.begin(), s.unschedulable_reasons.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  s.preemption_victims = scheduler_->preemption_victims();
  s.utilization = metrics::summarize_utilization(usage_);
  s.rollouts = reconciliation_.rollouts();
  s.node_faults = reconciliation_.node_faults();
  s.endpoint_convergence = metrics::latency_stats(reconciliation_.endpoint_convergence());
  s.container_restarts = nodes_.container_restarts();
  s.oom_kills = nodes_.oom_kills();
  s.evictions = nodes_.evictions();
  metrics::CpuContention cpu = metrics::cpu_contention(usage_, kUsageSampleInterval);
  s.cpu_throttled_container_seconds = cpu.throttled_container_seconds;
  s.cpu_starved_container_seconds = cpu.starved_container_seconds;
  s.store_revision = api_.store().current_rv();
  for (const apiserver::RequestCount& r : api_.request_counts()) {
    s.requests.push_back(metrics::RequestCountRow{
        r.client, std::string(apiserver::verb_name(r.verb)), r.resource, r.count, r.failed, r.timed,
        r.timed == 0 ? base::Duration::zero()
                     : base::Duration::from_nanos(r.latency_sum.nanos() / static_cast<std::int64_t>(r.timed)),
        r.latency_max});
  }
  for (const apiserver::WatchLag& w : api_.watch_lags()) {
    s.watch_lags.push_back(metrics::WatchLagRow{
        w.client, w.resource, w.events,
        base::Duration::from_nanos(w.lag_sum.nanos() / static_cast<std::int64_t>(w.events)), w.lag_max});
  }
  for (const auto& [key, count] : k8s_events_) {
    s.k8s_events.push_back(metrics::EventReasonRow{key.first, key.second, count});
  }
  for (const node::ServiceTraffic& t : proxies_.traffic()) {
    metrics::ServiceTrafficRow& row = s.traffic.emplace_back();
    row.namespace_ = t.namespace_;
    row.name = t.name;
    row.requests = t.requests;
    row.successes = t.successes;
    row.errors = t.errors;
    for (const node::TrafficErrorWindow& w : t.error_windows) {
      row.error_windows.push_back(metrics::ErrorWindowRow{w.start, w.end, w.errors});
    }
  }
  return s;
}

}  // namespace kubesim::cluster
