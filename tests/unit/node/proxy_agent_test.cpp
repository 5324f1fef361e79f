#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/api/endpoints.hpp"
#include "kubesim/node/node_agent.hpp"
#include "kubesim/node/proxy_agent.hpp"

#include <fmt/format.h>

using namespace kubesim;
using namespace kubesim::base::literals;
using node::NodeIndex;
using node::ProxyAgent;

namespace {

node::KubeletConfig fixed_kubelet() {
  node::KubeletConfig cfg;
  cfg.sandbox_latency = base::DurationDistribution::constant(100_ms);
  cfg.image_pull_latency = base::DurationDistribution::constant(1_s);
  cfg.container_start_latency = base::DurationDistribution::constant(100_ms);
  return cfg;
}

node::KubeProxyConfig proxy_config(base::DurationDistribution lag) {
  node::KubeProxyConfig cfg;
  cfg.sync_lag = lag;
  return cfg;
}

// Two kubelets and their proxies, no controllers: the test writes EndpointSlices itself through the API
// server (create latency 3 ms, watch delay 1 ms, the defaults).
struct Harness {
  sim::Simulation sim{7};
  apiserver::ApiServer api{sim, {}};
  node::NodeAgent nodes{sim, api, fixed_kubelet()};
  ProxyAgent proxy;
  apiserver::ClientId client = api.register_client("test");
  base::SimTime last_slice_write;

  explicit Harness(base::DurationDistribution lag = base::DurationDistribution::constant(1_s))
      : proxy(sim, api, nodes, proxy_config(lag)) {
    for (int i = 0; i < 2; ++i) {
      api::Node n;
      n.metadata.name = fmt::format("node-{}", i);
      n.status.capacity.set("cpu", 4000);
      n.status.capacity.set("memory", 8LL << 30);
      n.status.capacity.set("pods", 110);
      n.status.allocatable = n.status.capacity;
      nodes.add_node(n);
    }
    api.on_change.connect([this](base::SimTime t, apiserver::Verb, apiserver::ClientId, const store::Change& c) {
      if (c.object.kind == api::Kind::EndpointSlice) {
        last_slice_write = t;
      }
    });
    nodes.start();
    proxy.start();
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
    case sim::EventKind::ProxyWatch:
      proxy.handle_watch(e.arg);
      break;
    case sim::EventKind::TrafficTick:
      proxy.handle_traffic_tick(e.target);
      break;
    default:
      FAIL("unexpected event");
    }
  }
  void run_to(base::Duration t) { sim.run_until(base::SimTime::zero() + t, *this); }

  // A pod bound to node-0 (the kubelet starts it); returns its uid.
  std::string create_pod(const std::string& name) {
    api::Pod pod;
    pod.metadata.name = name;
    pod.metadata.namespace_ = "default";
    pod.spec.node_name = "node-0";
    api::Container c;
    c.name = "app";
    c.image = "nginx:1.25";
    pod.spec.containers.push_back(c);
    api.create(client, api::AnyObject(std::move(pod)));
    run_to(sim.now().since_start() + 10_ms);
    auto stored = api.store().get<api::Pod>("default", name);
    REQUIRE(stored != nullptr);
    return stored->metadata.uid;
  }

