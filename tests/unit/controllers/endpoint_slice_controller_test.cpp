#include "support/catch.hpp"
#include "support/printers.hpp"
#include "unit/controllers/controller_harness.hpp"

#include "kubesim/cluster/cluster.hpp"
#include "kubesim/controllers/endpoint_slice_controller.hpp"
#include "kubesim/controllers/pod_util.hpp"
#include "kubesim/scenario/loader.hpp"

#include <fmt/format.h>

#include <map>

using namespace kubesim;
using namespace kubesim::base::literals;

namespace {

api::Service service(std::string name = "web") {
  api::Service s;
  s.metadata.name = std::move(name);
  s.metadata.namespace_ = "default";
  s.metadata.uid = "uid-svc";
  s.spec.selector = api::StringMap{{"app", "web"}};
  s.spec.ports.push_back(api::ServicePort{"http", "TCP", 80, api::IntOrString::from_int(8080), 0});
  return s;
}

api::Pod ready_pod(int i, bool ready = true) {
  api::Pod p;
  p.metadata.name = fmt::format("web-{:03}", i);
  p.metadata.namespace_ = "default";
  p.metadata.uid = fmt::format("uid-{:03}", i);
  p.metadata.labels = api::StringMap{{"app", "web"}};
  p.spec.node_name = "node-0";
  p.status.phase = api::PodPhase::Running;
  p.status.pod_ip = fmt::format("10.0.{}.{}", i / 250, i % 250 + 1);
  p.status.conditions.push_back(
      api::PodCondition{"Ready", ready ? api::ConditionStatus::True : api::ConditionStatus::False, "", "", {}});
  return p;
}

std::vector<const api::Pod*> ptrs(const std::vector<api::Pod>& pods) {
  std::vector<const api::Pod*> out;
  for (const api::Pod& p : pods) {
    out.push_back(&p);
  }
  return out;
}

std::vector<const api::EndpointSlice*> ptrs(const std::vector<api::EndpointSlice>& slices) {
  std::vector<const api::EndpointSlice*> out;
  for (const api::EndpointSlice& s : slices) {
    out.push_back(&s);
  }
  return out;
}

const controllers::NodeZoneLookup kZoneA = [](const std::string&) -> std::optional<std::string> { return "zone-a"; };

// What the API server would store for the planned creations: names and uids assigned.
std::vector<api::EndpointSlice> stored(std::vector<api::EndpointSlice> created) {
  for (std::size_t i = 0; i < created.size(); ++i) {
    created[i].metadata.name = fmt::format("web-s{}", i);
    created[i].metadata.uid = fmt::format("uid-s{}", i);
    created[i].metadata.resource_version = 10 + i;
  }
  return created;
}

std::vector<std::size_t> sizes(const std::vector<api::EndpointSlice>& slices) {
  std::vector<std::size_t> out;
  for (const api::EndpointSlice& s : slices) {
    out.push_back(s.endpoints.size());
  }
  return out;
}

}  // namespace

