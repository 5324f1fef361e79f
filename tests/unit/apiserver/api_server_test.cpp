#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/apiserver/api_server.hpp"

#include <vector>

using namespace kubesim;
using namespace kubesim::base::literals;
using apiserver::ApiServer;
using apiserver::Endpoint;
using apiserver::ResultCode;
using sim::EventKind;
using store::ChangeType;

namespace {

api::Pod make_pod(std::string name, std::string node = "") {
  api::Pod p;
  p.metadata.name = std::move(name);
  api::Container c;
  c.name = "app";
  c.image = "nginx:1.25";
  c.resources.requests.set("cpu", 500);
  p.spec.containers.push_back(c);
  p.spec.node_name = std::move(node);
  return p;
}

api::Node make_node(std::string name) {
  api::Node n;
  n.metadata.name = std::move(name);
  n.status.capacity.set("cpu", 4000);
  n.status.capacity.set("pods", 110);
  return n;
}

// A dispatcher that serves API requests and records what consumers receive, with the time.
struct Harness {
  sim::Simulation sim{7};
  ApiServer api;
  struct Seen {
    base::SimTime at;
    std::uint32_t target;
    apiserver::WatchEvent ev;
  };
  std::vector<Seen> watch;
  std::vector<std::pair<base::SimTime, apiserver::Reply>> replies;

  explicit Harness(apiserver::ApiServerConfig cfg = {}) : api(sim, std::move(cfg)) {}

  void dispatch(const sim::Event& e) {
    switch (e.kind) {
    case EventKind::ApiRequest:
      api.handle_request(e.arg);
      break;
    case EventKind::SchedulerWatch:
      watch.push_back({sim.now(), e.target, api.take_watch_event(e.arg)});
      break;
    case EventKind::SchedulerReply:
      replies.emplace_back(sim.now(), api.take_reply(e.arg));
      break;
    default:
      FAIL("unexpected event kind");
    }
  }
  void run() { sim.run_until(base::SimTime::max(), *this); }
};

constexpr Endpoint kReplies{EventKind::SchedulerReply, 0};
constexpr Endpoint kWatch{EventKind::SchedulerWatch, 5};

}  // namespace

TEST_CASE("writes take effect after the verb's latency and reply with the stored object", "[apiserver]") {
  Harness h;
  auto client = h.api.register_client("test");
  h.api.create(client, make_pod("a"), kReplies, 42);
  h.run();
  REQUIRE(h.replies.size() == 1);
  CHECK(h.replies[0].first == base::SimTime::zero() + 3_ms);  // default create latency
  const apiserver::Reply& r = h.replies[0].second;
  CHECK(r.code == ResultCode::Ok);
  CHECK(r.tag == 42);
  auto pod = r.object.as<api::Pod>();
  CHECK(pod->metadata.uid == "uid-000001");
  CHECK(pod->metadata.namespace_ == "default");
  CHECK(pod->metadata.resource_version == 1);
  CHECK(pod->metadata.creation_timestamp == base::SimTime::zero() + 3_ms);
  CHECK(pod->spec.scheduler_name == "default-scheduler");
  CHECK(pod->spec.termination_grace_period_seconds == 30);
}

TEST_CASE("admission resolves priority classes and adds default tolerations", "[apiserver]") {
  Harness h;
  auto client = h.api.register_client("test");
  api::PriorityClass pc;
  pc.metadata.name = "high";
  pc.value = 1000;
  h.api.create(client, pc);
  api::Pod pod = make_pod("a");
  pod.spec.priority_class_name = "high";
  h.api.create(client, pod, kReplies);
  api::Pod missing = make_pod("b");
  missing.spec.priority_class_name = "nope";
  h.api.create(client, missing, kReplies);
  h.run();
  REQUIRE(h.replies.size() == 2);
  auto stored = h.replies[0].second.object.as<api::Pod>();
  CHECK(stored->spec.priority == 1000);
  CHECK(stored->spec.preemption_policy == api::PreemptionPolicy::PreemptLowerPriority);
  REQUIRE(stored->spec.tolerations.size() == 2);
  CHECK(stored->spec.tolerations[0].key == "node.kubernetes.io/not-ready");
  CHECK(stored->spec.tolerations[0].effect == api::TaintEffect::NoExecute);
  CHECK(stored->spec.tolerations[0].toleration_seconds == 300);
  CHECK(stored->spec.tolerations[1].key == "node.kubernetes.io/unreachable");
  CHECK(h.replies[1].second.code == ResultCode::Invalid);
  CHECK(h.replies[1].second.message ==
        "Pod \"b\" is invalid: spec.priorityClassName: no PriorityClass with name nope was found");
}

