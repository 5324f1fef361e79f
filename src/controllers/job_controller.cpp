#include "kubesim/controllers/job_controller.hpp"

#include "kubesim/controllers/controller_manager.hpp"
#include "kubesim/controllers/pod_util.hpp"
#include "kubesim/controllers/replica_set_controller.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace kubesim::controllers {
namespace {

using PodPtr = std::shared_ptr<const api::Pod>;

constexpr std::string_view kKind = "Job";
constexpr std::string_view kApiVersion = "batch/v1";

std::uint64_t make_tag(std::uint32_t worker, bool create) { return worker | (create ? 0U : 1ULL << 16); }
std::uint32_t tag_worker(std::uint64_t tag) { return static_cast<std::uint32_t>(tag & 0xFFFF); }
bool tag_create(std::uint64_t tag) { return (tag >> 16) == 0; }

std::optional<std::int32_t> completion_index(const api::Pod& pod) {
  const std::string* v = pod.metadata.annotations.find(kJobCompletionIndexAnnotation);
  if (v == nullptr) {
    return std::nullopt;
  }
  std::int32_t out = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || ptr != v->data() + v->size() || out < 0) {
    return std::nullopt;
  }
  return out;
}

void set_condition(api::JobStatus& s, api::JobCondition c) {
  for (api::JobCondition& old : s.conditions) {
    if (old.type == c.type) {
      if (old.status != c.status) {
        old = std::move(c);
      }
      return;
    }
  }
  s.conditions.push_back(std::move(c));
}

}  // namespace

Duration job_pod_failure_backoff(std::int32_t failures) {
  if (failures <= 0) {
    return Duration::zero();
  }
  Duration d = kJobPodFailureBackOff;
  for (std::int32_t i = 1; i < failures && d < kMaxJobPodFailureBackOff; ++i) {
    d = d + d;
  }
  return std::min(d, kMaxJobPodFailureBackOff);
}

std::string format_completed_indexes(const std::set<std::int32_t>& indexes) {
  std::string out;
  auto it = indexes.begin();
  while (it != indexes.end()) {
    std::int32_t first = *it;
    std::int32_t last = first;
    for (++it; it != indexes.end() && *it == last + 1; ++it) {
      last = *it;
    }
    if (!out.empty()) {
      out += ",";
    }
    out += first == last ? std::to_string(first) : fmt::format("{}-{}", first, last);
  }
  return out;
}

// --- informer handlers ------------------------------------------------------------------------------

class JobController::JobHandler final : public client::InformerHandler {
 public:
  explicit JobHandler(JobController& c) : c_(c) {}
  void on_add(const ObjectRef& obj) override { c_.enqueue(client::cache_key(obj.meta())); }
  void on_update(const ObjectRef& /*old_obj*/, const ObjectRef& obj) override {
    c_.enqueue(client::cache_key(obj.meta()));
  }
  void on_delete(const ObjectRef& obj) override {
    std::string key = client::cache_key(obj.meta());
    c_.tracking_.erase(key);
    c_.expectations_.forget(key);
    c_.enqueue(key);
  }

 private:
  JobController& c_;
};

class JobController::PodHandler final : public client::InformerHandler {
 public:
  explicit PodHandler(JobController& c) : c_(c) {}
  void on_add(const ObjectRef& obj) override { c_.on_pod_event(obj.get<api::Pod>(), false, true); }
  void on_update(const ObjectRef& /*old_obj*/, const ObjectRef& obj) override {
    c_.on_pod_event(obj.get<api::Pod>(), false, false);
  }
  void on_delete(const ObjectRef& obj) override { c_.on_pod_event(obj.get<api::Pod>(), true, false); }

 private:
  JobController& c_;
};

JobController::JobController(ControllerManager& manager, std::uint32_t index)
    : Controller(manager, index, Options{"job-controller", manager.config().concurrent_job_syncs}),
      job_handler_(std::make_unique<JobHandler>(*this)), pod_handler_(std::make_unique<PodHandler>(*this)) {
  pending_.resize(static_cast<std::size_t>(std::max(1, manager.config().concurrent_job_syncs)));
}

