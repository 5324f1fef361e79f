#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/cluster/cluster.hpp"
#include "kubesim/controllers/deployment_util.hpp"
#include "kubesim/scenario/loader.hpp"

#include <algorithm>
#include <functional>
#include <map>

using namespace kubesim;
using namespace kubesim::base::literals;
using controllers::kDeploymentAvailable;
using controllers::kDeploymentProgressing;

namespace {

std::unique_ptr<cluster::Cluster> build(const std::string& yaml) {
  auto spec = scenario::parse_scenario(yaml, "deploy.yaml");
  if (!spec.has_value()) {
    UNSCOPED_INFO(spec.error().str());
  }
  REQUIRE(spec.has_value());
  auto c = cluster::Cluster::build(spec.value(), {});
  REQUIRE(c.has_value());
  return std::move(c.value());
}

std::string scenario_yaml(std::string_view objects, std::string_view timeline = "", std::string_view duration = "5m",
                          std::string_view cpu = "8") {
  return fmt::format(R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {{name: deploy}}
spec:
  seed: 1
  duration: {}
  cluster:
    nodePools:
    - name: n
      count: 4
      template:
        status:
          capacity: {{cpu: "{}", memory: 32Gi}}
  objects:
{}
  timeline:{})",
                     duration, cpu, objects, timeline.empty() ? " []" : "\n" + std::string(timeline));
}

/// A Deployment `web` (app=web) with `replicas`, `image`, and extra spec lines (strategy, ...).
std::string deployment(int replicas, std::string_view image, std::string_view extra_spec = "",
                       std::string_view indent = "  ") {
  std::string body = fmt::format(R"(- apiVersion: apps/v1
  kind: Deployment
  metadata: {{name: web}}
  spec:
    replicas: {}
    selector: {{matchLabels: {{app: web}}}}
{}    template:
      metadata: {{labels: {{app: web}}}}
      spec:
        containers: [{{name: web, image: "{}", resources: {{requests: {{cpu: 100m}}}}}}]
)",
                                 replicas, extra_spec, image);
  std::string out;
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find('\n', start);
    out += indent;
    out += body.substr(start, end - start + 1);
    start = end + 1;
  }
  return out;
}

/// An orphan ReplicaSet with the Deployment's labels (a previous revision to adopt).
std::string orphan_replica_set(std::string_view name, int replicas, std::string_view image,
                               std::string_view extra_labels = "", std::string_view annotations = "{}") {
  return fmt::format(R"(  - apiVersion: apps/v1
    kind: ReplicaSet
    metadata: {{name: {}, labels: {{app: web}}, annotations: {}}}
    spec:
      replicas: {}
      selector: {{matchLabels: {{app: web{}}}}}
      template:
        metadata: {{labels: {{app: web{}}}}}
        spec:
          containers: [{{name: web, image: "{}", resources: {{requests: {{cpu: 100m}}}}}}]
)",
                     name, annotations, replicas, extra_labels, extra_labels, image);
}

std::vector<std::shared_ptr<const api::ReplicaSet>> replica_sets(const cluster::Cluster& c) {
  std::vector<std::shared_ptr<const api::ReplicaSet>> out;
  for (const store::ObjectRef& r : c.api().store().list(api::Kind::ReplicaSet)) {
    out.push_back(r.as<api::ReplicaSet>());
  }
  return out;
}

std::shared_ptr<const api::ReplicaSet> controlled_rs_with_image(const cluster::Cluster& c, std::string_view image) {
  for (auto& rs : replica_sets(c)) {
    if (rs->spec.template_.spec.containers.at(0).image == image) {
      return rs;
    }
  }
  return nullptr;
}

/// Pod counts at one instant: by container image, active (not terminating) and ready among those.
struct PodCounts {
  std::map<std::string, int> existing;  // every pod in the store, terminating ones included
  std::map<std::string, int> active;
  int total_active = 0;
  int ready_active = 0;
};

