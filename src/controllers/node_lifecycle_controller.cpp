#include "kubesim/controllers/node_lifecycle_controller.hpp"

#include "kubesim/controllers/controller_manager.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kubesim::controllers {
namespace {

constexpr std::uint32_t kMonitorTimer = 0;
constexpr std::uint32_t kTaintingTimer = 1;
// scheduler.NodeEvictionPeriod: how often the NoExecute tainting pass runs.
constexpr Duration kNodeEvictionPeriod = Duration::from_millis(100);
// nodeUpdateWorkerSize.
constexpr std::int32_t kNodeUpdateWorkers = 8;
// UpdateTaintBackoff.Steps.
constexpr std::int32_t kTaintUpdateAttempts = 5;

api::Taint taint(std::string_view key, api::TaintEffect effect) {
  api::Taint t;
  t.key = std::string(key);
  t.effect = effect;
  return t;
}

// MatchTaint: same key and effect.
bool has_taint(const std::vector<api::Taint>& taints, std::string_view key, api::TaintEffect effect) {
  return std::any_of(taints.begin(), taints.end(),
                     [&](const api::Taint& t) { return t.key == key && t.effect == effect; });
}

// nodeConditionToTaintKeyStatusMap.
std::string_view condition_taint_key(const api::NodeCondition& c) {
  if (c.type == "Ready") {
    if (c.status == api::ConditionStatus::False) {
      return kTaintNodeNotReady;
    }
    if (c.status == api::ConditionStatus::Unknown) {
      return kTaintNodeUnreachable;
    }
    return {};
  }
  if (c.status != api::ConditionStatus::True) {
    return {};
  }
  if (c.type == "MemoryPressure") {
    return kTaintNodeMemoryPressure;
  }
  if (c.type == "DiskPressure") {
    return kTaintNodeDiskPressure;
  }
  if (c.type == "NetworkUnavailable") {
    return kTaintNodeNetworkUnavailable;
  }
  if (c.type == "PIDPressure") {
    return kTaintNodePIDPressure;
  }
  return {};
}

bool is_condition_taint_key(std::string_view key) {
  return key == kTaintNodeNotReady || key == kTaintNodeUnreachable || key == kTaintNodeMemoryPressure ||
         key == kTaintNodeDiskPressure || key == kTaintNodeNetworkUnavailable || key == kTaintNodePIDPressure;
}

}  // namespace

std::string_view zone_state_name(ZoneState s) {
  switch (s) {
  case ZoneState::Initial:
    return "Initial";
  case ZoneState::Normal:
    return "Normal";
  case ZoneState::FullDisruption:
    return "FullDisruption";
  case ZoneState::PartialDisruption:
    return "PartialDisruption";
  }
  return "";
}

std::pair<std::int32_t, ZoneState> compute_zone_state(std::int32_t ready, std::int32_t not_ready,
                                                      double unhealthy_zone_threshold) {
  if (ready == 0 && not_ready > 0) {
    return {not_ready, ZoneState::FullDisruption};
  }
  // Upstream compares in float32.
  if (not_ready > 2 && static_cast<float>(not_ready) / static_cast<float>(not_ready + ready) >=
                           static_cast<float>(unhealthy_zone_threshold)) {
    return {not_ready, ZoneState::PartialDisruption};
  }
  return {not_ready, ZoneState::Normal};
}

double zone_eviction_qps(const ControllerManagerConfig& config, ZoneState state, std::int32_t zone_size) {
  if (state == ZoneState::PartialDisruption) {
    // ReducedQPSFunc: slow down in large zones, stop altogether in small ones.
    return zone_size > config.large_cluster_size_threshold ? config.secondary_node_eviction_rate : 0.0;
  }
  return config.node_eviction_rate;  // HealthyQPSFunc
}

std::string zone_key(const api::Node& node) {
  const api::StringMap& labels = node.metadata.labels;
  const std::string* zone = labels.find(api::kLabelZone);
  if (zone == nullptr) {
    zone = labels.find("failure-domain.beta.kubernetes.io/zone");
  }
  const std::string* region = labels.find(api::kLabelRegion);
  if (region == nullptr) {
    region = labels.find("failure-domain.beta.kubernetes.io/region");
  }
  std::string z = zone == nullptr ? std::string() : *zone;
  std::string r = region == nullptr ? std::string() : *region;
  if (z.empty() && r.empty()) {
    return {};
  }
  // The NUL keeps a colon inside a region or zone from making two keys collide.
  return r + std::string(":\0:", 3) + z;
}

