// The volume plugins are documented no-ops (kubesim does not model volumes): upstream's PreFilter
// returns Skip for a pod without volumes, which is every pod here, and Filter passes. One test body
// covers all four plugins (volume_restrictions, node_volume_limits, volume_binding, volume_zone).

#include "support/catch.hpp"
#include "unit/scheduler/fake_handle.hpp"

#include "kubesim/scheduler/plugins/node_volume_limits.hpp"
#include "kubesim/scheduler/plugins/volume_binding.hpp"
#include "kubesim/scheduler/plugins/volume_restrictions.hpp"
#include "kubesim/scheduler/plugins/volume_zone.hpp"

using namespace kubesim;
using namespace kubesim::scheduler;

TEMPLATE_TEST_CASE("volume plugins skip every pod and pass every node", "[scheduler]", VolumeRestrictions,
                   NodeVolumeLimits, VolumeBinding, VolumeZone) {
  testing::FakeHandle handle;
  auto created = TestType::create(PluginArgs{}, handle);
  REQUIRE(created.has_value());
  std::unique_ptr<Plugin> plugin = std::move(created.value());
  CHECK(plugin->name() == TestType::kName);

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
  // Only VolumeBinding takes part in Reserve upstream.
  auto* reserve = dynamic_cast<ReservePlugin*>(plugin.get());
  CHECK((reserve != nullptr) == std::is_same_v<TestType, VolumeBinding>);
  if (reserve != nullptr) {
    CHECK(reserve->reserve(state, pod, "node-a").is_success());
    reserve->unreserve(state, pod, "node-a");
  }

  auto bad = TestType::create(PluginArgs{NodeAffinityArgs{}}, handle);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error() == "plugin " + std::string(TestType::kName) + " takes no arguments");
}