PodCounts count_pods(const apiserver::ApiServer& api) {
  PodCounts n;
  for (const store::ObjectRef& r : api.store().list(api::Kind::Pod)) {
    const auto& pod = r.get<api::Pod>();
    const std::string& image = pod.spec.containers.at(0).image;
    ++n.existing[image];
    if (pod.is_terminating() || pod.is_terminal()) {
      continue;
    }
    ++n.active[image];
    ++n.total_active;
    n.ready_active += pod.is_ready() ? 1 : 0;
  }
  return n;
}

/// Calls `check` after every store change from `from` on. The test reaches the API server's
/// observation signal through the cluster's read-only accessor: observing does not change the run.
void observe(cluster::Cluster& c, base::SimTime from, std::function<void(base::SimTime, const PodCounts&)> check) {
  auto& api = const_cast<apiserver::ApiServer&>(c.api());
  api.on_change.connect([&api, from, check = std::move(check)](base::SimTime t, apiserver::Verb /*verb*/,
                                                               apiserver::ClientId /*client*/,
                                                               const store::Change& change) {
    if (t >= from && change.object.kind == api::Kind::Pod) {
      check(t, count_pods(api));
    }
  });
}

std::map<std::string, std::uint64_t> event_reasons(const cluster::Cluster& c) {
  std::map<std::string, std::uint64_t> out;
  for (const metrics::EventReasonRow& e : c.summary().k8s_events) {
    out[e.reason] += e.count;
  }
  return out;
}

std::vector<std::string> scaling_messages(const cluster::Cluster& c) {
  std::vector<std::pair<base::SimTime, std::string>> events;
  for (const store::ObjectRef& r : c.api().store().list(api::Kind::Event)) {
    const auto& e = r.get<api::Event>();
    if (e.reason == "ScalingReplicaSet") {
      events.emplace_back(e.first_timestamp, e.message);
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& [t, m] : events) {
    out.push_back(m);
  }
  return out;
}

}  // namespace

TEST_CASE("a 10-replica Deployment comes up through one ReplicaSet", "[controllers][deployment]") {
  auto c = build(scenario_yaml(deployment(10, "nginx:1.25")));
  c->run();
  auto d = c->api().store().get<api::Deployment>("default", "web");
  REQUIRE(d);
  auto rss = replica_sets(*c);
  REQUIRE(rss.size() == 1);
  const api::ReplicaSet& rs = *rss[0];
  std::string hash = controllers::compute_hash(d->spec.template_, std::nullopt);
  CHECK(rs.metadata.name == "web-" + hash);
  CHECK(*rs.metadata.labels.find(controllers::kPodTemplateHashLabel) == hash);
  CHECK(*rs.spec.selector.match_labels.find(controllers::kPodTemplateHashLabel) == hash);
  CHECK(*rs.spec.template_.metadata.labels.find(controllers::kPodTemplateHashLabel) == hash);
  REQUIRE(rs.metadata.controller_ref() != nullptr);
  CHECK(rs.metadata.controller_ref()->kind == "Deployment");
  CHECK(rs.metadata.controller_ref()->uid == d->metadata.uid);
  CHECK(*rs.metadata.annotations.find(controllers::kRevisionAnnotation) == "1");
  CHECK(*rs.metadata.annotations.find(controllers::kDesiredReplicasAnnotation) == "10");
  CHECK(*rs.metadata.annotations.find(controllers::kMaxReplicasAnnotation) == "13");
  CHECK(*d->metadata.annotations.find(controllers::kRevisionAnnotation) == "1");
  CHECK(rs.spec.replicas == 10);
  CHECK(rs.status.available_replicas == 10);
  for (const store::ObjectRef& r : c->api().store().list(api::Kind::Pod)) {
    CHECK(*r.meta().labels.find(controllers::kPodTemplateHashLabel) == hash);
  }

  CHECK(d->status.replicas == 10);
  CHECK(d->status.updated_replicas == 10);
  CHECK(d->status.ready_replicas == 10);
  CHECK(d->status.available_replicas == 10);
  CHECK(d->status.unavailable_replicas == 0);
  CHECK(d->status.observed_generation == d->metadata.generation);
  const api::DeploymentCondition* available = controllers::deployment_condition(d->status, kDeploymentAvailable);
  REQUIRE(available != nullptr);
  CHECK(available->status == api::ConditionStatus::True);
  CHECK(available->reason == "MinimumReplicasAvailable");
  const api::DeploymentCondition* progressing = controllers::deployment_condition(d->status, kDeploymentProgressing);
  REQUIRE(progressing != nullptr);
  CHECK(progressing->status == api::ConditionStatus::True);
  CHECK(progressing->reason == "NewReplicaSetAvailable");
  CHECK(progressing->message == "ReplicaSet \"web-" + hash + "\" has successfully progressed.");
  CHECK(scaling_messages(*c) == std::vector<std::string>{"Scaled up replica set web-" + hash + " to 10"});
  CHECK(event_reasons(*c)["ScalingReplicaSet"] == 1);
}

