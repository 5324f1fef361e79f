#include "kubesim/api/pod.hpp"

#include <algorithm>

namespace kubesim::api {

std::string_view pod_phase_name(PodPhase p) {
  switch (p) {
  case PodPhase::Pending:
    return "Pending";
  case PodPhase::Running:
    return "Running";
  case PodPhase::Succeeded:
    return "Succeeded";
  case PodPhase::Failed:
    return "Failed";
  case PodPhase::Unknown:
    return "Unknown";
  }
  return "Unknown";
}

std::string_view condition_status_name(ConditionStatus s) {
  switch (s) {
  case ConditionStatus::True:
    return "True";
  case ConditionStatus::False:
    return "False";
  case ConditionStatus::Unknown:
    return "Unknown";
  }
  return "Unknown";
}

const PodCondition* PodStatus::condition(std::string_view type) const {
  for (const PodCondition& c : conditions) {
    if (c.type == type) {
      return &c;
    }
  }
  return nullptr;
}

void PodStatus::set_condition(PodCondition c) {
  for (PodCondition& existing : conditions) {
    if (existing.type == c.type) {
      if (existing.status == c.status) {
        c.last_transition_time = existing.last_transition_time;
      }
      existing = std::move(c);
      return;
    }
  }
  conditions.push_back(std::move(c));
}

bool Pod::is_ready() const {
  const PodCondition* c = status.condition("Ready");
  return c != nullptr && c->status == ConditionStatus::True;
}

std::int64_t pod_request(const PodSpec& spec, std::string_view resource) {
  std::int64_t regular = 0;
  for (const Container& c : spec.containers) {
    regular += c.resources.requests.value_or_zero(resource);
  }
  // Sidecars run alongside the app containers; each classic init container runs alone, but next to
  // every sidecar declared before it.
  std::int64_t sidecars = 0;
  std::int64_t init_peak = 0;
  for (const Container& c : spec.init_containers) {
    std::int64_t r = c.resources.requests.value_or_zero(resource);
    if (c.is_sidecar()) {
      sidecars += r;
      init_peak = std::max(init_peak, sidecars);
    } else {
      init_peak = std::max(init_peak, sidecars + r);
    }
  }
  return std::max(regular + sidecars, init_peak) + spec.overhead.value_or_zero(resource);
}

std::vector<std::string> requested_resource_names(const PodSpec& spec) {
  std::vector<std::string> names;
  auto add = [&](const ResourceList& list) {
    for (const auto& [name, amount] : list) {
      names.push_back(name);
    }
  };
  for (const Container& c : spec.init_containers) {
    add(c.resources.requests);
  }
  for (const Container& c : spec.containers) {
    add(c.resources.requests);
  }
  add(spec.overhead);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string_view qos_class_name(QosClass q) {
  switch (q) {
  case QosClass::Guaranteed:
    return "Guaranteed";
  case QosClass::Burstable:
    return "Burstable";
  case QosClass::BestEffort:
    return "BestEffort";
  }
  return "BestEffort";
}

QosClass qos_class(const PodSpec& spec) {
  // Upstream pkg/apis/core/helper/qos GetPodQOS, over the QoS compute resources cpu and memory:
  // zero quantities count as unset; Guaranteed needs non-zero cpu and memory limits in every container
  // and summed requests equal to summed limits.
  std::int64_t req[2] = {0, 0};
  std::int64_t lim[2] = {0, 0};
  bool has_req[2] = {false, false};
  bool has_lim[2] = {false, false};
  bool guaranteed = true;
  const std::string_view names[2] = {kResourceCpu, kResourceMemory};
  auto visit = [&](const Container& c) {
    bool limits_found[2] = {false, false};
    for (std::size_t i = 0; i < 2; ++i) {
      if (auto r = c.resources.requests.get(names[i]); r && *r != 0) {
        req[i] += *r;
        has_req[i] = true;
      }
      if (auto l = c.resources.limits.get(names[i]); l && *l != 0) {
        lim[i] += *l;
        has_lim[i] = true;
        limits_found[i] = true;
      }
    }
    if (!limits_found[0] || !limits_found[1]) {
      guaranteed = false;
    }
  };
  std::for_each(spec.init_containers.begin(), spec.init_containers.end(), visit);
  std::for_each(spec.containers.begin(), spec.containers.end(), visit);
  if (!has_req[0] && !has_req[1] && !has_lim[0] && !has_lim[1]) {
    return QosClass::BestEffort;
  }
  for (std::size_t i = 0; i < 2 && guaranteed; ++i) {
    if (has_req[i] && (!has_lim[i] || lim[i] != req[i])) {
      guaranteed = false;
    }
  }
  // Every limited resource must also be requested (the API server copies limits into missing requests).
  if (guaranteed && has_req[0] == has_lim[0] && has_req[1] == has_lim[1]) {
    return QosClass::Guaranteed;
  }
  return QosClass::Burstable;
}

}  // namespace kubesim::api
