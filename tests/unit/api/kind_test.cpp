// Tests for kubesim::api::Kind: the name / apiVersion / scope tables and the C++ type → Kind map.

#include "support/catch.hpp"

#include "kubesim/api/kind.hpp"
#include "kubesim/api/object.hpp"

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>

using kubesim::api::is_namespaced;
using kubesim::api::Kind;
using kubesim::api::kind_api_version;
using kubesim::api::kind_from_name;
using kubesim::api::kind_name;
using kubesim::api::kKindCount;

TEST_CASE("kind tables", "[api][kind]") {
  struct Row {
    Kind kind;
    std::string_view name;
    std::string_view api_version;
    bool namespaced;
  };
  const Row rows[] = {
      {Kind::Node, "Node", "v1", false},
      {Kind::Pod, "Pod", "v1", true},
      {Kind::Service, "Service", "v1", true},
      {Kind::ReplicaSet, "ReplicaSet", "apps/v1", true},
      {Kind::Deployment, "Deployment", "apps/v1", true},
      {Kind::PriorityClass, "PriorityClass", "scheduling.k8s.io/v1", false},
      {Kind::PodDisruptionBudget, "PodDisruptionBudget", "policy/v1", true},
      {Kind::Event, "Event", "v1", true},
      {Kind::Lease, "Lease", "coordination.k8s.io/v1", true},
      {Kind::Endpoints, "Endpoints", "v1", true},
      {Kind::EndpointSlice, "EndpointSlice", "discovery.k8s.io/v1", true},
      {Kind::Job, "Job", "batch/v1", true},
  };
  STATIC_REQUIRE(kKindCount == 12);
  for (const Row& r : rows) {
    INFO(std::string(r.name));
    CHECK(kind_name(r.kind) == r.name);
    CHECK(kind_api_version(r.kind) == r.api_version);
    CHECK(is_namespaced(r.kind) == r.namespaced);
    CHECK(kind_from_name(r.name) == r.kind);
  }
}

TEST_CASE("kind_from_name is exact", "[api][kind]") {
  CHECK(kind_from_name("ConfigMap") == std::nullopt);
  CHECK(kind_from_name("pod") == std::nullopt);  // case-sensitive, as apiVersion/kind in manifests
  CHECK(kind_from_name("Pods") == std::nullopt);
  CHECK(kind_from_name("") == std::nullopt);
}

TEST_CASE("every kind round-trips through its name", "[api][kind]") {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < kKindCount; ++i) {
    Kind k = static_cast<Kind>(i);
    names.insert(kind_name(k));
    CHECK(kind_from_name(kind_name(k)) == k);
  }
  CHECK(names.size() == kKindCount);
}

TEST_CASE("kind_of maps types to kinds, in AnyObject order", "[api][kind]") {
  using namespace kubesim::api;
  STATIC_REQUIRE(kind_of<Node> == Kind::Node);
  STATIC_REQUIRE(kind_of<Pod> == Kind::Pod);
  STATIC_REQUIRE(kind_of<Service> == Kind::Service);
  STATIC_REQUIRE(kind_of<ReplicaSet> == Kind::ReplicaSet);
  STATIC_REQUIRE(kind_of<Deployment> == Kind::Deployment);
  STATIC_REQUIRE(kind_of<PriorityClass> == Kind::PriorityClass);
  STATIC_REQUIRE(kind_of<PodDisruptionBudget> == Kind::PodDisruptionBudget);
  STATIC_REQUIRE(std::variant_size_v<AnyObject> == kKindCount);

  AnyObject obj = Deployment{};
  CHECK(kind_of_object(obj) == Kind::Deployment);
  meta_of(obj).name = "web";
  CHECK(meta_of(obj).name == "web");
  CHECK(std::get<Deployment>(obj).metadata.name == "web");
  obj = PriorityClass{};
  CHECK(kind_of_object(obj) == Kind::PriorityClass);
}