// --- informer handlers ------------------------------------------------------------------------------

class NodeLifecycleController::NodeHandler final : public client::InformerHandler {
 public:
  explicit NodeHandler(NodeLifecycleController& c) : c_(c) {}
  void on_add(const ObjectRef& obj) override { c_.enqueue(obj.meta().name); }
  void on_update(const ObjectRef& /*old_obj*/, const ObjectRef& obj) override { c_.enqueue(obj.meta().name); }
  void on_delete(const ObjectRef& /*obj*/) override {}

 private:
  NodeLifecycleController& c_;
};

class NodeLifecycleController::PodHandler final : public client::InformerHandler {
 public:
  explicit PodHandler(NodeLifecycleController& c) : c_(c) {}
  void on_add(const ObjectRef& obj) override {
    const auto& pod = obj.get<api::Pod>();
    c_.pods_by_node_.on_add(pod);
    if (!pod.spec.node_name.empty()) {
      c_.enqueue(client::cache_key(pod.metadata));
    }
  }
  void on_update(const ObjectRef& old_obj, const ObjectRef& obj) override {
    const auto& old_pod = old_obj.get<api::Pod>();
    const auto& pod = obj.get<api::Pod>();
    c_.pods_by_node_.on_update(old_pod, pod);
    // podUpdated: only a (new) binding matters.
    if (!pod.spec.node_name.empty() && pod.spec.node_name != old_pod.spec.node_name) {
      c_.enqueue(client::cache_key(pod.metadata));
    }
  }
  void on_delete(const ObjectRef& obj) override { c_.pods_by_node_.on_delete(obj.get<api::Pod>()); }

 private:
  NodeLifecycleController& c_;
};

NodeLifecycleController::NodeLifecycleController(ControllerManager& manager, std::uint32_t index)
    : Controller(manager, index, Options{"node-controller", kNodeUpdateWorkers}),
      node_handler_(std::make_unique<NodeHandler>(*this)), pod_handler_(std::make_unique<PodHandler>(*this)) {}

NodeLifecycleController::~NodeLifecycleController() = default;

void NodeLifecycleController::start() {
  node_informer_ = &informer(api::Kind::Node);
  pod_informer_ = &informer(api::Kind::Pod);
  lease_informer_ = &informer(api::Kind::Lease);
  node_informer_->add_handler(node_handler_.get());
  pod_informer_->add_handler(pod_handler_.get());
  started_at_ = now();
  // The first pass waits one period, by which time the informers have listed.
  schedule_timer(now() + config().node_monitor_period, kMonitorTimer);
}

std::optional<ZoneState> NodeLifecycleController::zone_state(const std::string& zone) const {
  auto it = zone_states_.find(zone);
  return it == zone_states_.end() ? std::nullopt : std::optional<ZoneState>(it->second);
}

std::size_t NodeLifecycleController::queued_for_tainting(const std::string& zone) const {
  auto it = zone_tainters_.find(zone);
  return it == zone_tainters_.end() ? 0 : it->second.queued();
}

void NodeLifecycleController::on_timer(std::uint32_t arg) {
  if (arg == kMonitorTimer) {
    monitor_node_health();
    schedule_timer(now() + config().node_monitor_period, kMonitorTimer);
    return;
  }
  tainting_armed_ = false;
  do_no_execute_tainting_pass();
  arm_tainting_pass();
}

void NodeLifecycleController::arm_tainting_pass() {
  if (tainting_armed_ ||
      std::all_of(zone_tainters_.begin(), zone_tainters_.end(), [](const auto& z) { return z.second.empty(); })) {
    return;
  }
  // Upstream's pass runs every 100 ms from start-up whether or not anything is queued; it only does
  // something while a queue is non-empty, so the timer is armed then, on the same 100 ms grid.
  std::int64_t period = kNodeEvictionPeriod.nanos();
  std::int64_t elapsed = (now() - started_at_).nanos();
  std::int64_t k = elapsed / period + 1;
  schedule_timer(started_at_ + Duration::from_nanos(k * period), kTaintingTimer);
  tainting_armed_ = true;
}

