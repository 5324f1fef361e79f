#include "support/catch.hpp"
#include "unit/scheduler/fake_handle.hpp"

#include "kubesim/scheduler/plugins/node_unschedulable.hpp"

using namespace kubesim;
using namespace kubesim::scheduler;

namespace {

NodeInfo node_info(bool unschedulable) {
  auto n = std::make_shared<api::Node>();
  n->metadata.name = "node-a";
  n->spec.unschedulable = unschedulable;
  NodeInfo info;
  info.set_node(n);
  return info;
}

PodInfo pod_with(std::vector<api::Toleration> tolerations) {
  auto p = std::make_shared<api::Pod>();
  p->spec.tolerations = std::move(tolerations);
  return PodInfo::from(p);
}

}  // namespace

// Rows of upstream TestNodeUnschedulable.
TEST_CASE("NodeUnschedulable rejects cordoned nodes unless the pod tolerates the taint", "[scheduler]") {
  NodeUnschedulable plugin;
  CycleState state;
  CHECK(plugin.filter(state, pod_with({}), node_info(false)).is_success());

  Status s = plugin.filter(state, pod_with({}), node_info(true));
  CHECK(s.code() == Code::UnschedulableAndUnresolvable);
  CHECK(s.reasons() == std::vector<std::string>{"node(s) were unschedulable"});

  api::Toleration exists{
      "node.kubernetes.io/unschedulable", api::TolerationOperator::Exists, "", api::TaintEffect::NoSchedule, {}};
  CHECK(plugin.filter(state, pod_with({exists}), node_info(true)).is_success());
  // A toleration for another effect does not count; an empty effect does.
  exists.effect = api::TaintEffect::NoExecute;
  CHECK(plugin.filter(state, pod_with({exists}), node_info(true)).code() == Code::UnschedulableAndUnresolvable);
  exists.effect = api::TaintEffect::None;
  CHECK(plugin.filter(state, pod_with({exists}), node_info(true)).is_success());
  // A toleration of everything (empty key, Exists).
  CHECK(plugin
            .filter(state, pod_with({{"", api::TolerationOperator::Exists, "", api::TaintEffect::None, {}}}),
                    node_info(true))
            .is_success());
}

TEST_CASE("NodeUnschedulable::create takes no args", "[scheduler]") {
  testing::FakeHandle handle;
  auto ok = NodeUnschedulable::create(PluginArgs{}, handle);
  REQUIRE(ok.has_value());
  CHECK(ok.value()->name() == "NodeUnschedulable");
  auto bad = NodeUnschedulable::create(PluginArgs{NodeAffinityArgs{}}, handle);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error() == "plugin NodeUnschedulable takes no arguments");
}

// The Framework skips the call on schedulable nodes (FilterShortcut): filter() must pass them.
TEST_CASE("NodeUnschedulable's filter shortcut: schedulable nodes pass", "[scheduler]") {
  NodeUnschedulable plugin;
  CycleState state;
  PodInfo pod = pod_with({});
  FilterShortcut shortcut = plugin.filter_shortcut(state, pod);
  REQUIRE(shortcut.kind == FilterShortcut::Kind::PassUnlessFlag);
  NodeInfo open = node_info(false);
  NodeInfo cordoned = node_info(true);
  CHECK_FALSE(open.*shortcut.unless);
  CHECK(plugin.filter(state, pod, open).is_success());
  CHECK(cordoned.*shortcut.unless);
  CHECK_FALSE(plugin.filter(state, pod, cordoned).is_success());
}
