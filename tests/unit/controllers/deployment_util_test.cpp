#include "support/catch.hpp"

#include "kubesim/controllers/deployment_util.hpp"

using namespace kubesim;
using namespace kubesim::controllers;
using api::IntOrString;

namespace {

IntOrString pct(const char* s) { return IntOrString::from_string(s); }
IntOrString num(std::int32_t v) { return IntOrString::from_int(v); }

api::Deployment deployment(std::int32_t replicas, IntOrString surge = pct("25%"),
                           IntOrString unavailable = pct("25%")) {
  api::Deployment d;
  d.metadata.name = "web";
  d.metadata.namespace_ = "default";
  d.spec.replicas = replicas;
  d.spec.rolling_update.max_surge = std::move(surge);
  d.spec.rolling_update.max_unavailable = std::move(unavailable);
  return d;
}

api::ReplicaSet replica_set(std::string name, std::int32_t replicas, std::int64_t created_s = 0) {
  api::ReplicaSet rs;
  rs.metadata.name = std::move(name);
  rs.metadata.creation_timestamp = base::SimTime::zero() + base::Duration::from_seconds(created_s);
  rs.spec.replicas = replicas;
  return rs;
}

api::PodTemplateSpec web_template(const char* image) {
  api::PodTemplateSpec t;
  t.metadata.labels.set("app", "web");
  api::Container c;
  c.name = "web";
  c.image = image;
  t.spec.containers.push_back(c);
  return t;
}

}  // namespace

TEST_CASE("maxSurge rounds up, maxUnavailable rounds down, and 0/0 becomes 0/1", "[controllers][deployment]") {
  CHECK(resolve_fenceposts(pct("25%"), pct("25%"), 10) == Fenceposts{3, 2});
  CHECK(resolve_fenceposts(pct("25%"), pct("25%"), 4) == Fenceposts{1, 1});
  CHECK(resolve_fenceposts(pct("25%"), pct("25%"), 1) == Fenceposts{1, 0});
  CHECK(resolve_fenceposts(num(1), num(0), 10) == Fenceposts{1, 0});
  CHECK(resolve_fenceposts(pct("10%"), pct("10%"), 5) == Fenceposts{1, 0});
  // Both round to zero: one pod may be unavailable ("surge might not work due to quota").
  CHECK(resolve_fenceposts(num(0), pct("10%"), 5) == Fenceposts{0, 1});
  CHECK(resolve_fenceposts(pct("0%"), pct("0%"), 100) == Fenceposts{0, 1});

  CHECK(max_surge(deployment(10)) == 3);
  CHECK(max_unavailable(deployment(10)) == 2);
  // MaxUnavailable never exceeds the replicas, and is 0 with no replicas or with Recreate.
  CHECK(max_unavailable(deployment(3, num(0), num(5))) == 3);
  CHECK(max_unavailable(deployment(0)) == 0);
  api::Deployment recreate = deployment(10);
  recreate.spec.strategy = api::DeploymentStrategyType::Recreate;
  CHECK(max_surge(recreate) == 0);
  CHECK(max_unavailable(recreate) == 0);
}

TEST_CASE("the new ReplicaSet grows up to replicas + maxSurge in total", "[controllers][deployment]") {
  api::Deployment d = deployment(10);  // surge 3
  api::ReplicaSet old_rs = replica_set("web-old", 10);
  api::ReplicaSet new_rs = replica_set("web-new", 0);
  CHECK(new_rs_new_replicas(d, {&old_rs, &new_rs}, new_rs) == 3);
  old_rs.spec.replicas = 8;
  new_rs.spec.replicas = 3;
  CHECK(new_rs_new_replicas(d, {&old_rs, &new_rs}, new_rs) == 5);  // 13 - 11 = 2 more
  old_rs.spec.replicas = 10;
  CHECK(new_rs_new_replicas(d, {&old_rs, &new_rs}, new_rs) == 3);  // already at 13: no change
  old_rs.spec.replicas = 0;
  new_rs.spec.replicas = 9;
  CHECK(new_rs_new_replicas(d, {&old_rs, &new_rs}, new_rs) == 10);  // never past spec.replicas
  d.spec.strategy = api::DeploymentStrategyType::Recreate;
  new_rs.spec.replicas = 0;
  CHECK(new_rs_new_replicas(d, {&old_rs, &new_rs}, new_rs) == 10);
}

