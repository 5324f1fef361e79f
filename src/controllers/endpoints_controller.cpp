#include "kubesim/controllers/endpoints_controller.hpp"

#include "kubesim/controllers/controller_manager.hpp"
#include "kubesim/controllers/endpoint_util.hpp"
#include "kubesim/controllers/pod_util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace kubesim::controllers {
namespace {

enum class Op : std::uint8_t { Create, Update, Delete };

bool port_less(const api::EndpointPort& a, const api::EndpointPort& b) {
  return std::tie(a.name, a.port, a.protocol) < std::tie(b.name, b.port, b.protocol);
}

std::string_view uid_of(const api::EndpointAddress& a) {
  return a.target_ref ? std::string_view(a.target_ref->uid) : std::string_view();
}

// LessEndpointAddress: by the IP's bytes, then by the target's uid.
bool address_less(const api::EndpointAddress& a, const api::EndpointAddress& b) {
  if (a.ip != b.ip) {
    return a.ip < b.ip;
  }
  if (!b.target_ref) {
    return false;
  }
  if (!a.target_ref) {
    return true;
  }
  return a.target_ref->uid < b.target_ref->uid;
}

}  // namespace

std::vector<api::EndpointSubset> repack_subsets(const std::vector<api::EndpointSubset>& subsets) {
  // Addresses are de-duplicated by (IP, target uid); for each port, each address is ready unless any
  // subset lists it as not ready for that port. A subset without ports maps to a sentinel port -1.
  using AddrKey = std::pair<std::string, std::string>;
  std::map<AddrKey, api::EndpointAddress> all;
  auto port_key = [](const api::EndpointPort& p) { return std::make_tuple(p.name, p.port, p.protocol); };
  std::map<std::tuple<std::string, std::int32_t, std::string>, std::map<AddrKey, bool>> by_port;
  std::map<std::tuple<std::string, std::int32_t, std::string>, api::EndpointPort> ports;
  auto add = [&](const api::EndpointAddress& a, const api::EndpointPort& port, bool ready) {
    AddrKey key{a.ip, std::string(uid_of(a))};
    all.try_emplace(key, a);
    auto pk = port_key(port);
    ports.try_emplace(pk, port);
    auto [it, inserted] = by_port[pk].try_emplace(key, ready);
    if (!inserted && it->second) {
      it->second = ready;  // not ready always trumps ready
    }
  };
  for (const api::EndpointSubset& s : subsets) {
    std::vector<api::EndpointPort> subset_ports = s.ports;
    if (subset_ports.empty()) {
      subset_ports.push_back(api::EndpointPort{"", -1, ""});
    }
    for (const api::EndpointPort& port : subset_ports) {
      for (const api::EndpointAddress& a : s.addresses) {
        add(a, port, true);
      }
      for (const api::EndpointAddress& a : s.not_ready_addresses) {
        add(a, port, false);
      }
    }
  }
  // Group the ports by the exact set of (address, readiness) they map to.
  std::map<std::map<AddrKey, bool>, std::vector<api::EndpointPort>> groups;
  for (const auto& [pk, addrs] : by_port) {
    std::vector<api::EndpointPort>& g = groups[addrs];
    if (std::get<1>(pk) > 0) {
      g.push_back(ports.at(pk));
    }
  }
  std::vector<api::EndpointSubset> out;
  for (auto& [addrs, group_ports] : groups) {
    api::EndpointSubset s;
    for (const auto& [key, ready] : addrs) {
      (ready ? s.addresses : s.not_ready_addresses).push_back(all.at(key));
    }
    std::sort(s.addresses.begin(), s.addresses.end(), address_less);
    std::sort(s.not_ready_addresses.begin(), s.not_ready_addresses.end(), address_less);
    std::sort(group_ports.begin(), group_ports.end(), port_less);
    s.ports = std::move(group_ports);
    out.push_back(std::move(s));
  }
  // SortSubsets orders subsets by a hash of their content; kubesim orders them by ports, then addresses.
  std::sort(out.begin(), out.end(), [](const api::EndpointSubset& a, const api::EndpointSubset& b) {
    if (a.ports != b.ports) {
      return std::lexicographical_compare(a.ports.begin(), a.ports.end(), b.ports.begin(), b.ports.end(), port_less);
    }
    const api::EndpointAddress* fa = !a.addresses.empty()             ? &a.addresses.front()
                                     : !a.not_ready_addresses.empty() ? &a.not_ready_addresses.front()
                                                                      : nullptr;
    const api::EndpointAddress* fb = !b.addresses.empty()             ? &b.addresses.front()
                                     : !b.not_ready_addresses.empty() ? &b.not_ready_addresses.front()
                                                                      : nullptr;
    if (fa == nullptr || fb == nullptr) {
      return fb != nullptr;
    }
    return address_less(*fa, *fb);
  });
  return out;
}

