// Tests for kubesim::store::ObjectStore: resourceVersion assignment, create/update/remove with
// preconditions, sorted lists, change records, the watch history window (Expired = HTTP 410 Gone) and
// the immutability of stored versions.

#include "support/catch.hpp"

#include "kubesim/api/kind.hpp"
#include "kubesim/api/node.hpp"
#include "kubesim/api/pod.hpp"
#include "kubesim/api/service.hpp"
#include "kubesim/store/object_store.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

using kubesim::api::Kind;
using kubesim::api::Node;
using kubesim::api::Pod;
using kubesim::api::ResourceVersion;
using kubesim::api::Service;
using kubesim::store::Change;
using kubesim::store::change_type_name;
using kubesim::store::ChangeType;
using kubesim::store::ObjectRef;
using kubesim::store::ObjectStore;
using kubesim::store::store_error_name;
using kubesim::store::StoreError;

namespace Catch {
template <> struct StringMaker<StoreError> {
  static std::string convert(StoreError e) { return std::string(store_error_name(e)); }
};
template <> struct StringMaker<ChangeType> {
  static std::string convert(ChangeType t) { return std::string(change_type_name(t)); }
};
}  // namespace Catch

namespace {

Pod make_pod(std::string ns, std::string name, std::string node_name = {}) {
  Pod p;
  p.metadata.namespace_ = std::move(ns);
  p.metadata.name = std::move(name);
  p.spec.node_name = std::move(node_name);
  return p;
}

Node make_node(std::string name) {
  Node n;
  n.metadata.name = std::move(name);
  return n;
}

// The (namespace, name) of every ref, in order.
std::vector<std::string> keys_of(const std::vector<ObjectRef>& refs) {
  std::vector<std::string> out;
  for (const ObjectRef& r : refs) {
    out.push_back(r.meta().namespace_ + "/" + r.meta().name);
  }
  return out;
}

std::vector<ResourceVersion> rvs_of(const std::vector<Change>& changes) {
  std::vector<ResourceVersion> out;
  for (const Change& c : changes) {
    out.push_back(c.rv);
  }
  return out;
}

}  // namespace

TEST_CASE("names of errors and change types", "[store][object_store]") {
  CHECK(store_error_name(StoreError::NotFound) == "NotFound");
  CHECK(store_error_name(StoreError::AlreadyExists) == "AlreadyExists");
  CHECK(store_error_name(StoreError::Conflict) == "Conflict");
  CHECK(store_error_name(StoreError::Expired) == "Expired");
  CHECK(change_type_name(ChangeType::Added) == "ADDED");
  CHECK(change_type_name(ChangeType::Modified) == "MODIFIED");
  CHECK(change_type_name(ChangeType::Deleted) == "DELETED");
}

TEST_CASE("create assigns strictly increasing resourceVersions", "[store][object_store]") {
  ObjectStore store(100);
  CHECK(store.current_rv() == 0);
  CHECK(store.oldest_kept_rv() == 0);

  Pod incoming = make_pod("default", "a");
  incoming.metadata.resource_version = 999;  // ignored: the store assigns it
  auto a = store.create(incoming);
  REQUIRE(a.has_value());
  CHECK(a->rv == 1);
  CHECK(a->type == ChangeType::Added);
  CHECK(a->object.kind == Kind::Pod);
  CHECK(a->object.meta().resource_version == 1);
  CHECK_FALSE(a->previous);

  // One global counter across kinds and namespaces.
  auto b = store.create(make_node("node-1"));
  auto c = store.create(make_pod("other", "a"));
  REQUIRE(b.has_value());
  REQUIRE(c.has_value());
  CHECK(b->rv == 2);
  CHECK(c->rv == 3);
  CHECK(store.current_rv() == 3);
  CHECK(store.count(Kind::Pod) == 2);
  CHECK(store.count(Kind::Node) == 1);
  CHECK(store.count(Kind::Service) == 0);

  auto stored = store.get<Pod>("default", "a");
  REQUIRE(stored != nullptr);
  CHECK(stored->metadata.resource_version == 1);
  CHECK(store.get<Node>("", "node-1")->metadata.resource_version == 2);
}

