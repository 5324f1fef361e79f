#include "kubesim/scheduler/framework/node_info.hpp"

#include "kubesim/scheduler/framework/snapshot.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

namespace kubesim::scheduler {
namespace {

void add_scalar(std::vector<std::pair<std::string, std::int64_t>>& scalars, const std::string& name,
                std::int64_t amount) {
  auto it = std::lower_bound(scalars.begin(), scalars.end(), name,
                             [](const auto& e, const std::string& n) { return e.first < n; });
  if (it != scalars.end() && it->first == name) {
    it->second += amount;
  } else {
    scalars.insert(it, {name, amount});
  }
}

// Upstream GetNonzeroRequestForResource: a missing request gets the default; an explicit 0 stays 0.
std::int64_t non_zero(const api::ResourceList& requests, std::string_view name, std::int64_t dflt) {
  auto v = requests.get(name);
  return v ? *v : dflt;
}

// Calls f(name) for each distinct resource name in the requests of the pod's init containers and
// containers and in its overhead, in increasing order (api::requested_resource_names without the
// vector of strings). Each list is sorted, so this is a k-way merge: the smallest name greater than
// the last one, found by scanning the (few) lists again.
template <class F> void for_each_requested_resource(const api::PodSpec& spec, F&& f) {
  std::optional<std::string_view> last;
  for (;;) {
    std::optional<std::string_view> next;
    auto consider = [&](const api::ResourceList& list) {
      for (const auto& [name, amount] : list) {
        if (last && std::string_view(name) <= *last) {
          continue;
        }
        if (!next || std::string_view(name) < *next) {
          next = name;
        }
        break;  // sorted: the first name after `last` is the list's candidate
      }
    };
    for (const api::Container& c : spec.init_containers) {
      consider(c.resources.requests);
    }
    for (const api::Container& c : spec.containers) {
      consider(c.resources.requests);
    }
    consider(spec.overhead);
    if (!next) {
      return;
    }
    f(*next);
    last = next;
  }
}

AffinityTerm make_term(const api::Pod& owner, const api::PodAffinityTerm& t) {
  AffinityTerm term;
  term.topology_key = t.topology_key;
  term.namespace_selector = t.namespace_selector;
  if (t.namespaces.empty() && !t.namespace_selector) {
    term.namespaces.push_back(owner.metadata.namespace_);
  } else {
    term.namespaces = t.namespaces;
  }
  term.selector = t.label_selector;
  // matchLabelKeys / mismatchLabelKeys: merged with the owner's values (keys the owner lacks are
  // ignored), as the API server does on admission since v1.31.
  if (term.selector) {
    for (const std::string& key : t.match_label_keys) {
      if (const std::string* v = owner.metadata.labels.find(key)) {
        term.selector->match_expressions.push_back({key, api::SelectorOperator::In, {*v}});
      }
    }
    for (const std::string& key : t.mismatch_label_keys) {
      if (const std::string* v = owner.metadata.labels.find(key)) {
        term.selector->match_expressions.push_back({key, api::SelectorOperator::NotIn, {*v}});
      }
    }
  }
  return term;
}

}  // namespace

bool AffinityTerm::matches(const api::Pod& pod) const {
  const std::string& ns = pod.metadata.namespace_;
  bool ns_ok = std::find(namespaces.begin(), namespaces.end(), ns) != namespaces.end();
  if (!ns_ok && namespace_selector) {
    // kubesim does not model Namespace objects: each namespace carries only the label that
    // kube-apiserver sets on every namespace.
    api::StringMap ns_labels{{"kubernetes.io/metadata.name", ns}};
    ns_ok = namespace_selector->matches(ns_labels);
  }
  return ns_ok && selector && selector->matches(pod.metadata.labels);
}

Resource Resource::from(const api::ResourceList& list) {
  Resource r;
  for (const auto& [name, amount] : list) {
    if (name == api::kResourceCpu) {
      r.milli_cpu = amount;
    } else if (name == api::kResourceMemory) {
      r.memory = amount;
    } else if (name == api::kResourceEphemeralStorage) {
      r.ephemeral_storage = amount;
    } else if (name == api::kResourcePods) {
      r.allowed_pod_number = amount;
    } else {
      r.scalars.emplace_back(name, amount);  // ResourceList is sorted, so scalars are too
    }
  }
  return r;
}

std::int64_t Resource::get(std::string_view name) const {
  if (name == api::kResourceCpu) {
    return milli_cpu;
  }
  if (name == api::kResourceMemory) {
    return memory;
  }
  if (name == api::kResourceEphemeralStorage) {
    return ephemeral_storage;
  }
  if (name == api::kResourcePods) {
    return allowed_pod_number;
  }
  return scalar(name);
}

std::int64_t Resource::scalar(std::string_view name) const {
  for (const auto& [n, v] : scalars) {
    if (n == name) {
      return v;
    }
  }
  return 0;
}

void Resource::add(const Resource& r) {
  milli_cpu += r.milli_cpu;
  memory += r.memory;
  ephemeral_storage += r.ephemeral_storage;
  allowed_pod_number += r.allowed_pod_number;
  for (const auto& [name, amount] : r.scalars) {
    add_scalar(scalars, name, amount);
  }
}

void Resource::subtract(const Resource& r) {
  milli_cpu -= r.milli_cpu;
  memory -= r.memory;
  ephemeral_storage -= r.ephemeral_storage;
  allowed_pod_number -= r.allowed_pod_number;
  for (const auto& [name, amount] : r.scalars) {
    add_scalar(scalars, name, -amount);
  }
}

PodInfo PodInfo::from(std::shared_ptr<const api::Pod> pod) {
  PodInfo info;
  const api::PodSpec& spec = pod->spec;
  // The effective request of every resource any container (or the overhead) names, as
  // Resource::from(a ResourceList of api::pod_request per api::requested_resource_names) would give,
  // but without building the name list and the list: this runs for every pod of every cycle.
  for_each_requested_resource(spec, [&](std::string_view name) {
    const std::int64_t amount = api::pod_request(spec, name);
    if (name == api::kResourceCpu) {
      info.requests.milli_cpu = amount;
    } else if (name == api::kResourceMemory) {
      info.requests.memory = amount;
    } else if (name == api::kResourceEphemeralStorage) {
      info.requests.ephemeral_storage = amount;
    } else if (name != api::kResourcePods) {                          // "pods" is not a per-pod request
      info.requests.scalars.emplace_back(std::string(name), amount);  // names come sorted
    }
  });
  // Non-zero requests: the same init/sidecar arithmetic, with the defaults applied per container.
  auto nz = [&](std::string_view resource, std::int64_t dflt) {
    std::int64_t regular = 0;
    for (const api::Container& c : spec.containers) {
      regular += non_zero(c.resources.requests, resource, dflt);
    }
    std::int64_t sidecars = 0;
    std::int64_t init_peak = 0;
    for (const api::Container& c : spec.init_containers) {
      std::int64_t r = non_zero(c.resources.requests, resource, dflt);
      if (c.is_sidecar()) {
        sidecars += r;
        init_peak = std::max(init_peak, sidecars);
      } else {
        init_peak = std::max(init_peak, sidecars + r);
      }
    }
    return std::max(regular + sidecars, init_peak) + spec.overhead.value_or_zero(resource);
  };
  info.non_zero_milli_cpu = nz(api::kResourceCpu, kDefaultMilliCpuRequest);
  info.non_zero_memory = nz(api::kResourceMemory, kDefaultMemoryRequest);
  if (spec.affinity) {
    if (const auto& pa = spec.affinity->pod_affinity) {
      for (const api::PodAffinityTerm& t : pa->required) {
        info.required_affinity_terms.push_back(make_term(*pod, t));
      }
      for (const api::WeightedPodAffinityTerm& w : pa->preferred) {
        info.preferred_affinity_terms.push_back({make_term(*pod, w.term), w.weight});
      }
    }
    if (const auto& anti = spec.affinity->pod_anti_affinity) {
      for (const api::PodAffinityTerm& t : anti->required) {
        info.required_anti_affinity_terms.push_back(make_term(*pod, t));
      }
      for (const api::WeightedPodAffinityTerm& w : anti->preferred) {
        info.preferred_anti_affinity_terms.push_back({make_term(*pod, w.term), w.weight});
      }
    }
  }
  info.pod = std::move(pod);
  return info;
}

void NodeInfo::set_node(std::shared_ptr<const api::Node> n) {
  node = std::move(n);
  unschedulable = node->spec.unschedulable;
  has_taints = !node->spec.taints.empty();
  allocatable = Resource::from(node->status.allocatable);
  images.clear();
  for (const api::ContainerImage& img : node->status.images) {
    for (const std::string& name : img.names) {
      images.push_back(ImageState{normalized_image_name(name), img.size_bytes});
    }
  }
  std::sort(images.begin(), images.end(), [](const ImageState& a, const ImageState& b) { return a.name < b.name; });
  images.erase(std::unique(images.begin(), images.end(),
                           [](const ImageState& a, const ImageState& b) { return a.name == b.name; }),
               images.end());
  has_images = !images.empty();
}

void NodeInfo::add_pod(const PodInfo& p) { add_pod(PodInfo(p)); }

void NodeInfo::add_pod(PodInfo&& p) {
  requested.add(p.requests);
  non_zero_milli_cpu += p.non_zero_milli_cpu;
  non_zero_memory += p.non_zero_memory;
  if (p.has_affinity() && pods_with_affinity++ == 0 && owner.snapshot != nullptr) {
    owner.snapshot->note_affinity_node(this, false, true);
  }
  if (p.has_required_anti_affinity() && pods_with_required_anti_affinity++ == 0 && owner.snapshot != nullptr) {
    owner.snapshot->note_affinity_node(this, true, true);
  }
  for (HostPort& hp : host_ports_of(p.pod->spec)) {
    used_ports.push_back(std::move(hp));
  }
  pods.push_back(std::move(p));
}

bool NodeInfo::remove_pod(const std::string& uid) {
  auto it = std::find_if(pods.begin(), pods.end(), [&](const PodInfo& p) { return p.pod->metadata.uid == uid; });
  if (it == pods.end()) {
    return false;
  }
  requested.subtract(it->requests);
  non_zero_milli_cpu -= it->non_zero_milli_cpu;
  non_zero_memory -= it->non_zero_memory;
  if (it->has_affinity() && --pods_with_affinity == 0 && owner.snapshot != nullptr) {
    owner.snapshot->note_affinity_node(this, false, false);
  }
  if (it->has_required_anti_affinity() && --pods_with_required_anti_affinity == 0 && owner.snapshot != nullptr) {
    owner.snapshot->note_affinity_node(this, true, false);
  }
  for (const HostPort& hp : host_ports_of(it->pod->spec)) {
    auto used = std::find(used_ports.begin(), used_ports.end(), hp);
    if (used != used_ports.end()) {
      used_ports.erase(used);
    }
  }
  pods.erase(it);
  return true;
}

std::vector<HostPort> host_ports_of(const api::PodSpec& spec) {
  std::vector<HostPort> out;
  auto visit = [&](const api::Container& c) {
    for (const api::ContainerPort& p : c.ports) {
      if (p.host_port > 0) {
        out.push_back(
            HostPort{p.host_ip.empty() ? "0.0.0.0" : p.host_ip, p.protocol.empty() ? "TCP" : p.protocol, p.host_port});
      }
    }
  };
  // Init containers hold their ports only while they run, except sidecars, which run alongside.
  for (const api::Container& c : spec.init_containers) {
    if (c.is_sidecar()) {
      visit(c);
    }
  }
  std::for_each(spec.containers.begin(), spec.containers.end(), visit);
  return out;
}

std::string normalized_image_name(const std::string& image) {
  auto slash = image.rfind('/');
  auto colon = image.rfind(':');
  bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  bool has_digest = image.find('@') != std::string::npos;
  return has_tag || has_digest ? image : image + ":latest";
}

}  // namespace kubesim::scheduler
