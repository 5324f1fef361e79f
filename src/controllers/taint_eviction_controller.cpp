#include "kubesim/controllers/taint_eviction_controller.hpp"

#include "kubesim/controllers/controller_manager.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kubesim::controllers {
namespace {

// UpdateWorkerSize: the node and pod update workers of the taint manager.
constexpr std::int32_t kUpdateWorkers = 8;

std::vector<api::Taint> no_execute_taints(const std::vector<api::Taint>& taints) {
  std::vector<api::Taint> out;
  std::copy_if(taints.begin(), taints.end(), std::back_inserter(out),
               [](const api::Taint& t) { return t.effect == api::TaintEffect::NoExecute; });
  return out;
}

// The Event reference upstream builds from the pod's namespaced name alone.
api::ObjectReference pod_reference(std::string_view key) {
  auto [ns, name] = client::split_key(key);
  return api::ObjectReference{"Pod", std::string(ns), std::string(name), "", "v1"};
}

}  // namespace

std::optional<Duration> min_toleration_time(const std::vector<api::Taint>& taints,
                                            const std::vector<api::Toleration>& tolerations) {
  // GetMatchingTolerations: for each taint the first toleration that tolerates it.
  std::vector<const api::Toleration*> used;
  for (const api::Taint& taint : taints) {
    auto it = std::find_if(tolerations.begin(), tolerations.end(),
                           [&](const api::Toleration& t) { return t.tolerates(taint); });
    if (it == tolerations.end()) {
      return std::nullopt;
    }
    used.push_back(&*it);
  }
  if (used.empty()) {
    return Duration::zero();
  }
  std::optional<std::int64_t> min_seconds;
  for (const api::Toleration* t : used) {
    if (t->toleration_seconds) {
      if (*t->toleration_seconds <= 0) {
        return Duration::zero();
      }
      min_seconds = std::min(min_seconds.value_or(*t->toleration_seconds), *t->toleration_seconds);
    }
  }
  return min_seconds ? Duration::from_seconds(*min_seconds) : Duration::max();
}

// --- informer handlers ------------------------------------------------------------------------------

class TaintEvictionController::NodeHandler final : public client::InformerHandler {
 public:
  explicit NodeHandler(TaintEvictionController& c) : c_(c) {}
  void on_add(const ObjectRef& obj) override { c_.enqueue(obj.meta().name); }
  void on_update(const ObjectRef& old_obj, const ObjectRef& obj) override {
    // NodeUpdated: only a change of the NoExecute taints matters.
    if (no_execute_taints(old_obj.get<api::Node>().spec.taints) ==
        no_execute_taints(obj.get<api::Node>().spec.taints)) {
      return;
    }
    c_.enqueue(obj.meta().name);
  }
  void on_delete(const ObjectRef& obj) override { c_.enqueue(obj.meta().name); }

 private:
  TaintEvictionController& c_;
};

class TaintEvictionController::PodHandler final : public client::InformerHandler {
 public:
  explicit PodHandler(TaintEvictionController& c) : c_(c) {}
  void on_add(const ObjectRef& obj) override {
    const auto& pod = obj.get<api::Pod>();
    c_.pods_by_node_.on_add(pod);
    c_.enqueue(client::cache_key(pod.metadata));
  }
  void on_update(const ObjectRef& old_obj, const ObjectRef& obj) override {
    const auto& old_pod = old_obj.get<api::Pod>();
    const auto& pod = obj.get<api::Pod>();
    c_.pods_by_node_.on_update(old_pod, pod);
    // PodUpdated: only a new binding or changed tolerations matter.
    if (old_pod.spec.node_name == pod.spec.node_name && old_pod.spec.tolerations == pod.spec.tolerations) {
      return;
    }
    c_.enqueue(client::cache_key(pod.metadata));
  }
  void on_delete(const ObjectRef& obj) override {
    const auto& pod = obj.get<api::Pod>();
    c_.pods_by_node_.on_delete(pod);
    c_.enqueue(client::cache_key(pod.metadata));
  }

 private:
  TaintEvictionController& c_;
};

TaintEvictionController::TaintEvictionController(ControllerManager& manager, std::uint32_t index)
    : Controller(manager, index, Options{"taint-eviction-controller", kUpdateWorkers}),
      node_handler_(std::make_unique<NodeHandler>(*this)), pod_handler_(std::make_unique<PodHandler>(*this)) {}

TaintEvictionController::~TaintEvictionController() = default;

void TaintEvictionController::start() {
  node_informer_ = &informer(api::Kind::Node);
  pod_informer_ = &informer(api::Kind::Pod);
  node_informer_->add_handler(node_handler_.get());
  pod_informer_->add_handler(pod_handler_.get());
}

std::optional<SimTime> TaintEvictionController::scheduled_eviction(const std::string& pod_key) const {
  auto it = works_.find(pod_key);
  if (it == works_.end() || it->second.fired) {
    return std::nullopt;
  }
  return it->second.fire_at;
}

ReconcileResult TaintEvictionController::reconcile(const std::string& key) {
  return key.find('/') != std::string::npos ? handle_pod_update(key) : handle_node_update(key);
}

