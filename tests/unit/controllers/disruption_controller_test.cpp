#include "support/catch.hpp"
#include "support/printers.hpp"
#include "unit/controllers/controller_harness.hpp"

#include "kubesim/cluster/cluster.hpp"
#include "kubesim/controllers/disruption_controller.hpp"
#include "kubesim/scenario/loader.hpp"

#include <fmt/format.h>

using namespace kubesim;
using namespace kubesim::base::literals;

namespace {

std::unique_ptr<cluster::Cluster> run(std::string_view objects) {
  auto spec = scenario::parse_scenario(fmt::format(R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {{name: pdb}}
spec:
  duration: 1m
  cluster:
    nodePools:
    - name: n
      count: 3
      template:
        status:
          capacity: {{cpu: "8", memory: 32Gi}}
  objects:
{})",
                                                   objects),
                                       "pdb.yaml");
  REQUIRE(spec.has_value());
  auto c = cluster::Cluster::build(spec.value(), {});
  REQUIRE(c.has_value());
  (*c)->run();
  return std::move(c.value());
}

constexpr std::string_view kReplicaSet = R"(  - apiVersion: apps/v1
    kind: ReplicaSet
    metadata: {name: web}
    spec:
      replicas: 3
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers: [{name: web, image: "nginx:1.25"}]
)";

std::string pdb(std::string_view budget) {
  return fmt::format(R"(  - apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata: {{name: web}}
    spec:
      {}
      selector: {{matchLabels: {{app: web}}}}
)",
                     budget);
}

std::uint64_t events(const cluster::Cluster& c, std::string_view reason) {
  for (const metrics::EventReasonRow& e : c.summary().k8s_events) {
    if (e.reason == reason) {
      return e.count;
    }
  }
  return 0;
}

}  // namespace

TEST_CASE("minAvailable 2 of 3 allows one disruption", "[controllers][disruption]") {
  auto c = run(std::string(kReplicaSet) + pdb("minAvailable: 2"));
  auto b = c->api().store().get<api::PodDisruptionBudget>("default", "web");
  REQUIRE(b);
  CHECK(b->status.expected_pods == 3);
  CHECK(b->status.desired_healthy == 2);
  CHECK(b->status.current_healthy == 3);
  CHECK(b->status.disruptions_allowed == 1);
  CHECK(b->status.observed_generation == 1);
  const api::MetaCondition* cond = b->status.condition(api::kDisruptionAllowedCondition);
  REQUIRE(cond != nullptr);
  CHECK(cond->status == api::ConditionStatus::True);
  CHECK(cond->reason == api::kSufficientPodsReason);
  // The PDB was synced before its pods existed.
  CHECK(events(*c, "NoPods") >= 1);
}

TEST_CASE("maxUnavailable 50% of a 3-replica ReplicaSet allows two", "[controllers][disruption]") {
  auto c = run(std::string(kReplicaSet) + pdb("maxUnavailable: 50%"));
  auto b = c->api().store().get<api::PodDisruptionBudget>("default", "web");
  REQUIRE(b);
  CHECK(b->status.expected_pods == 3);    // the ReplicaSet's scale
  CHECK(b->status.desired_healthy == 1);  // 3 - ceil(1.5)
  CHECK(b->status.current_healthy == 3);
  CHECK(b->status.disruptions_allowed == 2);
}

TEST_CASE("pods without a controller do not count for a percentage", "[controllers][disruption]") {
  std::string pods;
  for (int i = 0; i < 2; ++i) {
    pods += fmt::format(R"(  - apiVersion: v1
    kind: Pod
    metadata: {{name: lone-{}, labels: {{app: web}}}}
    spec:
      containers: [{{name: web, image: "nginx:1.25"}}]
)",
                        i);
  }
  auto c = run(pods + pdb("maxUnavailable: 1"));
  auto b = c->api().store().get<api::PodDisruptionBudget>("default", "web");
  REQUIRE(b);
  CHECK(b->status.expected_pods == 0);
  CHECK(b->status.current_healthy == 2);
  CHECK(b->status.disruptions_allowed == 0);  // never while expectedPods is 0
  CHECK(b->status.condition(api::kDisruptionAllowedCondition)->reason == api::kInsufficientPodsReason);
  CHECK(events(*c, "UnmanagedPods") >= 1);
}

TEST_CASE("disruptedPods entries go when the pod terminates, or after 2 minutes", "[controllers][disruption]") {
  testing::ControllerHarness h;
  std::vector<api::Event> recorded;
  h.observe<api::Event>([&](base::SimTime, const api::Event* e) {
    if (e != nullptr) {
      recorded.push_back(*e);
    }
  });
  h.create_node("node-0", "");
  for (int i = 0; i < 3; ++i) {
    h.create_pod(fmt::format("web-{}", i), "node-0", {{"app", "web"}});
  }
  api::PodDisruptionBudget b;
  b.metadata.name = "web";
  b.metadata.namespace_ = "default";
  b.spec.min_available = api::IntOrString::from_int(1);
  b.spec.selector = api::LabelSelector{api::StringMap{{"app", "web"}}, {}};
  h.client().create(api::AnyObject(b));
  h.run_for(1_s);
  for (int i = 0; i < 3; ++i) {
    h.start_pod(fmt::format("web-{}", i), fmt::format("10.0.0.{}", i + 2), true);
  }
  h.run_for(1_s);
  auto stored = h.api().store().get<api::PodDisruptionBudget>("default", "web");
  CHECK(stored->status.current_healthy == 3);
  CHECK(stored->status.disruptions_allowed == 2);

  // Two evictions admitted at t: web-0 is then deleted, web-1 never is.
  api::PodDisruptionBudget evicted = *stored;
  base::SimTime t = h.now();
  evicted.status.disrupted_pods.set("web-0", t);
  evicted.status.disrupted_pods.set("web-1", t);
  evicted.status.disruptions_allowed = 0;
  h.client().update_status(api::AnyObject(evicted));
  h.delete_pod("web-0");
  h.run_for(1_s);
  stored = h.api().store().get<api::PodDisruptionBudget>("default", "web");
  CHECK(stored->status.disrupted_pods.names() == std::vector<std::string>{"web-1"});
  CHECK(stored->status.current_healthy == 1);  // web-0 terminating, web-1 being evicted
  CHECK(stored->status.disruptions_allowed == 0);

  h.run_for(2_min);
  stored = h.api().store().get<api::PodDisruptionBudget>("default", "web");
  CHECK(stored->status.disrupted_pods.empty());
  CHECK(stored->status.current_healthy == 2);
  CHECK(stored->status.disruptions_allowed == 1);
  bool not_deleted = std::any_of(recorded.begin(), recorded.end(), [](const api::Event& e) {
    return e.reason == "NotDeleted" && e.involved_object.name == "web-1" &&
           e.message == "Pod was expected by PDB default/default to be deleted but it wasn't";
  });
  CHECK(not_deleted);
}
