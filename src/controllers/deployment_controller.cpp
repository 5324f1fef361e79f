#include "kubesim/controllers/deployment_controller.hpp"

#include "kubesim/controllers/controller_manager.hpp"
#include "kubesim/controllers/deployment_util.hpp"
#include "kubesim/controllers/pod_util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>

namespace kubesim::controllers {
namespace {

constexpr std::string_view kKind = "Deployment";
constexpr std::string_view kApiVersion = "apps/v1";
constexpr std::string_view kRsKind = "ReplicaSet";
// deployment_controller.go maxRetries: a key that keeps failing is dropped after this many retries.
constexpr std::int32_t kMaxRetries = 15;

// Reply tags: the low 16 bits name the worker, the next 4 the operation, the rest an ordinal (the
// ReplicaSet's index in the sync).
enum class Op : std::uint64_t { Create = 0, UpdateRs = 1, Release = 2, DeleteRs = 3, UpdateDeployment = 4, Status = 5 };
std::uint64_t make_tag(std::uint32_t worker, Op op, std::uint64_t ordinal = 0) {
  return worker | (static_cast<std::uint64_t>(op) << 16) | (ordinal << 20);
}
std::uint32_t tag_worker(std::uint64_t tag) { return static_cast<std::uint32_t>(tag & 0xFFFF); }
Op tag_op(std::uint64_t tag) { return static_cast<Op>((tag >> 16) & 0xF); }
std::size_t tag_ordinal(std::uint64_t tag) { return static_cast<std::size_t>(tag >> 20); }

// Go's %q of a plain name.
std::string quoted(std::string_view s) { return fmt::format("\"{}\"", s); }

}  // namespace

struct DeploymentController::Sync {
  struct Rs {
    explicit Rs(api::ReplicaSet r) : rs(std::move(r)) {}
    api::ReplicaSet rs;
    bool dirty = false;                       // changed by this sync: written at the end
    bool deleting = false;                    // deleted by cleanup_deployment
    std::vector<std::string> scaling_events;  // recorded when the write succeeds
  };
  enum class Stage : std::uint8_t { None, Rolling, Recreate };

  std::string key;
  std::uint32_t worker = 0;
  std::shared_ptr<const api::Deployment> cached;  // the informer's version
  api::Deployment d;                              // working copy
  std::vector<Rs> rss;                            // the Deployment's ReplicaSets, oldest first
  std::optional<std::size_t> new_rs;
  bool metadata_dirty = false;  // the revision annotation changed
  std::int64_t new_revision = 0;
  Stage stage = Stage::None;  // the rollout to continue when the new ReplicaSet's creation returns
  bool creating = false;
  std::string creating_name;
  std::int32_t creating_replicas = 0;
  std::int32_t outstanding = 0;
  bool failed = false;
  std::optional<Duration> requeue_after;

  [[nodiscard]] std::vector<std::size_t> olds() const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < rss.size(); ++i) {
      if (!new_rs || *new_rs != i) {
        out.push_back(i);
      }
    }
    return out;
  }
  [[nodiscard]] std::vector<std::size_t> active(const std::vector<std::size_t>& of) const {
    std::vector<std::size_t> out;
    for (std::size_t i : of) {
      if (rss[i].rs.spec.replicas > 0) {
        out.push_back(i);
      }
    }
    return out;
  }
  /// The old ReplicaSets followed by the new one (upstream's allRSs = append(oldRSs, newRS)).
  [[nodiscard]] std::vector<std::size_t> all() const {
    std::vector<std::size_t> out = olds();
    if (new_rs) {
      out.push_back(*new_rs);
    }
    return out;
  }
  [[nodiscard]] std::int32_t sum_spec(const std::vector<std::size_t>& of) const {
    std::int32_t n = 0;
    for (std::size_t i : of) {
      n += rss[i].rs.spec.replicas;
    }
    return n;
  }
  void sort_oldest_first(std::vector<std::size_t>& of) const {
    std::sort(of.begin(), of.end(), [&](std::size_t a, std::size_t b) { return rs_older(rss[a].rs, rss[b].rs); });
  }
};

// --- informer handlers ------------------------------------------------------------------------------

class DeploymentController::DeploymentHandler final : public client::InformerHandler {
 public:
  explicit DeploymentHandler(DeploymentController& c) : c_(c) {}
  void on_add(const ObjectRef& obj) override { c_.enqueue_deployment(obj.get<api::Deployment>()); }
  void on_update(const ObjectRef& /*old_obj*/, const ObjectRef& obj) override {
    c_.enqueue_deployment(obj.get<api::Deployment>());
  }
  // The sync finds nothing and does nothing, as upstream.
  void on_delete(const ObjectRef& obj) override { c_.enqueue_deployment(obj.get<api::Deployment>()); }

 private:
  DeploymentController& c_;
};

class DeploymentController::RsHandler final : public client::InformerHandler {
 public:
  explicit RsHandler(DeploymentController& c) : c_(c) {}
  void on_add(const ObjectRef& obj) override { c_.on_rs_added(obj.get<api::ReplicaSet>()); }
  void on_update(const ObjectRef& old_obj, const ObjectRef& obj) override {
    c_.on_rs_updated(old_obj.get<api::ReplicaSet>(), obj.get<api::ReplicaSet>());
  }
  void on_delete(const ObjectRef& obj) override { c_.on_rs_deleted(obj.get<api::ReplicaSet>()); }

 private:
  DeploymentController& c_;
};

