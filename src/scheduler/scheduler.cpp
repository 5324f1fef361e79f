#include "kubesim/scheduler/scheduler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

namespace kubesim::scheduler {
namespace {

// nodeSchedulingPropertiesChange (pkg/scheduler/eventhandlers.go): the node changes that may make an
// unschedulable pod schedulable. Conditions compare by type and status only (heartbeats, reasons and
// messages change all the time); status.images is not among them.
bool scheduling_properties_changed(const api::Node& old_node, const api::Node& new_node) {
  if (old_node.spec.unschedulable && !new_node.spec.unschedulable) {
    return true;
  }
  if (!(old_node.status.allocatable == new_node.status.allocatable) ||
      old_node.metadata.labels != new_node.metadata.labels || old_node.spec.taints != new_node.spec.taints ||
      old_node.metadata.annotations != new_node.metadata.annotations) {
    return true;
  }
  auto statuses = [](const api::Node& n) {
    std::vector<std::pair<std::string_view, api::ConditionStatus>> out;
    out.reserve(n.status.conditions.size());
    for (const api::NodeCondition& c : n.status.conditions) {
      out.emplace_back(c.type, c.status);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  return statuses(old_node) != statuses(new_node);
}

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

std::string fit_error_message(std::int32_t num_all_nodes, const std::map<std::string, std::int32_t>& reasons,
                              const std::string& post_filter_message) {
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
  if (!post_filter_message.empty()) {
    // Upstream SeparatorFormat " %v.": hence the familiar "...for incoming pod.." double period.
    msg += " " + post_filter_message + ".";
  }
  return msg;
}

Scheduler::Scheduler(sim::Simulation& sim, apiserver::ApiServer& server, SchedulerConfig config)
    : sim_(sim), client_(server, "scheduler", client::Endpoint{sim::EventKind::SchedulerReply, 0}), config_(config),
      rng_(sim.rng_stream("scheduler")) {}

base::Expected<std::unique_ptr<Scheduler>, std::string> Scheduler::create(sim::Simulation& sim,
                                                                          apiserver::ApiServer& server,
                                                                          SchedulerConfig config,
                                                                          const std::vector<ProfileConfig>& profiles) {
  KUBESIM_ASSERT(!profiles.empty(), "a scheduler needs at least one profile");
  std::unique_ptr<Scheduler> s(new Scheduler(sim, server, config));
  PluginRegistry registry = default_registry();
  for (const ProfileConfig& profile : profiles) {
    for (const Framework& existing : s->frameworks_) {
      if (existing.scheduler_name() == profile.scheduler_name) {
        return base::unexpected(fmt::format("duplicate profile with scheduler name \"{}\"", profile.scheduler_name));
      }
    }
    auto fw = Framework::create(profile, registry, *s);
    if (!fw) {
      return base::unexpected(fmt::format("profile \"{}\": {}", profile.scheduler_name, fw.error()));
    }
    s->frameworks_.push_back(std::move(fw.value()));
    s->recorders_.push_back(std::make_unique<client::EventRecorder>(sim, s->client_, profile.scheduler_name));
  }
  const QueueSortPlugin& sort = s->frameworks_.front().queue_sort();
  for (const Framework& fw : s->frameworks_) {
    if (fw.queue_sort().name() != sort.name()) {
      return base::unexpected(std::string("queueSort must be the same for all profiles"));
    }
  }
  s->queue_ = std::make_unique<SchedulingQueue>(sort, s->config_);
  return s;
}

void Scheduler::start() {
  client_.list_and_watch(api::Kind::Node, {}, {sim::EventKind::SchedulerWatch, kNodeWatch});
  client_.list_and_watch(api::Kind::Service, {}, {sim::EventKind::SchedulerWatch, kServiceWatch});
  client_.list_and_watch(api::Kind::ReplicaSet, {}, {sim::EventKind::SchedulerWatch, kReplicaSetWatch});
  client_.list_and_watch(api::Kind::PodDisruptionBudget, {}, {sim::EventKind::SchedulerWatch, kPdbWatch});
  client::WatchFilter pods;
  pods.exclude_terminal_pods = true;
  client_.list_and_watch(api::Kind::Pod, pods, {sim::EventKind::SchedulerWatch, kPodWatch});
}

Framework* Scheduler::framework_for(const api::Pod& pod) {
  for (Framework& fw : frameworks_) {
    if (fw.scheduler_name() == pod.spec.scheduler_name) {
      return &fw;
    }
  }
  return nullptr;
}

client::EventRecorder& Scheduler::recorder_for(const api::Pod& pod) {
  for (std::size_t i = 0; i < frameworks_.size(); ++i) {
    if (frameworks_[i].scheduler_name() == pod.spec.scheduler_name) {
      return *recorders_[i];
    }
  }
  return *recorders_.front();
}

void Scheduler::handle_watch(std::uint32_t target, std::uint32_t slot) {
  client::WatchEvent ev = client_.take_watch_event(slot);
  switch (target) {
  case kNodeWatch:
    on_node_event(ev);
    break;
  case kPodWatch:
    on_pod_event(ev);
    break;
  default:
    on_object_event(target, ev);
    break;
  }
}

// --- cache ----------------------------------------------------------------------------------------

void Scheduler::add_assigned(const std::shared_ptr<const api::Pod>& pod, bool assumed) {
  add_assigned(key_of(*pod), PodInfo::from(pod), assumed, pod->spec.node_name);
}

void Scheduler::add_assigned(const std::string& key, PodInfo info, bool assumed, const std::string& node_name) {
  const std::string& uid = info.get().metadata.uid;
  auto [it, inserted] = assigned_.try_emplace(key);
  if (!inserted) {
    // Confirmation of an assumed pod, or an update of a bound one: refresh the cached object.
    it->second.assumed = assumed;
    std::string old_uid = std::exchange(it->second.uid, uid);
    if (NodeInfo* on = snapshot_.find(it->second.node)) {
      if (on->remove_pod(old_uid)) {
        on->add_pod(std::move(info));
      }
    }
    return;
  }
  it->second = Assigned{node_name, uid, assumed};
  if (NodeInfo* node = snapshot_.find(node_name)) {
    node->add_pod(std::move(info));
  } else {
    // Bound to a node the cache has not seen yet: remember it and account for it when the node appears.
    pending_node_pods_[node_name].push_back(info.pod);
  }
}

void Scheduler::remove_assigned(const std::string& key) {
  auto it = assigned_.find(key);
  if (it == assigned_.end()) {
    return;
  }
  if (NodeInfo* node = snapshot_.find(it->second.node)) {
    node->remove_pod(it->second.uid);
  } else {
    auto pending = pending_node_pods_.find(it->second.node);
    if (pending != pending_node_pods_.end()) {
      std::erase_if(pending->second, [&](const auto& p) { return p->metadata.uid == it->second.uid; });
    }
  }
  assigned_.erase(it);
}

void Scheduler::enqueue(const std::shared_ptr<const api::Pod>& pod, bool added) {
  Framework* fw = framework_for(*pod);
  std::string key = key_of(*pod);
  if (!fw->run_pre_enqueue(*pod).is_success()) {
    // Gated (upstream keeps it among the unschedulable pods, untouched by cluster events, until an
    // update lifts the gate).
    queue_->remove(key);
    gated_[key] = pod;
    return;
  }
  if (gated_.erase(key) != 0 || added) {
    queue_->add(pod, sim_.now());
    on_queued(sim_.now(), *pod);
  } else {
    queue_->update(pod, sim_.now());
  }
}

void Scheduler::on_pod_event(const client::WatchEvent& ev) {
  auto pod = ev.object.as<api::Pod>();
  std::string key = key_of(*pod);
  if (ev.type == client::ChangeType::Deleted) {
    queue_->remove(key);
    gated_.erase(key);
    delete_nominated(key);
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
    gated_.erase(key);
    delete_nominated(key);
    add_assigned(pod, false);
    return;
  }
  if (framework_for(*pod) == nullptr) {
    return;  // another scheduler's pod
  }
  if (pod->is_terminating()) {
    queue_->remove(key);
    gated_.erase(key);
    delete_nominated(key);
    return;
  }
  update_nominated(pod);
  enqueue(pod, ev.type == client::ChangeType::Added);
  on_queue_changed();
}

void Scheduler::on_node_event(const client::WatchEvent& ev) {
  auto node = ev.object.as<api::Node>();
  const std::string& name = node->metadata.name;
  if (ev.type == client::ChangeType::Deleted) {
    snapshot_.remove_node(name);
    return;
  }
  NodeInfo* existing = snapshot_.find(name);
  bool is_new = existing == nullptr;
  // NodeUpdate moves pods only when the node became more schedulable (upstream's updateNodeInCache);
  // a status PATCH that changed only heartbeats or status.images leaves the unschedulable pods waiting.
  bool moves = is_new || existing->node == nullptr || scheduling_properties_changed(*existing->node, *node);
  NodeInfo& info = snapshot_.upsert_node(node);
  if (is_new) {
    auto pending = pending_node_pods_.find(name);
    if (pending != pending_node_pods_.end()) {
      for (const auto& pod : pending->second) {
        info.add_pod(PodInfo::from(pod));
      }
      pending_node_pods_.erase(pending);
    }
  }
  if (!moves) {
    return;
  }
  // NodeAdd / NodeUpdate: new room may help unschedulable pods.
  queue_->move_all_to_active_or_backoff(sim_.now());
  on_queue_changed();
}

void Scheduler::on_object_event(std::uint32_t target, const client::WatchEvent& ev) {
  const std::string key = api::object_key(ev.object.meta());
  bool deleted = ev.type == client::ChangeType::Deleted;
  auto apply = [&](auto& map, auto ptr) {
    if (deleted) {
      map.erase(key);
    } else {
      map[key] = std::move(ptr);
    }
  };
  switch (target) {
  case kServiceWatch:
    apply(objects_.services, ev.object.as<api::Service>());
    break;
  case kReplicaSetWatch:
    apply(objects_.replica_sets, ev.object.as<api::ReplicaSet>());
    break;
  case kPdbWatch:
    apply(objects_.pdbs, ev.object.as<api::PodDisruptionBudget>());
    break;
  default:
    KUBESIM_ASSERT(false, "unknown scheduler watch target {}", target);
  }
}

// --- scheduling cycle -----------------------------------------------------------------------------

void Scheduler::on_queue_changed() {
  ensure_cycle_scheduled();
  arm_flush_timers();
}

void Scheduler::ensure_cycle_scheduled() {
  if (!cycle_scheduled_ && queue_->active_size() > 0) {
    cycle_scheduled_ = true;
    // A pod that arrives while the last cycle's cost is still being paid waits for it.
    sim_.schedule_at(std::max(sim_.now(), busy_until_), sim::EventKind::SchedulerCycle);
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
  // handleSchedulingFailure reports every failed attempt; the recorder folds repeats into a count.
  recorder_for(pod).record(client::reference_to(pod), api::kEventTypeWarning, "FailedScheduling", message);
  const api::PodCondition* cond = pod.status.condition("PodScheduled");
  // handleSchedulingFailure: the nominator learns the PostFilter's nomination at once, so the next
  // cycles see it before the status update comes back through the watch.
  bool nnn_changed = false;
  if (nomination_override_) {
    if (nomination_override_->empty()) {
      delete_nominated(key_of(pod));
    } else {
      add_nominated(qp.pod, *nomination_override_);
    }
    nnn_changed = pod.status.nominated_node_name != *nomination_override_;
  }
  // Upstream updatePod patches the status only when the condition or the nomination changes.
  if (cond == nullptr || cond->status != api::ConditionStatus::False || cond->reason != "Unschedulable" ||
      cond->message != message || nnn_changed) {
    api::Pod next = pod;
    if (nnn_changed) {
      next.status.nominated_node_name = *nomination_override_;
    }
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
  Framework* fw = framework_for(*qp.pod);
  if (fw == nullptr) [[unlikely]] {
    KUBESIM_ASSERT(false, "queued pod {} has no profile", key_of(*qp.pod));
    return;  // the queue admits only pods of a profile (on_pod_event)
  }
  // A batch cycle is charged cycle_cost per pod it took from the queue (docs/policies.md).
  std::int64_t pods = 1;
  if (BatchPlugin* batch = fw->batch_plugin()) {
    pods = run_batch_cycle(std::move(qp), *fw, *batch);
  } else {
    schedule_one(std::move(qp), fw);
  }
  busy_until_ = sim_.now() + config_.cycle_cost * pods;
  if (queue_->active_size() > 0) {
    cycle_scheduled_ = true;
    sim_.schedule_at(busy_until_, sim::EventKind::SchedulerCycle);
  }
}

void Scheduler::schedule_one(QueuedPodInfo qp, Framework* fw) {
  PodInfo pod = PodInfo::from(qp.pod);
  AttemptResult result;
  state_.clear();
  victims_.clear();
  current_fw_ = fw;
  nomination_override_.reset();

  std::span<NodeInfo* const> nodes = snapshot_.nodes();
  const auto num_nodes = static_cast<std::int32_t>(nodes.size());
  Status pre = fw->run_pre_filter(state_, pod);
  std::map<std::string, std::int32_t> reasons;
  feasible_.clear();
  failed_.clear();
  if (!pre.is_success()) {
    // A PreFilter rejection applies to every node (upstream records it for all of them).
    for (const std::string& r : pre.reasons()) {
      reasons[r] = num_nodes;
    }
    for (const NodeInfo* n : nodes) {
      failed_.push_back(NodeStatus{n, pre});
    }
  } else if (num_nodes > 0) {
    std::int32_t to_find = num_feasible_nodes_to_find(
        fw->percentage_of_nodes_to_score().value_or(config_.percentage_of_nodes_to_score), num_nodes);
    std::int32_t processed = 0;
    const auto n = static_cast<std::uint32_t>(num_nodes);
    // evaluateNominatedNode: a node nominated by an earlier preemption is tried alone first. Upstream
    // runs findNodesThatPassFilters over that one node, which leaves nextStartNodeIndex at (i+1)%1 = 0.
    const NodeInfo* nominated = nullptr;
    std::optional<Status> nominated_status;
    if (!qp.pod->status.nominated_node_name.empty()) {
      nominated = snapshot_.find(qp.pod->status.nominated_node_name);
    }
    if (nominated != nullptr) {
      next_start_node_index_ = 0;
      Status s = run_filter_with_nominated(state_, pod, *nominated);
      if (s.is_success()) {
        feasible_.push_back(nominated);
        processed = 1;
      } else {
        nominated_status = std::move(s);
      }
    }
    if (feasible_.empty()) {
      const WalkResult walk = find_feasible_nodes(pod, to_find, nominated, &reasons);
      processed = walk.processed;
      // Upstream counts processed nodes as feasible + diagnosed ones, and the nominated node's failure
      // stays in the diagnosis even when this pass stopped before reaching it.
      if (nominated_status && !walk.nominated_seen) {
        ++processed;
      }
      next_start_node_index_ = (next_start_node_index_ + static_cast<std::uint32_t>(processed)) % n;
    }
    result.nodes_evaluated = processed;
  }
  result.nodes_feasible = static_cast<std::int32_t>(feasible_.size());
  result.rejections = &reasons;

  if (feasible_.empty()) {
    PostFilterResult post;
    if (num_nodes > 0) {
      fw->run_post_filter(state_, pod, failed_, post);
      if (!post.nominated_node.empty()) {
        nomination_override_ = post.nominated_node;
        result.nominated_node = post.nominated_node;
      }
    }
    result.message = num_nodes == 0 && pre.is_success() ? std::string("no nodes available to schedule pods")
                                                        : fit_error_message(num_nodes, reasons, post.message);
    result.reasons = &reasons;
    record_unschedulable(qp, result.message);
    on_queue_changed();
  } else {
    const NodeInfo* chosen = feasible_.front();
    if (feasible_.size() > 1 && fw->has_score_plugins()) {
      totals_.resize(feasible_.size());
      Status scored = fw->run_score(state_, pod, feasible_, totals_);
      KUBESIM_ASSERT(scored.is_success(), "scoring failed: {}", scored.reasons().empty() ? "" : scored.reasons()[0]);
      // selectHost: the best total; the k-th node tied for it replaces the choice with probability 1/k.
      // The generator and the arrays are local for the loop: through the members the compiler would
      // store and reload the generator's state on every draw (one per tied node), for fear of aliasing.
      const std::span<const std::int64_t> totals(totals_);
      const std::span<const NodeInfo* const> feasible(feasible_);
      base::Rng rng = rng_;
      std::int64_t best = totals[0];
      std::uint64_t ties = 1;
      for (std::size_t i = 1; i < feasible.size(); ++i) {
        if (totals[i] > best) {
          best = totals[i];
          chosen = feasible[i];
          ties = 1;
        } else if (totals[i] == best) {
          ++ties;
          if (rng.uniform_below(ties) == 0) {
            chosen = feasible[i];
          }
        }
      }
      rng_ = rng;
      result.nodes_scored = static_cast<std::int32_t>(feasible_.size());
      result.score = best;
    }
    assume_and_bind(qp, *fw, pod, *chosen, result);
  }
  result.victims = victims_;
  on_attempt(sim_.now(), *qp.pod, result);
}

Scheduler::WalkResult Scheduler::find_feasible_nodes(const PodInfo& pod, std::int32_t want, const NodeInfo* nominated,
                                                     std::map<std::string, std::int32_t>* reasons) {
  // findNodesThatPassFilters: nodes in node-tree order from the round-robin start, until `want` pass.
  // Blocks of nodes go through Framework::run_filter_block, one call per plugin per block and no Status
  // per node; a node that fails is filtered again by run_filter_with_nominated for its reasons, and so
  // is a node with nominated pods (the block pass does not add them). Nodes of the last block after the
  // one that completed the count were filtered for nothing: filters have no side effects.
  constexpr std::uint32_t kBlock = 32;
  std::array<const NodeInfo*, kBlock> block{};
  std::array<std::uint8_t, kBlock> pass{};
  const std::span<NodeInfo* const> nodes = snapshot_.nodes();
  const auto n = static_cast<std::uint32_t>(nodes.size());
  const bool check_nominated = !nominated_pods_.empty();
  auto found = static_cast<std::int32_t>(feasible_.size());
  WalkResult out;
  // The walk's result after the first `count` nodes of the current block.
  auto finish_block = [&](std::uint32_t count) {
    out.processed += static_cast<std::int32_t>(count);
    out.nominated_seen = out.nominated_seen || (nominated != nullptr && std::find(block.begin(), block.begin() + count,
                                                                                  nominated) != block.begin() + count);
  };
  std::uint32_t at = next_start_node_index_ % n;
  for (std::uint32_t done = 0; done < n;) {
    const std::uint32_t len = std::min(kBlock, n - done);
    for (std::uint32_t j = 0; j < len; ++j, at = at + 1 == n ? 0 : at + 1) {
      block[j] = nodes[at];
    }
    // Start loading the next block's NodeInfos while this block is filtered: the walk moves on by hundreds of nodes per
    // cycle, so they are rarely cached.
    for (std::uint32_t j = 0, ahead = at; j < kBlock && done + len + j < n;
         ++j, ahead = ahead + 1 == n ? 0 : ahead + 1) {
      prefetch_hot_fields(nodes[ahead]);
    }
    done += len;
    current_fw_->run_filter_block(state_, pod, std::span(block.data(), len), std::span(pass.data(), len));
    for (std::uint32_t j = 0; j < len; ++j) {
      const NodeInfo& node = *block[j];
      bool feasible = pass[j] != 0 && !(check_nominated && nominated_pods_.contains(node.name()));
      if (!feasible) [[unlikely]] {
        Status s = run_filter_with_nominated(state_, pod, node);
        feasible = s.is_success();
        if (!feasible && reasons != nullptr) {
          for (const std::string& r : s.reasons()) {
            ++(*reasons)[r];
          }
          failed_.push_back(NodeStatus{&node, std::move(s)});
        }
      }
      if (feasible) {
        feasible_.push_back(&node);
        if (++found >= want) {
          finish_block(j + 1);
          return out;
        }
      }
    }
    finish_block(len);
  }
  return out;
}

// --- preemption and the nominator --------------------------------------------------------------------

Status Scheduler::run_filter_with_nominated(const CycleState& state, const PodInfo& pod, const NodeInfo& node) {
  KUBESIM_ASSERT(current_fw_ != nullptr, "run_filter_with_nominated outside a scheduling cycle");
  // Per node per cycle: skip the string-keyed lookup in the common case of no nominations at all.
  auto it = nominated_pods_.empty() ? nominated_pods_.end() : nominated_pods_.find(node.name());
  if (it != nominated_pods_.end()) {
    // First pass with the nominated pods of priority >= the pod's: it must not take the room they were
    // promised. The second pass (without them) guards filters such as pod affinity that could pass only
    // thanks to them.
    // addNominatedPods: a copy of the node and a clone of the state, in which the PreFilter extensions
    // count each added pod (spread and inter-pod affinity counts).
    std::optional<NodeInfo> with;
    std::optional<CycleState> with_state;
    for (const PodInfo& p : it->second) {
      if (p.get().priority() >= pod.get().priority() && p.get().metadata.uid != pod.get().metadata.uid) {
        if (!with) {
          with.emplace(node);
          with_state.emplace(state.clone());
        }
        with->add_pod(p);
        if (Status s = run_pre_filter_extension_add_pod(*with_state, pod, p, *with); !s.is_success()) {
          return s;
        }
      }
    }
    if (with) {
      Status s = current_fw_->run_filter(*with_state, pod, *with);
      if (!s.is_success()) {
        return s;
      }
    }
  }
  return current_fw_->run_filter(state, pod, node);
}

void Scheduler::preempt(const api::Pod& preemptor, const std::string& node,
                        std::span<const std::shared_ptr<const api::Pod>> victims) {
  for (const auto& victim : victims) {
    api::PodCondition c{
        "DisruptionTarget", api::ConditionStatus::True, "PreemptionByScheduler",
        fmt::format("{}: preempting to accommodate a higher priority pod", preemptor.spec.scheduler_name), sim_.now()};
    const api::PodCondition* old = victim->status.condition("DisruptionTarget");
    if (old == nullptr || old->status != c.status || old->reason != c.reason || old->message != c.message) {
      api::Pod next = *victim;
      next.status.set_condition(std::move(c));
      next.metadata.resource_version = 0;  // a status patch: no precondition
      client_.update_status(api::AnyObject(std::move(next)));
    }
    recorder_for(preemptor).record(client::reference_to(*victim), api::kEventTypeNormal, "Preempted",
                                   fmt::format("Preempted by pod {} on node {}", preemptor.metadata.uid, node));
    // DeleteOptions{}: the victim's own terminationGracePeriodSeconds.
    ++preemption_victims_;
    victims_.push_back(victim);
    client_.remove(api::Kind::Pod, victim->metadata.namespace_, victim->metadata.name);
  }
  // Lower-priority pods nominated to the node may no longer fit there: clearing their nomination sends
  // them looking elsewhere (the nominator forgets them when the update comes back).
  for (const PodInfo& p : nominated_pods_for_node(node)) {
    if (p.get().priority() < preemptor.priority() && !p.get().status.nominated_node_name.empty()) {
      api::Pod next = p.get();
      next.status.nominated_node_name.clear();
      next.metadata.resource_version = 0;
      client_.update_status(api::AnyObject(std::move(next)));
    }
  }
}

void Scheduler::clear_nominated_node(const api::Pod& /*pod*/) { nomination_override_ = std::string(); }

std::vector<PodInfo> Scheduler::nominated_pods_for_node(const std::string& node) const {
  auto it = nominated_pods_.find(node);
  return it == nominated_pods_.end() ? std::vector<PodInfo>{} : it->second;
}

void Scheduler::add_nominated(const std::shared_ptr<const api::Pod>& pod, const std::string& node) {
  std::string key = key_of(*pod);
  delete_nominated(key);
  nominated_pods_[node].push_back(PodInfo::from(pod));
  nominated_node_of_.emplace(std::move(key), node);
}

void Scheduler::delete_nominated(const std::string& key) {
  auto it = nominated_node_of_.find(key);
  if (it == nominated_node_of_.end()) {
    return;
  }
  auto list = nominated_pods_.find(it->second);
  if (list != nominated_pods_.end()) {
    std::erase_if(list->second, [&](const PodInfo& p) { return key_of(p.get()) == key; });
    if (list->second.empty()) {
      nominated_pods_.erase(list);
    }
  }
  nominated_node_of_.erase(it);
}

void Scheduler::update_nominated(const std::shared_ptr<const api::Pod>& pod) {
  std::string key = key_of(*pod);
  const std::string& nnn = pod->status.nominated_node_name;
  if (!nnn.empty()) {
    add_nominated(pod, nnn);
    return;
  }
  auto it = nominated_node_of_.find(key);
  if (it == nominated_node_of_.end()) {
    return;
  }
  // An update without nominatedNodeName right after an in-memory nomination keeps it (the pod's old
  // object had none either); an update that removes the node ends it.
  std::string node = it->second;
  bool old_had_nnn = false;
  for (const PodInfo& p : nominated_pods_[node]) {
    if (key_of(p.get()) == key) {
      old_had_nnn = !p.get().status.nominated_node_name.empty();
    }
  }
  if (old_had_nnn) {
    delete_nominated(key);
  } else {
    add_nominated(pod, node);
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
    // The watch event confirms the assumed pod.
    const api::Pod& pod = *pb.queued.pod;
    recorder_for(pod).record(
        client::reference_to(pod), api::kEventTypeNormal, "Scheduled",
        fmt::format("Successfully assigned {}/{} to {}", pod.metadata.namespace_, pod.metadata.name, pb.node));
    return;
  }
  // Binding failed: Unreserve, forget the assumed pod and retry after backoff (handleBindingCycleError).
  CycleState scratch;
  pb.framework->run_unreserve(scratch, PodInfo::from(pb.queued.pod), pb.node);
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