TEST_CASE("create of an existing key is AlreadyExists and writes nothing", "[store][object_store]") {
  ObjectStore store(100);
  REQUIRE(store.create(make_pod("default", "a", "n1")).has_value());
  auto again = store.create(make_pod("default", "a", "n2"));
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error() == StoreError::AlreadyExists);
  CHECK(store.current_rv() == 1);
  CHECK(store.get<Pod>("default", "a")->spec.node_name == "n1");
  // The same name in another namespace, or of another kind, is a different key.
  CHECK(store.create(make_pod("kube-system", "a")).has_value());
  Node node = make_node("a");
  node.metadata.namespace_ = "default";
  CHECK(store.create(node).has_value());
  CHECK(store.current_rv() == 3);
}

TEST_CASE("get returns the current version or nothing", "[store][object_store]") {
  ObjectStore store(100);
  CHECK_FALSE(store.get(Kind::Pod, "default", "a"));
  CHECK(store.get<Pod>("default", "a") == nullptr);
  REQUIRE(store.create(make_pod("default", "a")).has_value());
  ObjectRef ref = store.get(Kind::Pod, "default", "a");
  REQUIRE(ref);
  CHECK(ref.kind == Kind::Pod);
  CHECK(ref.meta().name == "a");
  CHECK(ref.as<Pod>()->metadata.namespace_ == "default");
  CHECK_FALSE(store.get(Kind::Pod, "other", "a"));
  CHECK_FALSE(store.get(Kind::Node, "default", "a"));
}

TEST_CASE("list is sorted by (namespace, name) and can filter by namespace", "[store][object_store]") {
  ObjectStore store(100);
  // Insert in an order unrelated to the sorted order (and to any hash order).
  for (const auto& [ns, name] : std::vector<std::pair<std::string, std::string>>{{"prod", "web-2"},
                                                                                 {"default", "z"},
                                                                                 {"prod", "db"},
                                                                                 {"default", "a"},
                                                                                 {"kube-system", "dns"},
                                                                                 {"prod", "web-10"},
                                                                                 {"default", "m"}}) {
    REQUIRE(store.create(make_pod(ns, name)).has_value());
  }
  REQUIRE(store.create(make_node("node-b")).has_value());
  REQUIRE(store.create(make_node("node-a")).has_value());

  CHECK(keys_of(store.list(Kind::Pod)) == std::vector<std::string>{"default/a", "default/m", "default/z",
                                                                   "kube-system/dns", "prod/db", "prod/web-10",
                                                                   "prod/web-2"});
  CHECK(keys_of(store.list(Kind::Pod, "prod")) == std::vector<std::string>{"prod/db", "prod/web-10", "prod/web-2"});
  CHECK(store.list(Kind::Pod, "nowhere").empty());
  CHECK(keys_of(store.list(Kind::Node)) == std::vector<std::string>{"/node-a", "/node-b"});
  CHECK(store.list(Kind::Service).empty());
}

