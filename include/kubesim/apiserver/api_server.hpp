#pragma once

/// ApiServer: the only door to the store. Every component reads and writes through it, as in
/// Kubernetes, so that request latency, watch delay and request counts are modelled honestly.
///
/// Writes are asynchronous in simulated time: a request issued at t takes effect at t + latency(verb)
/// (drawn from ApiServerConfig), in arrival order; then the requester gets a reply event (if it asked
/// for one) and every matching watcher gets a watch event after the watch delay. In between, the request
/// lives in a slot of a slab (no allocation per request once warm); events carry only the slot index.
///
/// On create the server runs the same pipeline as kube-apiserver: defaulting, admission (Priority:
/// priorityClassName → spec.priority; DefaultTolerationSeconds: 300 s not-ready/unreachable
/// tolerations), validation (rejects with the reason), then the store write.
///
/// Consumers name the event kind and target under which they want their replies and watch events
/// (for example EventKind::KubeletWatch with target = node index), so the loop's dispatcher routes them
/// with a switch and the server never calls back into a component.

#include "kubesim/api/object.hpp"
#include "kubesim/apiserver/api_server_config.hpp"
#include "kubesim/apiserver/validation.hpp"
#include "kubesim/base/rng.hpp"
#include "kubesim/base/token_bucket.hpp"
#include "kubesim/sim/signal.hpp"
#include "kubesim/sim/simulation.hpp"
#include "kubesim/store/object_store.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kubesim::apiserver {

using api::Kind;
using api::ResourceVersion;
using base::Duration;
using base::SimTime;
using store::Change;
using store::ChangeType;
using store::ObjectRef;

/// Index of a registered client (a component identity such as "scheduler" or "kubelet").
using ClientId = std::uint16_t;

/// Where a consumer wants an event delivered: the event kind its dispatcher routes on, and a target
/// (for example a node index). `kind == None` means "no reply wanted".
struct Endpoint {
  sim::EventKind kind = sim::EventKind::None;
  std::uint32_t target = 0;
};

/// Outcome of a request, upstream's HTTP status reasons: Ok 200/201, NotFound 404, AlreadyExists and
/// Conflict 409, Invalid 422, Forbidden 403, TooManyRequests 429 (an eviction a PodDisruptionBudget
/// refuses), ServiceUnavailable 503 (an API server outage), InternalError 500.
enum class ResultCode : std::uint8_t {
  Ok,
  NotFound,
  AlreadyExists,
  Conflict,
  Invalid,
  Forbidden,
  TooManyRequests,
  ServiceUnavailable,
  InternalError
};
std::string_view result_code_name(ResultCode c);

/// What a requester receives. `object` is the stored version on success. `tag` is the requester's own
/// correlation value, echoed back.
struct Reply {
  ResultCode code = ResultCode::Ok;
  std::string message;
  std::uint64_t tag = 0;
  ObjectRef object;
};

/// One watch event for one watcher. With a filtered watch, an object entering the filter arrives as
/// Added and one leaving it as Deleted, as with a field selector upstream.
struct WatchEvent {
  ChangeType type = ChangeType::Added;
  ResourceVersion rv = 0;
  ObjectRef object;
};

/// DeleteOptions.propagationPolicy. Default = the kind's default (Background for every modelled kind).
enum class Propagation : std::uint8_t { Default, Background, Foreground, Orphan };

/// Finalizers the garbage collector acts on.
inline constexpr std::string_view kFinalizerForeground = "foregroundDeletion";
inline constexpr std::string_view kFinalizerOrphan = "orphan";

/// Restricts a watch, like upstream field selectors on pods.
struct WatchFilter {
  /// spec.nodeName=<node_name> (the kubelet's watch). Empty: any node, including unbound pods.
  std::string node_name;
  /// status.phase!=Succeeded,status.phase!=Failed (the scheduler's pod informer).
  bool exclude_terminal_pods = false;
};

/// Request counts for one (client, verb, resource).
struct RequestCount {
  std::string client;
  Verb verb = Verb::Get;
  std::string resource;  // "pods", "pods/binding", "pods/status", "nodes", ...
  std::uint64_t count = 0;
  std::uint64_t failed = 0;
  /// Over the requests that travelled to the server (writes and bindings; reads are answered at once):
  /// the time from the client issuing it to the server applying it, client-side throttling included.
  std::uint64_t timed = 0;
  Duration latency_sum;
  Duration latency_max;
};

/// Watch delivery lag for one (client, resource): the time from a change being committed to its watch
/// event reaching a watcher of that client, over every live change delivered (the initial list and a
/// watch's replay of history are not counted).
struct WatchLag {
  std::string client;
  std::string resource;
  std::uint64_t events = 0;
  Duration lag_sum;
  Duration lag_max;
};

