#include "kubesim/scheduler/framework/node_info.hpp"

#include <algorithm>

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

}  // namespace

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
  api::ResourceList effective;
  for (const std::string& name : api::requested_resource_names(spec)) {
    effective.set(name, api::pod_request(spec, name));
  }
  info.requests = Resource::from(effective);
  info.requests.allowed_pod_number = 0;  // "pods" is not a per-pod request
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
  info.pod = std::move(pod);
  return info;
}

void NodeInfo::add_pod(const PodInfo& p) {
  requested.add(p.requests);
  non_zero_milli_cpu += p.non_zero_milli_cpu;
  non_zero_memory += p.non_zero_memory;
  ++pod_count;
}

void NodeInfo::remove_pod(const PodInfo& p) {
  requested.subtract(p.requests);
  non_zero_milli_cpu -= p.non_zero_milli_cpu;
  non_zero_memory -= p.non_zero_memory;
  --pod_count;
}

}  // namespace kubesim::scheduler