TEST_CASE("update with resourceVersion preconditions", "[store][object_store]") {
  ObjectStore store(100);
  REQUIRE(store.create(make_pod("default", "a")).has_value());  // rv 1
  REQUIRE(store.create(make_pod("default", "b")).has_value());  // rv 2

  SECTION("matching precondition") {
    auto u = store.update(make_pod("default", "a", "node-1"), 1);
    REQUIRE(u.has_value());
    CHECK(u->rv == 3);
    CHECK(u->type == ChangeType::Modified);
    CHECK(u->object.meta().resource_version == 3);
    REQUIRE(u->previous);
    CHECK(u->previous.meta().resource_version == 1);
    CHECK(u->previous.as<Pod>()->spec.node_name.empty());
    CHECK(u->object.as<Pod>()->spec.node_name == "node-1");
    CHECK(store.get<Pod>("default", "a")->spec.node_name == "node-1");
  }
  SECTION("mismatching precondition is a Conflict and writes nothing") {
    auto u = store.update(make_pod("default", "a", "node-1"), 2);
    REQUIRE_FALSE(u.has_value());
    CHECK(u.error() == StoreError::Conflict);
    CHECK(store.current_rv() == 2);
    CHECK(store.get<Pod>("default", "a")->spec.node_name.empty());
    // A stale writer that read rv 1 loses after someone else wrote.
    REQUIRE(store.update(make_pod("default", "a", "node-1"), 1).has_value());
    auto stale = store.update(make_pod("default", "a", "node-2"), 1);
    REQUIRE_FALSE(stale.has_value());
    CHECK(stale.error() == StoreError::Conflict);
    CHECK(store.get<Pod>("default", "a")->spec.node_name == "node-1");
  }
  SECTION("zero precondition: unconditional") {
    REQUIRE(store.update(make_pod("default", "a", "node-1"), 0).has_value());
    auto u = store.update(make_pod("default", "a", "node-2"), 0);
    REQUIRE(u.has_value());
    CHECK(u->rv == 4);
    CHECK(store.get<Pod>("default", "a")->spec.node_name == "node-2");
  }
  SECTION("the object's own resourceVersion is not the precondition") {
    Pod p = make_pod("default", "a", "node-1");
    p.metadata.resource_version = 12345;
    auto u = store.update(p, 0);
    REQUIRE(u.has_value());
    CHECK(u->object.meta().resource_version == 3);
  }
  SECTION("update of a missing object is NotFound") {
    auto u = store.update(make_pod("default", "missing"), 0);
    REQUIRE_FALSE(u.has_value());
    CHECK(u.error() == StoreError::NotFound);
    CHECK(store.current_rv() == 2);
  }
}

TEST_CASE("remove with preconditions", "[store][object_store]") {
  ObjectStore store(100);
  REQUIRE(store.create(make_pod("default", "a", "node-1")).has_value());     // rv 1
  REQUIRE(store.update(make_pod("default", "a", "node-2"), 1).has_value());  // rv 2

  auto conflict = store.remove(Kind::Pod, "default", "a", 1);
  REQUIRE_FALSE(conflict.has_value());
  CHECK(conflict.error() == StoreError::Conflict);
  CHECK(store.get<Pod>("default", "a") != nullptr);

  auto missing = store.remove(Kind::Pod, "default", "b");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error() == StoreError::NotFound);
  CHECK(store.current_rv() == 2);

  auto removed = store.remove(Kind::Pod, "default", "a", 2);
  REQUIRE(removed.has_value());
  CHECK(removed->rv == 3);
  CHECK(removed->type == ChangeType::Deleted);
  // The Deleted change carries the last state.
  REQUIRE(removed->object);
  CHECK(removed->object.as<Pod>()->spec.node_name == "node-2");
  CHECK(removed->object.meta().name == "a");
  CHECK(store.current_rv() == 3);
  CHECK(store.get<Pod>("default", "a") == nullptr);
  CHECK(store.count(Kind::Pod) == 0);

  // The name is free again; the new object gets a new resourceVersion.
  auto recreated = store.create(make_pod("default", "a"));
  REQUIRE(recreated.has_value());
  CHECK(recreated->rv == 4);

  // Unconditional remove.
  auto gone = store.remove(Kind::Pod, "default", "a");
  REQUIRE(gone.has_value());
  CHECK(gone->rv == 5);
}

