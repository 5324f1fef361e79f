#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/metrics/reconciliation.hpp"

using namespace kubesim;
using namespace kubesim::base::literals;
using metrics::ReconciliationTracker;

namespace {

base::SimTime at(base::Duration d) { return base::SimTime::zero() + d; }

api::Deployment deployment(std::int64_t generation, std::int32_t replicas) {
  api::Deployment d;
  d.metadata.namespace_ = "default";
  d.metadata.name = "web";
  d.metadata.generation = generation;
  d.spec.replicas = replicas;
  return d;
}

api::Deployment with_status(api::Deployment d, std::int64_t observed, std::int32_t updated, std::int32_t total,
                            std::int32_t available) {
  d.status.observed_generation = observed;
  d.status.updated_replicas = updated;
  d.status.replicas = total;
  d.status.available_replicas = available;
  return d;
}

api::Pod pod(const std::string& name, const std::string& node, base::SimTime created) {
  api::Pod p;
  p.metadata.namespace_ = "default";
  p.metadata.name = name;
  p.metadata.uid = "uid-" + name;
  p.metadata.creation_timestamp = created;
  p.metadata.owner_references.push_back(api::OwnerReference{"apps/v1", "ReplicaSet", "web-1", "rs-uid", true, true});
  p.spec.node_name = node;
  return p;
}

api::Pod running(api::Pod p, bool ready) {
  p.status.phase = api::PodPhase::Running;
  p.status.set_condition(
      api::PodCondition{"Ready", ready ? api::ConditionStatus::True : api::ConditionStatus::False, "", "", {}});
  return p;
}

api::EndpointSlice slice(const std::vector<std::pair<std::string, bool>>& endpoints) {
  api::EndpointSlice s;
  s.metadata.namespace_ = "default";
  s.metadata.name = "web-abc";
  for (const auto& [name, ready] : endpoints) {
    api::Endpoint& e = s.endpoints.emplace_back();
    e.conditions.ready = ready;
    e.target_ref = api::ObjectReference{"Pod", "default", name, "uid-" + name, "v1"};
  }
  return s;
}

}  // namespace

TEST_CASE("a rollout runs from the spec change to DeploymentComplete", "[metrics][reconciliation]") {
  ReconciliationTracker t;
  api::Deployment d1 = deployment(1, 3);
  t.observe_deployment(at(1_s), nullptr, &d1);
  api::Deployment partly = with_status(d1, 1, 3, 3, 2);  // one replica not yet available
  t.observe_deployment(at(5_s), &d1, &partly);
  api::Deployment done = with_status(d1, 1, 3, 3, 3);
  t.observe_deployment(at(9_s), &partly, &done);
  // A template change: generation 2; the first write still reports generation 1 as observed.
  api::Deployment d2 = with_status(deployment(2, 3), 1, 3, 3, 3);
  t.observe_deployment(at(60_s), &done, &d2);
  api::Deployment surge = with_status(deployment(2, 3), 2, 1, 4, 3);
  t.observe_deployment(at(61_s), &d2, &surge);
  // Another spec change before generation 2 completes supersedes it.
  api::Deployment d3 = with_status(deployment(3, 5), 2, 1, 4, 3);
  t.observe_deployment(at(70_s), &surge, &d3);

  const auto& r = t.rollouts();
  REQUIRE(r.size() == 3);
  CHECK(r[0].generation == 1);
  CHECK(r[0].started == at(1_s));
  REQUIRE(r[0].completed);
  CHECK(*r[0].completed == at(9_s));
  CHECK(r[1].generation == 2);
  CHECK_FALSE(r[1].completed);
  CHECK(r[1].superseded);
  CHECK(r[2].generation == 3);
  CHECK(r[2].replicas == 5);
  CHECK_FALSE(r[2].completed);
  CHECK_FALSE(r[2].superseded);
}

