#include "kubesim/controllers/disruption_controller.hpp"

#include "kubesim/controllers/controller_manager.hpp"
#include "kubesim/controllers/pod_util.hpp"

#include <fmt/format.h>

#include <map>

namespace kubesim::controllers {
namespace {

using PodPtr = const api::Pod*;

bool selects(const api::PodDisruptionBudget& pdb, const api::Pod& pod) {
  return pdb.metadata.namespace_ == pod.metadata.namespace_ && pdb.spec.selector &&
         pdb.spec.selector->matches(pod.metadata.labels);
}

// The API group of an apiVersion ("apps/v1" → "apps", "v1" → "").
std::string_view api_group(std::string_view api_version) {
  auto slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
}

// Go's %v of a *metav1.LabelSelector, for the UnmanagedPods message.
std::string selector_string(const std::optional<api::LabelSelector>& sel) {
  if (!sel) {
    return "nil";
  }
  std::string labels;
  for (const auto& [k, v] : sel->match_labels) {
    labels += fmt::format("{}: {},", k, v);
  }
  std::string exprs;
  for (const api::SelectorRequirement& r : sel->match_expressions) {
    static constexpr std::string_view kOps[] = {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"};
    exprs += fmt::format("LabelSelectorRequirement{{Key:{},Operator:{},Values:[{}],}},", r.key,
                         kOps[static_cast<std::size_t>(r.op)], fmt::join(r.values, " "));
  }
  return fmt::format(
      "&LabelSelector{{MatchLabels:map[string]string{{{}}},MatchExpressions:[]LabelSelectorRequirement{{{}}},}}",
      labels, exprs);
}

// apimeta.SetStatusCondition: the transition time changes only with the status.
void set_condition(std::vector<api::MetaCondition>& conditions, api::MetaCondition c) {
  for (api::MetaCondition& existing : conditions) {
    if (existing.type == c.type) {
      if (existing.status != c.status) {
        existing.status = c.status;
        existing.last_transition_time = c.last_transition_time;
      }
      existing.reason = std::move(c.reason);
      existing.message = std::move(c.message);
      existing.observed_generation = c.observed_generation;
      return;
    }
  }
  conditions.push_back(std::move(c));
}

// pdbhelper.ConditionsAreUpToDate.
bool conditions_up_to_date(const api::PodDisruptionBudget& pdb) {
  const api::MetaCondition* c = pdb.status.condition(api::kDisruptionAllowedCondition);
  if (c == nullptr || pdb.status.observed_generation != pdb.metadata.generation) {
    return false;
  }
  if (pdb.status.disruptions_allowed > 0) {
    return c->status == api::ConditionStatus::True && c->reason == api::kSufficientPodsReason;
  }
  return c->status == api::ConditionStatus::False && c->reason == api::kInsufficientPodsReason;
}

}  // namespace

// --- informer handlers ------------------------------------------------------------------------------

class DisruptionController::PdbHandler final : public client::InformerHandler {
 public:
  explicit PdbHandler(DisruptionController& c) : c_(c) {}
  void on_add(const ObjectRef& obj) override { c_.enqueue(client::cache_key(obj.meta())); }
  void on_update(const ObjectRef& /*old_obj*/, const ObjectRef& obj) override {
    c_.enqueue(client::cache_key(obj.meta()));
  }
  void on_delete(const ObjectRef& obj) override { c_.enqueue(client::cache_key(obj.meta())); }

 private:
  DisruptionController& c_;
};

class DisruptionController::PodHandler final : public client::InformerHandler {
 public:
  explicit PodHandler(DisruptionController& c) : c_(c) {}
  void on_add(const ObjectRef& obj) override { c_.enqueue_pdb_for_pod(obj.get<api::Pod>()); }
  void on_update(const ObjectRef& /*old_obj*/, const ObjectRef& obj) override {
    c_.enqueue_pdb_for_pod(obj.get<api::Pod>());
  }
  void on_delete(const ObjectRef& obj) override { c_.enqueue_pdb_for_pod(obj.get<api::Pod>()); }

