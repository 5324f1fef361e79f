#include "kubesim/controllers/endpoint_slice_controller.hpp"

#include "kubesim/controllers/controller_manager.hpp"
#include "kubesim/controllers/endpoint_util.hpp"
#include "kubesim/controllers/pod_util.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kubesim::controllers {
namespace {

constexpr std::string_view kAddressType = "IPv4";
constexpr std::string_view kLabelTopologyZone = "topology.kubernetes.io/zone";
/// endpointSliceChangeMinSyncDelay; the batch period (--endpointslice-updates-batch-period) is 0.
constexpr Duration kSliceChangeMinSyncDelay = Duration::from_seconds(1);

using Ports = std::vector<api::EndpointPort>;

bool is_reserved_label(std::string_view key) {
  return key == api::kLabelServiceName || key == api::kLabelManagedBy || key == api::kLabelHeadlessService;
}

// kubesim's API server does not allocate cluster IPs, so only "None" (headless) counts as unset.
bool is_headless(const api::Service& svc) { return svc.spec.cluster_ip == "None"; }

bool owned_by(const api::EndpointSlice& slice, const api::Service& svc) {
  return std::any_of(slice.metadata.owner_references.begin(), slice.metadata.owner_references.end(),
                     [&](const api::OwnerReference& o) {
                       return o.uid == svc.metadata.uid && o.kind == "Service" && o.api_version == "v1";
                     });
}

// setEndpointSliceLabels: the Service's labels (minus the reserved ones) plus the reserved ones; `changed`
// when the slice's non-reserved labels differ from the Service's.
api::StringMap slice_labels(const api::EndpointSlice& slice, const api::Service& svc, bool& changed) {
  api::StringMap current;
  for (const auto& [k, v] : slice.metadata.labels) {
    if (!is_reserved_label(k)) {
      current.set(k, v);
    }
  }
  api::StringMap out;
  for (const auto& [k, v] : svc.metadata.labels) {
    if (!is_reserved_label(k)) {
      out.set(k, v);
    }
  }
  changed = !(current == out);
  if (is_headless(svc)) {
    out.set(std::string(api::kLabelHeadlessService), "");
  }
  out.set(std::string(api::kLabelServiceName), svc.metadata.name);
  out.set(std::string(api::kLabelManagedBy), std::string(api::kEndpointSliceControllerName));
  return out;
}

api::EndpointSlice new_slice(const api::Service& svc, Ports ports) {
  api::EndpointSlice s;
  s.metadata.namespace_ = svc.metadata.namespace_;
  s.metadata.generate_name = svc.metadata.name + "-";
  s.metadata.owner_references.push_back(controller_ref_to(svc.metadata, "v1", "Service"));
  s.address_type = std::string(kAddressType);
  s.ports = std::move(ports);
  bool changed = false;
  s.metadata.labels = slice_labels(s, svc, changed);
  return s;
}

// getEndpointPorts: each Service port resolved against the pod; ports the pod lacks are left out.
Ports endpoint_ports(const api::Service& svc, const api::Pod& pod) {
  Ports out;
  for (const api::ServicePort& sp : svc.spec.ports) {
    if (std::optional<std::int32_t> port = find_port(pod, sp)) {
      out.push_back(api::EndpointPort{sp.name, *port, sp.protocol});
    }
  }
  return out;
}

// NewPortMapKey: the ports as a set (order does not matter).
std::string port_map_key(Ports ports) {
  std::sort(ports.begin(), ports.end(), [](const api::EndpointPort& a, const api::EndpointPort& b) {
    return std::tie(a.name, a.port, a.protocol) < std::tie(b.name, b.port, b.protocol);
  });
  std::string key;
  for (const api::EndpointPort& p : ports) {
    key += fmt::format("{}/{}/{};", p.name, p.port, p.protocol);
  }
  return key;
}

api::Endpoint pod_to_endpoint(const api::Pod& pod, const std::string& zone, const api::Service& svc) {
  bool serving = is_pod_ready(pod);
  bool terminating = pod.is_terminating();
  api::Endpoint ep;
  ep.addresses.push_back(pod.status.pod_ip);
  // For compatibility, ready is never true for a terminating pod unless publishNotReadyAddresses.
  ep.conditions.ready = svc.spec.publish_not_ready_addresses || (serving && !terminating);
  ep.conditions.serving = serving;
  ep.conditions.terminating = terminating;
  ep.target_ref = api::ObjectReference{"Pod", pod.metadata.namespace_, pod.metadata.name, pod.metadata.uid, ""};
  ep.node_name = pod.spec.node_name;
  ep.zone = zone;
  return ep;
}

// The EndpointSet hash: addresses and the target's namespace/name. Other fields may change in place.
using EndpointKey = std::pair<std::string, std::string>;
EndpointKey endpoint_key(const api::Endpoint& ep) {
  std::string target = ep.target_ref ? ep.target_ref->namespace_ + "/" + ep.target_ref->name : std::string();
  std::string addresses;
  for (const std::string& a : ep.addresses) {
    addresses += a + ",";
  }
  return {std::move(target), std::move(addresses)};
}

// The desired endpoints of one port mapping; popping takes the smallest key (upstream: any).
using EndpointSet = std::map<EndpointKey, api::Endpoint>;

api::Endpoint pop_first(EndpointSet& set) {
  auto node = set.extract(set.begin());
  return std::move(node.mapped());
}

struct PortMapResult {
  std::vector<api::EndpointSlice> to_create;
  std::vector<api::EndpointSlice> to_update;
  std::vector<api::EndpointSlice> to_delete;
};

// reconcileByPortMapping.
PortMapResult reconcile_port_mapping(const api::Service& svc, const std::vector<const api::EndpointSlice*>& existing,
                                     EndpointSet desired, const Ports& ports, std::size_t max_per_slice) {
  std::map<std::string, api::EndpointSlice, std::less<>> by_name;
  std::vector<std::string> unchanged;  // in name order
  std::set<std::string, std::less<>> to_update;
  std::set<std::string, std::less<>> to_delete;

  // 1. Drop endpoints no longer desired and refresh the ones that changed, in place.
  for (const api::EndpointSlice* slice : existing) {
    std::vector<api::Endpoint> kept;
    bool endpoint_updated = false;
    for (const api::Endpoint& ep : slice->endpoints) {
      auto it = desired.find(endpoint_key(ep));
      if (it == desired.end()) {
        continue;
      }
      if (!(it->second == ep)) {
        endpoint_updated = true;
      }
      kept.push_back(std::move(it->second));
      desired.erase(it);
    }
    bool labels_changed = false;
    api::StringMap labels = slice_labels(*slice, svc, labels_changed);
    if (endpoint_updated || kept.size() != slice->endpoints.size()) {
      if (kept.empty()) {
        to_delete.insert(slice->metadata.name);
        by_name.emplace(slice->metadata.name, *slice);
      } else {
        api::EndpointSlice copy = *slice;
        copy.endpoints = std::move(kept);
        copy.metadata.labels = std::move(labels);
        to_update.insert(copy.metadata.name);
        by_name.emplace(copy.metadata.name, std::move(copy));
      }
    } else if (labels_changed) {
      api::EndpointSlice copy = *slice;
      copy.metadata.labels = std::move(labels);
      to_update.insert(copy.metadata.name);
      by_name.emplace(copy.metadata.name, std::move(copy));
    } else {
      unchanged.push_back(slice->metadata.name);
      by_name.emplace(slice->metadata.name, *slice);
    }
  }

  // 2. Fill the slices being updated anyway, fullest first.
  if (!desired.empty() && !to_update.empty()) {
    std::vector<api::EndpointSlice*> slices;
    for (const std::string& name : to_update) {
      slices.push_back(&by_name.at(name));
    }
    std::stable_sort(slices.begin(), slices.end(), [](const api::EndpointSlice* a, const api::EndpointSlice* b) {
      return a->endpoints.size() > b->endpoints.size();
    });
    for (api::EndpointSlice* s : slices) {
      while (!desired.empty() && s->endpoints.size() < max_per_slice) {
        s->endpoints.push_back(pop_first(desired));
      }
    }
  }

  // 3. The rest: into the unchanged slice that ends closest to full (when fewer than a slice's worth
  //    remain), otherwise into new slices.
  PortMapResult out;
  while (!desired.empty()) {
    api::EndpointSlice* fill = nullptr;
    if (desired.size() < max_per_slice && !unchanged.empty()) {
      // getSliceToFill.
      std::size_t closest = max_per_slice;
      for (const std::string& name : unchanged) {
        api::EndpointSlice& s = by_name.at(name);
        if (desired.size() + s.endpoints.size() > max_per_slice) {
          continue;
        }
        std::size_t diff = max_per_slice - (desired.size() + s.endpoints.size());
        if (diff < closest) {
          closest = diff;
          fill = &s;
          if (diff == 0) {
            break;
          }
        }
      }
    }
    if (fill == nullptr) {
      out.to_create.push_back(new_slice(svc, ports));
      fill = &out.to_create.back();
    }
    while (!desired.empty() && fill->endpoints.size() < max_per_slice) {
      fill->endpoints.push_back(pop_first(desired));
    }
    if (!fill->metadata.name.empty()) {
      to_update.insert(fill->metadata.name);
      std::erase(unchanged, fill->metadata.name);
    }
  }
  for (const std::string& name : to_update) {
    out.to_update.push_back(std::move(by_name.at(name)));
  }
  for (const std::string& name : to_delete) {
    out.to_delete.push_back(std::move(by_name.at(name)));
  }
  return out;
}

// placeholderSliceCompare: namespace, labels and content; the rest of the metadata is ignored.
bool is_placeholder_like(const api::EndpointSlice& a, const api::EndpointSlice& b) {
  return a.metadata.namespace_ == b.metadata.namespace_ && a.metadata.labels == b.metadata.labels &&
         a.address_type == b.address_type && a.endpoints == b.endpoints && a.ports == b.ports;
}

std::string aggregate(const std::vector<std::string>& errors) {
  if (errors.size() == 1) {
    return errors.front();
  }
  return fmt::format("[{}]", fmt::join(errors, ", "));
}

}  // namespace

