#include "support/catch.hpp"
#include "unit/scheduler/fake_handle.hpp"

#include "kubesim/scheduler/plugins/volume_binding.hpp"

using namespace kubesim;
using namespace kubesim::scheduler;

// kubesim pods have no volumes: upstream's PreFilter returns Skip for such pods and Filter passes.
TEST_CASE("VolumeBinding skips every pod and passes every node", "[scheduler]") {
  testing::FakeHandle handle;
  auto created = VolumeBinding::create(PluginArgs{}, handle);
  REQUIRE(created.has_value());
  std::unique_ptr<Plugin> plugin = std::move(created.value());
  CHECK(plugin->name() == "VolumeBinding");

  auto node = std::make_shared<api::Node>();
  node->metadata.name = "node-a";
  NodeInfo info;
  info.set_node(node);
  auto p = std::make_shared<api::Pod>();
  p->spec.containers.push_back(api::Container{});
  PodInfo pod = PodInfo::from(p);
  CycleState state;

  auto* pre = dynamic_cast<PreFilterPlugin*>(plugin.get());
  REQUIRE(pre != nullptr);
  CHECK(pre->pre_filter(state, pod).is_skip());
  auto* filter = dynamic_cast<FilterPlugin*>(plugin.get());
  REQUIRE(filter != nullptr);
  CHECK(filter->filter(state, pod, info).is_success());
  CHECK(dynamic_cast<ScorePlugin*>(plugin.get()) == nullptr);
  auto* reserve = dynamic_cast<ReservePlugin*>(plugin.get());
  REQUIRE(reserve != nullptr);
  CHECK(reserve->reserve(state, pod, "node-a").is_success());
  reserve->unreserve(state, pod, "node-a");
}

TEST_CASE("VolumeBinding::create takes no args", "[scheduler]") {
  testing::FakeHandle handle;
  auto bad = VolumeBinding::create(PluginArgs{NodeAffinityArgs{}}, handle);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error() == "plugin VolumeBinding takes no arguments");
}
