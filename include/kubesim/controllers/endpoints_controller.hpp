#pragma once

/// EndpointsController (pkg/controller/endpoint, K8S-SEMANTICS §8): keeps the legacy core/v1 Endpoints
/// object of every Service with a selector, named like the Service and carrying its labels.
///
/// - Addresses: the selected pods with an IP that are not terminal and, unless publishNotReadyAddresses,
///   not terminating; a Ready pod (or any, with publishNotReadyAddresses) goes to `addresses`, the others
///   to `notReadyAddresses`. One address per pod and Service port, then RepackSubsets: pods offering the
///   same ports share one subset (not-ready wins over ready for an address), addresses sorted by IP then
///   pod uid.
/// - More than 1,000 addresses: truncated (ready ones kept first, each subset in proportion) and annotated
///   endpoints.kubernetes.io/over-capacity: truncated.
/// - Written only when subsets, labels or the annotation differ; a write that fails (Conflict on a stale
///   cache) records FailedToCreateEndpoint / FailedToUpdateEndpoint and is retried after 1 s doubling to
///   1,000 s, at most 15 times. Deleting the Service deletes its Endpoints.
/// Not modelled: the last-change-trigger-time annotation; hostnames; dual stack.

#include "kubesim/api/endpoints.hpp"
#include "kubesim/controllers/controller.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kubesim::controllers {

/// The legacy API's capacity (maxCapacity).
inline constexpr std::size_t kEndpointsMaxCapacity = 1000;
inline constexpr std::string_view kEndpointsTruncated = "truncated";

/// RepackSubsets: regroups (address, port) pairs so that addresses offering the same set of ports share a
/// subset. Subsets are ordered by their ports, then by their first address (upstream orders them by a
/// hash); ports within a subset by name, port, protocol.
std::vector<api::EndpointSubset> repack_subsets(const std::vector<api::EndpointSubset>& subsets);

/// truncateEndpoints: cuts the subsets to kEndpointsMaxCapacity addresses; returns whether it had to.
bool truncate_endpoints(std::vector<api::EndpointSubset>& subsets);

/// The subsets the controller wants for `service` given the pods its selector matches.
std::vector<api::EndpointSubset> desired_endpoint_subsets(const api::Service& service,
                                                          const std::vector<const api::Pod*>& pods);

class EndpointsController final : public Controller {
 public:
  EndpointsController(ControllerManager& manager, std::uint32_t index);
  ~EndpointsController() override;

  void start() override;
  ReconcileResult reconcile(const std::string& key) override;
  void on_reply(const client::Reply& reply) override;

 private:
  class ServiceHandler;
  class PodHandler;
  class EndpointsHandler;

  struct Pending {
    std::string key;
    api::Endpoints endpoints;
    bool create = false;
  };

  ReconcileResult failed(const std::string& key);

  std::unique_ptr<ServiceHandler> service_handler_;
  std::unique_ptr<PodHandler> pod_handler_;
  std::unique_ptr<EndpointsHandler> endpoints_handler_;
  client::Informer* services_ = nullptr;
  client::Informer* pods_ = nullptr;
  client::Informer* endpoints_ = nullptr;
  std::map<std::string, std::int32_t, std::less<>> failures_;
  std::vector<Pending> pending_;  // by worker
};

}  // namespace kubesim::controllers
