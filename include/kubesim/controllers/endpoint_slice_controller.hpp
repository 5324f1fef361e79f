#pragma once

/// EndpointSliceController (pkg/controller/endpointslice and the reconciler in
/// staging/src/k8s.io/endpointslice, K8S-SEMANTICS §8): keeps discovery.k8s.io/v1 EndpointSlices for
/// every Service with a selector.
///
/// - Slices are labelled kubernetes.io/service-name=<svc> and
///   endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io (plus the Service's own labels),
///   owned by the Service, named by generateName "<svc>-", at most max_endpoints_per_slice endpoints each,
///   one group of slices per distinct set of resolved ports.
/// - An endpoint per selected pod with an IP that is not terminal: ready (Ready and not terminating, or
///   always with publishNotReadyAddresses), serving (Ready), terminating (deletionTimestamp set), nodeName,
///   zone (the node's topology.kubernetes.io/zone label) and targetRef.
/// - Placement keeps slices stable: endpoints are updated or removed in place, new ones fill the slices
///   already being updated (fullest first), then the unchanged slice that ends closest to full, and only
///   then new slices; emptied slices are deleted (or recycled by name for a slice that would be created).
///   A Service without endpoints keeps one empty placeholder slice.
/// - An EndpointSliceTracker (by resourceVersion here; upstream uses generation, which kubesim's API server
///   does not bump for slices) remembers the controller's own writes: its own changes do not trigger a
///   resync, other changes to a managed slice resync the Service after at least 1 s, and a sync on a stale
///   slice cache is retried.
/// - Requests are sent one after another and the first failure ends the sync; the Service is then retried
///   after 1 s doubling to 1,000 s, at most 15 times. Event: FailedToUpdateEndpointSlices.
/// Not modelled: topology hints, the last-change-trigger-time annotation, dual stack (IPv4 only).

#include "kubesim/api/endpoints.hpp"
#include "kubesim/api/service.hpp"
#include "kubesim/controllers/controller.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kubesim::controllers {

/// What one reconcile of a Service's slices must write (the reconciler's slicesToCreate/Update/Delete
/// after finalize's recycling of deleted slices for creations).
struct EndpointSlicePlan {
  std::vector<api::EndpointSlice> to_create;  // generateName set, no name
  std::vector<api::EndpointSlice> to_update;  // by name; resourceVersion kept as a precondition
  std::vector<api::EndpointSlice> to_delete;  // by name
  /// Pods left out because their node is unknown (the sync still writes, then fails to be retried).
  std::vector<std::string> errors;
};

/// The zone of a node (empty when it has none), or nullopt when the node does not exist.
using NodeZoneLookup = std::function<std::optional<std::string>(const std::string& node_name)>;

/// The reconciler: compares the desired endpoints of `service` (from `pods`, all pods of its namespace
/// that its selector matches, in name order) with `existing` (the Service's managed slices, in name
/// order) and plans the writes. Deterministic: where upstream picks from a hash set, the first pod in
/// name order is taken.
EndpointSlicePlan plan_endpoint_slices(const api::Service& service, const std::vector<const api::Pod*>& pods,
                                       const std::vector<const api::EndpointSlice*>& existing,
                                       const NodeZoneLookup& zone_of, std::int32_t max_endpoints_per_slice);

class EndpointSliceController final : public Controller {
 public:
  EndpointSliceController(ControllerManager& manager, std::uint32_t index);
  ~EndpointSliceController() override;

  void start() override;
  ReconcileResult reconcile(const std::string& key) override;
  void on_reply(const client::Reply& reply) override;

 private:
  class ServiceHandler;
  class PodHandler;
  class SliceHandler;

  /// A sync waiting for its writes, sent one at a time (one per busy worker).
  struct Pending {
    enum class Op : std::uint8_t { Create, Update, Delete };
    std::string key;
    std::shared_ptr<const api::Service> service;
    std::vector<std::pair<Op, api::EndpointSlice>> ops;
    std::size_t next = 0;
    std::vector<std::string> errors;  // reconcile errors that fail the sync once the writes are done
  };

  /// endpointSliceTracker: resourceVersion of each slice the controller wrote, by Service key and slice
  /// uid; kDeletionExpected for slices it deleted.
  static constexpr api::ResourceVersion kDeletionExpected = 0;
  using Generations = std::map<std::string, api::ResourceVersion, std::less<>>;

  [[nodiscard]] bool should_sync(const api::EndpointSlice& slice) const;
  [[nodiscard]] bool stale_slices(const std::string& key, const std::vector<const api::EndpointSlice*>& slices) const;
  /// Queues the slice's Service after max(1 s, batch period) (queueServiceForEndpointSlice).
  void queue_for_slice(const api::EndpointSlice& slice);
  void send_next(std::uint32_t worker);
  ReconcileResult failed(const std::string& key);

  std::unique_ptr<ServiceHandler> service_handler_;
  std::unique_ptr<PodHandler> pod_handler_;
  std::unique_ptr<SliceHandler> slice_handler_;
  client::Informer* services_ = nullptr;
  client::Informer* pods_ = nullptr;
  client::Informer* slices_ = nullptr;
  client::Informer* nodes_ = nullptr;
  std::map<std::string, Generations, std::less<>> tracker_;
  std::map<std::string, std::int32_t, std::less<>> failures_;
  std::vector<Pending> pending_;  // by worker
};

/// True when `slice` carries the managed-by label of this controller.
bool is_managed_by_endpoint_slice_controller(const api::EndpointSlice& slice);

}  // namespace kubesim::controllers