std::uint64_t NodeLifecycleController::track(Inflight inflight) {
  std::uint64_t tag = next_tag_++;
  inflight_.emplace(tag, std::move(inflight));
  return tag;
}

void NodeLifecycleController::record_node_event(const api::Node& node, std::string_view type, std::string_view reason,
                                                std::string message) {
  recorder_.record(client::reference_to(node), type, reason, std::move(message));
}

// --- taints -----------------------------------------------------------------------------------------

bool NodeLifecycleController::send_taint_swap(const api::Node& node, TaintSwap swap) {
  // SwapNodeControllerTaint: AddOrUpdateTaintOnNode then RemoveTaintOffNode, in one conditional write.
  // Most calls change nothing (every healthy node is "marked reachable" on every monitor pass): find
  // that out before copying the Node, whose status (images, conditions) is large.
  auto same = [](const api::Taint& a, const api::Taint& b) { return a.key == b.key && a.effect == b.effect; };
  const std::vector<api::Taint>& current = node.spec.taints;
  const bool removes = std::any_of(swap.remove.begin(), swap.remove.end(), [&](const api::Taint& t) {
    return std::any_of(current.begin(), current.end(), [&](const api::Taint& c) { return same(c, t); });
  });
  const bool adds = std::any_of(swap.add.begin(), swap.add.end(), [&](const api::Taint& t) {
    auto it = std::find_if(current.begin(), current.end(), [&](const api::Taint& c) { return same(c, t); });
    return it == current.end() || it->value != t.value;
  });
  if (!removes && !adds) {
    return false;
  }
  api::Node next = node;
  bool changed = false;
  for (const api::Taint& t : swap.remove) {
    changed |= std::erase_if(next.spec.taints,
                             [&](const api::Taint& have) { return have.key == t.key && have.effect == t.effect; }) > 0;
  }
  for (const api::Taint& t : swap.add) {
    api::Taint added = t;
    added.time_added = now();
    auto it = std::find_if(next.spec.taints.begin(), next.spec.taints.end(),
                           [&](const api::Taint& have) { return have.key == t.key && have.effect == t.effect; });
    if (it == next.spec.taints.end()) {
      next.spec.taints.push_back(std::move(added));
      changed = true;
    } else if (it->value != t.value) {
      *it = std::move(added);
      changed = true;
    }
  }
  if (!changed) {
    return false;
  }
  std::uint64_t tag = track(Inflight{Inflight::Op::Taints, std::move(swap), {}});
  client_.update(api::AnyObject(std::move(next)), tag, true);
  return true;
}

void NodeLifecycleController::on_reply(const client::Reply& reply) {
  auto it = inflight_.find(reply.tag);
  if (it == inflight_.end()) {
    return;
  }
  Inflight f = std::move(it->second);
  inflight_.erase(it);
  switch (f.op) {
  case Inflight::Op::Taints:
    if (reply.code == client::ResultCode::Conflict && f.swap.attempt + 1 < kTaintUpdateAttempts) {
      // RetryOnConflict: read the Node afresh and apply the same change to it.
      ObjectRef fresh = manager_.server().get(client_.id(), api::Kind::Node, "", f.swap.node);
      if (fresh) {
        ++f.swap.attempt;
        send_taint_swap(fresh.get<api::Node>(), std::move(f.swap));
      }
    }
    break;
  case Inflight::Op::PodNotReady:
    if (reply.code != client::ResultCode::Ok && reply.code != client::ResultCode::NotFound) {
      nodes_to_retry_.insert(f.node);
    }
    break;
  case Inflight::Op::NodeStatus:
    break;
  }
}

ReconcileResult NodeLifecycleController::reconcile(const std::string& key) {
  if (key.find('/') != std::string::npos) {
    return process_pod(key);
  }
  return do_no_schedule_tainting_pass(key);
}

