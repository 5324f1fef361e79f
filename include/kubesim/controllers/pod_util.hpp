#pragma once

/// Pod predicates and constructors shared by the controllers (pkg/api/v1/pod/util.go and
/// pkg/controller/controller_utils.go).

#include "kubesim/api/pod.hpp"

#include <optional>
#include <string>

namespace kubesim::controllers {

/// IsPodActive: not Succeeded/Failed and not being deleted.
bool is_pod_active(const api::Pod& pod);
/// IsPodReady: the Ready condition is True.
bool is_pod_ready(const api::Pod& pod);
/// When the pod last became Ready (the Ready condition's lastTransitionTime); nullopt if not ready.
std::optional<base::SimTime> pod_ready_time(const api::Pod& pod);
/// IsPodAvailable: ready for at least `min_ready_seconds` at `now`.
bool is_pod_available(const api::Pod& pod, std::int32_t min_ready_seconds, base::SimTime now);

/// GetPodFromTemplate: a pod to create for `owner` (generateName "<owner>-", the template's labels,
/// annotations and spec, and a controller ownerReference with blockOwnerDeletion).
api::Pod pod_from_template(const api::PodTemplateSpec& tmpl, const api::ObjectMeta& owner,
                           std::string_view owner_api_version, std::string_view owner_kind);

/// The controller ownerReference for `owner`.
api::OwnerReference controller_ref_to(const api::ObjectMeta& owner, std::string_view api_version,
                                      std::string_view kind);

/// Whether `meta`'s controller is the object of `kind` with `uid`.
bool is_controlled_by(const api::ObjectMeta& meta, std::string_view kind, std::string_view uid);

}  // namespace kubesim::controllers
