#include "support/catch.hpp"
#include "unit/scheduler/fake_handle.hpp"

#include "kubesim/scheduler/plugins/taint_toleration.hpp"

using namespace kubesim;
using namespace kubesim::scheduler;

namespace {

using api::TaintEffect;
using api::TolerationOperator;

NodeInfo node_with(const std::string& name, std::vector<api::Taint> taints) {
  auto n = std::make_shared<api::Node>();
  n->metadata.name = name;
  n->spec.taints = std::move(taints);
  NodeInfo info;
  info.set_node(n);
  return info;
}

PodInfo pod_with(std::vector<api::Toleration> tolerations) {
  auto p = std::make_shared<api::Pod>();
  p->metadata.name = "pod1";
  p->spec.tolerations = std::move(tolerations);
  return PodInfo::from(p);
}

api::Toleration equal(std::string key, std::string value, TaintEffect effect) {
  return {std::move(key), TolerationOperator::Equal, std::move(value), effect, {}};
}

// PreScore, Score each node, NormalizeScore: what the framework does.
std::vector<std::int64_t> scores(const PodInfo& pod, const std::vector<NodeInfo>& nodes) {
  TaintToleration plugin;
  CycleState state;
  std::vector<const NodeInfo*> ptrs;
  for (const NodeInfo& n : nodes) {
    ptrs.push_back(&n);
  }
  REQUIRE(plugin.pre_score(state, pod, ptrs).is_success());
  std::vector<std::int64_t> out;
  for (const NodeInfo& n : nodes) {
    out.push_back(plugin.score(state, pod, n));
  }
  // The Framework scores through score_nodes, with and without PreScore's state.
  std::vector<std::int64_t> batch(nodes.size(), -1);
  plugin.score_nodes(state, pod, ptrs, batch);
  CHECK(batch == out);
  CycleState empty;
  plugin.score_nodes(empty, pod, ptrs, batch);
  CHECK(batch == out);
  REQUIRE(plugin.has_normalize());
  plugin.normalize_score(state, pod, out);
  return out;
}

}  // namespace

// Rows of upstream TestTaintTolerationScore.
TEST_CASE("TaintToleration score counts intolerable PreferNoSchedule taints, reversed", "[scheduler]") {
  const api::Taint arm{"cpu-type", "arm64", TaintEffect::PreferNoSchedule, {}};
  const api::Taint ssd{"disk-type", "ssd", TaintEffect::PreferNoSchedule, {}};

  SECTION("the count of taints that are tolerated by pod does not matter") {
    PodInfo pod = pod_with({equal("cpu-type", "arm64", TaintEffect::PreferNoSchedule),
                            equal("disk-type", "ssd", TaintEffect::PreferNoSchedule)});
    CHECK(scores(pod, {node_with("nodeA", {}), node_with("nodeB", {arm}), node_with("nodeC", {arm, ssd})}) ==
          std::vector<std::int64_t>{100, 100, 100});
  }
  SECTION("the count of taints on a node that are not tolerated by pod matters") {
    PodInfo pod = pod_with({equal("foo", "bar", TaintEffect::PreferNoSchedule)});
    CHECK(scores(pod, {node_with("nodeA", {}), node_with("nodeB", {arm}), node_with("nodeC", {arm, ssd})}) ==
          std::vector<std::int64_t>{100, 50, 0});
  }
  SECTION("only PreferNoSchedule taints and tolerations count") {
    PodInfo pod = pod_with(
        {equal("cpu-type", "arm64", TaintEffect::NoSchedule), equal("disk-type", "ssd", TaintEffect::NoSchedule)});
    const api::Taint arm_hard{"cpu-type", "arm64", TaintEffect::NoSchedule, {}};
    CHECK(scores(pod, {node_with("nodeA", {}), node_with("nodeB", {arm_hard}), node_with("nodeC", {arm, ssd})}) ==
          std::vector<std::int64_t>{100, 100, 0});
  }
  SECTION("no taints and no tolerations: the node without taints wins") {
    CHECK(scores(pod_with({}), {node_with("nodeA", {}), node_with("nodeB", {arm})}) ==
          std::vector<std::int64_t>{100, 0});
  }
  SECTION("two nodes with no taints") {
    CHECK(scores(pod_with({}), {node_with("nodeA", {}), node_with("nodeB", {})}) ==
          std::vector<std::int64_t>{100, 100});
  }
  SECTION("a toleration with an empty effect tolerates PreferNoSchedule taints") {
    PodInfo pod = pod_with({equal("cpu-type", "arm64", TaintEffect::None)});
    CHECK(scores(pod, {node_with("nodeA", {}), node_with("nodeB", {arm}), node_with("nodeC", {arm, ssd})}) ==
          std::vector<std::int64_t>{100, 100, 0});
  }
}