ReconcileResult NodeLifecycleController::do_no_schedule_tainting_pass(const std::string& name) {
  ObjectRef ref = node_informer_->get(name);
  if (!ref) {
    return ReconcileResult::done();
  }
  const auto& node = ref.get<api::Node>();
  std::vector<api::Taint> want;
  for (const api::NodeCondition& c : node.status.conditions) {
    std::string_view key = condition_taint_key(c);
    if (!key.empty()) {
      want.push_back(taint(key, api::TaintEffect::NoSchedule));
    }
  }
  if (node.spec.unschedulable) {
    want.push_back(taint(kTaintNodeUnschedulable, api::TaintEffect::NoSchedule));
  }
  TaintSwap swap;
  swap.node = name;
  for (const api::Taint& t : want) {
    if (!has_taint(node.spec.taints, t.key, t.effect)) {
      swap.add.push_back(t);
    }
  }
  for (const api::Taint& t : node.spec.taints) {
    bool managed =
        t.effect == api::TaintEffect::NoSchedule && (t.key == kTaintNodeUnschedulable || is_condition_taint_key(t.key));
    if (managed && !has_taint(want, t.key, t.effect)) {
      swap.remove.push_back(t);
    }
  }
  if (!swap.add.empty() || !swap.remove.empty()) {
    send_taint_swap(node, std::move(swap));
  }
  return ReconcileResult::done();
}

bool NodeLifecycleController::mark_node_as_reachable(const api::Node& node) {
  TaintSwap swap;
  swap.node = node.metadata.name;
  swap.remove = {taint(kTaintNodeUnreachable, api::TaintEffect::NoExecute),
                 taint(kTaintNodeNotReady, api::TaintEffect::NoExecute)};
  send_taint_swap(node, std::move(swap));
  auto it = zone_tainters_.find(zone_key(node));
  return it != zone_tainters_.end() && it->second.remove(node.metadata.name);
}

void NodeLifecycleController::mark_node_for_tainting(const api::Node& node, api::ConditionStatus status) {
  RateLimitedTimedQueue& q = zone_tainters_.at(zone_key(node));
  const std::string& name = node.metadata.name;
  // A node that lacks the taint its condition calls for is queued afresh (processAt = now).
  if (status == api::ConditionStatus::False &&
      !has_taint(node.spec.taints, kTaintNodeNotReady, api::TaintEffect::NoExecute)) {
    q.remove(name);
  }
  if (status == api::ConditionStatus::Unknown &&
      !has_taint(node.spec.taints, kTaintNodeUnreachable, api::TaintEffect::NoExecute)) {
    q.remove(name);
  }
  q.add(name, now());
  arm_tainting_pass();
}

void NodeLifecycleController::process_taint_based_eviction(const api::Node& node, const api::NodeCondition& observed) {
  switch (observed.status) {
  case api::ConditionStatus::False:
    if (has_taint(node.spec.taints, kTaintNodeUnreachable, api::TaintEffect::NoExecute)) {
      send_taint_swap(node, TaintSwap{node.metadata.name,
                                      {taint(kTaintNodeNotReady, api::TaintEffect::NoExecute)},
                                      {taint(kTaintNodeUnreachable, api::TaintEffect::NoExecute)},
                                      0});
    } else {
      mark_node_for_tainting(node, api::ConditionStatus::False);
    }
    break;
  case api::ConditionStatus::Unknown:
    if (has_taint(node.spec.taints, kTaintNodeNotReady, api::TaintEffect::NoExecute)) {
      send_taint_swap(node, TaintSwap{node.metadata.name,
                                      {taint(kTaintNodeUnreachable, api::TaintEffect::NoExecute)},
                                      {taint(kTaintNodeNotReady, api::TaintEffect::NoExecute)},
                                      0});
    } else {
      mark_node_for_tainting(node, api::ConditionStatus::Unknown);
    }
    break;
  case api::ConditionStatus::True:
    mark_node_as_reachable(node);
    break;
  }
}

