#pragma once

/// ProxyAgent: the kube-proxies of every node, and the traffic that client nodes send to Services.
///
/// What a proxy routes to. kube-proxy programs each Service's rules from its EndpointSlices. Here one
/// shared EndpointSlice informer (client "kube-proxy", so it sees changes after the API server's watch
/// delay, like every other component) feeds a per-Service history of *routable endpoint sets*, each with
/// the time it reached the proxies. Node n's proxy applies a change that arrived at `a` at
/// `a + sync_lag(n)`; "what does node n route to at t" is the latest set whose visible time is `<= t`.
/// Nothing is scheduled per node or per change: the answer is computed only for nodes that send
/// traffic, when they send it.
///
/// Routable endpoints (pkg/proxy/topology.go CategorizeEndpoints, ProxyTerminatingEndpoints, GA in
/// v1.28): the endpoints whose `conditions.ready` is true (a missing condition counts as true, as in
/// kube-proxy's endpointslice cache); when a Service has none, the endpoints that are serving AND
/// terminating instead, so that connections keep working while the last pods drain. Topology hints and
/// internal/external traffic policies are not modelled (every Service routes cluster-wide).
///
/// Connectivity. A node's proxy hears nothing while the node is not connected (crashed, partitioned or
/// removed, NodePool::connected). A change that arrives at `a` while node n is disconnected over
/// [p, h) becomes visible to n at `h + sync_lag(n)`: the proxy re-lists when it is back. A node added at
/// `s` (addNodes) treats [0, s) the same way. Call update_connection() after every fault action.
///
/// Traffic. A stream sends `rps` requests per second to one Service from a fixed list of client nodes,
/// batched into one EventKind::TrafficTick every 100 ms of simulated time (target: stream index). Each
/// tick sends rps × 0.1 requests (the fraction carried over exactly, in ten-thousandths), round-robin
/// over the client nodes, all evaluated at the tick's instant: the client's proxy view at that instant,
/// one endpoint drawn uniformly from it with the stream's seeded random stream (iptables mode's
/// `statistic --mode random`), then NodeAgent::is_serving on the endpoint's pod (namespace, name, uid
/// from its targetRef). A request is an error when the proxy has no endpoint (connection refused) or
/// the chosen pod does not serve (dead, terminating, not started). A client node that is down sends
/// nothing (its share of the tick is not sent). No allocation per request.
///
/// Cost: O(slices of the namespace) per EndpointSlice event; O(lagging versions) per request (usually
/// one); history pruned once every node's proxy has applied a newer version.

#include "kubesim/client/client.hpp"
#include "kubesim/client/informer.hpp"
#include "kubesim/node/kube_proxy_config.hpp"
#include "kubesim/node/node_pool.hpp"
#include "kubesim/sim/signal.hpp"
#include "kubesim/sim/simulation.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::node {

class NodeAgent;

/// One pod a Service routes to, named by its endpoint's targetRef.
struct ProxyTarget {
  std::string namespace_;
  std::string name;
  std::string uid;
  bool operator==(const ProxyTarget&) const = default;
};

/// A maximal run of one Service's traffic ticks (over all its streams, in time order) that had errors:
/// the times of the first and last such tick, and the errors in them. A tick without errors ends the
/// run; a tick that sends nothing does not.
struct TrafficErrorWindow {
  base::SimTime start;
  base::SimTime end;
  std::uint64_t errors = 0;
};

/// What the traffic to one Service met, over all its streams.
struct ServiceTraffic {
  std::string namespace_;
  std::string name;
  std::uint64_t requests = 0;
  std::uint64_t successes = 0;
  std::uint64_t errors = 0;
  std::vector<TrafficErrorWindow> error_windows;
};

/// A traffic stream to start (the timeline's `traffic` action).
struct TrafficStream {
  std::string namespace_ = "default";
  std::string service;
  /// Requests per second in thousandths (50 rps = 50000). > 0.
  std::int64_t rps_milli = 0;
  /// The client nodes, in the order requests cycle through them. Non-empty.
  std::vector<NodeIndex> clients;
  /// When the stream stops by itself (no tick at or after it); nullopt = until stopped.
  std::optional<base::SimTime> until;
};

class ProxyAgent final : private client::InformerHandler {
 public:
  /// Ticks of every traffic stream are this far apart.
  static constexpr base::Duration kTrafficTick = base::Duration::from_millis(100);

  /// `nodes` answers is_serving and which nodes are up; it must outlive the agent.
  ProxyAgent(sim::Simulation& sim, apiserver::ApiServer& server, const NodeAgent& nodes, KubeProxyConfig config);
  ProxyAgent(const ProxyAgent&) = delete;
  ProxyAgent& operator=(const ProxyAgent&) = delete;
  ~ProxyAgent() override = default;