JobController::~JobController() = default;

void JobController::start() {
  job_informer_ = &informer(api::Kind::Job);
  pod_informer_ = &informer(api::Kind::Pod);
  job_informer_->add_handler(job_handler_.get());
  pod_informer_->add_handler(pod_handler_.get());
}

std::shared_ptr<const api::Job> JobController::owner_of(const api::Pod& pod) const {
  const api::OwnerReference* ref = pod.metadata.controller_ref();
  if (ref == nullptr || ref->kind != kKind) {
    return nullptr;
  }
  ObjectRef job = job_informer_->get(pod.metadata.namespace_, ref->name);
  if (!job || job.meta().uid != ref->uid) {
    return nullptr;
  }
  return job.as<api::Job>();
}

JobController::Tracking& JobController::tracking(const api::Job& job) {
  Tracking& t = tracking_[client::cache_key(job.metadata)];
  if (t.uid != job.metadata.uid) {
    t = Tracking{};
    t.uid = job.metadata.uid;
  }
  return t;
}

void JobController::count_terminal(Tracking& t, const api::Pod& pod, bool deleted) {
  const std::string& uid = pod.metadata.uid;
  if (t.succeeded_pods.contains(uid) || t.failed_pods.contains(uid)) {
    return;
  }
  if (pod.status.phase == api::PodPhase::Succeeded) {
    t.succeeded_pods.insert(uid);
    if (std::optional<std::int32_t> idx = completion_index(pod)) {
      t.succeeded_indexes.insert(*idx);
    }
    t.failures_since_success = 0;
    t.last_failure.reset();
  } else if (pod.status.phase == api::PodPhase::Failed || deleted || pod.metadata.deletion_timestamp) {
    // A pod that failed, or went away (or is going away) before succeeding, counts as a failure.
    t.failed_pods.insert(uid);
    ++t.failures_since_success;
    t.last_failure = now();
  }
}

void JobController::on_pod_event(const api::Pod& pod, bool deleted, bool added) {
  std::shared_ptr<const api::Job> job = owner_of(pod);
  if (!job) {
    return;
  }
  std::string key = client::cache_key(job->metadata);
  if (added) {
    expectations_.creation_observed(key);
  }
  if (deleted || pod.metadata.deletion_timestamp) {
    expectations_.deletion_observed(key, client::cache_key(pod.metadata));
  }
  if (deleted && !job->status.finished()) {
    count_terminal(tracking(*job), pod, true);
  }
  // syncJobBatchPeriod: pod changes are batched for a second.
  enqueue_after(key, kSyncJobBatchPeriod);
}

// --- sync ---------------------------------------------------------------------------------------------