void NodeLifecycleController::do_no_execute_tainting_pass() {
  for (auto& [zone, queue] : zone_tainters_) {
    queue.try_process(now(), [&](const std::string& name) -> std::pair<bool, Duration> {
      ObjectRef ref = node_informer_->get(name);
      if (!ref) {
        return {true, Duration::zero()};
      }
      const auto& node = ref.get<api::Node>();
      const api::NodeCondition* ready = node.status.condition("Ready");
      if (ready == nullptr) {
        return {false, Duration::from_millis(50)};
      }
      // "not-ready" and "unreachable" mirror Ready False / Unknown, so they are mutually exclusive.
      TaintSwap swap;
      swap.node = name;
      switch (ready->status) {
      case api::ConditionStatus::False:
        swap.add = {taint(kTaintNodeNotReady, api::TaintEffect::NoExecute)};
        swap.remove = {taint(kTaintNodeUnreachable, api::TaintEffect::NoExecute)};
        break;
      case api::ConditionStatus::Unknown:
        swap.add = {taint(kTaintNodeUnreachable, api::TaintEffect::NoExecute)};
        swap.remove = {taint(kTaintNodeNotReady, api::TaintEffect::NoExecute)};
        break;
      case api::ConditionStatus::True:
        return {true, Duration::zero()};  // ready again: nothing to taint
      }
      send_taint_swap(node, std::move(swap));
      return {true, Duration::zero()};
    });
  }
}

// --- pods -------------------------------------------------------------------------------------------

void NodeLifecycleController::mark_pods_not_ready(const api::Node& node) {
  const std::set<std::string>* keys = pods_by_node_.pods_on(node.metadata.name);
  if (keys == nullptr) {
    return;
  }
  for (const std::string& key : *keys) {
    ObjectRef ref = pod_informer_->get(key);
    if (!ref) {
      continue;
    }
    const auto& pod = ref.get<api::Pod>();
    const api::PodCondition* ready = pod.status.condition("Ready");
    if (pod.spec.node_name != node.metadata.name || ready == nullptr || ready->status == api::ConditionStatus::False) {
      continue;
    }
    api::Pod next = pod;
    api::PodCondition c = *ready;
    c.status = api::ConditionStatus::False;
    c.last_transition_time = now();
    next.status.set_condition(std::move(c));
    std::uint64_t tag = track(Inflight{Inflight::Op::PodNotReady, {}, node.metadata.name});
    client_.update_status(api::AnyObject(std::move(next)), tag, true);
    recorder_.record(client::reference_to(pod), api::kEventTypeWarning, "NodeNotReady", "Node is not ready");
  }
}

ReconcileResult NodeLifecycleController::process_pod(const std::string& key) {
  ObjectRef ref = pod_informer_->get(key);
  if (!ref) {
    return ReconcileResult::done();
  }
  const auto& pod = ref.get<api::Pod>();
  auto health = health_.find(pod.spec.node_name);
  if (health == health_.end() || !health->second.saved_ready) {
    return ReconcileResult::done();  // node not looked at yet, or gone
  }
  ObjectRef node_ref = node_informer_->get(pod.spec.node_name);
  if (!node_ref || health->second.saved_ready->status == api::ConditionStatus::True) {
    return ReconcileResult::done();
  }
  const api::PodCondition* ready = pod.status.condition("Ready");
  if (ready == nullptr || ready->status == api::ConditionStatus::False) {
    return ReconcileResult::done();
  }
  api::Pod next = pod;
  api::PodCondition c = *ready;
  c.status = api::ConditionStatus::False;
  c.last_transition_time = now();
  next.status.set_condition(std::move(c));
  std::uint64_t tag = track(Inflight{Inflight::Op::PodNotReady, {}, pod.spec.node_name});
  client_.update_status(api::AnyObject(std::move(next)), tag, true);
  recorder_.record(client::reference_to(pod), api::kEventTypeWarning, "NodeNotReady", "Node is not ready");
  return ReconcileResult::done();
}

// --- health -----------------------------------------------------------------------------------------

