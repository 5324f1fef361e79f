#include "support/catch.hpp"
#include "unit/scheduler/fake_handle.hpp"

#include "kubesim/scheduler/plugins/node_affinity.hpp"

using namespace kubesim;
using namespace kubesim::scheduler;

namespace {

using api::SelectorOperator;

NodeInfo node_with(const std::string& name, api::StringMap labels) {
  auto n = std::make_shared<api::Node>();
  n->metadata.name = name;
  n->metadata.labels = std::move(labels);
  NodeInfo info;
  info.set_node(n);
  return info;
}

api::NodeSelectorTerm term(std::vector<api::SelectorRequirement> exprs,
                           std::vector<api::SelectorRequirement> fields = {}) {
  return {std::move(exprs), std::move(fields)};
}

api::SelectorRequirement in(std::string key, std::vector<std::string> values) {
  return {std::move(key), SelectorOperator::In, std::move(values)};
}

PodInfo pod_with(api::StringMap node_selector, std::optional<api::NodeAffinity> affinity) {
  auto p = std::make_shared<api::Pod>();
  p->spec.node_selector = std::move(node_selector);
  if (affinity) {
    p->spec.affinity = api::Affinity{};
    p->spec.affinity->node_affinity = std::move(affinity);
  }
  return PodInfo::from(p);
}

PodInfo pod_requiring(std::vector<api::NodeSelectorTerm> terms) {
  api::NodeAffinity a;
  a.required = api::NodeSelector{std::move(terms)};
  return pod_with({}, a);
}

PodInfo pod_preferring(std::vector<api::PreferredSchedulingTerm> terms) {
  api::NodeAffinity a;
  a.preferred = std::move(terms);
  return pod_with({}, a);
}

// PreScore, Score each node, NormalizeScore; an empty vector when PreScore skips.
std::vector<std::int64_t> scores(NodeAffinity& plugin, const PodInfo& pod, const std::vector<NodeInfo>& nodes) {
  CycleState state;
  std::vector<const NodeInfo*> ptrs;
  for (const NodeInfo& n : nodes) {
    ptrs.push_back(&n);
  }
  Status pre = plugin.pre_score(state, pod, ptrs);
  if (pre.is_skip()) {
    return {};
  }
  std::vector<std::int64_t> out;
  for (const NodeInfo& n : nodes) {
    out.push_back(plugin.score(state, pod, n));
  }
  plugin.normalize_score(state, pod, out);
  return out;
}

const api::StringMap kLabel1{{"foo", "bar"}};
const api::StringMap kLabel2{{"key", "value"}};
const api::StringMap kLabel3{{"az", "az1"}};
const api::StringMap kLabel4{{"abc", "az11"}, {"def", "az22"}};
const api::StringMap kLabel5{{"foo", "bar"}, {"key", "value"}, {"az", "az1"}};

std::vector<api::PreferredSchedulingTerm> affinity1() { return {{2, term({in("foo", {"bar"})})}}; }

std::vector<api::PreferredSchedulingTerm> affinity2() {
  return {{2, term({in("foo", {"bar"})})},
          {4, term({in("key", {"value"})})},
          {5, term({in("foo", {"bar"}), in("key", {"value"}), in("az", {"az1"})})}};
}

}  // namespace

// Rows of upstream TestNodeAffinityPriority.
TEST_CASE("NodeAffinity score sums matching preferred weights, normalized to 100", "[scheduler]") {
  NodeAffinity plugin;
  SECTION("no node affinity: PreScore skips") {
    CHECK(scores(plugin, pod_with({}, std::nullopt),
                 {node_with("m1", kLabel1), node_with("m2", kLabel2), node_with("m3", kLabel3)})
              .empty());
  }
  SECTION("no node matches the preferred terms") {
    CHECK(scores(plugin, pod_preferring(affinity1()),
                 {node_with("m1", kLabel4), node_with("m2", kLabel2), node_with("m3", kLabel3)}) ==
          std::vector<std::int64_t>{0, 0, 0});
  }
  SECTION("only node1 matches") {
    CHECK(scores(plugin, pod_preferring(affinity1()),
                 {node_with("m1", kLabel1), node_with("m2", kLabel2), node_with("m3", kLabel3)}) ==
          std::vector<std::int64_t>{100, 0, 0});
  }
  SECTION("all nodes match with different priorities") {
    // Raw 2, 11, 4 → 100·2/11 = 18, 100, 100·4/11 = 36.
    CHECK(scores(plugin, pod_preferring(affinity2()),
                 {node_with("m1", kLabel1), node_with("m5", kLabel5), node_with("m2", kLabel2)}) ==
          std::vector<std::int64_t>{18, 100, 36});
  }
  SECTION("terms with weight 0 or no requirements are ignored") {
    CHECK(scores(plugin, pod_preferring({{0, term({in("foo", {"bar"})})}, {7, term({})}}),
                 {node_with("m1", kLabel1)}) == std::vector<std::int64_t>{0});
  }
}