// Upstream registers only DeleteFunc for pods: a Recreate rollout waits for its old pods to be gone.
class DeploymentController::PodHandler final : public client::InformerHandler {
 public:
  explicit PodHandler(DeploymentController& c) : c_(c) {}
  void on_add(const ObjectRef& /*obj*/) override {}
  void on_update(const ObjectRef& /*old_obj*/, const ObjectRef& /*obj*/) override {}
  void on_delete(const ObjectRef& obj) override { c_.on_pod_deleted(obj.get<api::Pod>()); }

 private:
  DeploymentController& c_;
};

DeploymentController::DeploymentController(ControllerManager& manager, std::uint32_t index)
    : Controller(manager, index, Options{"deployment-controller", manager.config().concurrent_deployment_syncs}),
      d_handler_(std::make_unique<DeploymentHandler>(*this)), rs_handler_(std::make_unique<RsHandler>(*this)),
      pod_handler_(std::make_unique<PodHandler>(*this)) {
  std::size_t workers = static_cast<std::size_t>(std::max(1, manager.config().concurrent_deployment_syncs));
  for (std::size_t w = 0; w < workers; ++w) {
    syncs_.push_back(std::make_unique<Sync>());
  }
}

DeploymentController::~DeploymentController() = default;

void DeploymentController::start() {
  d_informer_ = &informer(api::Kind::Deployment);
  rs_informer_ = &informer(api::Kind::ReplicaSet);
  pod_informer_ = &informer(api::Kind::Pod);
  d_informer_->add_handler(d_handler_.get());
  rs_informer_->add_handler(rs_handler_.get());
  pod_informer_->add_handler(pod_handler_.get());
}

void DeploymentController::enqueue_deployment(const api::Deployment& d) { enqueue(client::cache_key(d.metadata)); }

std::shared_ptr<const api::Deployment> DeploymentController::resolve_owner(const std::string& ns,
                                                                           const api::OwnerReference& ref) const {
  if (ref.kind != kKind) {
    return nullptr;
  }
  ObjectRef d = d_informer_->get(ns, ref.name);
  if (!d || d.meta().uid != ref.uid) {
    return nullptr;
  }
  return d.as<api::Deployment>();
}

void DeploymentController::enqueue_matching(const api::ReplicaSet& rs) {
  // GetDeploymentsForReplicaSet: an unlabelled ReplicaSet matches nothing.
  if (rs.metadata.labels.empty()) {
    return;
  }
  for (const ObjectRef& ref : d_informer_->list_namespace(rs.metadata.namespace_)) {
    const auto& d = ref.get<api::Deployment>();
    if (!d.spec.selector.empty() && d.spec.selector.matches(rs.metadata.labels)) {
      enqueue_deployment(d);
    }
  }
}

void DeploymentController::on_rs_added(const api::ReplicaSet& rs) {
  if (rs.metadata.deletion_timestamp) {
    on_rs_deleted(rs);
    return;
  }
  if (const api::OwnerReference* ref = rs.metadata.controller_ref()) {
    if (auto d = resolve_owner(rs.metadata.namespace_, *ref)) {
      enqueue_deployment(*d);
    }
    return;
  }
  enqueue_matching(rs);
}

void DeploymentController::on_rs_updated(const api::ReplicaSet& old_rs, const api::ReplicaSet& rs) {
  if (old_rs.metadata.resource_version == rs.metadata.resource_version) {
    return;
  }
  const api::OwnerReference* old_ref = old_rs.metadata.controller_ref();
  const api::OwnerReference* cur_ref = rs.metadata.controller_ref();
  bool ref_changed = (old_ref == nullptr) != (cur_ref == nullptr) ||
                     (old_ref != nullptr && cur_ref != nullptr && !(*old_ref == *cur_ref));
  if (ref_changed && old_ref != nullptr) {
    if (auto d = resolve_owner(old_rs.metadata.namespace_, *old_ref)) {
      enqueue_deployment(*d);
    }
  }
  if (cur_ref != nullptr) {
    if (auto d = resolve_owner(rs.metadata.namespace_, *cur_ref)) {
      enqueue_deployment(*d);
    }
    return;
  }
  if (ref_changed || !(old_rs.metadata.labels == rs.metadata.labels)) {
    enqueue_matching(rs);
  }
}

void DeploymentController::on_rs_deleted(const api::ReplicaSet& rs) {
  if (const api::OwnerReference* ref = rs.metadata.controller_ref()) {
    if (auto d = resolve_owner(rs.metadata.namespace_, *ref)) {
      enqueue_deployment(*d);
    }
  }
}

void DeploymentController::on_pod_deleted(const api::Pod& pod) {
  // getDeploymentForPod: pod → its ReplicaSet → that ReplicaSet's Deployment.
  const api::OwnerReference* pod_ref = pod.metadata.controller_ref();
  if (pod_ref == nullptr || pod_ref->kind != kRsKind) {
    return;
  }
  ObjectRef rs = rs_informer_->get(pod.metadata.namespace_, pod_ref->name);
  if (!rs || rs.meta().uid != pod_ref->uid || rs.meta().controller_ref() == nullptr) {
    return;
  }
  auto d = resolve_owner(pod.metadata.namespace_, *rs.meta().controller_ref());
  if (!d || d->spec.strategy != api::DeploymentStrategyType::Recreate) {
    return;
  }
  // Sync once the Deployment has no pods left. Upstream lists the ReplicaSets with a live LIST; the
  // informer's cache serves here.
  std::vector<std::string> rs_uids;
  for (const ObjectRef& r : rs_informer_->list_namespace(d->metadata.namespace_)) {
    if (is_controlled_by(r.meta(), kKind, d->metadata.uid) && d->spec.selector.matches(r.meta().labels)) {
      rs_uids.push_back(r.meta().uid);
    }
  }
  for (const ObjectRef& p : pod_informer_->list_namespace(d->metadata.namespace_)) {
    const api::OwnerReference* ref = p.meta().controller_ref();
    if (ref != nullptr && d->spec.selector.matches(p.meta().labels) &&
        std::find(rs_uids.begin(), rs_uids.end(), ref->uid) != rs_uids.end()) {
      return;
    }
  }
  enqueue_deployment(*d);
}

