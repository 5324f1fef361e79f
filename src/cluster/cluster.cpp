#include "kubesim/cluster/cluster.hpp"

#include <fmt/format.h>

#include <cmath>

namespace kubesim::cluster {
namespace {

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
  // Allocatable = capacity for every resource the template does not reserve explicitly.
  for (const auto& [name, amount] : node.status.capacity) {
    if (!node.status.allocatable.contains(name)) {
      node.status.allocatable.set(name, amount);
    }
  }
  return node;
}

}  // namespace

Cluster::Cluster(const scenario::ScenarioSpec& spec, const RunOptions& options)
    : spec_(spec), seed_(options.seed.value_or(spec.seed)), horizon_(options.duration.value_or(spec.duration)),
      sim_(seed_), api_(sim_, spec.control_plane.api_server), nodes_(sim_, api_, spec.cluster.kubelet),
      controllers_(sim_, api_, spec.control_plane.controller_manager),
      scenario_client_(api_, "scenario", client::Endpoint{sim::EventKind::ScenarioReply, 0}) {}

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
      c->nodes_.add_node(make_node(pool, i));
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
      [e = &c->k8s_events_](base::SimTime, apiserver::Verb, apiserver::ClientId, const store::Change& change) {
        if (change.object.kind != api::Kind::Event || change.type == store::ChangeType::Deleted) {
          return;
        }
        const auto& ev = change.object.get<api::Event>();
        std::int32_t before = change.previous ? change.previous.get<api::Event>().count : 0;
        (*e)[{ev.type, ev.reason}] += static_cast<std::uint64_t>(std::max(ev.count - before, 0));
      });
  c->scheduler_->on_attempt.connect(
      [p = &c->pods_](base::SimTime, const api::Pod& pod, const scheduler::AttemptResult& r) {
        p->observe_attempt(pod, r.message);
      });
  return c;
}

void Cluster::attach_history(HistoryLog& log) {
  api_.on_change.connect(
      [this, &log](base::SimTime now, apiserver::Verb verb, apiserver::ClientId client, const store::Change& change) {
        log.record(now, verb, api_.client_name(client), change);
      });
}

void Cluster::start() {
  nodes_.start();
  scheduler_->start();
  controllers_.start();
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
}

void Cluster::dispatch(const sim::Event& e) {
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
    on_timeline(e.arg);
    break;
  case sim::EventKind::PodArrival:
    on_arrival(e.target, e.arg);
    break;
  case sim::EventKind::ScenarioReply:
    on_scenario_reply(e.arg);
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
  case sim::EventKind::ApiEventTtl:
  case sim::EventKind::KubeletHeartbeat:
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
  if (const auto* create = std::get_if<scenario::CreateAction>(&t.action)) {
    for (const scenario::ManifestObject& m : create->objects) {
      enqueue_create(m);
    }
    return;
  }
  const auto& arrivals = std::get<scenario::ArrivalsAction>(t.action);
  if (arrivals.count > 0) {
    on_arrival(entry, 0);
  }
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
  s.store_revision = api_.store().current_rv();
  for (const apiserver::RequestCount& r : api_.request_counts()) {
    s.requests.push_back(
        metrics::RequestCountRow{r.client, std::string(apiserver::verb_name(r.verb)), r.resource, r.count, r.failed});
  }
  for (const auto& [key, count] : k8s_events_) {
    s.k8s_events.push_back(metrics::EventReasonRow{key.first, key.second, count});
  }
  return s;
}

}  // namespace kubesim::cluster
