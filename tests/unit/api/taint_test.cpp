// Tests for kubesim::api taints and tolerations: upstream ToleratesTaint (k8s.io/api/core/v1
// toleration.go) and K8S-SEMANTICS §2.6.

#include "support/catch.hpp"

#include "kubesim/api/taint.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

using kubesim::api::Taint;
using kubesim::api::taint_effect_name;
using kubesim::api::TaintEffect;
using kubesim::api::tolerates_taint;
using kubesim::api::Toleration;
using kubesim::api::TolerationOperator;

namespace {

Taint taint(std::string key, std::string value, TaintEffect effect) {
  return Taint{std::move(key), std::move(value), effect, std::nullopt};
}

Toleration toleration(std::string key, TolerationOperator op, std::string value, TaintEffect effect) {
  return Toleration{std::move(key), op, std::move(value), effect, std::nullopt};
}

constexpr TaintEffect kAllEffects[] = {TaintEffect::NoSchedule, TaintEffect::PreferNoSchedule, TaintEffect::NoExecute};

}  // namespace

TEST_CASE("taint effect names", "[api][taint]") {
  CHECK(taint_effect_name(TaintEffect::None).empty());
  CHECK(taint_effect_name(TaintEffect::NoSchedule) == "NoSchedule");
  CHECK(taint_effect_name(TaintEffect::PreferNoSchedule) == "PreferNoSchedule");
  CHECK(taint_effect_name(TaintEffect::NoExecute) == "NoExecute");
}

TEST_CASE("defaults", "[api][taint]") {
  Taint t;
  CHECK(t.effect == TaintEffect::NoSchedule);
  CHECK_FALSE(t.time_added.has_value());
  Toleration tol;
  CHECK(tol.op == TolerationOperator::Equal);
  CHECK(tol.effect == TaintEffect::None);
  CHECK_FALSE(tol.toleration_seconds.has_value());
}

TEST_CASE("Equal needs key, value and effect to match", "[api][taint]") {
  const Taint gpu = taint("gpu", "true", TaintEffect::NoSchedule);
  CHECK(toleration("gpu", TolerationOperator::Equal, "true", TaintEffect::NoSchedule).tolerates(gpu));
  CHECK_FALSE(toleration("gpu", TolerationOperator::Equal, "false", TaintEffect::NoSchedule).tolerates(gpu));
  CHECK_FALSE(toleration("gpu", TolerationOperator::Equal, "", TaintEffect::NoSchedule).tolerates(gpu));
  CHECK_FALSE(toleration("tpu", TolerationOperator::Equal, "true", TaintEffect::NoSchedule).tolerates(gpu));
  CHECK_FALSE(toleration("gpu", TolerationOperator::Equal, "true", TaintEffect::NoExecute).tolerates(gpu));
  CHECK_FALSE(toleration("gpu", TolerationOperator::Equal, "true", TaintEffect::PreferNoSchedule).tolerates(gpu));
  // Empty values on both sides are equal.
  CHECK(toleration("dedicated", TolerationOperator::Equal, "", TaintEffect::NoSchedule)
            .tolerates(taint("dedicated", "", TaintEffect::NoSchedule)));
}

TEST_CASE("an empty toleration effect matches every effect", "[api][taint]") {
  for (TaintEffect e : kAllEffects) {
    INFO(taint_effect_name(e));
    CHECK(toleration("gpu", TolerationOperator::Equal, "true", TaintEffect::None).tolerates(taint("gpu", "true", e)));
    CHECK(toleration("gpu", TolerationOperator::Exists, "", TaintEffect::None).tolerates(taint("gpu", "x", e)));
    CHECK_FALSE(
        toleration("gpu", TolerationOperator::Equal, "false", TaintEffect::None).tolerates(taint("gpu", "true", e)));
  }
}

TEST_CASE("Exists ignores the value", "[api][taint]") {
  const Toleration t = toleration("gpu", TolerationOperator::Exists, "", TaintEffect::NoSchedule);
  CHECK(t.tolerates(taint("gpu", "true", TaintEffect::NoSchedule)));
  CHECK(t.tolerates(taint("gpu", "", TaintEffect::NoSchedule)));
  CHECK(t.tolerates(taint("gpu", "anything", TaintEffect::NoSchedule)));
  CHECK_FALSE(t.tolerates(taint("tpu", "true", TaintEffect::NoSchedule)));
  CHECK_FALSE(t.tolerates(taint("gpu", "true", TaintEffect::NoExecute)));
}

TEST_CASE("Exists with an empty key tolerates everything (of its effect)", "[api][taint]") {
  const Toleration all = toleration("", TolerationOperator::Exists, "", TaintEffect::None);
  const Toleration all_no_execute = toleration("", TolerationOperator::Exists, "", TaintEffect::NoExecute);
  for (TaintEffect e : kAllEffects) {
    INFO(taint_effect_name(e));
    CHECK(all.tolerates(taint("node.kubernetes.io/not-ready", "", e)));
    CHECK(all.tolerates(taint("gpu", "true", e)));
    CHECK(all.tolerates(taint("", "", e)));
    CHECK(all_no_execute.tolerates(taint("gpu", "true", e)) == (e == TaintEffect::NoExecute));
  }
}

TEST_CASE("well-known NoExecute tolerations", "[api][taint]") {
  // The DefaultTolerationSeconds admission plugin's tolerations.
  Toleration not_ready{"node.kubernetes.io/not-ready", TolerationOperator::Exists, "", TaintEffect::NoExecute, 300};
  CHECK(not_ready.tolerates(taint("node.kubernetes.io/not-ready", "", TaintEffect::NoExecute)));
  CHECK_FALSE(not_ready.tolerates(taint("node.kubernetes.io/unreachable", "", TaintEffect::NoExecute)));
  CHECK_FALSE(not_ready.tolerates(taint("node.kubernetes.io/not-ready", "", TaintEffect::NoSchedule)));
  CHECK(not_ready.toleration_seconds == 300);
}

TEST_CASE("tolerates_taint: any toleration suffices", "[api][taint]") {
  const Taint gpu = taint("gpu", "true", TaintEffect::NoSchedule);
  CHECK_FALSE(tolerates_taint({}, gpu));
  std::vector<Toleration> tols = {toleration("tpu", TolerationOperator::Exists, "", TaintEffect::None),
                                  toleration("gpu", TolerationOperator::Equal, "false", TaintEffect::None)};
  CHECK_FALSE(tolerates_taint(tols, gpu));
  tols.push_back(toleration("gpu", TolerationOperator::Equal, "true", TaintEffect::NoSchedule));
  CHECK(tolerates_taint(tols, gpu));
  CHECK_FALSE(tolerates_taint(tols, taint("gpu", "true", TaintEffect::NoExecute)));
}
