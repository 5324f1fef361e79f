#include "kubesim/node/proxy_agent.hpp"

#include "kubesim/api/endpoints.hpp"
#include "kubesim/base/assert.hpp"
#include "kubesim/node/node_agent.hpp"

#include <algorithm>

namespace kubesim::node {
namespace {

// Requests are counted in ten-thousandths: rps_milli / 1000 requests per second × 0.1 s per tick.
constexpr std::int64_t kRequestScale = 10'000;

// kube-proxy's endpointslice cache treats a missing condition as "ready" / "serving" and a missing
// terminating condition as false (pkg/proxy/endpointslicecache.go).
bool is_ready(const api::Endpoint& ep) { return ep.conditions.ready.value_or(true); }
bool is_serving_terminating(const api::Endpoint& ep) {
  return ep.conditions.serving.value_or(is_ready(ep)) && ep.conditions.terminating.value_or(false);
}

}  // namespace

ProxyAgent::ProxyAgent(sim::Simulation& sim, apiserver::ApiServer& server, const NodeAgent& nodes,
                       KubeProxyConfig config)
    : sim_(sim), client_(server, "kube-proxy"), nodes_(nodes), config_(std::move(config)),
      slices_(api::Kind::EndpointSlice), lag_rng_(sim.rng_stream("kube-proxy")) {
  slices_.add_handler(this);
}

void ProxyAgent::start() {
  if (started_) {
    return;
  }
  started_ = true;
  slices_.start(client_, client::Endpoint{sim::EventKind::ProxyWatch, 0});
  add_proxies(sim_.now());
}

void ProxyAgent::sync_nodes() {
  if (started_) {
    add_proxies(sim_.now());
  }
}

void ProxyAgent::add_proxies(base::SimTime start) {
  const NodePool& pool = nodes_.pool();
  for (std::size_t i = lag_.size(); i < pool.size(); ++i) {
    auto n = static_cast<NodeIndex>(i);
    base::Duration lag = config_.sync_lag.sample(lag_rng_);
    lag_.push_back(lag);
    max_lag_ = std::max(max_lag_, lag);
    connected_.push_back(1);
    disconnects_.emplace_back();
    // A proxy that starts late has heard nothing before it started: it lists at start.
    if (start > base::SimTime::zero()) {
      disconnects_.back().push_back(Disconnect{base::SimTime::zero(), start});
      settled_at_ = std::max(settled_at_, start + max_lag_);
    }
    update_connection(n);
  }
}

void ProxyAgent::update_connection(NodeIndex node) {
  if (!started_ || node >= connected_.size()) {
    return;
  }
  bool now_connected = nodes_.pool().connected(node);
  if (now_connected == (connected_[node] != 0)) {
    return;
  }
  base::SimTime now = sim_.now();
  connected_[node] = now_connected ? 1 : 0;
  if (now_connected) {
    disconnects_[node].back().until = now;
    --disconnected_count_;
    settled_at_ = std::max(settled_at_, now + max_lag_);
  } else {
    disconnects_[node].push_back(Disconnect{now});
    ++disconnected_count_;
  }
}

// --- EndpointSlice watch ----------------------------------------------------------------------------

void ProxyAgent::handle_watch(std::uint32_t slot) { slices_.handle(client_.take_watch_event(slot)); }

void ProxyAgent::on_add(const client::ObjectRef& obj) { resync(obj); }
void ProxyAgent::on_update(const client::ObjectRef&, const client::ObjectRef& new_obj) { resync(new_obj); }
void ProxyAgent::on_delete(const client::ObjectRef& old_obj) { resync(old_obj); }

ProxyAgent::ServiceState& ProxyAgent::service_state(std::string_view namespace_, std::string_view service) {
  auto key = std::make_pair(std::string(namespace_), std::string(service));
  auto it = services_.find(key);
  if (it == services_.end()) {
    it = services_.emplace(std::move(key), ServiceState{}).first;
    it->second.traffic.namespace_ = namespace_;
    it->second.traffic.name = service;
  }
  return it->second;
}

void ProxyAgent::resync(const client::ObjectRef& changed) {
  const api::ObjectMeta& meta = changed.meta();
  const std::string* service = meta.labels.find(api::kLabelServiceName);
  if (service == nullptr) {
    return;  // not a Service's slice (kube-proxy's informer selects on this label)
  }
  // The Service's endpoints over all its slices, as kube-proxy merges them (first slice wins a
  // duplicate pod).
  std::vector<const api::Endpoint*> all;
  for (const client::ObjectRef& ref : slices_.list_namespace(meta.namespace_)) {
    const auto& slice = ref.get<api::EndpointSlice>();
    const std::string* s = slice.metadata.labels.find(api::kLabelServiceName);
    if (s == nullptr || *s != *service) {
      continue;
    }
    for (const api::Endpoint& ep : slice.endpoints) {
      if (ep.target_ref && ep.target_ref->kind == "Pod") {
        all.push_back(&ep);
      }
    }
  }
  bool any_ready = std::any_of(all.begin(), all.end(), [](const api::Endpoint* ep) { return is_ready(*ep); });
  std::vector<ProxyTarget> targets;
  for (const api::Endpoint* ep : all) {
    if (any_ready ? is_ready(*ep) : is_serving_terminating(*ep)) {
      targets.push_back(ProxyTarget{ep->target_ref->namespace_, ep->target_ref->name, ep->target_ref->uid});
    }
  }
  std::sort(targets.begin(), targets.end(), [](const ProxyTarget& a, const ProxyTarget& b) {
    return std::tie(a.namespace_, a.name, a.uid) < std::tie(b.namespace_, b.name, b.uid);
  });
  targets.erase(std::unique(targets.begin(), targets.end(),
                            [](const ProxyTarget& a, const ProxyTarget& b) {
                              return a.namespace_ == b.namespace_ && a.name == b.name;
                            }),
                targets.end());

  ServiceState& s = service_state(meta.namespace_, *service);
  if (!s.versions.empty() && s.versions.back().targets == targets) {
    return;  // a sync that changes no rule
  }
  s.versions.push_back(Version{sim_.now(), std::move(targets)});
  if (on_endpoints_changed.has_observers()) {
    on_endpoints_changed(sim_.now(), meta.namespace_, *service, s.versions.back().targets.size());
  }
  prune(s);
}

void ProxyAgent::prune(ServiceState& s) {
  base::SimTime now = sim_.now();
  if (disconnected_count_ > 0 || now < settled_at_) {
    return;
  }
  // Every proxy has applied versions[k] once its arrival + the largest lag has passed; older ones are
  // never looked at again.
  std::size_t keep = 0;
  for (std::size_t k = 1; k < s.versions.size(); ++k) {
    if (s.versions[k].arrival + max_lag_ <= now) {
      keep = k;
    }
  }
  if (keep > 0) {
    s.versions.erase(s.versions.begin(), s.versions.begin() + static_cast<std::ptrdiff_t>(keep));
  }
}

base::SimTime ProxyAgent::visible_at(NodeIndex n, base::SimTime arrival) const {
  for (const Disconnect& d : disconnects_[n]) {
    if (arrival >= d.from && arrival < d.until) {
      if (d.until == base::SimTime::max()) {
        return base::SimTime::max();
      }
      arrival = d.until;
    }
  }
  return arrival + lag_[n];
}

const ProxyAgent::Version* ProxyAgent::view(const ServiceState& s, NodeIndex n, base::SimTime t) const {
  // Visible times grow with the version index, so the newest visible version is found from the back.
  for (auto it = s.versions.rbegin(); it != s.versions.rend(); ++it) {
    if (visible_at(n, it->arrival) <= t) {
      return &*it;
    }
  }
  return nullptr;
}

std::span<const ProxyTarget> ProxyAgent::endpoints_seen(NodeIndex node, std::string_view namespace_,
                                                        std::string_view service, base::SimTime at) const {
  if (!started_ || node >= lag_.size()) {
    return {};
  }
  auto it = services_.find(std::make_pair(std::string(namespace_), std::string(service)));
  if (it == services_.end()) {
    return {};
  }
  const Version* v = view(it->second, node, at);
  return v == nullptr ? std::span<const ProxyTarget>() : std::span<const ProxyTarget>(v->targets);
}

// --- traffic ----------------------------------------------------------------------------------------

std::uint32_t ProxyAgent::start_traffic(TrafficStream stream) {
  KUBESIM_ASSERT(stream.rps_milli > 0 && !stream.clients.empty(), "traffic stream to {} needs rps and clients",
                 stream.service);
  start();
  auto index = static_cast<std::uint32_t>(streams_.size());
  Stream& s = streams_.emplace_back(Stream{std::move(stream), nullptr, sim_.rng_stream("traffic", index)});
  s.service = &service_state(s.spec.namespace_, s.spec.service);
  s.service->has_traffic = true;
  sim_.schedule_after(base::Duration::zero(), sim::EventKind::TrafficTick, index, 0);
  return index;
}

std::size_t ProxyAgent::stop_traffic(std::string_view namespace_, std::string_view service) {
  std::size_t stopped = 0;
  for (Stream& s : streams_) {
    if (s.active && s.spec.namespace_ == namespace_ && s.spec.service == service) {
      s.active = false;  // its pending tick finds it stopped
      ++stopped;
    }
  }
  return stopped;
}

void ProxyAgent::handle_traffic_tick(std::uint32_t index) {
  Stream& st = streams_[index];
  base::SimTime now = sim_.now();
  if (!st.active || (st.spec.until && now >= *st.spec.until)) {
    st.active = false;
    return;
  }
  st.carry += st.spec.rps_milli;
  std::int64_t batch = st.carry / kRequestScale;
  st.carry %= kRequestScale;

  ServiceState& svc = *st.service;
  const NodePool& pool = nodes_.pool();
  if (lag_.size() < pool.size()) {
    add_proxies(now);  // nodes added without a sync_nodes() call
  }
  cached_version_ = nullptr;  // nothing changes within one instant: answers are reused for this tick only
  std::uint64_t sent = 0;
  std::uint64_t errors = 0;
  for (std::int64_t i = 0; i < batch; ++i) {
    NodeIndex client = st.spec.clients[st.next_client];
    st.next_client = st.next_client + 1 == st.spec.clients.size() ? 0 : st.next_client + 1;
    if (pool.running[client] == 0) {
      continue;  // a dead machine sends nothing
    }
    ++sent;
    const Version* v = view(svc, client, now);
    if (v == nullptr || v->targets.empty()) {
      ++errors;  // no endpoint: the REJECT rule, connection refused
      continue;
    }
    if (v != cached_version_) {
      cached_version_ = v;
      serving_cache_.assign(v->targets.size(), -1);
    }
    auto pick = static_cast<std::size_t>(st.rng.uniform_below(v->targets.size()));
    if (serving_cache_[pick] < 0) {
      const ProxyTarget& t = v->targets[pick];
      serving_cache_[pick] = nodes_.is_serving(t.namespace_, t.name, t.uid) ? 1 : 0;
    }
    if (serving_cache_[pick] == 0) {
      ++errors;
    }
  }
  cached_version_ = nullptr;

  ServiceTraffic& tr = svc.traffic;
  tr.requests += sent;
  tr.errors += errors;
  tr.successes += sent - errors;
  if (errors > 0) {
    if (svc.window_open) {
      tr.error_windows.back().end = now;
      tr.error_windows.back().errors += errors;
    } else {
      tr.error_windows.push_back(TrafficErrorWindow{now, now, errors});
      svc.window_open = true;
    }
  } else if (sent > 0) {
    svc.window_open = false;
  }
  sim_.schedule_after(kTrafficTick, sim::EventKind::TrafficTick, index, 0);
}

std::vector<ServiceTraffic> ProxyAgent::traffic() const {
  std::vector<ServiceTraffic> out;
  for (const auto& [key, s] : services_) {
    if (s.has_traffic) {
      out.push_back(s.traffic);
    }
  }
  return out;
}

}  // namespace kubesim::node
