#include "kubesim/controllers/controller_manager.hpp"

#include "kubesim/controllers/deployment_controller.hpp"
#include "kubesim/controllers/disruption_controller.hpp"
#include "kubesim/controllers/endpoint_slice_controller.hpp"
#include "kubesim/controllers/endpoints_controller.hpp"
#include "kubesim/controllers/garbage_collector.hpp"
#include "kubesim/controllers/job_controller.hpp"
#include "kubesim/controllers/node_lifecycle_controller.hpp"
#include "kubesim/controllers/replica_set_controller.hpp"
#include "kubesim/controllers/taint_eviction_controller.hpp"

namespace kubesim::controllers {

ControllerManager::ControllerManager(sim::Simulation& sim, apiserver::ApiServer& server, ControllerManagerConfig config)
    : sim_(sim), server_(server), config_(std::move(config)), informer_client_(server, "shared-informers") {
  auto add = [&]<class C>(std::string_view name, C* /*type*/) {
    if (config_.enabled(name)) {
      auto index = static_cast<std::uint32_t>(controllers_.size());
      controllers_.push_back(std::make_unique<C>(*this, index));
    }
  };
  // Upstream starts controllers in map order; the order only decides controller indices here.
  add("replicaset", static_cast<ReplicaSetController*>(nullptr));
  add("job", static_cast<JobController*>(nullptr));
  add("deployment", static_cast<DeploymentController*>(nullptr));
  add("endpointslice", static_cast<EndpointSliceController*>(nullptr));
  add("endpoint", static_cast<EndpointsController*>(nullptr));
  add("disruption", static_cast<DisruptionController*>(nullptr));
  add("nodelifecycle", static_cast<NodeLifecycleController*>(nullptr));
  add("taint-eviction-controller", static_cast<TaintEvictionController*>(nullptr));
  add("garbagecollector", static_cast<GarbageCollector*>(nullptr));
}

ControllerManager::~ControllerManager() = default;

client::Informer& ControllerManager::informer(api::Kind kind) {
  auto& slot = informers_[static_cast<std::size_t>(kind)];
  if (!slot) {
    KUBESIM_ASSERT(!started_, "informer for {} requested after start", api::kind_name(kind));
    slot = std::make_unique<client::Informer>(kind);
  }
  return *slot;
}

void ControllerManager::start() {
  for (auto& c : controllers_) {
    c->start();
  }
  started_ = true;
  for (std::size_t k = 0; k < informers_.size(); ++k) {
    if (informers_[k]) {
      informers_[k]->start(informer_client_,
                           client::Endpoint{sim::EventKind::ControllerWatch, static_cast<std::uint32_t>(k)});
    }
  }
}

void ControllerManager::handle_watch(std::uint32_t informer, std::uint32_t slot) {
  informers_[informer]->handle(informer_client_.take_watch_event(slot));
}

}  // namespace kubesim::controllers
