#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/cluster/cluster.hpp"
#include "kubesim/controllers/job_controller.hpp"
#include "kubesim/scenario/loader.hpp"

#include <map>

using namespace kubesim;
using namespace kubesim::base::literals;

namespace {

std::unique_ptr<cluster::Cluster> run_job(std::string_view job_spec, std::string_view duration = "10m") {
  std::string yaml = fmt::format(R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {{name: job}}
spec:
  seed: 1
  duration: {}
  cluster:
    nodePools:
    - name: n
      count: 2
      template:
        status:
          capacity: {{cpu: "4", memory: 16Gi}}
  objects:
  - apiVersion: batch/v1
    kind: Job
    metadata: {{name: pi}}
    spec:
{})",
                                 duration, job_spec);
  auto spec = scenario::parse_scenario(yaml, "job.yaml");
  REQUIRE(spec.has_value());
  auto c = cluster::Cluster::build(spec.value(), {});
  REQUIRE(c.has_value());
  c.value()->run();
  return std::move(c.value());
}

const api::JobCondition* condition(const api::Job& job, std::string_view type) {
  for (const api::JobCondition& c : job.status.conditions) {
    if (c.type == type) {
      return &c;
    }
  }
  return nullptr;
}

constexpr std::string_view kTemplate = R"(      template:
        metadata:
          annotations: {kubesim.io/duration: 20s}
        spec:
          restartPolicy: Never
          containers: [{name: pi, image: "perl:5.34", resources: {requests: {cpu: 500m}}}]
)";

}  // namespace

TEST_CASE("pod failure back-off doubles from 10 s up to 10 minutes", "[controllers][job]") {
  CHECK(controllers::job_pod_failure_backoff(0) == 0_s);
  CHECK(controllers::job_pod_failure_backoff(1) == 10_s);
  CHECK(controllers::job_pod_failure_backoff(2) == 20_s);
  CHECK(controllers::job_pod_failure_backoff(4) == 80_s);
  CHECK(controllers::job_pod_failure_backoff(7) == 600_s);
  CHECK(controllers::job_pod_failure_backoff(50) == 600_s);
}

TEST_CASE("completed indexes are written as ranges", "[controllers][job]") {
  CHECK(controllers::format_completed_indexes({}).empty());
  CHECK(controllers::format_completed_indexes({0}) == "0");
  CHECK(controllers::format_completed_indexes({1, 2, 3, 5, 7, 8, 9}) == "1-3,5,7-9");
}

TEST_CASE("a Job runs completions pods, parallelism at a time, then completes", "[controllers][job]") {
  auto c = run_job(std::string("      completions: 6\n      parallelism: 2\n") + std::string(kTemplate));
  // Three waves of two pods (each wave's pods a slow-start batch of 1 then 1, milliseconds apart);
  // a wave starts only after the previous one finished.
  std::vector<std::pair<base::SimTime, base::SimTime>> runs;  // created, finished
  for (const metrics::PodRecord& r : c->pods().records()) {
    CHECK(r.phase == api::PodPhase::Succeeded);
    REQUIRE(r.finished.has_value());
    runs.emplace_back(r.created, *r.finished);
  }
  REQUIRE(runs.size() == 6);
  for (std::size_t i = 0; i < runs.size(); i += 2) {
    CHECK(runs[i + 1].first - runs[i].first < 1_s);
    if (i > 0) {
      CHECK(runs[i].first > runs[i - 1].second);
    }
  }
  auto job = c->api().store().get<api::Job>("default", "pi");
  CHECK(job->status.succeeded == 6);
  CHECK(job->status.failed == 0);
  CHECK(job->status.active == 0);
  const api::JobCondition* complete = condition(*job, "Complete");
  REQUIRE(complete != nullptr);
  CHECK(complete->status == api::ConditionStatus::True);
  REQUIRE(job->status.completion_time.has_value());
  CHECK(*job->status.completion_time > base::SimTime::zero() + 60_s);
  CHECK(job->metadata.labels.empty());
  CHECK(job->spec.selector.match_labels.contains("batch.kubernetes.io/controller-uid"));
}

TEST_CASE("an Indexed Job runs each index once", "[controllers][job]") {
  auto c = run_job(std::string("      completions: 4\n      parallelism: 4\n      completionMode: Indexed\n") +
                   std::string(kTemplate));
  auto job = c->api().store().get<api::Job>("default", "pi");
  CHECK(job->status.succeeded == 4);
  CHECK(job->status.completed_indexes == "0-3");
  std::set<std::string> prefixes;
  for (const metrics::PodRecord& r : c->pods().records()) {
    prefixes.insert(r.name.substr(0, 5));  // "pi-0-", "pi-1-", ...
  }
  CHECK(prefixes == std::set<std::string>{"pi-0-", "pi-1-", "pi-2-", "pi-3-"});
}

TEST_CASE("activeDeadlineSeconds fails the Job and deletes its pods", "[controllers][job]") {
  auto c = run_job(R"(      completions: 4
      parallelism: 2
      activeDeadlineSeconds: 15
      template:
        metadata:
          annotations: {kubesim.io/duration: 1m}
        spec:
          restartPolicy: Never
          containers: [{name: pi, image: "perl:5.34", resources: {requests: {cpu: 500m}}}]
)");
  auto job = c->api().store().get<api::Job>("default", "pi");
  const api::JobCondition* failed = condition(*job, "Failed");
  REQUIRE(failed != nullptr);
  CHECK(failed->reason == "DeadlineExceeded");
  CHECK(failed->message == "Job was active longer than specified deadline");
  CHECK(failed->last_transition_time >= base::SimTime::zero() + 15_s);
  CHECK(failed->last_transition_time < base::SimTime::zero() + 16_s);
  int deleted = 0;
  for (const metrics::PodRecord& r : c->pods().records()) {
    deleted += r.deleted ? 1 : 0;
  }
  CHECK(deleted == 2);
}

TEST_CASE("failing pods back off and the Job fails past backoffLimit", "[controllers][job]") {
  // Bound to a node too small for it, each pod is rejected by the kubelet (OutOfcpu) and fails.
  auto c = run_job(R"(      completions: 1
      backoffLimit: 2
      template:
        spec:
          restartPolicy: Never
          nodeName: n-0
          containers: [{name: pi, image: "perl:5.34", resources: {requests: {cpu: "10"}}}]
)");
  auto job = c->api().store().get<api::Job>("default", "pi");
  const api::JobCondition* failed = condition(*job, "Failed");
  REQUIRE(failed != nullptr);
  CHECK(failed->reason == "BackoffLimitExceeded");
  CHECK(job->status.failed == 3);
  std::vector<base::SimTime> created;
  for (const metrics::PodRecord& r : c->pods().records()) {
    CHECK(r.phase == api::PodPhase::Failed);
    created.push_back(r.created);
  }
  REQUIRE(created.size() == 3);
  // Replacements wait 10 s, then 20 s, after the failure (plus the 1 s sync batching).
  CHECK(created[1] - created[0] >= 10_s);
  CHECK(created[1] - created[0] < 12_s);
  CHECK(created[2] - created[1] >= 20_s);
  CHECK(created[2] - created[1] < 22_s);
}
