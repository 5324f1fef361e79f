#include "support/catch.hpp"

#include "kubesim/scheduler/scheduler.hpp"

#include <algorithm>

using namespace kubesim;
using namespace kubesim::base::literals;
using namespace kubesim::scheduler;

TEST_CASE("numFeasibleNodesToFind matches upstream's examples", "[scheduler]") {
  CHECK(num_feasible_nodes_to_find(0, 10) == 10);
  CHECK(num_feasible_nodes_to_find(0, 99) == 99);
  CHECK(num_feasible_nodes_to_find(0, 1000) == 420);
  CHECK(num_feasible_nodes_to_find(40, 1000) == 400);
  CHECK(num_feasible_nodes_to_find(0, 6000) == 300);
  CHECK(num_feasible_nodes_to_find(0, 5000) == 500);
  CHECK(num_feasible_nodes_to_find(1, 1000) == 100);  // never fewer than 100
  CHECK(num_feasible_nodes_to_find(100, 15000) == 15000);
}

TEST_CASE("FitError lists sorted 'count reason' strings", "[scheduler]") {
  CHECK(fit_error_message(5, {{"Insufficient cpu", 3}, {"Insufficient memory", 2}}) ==
        "0/5 nodes are available: 2 Insufficient memory, 3 Insufficient cpu.");
  CHECK(fit_error_message(3, {{"Too many pods", 3}}) == "0/3 nodes are available: 3 Too many pods.");
  CHECK(fit_error_message(0, {}) == "0/0 nodes are available:");
  // The PostFilter message is appended with upstream's SeparatorFormat " %v.".
  CHECK(fit_error_message(1, {{"Insufficient cpu", 1}},
                          "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.") ==
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims "
        "found for incoming pod..");
}

namespace {

struct Harness {
  sim::Simulation sim{1};
  apiserver::ApiServer api{sim, {}};
  std::unique_ptr<Scheduler> scheduler;
  apiserver::ClientId client = api.register_client("test");
  std::vector<std::pair<std::string, AttemptResult>> attempts;

  explicit Harness(const ProfileConfig& profile = default_profile()) {
    auto s = Scheduler::create(sim, api, {}, {profile});
    REQUIRE(s.has_value());
    scheduler = std::move(s.value());
    scheduler->on_attempt.connect([this](base::SimTime, const api::Pod& p, const AttemptResult& r) {
      attempts.emplace_back(p.metadata.name, r);
    });
    scheduler->start();
  }
  void dispatch(const sim::Event& e) {
    switch (e.kind) {
    case sim::EventKind::ApiRequest:
      api.handle_request(e.arg);
      break;
    case sim::EventKind::SchedulerWatch:
      scheduler->handle_watch(e.target, e.arg);
      break;
    case sim::EventKind::SchedulerReply:
      scheduler->handle_reply(e.arg);
      break;
    case sim::EventKind::SchedulerCycle:
      scheduler->run_cycle();
      break;
    case sim::EventKind::SchedulerFlushBackoff:
      scheduler->flush_backoff();
      break;
    case sim::EventKind::SchedulerFlushUnschedulable:
      scheduler->flush_unschedulable();
      break;
    default:
      FAIL("unexpected event");
    }
  }
  void run_for(base::Duration d) { sim.run_until(sim.now() + d, *this); }
  void node(std::string name, std::int64_t cpu) {
    api::Node n;
    n.metadata.name = std::move(name);
    n.status.capacity.set("cpu", cpu);
    n.status.capacity.set("memory", 8LL << 30);
    n.status.capacity.set("pods", 110);
    api.create(client, n);
  }
  void pod(std::string name, std::int64_t cpu) {
    api::Pod p;
    p.metadata.name = std::move(name);
    api::Container c;
    c.name = "c";
    c.image = "busybox";
    c.resources.requests.set("cpu", cpu);
    p.spec.containers.push_back(c);
    api.create(client, p);
  }
  /// A pod with spec.priority set (admission keeps it when no priorityClassName is given).
  void priority_pod(std::string name, std::int64_t cpu, std::int32_t priority, std::int64_t grace = 0,
                    bool never = false) {
    api::Pod p;
    p.metadata.name = std::move(name);
    api::Container c;
    c.name = "c";
    c.image = "busybox";
    c.resources.requests.set("cpu", cpu);
    p.spec.containers.push_back(c);
    p.spec.priority = priority;
    p.spec.termination_grace_period_seconds = grace;
    if (never) {
      p.spec.preemption_policy = api::PreemptionPolicy::Never;
    }
    api.create(client, p);
  }
  std::shared_ptr<const api::Pod> get(const std::string& pod) { return api.store().get<api::Pod>("default", pod); }
  std::string node_of(const std::string& pod) {
    auto p = api.store().get<api::Pod>("default", pod);
    return p ? p->spec.node_name : "<gone>";
  }
};

/// The default profile, which has DefaultPreemption at upstream's position (after InterPodAffinity).
ProfileConfig with_preemption() {
  ProfileConfig p = default_profile();
  const auto& list = p.at(ExtensionPoint::MultiPoint).enabled;
  auto it = std::find_if(list.begin(), list.end(), [](const PluginRef& r) { return r.name == "InterPodAffinity"; });
  REQUIRE(it != list.end());
  REQUIRE((it + 1)->name == "DefaultPreemption");
  return p;
}

}  // namespace

