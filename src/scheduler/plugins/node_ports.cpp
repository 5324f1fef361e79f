#include "kubesim/scheduler/plugins/node_ports.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kubesim::scheduler {
namespace {

constexpr std::string_view kPreFilterStateKey = "PreFilterNodePorts";
constexpr std::string_view kBindAllHostIp = "0.0.0.0";

struct PreFilterState final : StateData {
  std::vector<HostPort> ports;
};

// HostPortInfo's sanitize(): empty ip → 0.0.0.0, empty protocol → TCP.
void sanitize(std::string& ip, std::string& protocol) {
  if (ip.empty()) {
    ip = kBindAllHostIp;
  }
  if (protocol.empty()) {
    protocol = "TCP";
  }
}

bool fits(const std::vector<HostPort>& wanted, const NodeInfo& node) {
  return std::none_of(wanted.begin(), wanted.end(), [&](const HostPort& p) {
    return NodePorts::check_conflict(node.used_ports, p.ip, p.protocol, p.port);
  });
}

}  // namespace

base::Expected<std::unique_ptr<Plugin>, std::string> NodePorts::create(const PluginArgs& args,
                                                                       FrameworkHandle& /*handle*/) {
  if (!std::holds_alternative<std::monostate>(args)) {
    return base::unexpected(fmt::format("plugin {} takes no arguments", kName));
  }
  return std::unique_ptr<Plugin>(std::make_unique<NodePorts>());
}

std::vector<HostPort> NodePorts::wanted_ports(const api::PodSpec& spec) {
  std::vector<HostPort> out;
  auto visit = [&](const api::Container& c) {
    for (const api::ContainerPort& p : c.ports) {
      if (p.host_port > 0) {
        out.push_back(HostPort{p.host_ip, p.protocol, p.host_port});
      }
    }
  };
  // Only init containers that run for the pod's whole life (sidecars) hold their ports.
  for (const api::Container& c : spec.init_containers) {
    if (c.is_sidecar()) {
      visit(c);
    }
  }
  std::for_each(spec.containers.begin(), spec.containers.end(), visit);
  return out;
}

bool NodePorts::check_conflict(const std::vector<HostPort>& used, std::string ip, std::string protocol,
                               std::int32_t port) {
  if (port <= 0) {
    return false;
  }
  sanitize(ip, protocol);
  return std::any_of(used.begin(), used.end(), [&](const HostPort& u) {
    std::string used_ip = u.ip;
    std::string used_protocol = u.protocol;
    sanitize(used_ip, used_protocol);
    if (u.port != port || used_protocol != protocol) {
      return false;
    }
    // A wildcard request collides with the (protocol, port) on every IP; a specific IP only with
    // itself and the wildcard.
    return ip == kBindAllHostIp || used_ip == kBindAllHostIp || used_ip == ip;
  });
}

Status NodePorts::pre_filter(CycleState& state, const PodInfo& pod) {
  std::vector<HostPort> ports = wanted_ports(pod.get().spec);
  if (ports.empty()) {
    return Status(Code::Skip, std::vector<std::string>{});
  }
  auto s = std::make_unique<PreFilterState>();
  s->ports = std::move(ports);
  state.write(kPreFilterStateKey, std::move(s));
  return Status::success();
}

Status NodePorts::filter(const CycleState& state, const PodInfo& pod, const NodeInfo& node) {
  const auto* s = state.read<PreFilterState>(kPreFilterStateKey);
  const bool ok = s != nullptr ? fits(s->ports, node) : fits(wanted_ports(pod.get().spec), node);
  if (!ok) {
    return {Code::Unschedulable, std::string(kErrReason)};
  }
  return Status::success();
}

}  // namespace kubesim::scheduler
