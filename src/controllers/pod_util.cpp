#include "kubesim/controllers/pod_util.hpp"

namespace kubesim::controllers {

bool is_pod_active(const api::Pod& pod) {
  return pod.status.phase != api::PodPhase::Succeeded && pod.status.phase != api::PodPhase::Failed &&
         !pod.metadata.deletion_timestamp;
}

bool is_pod_ready(const api::Pod& pod) {
  const api::PodCondition* c = pod.status.condition("Ready");
  return c != nullptr && c->status == api::ConditionStatus::True;
}

std::optional<base::SimTime> pod_ready_time(const api::Pod& pod) {
  const api::PodCondition* c = pod.status.condition("Ready");
  if (c == nullptr || c->status != api::ConditionStatus::True) {
    return std::nullopt;
  }
  return c->last_transition_time;
}

bool is_pod_available(const api::Pod& pod, std::int32_t min_ready_seconds, base::SimTime now) {
  std::optional<base::SimTime> ready = pod_ready_time(pod);
  if (!ready) {
    return false;
  }
  return min_ready_seconds == 0 || *ready + base::Duration::from_seconds(min_ready_seconds) <= now;
}

api::OwnerReference controller_ref_to(const api::ObjectMeta& owner, std::string_view api_version,
                                      std::string_view kind) {
  return api::OwnerReference{std::string(api_version), std::string(kind), owner.name, owner.uid, true, true};
}

api::Pod pod_from_template(const api::PodTemplateSpec& tmpl, const api::ObjectMeta& owner,
                           std::string_view owner_api_version, std::string_view owner_kind) {
  api::Pod pod;
  pod.metadata.namespace_ = owner.namespace_;
  pod.metadata.generate_name = owner.name + "-";
  pod.metadata.labels = tmpl.metadata.labels;
  pod.metadata.annotations = tmpl.metadata.annotations;
  pod.metadata.finalizers = tmpl.metadata.finalizers;
  pod.metadata.owner_references.push_back(controller_ref_to(owner, owner_api_version, owner_kind));
  pod.spec = tmpl.spec;
  return pod;
}

bool is_controlled_by(const api::ObjectMeta& meta, std::string_view kind, std::string_view uid) {
  const api::OwnerReference* ref = meta.controller_ref();
  return ref != nullptr && ref->kind == kind && ref->uid == uid;
}

}  // namespace kubesim::controllers