bool is_managed_by_endpoint_slice_controller(const api::EndpointSlice& slice) {
  const std::string* v = slice.metadata.labels.find(api::kLabelManagedBy);
  return v != nullptr && *v == api::kEndpointSliceControllerName;
}

EndpointSlicePlan plan_endpoint_slices(const api::Service& svc, const std::vector<const api::Pod*>& pods,
                                       const std::vector<const api::EndpointSlice*>& existing,
                                       const NodeZoneLookup& zone_of, std::int32_t max_endpoints_per_slice) {
  EndpointSlicePlan plan;
  auto max_per_slice = static_cast<std::size_t>(std::max(max_endpoints_per_slice, 1));

  // Reconcile: slices of another address type, or not owned by this Service, go.
  std::map<std::string, std::vector<const api::EndpointSlice*>, std::less<>> existing_by_ports;
  std::vector<api::EndpointSlice> deletes;
  for (const api::EndpointSlice* s : existing) {
    if (s->address_type != kAddressType || !owned_by(*s, svc)) {
      deletes.push_back(*s);
      continue;
    }
    existing_by_ports[port_map_key(s->ports)].push_back(s);
  }

  // Desired state, grouped by the resolved ports.
  std::map<std::string, EndpointSet, std::less<>> desired_by_ports;
  std::map<std::string, Ports, std::less<>> ports_by_key;
  for (const api::Pod* pod : pods) {
    if (!should_pod_be_in_endpoints(*pod, true)) {
      continue;
    }
    Ports ports = endpoint_ports(svc, *pod);
    std::string key = port_map_key(ports);
    EndpointSet& set = desired_by_ports[key];
    ports_by_key.try_emplace(key, std::move(ports));
    std::optional<std::string> zone = zone_of(pod->spec.node_name);
    if (!zone) {
      // A pod on a missing node is left out (and the sync retried) unless the Service publishes
      // not-ready addresses anyway.
      if (!svc.spec.publish_not_ready_addresses) {
        plan.errors.push_back(fmt::format("skipping Pod {} for Service {}/{}: node \"{}\" not found",
                                          pod->metadata.name, svc.metadata.namespace_, svc.metadata.name,
                                          pod->spec.node_name));
        continue;
      }
      zone = std::string();
    }
    api::Endpoint ep = pod_to_endpoint(*pod, *zone, svc);
    EndpointKey k = endpoint_key(ep);
    set.emplace(std::move(k), std::move(ep));
  }

  static const std::vector<const api::EndpointSlice*> kNone;
  for (auto& [key, desired] : desired_by_ports) {
    auto it = existing_by_ports.find(key);
    PortMapResult r = reconcile_port_mapping(svc, it == existing_by_ports.end() ? kNone : it->second,
                                             std::move(desired), ports_by_key.at(key), max_per_slice);
    std::move(r.to_create.begin(), r.to_create.end(), std::back_inserter(plan.to_create));
    std::move(r.to_update.begin(), r.to_update.end(), std::back_inserter(plan.to_update));
    std::move(r.to_delete.begin(), r.to_delete.end(), std::back_inserter(deletes));
  }
  // Port mappings no longer wanted.
  for (const auto& [key, slices] : existing_by_ports) {
    if (!desired_by_ports.contains(key)) {
      for (const api::EndpointSlice* s : slices) {
        deletes.push_back(*s);
      }
    }
  }

  // A Service with no endpoints keeps one empty placeholder slice.
  if (existing.size() == deletes.size() && plan.to_create.empty()) {
    api::EndpointSlice placeholder = new_slice(svc, {});
    if (deletes.size() == 1 && is_placeholder_like(deletes.front(), placeholder)) {
      deletes.clear();
    } else {
      plan.to_create.push_back(std::move(placeholder));
    }
  }

  // finalize: a slice about to be deleted is reused (by name) for a slice about to be created.
  for (std::size_t i = 0; i < deletes.size() && !plan.to_create.empty();) {
    api::EndpointSlice& victim = deletes[i];
    api::EndpointSlice& created = plan.to_create.back();
    if (victim.address_type == created.address_type && owned_by(victim, svc)) {
      created.metadata.name = victim.metadata.name;
      created.metadata.generate_name.clear();
      plan.to_update.push_back(std::move(created));
      plan.to_create.pop_back();
      deletes.erase(deletes.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  plan.to_delete = std::move(deletes);
  return plan;
}

// --- informer handlers ------------------------------------------------------------------------------

class EndpointSliceController::ServiceHandler final : public client::InformerHandler {
 public:
  explicit ServiceHandler(EndpointSliceController& c) : c_(c) {}
  void on_add(const ObjectRef& obj) override { c_.enqueue(client::cache_key(obj.meta())); }
  void on_update(const ObjectRef& /*old_obj*/, const ObjectRef& obj) override {
    c_.enqueue(client::cache_key(obj.meta()));
  }
  void on_delete(const ObjectRef& obj) override { c_.enqueue(client::cache_key(obj.meta())); }

 private:
  EndpointSliceController& c_;
};

class EndpointSliceController::PodHandler final : public client::InformerHandler {
 public:
  explicit PodHandler(EndpointSliceController& c) : c_(c) {}
  // The batch period is 0: pod changes sync their Services at once.
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
  EndpointSliceController& c_;
};

class EndpointSliceController::SliceHandler final : public client::InformerHandler {
 public:
  explicit SliceHandler(EndpointSliceController& c) : c_(c) {}
  void on_add(const ObjectRef& obj) override {
    const auto& slice = obj.get<api::EndpointSlice>();
    if (is_managed_by_endpoint_slice_controller(slice) && c_.should_sync(slice)) {
      c_.queue_for_slice(slice);
    }
  }
  void on_update(const ObjectRef& old_obj, const ObjectRef& obj) override {
    const auto& prev = old_obj.get<api::EndpointSlice>();
    const auto& slice = obj.get<api::EndpointSlice>();
    // The controller never changes the service-name label, but users may.
    const std::string* svc = slice.metadata.labels.find(api::kLabelServiceName);
    const std::string* prev_svc = prev.metadata.labels.find(api::kLabelServiceName);
    if ((svc == nullptr) != (prev_svc == nullptr) || (svc != nullptr && *svc != *prev_svc)) {
      c_.queue_for_slice(slice);
      c_.queue_for_slice(prev);
      return;
    }
    bool managed = is_managed_by_endpoint_slice_controller(slice);
    if (managed != is_managed_by_endpoint_slice_controller(prev) || (managed && c_.should_sync(slice))) {
      c_.queue_for_slice(slice);
    }
  }
  void on_delete(const ObjectRef& obj) override {
    const auto& slice = obj.get<api::EndpointSlice>();
    if (!is_managed_by_endpoint_slice_controller(slice)) {
      return;
    }
    const std::string* svc = slice.metadata.labels.find(api::kLabelServiceName);
    if (svc == nullptr) {
      return;
    }
    auto t = c_.tracker_.find(slice.metadata.namespace_ + "/" + *svc);
    if (t == c_.tracker_.end()) {
      return;
    }
    auto g = t->second.find(slice.metadata.uid);
    if (g == t->second.end()) {
      return;
    }
    // HandleDeletion: an expected deletion needs no resync; an unexpected one does.
    bool expected = g->second == kDeletionExpected;
    t->second.erase(g);
    if (!expected) {
      c_.queue_for_slice(slice);
    }
  }

 private:
  EndpointSliceController& c_;
};

EndpointSliceController::EndpointSliceController(ControllerManager& manager, std::uint32_t index)
    : Controller(manager, index,
                 Options{"endpointslice-controller", manager.config().concurrent_service_endpoint_syncs}),
      service_handler_(std::make_unique<ServiceHandler>(*this)), pod_handler_(std::make_unique<PodHandler>(*this)),
      slice_handler_(std::make_unique<SliceHandler>(*this)) {
  pending_.resize(static_cast<std::size_t>(std::max(1, manager.config().concurrent_service_endpoint_syncs)));
}

EndpointSliceController::~EndpointSliceController() = default;

void EndpointSliceController::start() {
  services_ = &informer(api::Kind::Service);
  pods_ = &informer(api::Kind::Pod);
  slices_ = &informer(api::Kind::EndpointSlice);
  nodes_ = &informer(api::Kind::Node);
  services_->add_handler(service_handler_.get());
  pods_->add_handler(pod_handler_.get());
  slices_->add_handler(slice_handler_.get());
}

bool EndpointSliceController::should_sync(const api::EndpointSlice& slice) const {
  const std::string* svc = slice.metadata.labels.find(api::kLabelServiceName);
  if (svc == nullptr) {
    return true;
  }
  auto t = tracker_.find(slice.metadata.namespace_ + "/" + *svc);
  if (t == tracker_.end()) {
    return true;
  }
  auto g = t->second.find(slice.metadata.uid);
  return g == t->second.end() || slice.metadata.resource_version > g->second;
}

bool EndpointSliceController::stale_slices(const std::string& key,
                                           const std::vector<const api::EndpointSlice*>& slices) const {
  auto t = tracker_.find(key);
  if (t == tracker_.end()) {
    return false;
  }
  std::set<std::string_view> seen;
  for (const api::EndpointSlice* s : slices) {
    seen.insert(s->metadata.uid);
    auto g = t->second.find(s->metadata.uid);
    if (g != t->second.end() && (g->second == kDeletionExpected || g->second > s->metadata.resource_version)) {
      return true;
    }
  }
  return std::any_of(t->second.begin(), t->second.end(), [&](const auto& entry) {
    return entry.second != kDeletionExpected && !seen.contains(entry.first);
  });
}

void EndpointSliceController::queue_for_slice(const api::EndpointSlice& slice) {
  const std::string* svc = slice.metadata.labels.find(api::kLabelServiceName);
  if (svc == nullptr || svc->empty()) {
    return;
  }
  enqueue_after(slice.metadata.namespace_ + "/" + *svc, kSliceChangeMinSyncDelay);
}

ReconcileResult EndpointSliceController::failed(const std::string& key) {
  // handleErr: retried with the Service's own back-off (1 s doubling to 1,000 s), then dropped.
  std::int32_t& n = failures_[key];
  if (n >= kEndpointsMaxRetries) {
    failures_.erase(key);
    return ReconcileResult::done();
  }
  Duration d = endpoints_retry_delay(n++);
  return ReconcileResult::requeue_after(d);
}

ReconcileResult EndpointSliceController::reconcile(const std::string& key) {
  ObjectRef ref = services_->get(key);
  if (!ref) {
    // The slices go with the Service through their ownerReference (garbage collector).
    tracker_.erase(key);
    failures_.erase(key);
    return ReconcileResult::done();
  }
  auto svc = ref.as<api::Service>();
  if (!service_selects_pods(*svc)) {
    failures_.erase(key);
    return ReconcileResult::done();
  }
  std::vector<const api::Pod*> pods;
  for (const ObjectRef& p : pods_->list_namespace(svc->metadata.namespace_)) {
    if (p.meta().labels.contains_all(svc->spec.selector)) {
      pods.push_back(&p.get<api::Pod>());
    }
  }
  std::vector<const api::EndpointSlice*> slices;
  for (const ObjectRef& s : slices_->list_namespace(svc->metadata.namespace_)) {
    const auto& slice = s.get<api::EndpointSlice>();
    const std::string* name = slice.metadata.labels.find(api::kLabelServiceName);
    if (name != nullptr && *name == svc->metadata.name && is_managed_by_endpoint_slice_controller(slice) &&
        !slice.metadata.deletion_timestamp) {
      slices.push_back(&slice);
    }
  }
  if (stale_slices(key, slices)) {
    // The informer has not caught up with this controller's own writes yet.
    return failed(key);
  }
  auto zone_of = [this](const std::string& node) -> std::optional<std::string> {
    ObjectRef n = nodes_->get(node);
    if (!n) {
      return std::nullopt;
    }
    const std::string* zone = n.meta().labels.find(kLabelTopologyZone);
    return zone == nullptr ? std::string() : *zone;
  };
  EndpointSlicePlan plan = plan_endpoint_slices(*svc, pods, slices, zone_of, config().max_endpoints_per_slice);

  std::uint32_t worker = current_worker();
  Pending& p = pending_[worker];
  p = Pending{key, svc, {}, 0, std::move(plan.errors)};
  // Creations are skipped while the Service is being deleted (racing the garbage collector).
  if (!svc->metadata.deletion_timestamp) {
    for (api::EndpointSlice& s : plan.to_create) {
      p.ops.emplace_back(Pending::Op::Create, std::move(s));
    }
  }
  for (api::EndpointSlice& s : plan.to_update) {
    p.ops.emplace_back(Pending::Op::Update, std::move(s));
  }
  for (api::EndpointSlice& s : plan.to_delete) {
    p.ops.emplace_back(Pending::Op::Delete, std::move(s));
  }
  if (!p.ops.empty()) {
    send_next(worker);
    return ReconcileResult::pending();
  }
  if (!p.errors.empty()) {
    recorder_.record(client::reference_to(*svc), api::kEventTypeWarning, "FailedToUpdateEndpointSlices",
                     fmt::format("Error updating Endpoint Slices for Service {}/{}: {}", svc->metadata.namespace_,
                                 svc->metadata.name, aggregate(p.errors)));
    return failed(key);
  }
  failures_.erase(key);
  return ReconcileResult::done();
}

void EndpointSliceController::send_next(std::uint32_t worker) {
  Pending& p = pending_[worker];
  auto& [op, slice] = p.ops[p.next];
  std::uint64_t tag = worker | (static_cast<std::uint64_t>(p.next) << 16);
  switch (op) {
  case Pending::Op::Create:
    client_.create(api::AnyObject(slice), tag, true);
    break;
  case Pending::Op::Update:
    client_.update(api::AnyObject(slice), tag, true);
    break;
  case Pending::Op::Delete:
    client_.remove(api::Kind::EndpointSlice, slice.metadata.namespace_, slice.metadata.name, std::nullopt, tag, true);
    break;
  }
}

void EndpointSliceController::on_reply(const client::Reply& reply) {
  auto worker = static_cast<std::uint32_t>(reply.tag & 0xFFFF);
  Pending& p = pending_[worker];
  auto& [op, slice] = p.ops[p.next];
  const api::Service& svc = *p.service;
  if (reply.code == client::ResultCode::Ok) {
    Generations& g = tracker_[p.key];
    if (op == Pending::Op::Delete) {
      g[slice.metadata.uid] = kDeletionExpected;
    } else {
      g[reply.object.meta().uid] = reply.object.meta().resource_version;
    }
    if (++p.next < p.ops.size()) {
      send_next(worker);
      return;
    }
  } else {
    // finalize stops at the first failed write.
    std::string what = op == Pending::Op::Create   ? "create EndpointSlice"
                       : op == Pending::Op::Update ? fmt::format("update {} EndpointSlice", slice.metadata.name)
                                                   : fmt::format("delete {} EndpointSlice", slice.metadata.name);
    p.errors.push_back(fmt::format("failed to {} for Service {}/{}: {}", what, svc.metadata.namespace_,
                                   svc.metadata.name, reply.message));
  }
  if (!p.errors.empty()) {
    recorder_.record(client::reference_to(svc), api::kEventTypeWarning, "FailedToUpdateEndpointSlices",
                     fmt::format("Error updating Endpoint Slices for Service {}/{}: {}", svc.metadata.namespace_,
                                 svc.metadata.name, aggregate(p.errors)));
    finish(worker, failed(p.key));
    return;
  }
  failures_.erase(p.key);
  finish(worker, ReconcileResult::done());
}

}  // namespace kubesim::controllers