TEST_CASE("pods are bound to the least allocated node that fits", "[scheduler]") {
  Harness h;
  h.node("small", 2000);
  h.node("big", 8000);
  h.run_for(1_s);
  h.pod("p1", 1000);
  h.run_for(1_s);
  CHECK(h.node_of("p1") == "big");  // 87 vs 50 on cpu
  h.pod("p2", 1500);
  h.run_for(1_s);
  CHECK(h.node_of("p2") == "big");
  h.pod("p3", 3000);
  h.run_for(1_s);
  CHECK(h.node_of("p3") == "big");  // only big has room for 3 CPU
  const api::PodCondition* c = h.api.store().get<api::Pod>("default", "p3")->status.condition("PodScheduled");
  REQUIRE(c != nullptr);
  CHECK(c->status == api::ConditionStatus::True);
}

TEST_CASE("an unschedulable pod records the FitError and is scheduled when a node appears", "[scheduler]") {
  Harness h;
  h.node("a", 1000);
  h.node("b", 1000);
  h.run_for(1_s);
  h.pod("huge", 3000);
  h.run_for(1_s);
  CHECK(h.node_of("huge").empty());
  auto pod = h.api.store().get<api::Pod>("default", "huge");
  const api::PodCondition* c = pod->status.condition("PodScheduled");
  REQUIRE(c != nullptr);
  CHECK(c->status == api::ConditionStatus::False);
  CHECK(c->reason == "Unschedulable");
  CHECK(c->message ==
        "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims "
        "found for incoming pod..");
  REQUIRE(h.attempts.size() == 1);
  CHECK(h.attempts[0].second.nodes_evaluated == 2);
  CHECK(h.scheduler->queue().unschedulable_size() == 1);

  h.node("c", 4000);  // NodeAdd moves it back to the active queue
  h.run_for(2_s);
  CHECK(h.node_of("huge") == "c");
  CHECK(h.attempts.size() == 2);
}

TEST_CASE("with no nodes the pod waits with upstream's message", "[scheduler]") {
  Harness h;
  h.pod("p", 100);
  h.run_for(1_s);
  REQUIRE(h.attempts.size() == 1);
  CHECK(h.attempts[0].second.message == "no nodes available to schedule pods");
}

TEST_CASE("assumed pods count before their binding is confirmed", "[scheduler]") {
  Harness h;
  h.node("only", 1000);
  h.run_for(1_s);
  // Both pods arrive together; the second cycle runs before the first binding's watch event, and must
  // already see the node as full.
  h.pod("first", 800);
  h.pod("second", 800);
  h.run_for(1_s);
  CHECK(h.node_of("first") == "only");
  CHECK(h.node_of("second").empty());
}

TEST_CASE("resources return to the node when a pod finishes", "[scheduler]") {
  Harness h;
  h.node("only", 1000);
  h.run_for(1_s);
  h.pod("first", 800);
  h.run_for(1_s);
  h.pod("second", 800);
  h.run_for(1_s);
  CHECK(h.node_of("second").empty());
  api::Pod done = *h.api.store().get<api::Pod>("default", "first");
  done.status.phase = api::PodPhase::Succeeded;
  done.metadata.resource_version = 0;
  h.api.update_status(h.client, done);
  h.run_for(2_s);
  CHECK(h.node_of("second") == "only");
}

TEST_CASE("ties are broken by the seeded stream, reproducibly", "[scheduler]") {
  auto run = [] {
    Harness h;
    for (int i = 0; i < 8; ++i) {
      h.node("n" + std::to_string(i), 4000);
    }
    h.run_for(1_s);
    h.pod("p", 100);
    h.run_for(1_s);
    return h.node_of("p");
  };
  std::string first = run();
  CHECK_FALSE(first.empty());
  CHECK(run() == first);
}