bool truncate_endpoints(std::vector<api::EndpointSubset>& subsets) {
  std::size_t ready = 0;
  std::size_t not_ready = 0;
  for (const api::EndpointSubset& s : subsets) {
    ready += s.addresses.size();
    not_ready += s.not_ready_addresses.size();
  }
  if (ready + not_ready <= kEndpointsMaxCapacity) {
    return false;
  }
  // Ready addresses are kept first; each subset keeps its share, rounded up, of what is left.
  bool truncate_ready = ready > kEndpointsMaxCapacity;
  std::size_t max = truncate_ready ? kEndpointsMaxCapacity : kEndpointsMaxCapacity - ready;
  std::size_t total = truncate_ready ? ready : not_ready;
  std::size_t can_be_added = max;
  for (api::EndpointSubset& s : subsets) {
    std::vector<api::EndpointAddress>& v = truncate_ready ? s.addresses : s.not_ready_addresses;
    // The same float expression as upstream, so that the rounding matches.
    auto share = static_cast<std::size_t>(
        std::ceil(static_cast<double>(v.size()) / static_cast<double>(total) * static_cast<double>(max)));
    share = std::min({share, can_be_added, v.size()});
    v.resize(share);
    if (truncate_ready) {
      s.not_ready_addresses.clear();
    }
    can_be_added -= share;
  }
  return true;
}

std::vector<api::EndpointSubset> desired_endpoint_subsets(const api::Service& svc,
                                                          const std::vector<const api::Pod*>& pods) {
  const bool publish = svc.spec.publish_not_ready_addresses;
  std::vector<api::EndpointSubset> subsets;
  auto add = [&](const api::Pod& pod, const api::EndpointAddress& addr, std::optional<api::EndpointPort> port) {
    api::EndpointSubset s;
    if (port) {
      s.ports.push_back(std::move(*port));
    }
    (publish || is_pod_ready(pod) ? s.addresses : s.not_ready_addresses).push_back(addr);
    subsets.push_back(std::move(s));
  };
  for (const api::Pod* pod : pods) {
    if (!should_pod_be_in_endpoints(*pod, publish)) {
      continue;
    }
    api::EndpointAddress addr{
        pod->status.pod_ip, pod->spec.node_name,
        api::ObjectReference{"Pod", pod->metadata.namespace_, pod->metadata.name, pod->metadata.uid, ""}};
    if (svc.spec.ports.empty()) {
      // Headless Services may have no ports.
      if (svc.spec.cluster_ip == "None") {
        add(*pod, addr, std::nullopt);
      }
      continue;
    }
    for (const api::ServicePort& sp : svc.spec.ports) {
      if (std::optional<std::int32_t> port = find_port(*pod, sp)) {
        add(*pod, addr, api::EndpointPort{sp.name, *port, sp.protocol});
      }
    }
  }
  return repack_subsets(subsets);
}

// --- informer handlers ------------------------------------------------------------------------------