ReconcileResult JobController::reconcile(const std::string& key) {
  ObjectRef ref = job_informer_->get(key);
  if (!ref) {
    tracking_.erase(key);
    expectations_.forget(key);
    return ReconcileResult::done();
  }
  auto job = ref.as<api::Job>();
  if (job->status.finished()) {
    return ReconcileResult::done();
  }
  Tracking& t = tracking(*job);
  std::vector<PodPtr> active;
  std::set<std::int32_t> active_indexes;
  std::int32_t ready = 0;
  std::int32_t created_observed = 0;
  for (const ObjectRef& pref : pod_informer_->list_namespace(job->metadata.namespace_)) {
    const auto& pod = pref.get<api::Pod>();
    if (!is_controlled_by(pod.metadata, kKind, job->metadata.uid)) {
      continue;
    }
    ++created_observed;
    if (!is_pod_active(pod)) {
      count_terminal(t, pod, false);
      continue;
    }
    active.push_back(pref.as<api::Pod>());
    if (is_pod_ready(pod)) {
      ++ready;
    }
    if (std::optional<std::int32_t> idx = completion_index(pod)) {
      active_indexes.insert(*idx);
    }
  }
  const bool indexed = job->spec.completion_mode == "Indexed";
  const auto succeeded = static_cast<std::int32_t>(indexed ? t.succeeded_indexes.size() : t.succeeded_pods.size());
  const auto failed = static_cast<std::int32_t>(t.failed_pods.size());
  const std::int32_t parallelism = job->spec.parallelism.value_or(1);
  const SimTime t_now = now();

  api::JobStatus status = job->status;
  if (!status.start_time && !job->spec.suspend) {
    status.start_time = t_now;
  }
  status.succeeded = succeeded;
  status.failed = failed;
  status.ready = ready;
  if (indexed) {
    status.completed_indexes = format_completed_indexes(t.succeeded_indexes);
  }
  api::ObjectReference job_ref = client::reference_to(*job);

  // Finished? Failure first, as upstream.
  std::optional<std::pair<std::string, std::string>> failure;
  if (failed > job->spec.backoff_limit) {
    failure.emplace("BackoffLimitExceeded", "Job has reached the specified backoff limit");
  } else if (job->spec.active_deadline_seconds && status.start_time &&
             t_now - *status.start_time >= Duration::from_seconds(*job->spec.active_deadline_seconds)) {
    failure.emplace("DeadlineExceeded", "Job was active longer than specified deadline");
  }
  bool complete = false;
  if (!failure) {
    if (job->spec.completions) {
      complete = succeeded >= *job->spec.completions;
    } else {
      // Without completions, the Job is done when a pod succeeded and none is still running.
      complete = succeeded > 0 && active.empty();
    }
  }
  if (failure || complete) {
    delete_pods(*job, active);
    status.active = 0;
    status.ready = 0;
    if (failure) {
      set_condition(status,
                    api::JobCondition{"Failed", api::ConditionStatus::True, failure->first, failure->second, t_now});
      recorder_.record(job_ref, api::kEventTypeWarning, failure->first, failure->second);
    } else {
      set_condition(status, api::JobCondition{"Complete", api::ConditionStatus::True, "", "", t_now});
      status.completion_time = t_now;
      recorder_.record(job_ref, api::kEventTypeNormal, "Completed", "Job completed");
    }
    write_status(*job, std::move(status));
    return ReconcileResult::done();
  }
  if (job->spec.suspend) {
    delete_pods(*job, active);
    status.active = 0;
    status.ready = 0;
    if (status.conditions.empty() || status.conditions.back().type != "Suspended") {
      set_condition(status,
                    api::JobCondition{"Suspended", api::ConditionStatus::True, "JobSuspended", "Job suspended", t_now});
      recorder_.record(job_ref, api::kEventTypeNormal, "Suspended", "Job suspended");
    }
    write_status(*job, std::move(status));
    return ReconcileResult::done();
  }

  // manageJob: how many pods should run.
  std::int32_t want = 0;
  if (job->spec.completions) {
    want = std::min(parallelism, *job->spec.completions - succeeded);
  } else {
    want = succeeded > 0 ? 0 : parallelism;
  }
  want = std::max(want, 0);
  auto n_active = static_cast<std::int32_t>(active.size());
  status.active = n_active;

  std::uint32_t worker = current_worker();
  Pending& p = pending_[worker];
  p = Pending{};
  p.key = key;
  p.job = job;
  std::optional<Duration> requeue;
  if (expectations_.satisfied(key, t_now)) {
    if (n_active > want) {
      std::int32_t n = std::min(n_active - want, kMaxPodCreateDeletePerSync);
      rank_pods_for_deletion(active, active, t_now);
      active.resize(static_cast<std::size_t>(n));
      delete_pods(*job, active);
    } else if (n_active < want) {
      // Pod failure back-off: no new pod until it has passed since the last failure.
      Duration backoff = job_pod_failure_backoff(t.failures_since_success);
      if (t.last_failure && *t.last_failure + backoff > t_now) {
        requeue = *t.last_failure + backoff - t_now;
      } else {
        std::int32_t n = std::min(want - n_active, kMaxPodCreateDeletePerSync);
        if (indexed) {
          for (std::int32_t i = 0; static_cast<std::int32_t>(p.indexes.size()) < n && i < *job->spec.completions; ++i) {
            if (!t.succeeded_indexes.contains(i) && !active_indexes.contains(i)) {
              p.indexes.push_back(i);
            }
          }
          n = static_cast<std::int32_t>(p.indexes.size());
        }
        if (n > 0) {
          expectations_.expect_creations(key, n, t_now);
          p.to_create = n;
          p.batch = 1;  // SlowStartInitialBatchSize
        }
      }
    }
  }
  write_status(*job, std::move(status));
  if (job->spec.active_deadline_seconds) {
    // Look again when the deadline passes.
    SimTime deadline = *(job->status.start_time ? job->status.start_time : std::optional<SimTime>(t_now)) +
                       Duration::from_seconds(*job->spec.active_deadline_seconds);
    if (deadline > t_now) {
      enqueue_after(key, deadline - t_now);
    }
  }
  if (requeue) {
    enqueue_after(key, *requeue);
  }
  if (p.to_create > 0) {
    issue_batch(worker);
    return ReconcileResult::pending();
  }
  return ReconcileResult::done();
}