TEST_CASE("250 pods make 3 slices of 100, 100 and 50", "[controllers][endpointslice]") {
  api::Service svc = service();
  std::vector<api::Pod> pods;
  for (int i = 0; i < 250; ++i) {
    pods.push_back(ready_pod(i));
  }
  controllers::EndpointSlicePlan plan = controllers::plan_endpoint_slices(svc, ptrs(pods), {}, kZoneA, 100);
  REQUIRE(plan.to_create.size() == 3);
  CHECK(sizes(plan.to_create) == std::vector<std::size_t>{100, 100, 50});
  CHECK(plan.to_update.empty());
  CHECK(plan.to_delete.empty());
  const api::EndpointSlice& s = plan.to_create.front();
  CHECK(s.metadata.generate_name == "web-");
  CHECK(*s.metadata.labels.find(api::kLabelServiceName) == "web");
  CHECK(*s.metadata.labels.find(api::kLabelManagedBy) == "endpointslice-controller.k8s.io");
  REQUIRE(s.metadata.controller_ref() != nullptr);
  CHECK(s.metadata.controller_ref()->kind == "Service");
  CHECK(s.metadata.controller_ref()->uid == "uid-svc");
  CHECK(s.address_type == "IPv4");
  CHECK(s.ports == std::vector<api::EndpointPort>{{"http", 8080, "TCP"}});
  const api::Endpoint& ep = s.endpoints.front();
  CHECK(ep.addresses == std::vector<std::string>{"10.0.0.1"});
  CHECK(ep.conditions.ready == true);
  CHECK(ep.conditions.serving == true);
  CHECK(ep.conditions.terminating == false);
  CHECK(ep.node_name == "node-0");
  CHECK(ep.zone == "zone-a");
  CHECK(ep.target_ref->name == "web-000");

  SECTION("the same pods again: nothing to write") {
    std::vector<api::EndpointSlice> existing = stored(plan.to_create);
    controllers::EndpointSlicePlan again =
        controllers::plan_endpoint_slices(svc, ptrs(pods), ptrs(existing), kZoneA, 100);
    CHECK(again.to_create.empty());
    CHECK(again.to_update.empty());
    CHECK(again.to_delete.empty());
  }
  SECTION("removing pods updates their slice in place") {
    std::vector<api::EndpointSlice> existing = stored(plan.to_create);
    std::vector<api::Pod> fewer(pods.begin() + 10, pods.end());  // web-000..009 were in the first slice
    controllers::EndpointSlicePlan p = controllers::plan_endpoint_slices(svc, ptrs(fewer), ptrs(existing), kZoneA, 100);
    CHECK(p.to_create.empty());
    CHECK(p.to_delete.empty());
    REQUIRE(p.to_update.size() == 1);
    CHECK(p.to_update[0].metadata.name == "web-s0");
    CHECK(p.to_update[0].endpoints.size() == 90);
    CHECK(p.to_update[0].metadata.resource_version == 10);  // the precondition of the update
  }
  SECTION("new endpoints go into the slice being updated, then into the one closest to full") {
    std::vector<api::EndpointSlice> existing = stored(plan.to_create);
    std::vector<api::Pod> changed = pods;
    changed[0].status.conditions[0].status = api::ConditionStatus::False;  // slice 0 is updated anyway
    for (int i = 250; i < 260; ++i) {
      changed.push_back(ready_pod(i));
    }
    controllers::EndpointSlicePlan p =
        controllers::plan_endpoint_slices(svc, ptrs(changed), ptrs(existing), kZoneA, 100);
    // Slice 0 is full, so the 10 new endpoints go to the unchanged slice that ends closest to full: s2 (50).
    CHECK(p.to_create.empty());
    REQUIRE(p.to_update.size() == 2);
    CHECK(p.to_update[0].metadata.name == "web-s0");
    CHECK(p.to_update[0].endpoints[0].conditions.ready == false);
    CHECK(p.to_update[1].metadata.name == "web-s2");
    CHECK(p.to_update[1].endpoints.size() == 60);
  }
  SECTION("emptied slices are deleted, or recycled for a slice that would be created") {
    std::vector<api::EndpointSlice> existing = stored(plan.to_create);
    std::vector<api::Pod> rest(pods.begin() + 100, pods.end());  // slice 0 empties
    controllers::EndpointSlicePlan p = controllers::plan_endpoint_slices(svc, ptrs(rest), ptrs(existing), kZoneA, 100);
    CHECK(p.to_create.empty());
    CHECK(p.to_update.empty());
    REQUIRE(p.to_delete.size() == 1);
    CHECK(p.to_delete[0].metadata.name == "web-s0");

    // The ports change: every pod needs a slice of the new port mapping; the old slices are reused.
    api::Service other = svc;
    other.spec.ports[0].target_port = api::IntOrString::from_int(9090);
    controllers::EndpointSlicePlan q =
        controllers::plan_endpoint_slices(other, ptrs(pods), ptrs(existing), kZoneA, 100);
    CHECK(q.to_create.empty());
    CHECK(q.to_delete.empty());
    REQUIRE(q.to_update.size() == 3);
    for (const api::EndpointSlice& s2 : q.to_update) {
      CHECK(s2.ports[0].port == 9090);
    }
  }
}

