#pragma once

/// JobController (pkg/controller/job/job_controller.go): runs a Job's pods until `completions` succeed
/// (NonIndexed: that many successes; Indexed: every index 0..completions-1 once), at most `parallelism`
/// at a time.
///
/// - Pods are created from the template (generateName "<job>-", controller ownerReference) in
///   slow-start batches 1, 2, 4, … (at most 500 per sync), like upstream manageJob; Indexed pods carry
///   the `batch.kubernetes.io/job-completion-index` annotation and label and are named
///   "<job>-<index>-…" by generateName, lowest missing index first.
/// - Terminal pods are counted once each (upstream tracks them with finalizers; kubesim remembers the
///   counted pod UIDs, which gives the same counts): Succeeded → status.succeeded, Failed or deleted
///   before finishing → status.failed.
/// - A new pod after failures waits the pod-failure back-off: 10 s · 2^(failures since the last
///   success − 1), at most 10 min, from the last failure.
/// - The Job fails when failed > backoffLimit (BackoffLimitExceeded, "Job has reached the specified
///   backoff limit") or when activeDeadlineSeconds have passed since status.startTime
///   (DeadlineExceeded, "Job was active longer than specified deadline"); its active pods are deleted.
/// - It completes (condition Complete, completionTime, event Completed) when enough pods succeeded;
///   remaining active pods are deleted. `suspend` deletes active pods and stops creating them.
/// - Pod changes reach the Job after syncJobBatchPeriod = 1 s, as upstream batches them.
/// Events: SuccessfulCreate, FailedCreate, SuccessfulDelete, Completed, BackoffLimitExceeded,
/// DeadlineExceeded, Suspended, Resumed.

#include "kubesim/controllers/controller.hpp"
#include "kubesim/controllers/expectations.hpp"

#include <map>
#include <memory>
#include <set>
#include <vector>

namespace kubesim::controllers {

inline constexpr std::string_view kJobCompletionIndexAnnotation = "batch.kubernetes.io/job-completion-index";
inline constexpr Duration kJobPodFailureBackOff = Duration::from_seconds(10);
inline constexpr Duration kMaxJobPodFailureBackOff = Duration::from_seconds(600);
inline constexpr Duration kSyncJobBatchPeriod = Duration::from_seconds(1);
inline constexpr std::int32_t kMaxPodCreateDeletePerSync = 500;

/// The pod-failure back-off after `failures` failures since the last success (0 → none).
Duration job_pod_failure_backoff(std::int32_t failures);

/// "1-3,5,7-9": upstream's compressed representation of completed indexes.
std::string format_completed_indexes(const std::set<std::int32_t>& indexes);

class JobController final : public Controller {
 public:
  JobController(ControllerManager& manager, std::uint32_t index);
  ~JobController() override;

  void start() override;
  ReconcileResult reconcile(const std::string& key) override;
  void on_reply(const client::Reply& reply) override;

 private:
  class JobHandler;
  class PodHandler;
  friend class JobHandler;
  friend class PodHandler;

  /// What the controller has counted for one Job (upstream: uncountedTerminatedPods + status).
  struct Tracking {
    std::string uid;
    std::set<std::string> succeeded_pods;
    std::set<std::string> failed_pods;
    std::set<std::int32_t> succeeded_indexes;
    std::int32_t failures_since_success = 0;
    std::optional<SimTime> last_failure;
  };
  /// A sync waiting for its creations (one per busy worker).
  struct Pending {
    std::string key;
    std::shared_ptr<const api::Job> job;
    std::vector<std::int32_t> indexes;  // Indexed: the indexes still to create, in order
    std::int32_t to_create = 0;
    std::int32_t batch = 0;
    std::int32_t outstanding = 0;
    bool failed = false;
  };

  void on_pod_event(const api::Pod& pod, bool deleted, bool added);
  std::shared_ptr<const api::Job> owner_of(const api::Pod& pod) const;
  Tracking& tracking(const api::Job& job);
  void count_terminal(Tracking& t, const api::Pod& pod, bool deleted);
  void issue_batch(std::uint32_t worker);
  void delete_pods(const api::Job& job, const std::vector<std::shared_ptr<const api::Pod>>& pods);
  void write_status(const api::Job& job, api::JobStatus status);

  std::unique_ptr<JobHandler> job_handler_;
  std::unique_ptr<PodHandler> pod_handler_;
  client::Informer* job_informer_ = nullptr;
  client::Informer* pod_informer_ = nullptr;
  Expectations expectations_;
  std::map<std::string, Tracking, std::less<>> tracking_;
  std::vector<Pending> pending_;
};

}  // namespace kubesim::controllers