TEST_CASE("a global default PriorityClass applies to pods without a class", "[apiserver]") {
  Harness h;
  auto client = h.api.register_client("test");
  api::PriorityClass pc;
  pc.metadata.name = "everyone";
  pc.value = 7;
  pc.global_default = true;
  h.api.create(client, pc);
  h.api.create(client, make_pod("a"), kReplies);
  h.run();
  auto stored = h.replies.at(0).second.object.as<api::Pod>();
  CHECK(stored->spec.priority == 7);
  CHECK(stored->spec.priority_class_name == "everyone");
}

TEST_CASE("invalid objects are rejected with the reason and never stored", "[apiserver]") {
  Harness h;
  auto client = h.api.register_client("test");
  api::Pod bad = make_pod("Bad_Name");
  h.api.create(client, bad, kReplies);
  h.run();
  REQUIRE(h.replies.size() == 1);
  CHECK(h.replies[0].second.code == ResultCode::Invalid);
  CHECK(h.replies[0].second.message.starts_with("Pod \"Bad_Name\" is invalid: metadata.name"));
  CHECK(h.api.store().count(api::Kind::Pod) == 0);
  CHECK(h.api.store().current_rv() == 0);
}

TEST_CASE("creating an existing object fails with AlreadyExists", "[apiserver]") {
  Harness h;
  auto client = h.api.register_client("test");
  h.api.create(client, make_pod("a"), kReplies);
  h.api.create(client, make_pod("a"), kReplies);
  h.run();
  REQUIRE(h.replies.size() == 2);
  CHECK(h.replies[1].second.code == ResultCode::AlreadyExists);
  CHECK(h.replies[1].second.message == "pods \"a\" already exists");
}

TEST_CASE("update honours the resourceVersion precondition and keeps identity fields", "[apiserver]") {
  Harness h;
  auto client = h.api.register_client("test");
  h.api.create(client, make_pod("a"), kReplies);
  h.run();
  auto v1 = h.replies.at(0).second.object.as<api::Pod>();

  api::Pod stale = *v1;
  stale.metadata.labels.set("x", "1");
  stale.metadata.uid = "forged";
  h.api.update(client, stale, kReplies);  // rv 1 matches: ok
  h.api.update(client, stale, kReplies);  // rv 1 is now stale: conflict
  h.run();
  REQUIRE(h.replies.size() == 3);
  CHECK(h.replies[1].second.code == ResultCode::Ok);
  auto v2 = h.replies[1].second.object.as<api::Pod>();
  CHECK(v2->metadata.labels.find("x") != nullptr);
  CHECK(v2->metadata.uid == v1->metadata.uid);
  CHECK(v2->metadata.resource_version == 2);
  CHECK(h.replies[2].second.code == ResultCode::Conflict);
}

TEST_CASE("update_status changes only the status", "[apiserver]") {
  Harness h;
  auto client = h.api.register_client("test");
  h.api.create(client, make_pod("a"), kReplies);
  h.run();
  api::Pod next = *h.replies.at(0).second.object.as<api::Pod>();
  next.status.phase = api::PodPhase::Running;
  next.spec.node_name = "sneaky";  // ignored by the status subresource
  next.metadata.resource_version = 0;
  h.api.update_status(client, next, kReplies);
  h.run();
  auto stored = h.replies.at(1).second.object.as<api::Pod>();
  CHECK(stored->status.phase == api::PodPhase::Running);
  CHECK(stored->spec.node_name.empty());
}