// --- sync ---------------------------------------------------------------------------------------------

ReconcileResult DeploymentController::reconcile(const std::string& key) {
  ObjectRef ref = d_informer_->get(key);
  if (!ref) {
    return ReconcileResult::done();
  }
  Sync& s = *syncs_[current_worker()];
  s = Sync{};
  s.key = key;
  s.worker = current_worker();
  s.cached = ref.as<api::Deployment>();
  s.d = *s.cached;

  if (s.d.spec.selector.empty()) {
    recorder_.record(client::reference_to(s.d), api::kEventTypeWarning, "SelectingAll",
                     "This deployment is selecting all pods. A non-empty selector is required.");
    if (s.d.status.observed_generation < s.d.metadata.generation) {
      s.d.status.observed_generation = s.d.metadata.generation;
    }
    issue_writes(s);
  } else {
    claim_replica_sets(s);
    if (s.d.metadata.deletion_timestamp) {
      // syncStatusOnly
      get_all_replica_sets_and_sync_revision(s, false);
      sync_deployment_status(s);
    } else {
      check_paused_conditions(s);
      if (s.d.spec.paused || is_scaling_event(s)) {
        sync_scale(s);
      } else if (s.d.spec.strategy == api::DeploymentStrategyType::Recreate) {
        rollout_recreate(s);
      } else {
        rollout_rolling(s);
      }
    }
    if (!s.creating) {
      issue_writes(s);
    }
  }
  if (std::optional<ReconcileResult> r = result_if_done(s)) {
    return *r;
  }
  return ReconcileResult::pending();
}

void DeploymentController::claim_replica_sets(Sync& s) {
  // getReplicaSetsForDeployment + ClaimReplicaSets: the ReplicaSets the Deployment controls and still
  // selects, plus matching orphans (adopted); controlled ones it no longer selects are released.
  const api::Deployment& d = s.d;
  for (const ObjectRef& ref : rs_informer_->list_namespace(d.metadata.namespace_)) {
    const auto& rs = ref.get<api::ReplicaSet>();
    bool matches = d.spec.selector.matches(rs.metadata.labels);
    if (const api::OwnerReference* owner = rs.metadata.controller_ref()) {
      if (owner->uid != d.metadata.uid) {
        continue;
      }
      if (matches) {
        s.rss.push_back(Sync::Rs{rs});
      } else if (!d.metadata.deletion_timestamp) {
        api::ReplicaSet released = rs;
        std::erase_if(released.metadata.owner_references,
                      [&](const api::OwnerReference& r) { return r.uid == d.metadata.uid; });
        client_.update(api::AnyObject(std::move(released)), make_tag(s.worker, Op::Release), true);
        ++s.outstanding;
      }
      continue;
    }
    if (!matches || d.metadata.deletion_timestamp || rs.metadata.deletion_timestamp) {
      continue;
    }
    Sync::Rs adopted{rs};
    adopted.rs.metadata.owner_references.push_back(controller_ref_to(d.metadata, kApiVersion, kKind));
    adopted.dirty = true;
    s.rss.push_back(std::move(adopted));
  }
  std::sort(s.rss.begin(), s.rss.end(), [](const Sync::Rs& a, const Sync::Rs& b) { return rs_older(a.rs, b.rs); });
}

