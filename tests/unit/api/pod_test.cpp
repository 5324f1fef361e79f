// Tests for kubesim::api::Pod helpers: the effective request (component-helpers PodRequests,
// K8S-SEMANTICS §2.1, with sidecars and overhead), requested_resource_names, the QoS class (upstream
// GetPodQOS, §9), PodStatus conditions and the small predicates.

#include "support/catch.hpp"

#include "kubesim/api/pod.hpp"
#include "kubesim/api/resource_list.hpp"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

using kubesim::api::condition_status_name;
using kubesim::api::ConditionStatus;
using kubesim::api::Container;
using kubesim::api::Pod;
using kubesim::api::pod_phase_name;
using kubesim::api::pod_request;
using kubesim::api::PodCondition;
using kubesim::api::PodPhase;
using kubesim::api::PodSpec;
using kubesim::api::PodStatus;
using kubesim::api::qos_class;
using kubesim::api::qos_class_name;
using kubesim::api::QosClass;
using kubesim::api::requested_resource_names;
using kubesim::api::ResourceList;
using kubesim::api::SimTime;

namespace Catch {
template <> struct StringMaker<QosClass> {
  static std::string convert(QosClass q) { return std::string(qos_class_name(q)); }
};
}  // namespace Catch

namespace {

constexpr std::int64_t kMi = 1024 * 1024;

ResourceList resources(std::initializer_list<std::pair<const char*, std::int64_t>> entries) {
  ResourceList list;
  for (const auto& [name, amount] : entries) {
    list.set(name, amount);
  }
  return list;
}

Container container(std::string name, ResourceList requests, ResourceList limits = {}) {
  Container c;
  c.name = std::move(name);
  c.resources.requests = std::move(requests);
  c.resources.limits = std::move(limits);
  return c;
}

Container sidecar(std::string name, ResourceList requests, ResourceList limits = {}) {
  Container c = container(std::move(name), std::move(requests), std::move(limits));
  c.restart_policy = "Always";
  return c;
}

// cpu (milli) and memory (bytes) set to the same value in requests and limits.
Container guaranteed(std::string name, std::int64_t mcpu, std::int64_t bytes) {
  return container(std::move(name), resources({{"cpu", mcpu}, {"memory", bytes}}),
                   resources({{"cpu", mcpu}, {"memory", bytes}}));
}

SimTime at_seconds(std::int64_t s) { return SimTime::from_nanos(s * 1'000'000'000); }

}  // namespace

TEST_CASE("pod_request sums regular containers", "[api][pod]") {
  PodSpec spec;
  CHECK(pod_request(spec, "cpu") == 0);  // no containers
  spec.containers.push_back(container("a", resources({{"cpu", 100}, {"memory", 64 * kMi}})));
  spec.containers.push_back(container("b", resources({{"cpu", 250}})));
  spec.containers.push_back(container("c", {}));  // missing requests count as 0
  CHECK(pod_request(spec, "cpu") == 350);
  CHECK(pod_request(spec, "memory") == 64 * kMi);
  CHECK(pod_request(spec, "nvidia.com/gpu") == 0);
  // Limits are not requests.
  spec.containers.push_back(container("d", {}, resources({{"cpu", 1000}})));
  CHECK(pod_request(spec, "cpu") == 350);
}

TEST_CASE("pod_request: init containers count by their maximum", "[api][pod]") {
  PodSpec spec;
  spec.containers.push_back(container("app", resources({{"cpu", 300}, {"memory", 100}})));
  SECTION("smaller init containers do not add") {
    spec.init_containers.push_back(container("i1", resources({{"cpu", 200}, {"memory", 50}})));
    spec.init_containers.push_back(container("i2", resources({{"cpu", 100}})));
    CHECK(pod_request(spec, "cpu") == 300);
    CHECK(pod_request(spec, "memory") == 100);
  }
  SECTION("the largest init container wins; init containers are not summed") {
    spec.init_containers.push_back(container("i1", resources({{"cpu", 200}, {"memory", 500}})));
    spec.init_containers.push_back(container("i2", resources({{"cpu", 400}, {"memory", 50}})));
    CHECK(pod_request(spec, "cpu") == 400);     // not 600, not 700
    CHECK(pod_request(spec, "memory") == 500);  // per resource: memory peaks in i1, cpu in i2
  }
}

TEST_CASE("pod_request: sidecars (restartable init containers)", "[api][pod]") {
  PodSpec spec;
  spec.containers.push_back(container("app", resources({{"cpu", 300}})));
  SECTION("a sidecar runs alongside the app containers") {
    spec.init_containers.push_back(sidecar("proxy", resources({{"cpu", 100}})));
    CHECK(spec.init_containers[0].is_sidecar());
    CHECK(pod_request(spec, "cpu") == 400);
  }
  SECTION("a classic init container after a sidecar runs next to it") {
    spec.init_containers.push_back(sidecar("proxy", resources({{"cpu", 100}})));
    spec.init_containers.push_back(container("migrate", resources({{"cpu", 350}})));
    CHECK(pod_request(spec, "cpu") == 450);  // max(300 + 100, 350 + 100)
  }
  SECTION("a classic init container before a sidecar runs alone") {
    spec.init_containers.push_back(container("migrate", resources({{"cpu", 350}})));
    spec.init_containers.push_back(sidecar("proxy", resources({{"cpu", 100}})));
    CHECK(pod_request(spec, "cpu") == 400);  // max(300 + 100, 350)
  }
  SECTION("sidecars accumulate in declaration order") {
    spec.init_containers.push_back(sidecar("s1", resources({{"cpu", 100}})));
    spec.init_containers.push_back(container("i1", resources({{"cpu", 500}})));  // 500 + 100
    spec.init_containers.push_back(sidecar("s2", resources({{"cpu", 200}})));
    spec.init_containers.push_back(container("i2", resources({{"cpu", 350}})));  // 350 + 300
    CHECK(pod_request(spec, "cpu") == 650);
    spec.init_containers.back().resources.requests.set("cpu", 100);  // 100 + 300 < 300 + 300
    CHECK(pod_request(spec, "cpu") == 600);
  }
  SECTION("a sidecar's own start-up counts the sidecars before it and itself") {
    spec.containers.clear();
    spec.init_containers.push_back(sidecar("s1", resources({{"cpu", 100}})));
    spec.init_containers.push_back(sidecar("s2", resources({{"cpu", 200}})));
    CHECK(pod_request(spec, "cpu") == 300);
  }
  SECTION("restartPolicy other than Always is a classic init container") {
    Container c = container("i", resources({{"cpu", 100}}));
    c.restart_policy = "OnFailure";
    CHECK_FALSE(c.is_sidecar());
    spec.init_containers.push_back(c);
    CHECK(pod_request(spec, "cpu") == 300);
  }
}

TEST_CASE("pod_request adds the pod overhead", "[api][pod]") {
  PodSpec spec;
  spec.containers.push_back(container("app", resources({{"cpu", 300}, {"memory", 100 * kMi}})));
  spec.init_containers.push_back(container("init", resources({{"cpu", 500}})));
  spec.overhead = resources({{"cpu", 250}, {"memory", 120 * kMi}});
  CHECK(pod_request(spec, "cpu") == 750);  // max(300, 500) + 250
  CHECK(pod_request(spec, "memory") == 220 * kMi);
  // Overhead alone, with no container asking for the resource.
  spec.overhead.set("pods", 1);
  CHECK(pod_request(spec, "pods") == 1);
}

TEST_CASE("requested_resource_names", "[api][pod]") {
  PodSpec spec;
  CHECK(requested_resource_names(spec).empty());
  spec.containers.push_back(container("a", resources({{"memory", 1}, {"cpu", 1}})));
  spec.containers.push_back(
      container("b", resources({{"nvidia.com/gpu", 1}, {"cpu", 2}}), resources({{"example.com/limit-only", 1}})));
  spec.init_containers.push_back(container("i", resources({{"ephemeral-storage", 1}, {"memory", 2}})));
  spec.overhead = resources({{"cpu", 10}, {"hugepages-2Mi", 4}});
  CHECK(requested_resource_names(spec) ==
        std::vector<std::string>{"cpu", "ephemeral-storage", "hugepages-2Mi", "memory", "nvidia.com/gpu"});
}

TEST_CASE("qos_class", "[api][pod]") {
  PodSpec spec;
  SECTION("no requests or limits: BestEffort") {
    spec.containers.push_back(container("a", {}));
    spec.containers.push_back(container("b", {}));
    CHECK(qos_class(spec) == QosClass::BestEffort);
  }
  SECTION("only extended resources: BestEffort (only cpu and memory count)") {
    spec.containers.push_back(container("a", resources({{"nvidia.com/gpu", 1}}), resources({{"nvidia.com/gpu", 1}})));
    spec.containers.push_back(container("b", resources({{"ephemeral-storage", 1000}})));
    CHECK(qos_class(spec) == QosClass::BestEffort);
  }
  SECTION("explicit zero requests: BestEffort") {
    spec.containers.push_back(container("a", resources({{"cpu", 0}, {"memory", 0}})));
    CHECK(qos_class(spec) == QosClass::BestEffort);
  }
  SECTION("every container with equal cpu and memory requests and limits: Guaranteed") {
    spec.containers.push_back(guaranteed("a", 500, 256 * kMi));
    spec.containers.push_back(guaranteed("b", 100, 64 * kMi));
    CHECK(qos_class(spec) == QosClass::Guaranteed);
    // Extended resources do not affect the class.
    spec.containers[0].resources.requests.set("nvidia.com/gpu", 1);
    CHECK(qos_class(spec) == QosClass::Guaranteed);
  }
  SECTION("requests below limits: Burstable") {
    spec.containers.push_back(
        container("a", resources({{"cpu", 250}, {"memory", kMi}}), resources({{"cpu", 500}, {"memory", kMi}})));
    CHECK(qos_class(spec) == QosClass::Burstable);
  }
  SECTION("requests only: Burstable") {
    spec.containers.push_back(container("a", resources({{"cpu", 100}})));
    CHECK(qos_class(spec) == QosClass::Burstable);
  }
  SECTION("limits without requests (before defaulting): Burstable") {
    spec.containers.push_back(container("a", {}, resources({{"cpu", 100}, {"memory", kMi}})));
    CHECK(qos_class(spec) == QosClass::Burstable);
  }
  SECTION("memory missing: Burstable") {
    spec.containers.push_back(container("a", resources({{"cpu", 100}}), resources({{"cpu", 100}})));
    CHECK(qos_class(spec) == QosClass::Burstable);
  }
  SECTION("one container without resources breaks Guaranteed") {
    spec.containers.push_back(guaranteed("a", 500, kMi));
    spec.containers.push_back(container("b", {}));
    CHECK(qos_class(spec) == QosClass::Burstable);
  }
  SECTION("init containers count") {
    spec.containers.push_back(guaranteed("app", 500, kMi));
    spec.init_containers.push_back(guaranteed("init", 200, kMi));
    CHECK(qos_class(spec) == QosClass::Guaranteed);
    spec.init_containers.push_back(container("init2", resources({{"cpu", 100}})));
    CHECK(qos_class(spec) == QosClass::Burstable);
  }
  SECTION("an init container alone makes the pod Burstable") {
    spec.containers.push_back(container("app", {}));
    spec.init_containers.push_back(container("init", resources({{"memory", kMi}})));
    CHECK(qos_class(spec) == QosClass::Burstable);
  }
  SECTION("a sidecar counts like any init container") {
    spec.containers.push_back(guaranteed("app", 500, kMi));
    spec.init_containers.push_back(sidecar("proxy", resources({{"cpu", 50}})));
    CHECK(qos_class(spec) == QosClass::Burstable);
  }
}

// Upstream ComputePodQOS ignores zero quantities: a limit of 0 is "no limit", so a container whose
// memory limit is 0 lacks a memory limit and the pod cannot be Guaranteed. kubesim compares request 0
// with limit 0, finds them equal, and reports Guaranteed.
TEST_CASE("qos_class: a zero limit is no limit, as upstream", "[api][pod]") {
  PodSpec spec;
  spec.containers.push_back(
      container("a", resources({{"cpu", 500}, {"memory", 0}}), resources({{"cpu", 500}, {"memory", 0}})));
  CHECK(qos_class(spec) == QosClass::Burstable);
}

TEST_CASE("names", "[api][pod]") {
  CHECK(qos_class_name(QosClass::Guaranteed) == "Guaranteed");
  CHECK(qos_class_name(QosClass::Burstable) == "Burstable");
  CHECK(qos_class_name(QosClass::BestEffort) == "BestEffort");
  CHECK(pod_phase_name(PodPhase::Pending) == "Pending");
  CHECK(pod_phase_name(PodPhase::Running) == "Running");
  CHECK(pod_phase_name(PodPhase::Succeeded) == "Succeeded");
  CHECK(pod_phase_name(PodPhase::Failed) == "Failed");
  CHECK(pod_phase_name(PodPhase::Unknown) == "Unknown");
  CHECK(condition_status_name(ConditionStatus::True) == "True");
  CHECK(condition_status_name(ConditionStatus::False) == "False");
  CHECK(condition_status_name(ConditionStatus::Unknown) == "Unknown");
}

TEST_CASE("PodStatus conditions", "[api][pod]") {
  PodStatus status;
  CHECK(status.condition("Ready") == nullptr);

  status.set_condition(PodCondition{"PodScheduled", ConditionStatus::True, "", "", at_seconds(1)});
  status.set_condition(PodCondition{"Ready", ConditionStatus::False, "ContainersNotReady", "", at_seconds(1)});
  REQUIRE(status.conditions.size() == 2);
  CHECK(status.conditions[0].type == "PodScheduled");  // insertion order
  CHECK(status.conditions[1].type == "Ready");

  SECTION("same status: last_transition_time is kept, the rest is updated") {
    status.set_condition(PodCondition{"Ready", ConditionStatus::False, "PodInitializing", "waiting", at_seconds(5)});
    REQUIRE(status.conditions.size() == 2);
    const PodCondition* ready = status.condition("Ready");
    REQUIRE(ready != nullptr);
    CHECK(ready->status == ConditionStatus::False);
    CHECK(ready->reason == "PodInitializing");
    CHECK(ready->message == "waiting");
    CHECK(ready->last_transition_time == at_seconds(1));
  }
  SECTION("status change: last_transition_time moves") {
    status.set_condition(PodCondition{"Ready", ConditionStatus::True, "", "", at_seconds(7)});
    REQUIRE(status.conditions.size() == 2);
    const PodCondition* ready = status.condition("Ready");
    REQUIRE(ready != nullptr);
    CHECK(ready->status == ConditionStatus::True);
    CHECK(ready->reason.empty());
    CHECK(ready->last_transition_time == at_seconds(7));
    // Other conditions are untouched.
    CHECK(status.condition("PodScheduled")->last_transition_time == at_seconds(1));
  }
}

TEST_CASE("Pod predicates", "[api][pod]") {
  Pod pod;
  CHECK(pod.status.phase == PodPhase::Pending);
  CHECK_FALSE(pod.is_terminal());
  CHECK_FALSE(pod.is_terminating());
  CHECK_FALSE(pod.is_ready());
  CHECK(pod.priority() == 0);

  pod.spec.priority = 1000;
  CHECK(pod.priority() == 1000);
  pod.spec.priority = -5;
  CHECK(pod.priority() == -5);

  pod.status.set_condition(PodCondition{"Ready", ConditionStatus::False, "", "", at_seconds(1)});
  CHECK_FALSE(pod.is_ready());
  pod.status.set_condition(PodCondition{"Ready", ConditionStatus::True, "", "", at_seconds(2)});
  CHECK(pod.is_ready());
  pod.status.set_condition(PodCondition{"Ready", ConditionStatus::Unknown, "", "", at_seconds(3)});
  CHECK_FALSE(pod.is_ready());

  pod.status.phase = PodPhase::Running;
  CHECK_FALSE(pod.is_terminal());
  pod.status.phase = PodPhase::Succeeded;
  CHECK(pod.is_terminal());
  pod.status.phase = PodPhase::Failed;
  CHECK(pod.is_terminal());
  pod.status.phase = PodPhase::Unknown;
  CHECK_FALSE(pod.is_terminal());

  pod.metadata.deletion_timestamp = at_seconds(10);
  CHECK(pod.is_terminating());
}