  /// Starts the shared EndpointSlice LIST+WATCH and the proxies of the nodes that exist. Without a call
  /// the agent opens no watch and costs nothing (runs without traffic are unchanged).
  void start();
  [[nodiscard]] bool started() const { return started_; }
  /// The proxies of nodes added since the last call (addNodes) start now: each draws its sync lag and
  /// sees the Services' state from now + lag. No-op before start().
  void sync_nodes();
  /// Re-reads NodePool::connected(node): opens or closes the node's disconnected interval. Call after
  /// crash, recover, partition, heal and remove. No-op before start().
  void update_connection(NodeIndex node);

  /// Node `node`'s proxy's sync lag. Requires start().
  [[nodiscard]] base::Duration sync_lag(NodeIndex node) const { return lag_[node]; }
  /// The endpoints node `node`'s proxy routes Service `namespace_/service` to at `at` (now or later; a
  /// later time assumes no further EndpointSlice change arrives), in pod (namespace, name) order. Empty
  /// when it knows none. O(log services + lagging versions).
  [[nodiscard]] std::span<const ProxyTarget> endpoints_seen(NodeIndex node, std::string_view namespace_,
                                                            std::string_view service, base::SimTime at) const;

  /// Starts a stream; its first tick is now. Returns its index (the TrafficTick target). Starts the
  /// agent if needed.
  std::uint32_t start_traffic(TrafficStream stream);
  /// Stops every running stream to the Service. Returns how many were stopped.
  std::size_t stop_traffic(std::string_view namespace_, std::string_view service);

  /// EventKind::ProxyWatch: one event of the shared EndpointSlice watch.
  void handle_watch(std::uint32_t slot);
  /// EventKind::TrafficTick: the stream's next batch of requests.
  void handle_traffic_tick(std::uint32_t stream);

  /// Proxies started so far: nodes 0 .. proxy_count() − 1 have one.
  [[nodiscard]] std::size_t proxy_count() const { return lag_.size(); }
  /// When node `node`'s proxy applies a change that reached the proxies at `arrival`, as far as is known
  /// now (a later fault can delay it); SimTime::max() while the node is disconnected with no end known.
  [[nodiscard]] base::SimTime programmed_at(NodeIndex node, base::SimTime arrival) const {
    return visible_at(node, arrival);
  }
  /// Fired when a Service's routable endpoint set changes: (time it reached the proxies, namespace,
  /// Service, routable endpoints). Each proxy applies it at programmed_at(node, time). For the trace.
  sim::Signal<base::SimTime, std::string_view, std::string_view, std::size_t> on_endpoints_changed;

  /// Every Service that was sent traffic, in (namespace, name) order.
  [[nodiscard]] std::vector<ServiceTraffic> traffic() const;

 private:
  /// A routable endpoint set and the time it reached the proxies.
  struct Version {
    base::SimTime arrival;
    std::vector<ProxyTarget> targets;
  };
  struct ServiceState {
    std::vector<Version> versions;
    bool has_traffic = false;
    bool window_open = false;
    ServiceTraffic traffic;
  };
  struct Disconnect {
    base::SimTime from;
    base::SimTime until = base::SimTime::max();  // max: still disconnected
  };
  struct Stream {
    TrafficStream spec;
    ServiceState* service = nullptr;
    base::Rng rng;
    std::int64_t carry = 0;  // ten-thousandths of a request not sent yet
    std::size_t next_client = 0;
    bool active = true;
  };

  void on_add(const client::ObjectRef& obj) override;
  void on_update(const client::ObjectRef& old_obj, const client::ObjectRef& new_obj) override;
  void on_delete(const client::ObjectRef& old_obj) override;
  /// Rebuilds the routable set of the slice's Service from the informer cache; appends a version if it
  /// changed.
  void resync(const client::ObjectRef& slice);
  ServiceState& service_state(std::string_view namespace_, std::string_view service);
  /// When node n's proxy applies a change that arrived at `arrival`.
  [[nodiscard]] base::SimTime visible_at(NodeIndex n, base::SimTime arrival) const;
  /// The version node n routes by at `t`; nullptr if none yet.
  [[nodiscard]] const Version* view(const ServiceState& s, NodeIndex n, base::SimTime t) const;
  void prune(ServiceState& s);
  void add_proxies(base::SimTime start);

  sim::Simulation& sim_;
  client::Client client_;
  const NodeAgent& nodes_;
  KubeProxyConfig config_;
  client::Informer slices_;
  base::Rng lag_rng_;
  bool started_ = false;

  /// Per node: sync lag, connected state as last seen, disconnected intervals (ascending).
  std::vector<base::Duration> lag_;
  std::vector<std::uint8_t> connected_;
  std::vector<std::vector<Disconnect>> disconnects_;
  base::Duration max_lag_;
  std::size_t disconnected_count_ = 0;
  /// No version may be pruned before this time (the latest reconnection plus the largest lag).
  base::SimTime settled_at_;

  /// By (namespace, name). std::map: stable addresses (streams point into it) and ordered output.
  std::map<std::pair<std::string, std::string>, ServiceState> services_;
  std::vector<Stream> streams_;
  /// Per-tick cache of is_serving answers for the version being sampled (-1 = not asked yet).
  const Version* cached_version_ = nullptr;
  std::vector<std::int8_t> serving_cache_;
};

}  // namespace kubesim::node