 private:
  DisruptionController& c_;
};

DisruptionController::DisruptionController(ControllerManager& manager, std::uint32_t index)
    : Controller(manager, index, Options{"disruption-controller", 1}),  // one worker upstream
      pdb_handler_(std::make_unique<PdbHandler>(*this)), pod_handler_(std::make_unique<PodHandler>(*this)),
      pending_(1) {}

DisruptionController::~DisruptionController() = default;

void DisruptionController::start() {
  pdbs_ = &informer(api::Kind::PodDisruptionBudget);
  pods_ = &informer(api::Kind::Pod);
  replica_sets_ = &informer(api::Kind::ReplicaSet);
  deployments_ = &informer(api::Kind::Deployment);
  pdbs_->add_handler(pdb_handler_.get());
  pods_->add_handler(pod_handler_.get());
}

void DisruptionController::enqueue_pdb_for_pod(const api::Pod& pod) {
  const api::PodDisruptionBudget* first = nullptr;
  for (const ObjectRef& ref : pdbs_->list_namespace(pod.metadata.namespace_)) {
    const auto& pdb = ref.get<api::PodDisruptionBudget>();
    if (!selects(pdb, pod)) {
      continue;
    }
    if (first != nullptr) {
      recorder_.record(
          client::reference_to(pod), api::kEventTypeWarning, "MultiplePodDisruptionBudgets",
          fmt::format("Pod \"{}\"/\"{}\" matches multiple PodDisruptionBudgets.  Chose \"{}\" arbitrarily.",
                      pod.metadata.namespace_, pod.metadata.name, first->metadata.name));
      break;
    }
    first = &pdb;
  }
  if (first != nullptr) {
    enqueue(client::cache_key(first->metadata));
  }
}

ReconcileResult DisruptionController::reconcile(const std::string& key) {
  ObjectRef ref = pdbs_->get(key);
  if (!ref) {
    return ReconcileResult::done();
  }
  auto pdb = ref.as<api::PodDisruptionBudget>();
  std::uint32_t worker = current_worker();
  Pending& p = pending_[worker];
  p = Pending{key, pdb, false, std::nullopt};
  api::ObjectReference pdb_ref = client::reference_to(*pdb);

  std::vector<PodPtr> pods;
  for (const ObjectRef& pr : pods_->list_namespace(pdb->metadata.namespace_)) {
    if (pdb->spec.selector && pdb->spec.selector->matches(pr.meta().labels)) {
      pods.push_back(&pr.get<api::Pod>());
    }
  }
  if (pods.empty()) {
    recorder_.record(pdb_ref, api::kEventTypeNormal, "NoPods", "No matching pods found");
  }

  // getExpectedScale: the summed scale of the pods' controllers.
  std::vector<std::string> unmanaged;
  std::string error;
  auto expected_scale = [&]() -> std::int32_t {
    std::map<std::string, std::int32_t> scale;  // by controller uid
    for (PodPtr pod : pods) {
      const api::OwnerReference* owner = pod->metadata.controller_ref();
      if (owner == nullptr) {
        unmanaged.push_back(pod->metadata.name);
        continue;
      }
      if (scale.contains(owner->uid)) {
        continue;
      }
      bool found = false;
      if (owner->kind == "ReplicaSet" && (api_group(owner->api_version) == "apps")) {
        ObjectRef rs_ref = replica_sets_->get(pod->metadata.namespace_, owner->name);
        if (rs_ref && rs_ref.meta().uid == owner->uid) {
          const auto& rs = rs_ref.get<api::ReplicaSet>();
          // A Deployment's ReplicaSets count with the Deployment's scale.
          const api::OwnerReference* rs_owner = rs.metadata.controller_ref();
          ObjectRef d_ref;
          if (rs_owner != nullptr && rs_owner->kind == "Deployment") {
            d_ref = deployments_->get(rs.metadata.namespace_, rs_owner->name);
          }
          if (d_ref && d_ref.meta().uid == rs_owner->uid) {
            scale[rs_owner->uid] = d_ref.get<api::Deployment>().spec.replicas;
          } else {
            // No live Deployment: the ReplicaSet's own scale (its scale subresource, upstream).
            scale[owner->uid] = rs.spec.replicas;
          }
          found = true;
        }
      } else if (owner->kind == "Job" && api_group(owner->api_version) == "batch") {
        error = "jobs.batch does not implement the scale subresource";
        return 0;
      }
      if (!found) {
        error = fmt::format("found no controllers for pod \"{}\"", pod->metadata.name);
        return 0;
      }
    }
    std::int32_t total = 0;
    for (const auto& [uid, n] : scale) {
      total += n;
    }
    return total;
  };

  // getExpectedPodCount.
  std::int32_t expected = 0;
  std::int32_t desired = 0;
  const api::PodDisruptionBudgetSpec& spec = pdb->spec;
  auto scaled = [&](const api::IntOrString& v, std::int32_t total) -> std::int32_t {
    std::optional<std::int32_t> s = v.scaled_value(total, true);
    if (!s) {
      error = fmt::format("invalid value for IntOrString: invalid value \"{}\"", v.str());
      return 0;
    }
    return *s;
  };
  if (spec.max_unavailable) {
    expected = expected_scale();
    if (error.empty()) {
      std::int32_t max_unavailable = scaled(*spec.max_unavailable, expected);
      desired = std::max(expected - max_unavailable, 0);
    }
  } else if (spec.min_available) {
    if (!spec.min_available->is_string) {
      desired = spec.min_available->int_value;
      expected = static_cast<std::int32_t>(pods.size());
    } else {
      expected = expected_scale();
      if (error.empty()) {
        desired = scaled(*spec.min_available, expected);
      }
    }
  }
  if (!error.empty()) {
    recorder_.record(pdb_ref, api::kEventTypeWarning, "CalculateExpectedPodCountFailed",
                     fmt::format("Failed to calculate the number of expected pods: {}", error));
    fail_safe(worker, error);
    return ReconcileResult::pending();
  }
  if (!unmanaged.empty()) {
    recorder_.record(pdb_ref, api::kEventTypeWarning, "UnmanagedPods",
                     fmt::format("Pods selected by this PodDisruptionBudget (selector: {}) were found to be "
                                 "unmanaged. As a result, the status of the PDB cannot be calculated correctly, which "
                                 "may result in undefined behavior. To account for these pods please set "
                                 "\".spec.minAvailable\" field of the PDB to an integer value.",
                                 selector_string(spec.selector)));
  }

  // buildDisruptedPodMap and countHealthyPods.
  SimTime t = now();
  api::DisruptedPods disrupted;
  std::optional<SimTime> recheck;
  for (PodPtr pod : pods) {
    if (pod->metadata.deletion_timestamp) {
      continue;
    }
    const SimTime* at = pdb->status.disrupted_pods.find(pod->metadata.name);
    if (at == nullptr) {
      continue;
    }
    SimTime expected_deletion = *at + kPdbDeletionTimeout;
    if (expected_deletion < t) {
      recorder_.record(client::reference_to(*pod), api::kEventTypeWarning, "NotDeleted",
                       fmt::format("Pod was expected by PDB {}/{} to be deleted but it wasn't",
                                   pdb->metadata.namespace_, pdb->metadata.namespace_));
    } else {
      if (!recheck || expected_deletion < *recheck) {
        recheck = expected_deletion;
      }
      disrupted.set(pod->metadata.name, *at);
    }
  }
  std::int32_t healthy = 0;
  for (PodPtr pod : pods) {
    if (pod->metadata.deletion_timestamp) {
      continue;
    }
    const SimTime* at = disrupted.find(pod->metadata.name);
    if (at != nullptr && *at + kPdbDeletionTimeout > t) {
      continue;
    }
    if (is_pod_ready(*pod)) {
      ++healthy;
    }
  }

  // updatePdbStatus.
  std::int32_t allowed = healthy - desired;
  if (expected <= 0 || allowed <= 0) {
    allowed = 0;
  }
  const api::PodDisruptionBudgetStatus& s = pdb->status;
  if (recheck) {
    p.recheck = *recheck - t;
  }
  if (s.current_healthy == healthy && s.desired_healthy == desired && s.expected_pods == expected &&
      s.disruptions_allowed == allowed && s.disrupted_pods == disrupted &&
      s.observed_generation == pdb->metadata.generation && conditions_up_to_date(*pdb)) {
    if (p.recheck) {
      enqueue_after(key, *p.recheck);
    }
    return ReconcileResult::done();
  }
  api::PodDisruptionBudget next = *pdb;
  next.status.current_healthy = healthy;
  next.status.desired_healthy = desired;
  next.status.expected_pods = expected;
  next.status.disruptions_allowed = allowed;
  next.status.disrupted_pods = std::move(disrupted);
  next.status.observed_generation = pdb->metadata.generation;
  bool ok = allowed > 0;
  set_condition(next.status.conditions,
                api::MetaCondition{std::string(api::kDisruptionAllowedCondition),
                                   ok ? api::ConditionStatus::True : api::ConditionStatus::False,
                                   next.status.observed_generation, t,
                                   std::string(ok ? api::kSufficientPodsReason : api::kInsufficientPodsReason), ""});
  client_.update_status(api::AnyObject(std::move(next)), worker, true);
  return ReconcileResult::pending();
}

void DisruptionController::fail_safe(std::uint32_t worker, const std::string& message) {
  Pending& p = pending_[worker];
  p.fail_safe = true;
  api::PodDisruptionBudget next = *p.pdb;
  next.status.disruptions_allowed = 0;
  set_condition(next.status.conditions, api::MetaCondition{std::string(api::kDisruptionAllowedCondition),
                                                           api::ConditionStatus::False, next.status.observed_generation,
                                                           now(), std::string(api::kSyncFailedReason), message});
  client_.update_status(api::AnyObject(std::move(next)), worker, true);
}

void DisruptionController::on_reply(const client::Reply& reply) {
  auto worker = static_cast<std::uint32_t>(reply.tag);
  Pending& p = pending_[worker];
  if (reply.code == client::ResultCode::Ok) {
    if (p.recheck) {
      enqueue_after(p.key, *p.recheck);
    }
    finish(worker, ReconcileResult::done());
    return;
  }
  // A Conflict (stale cache) is simply retried; any other failure of the status write falls back to
  // failSafe once.
  if (reply.code == client::ResultCode::Conflict || p.fail_safe) {
    finish(worker, ReconcileResult::requeue());
    return;
  }
  p.recheck.reset();
  fail_safe(worker, reply.message);
}

}  // namespace kubesim::controllers