bool DeploymentController::get_all_replica_sets_and_sync_revision(Sync& s, bool create) {
  const api::Deployment& d = s.d;
  // FindNewReplicaSet: the oldest ReplicaSet whose template is the Deployment's.
  s.new_rs.reset();
  for (std::size_t i = 0; i < s.rss.size(); ++i) {
    if (equal_ignore_hash(s.rss[i].rs.spec.template_, d.spec.template_)) {
      s.new_rs = i;
      break;
    }
  }
  std::int64_t max_old = 0;
  for (std::size_t i : s.olds()) {
    if (std::optional<std::int64_t> r = revision_of(s.rss[i].rs.metadata); r && *r > max_old) {
      max_old = *r;
    }
  }
  s.new_revision = max_old + 1;

  if (s.new_rs) {
    Sync::Rs& n = s.rss[*s.new_rs];
    bool annotations_updated = set_new_replica_set_annotations(d, n.rs, s.new_revision, true);
    if (annotations_updated || n.rs.spec.min_ready_seconds != d.spec.min_ready_seconds) {
      // Upstream updates the ReplicaSet and returns at once; the Deployment's revision follows in the
      // next sync, which the ReplicaSet's update triggers.
      n.rs.spec.min_ready_seconds = d.spec.min_ready_seconds;
      n.dirty = true;
      return true;
    }
    const std::string* rev = n.rs.metadata.annotations.find(kRevisionAnnotation);
    set_deployment_revision(s, rev != nullptr ? *rev : std::string());
    if (has_progress_deadline(d) && deployment_condition(d.status, kDeploymentProgressing) == nullptr) {
      set_deployment_condition(
          s.d.status,
          new_deployment_condition(kDeploymentProgressing, api::ConditionStatus::True, kFoundNewRSReason,
                                   fmt::format("Found new replica set {}", quoted(n.rs.metadata.name)), now()));
    }
    return true;
  }
  if (!create) {
    return true;
  }

  // The new ReplicaSet: named after the template's hash, which also goes into its selector and labels
  // so that it never selects another revision's pods.
  api::ReplicaSet rs;
  api::PodTemplateSpec tmpl = d.spec.template_;
  std::string hash = compute_hash(tmpl, d.status.collision_count);
  tmpl.metadata.labels.set(std::string(kPodTemplateHashLabel), hash);
  rs.metadata.name = fmt::format("{}-{}", d.metadata.name, hash);
  rs.metadata.namespace_ = d.metadata.namespace_;
  rs.metadata.owner_references.push_back(controller_ref_to(d.metadata, kApiVersion, kKind));
  rs.metadata.labels = tmpl.metadata.labels;
  rs.spec.replicas = 0;
  rs.spec.min_ready_seconds = d.spec.min_ready_seconds;
  rs.spec.selector = d.spec.selector;
  rs.spec.selector.match_labels.set(std::string(kPodTemplateHashLabel), hash);
  rs.spec.template_ = std::move(tmpl);
  std::vector<const api::ReplicaSet*> all;
  for (std::size_t i : s.olds()) {
    all.push_back(&s.rss[i].rs);
  }
  all.push_back(&rs);
  rs.spec.replicas = new_rs_new_replicas(d, all, rs);
  set_new_replica_set_annotations(d, rs, s.new_revision, false);
  s.creating = true;
  s.creating_name = rs.metadata.name;
  s.creating_replicas = rs.spec.replicas;
  client_.create(api::AnyObject(std::move(rs)), make_tag(s.worker, Op::Create), true);
  ++s.outstanding;
  return false;
}

void DeploymentController::set_deployment_revision(Sync& s, const std::string& revision) {
  const std::string* cur = s.d.metadata.annotations.find(kRevisionAnnotation);
  if (cur == nullptr || *cur != revision) {
    s.d.metadata.annotations.set(std::string(kRevisionAnnotation), revision);
    s.metadata_dirty = true;
  }
}

void DeploymentController::check_paused_conditions(Sync& s) {
  if (!has_progress_deadline(s.d)) {
    return;
  }
  const api::DeploymentCondition* cond = deployment_condition(s.d.status, kDeploymentProgressing);
  if (cond != nullptr && cond->reason == kTimedOutReason) {
    return;  // a reported lack of progress is not overwritten
  }
  bool paused_exists = cond != nullptr && cond->reason == kPausedDeployReason;
  if (s.d.spec.paused && !paused_exists) {
    set_deployment_condition(s.d.status, new_deployment_condition(kDeploymentProgressing, api::ConditionStatus::Unknown,
                                                                  kPausedDeployReason, "Deployment is paused", now()));
  } else if (!s.d.spec.paused && paused_exists) {
    set_deployment_condition(s.d.status,
                             new_deployment_condition(kDeploymentProgressing, api::ConditionStatus::Unknown,
                                                      kResumedDeployReason, "Deployment is resumed", now()));
  }
}

bool DeploymentController::is_scaling_event(Sync& s) {
  get_all_replica_sets_and_sync_revision(s, false);
  for (std::size_t i : s.active(s.all())) {
    const std::string* desired = s.rss[i].rs.metadata.annotations.find(kDesiredReplicasAnnotation);
    if (desired != nullptr && *desired != std::to_string(s.d.spec.replicas)) {
      // Upstream skips an annotation that does not parse; a number printed differently is the same.
      std::int64_t v = 0;
      auto [ptr, ec] = std::from_chars(desired->data(), desired->data() + desired->size(), v);
      if (ec == std::errc() && ptr == desired->data() + desired->size() && v != s.d.spec.replicas) {
        return true;
      }
    }
  }
  return false;
}

void DeploymentController::sync_scale(Sync& s) {
  // sync(): scaling events and paused Deployments.
  get_all_replica_sets_and_sync_revision(s, false);
  scale(s);
  if (s.d.spec.paused) {
    cleanup_deployment(s);
  }
  sync_deployment_status(s);
}