class EndpointsController::ServiceHandler final : public client::InformerHandler {
 public:
  explicit ServiceHandler(EndpointsController& c) : c_(c) {}
  void on_add(const ObjectRef& obj) override { c_.enqueue(client::cache_key(obj.meta())); }
  void on_update(const ObjectRef& /*old_obj*/, const ObjectRef& obj) override {
    c_.enqueue(client::cache_key(obj.meta()));
  }
  void on_delete(const ObjectRef& obj) override { c_.enqueue(client::cache_key(obj.meta())); }

 private:
  EndpointsController& c_;
};

class EndpointsController::PodHandler final : public client::InformerHandler {
 public:
  explicit PodHandler(EndpointsController& c) : c_(c) {}
  void on_add(const ObjectRef& obj) override { enqueue_all(pod_service_memberships(*c_.services_, pod(obj))); }
  void on_update(const ObjectRef& old_obj, const ObjectRef& obj) override {
    enqueue_all(services_to_update_on_pod_change(*c_.services_, pod(old_obj), pod(obj)));
  }
  void on_delete(const ObjectRef& obj) override { enqueue_all(pod_service_memberships(*c_.services_, pod(obj))); }

 private:
  static const api::Pod& pod(const ObjectRef& ref) { return ref.get<api::Pod>(); }
  void enqueue_all(const std::set<std::string>& keys) {
    for (const std::string& k : keys) {
      c_.enqueue(k);
    }
  }
  EndpointsController& c_;
};

class EndpointsController::EndpointsHandler final : public client::InformerHandler {
 public:
  explicit EndpointsHandler(EndpointsController& c) : c_(c) {}
  void on_add(const ObjectRef& /*obj*/) override {}
  void on_update(const ObjectRef& /*old_obj*/, const ObjectRef& /*obj*/) override {}
  // An Endpoints object deleted behind the controller's back is recreated.
  void on_delete(const ObjectRef& obj) override { c_.enqueue(client::cache_key(obj.meta())); }

 private:
  EndpointsController& c_;
};

EndpointsController::EndpointsController(ControllerManager& manager, std::uint32_t index)
    : Controller(manager, index, Options{"endpoint-controller", manager.config().concurrent_endpoint_syncs}),
      service_handler_(std::make_unique<ServiceHandler>(*this)), pod_handler_(std::make_unique<PodHandler>(*this)),
      endpoints_handler_(std::make_unique<EndpointsHandler>(*this)) {
  pending_.resize(static_cast<std::size_t>(std::max(1, manager.config().concurrent_endpoint_syncs)));
}

EndpointsController::~EndpointsController() = default;

void EndpointsController::start() {
  services_ = &informer(api::Kind::Service);
  pods_ = &informer(api::Kind::Pod);
  endpoints_ = &informer(api::Kind::Endpoints);
  services_->add_handler(service_handler_.get());
  pods_->add_handler(pod_handler_.get());
  endpoints_->add_handler(endpoints_handler_.get());
}

ReconcileResult EndpointsController::failed(const std::string& key) {
  std::int32_t& n = failures_[key];
  if (n >= kEndpointsMaxRetries) {
    failures_.erase(key);
    return ReconcileResult::done();
  }
  return ReconcileResult::requeue_after(endpoints_retry_delay(n++));
}

