#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/controllers/controller_manager.hpp"
#include "kubesim/controllers/garbage_collector.hpp"
#include "kubesim/controllers/pod_util.hpp"

using namespace kubesim;
using namespace kubesim::base::literals;

namespace {

// The API server and a controller manager running only the garbage collector; the test plays the
// user (and the ReplicaSet controller) through its own client.
struct Harness {
  sim::Simulation sim{1};
  apiserver::ApiServer api{sim, {}};
  controllers::ControllerManager cm{sim, api, config()};
  client::Client user{api, "test-user"};

  static controllers::ControllerManagerConfig config() {
    controllers::ControllerManagerConfig c;
    c.controllers = {"garbagecollector"};
    return c;
  }
  Harness() { cm.start(); }

  void dispatch(const sim::Event& e) {
    switch (e.kind) {
    case sim::EventKind::ApiRequest:
      api.handle_request(e.arg);
      break;
    case sim::EventKind::ControllerWatch:
      cm.handle_watch(e.target, e.arg);
      break;
    case sim::EventKind::ControllerReply:
      cm.handle_reply(e.target, e.arg);
      break;
    case sim::EventKind::ControllerWake:
      cm.handle_wake(e.target, e.arg);
      break;
    case sim::EventKind::ControllerTimer:
      cm.handle_timer(e.target, e.arg);
      break;
    default:
      FAIL("unexpected event kind " << sim::event_kind_name(e.kind));
    }
  }
  void run() { sim.run_until(sim.now() + 60_s, *this); }

  std::shared_ptr<const api::ReplicaSet> rs(const std::string& name) {
    return api.store().get<api::ReplicaSet>("default", name);
  }
  std::shared_ptr<const api::Pod> pod(const std::string& name) { return api.store().get<api::Pod>("default", name); }

  // A ReplicaSet "web" and two pods it controls.
  void create_family() {
    api::ReplicaSet r;
    r.metadata.name = "web";
    r.spec.replicas = 2;
    r.spec.selector.match_labels.set("app", "web");
    r.spec.template_.metadata.labels.set("app", "web");
    api::Container c;
    c.name = "web";
    c.image = "nginx:1.25";
    r.spec.template_.spec.containers.push_back(c);
    user.create(api::AnyObject(r));
    run();
    auto stored = rs("web");
    REQUIRE(stored);
    for (std::string name : {"web-a", "web-b"}) {
      api::Pod p = controllers::pod_from_template(stored->spec.template_, stored->metadata, "apps/v1", "ReplicaSet");
      p.metadata.generate_name.clear();
      p.metadata.name = name;
      user.create(api::AnyObject(std::move(p)));
    }
    run();
    REQUIRE(pod("web-a"));
    REQUIRE(pod("web-b"));
  }
};

}  // namespace

TEST_CASE("background deletion: the owner goes at once, then its dependents", "[controllers][gc]") {
  Harness h;
  h.create_family();
  base::SimTime t0 = h.sim.now();
  h.user.remove(api::Kind::ReplicaSet, "default", "web");
  h.run();
  CHECK_FALSE(h.rs("web"));
  CHECK_FALSE(h.pod("web-a"));
  CHECK_FALSE(h.pod("web-b"));
  CHECK(h.sim.now() > t0);
}

TEST_CASE("foreground deletion: the owner waits for its blocking dependents", "[controllers][gc]") {
  Harness h;
  h.create_family();
  h.user.remove(api::Kind::ReplicaSet, "default", "web", std::nullopt, 0, false, apiserver::Propagation::Foreground);
  // Right after the DELETE is applied the owner is only marked, with the foregroundDeletion finalizer.
  h.sim.run_until(h.sim.now() + 3_ms, h);
  auto marked = h.rs("web");
  REQUIRE(marked);
  CHECK(marked->metadata.deletion_timestamp.has_value());
  CHECK(marked->metadata.finalizers == std::vector<std::string>{"foregroundDeletion"});
  h.run();
  CHECK_FALSE(h.pod("web-a"));
  CHECK_FALSE(h.pod("web-b"));
  CHECK_FALSE(h.rs("web"));
}

TEST_CASE("orphan deletion: dependents lose the owner reference and stay", "[controllers][gc]") {
  Harness h;
  h.create_family();
  h.user.remove(api::Kind::ReplicaSet, "default", "web", std::nullopt, 0, false, apiserver::Propagation::Orphan);
  h.run();
  CHECK_FALSE(h.rs("web"));
  auto a = h.pod("web-a");
  auto b = h.pod("web-b");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->metadata.owner_references.empty());
  CHECK(b->metadata.owner_references.empty());
}

TEST_CASE("a dependent whose owner never existed is collected", "[controllers][gc]") {
  Harness h;
  api::Pod p;
  p.metadata.name = "stray";
  p.metadata.owner_references.push_back(
      api::OwnerReference{"apps/v1", "ReplicaSet", "ghost", "uid-999999", true, true});
  api::Container c;
  c.name = "c";
  c.image = "busybox:1.36";
  p.spec.containers.push_back(c);
  h.user.create(api::AnyObject(std::move(p)));
  h.run();
  CHECK_FALSE(h.pod("stray"));
}

TEST_CASE("a dependent with one live owner only loses the dangling reference", "[controllers][gc]") {
  Harness h;
  h.create_family();
  auto live = h.rs("web");
  api::Pod p = *h.pod("web-a");
  p.metadata.owner_references.push_back(
      api::OwnerReference{"apps/v1", "ReplicaSet", "ghost", "uid-999999", false, false});
  p.metadata.resource_version = 0;
  h.user.update(api::AnyObject(std::move(p)));
  h.run();
  auto a = h.pod("web-a");
  REQUIRE(a);
  REQUIRE(a->metadata.owner_references.size() == 1);
  CHECK(a->metadata.owner_references[0].uid == live->metadata.uid);
}
