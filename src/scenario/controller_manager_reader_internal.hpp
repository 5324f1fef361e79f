#pragma once

// `spec.controlPlane.controllerManager` → controllers::ControllerManagerConfig: kube-controller-manager's
// settings under the names of its configuration file (kubecontrollermanager.config.k8s.io/v1alpha1) and
// flags, with upstream's defaults and validation ranges. Documented in docs/scenarios.md.

#include "yaml_reader_internal.hpp"

#include "kubesim/controllers/controller_manager_config.hpp"

namespace kubesim::scenario::internal {

void read_controller_manager(Reader& r, const Value& v, controllers::ControllerManagerConfig& out);

}  // namespace kubesim::scenario::internal