ReconcileResult EndpointsController::reconcile(const std::string& key) {
  std::uint32_t worker = current_worker();
  Pending& p = pending_[worker];
  ObjectRef ref = services_->get(key);
  if (!ref) {
    // The Service is gone: delete its Endpoints (NotFound is fine).
    failures_.erase(key);
    auto [ns, name] = client::split_key(key);
    p = Pending{key, {}, false};
    p.endpoints.metadata.namespace_ = std::string(ns);
    p.endpoints.metadata.name = std::string(name);
    client_.remove(api::Kind::Endpoints, std::string(ns), std::string(name), std::nullopt,
                   worker | (static_cast<std::uint64_t>(Op::Delete) << 16), true);
    return ReconcileResult::pending();
  }
  auto svc = ref.as<api::Service>();
  if (!service_selects_pods(*svc)) {
    failures_.erase(key);
    return ReconcileResult::done();
  }
  std::vector<const api::Pod*> pods;
  for (const ObjectRef& pr : pods_->list_namespace(svc->metadata.namespace_)) {
    if (pr.meta().labels.contains_all(svc->spec.selector)) {
      pods.push_back(&pr.get<api::Pod>());
    }
  }
  std::vector<api::EndpointSubset> subsets = desired_endpoint_subsets(*svc, pods);

  ObjectRef current_ref = endpoints_->get(key);
  api::Endpoints next;
  if (current_ref) {
    next = current_ref.get<api::Endpoints>();
  } else {
    next.metadata.namespace_ = svc->metadata.namespace_;
    next.metadata.name = svc->metadata.name;
    next.metadata.labels = svc->metadata.labels;
  }
  bool create = !current_ref;
  if (!create) {
    // The headless label is not on the Service, so it is left out of the comparison.
    api::StringMap compare = next.metadata.labels;
    compare.erase(api::kLabelHeadlessService);
    std::size_t n = 0;
    for (const api::EndpointSubset& s : next.subsets) {
      n += s.addresses.size() + s.not_ready_addresses.size();
    }
    bool annotation_ok =
        n <= kEndpointsMaxCapacity && !next.metadata.annotations.contains(api::kAnnotationEndpointsOverCapacity);
    if (next.subsets == subsets && compare == svc->metadata.labels && annotation_ok) {
      failures_.erase(key);
      return ReconcileResult::done();
    }
  }
  next.subsets = std::move(subsets);
  next.metadata.labels = svc->metadata.labels;
  if (truncate_endpoints(next.subsets)) {
    next.metadata.annotations.set(std::string(api::kAnnotationEndpointsOverCapacity), std::string(kEndpointsTruncated));
  } else {
    next.metadata.annotations.erase(api::kAnnotationEndpointsOverCapacity);
  }
  if (svc->spec.cluster_ip == "None") {
    next.metadata.labels.set(std::string(api::kLabelHeadlessService), "");
  } else {
    next.metadata.labels.erase(api::kLabelHeadlessService);
  }
  p = Pending{key, next, create};
  if (create) {
    client_.create(api::AnyObject(std::move(next)), worker | (static_cast<std::uint64_t>(Op::Create) << 16), true);
  } else {
    // The cached resourceVersion is the precondition: a stale cache gets Conflict and a retry.
    client_.update(api::AnyObject(std::move(next)), worker | (static_cast<std::uint64_t>(Op::Update) << 16), true);
  }
  return ReconcileResult::pending();
}

void EndpointsController::on_reply(const client::Reply& reply) {
  auto worker = static_cast<std::uint32_t>(reply.tag & 0xFFFF);
  auto op = static_cast<Op>(reply.tag >> 16);
  Pending& p = pending_[worker];
  bool ok = reply.code == client::ResultCode::Ok || (op == Op::Delete && reply.code == client::ResultCode::NotFound);
  if (ok) {
    failures_.erase(p.key);
    finish(worker, ReconcileResult::done());
    return;
  }
  const api::ObjectMeta& m = p.endpoints.metadata;
  if (op == Op::Create) {
    recorder_.record(
        client::reference_to(p.endpoints), api::kEventTypeWarning, "FailedToCreateEndpoint",
        fmt::format("Failed to create endpoint for service {}/{}: {}", m.namespace_, m.name, reply.message));
  } else if (op == Op::Update) {
    recorder_.record(client::reference_to(p.endpoints), api::kEventTypeWarning, "FailedToUpdateEndpoint",
                     fmt::format("Failed to update endpoint {}/{}: {}", m.namespace_, m.name, reply.message));
  }
  finish(worker, failed(p.key));
}

}  // namespace kubesim::controllers