// object_store.hpp documents: "For Deleted, `object` is the last state (with the deletion's
// resourceVersion)", as upstream's DELETED watch event carries the deletion revision. The store hands
// out the last stored version unchanged, whose resourceVersion is that of the last write before it.
TEST_CASE("a Deleted change's object carries the deletion's resourceVersion", "[store][object_store]") {
  ObjectStore store(100);
  REQUIRE(store.create(make_pod("default", "a")).has_value());  // rv 1
  REQUIRE(store.create(make_node("n")).has_value());            // rv 2
  auto removed = store.remove(Kind::Pod, "default", "a");       // rv 3
  REQUIRE(removed.has_value());
  CHECK(removed->object.meta().resource_version == removed->rv);
}

TEST_CASE("changes_since returns one kind's changes after a revision, in order", "[store][object_store]") {
  ObjectStore store(100);
  REQUIRE(store.create(make_pod("default", "a")).has_value());           // 1 pod
  REQUIRE(store.create(make_node("n1")).has_value());                    // 2 node
  REQUIRE(store.create(make_pod("default", "b")).has_value());           // 3 pod
  REQUIRE(store.update(make_pod("default", "a", "n1"), 1).has_value());  // 4 pod
  REQUIRE(store.update(make_node("n1"), 0).has_value());                 // 5 node
  REQUIRE(store.remove(Kind::Pod, "default", "b").has_value());          // 6 pod

  auto pods = store.changes_since(Kind::Pod, 0);
  REQUIRE(pods.has_value());
  CHECK(rvs_of(*pods) == std::vector<ResourceVersion>{1, 3, 4, 6});
  REQUIRE(pods->size() == 4);
  CHECK((*pods)[0].type == ChangeType::Added);
  CHECK((*pods)[2].type == ChangeType::Modified);
  CHECK((*pods)[2].previous.meta().resource_version == 1);
  CHECK((*pods)[3].type == ChangeType::Deleted);
  CHECK((*pods)[3].object.meta().name == "b");

  auto after3 = store.changes_since(Kind::Pod, 3);  // strictly after
  REQUIRE(after3.has_value());
  CHECK(rvs_of(*after3) == std::vector<ResourceVersion>{4, 6});

  auto nodes = store.changes_since(Kind::Node, 1);
  REQUIRE(nodes.has_value());
  CHECK(rvs_of(*nodes) == std::vector<ResourceVersion>{2, 5});

  auto up_to_date = store.changes_since(Kind::Pod, 6);
  REQUIRE(up_to_date.has_value());
  CHECK(up_to_date->empty());
  auto future = store.changes_since(Kind::Pod, 100);
  REQUIRE(future.has_value());
  CHECK(future->empty());
  auto services = store.changes_since(Kind::Service, 0);
  REQUIRE(services.has_value());
  CHECK(services->empty());
}

TEST_CASE("the history window: older revisions are Expired", "[store][object_store]") {
  ObjectStore store(3);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(store.create(make_pod("default", "p" + std::to_string(i))).has_value());  // rv 1..5
  }
  REQUIRE(store.oldest_kept_rv() == 3);  // 3, 4, 5 kept
  const ResourceVersion oldest = store.oldest_kept_rv();

  // Every change after `from` must still be kept: from = oldest - 1 needs oldest.., which is there.
  auto ok = store.changes_since(Kind::Pod, oldest - 1);
  REQUIRE(ok.has_value());
  CHECK(rvs_of(*ok) == std::vector<ResourceVersion>{3, 4, 5});
  // from = oldest - 2 would need revision oldest - 1, which was compacted: 410 Gone.
  auto expired = store.changes_since(Kind::Pod, oldest - 2);
  REQUIRE_FALSE(expired.has_value());
  CHECK(expired.error() == StoreError::Expired);
  auto from_zero = store.changes_since(Kind::Pod, 0);
  REQUIRE_FALSE(from_zero.has_value());
  CHECK(from_zero.error() == StoreError::Expired);
  // Expiry is about revisions, not kinds: even a kind with no changes at all is Expired from rv 0.
  auto nodes = store.changes_since(Kind::Node, 0);
  REQUIRE_FALSE(nodes.has_value());
  CHECK(nodes.error() == StoreError::Expired);

  auto later = store.changes_since(Kind::Pod, 4);
  REQUIRE(later.has_value());
  CHECK(rvs_of(*later) == std::vector<ResourceVersion>{5});

  // The window slides with each write.
  REQUIRE(store.remove(Kind::Pod, "default", "p0").has_value());  // rv 6
  CHECK(store.oldest_kept_rv() == 4);
  CHECK_FALSE(store.changes_since(Kind::Pod, 2).has_value());
  auto slid = store.changes_since(Kind::Pod, 3);
  REQUIRE(slid.has_value());
  CHECK(rvs_of(*slid) == std::vector<ResourceVersion>{4, 5, 6});
}

