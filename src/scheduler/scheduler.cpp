#include "kubesim/scheduler/scheduler.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kubesim::scheduler {
namespace {

constexpr std::int32_t kMinFeasibleNodesToFind = 100;
constexpr std::int32_t kMinFeasibleNodesPercentageToFind = 5;
constexpr base::Duration kBackoffFlushPeriod = base::Duration::from_seconds(1);
constexpr base::Duration kUnschedulableFlushPeriod = base::Duration::from_seconds(30);

std::string key_of(const api::Pod& pod) { return pod.metadata.namespace_ + "/" + pod.metadata.name; }

// The next tick of a periodic timer that has run every `period` since t = 0, strictly after `now`.
base::SimTime next_tick(base::SimTime now, base::Duration period) {
  std::int64_t p = period.nanos();
  return base::SimTime::from_nanos((now.nanos() / p + 1) * p);
}

}  // namespace

std::int32_t num_feasible_nodes_to_find(std::int32_t percentage_of_nodes_to_score, std::int32_t num_all_nodes) {
  if (num_all_nodes < kMinFeasibleNodesToFind) {
    return num_all_nodes;
  }
  std::int32_t percentage = percentage_of_nodes_to_score;
  if (percentage == 0) {
    percentage = std::max(50 - num_all_nodes / 125, kMinFeasibleNodesPercentageToFind);
  }
  std::int32_t n = static_cast<std::int32_t>(static_cast<std::int64_t>(num_all_nodes) * percentage / 100);
  return std::max(n, kMinFeasibleNodesToFind);
}

std::string fit_error_message(std::int32_t num_all_nodes, const std::map<std::string, std::int32_t>& reasons) {
  std::vector<std::string> parts;
  parts.reserve(reasons.size());
  for (const auto& [reason, count] : reasons) {
    parts.push_back(fmt::format("{} {}", count, reason));
  }
  std::sort(parts.begin(), parts.end());
  std::string msg = fmt::format("0/{} nodes are available:", num_all_nodes);
  if (!parts.empty()) {
    msg += " ";
    for (std::size_t i = 0; i < parts.size(); ++i) {
      msg += (i == 0 ? "" : ", ") + parts[i];
    }
    msg += ".";
  }
  return msg;
}

Scheduler::Scheduler(sim::Simulation& sim, apiserver::ApiServer& server, SchedulerConfig config)
    : sim_(sim),
      client_(server, "scheduler", client::Endpoint{sim::EventKind::SchedulerReply, 0}),
      config_(config),
      rng_(sim.rng_stream("scheduler")) {}

base::Expected<std::unique_ptr<Scheduler>, std::string> Scheduler::create(sim::Simulation& sim,
                                                                          apiserver::ApiServer& server,
                                                                          SchedulerConfig config, Profile profile) {
  std::unique_ptr<Scheduler> s(new Scheduler(sim, server, config));
  auto fw = Framework::create(profile, default_registry(), *s);
  if (!fw) {
    return base::unexpected(fw.error());
  }
  s->framework_.emplace(std::move(fw.value()));
  s->queue_ = std::make_unique<SchedulingQueue>(s->framework_->queue_sort(), s->config_);
  return s;
}

void Scheduler::start() {
  client_.list_and_watch(api::Kind::Node, {}, {sim::EventKind::SchedulerWatch, kNodeWatch});
  client::WatchFilter pods;
  pods.exclude_terminal_pods = true;
  client_.list_and_watch(api::Kind::Pod, pods, {sim::EventKind::SchedulerWatch, kPodWatch});
}

bool Scheduler::is_ours(const api::Pod& pod) const { return pod.spec.scheduler_name == framework_->scheduler_name(); }

void Scheduler::handle_watch(std::uint32_t target, std::uint32_t slot) {
  client::WatchEvent ev = client_.take_watch_event(slot);
  if (target == kNodeWatch) {
    on_node_event(ev);
  } else {
    on_pod_event(ev);
  }
}

// --- cache ----------------------------------------------------------------------------------------

void Scheduler::add_assigned(const std::shared_ptr<const api::Pod>& pod, bool assumed) {
  std::string key = key_of(*pod);
  auto it = assigned_.find(key);
  if (it != assigned_.end()) {
    it->second.assumed = assumed;  // confirmation of an assumed pod, or an update of a bound one
    it->second.info.pod = pod;
    return;
  }
  Assigned a{pod->spec.node_name, PodInfo::from(pod), assumed};
  auto n = node_index_.find(a.node);
  if (n != node_index_.end()) {
    nodes_[n->second].add_pod(a.info);
  }
  assigned_.emplace(std::move(key), std::move(a));
}

void Scheduler::remove_assigned(const std::string& key) {
  auto it = assigned_.find(key);
  if (it == assigned_.end()) {
    return;
  }
  auto n = node_index_.find(it->second.node);
  if (n != node_index_.end()) {
    nodes_[n->second].remove_pod(it->second.info);
  }
  assigned_.erase(it);
}