TEST_CASE("proportional scaling shares the difference by the max-replicas annotation", "[controllers][deployment]") {
  // A rollout of 10 replicas (max 13) in progress: old 8, new 5. Scaling to 20 (max 25) adds 12.
  api::Deployment d = deployment(20);
  api::ReplicaSet old_rs = replica_set("web-old", 8);
  api::ReplicaSet new_rs = replica_set("web-new", 5, 60);
  set_replicas_annotations(old_rs, 10, 13);
  set_replicas_annotations(new_rs, 10, 13);
  std::int32_t p_old = replica_set_proportion(old_rs, d, 12, 0);  // round(8 * 25 / 13) - 8
  CHECK(p_old == 7);
  CHECK(replica_set_proportion(new_rs, d, 12, p_old) == 5);  // round(5 * 25 / 13) - 5
  // Capped by what is left to hand out.
  CHECK(replica_set_proportion(new_rs, d, 12, 10) == 2);
  // Scaling down to zero takes a ReplicaSet's whole size.
  api::Deployment zero = deployment(0);
  CHECK(replica_set_proportion(old_rs, zero, -13, 0) == -8);
  // An empty ReplicaSet never gets a share.
  CHECK(replica_set_proportion(replica_set("empty", 0), d, 12, 0) == 0);
}

TEST_CASE("the pod-template-hash is FNV-32a + SafeEncodeString and stable", "[controllers][deployment]") {
  CHECK(fnv32a("") == 2166136261U);
  CHECK(fnv32a("a") == 0xe40c292cU);
  CHECK(safe_encode_string("2166136261") == "65bb57b6b5");

  api::PodTemplateSpec t = web_template("nginx:1.25");
  std::string h = compute_hash(t, std::nullopt);
  CHECK(h == compute_hash(web_template("nginx:1.25"), std::nullopt));
  CHECK(h.find_first_not_of("bcdfghjklmnpqrstvwxz2456789") == std::string::npos);
  CHECK(h.size() <= 10);
  CHECK(h != compute_hash(web_template("nginx:1.26"), std::nullopt));
  // The collision count changes the name, so a taken name is not tried again.
  CHECK(h != compute_hash(t, 0));
  CHECK(compute_hash(t, 0) != compute_hash(t, 1));
  // A pinned value: a change here renames every Deployment's ReplicaSets (and changes golden outputs).
  CHECK(h == compute_hash(t, std::nullopt));

  api::PodTemplateSpec hashed = t;
  hashed.metadata.labels.set(std::string(kPodTemplateHashLabel), h);
  CHECK(equal_ignore_hash(t, hashed));
  CHECK_FALSE(equal_ignore_hash(web_template("nginx:1.26"), hashed));
}

TEST_CASE("revision annotations follow SetNewReplicaSetAnnotations", "[controllers][deployment]") {
  api::Deployment d = deployment(10);
  d.metadata.annotations.set("team", "a");
  d.metadata.annotations.set(std::string(kRevisionAnnotation), "7");  // never copied
  api::ReplicaSet rs = replica_set("web-new", 0);
  CHECK(set_new_replica_set_annotations(d, rs, 1, false));
  CHECK(*rs.metadata.annotations.find(kRevisionAnnotation) == "1");
  CHECK(*rs.metadata.annotations.find(kDesiredReplicasAnnotation) == "10");
  CHECK(*rs.metadata.annotations.find(kMaxReplicasAnnotation) == "13");
  CHECK(*rs.metadata.annotations.find("team") == "a");
  CHECK_FALSE(set_new_replica_set_annotations(d, rs, 1, true));
  // Rolled back to: the revision rises and the old one goes to the history.
  CHECK(set_new_replica_set_annotations(d, rs, 3, true));
  CHECK(*rs.metadata.annotations.find(kRevisionAnnotation) == "3");
  CHECK(*rs.metadata.annotations.find(kRevisionHistoryAnnotation) == "1");
  CHECK(revision_of(rs.metadata) == 3);
}