class ApiServer {
 public:
  ApiServer(sim::Simulation& sim, ApiServerConfig config);
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  /// Registers a client identity; the same name returns the same id.
  ClientId register_client(std::string_view name);
  [[nodiscard]] const std::string& client_name(ClientId id) const { return clients_[id]; }
  /// Client-side throttling of an identity (client-go's QPS/burst, e.g. 20/30 for each controller of
  /// kube-controller-manager): each request waits for a token before it travels to the server.
  void set_rate_limit(ClientId id, double qps, std::int32_t burst);
  /// Total time the identity's requests waited for its rate limiter.
  [[nodiscard]] Duration throttled(ClientId id) const;

  // --- Writes (asynchronous; take effect after the verb's latency) ---------------------------------

  /// POST: create `object` (any kind). The reply carries the stored object or the rejection.
  void create(ClientId client, api::AnyObject object, Endpoint reply_to = {}, std::uint64_t tag = 0);
  /// PUT: replace spec and metadata. Precondition: object.metadata.resource_version if non-zero.
  void update(ClientId client, api::AnyObject object, Endpoint reply_to = {}, std::uint64_t tag = 0);
  /// PUT .../status: replace only the status of the stored object (spec and metadata are kept), as the
  /// status subresource does. Precondition as for update.
  void update_status(ClientId client, api::AnyObject object, Endpoint reply_to = {}, std::uint64_t tag = 0);
  /// DELETE. A pod bound to a node with a non-zero grace period is only marked (deletionTimestamp set)
  /// and is removed when its kubelet confirms with a grace-0 delete. `propagation` Foreground or Orphan
  /// adds the foregroundDeletion or orphan finalizer for the garbage collector. An object with
  /// finalizers is only marked, and goes when an update removes the last one; everything else is
  /// removed at once.
  void remove(ClientId client, Kind kind, std::string ns, std::string name, Endpoint reply_to = {},
              std::uint64_t tag = 0, std::optional<std::int64_t> grace_period_seconds = std::nullopt,
              Propagation propagation = Propagation::Default);
  /// POST pods/<name>/binding: sets spec.nodeName of an unbound pod and its PodScheduled=True
  /// condition; Conflict if the pod is already bound, NotFound if it is gone or terminating.
  void bind(ClientId client, std::string ns, std::string name, std::string node_name, Endpoint reply_to = {},
            std::uint64_t tag = 0);
  /// POST pods/<name>/eviction (policy/v1 Eviction), as upstream's EvictionREST.Create, counted as a create
  /// of "pods/eviction":
  ///  - a pod that is Pending, Succeeded, Failed or already terminating is deleted without looking at
  ///    PodDisruptionBudgets;
  ///  - otherwise the PDBs of its namespace whose (non-empty) selector matches it are found: more than one
  ///    is InternalError (500); none, or an unready pod the PDB lets go (unhealthyPodEvictionPolicy
  ///    AlwaysAllow, or IfHealthyBudget with currentHealthy >= desiredHealthy > 0), is deleted;
  ///  - else the PDB must have status.observedGeneration >= metadata.generation and
  ///    status.disruptionsAllowed > 0, or the eviction is refused with TooManyRequests (429) "Cannot evict
  ///    pod as it would violate the pod's disruption budget." (so a PDB whose status the disruption
  ///    controller has not written yet refuses every eviction); disruptionsAllowed < 0 or more than 2000
  ///    disruptedPods is Forbidden. On success disruptionsAllowed is decremented and the pod recorded in
  ///    status.disruptedPods with the time, in one status write of the PDB.
  /// An admitted eviction adds the pod condition DisruptionTarget=True (reason EvictionByEvictionAPI) and
  /// then deletes the pod gracefully (`grace_period_seconds`, else the pod's own), as two writes.
  void evict(ClientId client, std::string ns, std::string name, Endpoint reply_to = {}, std::uint64_t tag = 0,
             std::optional<std::int64_t> grace_period_seconds = std::nullopt);

  // --- Faults (the scenario timeline's slowApiServer and apiServerOutage) ----------------------------

  /// Until `until`, every latency drawn (request latencies, the LIST of a list-and-watch, watch delays) is
  /// multiplied by factor_milli / 1000 (>= 1). A later call replaces an earlier window.
  void set_latency_factor(std::int64_t factor_milli, SimTime until);
  /// From now until `until` the server is unavailable: every request that reaches it (whose latency ends)
  /// in [now, until) fails with ServiceUnavailable (503) and changes nothing; watches stay open, and a
  /// watch event that would be delivered in the window is delivered at `until` instead, in order.
  /// GET and LIST below answer from the store even during an outage: they have no error channel; callers
  /// that model a client check available(). A later call replaces an earlier window.
  void set_outage(SimTime until);
  /// False during an outage.
  [[nodiscard]] bool available() const;

  // --- Reads (served at once from the watch cache, counted) -----------------------------------------

  [[nodiscard]] ObjectRef get(ClientId client, Kind kind, std::string_view ns, std::string_view name);
  [[nodiscard]] std::vector<ObjectRef> list(ClientId client, Kind kind);