TEST_CASE("NodeAffinity addedAffinity preferred terms add to the pod's", "[scheduler]") {
  SECTION("added affinity only") {
    NodeAffinityArgs args;
    args.added_affinity = api::NodeAffinity{std::nullopt, affinity1()};
    NodeAffinity plugin(args);
    CHECK(scores(plugin, pod_with({}, std::nullopt), {node_with("m1", kLabel1), node_with("m2", kLabel2)}) ==
          std::vector<std::int64_t>{100, 0});
  }
  SECTION("added affinity and pod affinity") {
    NodeAffinityArgs args;
    args.added_affinity = api::NodeAffinity{std::nullopt, {{3, term({in("key", {"value"})})}}};
    NodeAffinity plugin(args);
    // Raw 2, 3, 5 → 40, 60, 100.
    CHECK(scores(plugin, pod_preferring(affinity1()),
                 {node_with("m1", kLabel1), node_with("m2", kLabel2), node_with("m3", kLabel5)}) ==
          std::vector<std::int64_t>{40, 60, 100});
  }
}

// Rows of upstream TestNodeAffinity (filter).
TEST_CASE("NodeAffinity filter: nodeSelector AND required terms", "[scheduler]") {
  NodeAffinity plugin;
  CycleState state;
  const NodeInfo node = node_with("node1", kLabel1);
  const std::vector<std::string> kReason{"node(s) didn't match Pod's node affinity/selector"};

  CHECK(plugin.filter(state, pod_with({}, std::nullopt), node).is_success());
  CHECK(plugin.filter(state, pod_with({{"foo", "bar"}}, std::nullopt), node).is_success());
  Status missing = plugin.filter(state, pod_with({{"baz", "blah"}}, std::nullopt), node);
  CHECK(missing.code() == Code::UnschedulableAndUnresolvable);
  CHECK(missing.reasons() == kReason);
  CHECK_FALSE(plugin.filter(state, pod_with({{"foo", "other"}}, std::nullopt), node).is_success());

  // Terms are ORed; expressions in a term are ANDed.
  CHECK(plugin.filter(state, pod_requiring({term({in("foo", {"bar", "value2"})})}), node).is_success());
  CHECK_FALSE(
      plugin.filter(state, pod_requiring({term({in("foo", {"bar"}), in("kernel", {"5"})})}), node).is_success());
  CHECK(plugin.filter(state, pod_requiring({term({in("kernel", {"5"})}), term({in("foo", {"bar"})})}), node)
            .is_success());
  // NotIn / DoesNotExist match a missing label; Exists does not.
  CHECK(plugin.filter(state, pod_requiring({term({{"kernel", SelectorOperator::NotIn, {"5"}}})}), node).is_success());
  CHECK(
      plugin.filter(state, pod_requiring({term({{"kernel", SelectorOperator::DoesNotExist, {}}})}), node).is_success());
  CHECK_FALSE(
      plugin.filter(state, pod_requiring({term({{"kernel", SelectorOperator::Exists, {}}})}), node).is_success());
  // Gt/Lt compare integers.
  const NodeInfo gpus = node_with("node1", {{"gpus", "4"}});
  CHECK(plugin.filter(state, pod_requiring({term({{"gpus", SelectorOperator::Gt, {"3"}}})}), gpus).is_success());
  CHECK_FALSE(plugin.filter(state, pod_requiring({term({{"gpus", SelectorOperator::Lt, {"3"}}})}), gpus).is_success());
  // An empty term matches nothing; so does a required selector with no terms.
  CHECK(plugin.filter(state, pod_requiring({term({})}), node).reasons() == kReason);
  CHECK(plugin.filter(state, pod_requiring({}), node).reasons() == kReason);
  // nodeSelector and affinity are ANDed.
  api::NodeAffinity both;
  both.required = api::NodeSelector{{term({in("foo", {"bar"})})}};
  CHECK_FALSE(plugin.filter(state, pod_with({{"baz", "blah"}}, both), node).is_success());
  // matchFields on metadata.name.
  CHECK(plugin.filter(state, pod_requiring({term({}, {in("metadata.name", {"node1"})})}), node).is_success());
  CHECK_FALSE(plugin.filter(state, pod_requiring({term({}, {in("metadata.name", {"node2"})})}), node).is_success());
}