ReconcileResult TaintEvictionController::handle_node_update(const std::string& name) {
  ObjectRef ref = node_informer_->get(name);
  if (!ref) {
    tainted_nodes_.erase(name);
    return ReconcileResult::done();
  }
  std::vector<api::Taint> taints = no_execute_taints(ref.get<api::Node>().spec.taints);
  if (taints.empty()) {
    tainted_nodes_.erase(name);
  } else {
    tainted_nodes_[name] = taints;
  }
  const std::set<std::string>* keys = pods_by_node_.pods_on(name);
  if (keys == nullptr) {
    return ReconcileResult::done();
  }
  // Copied: deleting a pod below does not change the index now, but keep the loop independent of it.
  std::vector<std::string> pods(keys->begin(), keys->end());
  for (const std::string& key : pods) {
    if (taints.empty()) {
      cancel_work_with_event(key);
      continue;
    }
    if (ObjectRef pod = pod_informer_->get(key)) {
      process_pod_on_node(key, pod.get<api::Pod>(), taints);
    }
  }
  return ReconcileResult::done();
}

ReconcileResult TaintEvictionController::handle_pod_update(const std::string& key) {
  ObjectRef ref = pod_informer_->get(key);
  if (!ref) {
    cancel_work_with_event(key);
    return ReconcileResult::done();
  }
  const auto& pod = ref.get<api::Pod>();
  if (pod.spec.node_name.empty()) {
    return ReconcileResult::done();
  }
  auto it = tainted_nodes_.find(pod.spec.node_name);
  if (it == tainted_nodes_.end()) {
    return ReconcileResult::done();
  }
  process_pod_on_node(key, pod, it->second);
  return ReconcileResult::done();
}

void TaintEvictionController::process_pod_on_node(const std::string& key, const api::Pod& pod,
                                                  const std::vector<api::Taint>& taints) {
  const SimTime t = now();
  if (taints.empty()) {
    cancel_work_with_event(key);
    return;
  }
  std::optional<Duration> min = min_toleration_time(taints, pod.spec.tolerations);
  if (!min) {
    cancel_work_with_event(key);
    add_work(key, t, t);
    return;
  }
  if (*min == Duration::max()) {
    cancel_work_with_event(key);
    return;
  }
  SimTime start = t;
  SimTime trigger = t + *min;
  auto it = works_.find(key);
  if (it != works_.end() && !it->second.fired) {
    start = it->second.created;
    if (start + *min < trigger) {
      return;  // already due sooner
    }
    cancel_work_with_event(key);
  }
  add_work(key, start, trigger);
}

void TaintEvictionController::add_work(const std::string& key, SimTime created, SimTime fire_at) {
  if (works_.contains(key)) {
    return;  // "Trying to add already existing work, skipping"
  }
  Work& w = works_[key];
  w.created = created;
  w.fire_at = fire_at;
  if (fire_at <= now()) {
    w.fired = true;
    delete_pod(key);
    return;
  }
  if (free_slots_.empty()) {
    slot_keys_.emplace_back();
    free_slots_.push_back(static_cast<std::uint32_t>(slot_keys_.size() - 1));
  }
  w.slot = free_slots_.back();
  free_slots_.pop_back();
  slot_keys_[w.slot] = key;
  w.timer = sim().schedule_at(fire_at, sim::EventKind::ControllerTimer, index_, w.slot);
}

void TaintEvictionController::cancel_work_with_event(const std::string& key) {
  auto it = works_.find(key);
  if (it == works_.end()) {
    return;
  }
  bool pending = !it->second.fired;
  if (pending) {
    sim().cancel(it->second.timer);
    slot_keys_[it->second.slot].clear();
    free_slots_.push_back(it->second.slot);
  }
  works_.erase(it);
  if (pending) {
    recorder_.record(pod_reference(key), api::kEventTypeNormal, "TaintManagerEviction",
                     fmt::format("Cancelling deletion of Pod {}", key));
  }
}

void TaintEvictionController::on_timer(std::uint32_t arg) {
  std::string key = std::move(slot_keys_[arg]);
  slot_keys_[arg].clear();
  free_slots_.push_back(arg);
  auto it = works_.find(key);
  if (it == works_.end() || it->second.fired) {
    return;
  }
  // The fired worker stays as a marker: the pod is not scheduled again until its work is cancelled.
  it->second.fired = true;
  delete_pod(key);
}

void TaintEvictionController::delete_pod(const std::string& key) {
  recorder_.record(pod_reference(key), api::kEventTypeNormal, "TaintManagerEviction",
                   fmt::format("Marking for deletion Pod {}", key));
  ObjectRef ref = pod_informer_->get(key);
  if (!ref) {
    return;
  }
  // addConditionAndDeletePod: the DisruptionTarget condition first (PodDisruptionConditions), then the
  // DELETE with default options.
  const auto& pod = ref.get<api::Pod>();
  const api::PodCondition* existing = pod.status.condition("DisruptionTarget");
  if (existing == nullptr || existing->status != api::ConditionStatus::True ||
      existing->reason != "DeletionByTaintManager") {
    api::Pod next = pod;
    next.metadata.resource_version = 0;
    next.status.set_condition(api::PodCondition{"DisruptionTarget", api::ConditionStatus::True,
                                                "DeletionByTaintManager",
                                                "Taint manager: deleting due to NoExecute taint", now()});
    client_.update_status(api::AnyObject(std::move(next)));
  }
  client_.remove(api::Kind::Pod, pod.metadata.namespace_, pod.metadata.name);
}

}  // namespace kubesim::controllers