TEST_CASE("a high-priority pod preempts a lower-priority one and takes its node", "[scheduler][preemption]") {
  Harness h(with_preemption());
  h.node("a", 2000);
  h.node("b", 2000);
  h.run_for(1_s);
  h.priority_pod("low-a", 2000, 1);
  h.priority_pod("low-b", 2000, 5);
  h.run_for(1_s);
  REQUIRE_FALSE(h.node_of("low-a").empty());
  REQUIRE_FALSE(h.node_of("low-b").empty());
  h.priority_pod("high", 1000, 100);
  h.run_for(3_s);
  // The first attempt fails and nominates the node of the least important victim (low-a, priority 1),
  // which is deleted; the retry binds the pod there.
  // PrioritySort ran low-b (priority 5) before low-a.
  REQUIRE(h.attempts.size() == 4);
  CHECK(h.attempts[1].first == "low-a");
  const std::string victim_node = h.attempts[1].second.node;
  CHECK(h.attempts[2].first == "high");
  CHECK(h.attempts[2].second.message == "0/2 nodes are available: 2 Insufficient cpu.");
  CHECK(h.node_of("low-a") == "<gone>");
  CHECK(h.node_of("high") == victim_node);
  CHECK(h.node_of("low-b") == h.attempts[0].second.node);
  CHECK(h.scheduler->nominated_pods_for_node(victim_node).empty());
}

TEST_CASE("preemptionPolicy Never leaves the victims alone", "[scheduler][preemption]") {
  Harness h(with_preemption());
  h.node("a", 2000);
  h.run_for(1_s);
  h.priority_pod("low", 2000, 1);
  h.run_for(1_s);
  h.priority_pod("high", 1000, 100, 0, /*never=*/true);
  h.run_for(1_s);
  CHECK(h.node_of("high").empty());
  CHECK(h.node_of("low") == "a");
  const api::PodCondition* c = h.get("high")->status.condition("PodScheduled");
  REQUIRE(c != nullptr);
  CHECK(c->message ==
        "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..");
}

TEST_CASE("no victims: upstream's double-period message and no nomination", "[scheduler][preemption]") {
  Harness h(with_preemption());
  h.node("a", 2000);
  h.run_for(1_s);
  h.priority_pod("first", 2000, 100);
  h.run_for(1_s);
  h.priority_pod("second", 1000, 100);
  h.run_for(1_s);
  auto p = h.get("second");
  CHECK(p->status.nominated_node_name.empty());
  CHECK(p->status.condition("PodScheduled")->message ==
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims "
        "found for incoming pod..");
}

TEST_CASE("the preemptor waits while its victim terminates", "[scheduler][preemption]") {
  Harness h(with_preemption());
  h.node("a", 2000);
  h.run_for(1_s);
  h.priority_pod("low", 2000, 1, /*grace=*/30);  // no kubelet here: it stays terminating
  h.run_for(1_s);
  h.priority_pod("high", 1000, 100);
  h.run_for(1_s);
  auto low = h.get("low");
  REQUIRE(low != nullptr);
  CHECK(low->is_terminating());
  const api::PodCondition* dt = low->status.condition("DisruptionTarget");
  REQUIRE(dt != nullptr);
  CHECK(dt->reason == "PreemptionByScheduler");
  CHECK(dt->message == "default-scheduler: preempting to accommodate a higher priority pod");
  CHECK(h.get("high")->status.nominated_node_name == "a");
  // A lower-priority pod that would fit once the victim is gone may not take the nominated room.
  h.priority_pod("mid", 1500, 50);
  // The 5-minute leftover flush retries both: the nominated node is tried first, fails, and preemption
  // declines to evict more while a victim is still terminating there.
  h.run_for(6_min);
  CHECK(h.node_of("high").empty());
  bool saw_wait = false;
  for (const auto& [name, r] : h.attempts) {
    if (name == "high" &&
        r.message.ends_with("preemption: not eligible due to a terminating pod on the nominated node..")) {
      saw_wait = true;
    }
  }
  CHECK(saw_wait);
  // The victim finally goes (its kubelet would confirm with a grace-0 delete): high gets the node.
  h.api.remove(h.client, api::Kind::Pod, "default", "low", {}, 0, std::int64_t{0});
  h.run_for(3_s);
  CHECK(h.node_of("high") == "a");
  CHECK(h.node_of("mid").empty());
}