TEST_CASE("bind sets nodeName and PodScheduled once; a second bind conflicts", "[apiserver]") {
  Harness h;
  auto client = h.api.register_client("scheduler");
  h.api.create(client, make_pod("a"));
  h.api.bind(client, "default", "a", "node-1", kReplies);
  h.api.bind(client, "default", "a", "node-2", kReplies);
  h.api.bind(client, "default", "ghost", "node-2", kReplies);
  h.run();
  REQUIRE(h.replies.size() == 3);
  auto bound = h.replies[0].second.object.as<api::Pod>();
  CHECK(bound->spec.node_name == "node-1");
  const api::PodCondition* c = bound->status.condition("PodScheduled");
  REQUIRE(c != nullptr);
  CHECK(c->status == api::ConditionStatus::True);
  CHECK(h.replies[1].second.code == ResultCode::Conflict);
  CHECK(h.replies[1].second.message ==
        "Operation cannot be fulfilled on pods/binding \"a\": pod a is already assigned to node \"node-1\"");
  CHECK(h.replies[2].second.code == ResultCode::NotFound);
  auto counts = h.api.request_counts();
  REQUIRE(counts.size() == 2);
  CHECK(counts[0].resource == "pods");
  CHECK(counts[1].resource == "pods/binding");
  CHECK(counts[1].count == 3);
  CHECK(counts[1].failed == 2);
}

TEST_CASE("deleting a bound pod is graceful; unbound pods go at once", "[apiserver]") {
  Harness h;
  auto client = h.api.register_client("test");
  h.api.create(client, make_pod("bound", "node-1"));
  h.api.create(client, make_pod("free"));
  h.run();
  h.api.remove(client, api::Kind::Pod, "default", "bound", kReplies);
  h.api.remove(client, api::Kind::Pod, "default", "free", kReplies);
  h.run();
  auto marked = h.api.store().get<api::Pod>("default", "bound");
  REQUIRE(marked != nullptr);
  REQUIRE(marked->metadata.deletion_timestamp.has_value());
  CHECK(*marked->metadata.deletion_timestamp == h.replies[0].first + 30_s);
  CHECK(h.api.store().get<api::Pod>("default", "free") == nullptr);
  // The kubelet's confirmation (grace 0) removes it.
  h.api.remove(client, api::Kind::Pod, "default", "bound", {}, 0, 0);
  h.run();
  CHECK(h.api.store().get<api::Pod>("default", "bound") == nullptr);
}

TEST_CASE("list_and_watch delivers the listed objects then every change, in order, after the delay", "[apiserver]") {
  apiserver::ApiServerConfig cfg;
  cfg.watch_delay = base::DurationDistribution::constant(2_ms);
  Harness h(cfg);
  auto client = h.api.register_client("test");
  h.api.create(client, make_node("n1"));
  h.run();
  h.api.list_and_watch(client, api::Kind::Node, {}, kWatch);
  h.api.create(client, make_node("n2"));
  h.api.remove(client, api::Kind::Node, "", "n1");
  h.run();
  REQUIRE(h.watch.size() == 3);
  CHECK(h.watch[0].ev.type == ChangeType::Added);
  CHECK(h.watch[0].ev.object.meta().name == "n1");
  CHECK(h.watch[0].target == 5);
  CHECK(h.watch[1].ev.type == ChangeType::Added);
  CHECK(h.watch[1].ev.object.meta().name == "n2");
  CHECK(h.watch[1].at == base::SimTime::zero() + 3_ms + 3_ms + 2_ms);
  CHECK(h.watch[2].ev.type == ChangeType::Deleted);
  CHECK(h.watch[2].ev.object.meta().name == "n1");
  CHECK(h.watch[1].ev.rv < h.watch[2].ev.rv);
}