void DeploymentController::scale(Sync& s) {
  const api::Deployment& d = s.d;
  std::vector<std::size_t> olds = s.olds();
  // FindActiveOrLatest: with at most one active ReplicaSet, that one (or the newest) takes every replica.
  if (s.new_rs || !olds.empty()) {
    std::vector<std::size_t> newest_first = olds;
    std::sort(newest_first.begin(), newest_first.end(),
              [&](std::size_t a, std::size_t b) { return rs_older(s.rss[b].rs, s.rss[a].rs); });
    std::vector<std::size_t> candidates = newest_first;
    if (s.new_rs) {
      candidates.push_back(*s.new_rs);
    }
    std::vector<std::size_t> active = s.active(candidates);
    std::optional<std::size_t> target;
    if (active.empty()) {
      target = s.new_rs ? *s.new_rs : newest_first.front();
    } else if (active.size() == 1) {
      target = active.front();
    }
    if (target) {
      if (s.rss[*target].rs.spec.replicas != d.spec.replicas) {
        scale_replica_set_and_record_event(s, *target, d.spec.replicas);
      }
      return;
    }
  }
  // A saturated new ReplicaSet (adoption during a finished rollout): old ones go to zero.
  if (s.new_rs && is_saturated(d, &s.rss[*s.new_rs].rs)) {
    for (std::size_t i : s.active(olds)) {
      scale_replica_set_and_record_event(s, i, 0);
    }
    return;
  }
  if (d.spec.strategy != api::DeploymentStrategyType::RollingUpdate) {
    return;
  }
  // Proportional scaling: spread the difference over the active ReplicaSets by their share of the
  // Deployment's size when they were last scaled, larger ones first (newer first when scaling up, older
  // first when scaling down), leftovers to the first.
  std::vector<std::size_t> all = s.active(s.all());
  std::int32_t all_replicas = s.sum_spec(all);
  std::int32_t allowed = d.spec.replicas > 0 ? d.spec.replicas + max_surge(d) : 0;
  std::int32_t to_add = allowed - all_replicas;
  std::string_view operation;
  if (to_add > 0) {
    std::sort(all.begin(), all.end(),
              [&](std::size_t a, std::size_t b) { return rs_larger_then_newer(s.rss[a].rs, s.rss[b].rs); });
    operation = "up";
  } else if (to_add < 0) {
    std::sort(all.begin(), all.end(),
              [&](std::size_t a, std::size_t b) { return rs_larger_then_older(s.rss[a].rs, s.rss[b].rs); });
    operation = "down";
  }
  std::int32_t added = 0;
  std::vector<std::int32_t> sizes;
  sizes.reserve(all.size());
  for (std::size_t i : all) {
    std::int32_t p = to_add != 0 ? replica_set_proportion(s.rss[i].rs, d, to_add, added) : 0;
    sizes.push_back(s.rss[i].rs.spec.replicas + p);
    added += p;
  }
  for (std::size_t k = 0; k < all.size(); ++k) {
    if (k == 0 && to_add != 0) {
      sizes[k] = std::max(0, sizes[k] + to_add - added);
    }
    scale_replica_set(s, all[k], sizes[k], operation);
  }
}

void DeploymentController::rollout_rolling(Sync& s) {
  if (!get_all_replica_sets_and_sync_revision(s, true)) {
    s.stage = Sync::Stage::Rolling;  // continued by on_create_reply
    return;
  }
  rolling_with_new(s);
}

void DeploymentController::rolling_with_new(Sync& s) {
  if (reconcile_new_replica_set(s) || reconcile_old_replica_sets(s)) {
    sync_rollout_status(s);
    return;
  }
  if (deployment_complete(s.d, s.d.status)) {
    cleanup_deployment(s);
  }
  sync_rollout_status(s);
}

bool DeploymentController::reconcile_new_replica_set(Sync& s) {
  if (!s.new_rs) {
    return false;
  }
  const api::Deployment& d = s.d;
  const api::ReplicaSet& n = s.rss[*s.new_rs].rs;
  if (n.spec.replicas == d.spec.replicas) {
    return false;
  }
  if (n.spec.replicas > d.spec.replicas) {
    return scale_replica_set_and_record_event(s, *s.new_rs, d.spec.replicas);
  }
  std::vector<const api::ReplicaSet*> all;
  for (std::size_t i : s.all()) {
    all.push_back(&s.rss[i].rs);
  }
  return scale_replica_set_and_record_event(s, *s.new_rs, new_rs_new_replicas(d, all, n));
}

bool DeploymentController::reconcile_old_replica_sets(Sync& s) {
  const api::Deployment& d = s.d;
  std::vector<std::size_t> old_active = s.active(s.olds());
  if (s.sum_spec(old_active) == 0 || !s.new_rs) {
    return false;
  }
  const api::ReplicaSet& n = s.rss[*s.new_rs].rs;
  std::int32_t all_pods = s.sum_spec(s.all());
  std::int32_t min_available = d.spec.replicas - max_unavailable(d);
  // Scale down at most what keeps minAvailable, counting the new ReplicaSet's unavailable pods as
  // missing (so that a crash-looping new revision does not eat the old one).
  std::int32_t new_unavailable = n.spec.replicas - n.status.available_replicas;
  std::int32_t max_scaled_down = all_pods - min_available - new_unavailable;
  if (max_scaled_down <= 0) {
    return false;
  }

  // cleanupUnhealthyReplicas: old ReplicaSets' unavailable replicas go first, oldest ReplicaSet first;
  // the ReplicaSet controller deletes not-ready pods before ready ones, so availability does not drop.
  s.sort_oldest_first(old_active);
  std::int32_t cleaned = 0;
  for (std::size_t i : old_active) {
    if (cleaned >= max_scaled_down) {
      break;
    }
    const api::ReplicaSet& rs = s.rss[i].rs;
    if (rs.spec.replicas == 0 || rs.spec.replicas == rs.status.available_replicas) {
      continue;
    }
    std::int32_t n_down = std::min(max_scaled_down - cleaned, rs.spec.replicas - rs.status.available_replicas);
    if (n_down < 0) {
      // A stale status with more available than desired: upstream's "invalid request to scale down",
      // an error that reconcileOldReplicaSets swallows.
      return false;
    }
    scale_replica_set_and_record_event(s, i, rs.spec.replicas - n_down);
    cleaned += n_down;
  }

  // scaleDownOldReplicaSetsForRollingUpdate: what is available above minAvailable, oldest first.
  std::vector<std::size_t> all = old_active;
  all.push_back(*s.new_rs);
  std::int32_t available = 0;
  for (std::size_t i : all) {
    available += s.rss[i].rs.status.available_replicas;
  }
  std::int32_t scaled = 0;
  if (available > min_available) {
    std::int32_t total = available - min_available;
    for (std::size_t i : old_active) {
      if (scaled >= total) {
        break;
      }
      const api::ReplicaSet& rs = s.rss[i].rs;
      if (rs.spec.replicas == 0) {
        continue;
      }
      std::int32_t n_down = std::min(rs.spec.replicas, total - scaled);
      scale_replica_set_and_record_event(s, i, rs.spec.replicas - n_down);
      scaled += n_down;
    }
  }
  return cleaned + scaled > 0;
}