TEST_CASE("before any compaction every revision is available", "[store][object_store]") {
  ObjectStore store(3);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(store.create(make_pod("default", "p" + std::to_string(i))).has_value());
  }
  CHECK(store.oldest_kept_rv() == 1);
  auto all = store.changes_since(Kind::Pod, 0);
  REQUIRE(all.has_value());
  CHECK(rvs_of(*all) == std::vector<ResourceVersion>{1, 2, 3});
}

TEST_CASE("a history window of 0 is raised to 1", "[store][object_store]") {
  ObjectStore store(0);
  REQUIRE(store.create(make_pod("default", "a")).has_value());
  REQUIRE(store.create(make_pod("default", "b")).has_value());
  CHECK(store.oldest_kept_rv() == 2);
  auto last = store.changes_since(Kind::Pod, 1);
  REQUIRE(last.has_value());
  CHECK(rvs_of(*last) == std::vector<ResourceVersion>{2});
  CHECK_FALSE(store.changes_since(Kind::Pod, 0).has_value());
}

TEST_CASE("stored objects are immutable snapshots", "[store][object_store]") {
  ObjectStore store(100);
  REQUIRE(store.create(make_pod("default", "a", "node-1")).has_value());
  std::shared_ptr<const Pod> held = store.get<Pod>("default", "a");
  ObjectRef held_ref = store.get(Kind::Pod, "default", "a");
  auto added = store.changes_since(Kind::Pod, 0);
  REQUIRE(added.has_value());

  REQUIRE(store.update(make_pod("default", "a", "node-2"), 0).has_value());
  REQUIRE(store.update(make_pod("default", "a", "node-3"), 0).has_value());

  // Everyone holding the old version still sees it, unchanged.
  CHECK(held->spec.node_name == "node-1");
  CHECK(held->metadata.resource_version == 1);
  CHECK(held_ref.as<Pod>()->spec.node_name == "node-1");
  CHECK((*added)[0].object.as<Pod>()->spec.node_name == "node-1");
  // The store serves the newest, and the history keeps every version.
  CHECK(store.get<Pod>("default", "a")->spec.node_name == "node-3");
  auto history = store.changes_since(Kind::Pod, 0);
  REQUIRE(history.has_value());
  REQUIRE(history->size() == 3);
  CHECK((*history)[1].object.as<Pod>()->spec.node_name == "node-2");
  CHECK((*history)[2].previous.as<Pod>()->spec.node_name == "node-2");

  // Removing keeps held versions alive too.
  REQUIRE(store.remove(Kind::Pod, "default", "a").has_value());
  CHECK(held->spec.node_name == "node-1");
}

TEST_CASE("objects of other kinds round-trip", "[store][object_store]") {
  ObjectStore store(10);
  Service svc;
  svc.metadata.namespace_ = "default";
  svc.metadata.name = "web";
  auto created = store.create(svc);
  REQUIRE(created.has_value());
  CHECK(created->object.kind == Kind::Service);
  auto got = store.get<Service>("default", "web");
  REQUIRE(got != nullptr);
  CHECK(got->metadata.resource_version == 1);
  CHECK(store.get(Kind::Service, "default", "web").meta().name == "web");
}