void Scheduler::on_pod_event(const client::WatchEvent& ev) {
  auto pod = ev.object.as<api::Pod>();
  std::string key = key_of(*pod);
  if (ev.type == client::ChangeType::Deleted) {
    queue_->remove(key);
    if (assigned_.contains(key)) {
      remove_assigned(key);
      // AssignedPodDelete: freed resources may help unschedulable pods.
      queue_->move_all_to_active_or_backoff(sim_.now());
      on_queue_changed();
    }
    return;
  }
  if (!pod->spec.node_name.empty()) {
    queue_->remove(key);
    add_assigned(pod, false);
    return;
  }
  if (!is_ours(*pod)) {
    return;
  }
  if (pod->is_terminating()) {
    queue_->remove(key);
    return;
  }
  if (ev.type == client::ChangeType::Added) {
    queue_->add(pod, sim_.now());
  } else {
    queue_->update(pod, sim_.now());
  }
  on_queue_changed();
}

void Scheduler::on_node_event(const client::WatchEvent& ev) {
  auto node = ev.object.as<api::Node>();
  const std::string& name = node->metadata.name;
  auto it = node_index_.find(name);
  if (ev.type == client::ChangeType::Deleted) {
    if (it != node_index_.end()) {
      std::uint32_t idx = it->second;
      nodes_.erase(nodes_.begin() + idx);
      node_index_.erase(it);
      for (auto& [n, i] : node_index_) {
        if (i > idx) {
          --i;
        }
      }
    }
    return;
  }
  if (it == node_index_.end()) {
    node_index_.emplace(name, static_cast<std::uint32_t>(nodes_.size()));
    NodeInfo info;
    info.node = node;
    info.allocatable = Resource::from(node->status.allocatable);
    nodes_.push_back(std::move(info));
    // Pods bound before the node appeared in our cache.
    for (const auto& [key, a] : assigned_) {
      if (a.node == name) {
        nodes_.back().add_pod(a.info);
      }
    }
  } else {
    NodeInfo& info = nodes_[it->second];
    info.node = node;
    info.allocatable = Resource::from(node->status.allocatable);
  }
  // NodeAdd / NodeUpdate: new room may help unschedulable pods.
  queue_->move_all_to_active_or_backoff(sim_.now());
  on_queue_changed();
}

// --- scheduling cycle -----------------------------------------------------------------------------

void Scheduler::on_queue_changed() {
  ensure_cycle_scheduled();
  arm_flush_timers();
}

void Scheduler::ensure_cycle_scheduled() {
  if (!cycle_scheduled_ && queue_->active_size() > 0) {
    cycle_scheduled_ = true;
    sim_.schedule_after(base::Duration::zero(), sim::EventKind::SchedulerCycle);
  }
}

void Scheduler::arm_flush_timers() {
  base::SimTime now = sim_.now();
  // The flush loops run forever upstream; arming them only while there is something to flush keeps an
  // idle simulation's event queue empty without changing when flushes happen (ticks stay on the
  // 1 s / 30 s grid from t = 0).
  if (queue_->backoff_size() > 0 && backoff_timer_at_ == base::SimTime::max()) {
    backoff_timer_at_ = next_tick(now, kBackoffFlushPeriod);
    sim_.schedule_at(backoff_timer_at_, sim::EventKind::SchedulerFlushBackoff);
  }
  if (queue_->unschedulable_size() > 0 && unschedulable_timer_at_ == base::SimTime::max()) {
    unschedulable_timer_at_ = next_tick(now, kUnschedulableFlushPeriod);
    sim_.schedule_at(unschedulable_timer_at_, sim::EventKind::SchedulerFlushUnschedulable);
  }
}

void Scheduler::flush_backoff() {
  backoff_timer_at_ = base::SimTime::max();
  queue_->flush_backoff_completed(sim_.now());
  on_queue_changed();
}

void Scheduler::flush_unschedulable() {
  unschedulable_timer_at_ = base::SimTime::max();
  queue_->flush_unschedulable_leftover(sim_.now());
  on_queue_changed();
}

void Scheduler::record_unschedulable(const QueuedPodInfo& qp, const std::string& message) {
  queue_->add_unschedulable(qp, sim_.now());
  const api::Pod& pod = *qp.pod;
  const api::PodCondition* cond = pod.status.condition("PodScheduled");
  // Upstream updates the condition only when it changes, to spare the API server.
  if (cond == nullptr || cond->status != api::ConditionStatus::False || cond->reason != "Unschedulable" ||
      cond->message != message) {
    api::Pod next = pod;
    next.status.set_condition(
        api::PodCondition{"PodScheduled", api::ConditionStatus::False, "Unschedulable", message, sim_.now()});
    next.metadata.resource_version = 0;  // a status patch: no precondition
    client_.update_status(api::AnyObject(std::move(next)));
  }
}