std::pair<api::NodeCondition, std::optional<api::NodeCondition>>
NodeLifecycleController::update_node_health(const api::Node& node) {
  const SimTime t = now();
  const std::string& name = node.metadata.name;
  auto it = health_.find(name);
  NodeHealth* h = it == health_.end() ? nullptr : &it->second;
  const api::NodeCondition* current_ready = node.status.condition("Ready");
  api::NodeCondition observed;
  Duration grace;
  if (current_ready == nullptr) {
    // Never posted: a fake Unknown condition dated at creation, and the start-up grace period.
    observed = api::NodeCondition{"Ready", api::ConditionStatus::Unknown,    "",
                                  "",      node.metadata.creation_timestamp, node.metadata.creation_timestamp};
    grace = config().node_startup_grace_period;
    if (h != nullptr) {
      h->saved_ready.reset();
    } else {
      h = &health_[name];
      *h = NodeHealth{std::nullopt, node.metadata.creation_timestamp, node.metadata.creation_timestamp, std::nullopt};
    }
  } else {
    observed = *current_ready;
    grace = config().node_monitor_grace_period;
  }
  const std::optional<api::NodeCondition> saved = h != nullptr ? h->saved_ready : std::nullopt;
  const std::optional<SimTime> saved_lease = h != nullptr ? h->lease_renew : std::nullopt;
  std::optional<api::NodeCondition> current;
  if (current_ready != nullptr) {
    current = *current_ready;
  }
  if (h == nullptr) {
    h = &health_[name];
    *h = NodeHealth{current, t, t, std::nullopt};
  } else if (saved.has_value() != current.has_value()) {
    // A Ready condition appeared (controller restarted) or vanished: start the clocks afresh.
    *h = NodeHealth{current, t, t, std::nullopt};
  } else if (saved && current && saved->last_heartbeat_time != current->last_heartbeat_time) {
    SimTime transition = saved->last_transition_time != current->last_transition_time ? t : h->ready_transition;
    *h = NodeHealth{current, t, transition, std::nullopt};
  }
  // A renewed Lease counts as a heartbeat too (and is the usual one: the kubelet reports its status
  // only every 5 minutes when nothing changes).
  ObjectRef lease_ref = lease_informer_->get(api::kNodeLeaseNamespace, name);
  std::optional<SimTime> observed_lease;
  if (lease_ref) {
    observed_lease = lease_ref.get<api::Lease>().spec.renew_time.value_or(SimTime::zero());
    if (!saved_lease || *saved_lease < *observed_lease) {
      h->lease_renew = observed_lease;
      h->probe = t;
    } else {
      h->lease_renew = saved_lease;
    }
  }

  if (t > h->probe + grace) {
    api::Node next = node;
    for (std::string_view type : {"Ready", "MemoryPressure", "DiskPressure", "PIDPressure"}) {
      auto c = std::find_if(next.status.conditions.begin(), next.status.conditions.end(),
                            [&](const api::NodeCondition& x) { return x.type == type; });
      if (c == next.status.conditions.end()) {
        next.status.conditions.push_back(
            api::NodeCondition{std::string(type), api::ConditionStatus::Unknown, "NodeStatusNeverUpdated",
                               "Kubelet never posted node status.", node.metadata.creation_timestamp, t});
      } else if (c->status != api::ConditionStatus::Unknown) {
        c->status = api::ConditionStatus::Unknown;
        c->reason = "NodeStatusUnknown";
        c->message = "Kubelet stopped posting node status.";
        c->last_transition_time = t;
      }
    }
    const api::NodeCondition* now_ready = next.status.condition("Ready");
    current = *now_ready;
    if (!(*now_ready == observed)) {
      SimTime probe = h->probe;
      client_.update_status(api::AnyObject(std::move(next)));
      *h = NodeHealth{current, probe, t, observed_lease};
    }
  }
  return {observed, current};
}

