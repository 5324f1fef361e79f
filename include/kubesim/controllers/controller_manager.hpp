#pragma once

/// ControllerManager: kube-controller-manager. It owns one shared informer per kind (watching through
/// the API server under the identity "shared-informers") and the enabled controllers, each with its own
/// API client identity ("replicaset-controller", ...) throttled to --kube-api-qps/--kube-api-burst.
///
/// The dispatcher routes EventKind::ControllerWatch (target: informer index), ControllerReply,
/// ControllerWake and ControllerTimer (target: controller index) here.

#include "kubesim/client/client.hpp"
#include "kubesim/client/informer.hpp"
#include "kubesim/controllers/controller.hpp"
#include "kubesim/controllers/controller_manager_config.hpp"

#include <array>
#include <memory>
#include <vector>

namespace kubesim::controllers {

class ControllerManager {
 public:
  ControllerManager(sim::Simulation& sim, apiserver::ApiServer& server, ControllerManagerConfig config);
  ~ControllerManager();
  ControllerManager(const ControllerManager&) = delete;
  ControllerManager& operator=(const ControllerManager&) = delete;

  /// Starts the informers the controllers asked for, then the controllers.
  void start();

  // Dispatcher entry points.
  void handle_watch(std::uint32_t informer, std::uint32_t slot);
  void handle_reply(std::uint32_t controller, std::uint32_t slot) { controllers_[controller]->handle_reply(slot); }
  void handle_wake(std::uint32_t controller, std::uint32_t arg) { controllers_[controller]->handle_wake(arg); }
  void handle_timer(std::uint32_t controller, std::uint32_t arg) { controllers_[controller]->on_timer(arg); }

  /// The shared informer of `kind` (created on first use; started by start()).
  client::Informer& informer(api::Kind kind);

  [[nodiscard]] sim::Simulation& sim() const { return sim_; }
  [[nodiscard]] apiserver::ApiServer& server() const { return server_; }
  [[nodiscard]] const ControllerManagerConfig& config() const { return config_; }
  [[nodiscard]] const std::vector<std::unique_ptr<Controller>>& controllers() const { return controllers_; }

 private:
  sim::Simulation& sim_;
  apiserver::ApiServer& server_;
  ControllerManagerConfig config_;
  client::Client informer_client_;
  /// By Kind; the informer index of a kind is its Kind value.
  std::array<std::unique_ptr<client::Informer>, api::kKindCount> informers_;
  std::vector<std::unique_ptr<Controller>> controllers_;
  bool started_ = false;
};

}  // namespace kubesim::controllers
