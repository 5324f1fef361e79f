#include "kubesim/controllers/replica_set_controller.hpp"

#include "kubesim/controllers/controller_manager.hpp"
#include "kubesim/controllers/pod_util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <map>

namespace kubesim::controllers {
namespace {

using PodPtr = std::shared_ptr<const api::Pod>;

constexpr std::string_view kKind = "ReplicaSet";
constexpr std::string_view kApiVersion = "apps/v1";

// Reply tags: the low 16 bits name the worker, the next 2 the operation, the rest an ordinal.
enum class Op : std::uint64_t { Create = 0, Delete = 1, Adopt = 2 };
std::uint64_t make_tag(std::uint32_t worker, Op op, std::uint64_t ordinal = 0) {
  return worker | (static_cast<std::uint64_t>(op) << 16) | (ordinal << 18);
}
std::uint32_t tag_worker(std::uint64_t tag) { return static_cast<std::uint32_t>(tag & 0xFFFF); }
Op tag_op(std::uint64_t tag) { return static_cast<Op>((tag >> 16) & 3); }

std::string pod_key(const api::Pod& pod) { return client::cache_key(pod.metadata); }

// Timestamps travel through the API as RFC 3339 with whole seconds (metav1.Time), so upstream compares
// them at that precision.
base::SimTime whole_seconds(base::SimTime t) {
  return base::SimTime::from_nanos(t.nanos() / 1'000'000'000 * 1'000'000'000);
}

// logarithmicRankDiff: floor(log2) of each age in ns (-1 for a non-positive age), subtracted.
std::int64_t log_rank_diff(base::SimTime t1, base::SimTime t2, base::SimTime now) {
  auto rank = [&](base::SimTime t) -> std::int64_t {
    std::int64_t d = (now - t).nanos();
    return d > 0 ? static_cast<std::int64_t>(std::bit_width(static_cast<std::uint64_t>(d))) - 1 : -1;
  };
  return rank(t1) - rank(t2);
}

std::int32_t phase_ordinal(api::PodPhase p) {
  switch (p) {
  case api::PodPhase::Pending:
    return 0;
  case api::PodPhase::Unknown:
    return 1;
  case api::PodPhase::Running:
    return 2;
  default:
    return 3;
  }
}

// GetDeletionCostFromPodAnnotations: an int32, 0 when absent or invalid.
std::int32_t deletion_cost(const api::Pod& pod) {
  const std::string* v = pod.metadata.annotations.find(kPodDeletionCostAnnotation);
  if (v == nullptr) {
    return 0;
  }
  std::int32_t out = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  return ec == std::errc() && ptr == v->data() + v->size() ? out : 0;
}

std::int32_t max_restarts(const api::Pod& pod) {
  std::int32_t m = 0;
  for (const api::ContainerStatus& c : pod.status.container_statuses) {
    m = std::max(m, c.restart_count);
  }
  return m;
}

}  // namespace

void rank_pods_for_deletion(std::vector<PodPtr>& pods, const std::vector<PodPtr>& related, base::SimTime now) {
  // getPodsRankedByRelatedPodsOnSameNode: rank = active related pods on the same node.
  std::map<std::string, std::int32_t, std::less<>> on_node;
  for (const PodPtr& p : related) {
    if (!p->spec.node_name.empty() && is_pod_active(*p)) {
      ++on_node[p->spec.node_name];
    }
  }
  struct Ranked {
    PodPtr pod;
    std::int32_t rank;
  };
  std::vector<Ranked> ranked;
  ranked.reserve(pods.size());
  for (PodPtr& p : pods) {
    auto it = on_node.find(p->spec.node_name);
    ranked.push_back(Ranked{std::move(p), it == on_node.end() ? 0 : it->second});
  }
  // ActivePodsWithRanks.Less. Upstream sorts with the unstable sort.Sort; a stable sort over the
  // informer's name order makes the choice among equals deterministic.
  auto less = [now](const Ranked& a, const Ranked& b) {
    const api::Pod& i = *a.pod;
    const api::Pod& j = *b.pod;
    if (i.spec.node_name != j.spec.node_name && (i.spec.node_name.empty() || j.spec.node_name.empty())) {
      return i.spec.node_name.empty();
    }
    if (phase_ordinal(i.status.phase) != phase_ordinal(j.status.phase)) {
      return phase_ordinal(i.status.phase) < phase_ordinal(j.status.phase);
    }
    if (is_pod_ready(i) != is_pod_ready(j)) {
      return !is_pod_ready(i);
    }
    if (deletion_cost(i) != deletion_cost(j)) {
      return deletion_cost(i) < deletion_cost(j);
    }
    if (a.rank != b.rank) {
      return a.rank > b.rank;
    }
    if (is_pod_ready(i) && is_pod_ready(j)) {
      base::SimTime ti = whole_seconds(*pod_ready_time(i));
      base::SimTime tj = whole_seconds(*pod_ready_time(j));
      if (ti != tj) {
        std::int64_t diff = log_rank_diff(ti, tj, now);
        return diff == 0 ? i.metadata.uid < j.metadata.uid : diff < 0;
      }
    }
    if (max_restarts(i) != max_restarts(j)) {
      return max_restarts(i) > max_restarts(j);
    }
    base::SimTime ci = whole_seconds(i.metadata.creation_timestamp);
    base::SimTime cj = whole_seconds(j.metadata.creation_timestamp);
    if (ci != cj) {
      std::int64_t diff = log_rank_diff(ci, cj, now);
      return diff == 0 ? i.metadata.uid < j.metadata.uid : diff < 0;
    }
    return false;
  };
  std::stable_sort(ranked.begin(), ranked.end(), less);
  for (std::size_t k = 0; k < ranked.size(); ++k) {
    pods[k] = std::move(ranked[k].pod);
  }
}

// --- informer handlers ------------------------------------------------------------------------------

class ReplicaSetController::RsHandler final : public client::InformerHandler {
 public:
  explicit RsHandler(ReplicaSetController& c) : c_(c) {}
  void on_add(const ObjectRef& obj) override { c_.enqueue_rs(obj.get<api::ReplicaSet>()); }
  void on_update(const ObjectRef& /*old_obj*/, const ObjectRef& obj) override {
    c_.enqueue_rs(obj.get<api::ReplicaSet>());
  }
  void on_delete(const ObjectRef& obj) override {
    std::string key = client::cache_key(obj.meta());
    c_.expectations_.forget(key);
    c_.enqueue(key);
  }

