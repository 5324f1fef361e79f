#pragma once

/// Defaulting and validation of incoming objects, as the API server does them before admission.
/// The scenario loader runs the same functions on every manifest at load time and maps each
/// FieldError's path back to a file:line:col, so a bad manifest is reported where it was written and an
/// object a controller builds at run time is held to the same rules.

#include "kubesim/api/object.hpp"

#include <string>
#include <vector>

namespace kubesim::apiserver {

/// One problem with one field. `path` uses upstream's field-path syntax: "metadata.name",
/// "spec.containers[0].resources.requests[cpu]", "spec.replicas".
struct FieldError {
  std::string path;
  std::string message;
};

/// Applies upstream defaulting in place (pkg/apis/*/v1/defaults.go): namespace "default" for namespaced
/// kinds, Pod schedulerName "default-scheduler", terminationGracePeriodSeconds 30, imagePullPolicy
/// (Always for :latest/untagged images, else IfNotPresent), container requests copied from limits where
/// missing, Service targetPort = port, Node allocatable = capacity where missing, and so on.
void apply_defaults(api::AnyObject& object);

/// The job strategy's generated selector (pkg/registry/batch/job/strategy.go generateSelector): unless
/// spec.manualSelector, the template gets the labels batch.kubernetes.io/controller-uid,
/// batch.kubernetes.io/job-name, controller-uid and job-name, and the selector matches the first.
void generate_job_selector(api::Job& job, const std::string& uid);

/// Validates a defaulted object; an empty result means valid. Checks names (DNS-1123), required fields,
/// non-negative quantities, requests ≤ limits, enum values, selector/template agreement, PDB
/// minAvailable/maxUnavailable exclusivity, PriorityClass value range, and similar upstream rules.
std::vector<FieldError> validate_object(const api::AnyObject& object);

}  // namespace kubesim::apiserver