void JobController::issue_batch(std::uint32_t worker) {
  Pending& p = pending_[worker];
  std::int32_t n = std::min(p.batch, p.to_create);
  for (std::int32_t k = 0; k < n; ++k) {
    api::Pod pod = pod_from_template(p.job->spec.template_, p.job->metadata, kApiVersion, kKind);
    if (!p.indexes.empty()) {
      std::int32_t idx = p.indexes.front();
      p.indexes.erase(p.indexes.begin());
      std::string value = std::to_string(idx);
      pod.metadata.annotations.set(std::string(kJobCompletionIndexAnnotation), value);
      pod.metadata.labels.set(std::string(kJobCompletionIndexAnnotation), value);
      pod.metadata.generate_name = fmt::format("{}-{}-", p.job->metadata.name, idx);
    }
    client_.create(api::AnyObject(std::move(pod)), make_tag(worker, true), true);
  }
  p.to_create -= n;
  p.outstanding += n;
  p.batch = std::min(2 * p.batch, p.to_create);
}

void JobController::on_reply(const client::Reply& reply) {
  if (!tag_create(reply.tag)) {
    return;  // deletions: the informer reports them
  }
  std::uint32_t worker = tag_worker(reply.tag);
  Pending& p = pending_[worker];
  api::ObjectReference job_ref = client::reference_to(*p.job);
  if (reply.code == client::ResultCode::Ok) {
    recorder_.record(job_ref, api::kEventTypeNormal, "SuccessfulCreate",
                     fmt::format("Created pod: {}", reply.object.meta().name));
  } else {
    expectations_.creation_observed(p.key);
    recorder_.record(job_ref, api::kEventTypeWarning, "FailedCreate", fmt::format("Error creating: {}", reply.message));
    p.failed = true;
  }
  if (--p.outstanding > 0) {
    return;
  }
  if (p.to_create > 0 && !p.failed) {
    issue_batch(worker);
    return;
  }
  for (std::int32_t k = 0; k < p.to_create; ++k) {
    expectations_.creation_observed(p.key);
  }
  p.to_create = 0;
  finish(worker, p.failed ? ReconcileResult::requeue() : ReconcileResult::done());
}

void JobController::delete_pods(const api::Job& job, const std::vector<PodPtr>& pods) {
  if (pods.empty()) {
    return;
  }
  std::string key = client::cache_key(job.metadata);
  std::vector<std::string> keys;
  for (const PodPtr& pod : pods) {
    keys.push_back(client::cache_key(pod->metadata));
  }
  expectations_.expect_deletions(key, keys, now());
  api::ObjectReference job_ref = client::reference_to(job);
  for (const PodPtr& pod : pods) {
    client_.remove(api::Kind::Pod, pod->metadata.namespace_, pod->metadata.name, std::nullopt, make_tag(0, false));
    recorder_.record(job_ref, api::kEventTypeNormal, "SuccessfulDelete",
                     fmt::format("Deleted pod: {}", pod->metadata.name));
  }
}

void JobController::write_status(const api::Job& job, api::JobStatus status) {
  if (status == job.status) {
    return;
  }
  api::Job next = job;
  next.status = std::move(status);
  next.metadata.resource_version = 0;
  client_.update_status(api::AnyObject(std::move(next)));
}

}  // namespace kubesim::controllers
