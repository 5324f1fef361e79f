#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/cluster/cluster.hpp"
#include "kubesim/controllers/taint_eviction_controller.hpp"
#include "kubesim/scenario/loader.hpp"

#include <fmt/format.h>

using namespace kubesim;
using namespace kubesim::base::literals;
using controllers::min_toleration_time;

namespace {

api::Taint no_execute(std::string key, std::string value = "") {
  api::Taint t;
  t.key = std::move(key);
  t.value = std::move(value);
  t.effect = api::TaintEffect::NoExecute;
  return t;
}

api::Toleration exists(std::string key, std::optional<std::int64_t> seconds) {
  api::Toleration t;
  t.key = std::move(key);
  t.op = api::TolerationOperator::Exists;
  t.effect = api::TaintEffect::NoExecute;
  t.toleration_seconds = seconds;
  return t;
}

base::SimTime at(base::Duration d) { return base::SimTime::zero() + d; }

std::unique_ptr<cluster::Cluster> build(const std::string& yaml) {
  auto spec = scenario::parse_scenario(yaml, "taints.yaml");
  REQUIRE(spec.has_value());
  auto c = cluster::Cluster::build(spec.value(), {});
  REQUIRE(c.has_value());
  return std::move(c.value());
}

// One node tainted with NoExecute from a timeline create? Nodes come from pools, so the test taints it
// through the pool template and lets pods with various tolerations land on it.
constexpr std::string_view kScenario = R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: taints}
spec:
  seed: 1
  duration: 10m
  cluster:
    nodePools:
    - name: tainted
      count: 1
      template:
        spec:
          taints: [{key: dedicated, value: batch, effect: NoExecute}]
        status:
          capacity: {cpu: "8", memory: 32Gi}
  objects:
  - apiVersion: v1
    kind: Pod
    metadata: {name: intolerant}
    spec:
      nodeName: tainted-0
      containers: [{name: c, image: "nginx:1.25"}]
  - apiVersion: v1
    kind: Pod
    metadata: {name: for-a-minute}
    spec:
      nodeName: tainted-0
      tolerations: [{key: dedicated, operator: Exists, effect: NoExecute, tolerationSeconds: 60}]
      containers: [{name: c, image: "nginx:1.25"}]
  - apiVersion: v1
    kind: Pod
    metadata: {name: forever}
    spec:
      nodeName: tainted-0
      tolerations: [{key: dedicated, operator: Equal, value: batch, effect: NoExecute}]
      containers: [{name: c, image: "nginx:1.25"}]
)";

}  // namespace

TEST_CASE("minimum toleration time over the matching tolerations", "[tainteviction]") {
  std::vector<api::Taint> taints{no_execute("a"), no_execute("b")};
  // A taint nobody tolerates: evict now.
  CHECK_FALSE(min_toleration_time(taints, {exists("a", 30)}).has_value());
  // No tolerationSeconds anywhere: tolerated forever.
  CHECK(min_toleration_time(taints, {exists("a", std::nullopt), exists("b", std::nullopt)}) == base::Duration::max());
  // The minimum over the tolerations used.
  CHECK(min_toleration_time(taints, {exists("a", 300), exists("b", 60)}) == 60_s);
  CHECK(min_toleration_time(taints, {exists("a", std::nullopt), exists("b", 60)}) == 60_s);
  // Non-positive means at once.
  CHECK(min_toleration_time(taints, {exists("a", -5), exists("b", 60)}) == base::Duration::zero());
  // The first matching toleration is the one used (an empty key with Exists matches every taint).
  CHECK(min_toleration_time(taints, {exists("", 10), exists("a", 300)}) == 10_s);
  CHECK(min_toleration_time({}, {}) == base::Duration::zero());
}

TEST_CASE("pods are deleted now, after tolerationSeconds or never", "[tainteviction]") {
  auto c = build(std::string(kScenario));
  c->run_until(at(30_s));
  auto get = [&](const char* name) { return c->api().store().get<api::Pod>("default", name); };
  // The intolerant pod was deleted as soon as the controller saw it on the tainted node; the kubelet
  // (alive) confirmed the deletion.
  CHECK(get("intolerant") == nullptr);
  REQUIRE(get("for-a-minute") != nullptr);
  CHECK_FALSE(get("for-a-minute")->is_terminating());
  c->run_until(at(62_s));
  CHECK(get("for-a-minute") == nullptr);
  c->run_until(at(10_min));
  REQUIRE(get("forever") != nullptr);
  CHECK_FALSE(get("forever")->is_terminating());
  std::vector<std::string> messages;
  for (const store::ObjectRef& ref : c->api().store().list(api::Kind::Event)) {
    const auto& ev = ref.get<api::Event>();
    if (ev.reason == "TaintManagerEviction") {
      messages.push_back(ev.message);
      CHECK(ev.source.component == "taint-eviction-controller");
    }
  }
  std::sort(messages.begin(), messages.end());
  CHECK(messages == std::vector<std::string>{"Marking for deletion Pod default/for-a-minute",
                                             "Marking for deletion Pod default/intolerant"});
}
