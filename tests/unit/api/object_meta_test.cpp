// Tests for kubesim::api::StringMap, ObjectMeta::controller_ref and object_key.

#include "support/catch.hpp"

#include "kubesim/api/object_meta.hpp"

#include <string>
#include <utility>
#include <vector>

using kubesim::api::object_key;
using kubesim::api::ObjectMeta;
using kubesim::api::OwnerReference;
using kubesim::api::StringMap;

namespace {

std::vector<std::string> keys(const StringMap& m) {
  std::vector<std::string> out;
  for (const auto& [k, v] : m) {
    out.push_back(k);
  }
  return out;
}

}  // namespace

TEST_CASE("StringMap keeps entries sorted by key", "[api][object_meta]") {
  StringMap m{{"zone", "a"}, {"app", "web"}, {"tier", "frontend"}, {"app.kubernetes.io/name", "x"}};
  CHECK(m.size() == 4);
  CHECK(keys(m) == std::vector<std::string>{"app", "app.kubernetes.io/name", "tier", "zone"});

  m.set("b", "1");
  m.set("a", "2");
  CHECK(keys(m) == std::vector<std::string>{"a", "app", "app.kubernetes.io/name", "b", "tier", "zone"});
  // Byte order: upper case sorts before lower case.
  m.set("Z", "3");
  CHECK(keys(m).front() == "Z");
}

TEST_CASE("StringMap find / contains / set / erase", "[api][object_meta]") {
  StringMap m;
  CHECK(m.empty());
  CHECK(m.find("app") == nullptr);
  CHECK_FALSE(m.contains("app"));

  m.set("app", "web");
  REQUIRE(m.find("app") != nullptr);
  CHECK(*m.find("app") == "web");
  CHECK(m.contains("app"));
  CHECK_FALSE(m.contains("ap"));  // no prefix matching
  CHECK_FALSE(m.contains("appx"));

  m.set("app", "db");  // replaces, no duplicate
  CHECK(m.size() == 1);
  CHECK(*m.find("app") == "db");

  m.set("empty", "");
  CHECK(m.contains("empty"));
  CHECK(m.find("empty")->empty());

  CHECK(m.erase("app"));
  CHECK_FALSE(m.contains("app"));
  CHECK_FALSE(m.erase("app"));  // already gone
  CHECK_FALSE(m.erase("missing"));
  CHECK(m.size() == 1);
  CHECK(m.erase("empty"));
  CHECK(m.empty());
}

TEST_CASE("StringMap initializer list: later duplicates win", "[api][object_meta]") {
  StringMap m{{"k", "first"}, {"k", "second"}};
  CHECK(m.size() == 1);
  CHECK(*m.find("k") == "second");
}

TEST_CASE("StringMap equality does not depend on insertion order", "[api][object_meta]") {
  StringMap a{{"x", "1"}, {"y", "2"}};
  StringMap b;
  b.set("y", "2");
  b.set("x", "1");
  CHECK(a == b);
  b.set("x", "3");
  CHECK_FALSE(a == b);
}

TEST_CASE("StringMap::contains_all", "[api][object_meta]") {
  const StringMap labels{{"app", "web"}, {"tier", "frontend"}, {"env", "prod"}};
  CHECK(labels.contains_all(StringMap{}));  // empty subset matches everything
  CHECK(StringMap{}.contains_all(StringMap{}));
  CHECK(labels.contains_all(StringMap{{"app", "web"}}));
  CHECK(labels.contains_all(StringMap{{"app", "web"}, {"env", "prod"}}));
  CHECK(labels.contains_all(labels));
  CHECK_FALSE(labels.contains_all(StringMap{{"app", "db"}}));                  // value differs
  CHECK_FALSE(labels.contains_all(StringMap{{"app", "web"}, {"zone", "a"}}));  // key missing
  CHECK_FALSE(StringMap{}.contains_all(StringMap{{"app", "web"}}));
  CHECK_FALSE(labels.contains_all(StringMap{{"app", ""}}));  // empty value must match too
}

TEST_CASE("ObjectMeta::controller_ref", "[api][object_meta]") {
  ObjectMeta meta;
  CHECK(meta.controller_ref() == nullptr);
  meta.owner_references.push_back(OwnerReference{"v1", "ConfigMap", "cfg", "uid-1", false, false});
  CHECK(meta.controller_ref() == nullptr);
  meta.owner_references.push_back(OwnerReference{"apps/v1", "ReplicaSet", "web-abc", "uid-2", true, true});
  meta.owner_references.push_back(OwnerReference{"apps/v1", "ReplicaSet", "other", "uid-3", true, false});
  const OwnerReference* ref = meta.controller_ref();
  REQUIRE(ref != nullptr);
  CHECK(ref->name == "web-abc");  // the first controller reference
  CHECK(ref->uid == "uid-2");
  CHECK(ref == &meta.owner_references[1]);
}

TEST_CASE("ObjectMeta defaults", "[api][object_meta]") {
  ObjectMeta meta;
  CHECK(meta.resource_version == 0);
  CHECK(meta.generation == 0);
  CHECK(meta.creation_timestamp == kubesim::api::SimTime::zero());
  CHECK_FALSE(meta.deletion_timestamp.has_value());
  CHECK(meta.labels.empty());
  CHECK(meta.finalizers.empty());
}

TEST_CASE("object_key", "[api][object_meta]") {
  ObjectMeta pod;
  pod.name = "web-1";
  pod.namespace_ = "default";
  CHECK(object_key(pod) == "default/web-1");
  ObjectMeta node;
  node.name = "node-7";
  CHECK(object_key(node) == "node-7");  // cluster-scoped
}