TEST_CASE("a rolling update with maxSurge 1 / maxUnavailable 0 never dips below 10 ready nor above 11 pods",
          "[controllers][deployment]") {
  // Revision 1 is an orphan ReplicaSet the Deployment adopts at 60 s; its template (nginx:1.26) differs,
  // so the Deployment rolls over from it.
  std::string timeline =
      "  - at: 60s\n    create:\n" +
      deployment(10, "nginx:1.26", "    strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n", "    ");
  auto c = build(scenario_yaml(orphan_replica_set("web-v1", 10, "nginx:1.25"), timeline));
  int max_active = 0;
  int min_ready = 1000;
  int checks = 0;
  observe(*c, base::SimTime::zero() + 60_s, [&](base::SimTime /*t*/, const PodCounts& n) {
    max_active = std::max(max_active, n.total_active);
    min_ready = std::min(min_ready, n.ready_active);
    ++checks;
  });
  c->run();
  CHECK(checks > 40);
  CHECK(max_active == 11);
  CHECK(min_ready == 10);

  auto old_rs = c->api().store().get<api::ReplicaSet>("default", "web-v1");
  REQUIRE(old_rs);
  CHECK(old_rs->spec.replicas == 0);
  REQUIRE(old_rs->metadata.controller_ref() != nullptr);  // adopted
  CHECK(old_rs->metadata.controller_ref()->name == "web");
  auto new_rs = controlled_rs_with_image(*c, "nginx:1.26");
  REQUIRE(new_rs);
  CHECK(new_rs->spec.replicas == 10);
  CHECK(new_rs->status.available_replicas == 10);
  CHECK(*new_rs->metadata.annotations.find(controllers::kRevisionAnnotation) == "1");
  PodCounts end = count_pods(c->api());
  CHECK(end.existing == std::map<std::string, int>{{"nginx:1.26", 10}});
  auto d = c->api().store().get<api::Deployment>("default", "web");
  CHECK(d->status.updated_replicas == 10);
  CHECK(d->status.available_replicas == 10);
  CHECK(d->status.replicas == 10);
  CHECK(controllers::deployment_condition(d->status, kDeploymentProgressing)->reason == "NewReplicaSetAvailable");
  // One pod at a time: 10 scale-ups of the new ReplicaSet, 10 scale-downs of the old one. The event
  // recorder's aggregator (client-go EventAggregator, 10 similar events per 10 minutes) folds the 10th and
  // later ScalingReplicaSet events of the Deployment into one "(combined from similar events)" Event.
  CHECK(event_reasons(*c)["ScalingReplicaSet"] == 20);
  std::vector<std::string> msgs = scaling_messages(*c);
  REQUIRE(msgs.size() == 10);
  CHECK(msgs.front() == "Scaled up replica set " + new_rs->metadata.name + " to 1");
  CHECK(msgs.back() == "(combined from similar events): Scaled down replica set web-v1 to 0 from 1");
}

