#pragma once

// A controller manager on its own: simulation, API server and kube-controller-manager without
// kubelets or scheduler, so a test can play the kubelet (bind pods, set their IP and readiness, confirm
// deletions) and read every stored version through the API server's on_change signal.

#include "support/catch.hpp"

#include "kubesim/apiserver/api_server.hpp"
#include "kubesim/controllers/controller_manager.hpp"
#include "kubesim/sim/simulation.hpp"

#include <functional>
#include <string>

namespace kubesim::testing {

class ControllerHarness {
 public:
  explicit ControllerHarness(controllers::ControllerManagerConfig config = {})
      : api_(sim_, apiserver::ApiServerConfig{}), manager_(sim_, api_, std::move(config)), client_(api_, "test") {
    manager_.start();
  }

  void dispatch(const sim::Event& e) {
    switch (e.kind) {
    case sim::EventKind::ApiRequest:
      api_.handle_request(e.arg);
      break;
    case sim::EventKind::ControllerWatch:
      manager_.handle_watch(e.target, e.arg);
      break;
    case sim::EventKind::ControllerReply:
      manager_.handle_reply(e.target, e.arg);
      break;
    case sim::EventKind::ControllerWake:
      manager_.handle_wake(e.target, e.arg);
      break;
    case sim::EventKind::ControllerTimer:
      manager_.handle_timer(e.target, e.arg);
      break;
    default:
      FAIL("unexpected event kind " << sim::event_kind_name(e.kind));
    }
  }

  /// Runs the simulation for `d` of simulated time.
  void run_for(base::Duration d) { sim_.run_until(sim_.now() + d, *this); }
  [[nodiscard]] base::SimTime now() const { return sim_.now(); }

  apiserver::ApiServer& api() { return api_; }
  client::Client& client() { return client_; }

  /// A node named `name` in `zone` (empty: no zone label).
  void create_node(const std::string& name, const std::string& zone) {
    api::Node n;
    n.metadata.name = name;
    if (!zone.empty()) {
      n.metadata.labels.set("topology.kubernetes.io/zone", zone);
    }
    n.status.capacity.set("cpu", 8000);
    n.status.capacity.set("pods", 110);
    n.status.allocatable = n.status.capacity;
    client_.create(api::AnyObject(std::move(n)));
  }

  /// A pod bound to `node` with `labels`; not started (no IP) until start_pod().
  void create_pod(const std::string& name, const std::string& node, api::StringMap labels,
                  std::vector<api::ContainerPort> ports = {}) {
    api::Pod p;
    p.metadata.name = name;
    p.metadata.namespace_ = "default";
    p.metadata.labels = std::move(labels);
    p.spec.node_name = node;
    api::Container c;
    c.name = "c";
    c.image = "nginx:1.25";
    c.ports = std::move(ports);
    p.spec.containers.push_back(std::move(c));
    client_.create(api::AnyObject(std::move(p)));
  }

  /// What the kubelet writes when the pod's containers run: phase Running, an IP, Ready as given.
  void start_pod(const std::string& name, const std::string& ip, bool ready) {
    auto stored = api_.store().get<api::Pod>("default", name);
    REQUIRE(stored);
    api::Pod p = *stored;
    p.status.phase = api::PodPhase::Running;
    p.status.pod_ip = ip;
    p.status.set_condition(api::PodCondition{"Ready", ready ? api::ConditionStatus::True : api::ConditionStatus::False,
                                             "", "", sim_.now()});
    p.metadata.resource_version = 0;
    client_.update_status(api::AnyObject(std::move(p)));
  }

  /// A named container port.
  static api::ContainerPort port(std::string name, std::int32_t number) {
    api::ContainerPort p;
    p.name = std::move(name);
    p.container_port = number;
    return p;
  }
  /// A container with one named port.
  static api::Container container(std::string port_name, std::int32_t number) {
    api::Container c;
    c.name = "c";
    c.image = "nginx:1.25";
    c.ports.push_back(port(std::move(port_name), number));
    return c;
  }

  void delete_pod(const std::string& name, std::optional<std::int64_t> grace = std::nullopt) {
    client_.remove(api::Kind::Pod, "default", name, grace);
  }

  /// Calls `f` with every stored version of kind `kind` (after each write).
  template <class T> void observe(std::function<void(base::SimTime, const T*)> f) {
    api_.on_change.connect(
        [f = std::move(f)](base::SimTime t, apiserver::Verb, apiserver::ClientId, const store::Change& change) {
          if (change.object.kind != api::kind_of<T>) {
            return;
          }
          f(t, change.type == store::ChangeType::Deleted ? nullptr : &change.object.get<T>());
        });
  }

 private:
  sim::Simulation sim_{1};
  apiserver::ApiServer api_;
  controllers::ControllerManager manager_;
  client::Client client_;
};

}  // namespace kubesim::testing