TEST_CASE("a node-filtered pod watch sees a bind as Added and deletion as Deleted", "[apiserver]") {
  Harness h;
  auto client = h.api.register_client("kubelet");
  apiserver::WatchFilter filter;
  filter.node_name = "node-1";
  h.api.list_and_watch(client, api::Kind::Pod, filter, kWatch);
  h.api.create(client, make_pod("a"));
  h.api.create(client, make_pod("b"));
  h.run();
  CHECK(h.watch.empty());  // unbound pods are not this node's business
  h.api.bind(client, "default", "a", "node-1");
  h.api.bind(client, "default", "b", "node-2");
  h.run();
  REQUIRE(h.watch.size() == 1);
  CHECK(h.watch[0].ev.type == ChangeType::Added);
  CHECK(h.watch[0].ev.object.meta().name == "a");
  h.api.remove(client, api::Kind::Pod, "default", "a", {}, 0, 0);
  h.run();
  REQUIRE(h.watch.size() == 2);
  CHECK(h.watch[1].ev.type == ChangeType::Deleted);
}

TEST_CASE("the scheduler's watch drops pods when they finish", "[apiserver]") {
  Harness h;
  auto client = h.api.register_client("scheduler");
  apiserver::WatchFilter filter;
  filter.exclude_terminal_pods = true;
  h.api.list_and_watch(client, api::Kind::Pod, filter, kWatch);
  h.api.create(client, make_pod("a", "node-1"), kReplies);
  h.run();
  api::Pod done = *h.replies.at(0).second.object.as<api::Pod>();
  done.status.phase = api::PodPhase::Succeeded;
  done.metadata.resource_version = 0;
  h.api.update_status(client, done);
  h.run();
  REQUIRE(h.watch.size() == 2);
  CHECK(h.watch[0].ev.type == ChangeType::Added);
  CHECK(h.watch[1].ev.type == ChangeType::Deleted);
}

TEST_CASE("watch from an old resourceVersion replays history or is Expired", "[apiserver]") {
  apiserver::ApiServerConfig cfg;
  cfg.history_window = 3;
  Harness h(cfg);
  auto client = h.api.register_client("test");
  for (int i = 0; i < 5; ++i) {
    h.api.create(client, make_node("n" + std::to_string(i)));
  }
  h.run();
  // Revisions 3..5 are kept: a watch from 2 replays 3, 4, 5; a watch from 1 would miss revision 2.
  auto ok = h.api.watch(client, api::Kind::Node, 2, {}, kWatch);
  REQUIRE(ok.has_value());
  auto expired = h.api.watch(client, api::Kind::Node, 1, {}, kWatch);
  REQUIRE_FALSE(expired.has_value());
  CHECK(expired.error() == store::StoreError::Expired);
  h.run();
  REQUIRE(h.watch.size() == 3);
  CHECK(h.watch[0].ev.rv == 3);
  CHECK(h.watch[2].ev.rv == 5);
}

TEST_CASE("on_change reports every successful write with verb and client", "[apiserver]") {
  Harness h;
  auto client = h.api.register_client("tester");
  std::vector<std::string> seen;
  h.api.on_change.connect([&](base::SimTime, apiserver::Verb v, apiserver::ClientId c, const store::Change& ch) {
    seen.push_back(std::string(apiserver::verb_name(v)) + " " + h.api.client_name(c) + " " +
                   std::string(store::change_type_name(ch.type)) + " " + ch.object.meta().name);
  });
  h.api.create(client, make_pod("a"));
  h.api.create(client, make_pod("Invalid!"));
  h.api.bind(client, "default", "a", "n");
  h.run();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] == "create tester ADDED a");
  CHECK(seen[1] == "create tester MODIFIED a");
}

TEST_CASE("the kubesim.io/duration annotation must be a duration", "[apiserver]") {
  Harness h;
  auto client = h.api.register_client("test");
  api::Pod bad = make_pod("a");
  bad.metadata.annotations.set("kubesim.io/duration", "ten minutes");
  h.api.create(client, bad, kReplies);
  api::Pod good = make_pod("b");
  good.metadata.annotations.set("kubesim.io/duration", "1h30m");
  h.api.create(client, good, kReplies);
  h.run();
  REQUIRE(h.replies.size() == 2);
  CHECK(h.replies[0].second.code == ResultCode::Invalid);
  CHECK(h.replies[0].second.message ==
        "Pod \"a\" is invalid: metadata.annotations[kubesim.io/duration]: Invalid value: \"ten minutes\": must be a "
        "non-negative duration such as 90s, 10m or 1h30m");
  CHECK(h.replies[1].second.code == ResultCode::Ok);
}