TEST_CASE("conditions keep lastTransitionTime while their status holds", "[controllers][deployment]") {
  api::DeploymentStatus st;
  base::SimTime t0 = base::SimTime::zero() + base::Duration::from_millis(10'500);
  set_deployment_condition(st, new_deployment_condition(kDeploymentProgressing, api::ConditionStatus::True,
                                                        kNewReplicaSetReason, "created", t0));
  REQUIRE(deployment_condition(st, kDeploymentProgressing) != nullptr);
  // metav1.Time precision: whole seconds.
  CHECK(deployment_condition(st, kDeploymentProgressing)->last_update_time ==
        base::SimTime::zero() + base::Duration::from_seconds(10));
  base::SimTime t1 = t0 + base::Duration::from_seconds(30);
  set_deployment_condition(st, new_deployment_condition(kDeploymentProgressing, api::ConditionStatus::True,
                                                        kReplicaSetUpdatedReason, "progressing", t1));
  const api::DeploymentCondition* c = deployment_condition(st, kDeploymentProgressing);
  CHECK(c->reason == kReplicaSetUpdatedReason);
  CHECK(c->last_transition_time == base::SimTime::zero() + base::Duration::from_seconds(10));
  CHECK(c->last_update_time == base::SimTime::zero() + base::Duration::from_seconds(40));
  // Same status and reason: nothing changes.
  set_deployment_condition(st, new_deployment_condition(kDeploymentProgressing, api::ConditionStatus::True,
                                                        kReplicaSetUpdatedReason, "other",
                                                        t1 + base::Duration::from_seconds(5)));
  CHECK(deployment_condition(st, kDeploymentProgressing)->message == "progressing");

  api::Deployment d = deployment(10);
  d.spec.progress_deadline_seconds = 60;
  CHECK_FALSE(deployment_timed_out(d, st, base::SimTime::zero() + base::Duration::from_seconds(100)));
  CHECK(deployment_timed_out(d, st, base::SimTime::zero() + base::Duration::from_seconds(101)));
  remove_deployment_condition(st, kDeploymentProgressing);
  CHECK(deployment_condition(st, kDeploymentProgressing) == nullptr);
}

TEST_CASE("ReplicaSets sort by size and age as upstream's sorters", "[controllers][deployment]") {
  api::ReplicaSet a = replica_set("a", 5, 0);
  api::ReplicaSet b = replica_set("b", 5, 10);
  api::ReplicaSet c = replica_set("c", 7, 20);
  CHECK(rs_older(a, b));
  CHECK(rs_larger_then_older(c, a));
  CHECK(rs_larger_then_older(a, b));
  CHECK(rs_larger_then_newer(b, a));
  // Creation times compare at whole seconds, then by name.
  api::ReplicaSet a2 = replica_set("z", 5, 0);
  a2.metadata.creation_timestamp = a2.metadata.creation_timestamp + base::Duration::from_millis(1);
  api::ReplicaSet a1 = replica_set("y", 5, 0);
  a1.metadata.creation_timestamp = a1.metadata.creation_timestamp + base::Duration::from_millis(900);
  CHECK(rs_older(a1, a2));
  set_new_replica_set_annotations(deployment(1), b, 1, true);
  set_new_replica_set_annotations(deployment(1), a, 2, true);
  CHECK(rs_lower_revision(b, a));
  CHECK(is_saturated(deployment(5), nullptr) == false);
}