TEST_CASE("NodeAffinity addedAffinity required terms are enforced with their own reason", "[scheduler]") {
  NodeAffinityArgs args;
  args.added_affinity = api::NodeAffinity{api::NodeSelector{{term({in("zone", {"foo"})})}}, {}};
  NodeAffinity plugin(args);
  CycleState state;
  Status s = plugin.filter(state, pod_with({}, std::nullopt), node_with("n", kLabel1));
  CHECK(s.code() == Code::UnschedulableAndUnresolvable);
  CHECK(s.reasons() == std::vector<std::string>{"node(s) didn't match scheduler-enforced node affinity"});
  CHECK(plugin.filter(state, pod_with({}, std::nullopt), node_with("n", {{"zone", "foo"}})).is_success());
  // The pod's own selector is still checked after the added one.
  CHECK(plugin.filter(state, pod_with({{"foo", "bar"}}, std::nullopt), node_with("n", {{"zone", "foo"}})).reasons() ==
        std::vector<std::string>{"node(s) didn't match Pod's node affinity/selector"});
  // A pod with nothing to check is not skipped when the profile adds required affinity.
  CHECK_FALSE(plugin.pre_filter(state, pod_with({}, std::nullopt)).is_skip());
}

TEST_CASE("NodeAffinity PreFilter skips, restricts to named nodes, or detects conflicts", "[scheduler]") {
  NodeAffinity plugin;
  SECTION("nothing to check") {
    CycleState state;
    CHECK(plugin.pre_filter(state, pod_with({}, std::nullopt)).is_skip());
    CHECK(plugin.pre_filter(state, pod_preferring(affinity1())).is_skip());
  }
  SECTION("nodeSelector only: no node restriction") {
    CycleState state;
    CHECK(plugin.pre_filter(state, pod_with({{"foo", "bar"}}, std::nullopt)).is_success());
    CHECK(NodeAffinity::pre_filter_node_names(state) == nullptr);
  }
  SECTION("union over terms of the intersection within a term") {
    CycleState state;
    PodInfo pod = pod_requiring({term({}, {in("metadata.name", {"node1", "node2"}), in("metadata.name", {"node2"})}),
                                 term({}, {in("metadata.name", {"node3"})})});
    CHECK(plugin.pre_filter(state, pod).is_success());
    const auto* names = NodeAffinity::pre_filter_node_names(state);
    REQUIRE(names != nullptr);
    CHECK(*names == std::vector<std::string>{"node2", "node3"});
  }
  SECTION("a term without metadata.name makes every node eligible") {
    CycleState state;
    PodInfo pod = pod_requiring({term({}, {in("metadata.name", {"node1"})}), term({in("foo", {"bar"})})});
    CHECK(plugin.pre_filter(state, pod).is_success());
    CHECK(NodeAffinity::pre_filter_node_names(state) == nullptr);
  }
  SECTION("conflicting terms") {
    CycleState state;
    PodInfo pod = pod_requiring({term({}, {in("metadata.name", {"node1"}), in("metadata.name", {"node2"})})});
    Status s = plugin.pre_filter(state, pod);
    CHECK(s.code() == Code::UnschedulableAndUnresolvable);
    CHECK(s.reasons() == std::vector<std::string>{"pod affinity terms conflict"});
  }
}

TEST_CASE("NodeAffinity::create validates its args", "[scheduler]") {
  testing::FakeHandle handle;
  REQUIRE(NodeAffinity::create(PluginArgs{}, handle).has_value());
  auto wrong = NodeAffinity::create(PluginArgs{NodeResourcesFitArgs{}}, handle);
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error() == "args are not of type NodeAffinityArgs, got *config.NodeResourcesFitArgs");

  NodeAffinityArgs ok;
  ok.added_affinity = api::NodeAffinity{api::NodeSelector{{term({in("zone", {"a"})})}}, affinity1()};
  auto created = NodeAffinity::create(PluginArgs{ok}, handle);
  REQUIRE(created.has_value());
  CHECK(created.value()->name() == "NodeAffinity");

  NodeAffinityArgs bad;
  bad.added_affinity = api::NodeAffinity{api::NodeSelector{{term({in("zone", {})})}}, {}};
  auto err = NodeAffinity::create(PluginArgs{bad}, handle);
  REQUIRE_FALSE(err.has_value());
  CHECK(err.error() == "addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]."
                       "matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or "
                       "'NotIn'");

  NodeAffinityArgs two;
  two.added_affinity = api::NodeAffinity{
      std::nullopt, {{1, term({{"gpus", SelectorOperator::Gt, {"x"}}})}, {1, term({}, {in("metadata.uid", {"a"})})}}};
  auto errs = NodeAffinity::create(PluginArgs{two}, handle);
  REQUIRE_FALSE(errs.has_value());
  CHECK(errs.error().front() == '[');
  CHECK(errs.error().find("for 'Gt', 'Lt' operators, the value must be an integer") != std::string::npos);
  CHECK(errs.error().find("matchFields[0].key: Unsupported value: \"metadata.uid\"") != std::string::npos);
}