TEST_CASE("a default 25%/25% rolling update stays within 13 pods and 8 ready", "[controllers][deployment]") {
  std::string timeline = "  - at: 60s\n    create:\n" + deployment(10, "nginx:1.26", "", "    ");
  auto c = build(scenario_yaml(orphan_replica_set("web-v1", 10, "nginx:1.25"), timeline));
  int max_active = 0;
  int min_ready = 1000;
  observe(*c, base::SimTime::zero() + 60_s, [&](base::SimTime /*t*/, const PodCounts& n) {
    max_active = std::max(max_active, n.total_active);
    min_ready = std::min(min_ready, n.ready_active);
  });
  c->run();
  CHECK(max_active <= 13);
  CHECK(min_ready >= 8);
  // The bounds are used, not merely respected: the first step surges by 3 and drops 2 old pods.
  CHECK(max_active == 13);
  CHECK(min_ready == 8);
  std::vector<std::string> msgs = scaling_messages(*c);
  REQUIRE(msgs.size() >= 2);
  auto new_rs = controlled_rs_with_image(*c, "nginx:1.26");
  REQUIRE(new_rs);
  CHECK(msgs[0] == "Scaled up replica set " + new_rs->metadata.name + " to 3");
  CHECK(msgs[1] == "Scaled down replica set web-v1 to 8 from 10");
  CHECK(new_rs->status.available_replicas == 10);
  CHECK(c->api().store().get<api::ReplicaSet>("default", "web-v1")->spec.replicas == 0);
}

TEST_CASE("Recreate never runs old and new pods together", "[controllers][deployment]") {
  std::string timeline =
      "  - at: 60s\n    create:\n" + deployment(6, "nginx:1.26", "    strategy: {type: Recreate}\n", "    ");
  auto c = build(scenario_yaml(orphan_replica_set("web-v1", 6, "nginx:1.25"), timeline));
  bool overlap = false;
  base::SimTime first_new;
  base::SimTime last_old;
  observe(*c, base::SimTime::zero() + 60_s, [&](base::SimTime t, const PodCounts& n) {
    bool has_old = n.existing.count("nginx:1.25") > 0;
    bool has_new = n.existing.count("nginx:1.26") > 0;
    overlap = overlap || (has_old && has_new);
    if (has_old) {
      last_old = t;
    }
    if (has_new && first_new == base::SimTime::zero()) {
      first_new = t;
    }
  });
  c->run();
  CHECK_FALSE(overlap);
  CHECK(first_new > last_old);
  PodCounts end = count_pods(c->api());
  CHECK(end.existing == std::map<std::string, int>{{"nginx:1.26", 6}});
  auto new_rs = controlled_rs_with_image(*c, "nginx:1.26");
  REQUIRE(new_rs);
  // Created at full size once the old pods were gone.
  CHECK(scaling_messages(*c) == std::vector<std::string>{"Scaled down replica set web-v1 to 0 from 6",
                                                         "Scaled up replica set " + new_rs->metadata.name + " to 6"});
}

