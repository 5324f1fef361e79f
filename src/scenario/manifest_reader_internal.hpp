#pragma once

// Kubernetes manifests → api structs. Each reader checks every key against the modelled fields and the
// accepted-and-ignored tables (ignored_fields_internal.hpp), reports bad values where they were
// written, records field path → location, and finally runs the API server's defaulting and validation
// on a copy so that a FieldError ("spec.containers[0].name: Required value") is reported at the line of
// the deepest field it concerns.

#include "yaml_reader_internal.hpp"

#include "kubesim/api/node.hpp"
#include "kubesim/api/pod.hpp"
#include "kubesim/scenario/scenario_spec.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace kubesim::scenario::internal {

/// Reads the manifest at `v` (apiVersion, kind, metadata, spec, status; a v1 `List` is expanded into
/// its items) and appends each object to `out`. Problems are reported through `r`; an object with
/// problems is not appended.
void read_manifests(Reader& r, const Value& v, std::vector<ManifestObject>& out);

/// Reads a node pool's Node template: a Node manifest whose apiVersion and kind are optional and whose
/// metadata.name must not be given (nodes are named "<pool>-<i>"). Validated as node "<pool>-0".
std::optional<api::Node> read_node_template(Reader& r, const Value& v, std::string_view pool_name);

/// Reads an arrivals action's PodTemplateSpec (metadata + spec). metadata.name and metadata.namespace
/// must not be given. Validated as pod "<name>-0" in `namespace_`.
std::optional<api::PodTemplateSpec> read_arrivals_template(Reader& r, const Value& v, std::string_view name,
                                                           std::string_view namespace_);

/// A TopologySpreadConstraint / NodeAffinity outside a pod (scheduler plugin args reuse the pod
/// readers); `owner` names the enclosing object in messages.
void read_spread_constraint_value(Reader& r, const Value& v, const std::string& owner,
                                  api::TopologySpreadConstraint& out);
/// A resource list ({cpu: 500m, memory: 1Gi}) outside a manifest, e.g. the kubelet's reservations.
void read_resource_list_value(Reader& r, const Value& v, const std::string& owner, api::ResourceList& out);
void read_node_affinity_value(Reader& r, const Value& v, const std::string& owner, api::NodeAffinity& out);

}  // namespace kubesim::scenario::internal