void DeploymentController::rollout_recreate(Sync& s) {
  // Do not create the new ReplicaSet yet: old pods must be gone first.
  get_all_replica_sets_and_sync_revision(s, false);
  bool scaled_down = false;
  for (std::size_t i : s.active(s.olds())) {
    scaled_down = scale_replica_set_and_record_event(s, i, 0) || scaled_down;
  }
  if (scaled_down || old_pods_running(s)) {
    sync_rollout_status(s);
    return;
  }
  if (!s.new_rs && !get_all_replica_sets_and_sync_revision(s, true)) {
    s.stage = Sync::Stage::Recreate;  // continued by on_create_reply
    return;
  }
  recreate_with_new(s);
}

void DeploymentController::recreate_with_new(Sync& s) {
  if (s.new_rs) {
    scale_replica_set_and_record_event(s, *s.new_rs, s.d.spec.replicas);
  }
  if (deployment_complete(s.d, s.d.status)) {
    cleanup_deployment(s);
  }
  sync_rollout_status(s);
}

bool DeploymentController::old_pods_running(const Sync& s) const {
  std::vector<std::string_view> old_uids;
  std::int32_t old_pods = 0;
  for (std::size_t i : s.olds()) {
    old_pods += s.rss[i].rs.status.replicas;
    old_uids.push_back(s.rss[i].rs.metadata.uid);
  }
  if (old_pods > 0) {
    return true;
  }
  // getPodMapForDeployment: pods the selector matches, controlled by one of the Deployment's
  // ReplicaSets; terminating pods count until they are gone, terminal ones do not.
  for (const ObjectRef& ref : pod_informer_->list_namespace(s.d.metadata.namespace_)) {
    const auto& pod = ref.get<api::Pod>();
    const api::OwnerReference* owner = pod.metadata.controller_ref();
    if (owner == nullptr || !s.d.spec.selector.matches(pod.metadata.labels) ||
        std::find(old_uids.begin(), old_uids.end(), owner->uid) == old_uids.end()) {
      continue;
    }
    if (!pod.is_terminal()) {
      return true;
    }
  }
  return false;
}

bool DeploymentController::scale_replica_set_and_record_event(Sync& s, std::size_t rs, std::int32_t new_scale) {
  std::int32_t cur = s.rss[rs].rs.spec.replicas;
  if (cur == new_scale) {
    return false;
  }
  return scale_replica_set(s, rs, new_scale, cur < new_scale ? "up" : "down");
}

bool DeploymentController::scale_replica_set(Sync& s, std::size_t rs, std::int32_t new_scale,
                                             std::string_view operation) {
  Sync::Rs& r = s.rss[rs];
  std::int32_t desired = s.d.spec.replicas;
  std::int32_t max_replicas = desired + max_surge(s.d);
  bool size_needs_update = r.rs.spec.replicas != new_scale;
  if (!size_needs_update && !replicas_annotations_need_update(r.rs, desired, max_replicas)) {
    return false;
  }
  std::int32_t old_scale = r.rs.spec.replicas;
  r.rs.spec.replicas = new_scale;
  set_replicas_annotations(r.rs, desired, max_replicas);
  r.dirty = true;
  if (size_needs_update) {
    r.scaling_events.push_back(
        fmt::format("Scaled {} replica set {} to {} from {}", operation, r.rs.metadata.name, new_scale, old_scale));
  }
  return size_needs_update;
}

void DeploymentController::cleanup_deployment(Sync& s) {
  // Keep revisionHistoryLimit old ReplicaSets; delete the oldest revisions beyond that once they have
  // no pods and their controller has seen their last scale.
  if (s.d.spec.revision_history_limit == std::numeric_limits<std::int32_t>::max()) {
    return;
  }
  std::vector<std::size_t> cleanable;
  for (std::size_t i : s.olds()) {
    if (!s.rss[i].rs.metadata.deletion_timestamp && !s.rss[i].deleting) {
      cleanable.push_back(i);
    }
  }
  auto diff = static_cast<std::int32_t>(cleanable.size()) - s.d.spec.revision_history_limit;
  if (diff <= 0) {
    return;
  }
  std::sort(cleanable.begin(), cleanable.end(),
            [&](std::size_t a, std::size_t b) { return rs_lower_revision(s.rss[a].rs, s.rss[b].rs); });
  for (std::int32_t k = 0; k < diff; ++k) {
    Sync::Rs& r = s.rss[cleanable[static_cast<std::size_t>(k)]];
    const api::ReplicaSet& rs = r.rs;
    if (rs.status.replicas != 0 || rs.spec.replicas != 0 || rs.metadata.generation > rs.status.observed_generation ||
        r.dirty) {
      continue;
    }
    r.deleting = true;
    client_.remove(api::Kind::ReplicaSet, rs.metadata.namespace_, rs.metadata.name, std::nullopt,
                   make_tag(s.worker, Op::DeleteRs), true);
    ++s.outstanding;
  }
}