TEST_CASE("endpoint conditions follow readiness and termination", "[controllers][endpointslice]") {
  api::Service svc = service();
  std::vector<api::Pod> pods = {ready_pod(0), ready_pod(1, false), ready_pod(2), ready_pod(3), ready_pod(4)};
  pods[2].metadata.deletion_timestamp = base::SimTime::zero() + 30_s;  // ready, terminating
  pods[3].status.pod_ip.clear();                                       // no IP yet
  pods[4].status.phase = api::PodPhase::Succeeded;                     // terminal
  controllers::EndpointSlicePlan plan = controllers::plan_endpoint_slices(svc, ptrs(pods), {}, kZoneA, 100);
  REQUIRE(plan.to_create.size() == 1);
  const std::vector<api::Endpoint>& eps = plan.to_create[0].endpoints;
  REQUIRE(eps.size() == 3);
  CHECK(eps[0].conditions == api::EndpointConditions{true, true, false});
  CHECK(eps[1].conditions == api::EndpointConditions{false, false, false});
  CHECK(eps[2].conditions == api::EndpointConditions{false, true, true});

  svc.spec.publish_not_ready_addresses = true;
  plan = controllers::plan_endpoint_slices(svc, ptrs(pods), {}, kZoneA, 100);
  REQUIRE(plan.to_create[0].endpoints.size() == 3);
  for (const api::Endpoint& ep : plan.to_create[0].endpoints) {
    CHECK(ep.conditions.ready == true);
  }
}

TEST_CASE("a named targetPort resolves per pod; a Service without endpoints keeps a placeholder",
          "[controllers][endpointslice]") {
  api::Service svc = service();
  svc.spec.ports[0].target_port = api::IntOrString::from_string("web");
  std::vector<api::Pod> pods = {ready_pod(0), ready_pod(1), ready_pod(2)};
  pods[0].spec.containers.push_back(testing::ControllerHarness::container("web", 8080));
  pods[1].spec.containers.push_back(testing::ControllerHarness::container("web", 9090));
  controllers::EndpointSlicePlan plan = controllers::plan_endpoint_slices(svc, ptrs(pods), {}, kZoneA, 100);
  // One slice per port mapping: 8080, 9090, and none for the pod without the named port.
  REQUIRE(plan.to_create.size() == 3);
  std::map<std::int32_t, std::size_t> by_port;
  for (const api::EndpointSlice& s : plan.to_create) {
    by_port[s.ports.empty() ? 0 : s.ports[0].port] = s.endpoints.size();
  }
  CHECK(by_port == std::map<std::int32_t, std::size_t>{{0, 1}, {8080, 1}, {9090, 1}});

  controllers::EndpointSlicePlan empty = controllers::plan_endpoint_slices(svc, {}, {}, kZoneA, 100);
  REQUIRE(empty.to_create.size() == 1);
  CHECK(empty.to_create[0].endpoints.empty());
  CHECK(empty.to_create[0].ports.empty());
  std::vector<api::EndpointSlice> existing = stored(empty.to_create);
  controllers::EndpointSlicePlan again = controllers::plan_endpoint_slices(svc, {}, ptrs(existing), kZoneA, 100);
  CHECK(again.to_create.empty());
  CHECK(again.to_update.empty());
  CHECK(again.to_delete.empty());
}

TEST_CASE("a pod on an unknown node is left out and reported", "[controllers][endpointslice]") {
  api::Service svc = service();
  std::vector<api::Pod> pods = {ready_pod(0)};
  controllers::NodeZoneLookup none = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  controllers::EndpointSlicePlan plan = controllers::plan_endpoint_slices(svc, ptrs(pods), {}, none, 100);
  REQUIRE(plan.errors.size() == 1);
  CHECK(plan.errors[0] == "skipping Pod web-000 for Service default/web: node \"node-0\" not found");
  REQUIRE(plan.to_create.size() == 1);
  CHECK(plan.to_create[0].endpoints.empty());
}

// --- through the controller manager -----------------------------------------------------------------