 private:
  ReplicaSetController& c_;
};

class ReplicaSetController::PodHandler final : public client::InformerHandler {
 public:
  explicit PodHandler(ReplicaSetController& c) : c_(c) {}
  void on_add(const ObjectRef& obj) override { c_.on_pod_added(obj.as<api::Pod>()); }
  void on_update(const ObjectRef& old_obj, const ObjectRef& obj) override {
    c_.on_pod_updated(old_obj.as<api::Pod>(), obj.as<api::Pod>());
  }
  void on_delete(const ObjectRef& obj) override { c_.on_pod_deleted(obj.as<api::Pod>()); }

 private:
  ReplicaSetController& c_;
};

ReplicaSetController::ReplicaSetController(ControllerManager& manager, std::uint32_t index)
    : Controller(manager, index, Options{"replicaset-controller", manager.config().concurrent_replicaset_syncs}),
      rs_handler_(std::make_unique<RsHandler>(*this)), pod_handler_(std::make_unique<PodHandler>(*this)) {
  pending_.resize(static_cast<std::size_t>(std::max(1, manager.config().concurrent_replicaset_syncs)));
  deleting_names_.resize(pending_.size());
}

ReplicaSetController::~ReplicaSetController() = default;

void ReplicaSetController::start() {
  rs_informer_ = &informer(api::Kind::ReplicaSet);
  pod_informer_ = &informer(api::Kind::Pod);
  rs_informer_->add_handler(rs_handler_.get());
  pod_informer_->add_handler(pod_handler_.get());
}

std::shared_ptr<const api::ReplicaSet> ReplicaSetController::resolve_owner(const api::Pod& pod) const {
  const api::OwnerReference* ref = pod.metadata.controller_ref();
  if (ref == nullptr || ref->kind != kKind) {
    return nullptr;
  }
  ObjectRef rs = rs_informer_->get(pod.metadata.namespace_, ref->name);
  if (!rs || rs.meta().uid != ref->uid) {
    return nullptr;
  }
  return rs.as<api::ReplicaSet>();
}

void ReplicaSetController::enqueue_matching(const api::Pod& pod) {
  for (const ObjectRef& ref : rs_informer_->list_namespace(pod.metadata.namespace_)) {
    const auto& rs = ref.get<api::ReplicaSet>();
    if (!rs.spec.selector.empty() && rs.spec.selector.matches(pod.metadata.labels)) {
      enqueue_rs(rs);
    }
  }
}

void ReplicaSetController::on_pod_added(const PodPtr& pod) {
  if (pod->metadata.deletion_timestamp) {
    // A pod that shows up already terminating must not count as a creation (upstream addPod).
    on_pod_deleted(pod);
    return;
  }
  if (pod->metadata.controller_ref() != nullptr) {
    if (auto rs = resolve_owner(*pod)) {
      std::string key = client::cache_key(rs->metadata);
      expectations_.creation_observed(key);
      enqueue(key);
    }
    return;
  }
  enqueue_matching(*pod);
}

void ReplicaSetController::on_pod_updated(const PodPtr& old_pod, const PodPtr& pod) {
  if (old_pod->metadata.resource_version == pod->metadata.resource_version) {
    return;
  }
  bool labels_changed = !(old_pod->metadata.labels == pod->metadata.labels);
  if (pod->metadata.deletion_timestamp) {
    on_pod_deleted(pod);
    if (labels_changed) {
      on_pod_deleted(old_pod);
    }
    return;
  }
  const api::OwnerReference* old_ref = old_pod->metadata.controller_ref();
  const api::OwnerReference* cur_ref = pod->metadata.controller_ref();
  bool ref_changed = (old_ref == nullptr) != (cur_ref == nullptr) ||
                     (old_ref != nullptr && cur_ref != nullptr && !(*old_ref == *cur_ref));
  if (ref_changed && old_ref != nullptr) {
    if (auto rs = resolve_owner(*old_pod)) {
      enqueue_rs(*rs);
    }
  }
  if (cur_ref != nullptr) {
    if (auto rs = resolve_owner(*pod)) {
      enqueue_rs(*rs);
      // A pod that just became ready is available minReadySeconds later: look again then.
      if (!is_pod_ready(*old_pod) && is_pod_ready(*pod) && rs->spec.min_ready_seconds > 0) {
        enqueue_after(client::cache_key(rs->metadata),
                      Duration::from_seconds(rs->spec.min_ready_seconds) + Duration::from_seconds(1));
      }
    }
    return;
  }
  if (labels_changed || ref_changed) {
    enqueue_matching(*pod);
  }
}

void ReplicaSetController::on_pod_deleted(const PodPtr& pod) {
  if (pod->metadata.controller_ref() == nullptr) {
    return;
  }
  if (auto rs = resolve_owner(*pod)) {
    std::string key = client::cache_key(rs->metadata);
    expectations_.deletion_observed(key, pod_key(*pod));
    enqueue(key);
  }
}

// --- sync ---------------------------------------------------------------------------------------------

ReconcileResult ReplicaSetController::reconcile(const std::string& key) {
  ObjectRef ref = rs_informer_->get(key);
  if (!ref) {
    expectations_.forget(key);
    return ReconcileResult::done();
  }
  auto rs = ref.as<api::ReplicaSet>();
  bool needs_sync = expectations_.satisfied(key, now());

  // claimPods: owned pods that still match, plus orphans that match (adopted below); owned pods that
  // no longer match are released.
  std::vector<PodPtr> pods;
  std::uint32_t worker = current_worker();
  for (const ObjectRef& pref : pod_informer_->list_namespace(rs->metadata.namespace_)) {
    const auto& pod = pref.get<api::Pod>();
    if (!is_pod_active(pod)) {
      continue;
    }
    bool matches = rs->spec.selector.matches(pod.metadata.labels);
    const api::OwnerReference* owner = pod.metadata.controller_ref();
    if (owner != nullptr) {
      if (owner->uid != rs->metadata.uid) {
        continue;
      }
      if (!matches) {
        api::Pod released = pod;
        std::erase_if(released.metadata.owner_references,
                      [&](const api::OwnerReference& r) { return r.uid == rs->metadata.uid; });
        client_.update(api::AnyObject(std::move(released)));
        continue;
      }
      pods.push_back(pref.as<api::Pod>());
    } else if (matches && !rs->metadata.deletion_timestamp) {
      api::Pod adopted = pod;
      adopted.metadata.owner_references.push_back(controller_ref_to(rs->metadata, kApiVersion, kKind));
      client_.update(api::AnyObject(std::move(adopted)), make_tag(worker, Op::Adopt));
      pods.push_back(pref.as<api::Pod>());
    }
  }

  Pending& p = pending_[worker];
  p = Pending{key, rs};
  if (needs_sync && !rs->metadata.deletion_timestamp) {
    auto diff = static_cast<std::int32_t>(pods.size()) - rs->spec.replicas;
    if (diff < 0) {
      std::int32_t n = std::min(-diff, kBurstReplicas);
      expectations_.expect_creations(key, n, now());
      p.to_create = n;
      p.batch = 1;  // SlowStartInitialBatchSize
    } else if (diff > 0) {
      std::int32_t n = std::min(diff, kBurstReplicas);
      std::vector<PodPtr> related;
      const api::OwnerReference* rs_owner = rs->metadata.controller_ref();
      if (rs_owner == nullptr) {
        related = pods;
      } else {
        // getIndirectlyRelatedPods: the pods of every ReplicaSet with the same controller.
        for (const ObjectRef& other : rs_informer_->list_namespace(rs->metadata.namespace_)) {
          const api::OwnerReference* o = other.meta().controller_ref();
          if (o == nullptr || o->uid != rs_owner->uid) {
            continue;
          }
          for (const ObjectRef& pref : pod_informer_->list_namespace(rs->metadata.namespace_)) {
            if (is_controlled_by(pref.meta(), kKind, other.meta().uid)) {
              related.push_back(pref.as<api::Pod>());
            }
          }
        }
      }
      std::vector<PodPtr> victims = pods;
      if (n < static_cast<std::int32_t>(victims.size())) {
        rank_pods_for_deletion(victims, related, now());
      }
      victims.resize(static_cast<std::size_t>(n));
      std::vector<std::string> keys;
      keys.reserve(victims.size());
      for (const PodPtr& v : victims) {
        keys.push_back(pod_key(*v));
      }
      expectations_.expect_deletions(key, keys, now());
      for (std::size_t k = 0; k < victims.size(); ++k) {
        client_.remove(api::Kind::Pod, victims[k]->metadata.namespace_, victims[k]->metadata.name, std::nullopt,
                       make_tag(worker, Op::Delete, k), true);
        ++p.outstanding;
      }
      deleting_names_[worker] = std::move(keys);  // for the events, by reply ordinal
    }
  }
  update_status(*rs, pods);
  if (p.to_create > 0) {
    issue_batch(worker);
  }
  if (p.outstanding > 0) {
    return ReconcileResult::pending();
  }
  return ReconcileResult::done();
}

void ReplicaSetController::issue_batch(std::uint32_t worker) {
  Pending& p = pending_[worker];
  std::int32_t n = std::min(p.batch, p.to_create);
  for (std::int32_t k = 0; k < n; ++k) {
    client_.create(api::AnyObject(pod_from_template(p.rs->spec.template_, p.rs->metadata, kApiVersion, kKind)),
                   make_tag(worker, Op::Create), true);
  }
  p.to_create -= n;
  p.outstanding += n;
  p.batch = std::min(2 * p.batch, p.to_create);
}

void ReplicaSetController::on_reply(const client::Reply& reply) {
  std::uint32_t worker = tag_worker(reply.tag);
  Op op = tag_op(reply.tag);
  if (op == Op::Adopt) {
    return;  // a failed adoption is retried by the next sync
  }
  Pending& p = pending_[worker];
  api::ObjectReference rs_ref = client::reference_to(*p.rs);
  bool ok = reply.code == client::ResultCode::Ok;
  if (op == Op::Create) {
    if (ok) {
      recorder_.record(rs_ref, api::kEventTypeNormal, "SuccessfulCreate",
                       fmt::format("Created pod: {}", reply.object.meta().name));
    } else {
      // The informer will never see this pod.
      expectations_.creation_observed(p.key);
      recorder_.record(rs_ref, api::kEventTypeWarning, "FailedCreate",
                       fmt::format("Error creating: {}", reply.message));
      p.failed = true;
    }
  } else {
    std::uint64_t ordinal = reply.tag >> 18;
    const std::string& name = deleting_names_[worker][ordinal];
    if (ok) {
      recorder_.record(rs_ref, api::kEventTypeNormal, "SuccessfulDelete",
                       fmt::format("Deleted pod: {}", client::split_key(name).second));
    } else {
      expectations_.deletion_observed(p.key, name);
      if (reply.code != client::ResultCode::NotFound) {
        recorder_.record(rs_ref, api::kEventTypeWarning, "FailedDelete",
                         fmt::format("Error deleting: {}", reply.message));
        p.failed = true;
      }
    }
  }
  if (--p.outstanding > 0) {
    return;
  }
  if (op == Op::Create && p.to_create > 0) {
    if (!p.failed) {
      issue_batch(worker);
      return;
    }
    // slowStartBatch stops at the first failing batch: the skipped pods will never be observed.
    for (std::int32_t k = 0; k < p.to_create; ++k) {
      expectations_.creation_observed(p.key);
    }
    p.to_create = 0;
  }
  finish(worker, p.failed ? ReconcileResult::requeue() : ReconcileResult::done());
}

void ReplicaSetController::update_status(const api::ReplicaSet& rs, const std::vector<PodPtr>& pods) {
  api::ReplicaSetStatus s;
  s.replicas = static_cast<std::int32_t>(pods.size());
  for (const PodPtr& pod : pods) {
    if (pod->metadata.labels.contains_all(rs.spec.template_.metadata.labels)) {
      ++s.fully_labeled_replicas;
    }
    if (is_pod_ready(*pod)) {
      ++s.ready_replicas;
      if (is_pod_available(*pod, rs.spec.min_ready_seconds, now())) {
        ++s.available_replicas;
      }
    }
  }
  s.observed_generation = rs.metadata.generation;
  const api::ReplicaSetStatus& o = rs.status;
  if (o.replicas == s.replicas && o.fully_labeled_replicas == s.fully_labeled_replicas &&
      o.ready_replicas == s.ready_replicas && o.available_replicas == s.available_replicas &&
      o.observed_generation == s.observed_generation) {
    return;
  }
  api::ReplicaSet next = rs;
  next.status = s;
  next.metadata.resource_version = 0;
  client_.update_status(api::AnyObject(std::move(next)));
  // Not all ready pods are available yet: look again when the next one may be.
  if (rs.spec.min_ready_seconds > 0 && s.ready_replicas == rs.spec.replicas &&
      s.available_replicas != rs.spec.replicas) {
    enqueue_after(client::cache_key(rs.metadata), Duration::from_seconds(rs.spec.min_ready_seconds));
  }
}

}  // namespace kubesim::controllers
