#include "support/catch.hpp"
#include "unit/scheduler/fake_handle.hpp"

#include "kubesim/scheduler/plugins/scheduling_gates.hpp"

using namespace kubesim;
using namespace kubesim::scheduler;

// Rows of upstream TestPreEnqueue.
TEST_CASE("SchedulingGates keeps gated pods out of the active queue", "[scheduler]") {
  SchedulingGates plugin;
  api::Pod pod;
  CHECK(plugin.pre_enqueue(pod).is_success());

  pod.spec.scheduling_gates = {"foo"};
  Status one = plugin.pre_enqueue(pod);
  CHECK(one.code() == Code::UnschedulableAndUnresolvable);
  CHECK(one.reasons() == std::vector<std::string>{"waiting for scheduling gates: [foo]"});

  pod.spec.scheduling_gates = {"foo", "bar"};
  CHECK(plugin.pre_enqueue(pod).reasons() == std::vector<std::string>{"waiting for scheduling gates: [foo bar]"});
}

TEST_CASE("SchedulingGates::create takes no args", "[scheduler]") {
  testing::FakeHandle handle;
  auto ok = SchedulingGates::create(PluginArgs{}, handle);
  REQUIRE(ok.has_value());
  CHECK(ok.value()->name() == "SchedulingGates");
  CHECK(dynamic_cast<PreEnqueuePlugin*>(ok.value().get()) != nullptr);
  CHECK_FALSE(SchedulingGates::create(PluginArgs{DefaultPreemptionArgs{}}, handle).has_value());
}