api::DeploymentStatus DeploymentController::calculate_status(const Sync& s) const {
  const api::Deployment& d = s.d;
  api::DeploymentStatus st;
  std::int32_t spec_total = 0;
  for (std::size_t i : s.all()) {
    const api::ReplicaSet& rs = s.rss[i].rs;
    spec_total += rs.spec.replicas;
    st.replicas += rs.status.replicas;
    st.ready_replicas += rs.status.ready_replicas;
    st.available_replicas += rs.status.available_replicas;
  }
  st.updated_replicas = s.new_rs ? s.rss[*s.new_rs].rs.status.replicas : 0;
  // Negative when scaling down with more available pods than desired: reported as 0.
  st.unavailable_replicas = std::max(0, spec_total - st.available_replicas);
  st.observed_generation = d.metadata.generation;
  st.collision_count = d.status.collision_count;
  st.conditions = d.status.conditions;
  if (st.available_replicas >= d.spec.replicas - max_unavailable(d)) {
    set_deployment_condition(st, new_deployment_condition(kDeploymentAvailable, api::ConditionStatus::True,
                                                          kMinimumReplicasAvailable,
                                                          "Deployment has minimum availability.", now()));
  } else {
    set_deployment_condition(st, new_deployment_condition(kDeploymentAvailable, api::ConditionStatus::False,
                                                          kMinimumReplicasUnavailable,
                                                          "Deployment does not have minimum availability.", now()));
  }
  return st;
}

void DeploymentController::sync_deployment_status(Sync& s) { s.d.status = calculate_status(s); }

void DeploymentController::sync_rollout_status(Sync& s) {
  const api::Deployment& d = s.d;
  api::DeploymentStatus st = calculate_status(s);
  if (!has_progress_deadline(d)) {
    remove_deployment_condition(st, kDeploymentProgressing);
  }
  const api::DeploymentCondition* cur = deployment_condition(d.status, kDeploymentProgressing);
  bool complete_before = st.replicas == st.updated_replicas && cur != nullptr && cur->reason == kNewRSAvailableReason;
  std::string subject = s.new_rs ? fmt::format("ReplicaSet {}", quoted(s.rss[*s.new_rs].rs.metadata.name))
                                 : fmt::format("Deployment {}", quoted(d.metadata.name));
  if (has_progress_deadline(d) && !complete_before) {
    if (deployment_complete(d, st)) {
      set_deployment_condition(st, new_deployment_condition(kDeploymentProgressing, api::ConditionStatus::True,
                                                            kNewRSAvailableReason,
                                                            subject + " has successfully progressed.", now()));
    } else if (deployment_progressing(d, st)) {
      // Progress refreshes lastUpdateTime even with an unchanged reason (the deadline restarts).
      api::DeploymentCondition c =
          new_deployment_condition(kDeploymentProgressing, api::ConditionStatus::True, kReplicaSetUpdatedReason,
                                   subject + " is progressing.", now());
      if (const api::DeploymentCondition* old = deployment_condition(st, kDeploymentProgressing)) {
        if (old->status == api::ConditionStatus::True) {
          c.last_transition_time = old->last_transition_time;
        }
        remove_deployment_condition(st, kDeploymentProgressing);
      }
      set_deployment_condition(st, std::move(c));
    } else if (deployment_timed_out(d, st, now())) {
      set_deployment_condition(st, new_deployment_condition(kDeploymentProgressing, api::ConditionStatus::False,
                                                            kTimedOutReason, subject + " has timed out progressing.",
                                                            now()));
    }
  }
  // ReplicaSets carry no ReplicaFailure condition in kubesim, so neither does the Deployment.
  remove_deployment_condition(st, kDeploymentReplicaFailure);
  if (st == d.status) {
    requeue_stuck_deployment(s, st);
    return;
  }
  s.d.status = std::move(st);
}

void DeploymentController::requeue_stuck_deployment(Sync& s, const api::DeploymentStatus& status) {
  const api::DeploymentCondition* cur = deployment_condition(s.d.status, kDeploymentProgressing);
  if (!has_progress_deadline(s.d) || cur == nullptr) {
    return;
  }
  if (deployment_complete(s.d, status) || cur->reason == kTimedOutReason) {
    return;
  }
  // A Deployment that completed once and then lost availability (pods crash-looping, evicted) keeps
  // reason NewReplicaSetAvailable, on which DeploymentTimedOut never fires. Upstream re-polls it
  // through its rate limiter forever (about 10/s) without any outcome; kubesim does not.
  if (cur->reason == kNewRSAvailableReason) {
    return;
  }
  // Look again when the deadline has passed (upstream adds a second against clock skew). Within the
  // last second upstream polls with its rate limiter (5 ms steps); one look just after the deadline has
  // the same outcome.
  Duration after = cur->last_update_time + Duration::from_seconds(s.d.spec.progress_deadline_seconds) - now();
  s.requeue_after = after < Duration::from_seconds(1) ? std::max(after, Duration::zero()) + Duration::from_millis(1)
                                                      : after + Duration::from_seconds(1);
}