void Scheduler::run_cycle() {
  cycle_scheduled_ = false;
  std::optional<QueuedPodInfo> popped = queue_->pop();
  if (!popped) {
    return;
  }
  ++attempts_;
  QueuedPodInfo qp = std::move(*popped);
  PodInfo pod = PodInfo::from(qp.pod);
  AttemptResult result;
  state_.clear();

  const auto num_nodes = static_cast<std::int32_t>(nodes_.size());
  Status pre = framework_->run_pre_filter(state_, pod);
  std::map<std::string, std::int32_t> reasons;
  feasible_.clear();
  if (!pre.is_success()) {
    for (const std::string& r : pre.reasons()) {
      reasons[r] = num_nodes;
    }
  } else if (num_nodes > 0) {
    std::int32_t to_find = num_feasible_nodes_to_find(config_.percentage_of_nodes_to_score, num_nodes);
    std::int32_t processed = 0;
    for (std::int32_t i = 0; i < num_nodes; ++i) {
      const NodeInfo& node = nodes_[(next_start_node_index_ + static_cast<std::uint32_t>(i)) % nodes_.size()];
      ++processed;
      Status s = framework_->run_filter(state_, pod, node);
      if (s.is_success()) {
        feasible_.push_back(&node);
        if (static_cast<std::int32_t>(feasible_.size()) >= to_find) {
          break;
        }
      } else {
        for (const std::string& r : s.reasons()) {
          ++reasons[r];
        }
      }
    }
    next_start_node_index_ =
        (next_start_node_index_ + static_cast<std::uint32_t>(processed)) % static_cast<std::uint32_t>(nodes_.size());
    result.nodes_evaluated = processed;
  }
  result.nodes_feasible = static_cast<std::int32_t>(feasible_.size());

  if (feasible_.empty()) {
    result.message = num_nodes == 0 && pre.is_success() ? std::string("no nodes available to schedule pods")
                                                        : fit_error_message(num_nodes, reasons);
    record_unschedulable(qp, result.message);
    on_queue_changed();
  } else {
    const NodeInfo* chosen = feasible_.front();
    if (feasible_.size() > 1 && framework_->has_score_plugins()) {
      totals_.resize(feasible_.size());
      framework_->run_score(state_, pod, feasible_, totals_);
      // selectHost: the best total; the k-th node tied for it replaces the choice with probability 1/k.
      std::int64_t best = totals_[0];
      std::uint64_t ties = 1;
      for (std::size_t i = 1; i < feasible_.size(); ++i) {
        if (totals_[i] > best) {
          best = totals_[i];
          chosen = feasible_[i];
          ties = 1;
        } else if (totals_[i] == best) {
          ++ties;
          if (rng_.uniform_below(ties) == 0) {
            chosen = feasible_[i];
          }
        }
      }
    }
    result.node = chosen->name();
    // Assume: the cache counts the pod on the node before the binding is confirmed, so the next cycle
    // already sees the room it takes.
    api::Pod assumed = *qp.pod;
    assumed.spec.node_name = result.node;
    add_assigned(std::make_shared<const api::Pod>(std::move(assumed)), true);
    std::uint64_t tag = next_bind_tag_++;
    pending_binds_.emplace(tag, PendingBind{qp, key_of(*qp.pod)});
    current_bind_tag_ = tag;
    framework_->run_bind(pod, result.node);
  }
  on_attempt(sim_.now(), *qp.pod, result);
  if (queue_->active_size() > 0) {
    cycle_scheduled_ = true;
    sim_.schedule_after(config_.cycle_cost, sim::EventKind::SchedulerCycle);
  }
}

void Scheduler::bind_pod(const api::Pod& pod, const std::string& node_name) {
  client_.bind(pod.metadata.namespace_, pod.metadata.name, node_name, current_bind_tag_);
}

void Scheduler::handle_reply(std::uint32_t slot) {
  client::Reply reply = client_.take_reply(slot);
  auto it = pending_binds_.find(reply.tag);
  if (it == pending_binds_.end()) {
    return;
  }
  PendingBind pb = std::move(it->second);
  pending_binds_.erase(it);
  if (reply.code == client::ResultCode::Ok) {
    return;  // the watch event confirms the assumed pod
  }
  // Binding failed: forget the assumed pod and retry after backoff (upstream handleBindingCycleError).
  auto a = assigned_.find(pb.key);
  if (a != assigned_.end() && a->second.assumed) {
    remove_assigned(pb.key);
  }
  if (reply.code != client::ResultCode::NotFound && queue_->contains(pb.key)) {
    queue_->add_backoff(pb.queued, sim_.now());
    on_queue_changed();
  }
}

}  // namespace kubesim::scheduler