void NodeLifecycleController::monitor_node_health() {
  const SimTime t = now();
  std::vector<const api::Node*> nodes;
  nodes.reserve(node_informer_->cache().size());
  for (const auto& [key, ref] : node_informer_->cache()) {
    nodes.push_back(&ref.get<api::Node>());
  }
  // classifyNodes + addPodEvictorForNewZone.
  for (const api::Node* node : nodes) {
    std::string zone = zone_key(*node);
    if (!zone_states_.contains(zone)) {
      zone_states_[zone] = ZoneState::Initial;
      zone_tainters_.insert_or_assign(zone, RateLimitedTimedQueue(config().node_eviction_rate));
    }
  }
  for (const api::Node* node : nodes) {
    if (known_nodes_.insert(node->metadata.name).second) {
      record_node_event(
          *node, api::kEventTypeNormal, "RegisteredNode",
          fmt::format("Node {} event: Registered Node {} in Controller", node->metadata.name, node->metadata.name));
      mark_node_as_reachable(*node);
    }
  }
  for (auto it = known_nodes_.begin(); it != known_nodes_.end();) {
    if (node_informer_->get(*it)) {
      ++it;
      continue;
    }
    // The Node is gone: upstream reports it with the uid it knew; the cache has no object any more.
    recorder_.record(api::ObjectReference{"Node", "", *it, "", "v1"}, api::kEventTypeNormal, "RemovingNode",
                     fmt::format("Node {} event: Removing Node {} from Controller", *it, *it));
    health_.erase(*it);
    nodes_to_retry_.erase(*it);
    it = known_nodes_.erase(it);
  }

  std::map<std::string, std::vector<std::optional<api::ConditionStatus>>> zone_conditions;
  for (const api::Node* node : nodes) {
    auto [observed, current] = update_node_health(*node);
    if (!node->metadata.labels.contains(kLabelExcludeDisruption)) {
      zone_conditions[zone_key(*node)].push_back(current ? std::optional(current->status) : std::nullopt);
    }
    if (current) {
      process_taint_based_eviction(*node, observed);
      bool needs_retry = nodes_to_retry_.contains(node->metadata.name);
      bool became_not_ready =
          current->status != api::ConditionStatus::True && observed.status == api::ConditionStatus::True;
      if (became_not_ready) {
        record_node_event(*node, api::kEventTypeNormal, "NodeNotReady",
                          fmt::format("Node {} status is now: NodeNotReady", node->metadata.name));
      }
      nodes_to_retry_.erase(node->metadata.name);
      if (became_not_ready || (needs_retry && current->status != api::ConditionStatus::True)) {
        mark_pods_not_ready(*node);
      }
    }
  }
  (void)t;
  handle_disruption(zone_conditions);
}

void NodeLifecycleController::set_limiter_in_zone(const std::string& zone, std::int32_t zone_size, ZoneState state) {
  if (state == ZoneState::Initial) {
    return;
  }
  zone_tainters_.at(zone).swap_limiter(zone_eviction_qps(config(), state, zone_size), now());
}

void NodeLifecycleController::handle_disruption(
    const std::map<std::string, std::vector<std::optional<api::ConditionStatus>>>& zones) {
  std::map<std::string, ZoneState> new_states;
  bool all_are_fully_disrupted = true;
  for (const auto& [zone, conditions] : zones) {
    auto ready = static_cast<std::int32_t>(
        std::count(conditions.begin(), conditions.end(), std::optional(api::ConditionStatus::True)));
    auto not_ready = static_cast<std::int32_t>(conditions.size()) - ready;
    ZoneState state = compute_zone_state(ready, not_ready, config().unhealthy_zone_threshold).second;
    if (state != ZoneState::FullDisruption) {
      all_are_fully_disrupted = false;
    }
    new_states[zone] = state;
    zone_states_.try_emplace(zone, ZoneState::Initial);
  }
  bool all_was_fully_disrupted = true;
  for (auto it = zone_states_.begin(); it != zone_states_.end();) {
    if (!zones.contains(it->first)) {
      it = zone_states_.erase(it);
      continue;
    }
    if (it->second != ZoneState::FullDisruption) {
      all_was_fully_disrupted = false;
    }
    ++it;
  }
  if (all_are_fully_disrupted && all_was_fully_disrupted) {
    return;
  }
  auto zone_size = [&](const std::string& zone) { return static_cast<std::int32_t>(zones.at(zone).size()); };
  if (all_are_fully_disrupted) {
    // Every zone is down: more likely the control plane lost the nodes than all nodes died. Untaint
    // everything and stop evicting.
    for (const auto& [key, ref] : node_informer_->cache()) {
      mark_node_as_reachable(ref.get<api::Node>());
    }
    for (auto& [zone, state] : zone_states_) {
      zone_tainters_.at(zone).swap_limiter(0, now());
      state = ZoneState::FullDisruption;
    }
    return;
  }
  if (all_was_fully_disrupted) {
    // Leaving full disruption: every node gets a fresh grace period.
    for (auto& [name, h] : health_) {
      h.probe = now();
      h.ready_transition = now();
    }
    for (auto& [zone, state] : zone_states_) {
      set_limiter_in_zone(zone, zone_size(zone), new_states[zone]);
      state = new_states[zone];
    }
    return;
  }
  for (auto& [zone, state] : zone_states_) {
    ZoneState next = new_states[zone];
    if (state == next) {
      continue;
    }
    set_limiter_in_zone(zone, zone_size(zone), next);
    state = next;
  }
}

}  // namespace kubesim::controllers