  struct Ep {
    std::string pod;
    std::string uid;
    bool ready = true;
    bool serving = true;
    bool terminating = false;
  };
  // Writes the Service `web`'s only slice with these endpoints (create, then updates).
  void write_slice(const std::vector<Ep>& eps) {
    api::EndpointSlice slice;
    if (auto current = api.store().get<api::EndpointSlice>("default", "web-abc")) {
      slice = *current;
    } else {
      slice.metadata.name = "web-abc";
      slice.metadata.namespace_ = "default";
      slice.metadata.labels.set(std::string(api::kLabelServiceName), "web");
    }
    slice.endpoints.clear();
    for (const Ep& e : eps) {
      api::Endpoint ep;
      ep.addresses.push_back("10.0.0.1");
      ep.conditions.ready = e.ready;
      ep.conditions.serving = e.serving;
      ep.conditions.terminating = e.terminating;
      ep.target_ref = api::ObjectReference{"Pod", "default", e.pod, e.uid, ""};
      ep.node_name = "node-0";
      slice.endpoints.push_back(ep);
    }
    bool exists = slice.metadata.resource_version != 0;
    if (exists) {
      api.update(client, api::AnyObject(std::move(slice)));
    } else {
      api.create(client, api::AnyObject(std::move(slice)));
    }
  }
  std::vector<std::string> seen(NodeIndex n, base::SimTime at) const {
    std::vector<std::string> out;
    for (const node::ProxyTarget& t : proxy.endpoints_seen(n, "default", "web", at)) {
      out.push_back(t.name);
    }
    return out;
  }
};

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("an endpoint added at t is routed to by a node's proxy only from t + sync lag", "[node][kube-proxy]") {
  Harness h;
  h.run_to(1_s);
  h.write_slice({{"web-0", "uid-a"}});
  h.run_to(2_s);
  // The change reaches the proxies 1 ms (watch delay) after the write; each applies it 1 s later.
  base::SimTime arrival = h.last_slice_write + 1_ms;
  for (NodeIndex n : {0U, 1U}) {
    CHECK(h.proxy.sync_lag(n) == 1_s);
    CHECK(h.seen(n, arrival + 1_s - 1_ns).empty());
    CHECK(h.seen(n, arrival + 1_s) == Names{"web-0"});
  }

  // A second endpoint: the old set until the new one is applied.
  h.write_slice({{"web-0", "uid-a"}, {"web-1", "uid-b"}});
  h.run_to(3_s);
  arrival = h.last_slice_write + 1_ms;
  CHECK(h.seen(0, arrival + 1_s - 1_ns) == Names{"web-0"});
  CHECK(h.seen(0, arrival + 1_s) == Names({"web-0", "web-1"}));
}

TEST_CASE("each node draws its own sync lag once", "[node][kube-proxy]") {
  Harness h(base::DurationDistribution::uniform(100_ms, 3_s));
  base::Duration lag0 = h.proxy.sync_lag(0);
  base::Duration lag1 = h.proxy.sync_lag(1);
  CHECK(lag0 != lag1);
  h.run_to(1_s);
  h.write_slice({{"web-0", "uid-a"}});
  h.run_to(5_s);
  base::SimTime arrival = h.last_slice_write + 1_ms;
  for (NodeIndex n : {0U, 1U}) {
    base::Duration lag = h.proxy.sync_lag(n);
    CHECK(h.seen(n, arrival + lag - 1_ns).empty());
    CHECK(h.seen(n, arrival + lag) == Names{"web-0"});
  }
}

TEST_CASE("proxies route to ready endpoints, else to serving terminating ones", "[node][kube-proxy]") {
  Harness h;
  auto later = [&] { return h.sim.now() + 10_s; };
  h.write_slice({{"a", "u1", true, true, false}, {"b", "u2", false, true, true}, {"c", "u3", false, false, false}});
  h.run_to(2_s);
  CHECK(h.seen(0, later()) == Names{"a"});
  // No ready endpoint left: upstream's ProxyTerminatingEndpoints falls back to serving-terminating ones.
  h.write_slice({{"b", "u2", false, true, true}, {"c", "u3", false, false, false}, {"d", "u4", false, false, true}});
  h.run_to(4_s);
  CHECK(h.seen(0, later()) == Names{"b"});
  // Nothing ready or serving: no endpoint at all.
  h.write_slice({{"c", "u3", false, false, false}});
  h.run_to(6_s);
  CHECK(h.seen(0, later()).empty());
}

TEST_CASE("a disconnected node's proxy keeps its rules until it is back", "[node][kube-proxy]") {
  Harness h;
  h.write_slice({{"web-0", "uid-a"}});
  h.run_to(2_s);
  h.nodes.partition(1, true);
  h.proxy.update_connection(1);
  h.write_slice({{"web-1", "uid-b"}});
  h.run_to(10_s);
  CHECK(h.seen(0, h.sim.now()) == Names{"web-1"});
  CHECK(h.seen(1, h.sim.now() + 1_h) == Names{"web-0"});  // frozen for as long as the partition lasts
  h.run_to(20_s);
  h.nodes.partition(1, false);
  h.proxy.update_connection(1);
  base::SimTime healed = h.sim.now();
  CHECK(h.seen(1, healed + 1_s - 1_ns) == Names{"web-0"});
  CHECK(h.seen(1, healed + 1_s) == Names{"web-1"});
}