TEST_CASE("TaintToleration score works without PreScore state", "[scheduler]") {
  TaintToleration plugin;
  CycleState state;
  const api::Taint arm{"cpu-type", "arm64", TaintEffect::PreferNoSchedule, {}};
  CHECK(plugin.score(state, pod_with({}), node_with("n", {arm, arm})) == 2);
  CHECK(plugin.score(state, pod_with({equal("cpu-type", "arm64", TaintEffect::PreferNoSchedule)}),
                     node_with("n", {arm})) == 0);
}

// Rows of upstream TestTaintTolerationFilter.
TEST_CASE("TaintToleration filter rejects the first untolerated NoSchedule/NoExecute taint", "[scheduler]") {
  TaintToleration plugin;
  CycleState state;
  const api::Taint dedicated{"dedicated", "user1", TaintEffect::NoSchedule, {}};

  Status s = plugin.filter(state, pod_with({}), node_with("n", {dedicated}));
  CHECK(s.code() == Code::UnschedulableAndUnresolvable);
  CHECK(s.reasons() == std::vector<std::string>{"node(s) had untolerated taint {dedicated: user1}"});

  CHECK(
      plugin
          .filter(state, pod_with({equal("dedicated", "user1", TaintEffect::NoSchedule)}), node_with("n", {dedicated}))
          .is_success());
  // Wrong value.
  CHECK(
      plugin
          .filter(state, pod_with({equal("dedicated", "user2", TaintEffect::NoSchedule)}), node_with("n", {dedicated}))
          .code() == Code::UnschedulableAndUnresolvable);
  // Exists ignores the value; a taint with a key but no value.
  const api::Taint foo{"foo", "", TaintEffect::NoSchedule, {}};
  CHECK(plugin
            .filter(state, pod_with({{"foo", TolerationOperator::Exists, "", TaintEffect::NoSchedule, {}}}),
                    node_with("n", {foo}))
            .is_success());
  CHECK(plugin.filter(state, pod_with({}), node_with("n", {foo})).reasons() ==
        std::vector<std::string>{"node(s) had untolerated taint {foo: }"});
  // Only the first untolerated taint is reported.
  const api::Taint bar{"bar", "baz", TaintEffect::NoExecute, {}};
  CHECK(plugin
            .filter(state, pod_with({equal("dedicated", "user1", TaintEffect::NoSchedule)}),
                    node_with("n", {dedicated, bar, foo}))
            .reasons() == std::vector<std::string>{"node(s) had untolerated taint {bar: baz}"});
  // A toleration's effect must match the taint's.
  CHECK_FALSE(plugin.filter(state, pod_with({equal("bar", "baz", TaintEffect::NoSchedule)}), node_with("n", {bar}))
                  .is_success());
  // PreferNoSchedule taints never fail the filter.
  CHECK(plugin.filter(state, pod_with({}), node_with("n", {{"soft", "x", TaintEffect::PreferNoSchedule, {}}}))
            .is_success());
}

TEST_CASE("TaintToleration::create takes no args", "[scheduler]") {
  testing::FakeHandle handle;
  auto ok = TaintToleration::create(PluginArgs{}, handle);
  REQUIRE(ok.has_value());
  CHECK(ok.value()->name() == "TaintToleration");
  CHECK_FALSE(TaintToleration::create(PluginArgs{NodeAffinityArgs{}}, handle).has_value());
}

// The Framework skips the call on nodes without taints (FilterShortcut): filter() must pass them.
TEST_CASE("TaintToleration's filter shortcut: nodes without taints pass", "[scheduler]") {
  TaintToleration plugin;
  CycleState state;
  PodInfo pod = pod_with({});
  FilterShortcut shortcut = plugin.filter_shortcut(state, pod);
  REQUIRE(shortcut.kind == FilterShortcut::Kind::PassUnlessFlag);
  NodeInfo clean = node_with("a", {});
  NodeInfo tainted = node_with("b", {{"k", "v", TaintEffect::NoSchedule, {}}});
  CHECK_FALSE(clean.*shortcut.unless);
  CHECK(plugin.filter(state, pod, clean).is_success());
  CHECK(tainted.*shortcut.unless);
  CHECK_FALSE(plugin.filter(state, pod, tainted).is_success());
}