  /// LIST then WATCH, as an informer starts: every current object of `kind` that matches the filter
  /// arrives as an Added event after the list latency, then every later change. Returns the watch id.
  std::uint32_t list_and_watch(ClientId client, Kind kind, WatchFilter filter, Endpoint deliver_to);
  /// WATCH from a resourceVersion: replays the kept history after `from_rv`, then streams. Expired when
  /// `from_rv` is older than the history window (the caller must re-list, as upstream).
  base::Expected<std::uint32_t, store::StoreError> watch(ClientId client, Kind kind, ResourceVersion from_rv,
                                                         WatchFilter filter, Endpoint deliver_to);

  /// Called by the dispatcher for EventKind::ApiRequest.
  void handle_request(std::uint32_t slot);
  /// Hands over (and frees) the payload of a reply or watch event; call exactly once per event.
  Reply take_reply(std::uint32_t slot);
  WatchEvent take_watch_event(std::uint32_t slot);

  // --- Observation ----------------------------------------------------------------------------------

  /// Fired after every successful write: (time, verb, client, change).
  sim::Signal<SimTime, Verb, ClientId, const Change&> on_change;

  /// Request counts sorted by (client, verb, resource).
  [[nodiscard]] std::vector<RequestCount> request_counts() const;
  /// Sorted by (client, resource).
  [[nodiscard]] std::vector<WatchLag> watch_lags() const;
  [[nodiscard]] const store::ObjectStore& store() const { return store_; }
  [[nodiscard]] const ApiServerConfig& config() const { return config_; }

 private:
  struct Request {
    ClientId client = 0;
    Verb verb = Verb::Get;
    bool is_binding = false;
    bool is_eviction = false;
    Kind kind = Kind::Pod;
    std::unique_ptr<api::AnyObject> object;          // create/update/update_status
    std::string ns;                                  // delete/bind
    std::string name;                                // delete/bind
    std::string node_name;                           // bind
    std::optional<std::int64_t> grace;               // delete, evict
    Propagation propagation = Propagation::Default;  // delete
    Endpoint reply_to;
    std::uint64_t tag = 0;
    Duration latency;  // issue → apply, set by submit()
  };
  struct Watcher {
    ClientId client = 0;
    Kind kind = Kind::Pod;
    WatchFilter filter;
    Endpoint deliver_to;
    SimTime last_delivery;  // deliveries to one watcher stay in order
    // Live deliveries and their lag (commit → delivery), summed per watcher so that a fan-out to
    // thousands of kubelets costs no lookup; watch_lags() adds them up by client.
    std::uint64_t lag_events = 0;
    Duration lag_sum;
    Duration lag_max;
  };
  struct CountEntry {
    std::uint64_t count = 0;
    std::uint64_t failed = 0;
    std::uint64_t timed = 0;
    Duration latency_sum;
    Duration latency_max;
  };

  void submit(Request r);
  Reply apply(Request& r);
  Reply apply_create(Request& r);
  Reply apply_update(Request& r, bool status_only);
  Reply apply_delete(Request& r);
  Reply apply_bind(Request& r);
  Reply apply_evict(Request& r);
  /// The eviction's writes once admitted: the DisruptionTarget condition, then the graceful delete.
  Reply evict_pod(const Request& r, const api::Pod& pod);
  /// `d` scaled by the latency factor while a slowApiServer window is open.
  [[nodiscard]] Duration scaled(Duration d) const;
  /// Writes through to the store; on success fans the change out and fires on_change.
  Reply commit(const Request& r, base::Expected<Change, store::StoreError> result);
  void admit(api::AnyObject& object, std::vector<FieldError>& errors);
  void fan_out(const Change& c);
  /// `live`: a change being fanned out now (its lag is measured), not a list or a history replay.
  void deliver(std::uint32_t watcher, WatchEvent ev, bool live = false);
  std::string generate_name_suffix();
  void count(ClientId client, Verb verb, std::string_view resource, bool failed,
             std::optional<Duration> latency = std::nullopt);

  sim::Simulation& sim_;
  ApiServerConfig config_;
  store::ObjectStore store_;
  base::Rng rng_;
  std::vector<std::string> clients_;
  /// Per-client limiter (index = ClientId; unlimited unless set) and accumulated waiting.
  std::vector<base::TokenBucket> limiters_;
  std::vector<Duration> throttled_;

  std::vector<Request> requests_;
  std::vector<std::uint32_t> free_requests_;
  std::vector<Reply> replies_;
  std::vector<std::uint32_t> free_replies_;
  std::vector<WatchEvent> deliveries_;
  std::vector<std::uint32_t> free_deliveries_;

  std::vector<Watcher> watchers_;
  /// Watchers of each kind, plus pod watchers indexed by their node-name filter so that a bind wakes
  /// one kubelet instead of scanning thousands.
  std::array<std::vector<std::uint32_t>, api::kKindCount> watchers_by_kind_;
  std::map<std::string, std::vector<std::uint32_t>, std::less<>> pod_watchers_by_node_;

  std::int64_t latency_factor_milli_ = 1000;
  SimTime slow_until_;
  SimTime outage_from_;
  SimTime outage_until_;

  std::uint64_t next_uid_ = 1;
  std::map<std::tuple<ClientId, Verb, std::string>, CountEntry> counts_;
};

}  // namespace kubesim::apiserver