TEST_CASE("a scaling event mid-rollout scales every active ReplicaSet in proportion", "[controllers][deployment]") {
  // A paused rollout from 10 to 10 replicas caught half way (old 8, new 5, both annotated with the
  // Deployment's earlier size 10 and max 13); the Deployment now asks for 20 (max 25).
  std::string annotations =
      R"({"deployment.kubernetes.io/desired-replicas": "10", "deployment.kubernetes.io/max-replicas": "13")";
  std::string objects = orphan_replica_set("web-a", 8, "nginx:1.25", ", rev: a",
                                           annotations + R"(, "deployment.kubernetes.io/revision": "1"})") +
                        orphan_replica_set("web-b", 5, "nginx:1.26", ", rev: b",
                                           annotations + R"(, "deployment.kubernetes.io/revision": "2"})");
  std::string d = R"(  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      replicas: 20
      paused: true
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web, rev: b}}
        spec:
          containers: [{name: web, image: "nginx:1.26", resources: {requests: {cpu: 100m}}}]
)";
  // Indent the Deployment under `create:`.
  std::string indented;
  for (std::size_t start = 0; start < d.size();) {
    std::size_t end = d.find('\n', start);
    indented += "  " + d.substr(start, end - start + 1);
    start = end + 1;
  }
  auto c = build(scenario_yaml(objects, "  - at: 30s\n    create:\n" + indented));
  c->run();
  auto a = c->api().store().get<api::ReplicaSet>("default", "web-a");
  auto b = c->api().store().get<api::ReplicaSet>("default", "web-b");
  // 12 more replicas: web-a gets round(8·25/13) − 8 = 7, web-b round(5·25/13) − 5 = 5.
  CHECK(a->spec.replicas == 15);
  CHECK(b->spec.replicas == 10);
  CHECK(*a->metadata.annotations.find(controllers::kMaxReplicasAnnotation) == "25");
  CHECK(*b->metadata.annotations.find(controllers::kDesiredReplicasAnnotation) == "20");
  CHECK(a->status.available_replicas == 15);
  CHECK(b->status.available_replicas == 10);
  auto dep = c->api().store().get<api::Deployment>("default", "web");
  CHECK(dep->status.replicas == 25);
  CHECK(dep->status.updated_replicas == 10);
  CHECK(controllers::deployment_condition(dep->status, kDeploymentProgressing)->reason == "DeploymentPaused");
  CHECK(*dep->metadata.annotations.find(controllers::kRevisionAnnotation) == "2");
  CHECK(scaling_messages(*c) == std::vector<std::string>{"Scaled up replica set web-a to 15 from 8",
                                                         "Scaled up replica set web-b to 10 from 5"});
}

TEST_CASE("old ReplicaSets beyond revisionHistoryLimit are deleted", "[controllers][deployment]") {
  std::string objects = orphan_replica_set("web-r1", 0, "nginx:1.21") + orphan_replica_set("web-r2", 0, "nginx:1.22") +
                        orphan_replica_set("web-r3", 0, "nginx:1.23");
  std::string timeline =
      "  - at: 10s\n    create:\n" + deployment(2, "nginx:1.26", "    revisionHistoryLimit: 1\n", "    ");
  auto c = build(scenario_yaml(objects, timeline));
  c->run();
  std::vector<std::string> names;
  for (auto& rs : replica_sets(*c)) {
    names.push_back(rs->metadata.name);
  }
  // The newest old revision stays (created last); the two oldest go.
  REQUIRE(names.size() == 2);
  CHECK(std::count(names.begin(), names.end(), "web-r3") == 1);
}

TEST_CASE("a rollout that cannot progress times out after progressDeadlineSeconds", "[controllers][deployment]") {
  // Pods ask for more CPU than any node has: nothing ever becomes available.
  std::string d = deployment(2, "nginx:1.25", "    progressDeadlineSeconds: 30\n");
  std::string::size_type p = d.find("cpu: 100m");
  d.replace(p, 9, "cpu: \"64\"");
  auto c = build(scenario_yaml(d, "", "2m"));
  c->run();
  auto dep = c->api().store().get<api::Deployment>("default", "web");
  const api::DeploymentCondition* progressing = controllers::deployment_condition(dep->status, kDeploymentProgressing);
  REQUIRE(progressing != nullptr);
  CHECK(progressing->status == api::ConditionStatus::False);
  CHECK(progressing->reason == "ProgressDeadlineExceeded");
  CHECK(progressing->message.find("has timed out progressing.") != std::string::npos);
  // Created at 0 s (the condition's time is whole seconds); timed out at the first look after 30 s.
  CHECK(progressing->last_update_time >= base::SimTime::zero() + 30_s);
  CHECK(progressing->last_update_time <= base::SimTime::zero() + 32_s);
  const api::DeploymentCondition* available = controllers::deployment_condition(dep->status, kDeploymentAvailable);
  REQUIRE(available != nullptr);
  CHECK(available->status == api::ConditionStatus::False);
  CHECK(dep->status.unavailable_replicas == 2);
}