TEST_CASE("a node fault recovers when replacements are Running", "[metrics][reconciliation]") {
  ReconciliationTracker t;
  api::Pod a = running(pod("a", "n1", at(0_s)), true);
  api::Pod b = running(pod("b", "n1", at(0_s)), true);
  api::Pod c = running(pod("c", "n2", at(0_s)), true);
  t.observe_pod(at(1_s), nullptr, &a);
  t.observe_pod(at(1_s), nullptr, &b);
  t.observe_pod(at(1_s), nullptr, &c);
  t.node_fault(at(60_s), "n1", "crashNode");
  t.node_fault(at(70_s), "n3", "crashNode");  // nothing ran there: recovered at once

  // A replacement created before the fault does not count; two created after it do.
  api::Pod old = pod("old", "n2", at(30_s));
  api::Pod old_running = running(old, false);
  t.observe_pod(at(61_s), &old, &old_running);
  api::Pod r1 = pod("r1", "n2", at(400_s));
  api::Pod r1_running = running(r1, false);
  t.observe_pod(at(402_s), &r1, &r1_running);
  api::Pod r2 = pod("r2", "n2", at(400_s));
  api::Pod r2_running = running(r2, false);
  t.observe_pod(at(405_s), &r2, &r2_running);

  const auto& f = t.node_faults();
  REQUIRE(f.size() == 2);
  CHECK(f[0].node == "n1");
  CHECK(f[0].pods_lost == 2);
  CHECK(f[0].replaced == 2);
  REQUIRE(f[0].recovered);
  CHECK(*f[0].recovered == at(405_s));
  CHECK(f[1].pods_lost == 0);
  CHECK(*f[1].recovered == at(70_s));
}

TEST_CASE("endpoint convergence in both directions", "[metrics][reconciliation]") {
  ReconciliationTracker t;
  api::Pod p = pod("a", "n1", at(0_s));
  api::Pod ready = running(p, true);
  t.observe_pod(at(10_s), &p, &ready);  // Ready at 10 s
  api::EndpointSlice empty = slice({});
  api::EndpointSlice listed = slice({{"a", true}});
  t.observe_endpoint_slice(at(10_s) + 5_ms, &empty, &listed);  // listed 5 ms later
  api::Pod terminating = ready;
  terminating.metadata.deletion_timestamp = at(20_s);
  t.observe_pod(at(20_s), &ready, &terminating);  // no longer serves at 20 s
  api::EndpointSlice unready = slice({{"a", false}});
  t.observe_endpoint_slice(at(20_s) + 7_ms, &listed, &unready);  // marked not ready 7 ms later

  // A pod no slice lists: nothing to converge.
  api::Pod q = pod("q", "n1", at(0_s));
  api::Pod q_ready = running(q, true);
  t.observe_pod(at(30_s), &q, &q_ready);
  t.observe_pod(at(40_s), &q_ready, nullptr);

  REQUIRE(t.endpoint_convergence().size() == 2);
  CHECK(t.endpoint_convergence()[0] == 5_ms);
  CHECK(t.endpoint_convergence()[1] == 7_ms);
}

TEST_CASE("pods that come back with their node make up for themselves", "[metrics][reconciliation]") {
  ReconciliationTracker t;
  api::Pod a = running(pod("a", "n1", at(0_s)), true);
  api::Pod b = running(pod("b", "n1", at(0_s)), true);
  t.observe_pod(at(1_s), nullptr, &a);
  t.observe_pod(at(1_s), nullptr, &b);
  t.node_fault(at(60_s), "n1", "crashNode");
  // The node lifecycle controller marks `a` unready at 100 s; `b` it never gets to.
  api::Pod a_unready = running(a, false);
  t.observe_pod(at(100_s), &a, &a_unready);
  // A Ready write before the node is back does not count (the pod is still cut off).
  t.observe_pod(at(110_s), &a_unready, &a);
  t.observe_pod(at(111_s), &a, &a_unready);
  t.node_back(at(120_s), "n1");  // `b` still serves: made up for at once
  REQUIRE_FALSE(t.node_faults()[0].recovered);
  CHECK(t.node_faults()[0].returned == 1);
  t.observe_pod(at(125_s), &a_unready, &a);  // the kubelet reports `a` Ready again
  const metrics::NodeFaultRecord& f = t.node_faults()[0];
  CHECK(f.pods_lost == 2);
  CHECK(f.returned == 2);
  CHECK(f.replaced == 0);
  REQUIRE(f.recovered);
  CHECK(*f.recovered == at(125_s));
}
