#include "support/catch.hpp"
#include "support/printers.hpp"
#include "unit/controllers/controller_harness.hpp"

#include "kubesim/cluster/cluster.hpp"
#include "kubesim/controllers/endpoints_controller.hpp"
#include "kubesim/scenario/loader.hpp"

#include <fmt/format.h>

using namespace kubesim;
using namespace kubesim::base::literals;

namespace {

api::Service service() {
  api::Service s;
  s.metadata.name = "web";
  s.metadata.namespace_ = "default";
  s.metadata.labels = api::StringMap{{"tier", "front"}};
  s.spec.selector = api::StringMap{{"app", "web"}};
  s.spec.ports.push_back(api::ServicePort{"http", "TCP", 80, api::IntOrString::from_string("http"), 0});
  return s;
}

api::Pod pod(int i, bool ready, std::int32_t port = 8080) {
  api::Pod p;
  p.metadata.name = fmt::format("web-{}", i);
  p.metadata.namespace_ = "default";
  p.metadata.uid = fmt::format("uid-{:04}", i);
  p.metadata.labels = api::StringMap{{"app", "web"}};
  p.spec.node_name = "node-0";
  p.spec.containers.push_back(testing::ControllerHarness::container("http", port));
  p.status.phase = api::PodPhase::Running;
  p.status.pod_ip = fmt::format("10.0.{}.{}", i / 200, i % 200 + 1);
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

std::vector<std::string> ips(const std::vector<api::EndpointAddress>& addrs) {
  std::vector<std::string> out;
  for (const api::EndpointAddress& a : addrs) {
    out.push_back(a.ip);
  }
  return out;
}

}  // namespace

TEST_CASE("pods with the same ports share one subset; not-ready pods go to notReadyAddresses",
          "[controllers][endpoints]") {
  std::vector<api::Pod> pods = {pod(3, true), pod(1, true), pod(2, false), pod(4, true, 9090)};
  std::vector<api::EndpointSubset> subsets = controllers::desired_endpoint_subsets(service(), ptrs(pods));
  REQUIRE(subsets.size() == 2);
  CHECK(subsets[0].ports == std::vector<api::EndpointPort>{{"http", 8080, "TCP"}});
  CHECK(ips(subsets[0].addresses) == std::vector<std::string>{"10.0.0.2", "10.0.0.4"});
  CHECK(ips(subsets[0].not_ready_addresses) == std::vector<std::string>{"10.0.0.3"});
  CHECK(subsets[0].addresses[0].node_name == "node-0");
  CHECK(subsets[0].addresses[0].target_ref->name == "web-1");
  CHECK(subsets[1].ports == std::vector<api::EndpointPort>{{"http", 9090, "TCP"}});
  CHECK(ips(subsets[1].addresses) == std::vector<std::string>{"10.0.0.5"});
}

TEST_CASE("terminating pods are left out unless the Service publishes not-ready addresses",
          "[controllers][endpoints]") {
  std::vector<api::Pod> pods = {pod(1, true), pod(2, true), pod(3, false)};
  pods[1].metadata.deletion_timestamp = base::SimTime::zero() + 30_s;
  pods[2].status.pod_ip.clear();
  api::Service svc = service();
  std::vector<api::EndpointSubset> subsets = controllers::desired_endpoint_subsets(svc, ptrs(pods));
  REQUIRE(subsets.size() == 1);
  CHECK(ips(subsets[0].addresses) == std::vector<std::string>{"10.0.0.2"});
  CHECK(subsets[0].not_ready_addresses.empty());

  svc.spec.publish_not_ready_addresses = true;
  subsets = controllers::desired_endpoint_subsets(svc, ptrs(pods));
  REQUIRE(subsets.size() == 1);
  CHECK(ips(subsets[0].addresses) == std::vector<std::string>{"10.0.0.2", "10.0.0.3"});
}

TEST_CASE("more than 1000 addresses are truncated, ready ones first", "[controllers][endpoints]") {
  std::vector<api::Pod> pods;
  for (int i = 0; i < 900; ++i) {
    pods.push_back(pod(i, true));
  }
  for (int i = 900; i < 1200; ++i) {
    pods.push_back(pod(i, false));
  }
  std::vector<api::EndpointSubset> subsets = controllers::desired_endpoint_subsets(service(), ptrs(pods));
  REQUIRE(subsets.size() == 1);
  CHECK(controllers::truncate_endpoints(subsets));
  CHECK(subsets[0].addresses.size() == 900);
  CHECK(subsets[0].not_ready_addresses.size() == 100);

  for (int i = 0; i < 1200; ++i) {
    pods[static_cast<std::size_t>(i)] = pod(i, true);
  }
  subsets = controllers::desired_endpoint_subsets(service(), ptrs(pods));
  CHECK(controllers::truncate_endpoints(subsets));
  CHECK(subsets[0].addresses.size() == 1000);
  CHECK_FALSE(controllers::truncate_endpoints(subsets));
}

TEST_CASE("the Endpoints object follows the pods and goes with its Service", "[controllers][endpoints]") {
  testing::ControllerHarness h;
  std::vector<std::optional<api::Endpoints>> versions;
  h.observe<api::Endpoints>([&](base::SimTime, const api::Endpoints* e) {
    versions.push_back(e == nullptr ? std::nullopt : std::optional<api::Endpoints>(*e));
  });
  h.create_node("node-0", "");
  h.client().create(api::AnyObject(service()));
  h.create_pod("web-0", "node-0", {{"app", "web"}}, {testing::ControllerHarness::port("http", 8080)});
  h.run_for(1_s);
  REQUIRE(versions.size() == 1);
  REQUIRE(versions.back());
  CHECK(versions.back()->subsets.empty());
  CHECK(versions.back()->metadata.labels == api::StringMap{{"tier", "front"}});

  h.start_pod("web-0", "10.0.0.2", true);
  h.run_for(1_s);
  REQUIRE(versions.back());
  REQUIRE(versions.back()->subsets.size() == 1);
  CHECK(ips(versions.back()->subsets[0].addresses) == std::vector<std::string>{"10.0.0.2"});
  CHECK(versions.back()->subsets[0].ports == std::vector<api::EndpointPort>{{"http", 8080, "TCP"}});

  h.delete_pod("web-0");  // terminating: out of the legacy Endpoints at once
  h.run_for(1_s);
  REQUIRE(versions.back());
  CHECK(versions.back()->subsets.empty());
  std::size_t writes = versions.size();

  h.client().remove(api::Kind::Service, "default", "web");
  h.run_for(1_s);
  CHECK(versions.size() == writes + 1);
  CHECK_FALSE(versions.back());
}

TEST_CASE("a Service over a 5-replica ReplicaSet lists 5 addresses", "[controllers][endpoints]") {
  auto spec = scenario::parse_scenario(R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: ep}
spec:
  duration: 1m
  cluster:
    nodePools:
    - name: n
      count: 2
      template:
        status:
          capacity: {cpu: "8", memory: 32Gi}
  objects:
  - apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec:
      selector: {app: web}
      ports: [{port: 80}]
  - apiVersion: apps/v1
    kind: ReplicaSet
    metadata: {name: web}
    spec:
      replicas: 5
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers: [{name: web, image: "nginx:1.25"}]
)",
                                       "ep.yaml");
  REQUIRE(spec.has_value());
  auto c = cluster::Cluster::build(spec.value(), {});
  REQUIRE(c.has_value());
  (*c)->run();
  auto ep = (*c)->api().store().get<api::Endpoints>("default", "web");
  REQUIRE(ep);
  REQUIRE(ep->subsets.size() == 1);
  CHECK(ep->subsets[0].addresses.size() == 5);
  CHECK(ep->subsets[0].not_ready_addresses.empty());
  CHECK(ep->subsets[0].ports == std::vector<api::EndpointPort>{{"", 80, "TCP"}});
}
