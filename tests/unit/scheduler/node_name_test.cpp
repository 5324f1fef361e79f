#include "support/catch.hpp"
#include "unit/scheduler/fake_handle.hpp"

#include "kubesim/scheduler/plugins/node_name.hpp"

using namespace kubesim;
using namespace kubesim::scheduler;

namespace {

NodeInfo node_info(const std::string& name) {
  auto n = std::make_shared<api::Node>();
  n->metadata.name = name;
  NodeInfo info;
  info.set_node(n);
  return info;
}

PodInfo pod_on(const std::string& node_name) {
  auto p = std::make_shared<api::Pod>();
  p->spec.node_name = node_name;
  return PodInfo::from(p);
}

}  // namespace

// Rows of upstream TestNodeName.
TEST_CASE("NodeName passes pods without nodeName and pods naming the node", "[scheduler]") {
  NodeName plugin;
  CycleState state;
  CHECK(plugin.filter(state, pod_on(""), node_info("foo")).is_success());
  CHECK(plugin.filter(state, pod_on("foo"), node_info("foo")).is_success());
  Status s = plugin.filter(state, pod_on("bar"), node_info("foo"));
  CHECK(s.code() == Code::UnschedulableAndUnresolvable);
  CHECK(s.reasons() == std::vector<std::string>{"node(s) didn't match the requested node name"});
}

TEST_CASE("NodeName::create takes no args", "[scheduler]") {
  testing::FakeHandle handle;
  auto ok = NodeName::create(PluginArgs{}, handle);
  REQUIRE(ok.has_value());
  CHECK(ok.value()->name() == "NodeName");
  CHECK_FALSE(NodeName::create(PluginArgs{NodeResourcesFitArgs{}}, handle).has_value());
}

// The Framework drops NodeName for pods without nodeName (FilterShortcut::PassAll).
TEST_CASE("NodeName's filter shortcut: pods without nodeName pass everywhere", "[scheduler]") {
  NodeName plugin;
  CycleState state;
  CHECK(plugin.filter_shortcut(state, pod_on("")).kind == FilterShortcut::Kind::PassAll);
  CHECK(plugin.filter(state, pod_on(""), node_info("any")).is_success());
  CHECK(plugin.filter_shortcut(state, pod_on("node-a")).kind == FilterShortcut::Kind::Call);
}