namespace {

std::unique_ptr<cluster::Cluster> build(const std::string& yaml) {
  auto spec = scenario::parse_scenario(yaml, "eps.yaml");
  REQUIRE(spec.has_value());
  auto c = cluster::Cluster::build(spec.value(), {});
  REQUIRE(c.has_value());
  return std::move(c.value());
}

constexpr std::string_view kScenario = R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: eps}
spec:
  seed: 1
  duration: 1m
  cluster:
    nodePools:
    - name: n
      count: 3
      zones: [zone-a, zone-b]
      template:
        status:
          capacity: {cpu: "8", memory: 32Gi}
  objects:
  - apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec:
      selector: {app: web}
      ports: [{name: http, port: 80, targetPort: 8080}]
  - apiVersion: apps/v1
    kind: ReplicaSet
    metadata: {name: web}
    spec:
      replicas: 5
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers: [{name: web, image: "nginx:1.25", resources: {requests: {cpu: 100m}}}]
)";

std::vector<std::shared_ptr<const api::EndpointSlice>> slices_of(const cluster::Cluster& c) {
  std::vector<std::shared_ptr<const api::EndpointSlice>> out;
  for (const store::ObjectRef& ref : c.api().store().list(api::Kind::EndpointSlice)) {
    out.push_back(ref.as<api::EndpointSlice>());
  }
  return out;
}

}  // namespace

TEST_CASE("a Service over a 5-replica ReplicaSet gets 5 ready endpoints", "[controllers][endpointslice]") {
  auto c = build(std::string(kScenario));
  c->run();
  auto slices = slices_of(*c);
  REQUIRE(slices.size() == 1);
  const api::EndpointSlice& s = *slices[0];
  CHECK(s.metadata.name.starts_with("web-"));
  CHECK(s.metadata.name.size() == 9);  // generateName "web-" + 5 random characters
  CHECK(s.ports == std::vector<api::EndpointPort>{{"http", 8080, "TCP"}});
  REQUIRE(s.endpoints.size() == 5);
  std::map<std::string, int> zones;
  for (const api::Endpoint& ep : s.endpoints) {
    CHECK(ep.conditions == api::EndpointConditions{true, true, false});
    auto pod = c->api().store().get<api::Pod>("default", ep.target_ref->name);
    REQUIRE(pod);
    CHECK(ep.addresses == std::vector<std::string>{pod->status.pod_ip});
    CHECK(ep.node_name == pod->spec.node_name);
    ++zones[ep.zone];
  }
  CHECK(zones.size() == 2);  // zone-a and zone-b, from the nodes' labels
}

TEST_CASE("a gracefully deleted pod is terminating, then gone", "[controllers][endpointslice]") {
  testing::ControllerHarness h;
  std::vector<api::EndpointSlice> versions;
  h.observe<api::EndpointSlice>([&](base::SimTime, const api::EndpointSlice* s) {
    if (s != nullptr) {
      versions.push_back(*s);
    }
  });
  h.create_node("node-0", "zone-a");
  api::Service svc = service();
  svc.metadata.uid.clear();
  h.client().create(api::AnyObject(svc));
  h.create_pod("web-0", "node-0", {{"app", "web"}});
  h.create_pod("web-1", "node-0", {{"app", "web"}});
  h.run_for(1_s);
  REQUIRE(!versions.empty());
  CHECK(versions.back().endpoints.empty());  // the placeholder: no pod has an IP yet

  h.start_pod("web-0", "10.0.0.2", true);
  h.start_pod("web-1", "10.0.0.3", false);
  h.run_for(1_s);
  REQUIRE(versions.back().endpoints.size() == 2);
  CHECK(versions.back().endpoints[0].conditions == api::EndpointConditions{true, true, false});
  CHECK(versions.back().endpoints[1].conditions == api::EndpointConditions{false, false, false});
  std::string name = versions.back().metadata.name;

  h.delete_pod("web-0");  // grace 30 s: marked, not removed, until the kubelet confirms
  h.run_for(1_s);
  const api::EndpointSlice& terminating = versions.back();
  CHECK(terminating.metadata.name == name);  // updated in place
  REQUIRE(terminating.endpoints.size() == 2);
  CHECK(terminating.endpoints[0].target_ref->name == "web-0");
  CHECK(terminating.endpoints[0].conditions == api::EndpointConditions{false, true, true});

  h.delete_pod("web-0", 0);  // the kubelet's confirmation
  h.run_for(1_s);
  REQUIRE(versions.back().endpoints.size() == 1);
  CHECK(versions.back().endpoints[0].target_ref->name == "web-1");
  CHECK(versions.back().metadata.name == name);
}
