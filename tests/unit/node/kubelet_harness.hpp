#pragma once

/// KubeletHarness: an API server and a NodeAgent in one Simulation, without scheduler or controllers,
/// for kubelet tests that bind pods by hand and read milestones off the store's change stream.

#include "support/catch.hpp"

#include "kubesim/node/node_agent.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kubesim::test {

using namespace kubesim::base::literals;

inline base::SimTime at(base::Duration d) { return base::SimTime::zero() + d; }

/// Constant latencies so that every milestone lands on a known time.
inline node::KubeletConfig fixed_config() {
  node::KubeletConfig cfg;
  cfg.sandbox_latency = base::DurationDistribution::constant(100_ms);
  cfg.image_pull_latency = base::DurationDistribution::constant(2_s);
  cfg.container_start_latency = base::DurationDistribution::constant(300_ms);
  return cfg;
}

/// node-0: 2 CPUs, 4 GiB, 110 pods.
inline api::Node default_node() {
  api::Node n;
  n.metadata.name = "node-0";
  n.status.capacity.set("cpu", 2000);
  n.status.capacity.set("memory", 4LL << 30);
  n.status.capacity.set("pods", 110);
  n.status.allocatable = n.status.capacity;
  return n;
}

struct KubeletHarness {
  sim::Simulation sim{3};
  apiserver::ApiServer api{sim, {}};
  node::NodeAgent nodes;
  apiserver::ClientId client = api.register_client("test");
  std::vector<std::pair<base::SimTime, std::string>> log;  // "<pod> <phase>" on every change
  std::vector<base::SimTime> lease_writes;                 // when the Lease was created or renewed
  std::vector<base::SimTime> status_reports;               // when the kubelet PATCHed the node status

  /// One node (default_node() unless `node` is given) with `runtime` (the config's when unset).
  explicit KubeletHarness(node::KubeletConfig config = fixed_config(), api::Node node = default_node(),
                          std::optional<node::ContainerRuntimeKind> runtime = std::nullopt)
      : nodes(sim, api, std::move(config)) {
    nodes.add_node(std::move(node), runtime);
    api.on_change.connect([this](base::SimTime t, apiserver::Verb verb, apiserver::ClientId, const store::Change& c) {
      if (c.object.kind == api::Kind::Pod && c.type != store::ChangeType::Deleted) {
        auto p = c.object.as<api::Pod>();
        log.emplace_back(t, p->metadata.name + " " + std::string(api::pod_phase_name(p->status.phase)));
      }
      if (c.object.kind == api::Kind::Lease && c.type != store::ChangeType::Deleted) {
        lease_writes.push_back(t);
      }
      if (c.object.kind == api::Kind::Node && verb == apiserver::Verb::UpdateStatus) {
        status_reports.push_back(t);
      }
    });
    nodes.start();
  }
  void dispatch(const sim::Event& e) {
    switch (e.kind) {
    case sim::EventKind::ApiRequest:
      api.handle_request(e.arg);
      break;
    case sim::EventKind::KubeletWatch:
      nodes.handle_watch(e.target, e.arg);
      break;
    case sim::EventKind::KubeletPodStep:
      nodes.handle_pod_step(e.target, e.arg);
      break;
    case sim::EventKind::KubeletReply:
      (void)api.take_reply(e.arg);
      break;
    case sim::EventKind::KubeletHeartbeat:
      nodes.handle_heartbeat(e.target);
      break;
    case sim::EventKind::KubeletHousekeeping:
      nodes.handle_housekeeping(e.target);
      break;
    case sim::EventKind::KubeletImageGc:
      nodes.handle_image_gc(e.target);
      break;
    default:
      FAIL("unexpected event");
    }
  }
  /// Heartbeats never stop: run for a window (10 minutes by default) from now.
  void run(base::Duration window = 10_min) { sim.run_until(sim.now() + window, *this); }
  /// Creates a pod already bound to node-0 (as if scheduled).
  void bound_pod(std::string name, std::string image, std::int64_t cpu, std::string duration = "") {
    api::Pod p;
    p.metadata.name = std::move(name);
    if (!duration.empty()) {
      p.metadata.annotations.set("kubesim.io/duration", duration);
    }
    api::Container c;
    c.name = "c";
    c.image = std::move(image);
    c.resources.requests.set("cpu", cpu);
    p.spec.containers.push_back(c);
    p.spec.node_name = "node-0";
    api.create(client, p);
  }
  /// When the log first shows `entry` ("a Running").
  std::optional<base::SimTime> when(const std::string& entry) {
    for (const auto& [t, e] : log) {
      if (e == entry) {
        return t;
      }
    }
    return std::nullopt;
  }
  /// "reason: message" of every Event about `name`, in creation order of the Event objects.
  std::vector<std::string> events_about(std::string_view name) {
    std::vector<std::pair<base::SimTime, std::string>> found;
    for (const store::ObjectRef& ref : api.store().list(api::Kind::Event)) {
      const auto& ev = ref.get<api::Event>();
      if (ev.involved_object.name == name) {
        found.emplace_back(ev.first_timestamp, ev.reason + ": " + ev.message);
      }
    }
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (auto& [t, e] : found) {
      out.push_back(std::move(e));
    }
    return out;
  }
};

}  // namespace kubesim::test