TEST_CASE("traffic: requests per tick with the remainder carried, errors when nothing serves", "[node][kube-proxy]") {
  Harness h;
  std::string uid = h.create_pod("web-0");
  h.write_slice({{"web-0", uid}});
  h.run_to(5_s);  // the pod runs from ~1.2 s; the proxies route to it from ~1 s after the slice write
  REQUIRE(h.nodes.is_serving("default", "web-0", uid));

  node::TrafficStream s;
  s.service = "web";
  s.rps_milli = 2'500;  // 2.5 rps: 0.25 request per 100 ms tick
  s.clients = {0, 1};
  s.until = h.sim.now() + 10_s;
  h.proxy.start_traffic(s);
  node::TrafficStream none;  // a Service without any slice: every request is refused
  none.service = "nothing";
  none.rps_milli = 10'000;
  none.clients = {1};
  none.until = h.sim.now() + 1_s;
  h.proxy.start_traffic(none);
  h.run_to(20_s);

  std::vector<node::ServiceTraffic> t = h.proxy.traffic();
  REQUIRE(t.size() == 2);
  CHECK(t[0].name == "nothing");
  CHECK(t[0].requests == 10);  // 1 per tick for 10 ticks
  CHECK(t[0].errors == 10);
  REQUIRE(t[0].error_windows.size() == 1);
  CHECK(t[0].error_windows[0].end - t[0].error_windows[0].start == 900_ms);
  CHECK(t[1].name == "web");
  CHECK(t[1].requests == 25);  // 100 ticks × 0.25, exactly
  CHECK(t[1].successes == 25);
  CHECK(t[1].errors == 0);
  CHECK(t[1].error_windows.empty());

  // Stopping: no more requests.
  s.until.reset();
  h.proxy.start_traffic(s);
  h.run_to(21_s);
  CHECK(h.proxy.stop_traffic("default", "web") == 1);
  std::uint64_t before = h.proxy.traffic()[1].requests;
  h.run_to(30_s);
  CHECK(h.proxy.traffic()[1].requests == before);
}

TEST_CASE("traffic to a pod that stopped serving counts errors until the proxies drop it", "[node][kube-proxy]") {
  Harness h;
  std::string uid = h.create_pod("web-0");
  h.write_slice({{"web-0", uid}});
  h.run_to(5_s);
  node::TrafficStream s;
  s.service = "web";
  s.rps_milli = 10'000;  // one request per tick
  s.clients = {1};
  h.proxy.start_traffic(s);
  base::SimTime started = h.sim.now();
  h.run_to(10_s);
  // node-0 dies: its pod stops serving, but the slice still lists it until the test removes it at 20 s.
  h.nodes.crash(0);
  base::SimTime crashed = h.sim.now();
  h.proxy.update_connection(0);
  h.run_to(20_s);
  h.write_slice({});
  h.run_to(30_s);
  base::SimTime applied = h.last_slice_write + 1_ms + 1_s;
  std::vector<node::ServiceTraffic> t = h.proxy.traffic();
  REQUIRE(t.size() == 1);
  REQUIRE(t[0].error_windows.size() == 1);
  const node::TrafficErrorWindow& w = t[0].error_windows[0];
  // Ticks run every 100 ms from the stream's start: the first error is the first tick after the crash,
  // and errors go on (a pod that does not serve, then no endpoint at all) to the end.
  CHECK(w.start > crashed);
  CHECK(w.start - crashed <= 100_ms);
  CHECK(applied < w.end);
  CHECK(t[0].errors == t[0].requests - t[0].successes);
  // Every tick up to the crash succeeded (one request each).
  CHECK(t[0].successes == static_cast<std::uint64_t>((crashed - started).nanos() / (100_ms).nanos() + 1));
}
