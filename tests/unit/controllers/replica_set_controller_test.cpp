#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/cluster/cluster.hpp"
#include "kubesim/controllers/replica_set_controller.hpp"
#include "kubesim/scenario/loader.hpp"

#include <map>

using namespace kubesim;
using namespace kubesim::base::literals;

namespace {

using PodPtr = std::shared_ptr<const api::Pod>;

std::unique_ptr<cluster::Cluster> build(const std::string& yaml) {
  auto spec = scenario::parse_scenario(yaml, "rs.yaml");
  REQUIRE(spec.has_value());
  auto c = cluster::Cluster::build(spec.value(), {});
  REQUIRE(c.has_value());
  return std::move(c.value());
}

std::string scenario_yaml(std::string_view objects) {
  return fmt::format(R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {{name: rs}}
spec:
  seed: 1
  duration: 2m
  cluster:
    nodePools:
    - name: n
      count: 3
      template:
        status:
          capacity: {{cpu: "8", memory: 32Gi}}
  objects:
{})",
                     objects);
}

constexpr std::string_view kReplicaSet = R"(  - apiVersion: apps/v1
    kind: ReplicaSet
    metadata: {name: web}
    spec:
      replicas: REPLICAS
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers: [{name: web, image: "nginx:1.25", resources: {requests: {cpu: 100m}}}]
)";

std::string replica_set(int replicas) {
  std::string s(kReplicaSet);
  s.replace(s.find("REPLICAS"), 8, std::to_string(replicas));
  return s;
}

PodPtr pod(std::string name, std::string node, api::PodPhase phase, bool ready, base::SimTime created,
           std::string uid) {
  api::Pod p;
  p.metadata.name = std::move(name);
  p.metadata.namespace_ = "default";
  p.metadata.uid = std::move(uid);
  p.metadata.creation_timestamp = created;
  p.spec.node_name = std::move(node);
  p.status.phase = phase;
  if (ready) {
    p.status.conditions.push_back(
        api::PodCondition{"Ready", api::ConditionStatus::True, "", "", created + base::Duration::from_seconds(1)});
  }
  return std::make_shared<const api::Pod>(std::move(p));
}

std::vector<std::string> names(const std::vector<PodPtr>& pods) {
  std::vector<std::string> out;
  for (const PodPtr& p : pods) {
    out.push_back(p->metadata.name);
  }
  return out;
}

}  // namespace

TEST_CASE("a ReplicaSet creates its pods in slow-start batches of 1, 2, 4, ...", "[controllers][replicaset]") {
  auto c = build(scenario_yaml(replica_set(10)));
  c->run();
  std::map<base::SimTime, int> batches;
  for (const metrics::PodRecord& r : c->pods().records()) {
    ++batches[r.created];
  }
  std::vector<int> sizes;
  for (const auto& [t, n] : batches) {
    sizes.push_back(n);
  }
  CHECK(sizes == std::vector<int>{1, 2, 4, 3});
  auto rs = c->api().store().get<api::ReplicaSet>("default", "web");
  CHECK(rs->status.replicas == 10);
  CHECK(rs->status.ready_replicas == 10);
  CHECK(rs->status.available_replicas == 10);
  CHECK(rs->status.observed_generation == 1);
  metrics::RunSummary s = c->summary();
  std::uint64_t created = 0;
  for (const metrics::EventReasonRow& e : s.k8s_events) {
    if (e.reason == "SuccessfulCreate") {
      created = e.count;
      CHECK(e.type == "Normal");
    }
  }
  CHECK(created == 10);
}

TEST_CASE("a ReplicaSet adopts matching orphans and deletes the surplus", "[controllers][replicaset]") {
  // Three orphans with the RS's labels; the RS wants one. The pod with the highest deletion cost
  // stays.
  std::string orphans;
  for (int i = 0; i < 3; ++i) {
    orphans += fmt::format(R"(  - apiVersion: v1
    kind: Pod
    metadata:
      name: orphan-{}
      labels: {{app: web}}
      annotations: {{controller.kubernetes.io/pod-deletion-cost: "{}"}}
    spec:
      containers: [{{name: web, image: "nginx:1.25"}}]
)",
                           i, i == 1 ? 100 : 0);
  }
  auto c = build(scenario_yaml(orphans + replica_set(1)));
  c->run();
  int deleted = 0;
  for (const metrics::PodRecord& r : c->pods().records()) {
    if (r.deleted) {
      ++deleted;
      CHECK(r.name != "orphan-1");
    }
  }
  CHECK(deleted == 2);
  auto kept = c->api().store().get<api::Pod>("default", "orphan-1");
  REQUIRE(kept);
  REQUIRE(kept->metadata.controller_ref() != nullptr);
  CHECK(kept->metadata.controller_ref()->name == "web");
  auto rs = c->api().store().get<api::ReplicaSet>("default", "web");
  CHECK(rs->status.replicas == 1);
}

TEST_CASE("pods are ranked for deletion in upstream's order", "[controllers][replicaset]") {
  base::SimTime now = base::SimTime::zero() + 3600_s;
  base::SimTime old_t = base::SimTime::zero();
  base::SimTime new_t = base::SimTime::zero() + 3500_s;
  std::vector<PodPtr> pods = {
      pod("running-ready-old", "n1", api::PodPhase::Running, true, old_t, "u1"),
      pod("unscheduled", "", api::PodPhase::Pending, false, old_t, "u2"),
      pod("pending", "n1", api::PodPhase::Pending, false, old_t, "u3"),
      pod("running-notready", "n1", api::PodPhase::Running, false, old_t, "u4"),
      pod("running-ready-new", "n2", api::PodPhase::Running, true, new_t, "u5"),
  };
  std::vector<PodPtr> related = pods;
  controllers::rank_pods_for_deletion(pods, related, now);
  // Unscheduled, then Pending, then not ready, then the more co-located ready pod (n1 hosts three
  // related active pods), then the one alone on n2.
  CHECK(names(pods) == std::vector<std::string>{"unscheduled", "pending", "running-notready", "running-ready-old",
                                                "running-ready-new"});

  // Same node rank: the more recently ready pod goes first.
  std::vector<PodPtr> two = {pod("old", "n1", api::PodPhase::Running, true, old_t, "u1"),
                             pod("new", "n2", api::PodPhase::Running, true, new_t, "u2")};
  controllers::rank_pods_for_deletion(two, two, now);
  CHECK(names(two) == std::vector<std::string>{"new", "old"});

  // Ready times in the same log2 bucket of age tie-break by UID.
  std::vector<PodPtr> same = {pod("b", "n1", api::PodPhase::Running, true, old_t + 1_s, "u9"),
                              pod("a", "n2", api::PodPhase::Running, true, old_t, "u8")};
  controllers::rank_pods_for_deletion(same, same, now);
  CHECK(names(same) == std::vector<std::string>{"a", "b"});
}