// --- writes -------------------------------------------------------------------------------------------

void DeploymentController::issue_writes(Sync& s) {
  std::uint32_t worker = s.worker;
  for (std::size_t i = 0; i < s.rss.size(); ++i) {
    if (s.rss[i].dirty && !s.rss[i].deleting) {
      // The cached resourceVersion is the precondition: a ReplicaSet changed since is a Conflict.
      client_.update(api::AnyObject(s.rss[i].rs), make_tag(worker, Op::UpdateRs, i), true);
      ++s.outstanding;
    }
  }
  if (s.metadata_dirty) {
    client_.update(api::AnyObject(s.d), make_tag(worker, Op::UpdateDeployment), true);
    ++s.outstanding;
  }
  if (!(s.d.status == s.cached->status)) {
    api::Deployment next = s.d;
    next.metadata.resource_version = 0;  // the status is recomputed whole by every sync of the key
    client_.update_status(api::AnyObject(std::move(next)), make_tag(worker, Op::Status), true);
    ++s.outstanding;
  }
}

std::optional<ReconcileResult> DeploymentController::result_if_done(const Sync& s) const {
  if (s.outstanding > 0 || s.creating) {
    return std::nullopt;
  }
  if (s.failed) {
    // handleErr: retry with back-off, then give up on the key until something changes.
    return queue_.num_requeues(s.key) < kMaxRetries ? ReconcileResult::requeue() : ReconcileResult::done();
  }
  return s.requeue_after ? ReconcileResult::requeue_after(*s.requeue_after) : ReconcileResult::done();
}

void DeploymentController::on_reply(const client::Reply& reply) {
  std::uint32_t worker = tag_worker(reply.tag);
  Sync& s = *syncs_[worker];
  --s.outstanding;
  bool ok = reply.code == client::ResultCode::Ok;
  switch (tag_op(reply.tag)) {
  case Op::Create:
    on_create_reply(s, reply);
    break;
  case Op::UpdateRs: {
    Sync::Rs& r = s.rss[tag_ordinal(reply.tag)];
    if (ok) {
      for (std::string& msg : r.scaling_events) {
        recorder_.record(client::reference_to(s.d), api::kEventTypeNormal, "ScalingReplicaSet", std::move(msg));
      }
    } else {
      s.failed = true;
    }
    break;
  }
  case Op::Release:
  case Op::DeleteRs:
    s.failed = s.failed || !(ok || reply.code == client::ResultCode::NotFound);
    break;
  case Op::UpdateDeployment:
  case Op::Status:
    s.failed = s.failed || !ok;
    break;
  }
  if (std::optional<ReconcileResult> r = result_if_done(s)) {
    finish(worker, *r);
  }
}

void DeploymentController::on_create_reply(Sync& s, const client::Reply& reply) {
  s.creating = false;
  const api::Deployment& d = s.d;
  bool already_existed = false;
  if (reply.code == client::ResultCode::AlreadyExists) {
    // A slow cache, or a hash collision: the ReplicaSet with that name is ours only if this
    // Deployment controls it and its template is the Deployment's.
    ObjectRef existing = rs_informer_->get(d.metadata.namespace_, s.creating_name);
    if (!existing) {
      s.failed = true;
      issue_writes(s);
      return;
    }
    const auto& rs = existing.get<api::ReplicaSet>();
    if (!is_controlled_by(rs.metadata, kKind, d.metadata.uid) ||
        !equal_ignore_hash(d.spec.template_, rs.spec.template_)) {
      s.d.status.collision_count = s.d.status.collision_count.value_or(0) + 1;
      s.failed = true;
      issue_writes(s);
      return;
    }
    already_existed = true;
    s.rss.push_back(Sync::Rs{rs});
  } else if (reply.code != client::ResultCode::Ok) {
    std::string msg = fmt::format("Failed to create new replica set {}: {}", quoted(s.creating_name), reply.message);
    if (has_progress_deadline(d)) {
      set_deployment_condition(s.d.status, new_deployment_condition(kDeploymentProgressing, api::ConditionStatus::False,
                                                                    kFailedRSCreateReason, msg, now()));
    }
    recorder_.record(client::reference_to(d), api::kEventTypeWarning, kFailedRSCreateReason, msg);
    s.failed = true;
    issue_writes(s);
    return;
  } else {
    s.rss.push_back(Sync::Rs{reply.object.get<api::ReplicaSet>()});
  }
  s.new_rs = s.rss.size() - 1;
  const api::ReplicaSet& created = s.rss.back().rs;
  if (!already_existed && s.creating_replicas > 0) {
    recorder_.record(client::reference_to(d), api::kEventTypeNormal, "ScalingReplicaSet",
                     fmt::format("Scaled up replica set {} to {}", created.metadata.name, s.creating_replicas));
  }
  set_deployment_revision(s, std::to_string(s.new_revision));
  if (!already_existed && has_progress_deadline(d)) {
    set_deployment_condition(
        s.d.status,
        new_deployment_condition(kDeploymentProgressing, api::ConditionStatus::True, kNewReplicaSetReason,
                                 fmt::format("Created new replica set {}", quoted(created.metadata.name)), now()));
  }
  if (s.stage == Sync::Stage::Recreate) {
    recreate_with_new(s);
  } else {
    rolling_with_new(s);
  }
  issue_writes(s);
}

}  // namespace kubesim::controllers
