#include "support/catch.hpp"
#include "unit/scheduler/fake_handle.hpp"

#include "kubesim/scheduler/plugins/node_ports.hpp"

using namespace kubesim;
using namespace kubesim::scheduler;

namespace {

// "PROTOCOL/IP/PORT" strings as in upstream's newPod helper.
api::Pod pod_spec(const std::vector<std::string>& host_ports) {
  api::Pod p;
  api::Container c;
  c.name = "c";
  for (const std::string& s : host_ports) {
    auto a = s.find('/');
    auto b = s.rfind('/');
    api::ContainerPort port;
    port.protocol = s.substr(0, a);
    port.host_ip = s.substr(a + 1, b - a - 1);
    port.host_port = std::stoi(s.substr(b + 1));
    c.ports.push_back(port);
  }
  p.spec.containers.push_back(c);
  return p;
}

PodInfo pod(const std::vector<std::string>& host_ports) {
  return PodInfo::from(std::make_shared<api::Pod>(pod_spec(host_ports)));
}

NodeInfo node_running(const std::vector<std::string>& host_ports) {
  auto n = std::make_shared<api::Node>();
  n->metadata.name = "node";
  NodeInfo info;
  info.set_node(n);
  info.add_pod(pod(host_ports));
  return info;
}

Status run(const PodInfo& p, const NodeInfo& node) {
  NodePorts plugin;
  CycleState state;
  Status pre = plugin.pre_filter(state, p);
  if (pre.is_skip()) {
    return pre;
  }
  return plugin.filter(state, p, node);
}

}  // namespace

// Rows of upstream TestNodePorts.
TEST_CASE("NodePorts checks host port conflicts as HostPortInfo.CheckConflict", "[scheduler]") {
  const std::vector<std::string> kReason{"node(s) didn't have free ports for the requested pod ports"};
  SECTION("no host ports: PreFilter skips") {
    CHECK(run(pod({}), node_running({})).is_skip());
    CHECK(run(pod({"UDP/127.0.0.1/0"}), node_running({"UDP/127.0.0.1/8080"})).is_skip());
  }
  SECTION("other port") { CHECK(run(pod({"UDP/127.0.0.1/8080"}), node_running({"UDP/127.0.0.1/9090"})).is_success()); }
  SECTION("same udp port") {
    Status s = run(pod({"UDP/127.0.0.1/8080"}), node_running({"UDP/127.0.0.1/8080"}));
    CHECK(s.code() == Code::Unschedulable);
    CHECK(s.reasons() == kReason);
  }
  SECTION("same tcp port") {
    CHECK(run(pod({"TCP/127.0.0.1/8080"}), node_running({"TCP/127.0.0.1/8080"})).reasons() == kReason);
  }
  SECTION("different host ip") {
    CHECK(run(pod({"TCP/127.0.0.1/8080"}), node_running({"TCP/127.0.0.2/8080"})).is_success());
  }
  SECTION("different protocol") {
    CHECK(run(pod({"UDP/127.0.0.1/8080"}), node_running({"TCP/127.0.0.1/8080"})).is_success());
  }
  SECTION("second udp port conflict") {
    CHECK(run(pod({"UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"}), node_running({"UDP/127.0.0.1/8080"})).reasons() ==
          kReason);
  }
  SECTION("first tcp port conflict") {
    CHECK(run(pod({"TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"}),
              node_running({"TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"}))
              .reasons() == kReason);
  }
  SECTION("first tcp port conflict due to 0.0.0.0 hostIP") {
    CHECK(run(pod({"TCP/0.0.0.0/8001"}), node_running({"TCP/127.0.0.1/8001"})).reasons() == kReason);
  }
  SECTION("TCP hostPort conflict due to 0.0.0.0 hostIP on the node") {
    CHECK(run(pod({"TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"}), node_running({"TCP/0.0.0.0/8001"})).reasons() ==
          kReason);
    CHECK(run(pod({"TCP/127.0.0.1/8001"}), node_running({"TCP/0.0.0.0/8001"})).reasons() == kReason);
  }
  SECTION("second tcp port conflict to 0.0.0.0 hostIP") {
    CHECK(run(pod({"TCP/10.0.10.10/8001", "TCP/10.0.10.10/8002"}), node_running({"TCP/0.0.0.0/8002"})).reasons() ==
          kReason);
  }
  SECTION("second different protocol") {
    CHECK(run(pod({"UDP/127.0.0.1/8001"}), node_running({"TCP/0.0.0.0/8001"})).is_success());
  }
  SECTION("UDP hostPort conflict due to 0.0.0.0 hostIP") {
    CHECK(run(pod({"UDP/10.0.10.10/8001", "TCP/0.0.0.0/8001"}), node_running({"TCP/0.0.0.0/8001"})).reasons() ==
          kReason);
  }
  SECTION("empty ip and protocol default to 0.0.0.0 and TCP") {
    CHECK(run(pod({"/10.0.0.1/8001"}), node_running({"TCP//8001"})).reasons() == kReason);
  }
}

TEST_CASE("NodePorts wants the ports of containers and sidecars only", "[scheduler]") {
  api::PodSpec spec = pod_spec({"TCP/0.0.0.0/80"}).spec;
  api::Container init = pod_spec({"TCP/0.0.0.0/81"}).spec.containers[0];
  api::Container sidecar = pod_spec({"TCP/0.0.0.0/82"}).spec.containers[0];
  sidecar.restart_policy = "Always";
  spec.init_containers = {init, sidecar};
  std::vector<HostPort> wanted = NodePorts::wanted_ports(spec);
  REQUIRE(wanted.size() == 2);
  CHECK(wanted[0].port == 82);
  CHECK(wanted[1].port == 80);
}

TEST_CASE("NodePorts filter works without PreFilter state", "[scheduler]") {
  NodePorts plugin;
  CycleState state;
  CHECK(plugin.filter(state, pod({"TCP/0.0.0.0/80"}), node_running({"TCP/0.0.0.0/80"})).code() == Code::Unschedulable);
  CHECK(plugin.filter(state, pod({"TCP/0.0.0.0/80"}), node_running({"TCP/0.0.0.0/81"})).is_success());
}

TEST_CASE("NodePorts::create takes no args", "[scheduler]") {
  testing::FakeHandle handle;
  auto ok = NodePorts::create(PluginArgs{}, handle);
  REQUIRE(ok.has_value());
  CHECK(ok.value()->name() == "NodePorts");
  CHECK_FALSE(NodePorts::create(PluginArgs{NodeAffinityArgs{}}, handle).has_value());
}
