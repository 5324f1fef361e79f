#include "ignored_fields_internal.hpp"
#include "manifest_reader_internal.hpp"

#include "kubesim/api/object.hpp"
#include "kubesim/apiserver/validation.hpp"
#include "kubesim/base/quantity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace kubesim::scenario::internal {
namespace {

using api::AnyObject;
using api::Kind;

// Enum spellings, as in k8s.io/api.
constexpr std::array kPullPolicies = {EnumName<api::PullPolicy>{"Always", api::PullPolicy::Always},
                                      EnumName<api::PullPolicy>{"IfNotPresent", api::PullPolicy::IfNotPresent},
                                      EnumName<api::PullPolicy>{"Never", api::PullPolicy::Never}};
constexpr std::array kRestartPolicies = {EnumName<api::RestartPolicy>{"Always", api::RestartPolicy::Always},
                                         EnumName<api::RestartPolicy>{"OnFailure", api::RestartPolicy::OnFailure},
                                         EnumName<api::RestartPolicy>{"Never", api::RestartPolicy::Never}};
constexpr std::array kPreemptionPolicies = {
    EnumName<api::PreemptionPolicy>{"PreemptLowerPriority", api::PreemptionPolicy::PreemptLowerPriority},
    EnumName<api::PreemptionPolicy>{"Never", api::PreemptionPolicy::Never}};
constexpr std::array kLabelSelectorOperators = {
    EnumName<api::SelectorOperator>{"In", api::SelectorOperator::In},
    EnumName<api::SelectorOperator>{"NotIn", api::SelectorOperator::NotIn},
    EnumName<api::SelectorOperator>{"Exists", api::SelectorOperator::Exists},
    EnumName<api::SelectorOperator>{"DoesNotExist", api::SelectorOperator::DoesNotExist}};
constexpr std::array kNodeSelectorOperators = {
    EnumName<api::SelectorOperator>{"In", api::SelectorOperator::In},
    EnumName<api::SelectorOperator>{"NotIn", api::SelectorOperator::NotIn},
    EnumName<api::SelectorOperator>{"Exists", api::SelectorOperator::Exists},
    EnumName<api::SelectorOperator>{"DoesNotExist", api::SelectorOperator::DoesNotExist},
    EnumName<api::SelectorOperator>{"Gt", api::SelectorOperator::Gt},
    EnumName<api::SelectorOperator>{"Lt", api::SelectorOperator::Lt}};
constexpr std::array kTaintEffects = {
    EnumName<api::TaintEffect>{"NoSchedule", api::TaintEffect::NoSchedule},
    EnumName<api::TaintEffect>{"PreferNoSchedule", api::TaintEffect::PreferNoSchedule},
    EnumName<api::TaintEffect>{"NoExecute", api::TaintEffect::NoExecute}};
// A toleration's empty effect matches every effect.
constexpr std::array kTolerationEffects = {
    EnumName<api::TaintEffect>{"", api::TaintEffect::None},
    EnumName<api::TaintEffect>{"NoSchedule", api::TaintEffect::NoSchedule},
    EnumName<api::TaintEffect>{"PreferNoSchedule", api::TaintEffect::PreferNoSchedule},
    EnumName<api::TaintEffect>{"NoExecute", api::TaintEffect::NoExecute}};
// An empty operator means Equal upstream.
constexpr std::array kTolerationOperators = {
    EnumName<api::TolerationOperator>{"", api::TolerationOperator::Equal},
    EnumName<api::TolerationOperator>{"Equal", api::TolerationOperator::Equal},
    EnumName<api::TolerationOperator>{"Exists", api::TolerationOperator::Exists}};
constexpr std::array kUnsatisfiableActions = {
    EnumName<api::UnsatisfiableConstraintAction>{"DoNotSchedule", api::UnsatisfiableConstraintAction::DoNotSchedule},
    EnumName<api::UnsatisfiableConstraintAction>{"ScheduleAnyway", api::UnsatisfiableConstraintAction::ScheduleAnyway}};
constexpr std::array kInclusionPolicies = {
    EnumName<api::NodeInclusionPolicy>{"Honor", api::NodeInclusionPolicy::Honor},
    EnumName<api::NodeInclusionPolicy>{"Ignore", api::NodeInclusionPolicy::Ignore}};
constexpr std::array kStrategyTypes = {
    EnumName<api::DeploymentStrategyType>{"RollingUpdate", api::DeploymentStrategyType::RollingUpdate},
    EnumName<api::DeploymentStrategyType>{"Recreate", api::DeploymentStrategyType::Recreate}};
constexpr std::array kConditionStatuses = {EnumName<api::ConditionStatus>{"True", api::ConditionStatus::True},
                                           EnumName<api::ConditionStatus>{"False", api::ConditionStatus::False},
                                           EnumName<api::ConditionStatus>{"Unknown", api::ConditionStatus::Unknown}};

/// What every reader below needs: the file context and the name of the object for messages.
struct Ctx {
  Reader& r;
  std::string owner;
};

// ---------------------------------------------------------------------------------------------------
// Free-form maps (labels, resource lists): keys are data, recorded as "<path>[<key>]".

struct MapEntry {
  std::string key;
  Value value;  // value.node may be null
};

std::vector<MapEntry> map_entries(Ctx& c, const Value& v) {
  Reader& r = c.r;
  std::vector<MapEntry> out;
  if (!expect_mapping(r, v)) {
    return out;
  }
  for (auto it = v.node.begin(); it != v.node.end(); ++it) {
    std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
    SourceLocation key_loc = r.loc(it->first);
    if (std::any_of(out.begin(), out.end(), [&](const MapEntry& e) { return e.key == key; })) {
      r.error(key_loc, fmt::format("duplicate field '{}' in {}", key, c.owner));
      continue;
    }
    std::string path = fmt::format("{}[{}]", v.path, key);
    r.record(path, key_loc);
    SourceLocation value_loc = it->second.IsNull() ? key_loc : r.loc(it->second);
    out.push_back(MapEntry{key, Value{it->second, std::move(path), value_loc, key_loc}});
  }
  return out;
}

void read_string_map(Ctx& c, const Value& v, api::StringMap& out) {
  for (MapEntry& e : map_entries(c, v)) {
    if (e.value.node.IsNull()) {
      out.set(std::move(e.key), std::string());
      continue;
    }
    if (std::optional<std::string> s = read_string(c.r, e.value)) {
      out.set(std::move(e.key), std::move(*s));
    }
  }
}

// "2GB" → "2": the number the user wrote, to build a hint in their own terms.
std::string numeric_prefix(std::string_view text) {
  std::size_t n = 0;
  while (n < text.size() && ((text[n] >= '0' && text[n] <= '9') || text[n] == '.')) {
    ++n;
  }
  return n == 0 ? std::string("2") : std::string(text.substr(0, n));
}

void read_resource_list(Ctx& c, const Value& v, api::ResourceList& out) {
  for (MapEntry& e : map_entries(c, v)) {
    if (!expect_scalar(c.r, e.value)) {
      continue;
    }
    const std::string& text = e.value.node.Scalar();
    auto q = base::Quantity::parse(text);
    if (!q) {
      std::string hint = e.key == api::kResourceCpu
                             ? std::string("use cores like 2 or 0.5, or millicores like 500m")
                             : fmt::format("use a suffix like {0}G or {0}Gi", numeric_prefix(text));
      c.r.error(e.value.loc, fmt::format("invalid quantity '{}' for {}: {}", text, e.key, q.error()), std::move(hint));
      continue;
    }
    // Upstream keeps CPU as MilliValue() and everything else as Value(), both rounded up.
    out.set(e.key, e.key == api::kResourceCpu ? q->milli_value() : q->value());
  }
}

std::optional<api::IntOrString> read_int_or_string(Reader& r, const Value& v) {
  if (!expect_scalar(r, v)) {
    return std::nullopt;
  }
  const std::string& text = v.node.Scalar();
  bool plain = v.node.Tag() == "?";
  bool numeric = !text.empty() && std::all_of(text.begin() + (text.front() == '-' ? 1 : 0), text.end(),
                                              [](char ch) { return ch >= '0' && ch <= '9'; });
  if (plain && numeric && text != "-") {
    std::optional<std::int64_t> i =
        read_int(r, v, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max());
    if (!i) {
      return std::nullopt;
    }
    return api::IntOrString::from_int(static_cast<std::int32_t>(*i));
  }
  return api::IntOrString::from_string(text);
}

// ---------------------------------------------------------------------------------------------------
// Selectors, affinity, tolerations, spreading.

void read_requirement(Ctx& c, const Value& v, bool node_selector, api::SelectorRequirement& out) {
  MapReader m(c.r, v, c.owner);
  if (!m.valid()) {
    return;
  }
  m.read("key", out.key);
  if (std::optional<Value> op = m.require("operator")) {
    std::optional<api::SelectorOperator> e = node_selector
                                                 ? read_enum<api::SelectorOperator>(c.r, *op, kNodeSelectorOperators)
                                                 : read_enum<api::SelectorOperator>(c.r, *op, kLabelSelectorOperators);
    if (e) {
      out.op = *e;
    }
  }
  m.read("values", out.values);
  m.finish();
}

void read_requirements(Ctx& c, MapReader& m, std::string_view key, bool node_selector,
                       std::vector<api::SelectorRequirement>& out) {
  if (std::optional<Value> list = m.get(key)) {
    for (const Value& item : sequence_items(c.r, *list)) {
      read_requirement(c, item, node_selector, out.emplace_back());
    }
  }
}

void read_label_selector(Ctx& c, const Value& v, api::LabelSelector& out) {
  MapReader m(c.r, v, c.owner);
  if (!m.valid()) {
    return;
  }
  if (std::optional<Value> labels = m.get("matchLabels")) {
    read_string_map(c, *labels, out.match_labels);
  }
  read_requirements(c, m, "matchExpressions", false, out.match_expressions);
  m.finish();
}

void read_optional_label_selector(Ctx& c, MapReader& m, std::string_view key, std::optional<api::LabelSelector>& out) {
  if (std::optional<Value> v = m.get(key)) {
    read_label_selector(c, *v, out.emplace());
  }
}

void read_node_selector_term(Ctx& c, const Value& v, api::NodeSelectorTerm& out) {
  MapReader m(c.r, v, c.owner);
  if (!m.valid()) {
    return;
  }
  read_requirements(c, m, "matchExpressions", true, out.match_expressions);
  read_requirements(c, m, "matchFields", true, out.match_fields);
  m.finish();
}

void read_node_affinity(Ctx& c, const Value& v, api::NodeAffinity& out) {
  MapReader m(c.r, v, c.owner);
  if (!m.valid()) {
    return;
  }
  if (std::optional<Value> req = m.get("requiredDuringSchedulingIgnoredDuringExecution")) {
    MapReader rm(c.r, *req, c.owner);
    api::NodeSelector& selector = out.required.emplace();
    if (std::optional<Value> terms = rm.get("nodeSelectorTerms")) {
      for (const Value& item : sequence_items(c.r, *terms)) {
        read_node_selector_term(c, item, selector.terms.emplace_back());
      }
    }
    rm.finish();
  }
  if (std::optional<Value> pref = m.get("preferredDuringSchedulingIgnoredDuringExecution")) {
    for (const Value& item : sequence_items(c.r, *pref)) {
      MapReader pm(c.r, item, c.owner);
      if (!pm.valid()) {
        continue;
      }
      api::PreferredSchedulingTerm& term = out.preferred.emplace_back();
      pm.read("weight", term.weight);
      if (std::optional<Value> p = pm.get("preference")) {
        read_node_selector_term(c, *p, term.preference);
      }
      pm.finish();
    }
  }
  m.finish();
}

void read_pod_affinity_term(Ctx& c, const Value& v, api::PodAffinityTerm& out) {
  MapReader m(c.r, v, c.owner);
  if (!m.valid()) {
    return;
  }
  read_optional_label_selector(c, m, "labelSelector", out.label_selector);
  m.read("namespaces", out.namespaces);
  read_optional_label_selector(c, m, "namespaceSelector", out.namespace_selector);
  m.read("topologyKey", out.topology_key);
  m.read("matchLabelKeys", out.match_label_keys);
  m.read("mismatchLabelKeys", out.mismatch_label_keys);
  m.finish();
}

void read_pod_affinity(Ctx& c, const Value& v, api::PodAffinity& out) {
  MapReader m(c.r, v, c.owner);
  if (!m.valid()) {
    return;
  }
  if (std::optional<Value> req = m.get("requiredDuringSchedulingIgnoredDuringExecution")) {
    for (const Value& item : sequence_items(c.r, *req)) {
      read_pod_affinity_term(c, item, out.required.emplace_back());
    }
  }
  if (std::optional<Value> pref = m.get("preferredDuringSchedulingIgnoredDuringExecution")) {
    for (const Value& item : sequence_items(c.r, *pref)) {
      MapReader pm(c.r, item, c.owner);
      if (!pm.valid()) {
        continue;
      }
      api::WeightedPodAffinityTerm& term = out.preferred.emplace_back();
      pm.read("weight", term.weight);
      if (std::optional<Value> t = pm.get("podAffinityTerm")) {
        read_pod_affinity_term(c, *t, term.term);
      }
      pm.finish();
    }
  }
  m.finish();
}

void read_affinity(Ctx& c, const Value& v, api::Affinity& out) {
  MapReader m(c.r, v, c.owner);
  if (!m.valid()) {
    return;
  }
  if (std::optional<Value> na = m.get("nodeAffinity")) {
    read_node_affinity(c, *na, out.node_affinity.emplace());
  }
  if (std::optional<Value> pa = m.get("podAffinity")) {
    read_pod_affinity(c, *pa, out.pod_affinity.emplace());
  }
  if (std::optional<Value> paa = m.get("podAntiAffinity")) {
    read_pod_affinity(c, *paa, out.pod_anti_affinity.emplace());
  }
  m.finish();
}

void read_toleration(Ctx& c, const Value& v, api::Toleration& out) {
  MapReader m(c.r, v, c.owner);
  if (!m.valid()) {
    return;
  }
  m.read("key", out.key);
  read_enum_field<api::TolerationOperator>(m, "operator", kTolerationOperators, out.op);
  m.read("value", out.value);
  read_enum_field<api::TaintEffect>(m, "effect", kTolerationEffects, out.effect);
  m.read("tolerationSeconds", out.toleration_seconds);
  m.finish();
}

void read_taint(Ctx& c, const Value& v, api::Taint& out) {
  MapReader m(c.r, v, c.owner);
  if (!m.valid()) {
    return;
  }
  m.read("key", out.key);
  m.read("value", out.value);
  if (std::optional<Value> effect = m.require("effect")) {
    if (auto e = read_enum<api::TaintEffect>(c.r, *effect, kTaintEffects)) {
      out.effect = *e;
    }
  }
  m.ignore(ignored::kTaint);
  m.finish();
}

void read_spread_constraint(Ctx& c, const Value& v, api::TopologySpreadConstraint& out) {
  MapReader m(c.r, v, c.owner);
  if (!m.valid()) {
    return;
  }
  m.read("maxSkew", out.max_skew);
  m.read("topologyKey", out.topology_key);
  read_enum_field<api::UnsatisfiableConstraintAction>(m, "whenUnsatisfiable", kUnsatisfiableActions,
                                                      out.when_unsatisfiable);
  read_optional_label_selector(c, m, "labelSelector", out.label_selector);
  m.read("minDomains", out.min_domains);
  read_enum_field<api::NodeInclusionPolicy>(m, "nodeAffinityPolicy", kInclusionPolicies, out.node_affinity_policy);
  read_enum_field<api::NodeInclusionPolicy>(m, "nodeTaintsPolicy", kInclusionPolicies, out.node_taints_policy);
  m.read("matchLabelKeys", out.match_label_keys);
  m.finish();
}

// ---------------------------------------------------------------------------------------------------
// Containers and pods.

void read_probe(Ctx& c, const Value& v, api::Probe& out) {
  MapReader m(c.r, v, c.owner);
  if (!m.valid()) {
    return;
  }
  m.read("initialDelaySeconds", out.initial_delay_seconds);
  m.read("periodSeconds", out.period_seconds);
  m.read("timeoutSeconds", out.timeout_seconds);
  m.read("successThreshold", out.success_threshold);
  m.read("failureThreshold", out.failure_threshold);
  m.ignore(ignored::kProbe);
  m.finish();
}

void read_optional_probe(Ctx& c, MapReader& m, std::string_view key, std::optional<api::Probe>& out) {
  if (std::optional<Value> v = m.get(key)) {
    read_probe(c, *v, out.emplace());
  }
}

void read_container_port(Ctx& c, const Value& v, api::ContainerPort& out) {
  MapReader m(c.r, v, c.owner);
  if (!m.valid()) {
    return;
  }
  m.read("containerPort", out.container_port);
  m.read("hostPort", out.host_port);
  m.read("protocol", out.protocol);
  m.read("name", out.name);
  m.read("hostIP", out.host_ip);
  m.finish();
}

void read_container(Ctx& c, const Value& v, api::Container& out) {
  MapReader m(c.r, v, c.owner);
  if (!m.valid()) {
    return;
  }
  m.read("name", out.name);
  m.read("image", out.image);
  read_enum_field<api::PullPolicy>(m, "imagePullPolicy", kPullPolicies, out.image_pull_policy);
  if (std::optional<Value> res = m.get("resources")) {
    MapReader rm(c.r, *res, c.owner);
    if (std::optional<Value> requests = rm.get("requests")) {
      read_resource_list(c, *requests, out.resources.requests);
    }
    if (std::optional<Value> limits = rm.get("limits")) {
      read_resource_list(c, *limits, out.resources.limits);
    }
    rm.ignore(ignored::kResourceRequirements);
    rm.finish();
  }
  if (std::optional<Value> ports = m.get("ports")) {
    for (const Value& item : sequence_items(c.r, *ports)) {
      read_container_port(c, item, out.ports.emplace_back());
    }
  }
  read_optional_probe(c, m, "readinessProbe", out.readiness_probe);
  read_optional_probe(c, m, "livenessProbe", out.liveness_probe);
  read_optional_probe(c, m, "startupProbe", out.startup_probe);
  std::string restart_policy;
  if (m.read("restartPolicy", restart_policy)) {
    out.restart_policy = std::move(restart_policy);
  }
  m.ignore(ignored::kContainer);
  m.finish();
}

void read_containers(Ctx& c, MapReader& m, std::string_view key, std::vector<api::Container>& out) {
  if (std::optional<Value> list = m.get(key)) {
    for (const Value& item : sequence_items(c.r, *list)) {
      read_container(c, item, out.emplace_back());
    }
  }
}

void read_pod_spec(Ctx& c, const Value& v, api::PodSpec& out) {
  MapReader m(c.r, v, c.owner);
  if (!m.valid()) {
    return;
  }
  read_containers(c, m, "initContainers", out.init_containers);
  read_containers(c, m, "containers", out.containers);
  m.read("nodeName", out.node_name);
  if (std::optional<Value> ns = m.get("nodeSelector")) {
    read_string_map(c, *ns, out.node_selector);
  }
  if (std::optional<Value> aff = m.get("affinity")) {
    read_affinity(c, *aff, out.affinity.emplace());
  }
  if (std::optional<Value> tols = m.get("tolerations")) {
    for (const Value& item : sequence_items(c.r, *tols)) {
      read_toleration(c, item, out.tolerations.emplace_back());
    }
  }
  if (std::optional<Value> tscs = m.get("topologySpreadConstraints")) {
    for (const Value& item : sequence_items(c.r, *tscs)) {
      read_spread_constraint(c, item, out.topology_spread_constraints.emplace_back());
    }
  }
  m.read("priority", out.priority);
  m.read("priorityClassName", out.priority_class_name);
  read_enum_field<api::PreemptionPolicy>(m, "preemptionPolicy", kPreemptionPolicies, out.preemption_policy);
  m.read("schedulerName", out.scheduler_name);
  m.read("terminationGracePeriodSeconds", out.termination_grace_period_seconds);
  m.read("activeDeadlineSeconds", out.active_deadline_seconds);
  read_enum_field<api::RestartPolicy>(m, "restartPolicy", kRestartPolicies, out.restart_policy);
  if (std::optional<Value> overhead = m.get("overhead")) {
    read_resource_list(c, *overhead, out.overhead);
  }
  if (std::optional<Value> gates = m.get("schedulingGates")) {
    for (const Value& item : sequence_items(c.r, *gates)) {
      MapReader gm(c.r, item, c.owner);
      if (!gm.valid()) {
        continue;
      }
      if (std::optional<Value> name = gm.require("name")) {
        if (std::optional<std::string> s = read_string(c.r, *name)) {
          out.scheduling_gates.push_back(std::move(*s));
        }
      }
      gm.finish();
    }
  }
  m.read("hostNetwork", out.host_network);
  m.ignore(ignored::kPodSpec);
  m.finish();
}

void read_object_meta(Ctx& c, const Value& v, api::ObjectMeta& out) {
  MapReader m(c.r, v, c.owner);
  if (!m.valid()) {
    return;
  }
  m.read("name", out.name);
  m.read("namespace", out.namespace_);
  m.read("generateName", out.generate_name);
  if (std::optional<Value> labels = m.get("labels")) {
    read_string_map(c, *labels, out.labels);
  }
  if (std::optional<Value> annotations = m.get("annotations")) {
    read_string_map(c, *annotations, out.annotations);
  }
  if (std::optional<Value> refs = m.get("ownerReferences")) {
    for (const Value& item : sequence_items(c.r, *refs)) {
      MapReader om(c.r, item, c.owner);
      if (!om.valid()) {
        continue;
      }
      api::OwnerReference& ref = out.owner_references.emplace_back();
      om.read("apiVersion", ref.api_version);
      om.read("kind", ref.kind);
      om.read("name", ref.name);
      om.read("uid", ref.uid);
      om.read("controller", ref.controller);
      om.read("blockOwnerDeletion", ref.block_owner_deletion);
      om.finish();
    }
  }
  m.read("finalizers", out.finalizers);
  // Only whether it is set matters (a terminating pod, e.g. in a `kubesim schedule` snapshot); the API
  // server clears it on create, as upstream does.
  if (std::optional<Value> ts = m.get("deletionTimestamp")) {
    if (read_string(c.r, *ts)) {
      out.deletion_timestamp = SimTime::zero();
    }
  }
  m.ignore(ignored::kObjectMeta);
  m.finish();
}

void read_metadata_field(Ctx& c, MapReader& m, api::ObjectMeta& out) {
  if (std::optional<Value> meta = m.get("metadata")) {
    read_object_meta(c, *meta, out);
  }
}

void read_pod_template(Ctx& c, const Value& v, api::PodTemplateSpec& out) {
  MapReader m(c.r, v, c.owner);
  if (!m.valid()) {
    return;
  }
  read_metadata_field(c, m, out.metadata);
  if (std::optional<Value> spec = m.get("spec")) {
    read_pod_spec(c, *spec, out.spec);
  }
  m.finish();
}

// ---------------------------------------------------------------------------------------------------
// Object bodies: each reads the kind's top-level fields (besides apiVersion and kind) from `m`.

void read_node_body(Ctx& c, MapReader& m, api::Node& out) {
  read_metadata_field(c, m, out.metadata);
  if (std::optional<Value> spec = m.get("spec")) {
    MapReader sm(c.r, *spec, c.owner);
    sm.read("unschedulable", out.spec.unschedulable);
    if (std::optional<Value> taints = sm.get("taints")) {
      for (const Value& item : sequence_items(c.r, *taints)) {
        read_taint(c, item, out.spec.taints.emplace_back());
      }
    }
    sm.read("podCIDR", out.spec.pod_cidr);
    sm.read("providerID", out.spec.provider_id);
    sm.ignore(ignored::kNodeSpec);
    sm.finish();
  }
  if (std::optional<Value> status = m.get("status")) {
    MapReader sm(c.r, *status, c.owner);
    if (std::optional<Value> capacity = sm.get("capacity")) {
      read_resource_list(c, *capacity, out.status.capacity);
    }
    if (std::optional<Value> allocatable = sm.get("allocatable")) {
      read_resource_list(c, *allocatable, out.status.allocatable);
    }
    if (std::optional<Value> conditions = sm.get("conditions")) {
      for (const Value& item : sequence_items(c.r, *conditions)) {
        MapReader cm(c.r, item, c.owner);
        if (!cm.valid()) {
          continue;
        }
        api::NodeCondition& cond = out.status.conditions.emplace_back();
        cm.read("type", cond.type);
        read_enum_field<api::ConditionStatus>(cm, "status", kConditionStatuses, cond.status);
        cm.read("reason", cond.reason);
        cm.read("message", cond.message);
        cm.ignore(ignored::kNodeCondition);
        cm.finish();
      }
    }
    if (std::optional<Value> images = sm.get("images")) {
      for (const Value& item : sequence_items(c.r, *images)) {
        MapReader im(c.r, item, c.owner);
        if (!im.valid()) {
          continue;
        }
        api::ContainerImage& image = out.status.images.emplace_back();
        im.read("names", image.names);
        im.read("sizeBytes", image.size_bytes, 0);
        im.finish();
      }
    }
    if (std::optional<Value> info = sm.get("nodeInfo")) {
      MapReader nm(c.r, *info, c.owner);
      nm.read("kubeletVersion", out.status.node_info.kubelet_version);
      nm.read("containerRuntimeVersion", out.status.node_info.container_runtime_version);
      nm.read("operatingSystem", out.status.node_info.operating_system);
      nm.read("architecture", out.status.node_info.architecture);
      nm.read("osImage", out.status.node_info.os_image);
      nm.read("kernelVersion", out.status.node_info.kernel_version);
      nm.ignore(ignored::kNodeSystemInfo);
      nm.finish();
    }
    sm.ignore(ignored::kNodeStatus);
    sm.finish();
  }
}

void read_pod_body(Ctx& c, MapReader& m, api::Pod& out) {
  read_metadata_field(c, m, out.metadata);
  if (std::optional<Value> spec = m.get("spec")) {
    read_pod_spec(c, *spec, out.spec);
  }
}

void read_service_body(Ctx& c, MapReader& m, api::Service& out) {
  read_metadata_field(c, m, out.metadata);
  std::optional<Value> spec = m.get("spec");
  if (!spec) {
    return;
  }
  MapReader sm(c.r, *spec, c.owner);
  if (std::optional<Value> selector = sm.get("selector")) {
    read_string_map(c, *selector, out.spec.selector);
  }
  if (std::optional<Value> ports = sm.get("ports")) {
    for (const Value& item : sequence_items(c.r, *ports)) {
      MapReader pm(c.r, item, c.owner);
      if (!pm.valid()) {
        continue;
      }
      api::ServicePort& port = out.spec.ports.emplace_back();
      pm.read("name", port.name);
      pm.read("protocol", port.protocol);
      pm.read("port", port.port);
      if (std::optional<Value> target = pm.get("targetPort")) {
        port.target_port = read_int_or_string(c.r, *target);
      }
      pm.read("nodePort", port.node_port);
      pm.ignore(ignored::kServicePort);
      pm.finish();
    }
  }
  sm.read("type", out.spec.type);
  sm.read("clusterIP", out.spec.cluster_ip);
  sm.read("publishNotReadyAddresses", out.spec.publish_not_ready_addresses);
  sm.ignore(ignored::kServiceSpec);
  sm.finish();
}

// ReplicaSet and Deployment share replicas/selector/template/minReadySeconds.
template <class Spec> void read_workload_common(Ctx& c, MapReader& sm, Spec& spec) {
  sm.read("replicas", spec.replicas);
  sm.read("minReadySeconds", spec.min_ready_seconds);
  if (std::optional<Value> selector = sm.get("selector")) {
    read_label_selector(c, *selector, spec.selector);
  }
  if (std::optional<Value> tmpl = sm.get("template")) {
    read_pod_template(c, *tmpl, spec.template_);
  }
}

void read_replica_set_body(Ctx& c, MapReader& m, api::ReplicaSet& out) {
  read_metadata_field(c, m, out.metadata);
  if (std::optional<Value> spec = m.get("spec")) {
    MapReader sm(c.r, *spec, c.owner);
    read_workload_common(c, sm, out.spec);
    sm.finish();
  }
}

void read_job_body(Ctx& c, MapReader& m, api::Job& out) {
  read_metadata_field(c, m, out.metadata);
  std::optional<Value> spec = m.get("spec");
  if (!spec) {
    return;
  }
  MapReader sm(c.r, *spec, c.owner);
  sm.read("parallelism", out.spec.parallelism);
  sm.read("completions", out.spec.completions);
  sm.read("backoffLimit", out.spec.backoff_limit);
  sm.read("activeDeadlineSeconds", out.spec.active_deadline_seconds);
  sm.read("ttlSecondsAfterFinished", out.spec.ttl_seconds_after_finished);
  sm.read("suspend", out.spec.suspend);
  sm.read("completionMode", out.spec.completion_mode);
  if (std::optional<Value> selector = sm.get("selector")) {
    read_label_selector(c, *selector, out.spec.selector);
  }
  sm.read("manualSelector", out.spec.manual_selector);
  if (std::optional<Value> tmpl = sm.get("template")) {
    read_pod_template(c, *tmpl, out.spec.template_);
  }
  sm.finish();
}

void read_deployment_body(Ctx& c, MapReader& m, api::Deployment& out) {
  read_metadata_field(c, m, out.metadata);
  std::optional<Value> spec = m.get("spec");
  if (!spec) {
    return;
  }
  MapReader sm(c.r, *spec, c.owner);
  read_workload_common(c, sm, out.spec);
  if (std::optional<Value> strategy = sm.get("strategy")) {
    MapReader stm(c.r, *strategy, c.owner);
    read_enum_field<api::DeploymentStrategyType>(stm, "type", kStrategyTypes, out.spec.strategy);
    if (std::optional<Value> ru = stm.get("rollingUpdate")) {
      MapReader rum(c.r, *ru, c.owner);
      if (std::optional<Value> surge = rum.get("maxSurge")) {
        if (auto s = read_int_or_string(c.r, *surge)) {
          out.spec.rolling_update.max_surge = *s;
        }
      }
      if (std::optional<Value> unavailable = rum.get("maxUnavailable")) {
        if (auto u = read_int_or_string(c.r, *unavailable)) {
          out.spec.rolling_update.max_unavailable = *u;
        }
      }
      rum.finish();
    }
    stm.finish();
  }
  sm.read("revisionHistoryLimit", out.spec.revision_history_limit);
  sm.read("progressDeadlineSeconds", out.spec.progress_deadline_seconds);
  sm.read("paused", out.spec.paused);
  sm.finish();
}

void read_priority_class_body(Ctx& c, MapReader& m, api::PriorityClass& out) {
  read_metadata_field(c, m, out.metadata);
  m.read("value", out.value);
  m.read("globalDefault", out.global_default);
  read_enum_field<api::PreemptionPolicy>(m, "preemptionPolicy", kPreemptionPolicies, out.preemption_policy);
  m.read("description", out.description);
}

void read_pdb_body(Ctx& c, MapReader& m, api::PodDisruptionBudget& out) {
  read_metadata_field(c, m, out.metadata);
  std::optional<Value> spec = m.get("spec");
  if (!spec) {
    return;
  }
  MapReader sm(c.r, *spec, c.owner);
  if (std::optional<Value> min = sm.get("minAvailable")) {
    out.spec.min_available = read_int_or_string(c.r, *min);
  }
  if (std::optional<Value> max = sm.get("maxUnavailable")) {
    out.spec.max_unavailable = read_int_or_string(c.r, *max);
  }
  read_optional_label_selector(c, sm, "selector", out.spec.selector);
  sm.read("unhealthyPodEvictionPolicy", out.spec.unhealthy_pod_eviction_policy);
  sm.finish();
}

// ---------------------------------------------------------------------------------------------------
// Envelope: kind, apiVersion, owner names, validation.

std::string peek_name(const YAML::Node& node) {
  if (!node.IsMap()) {
    return {};
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == "metadata") {
      std::string name = peek_scalar(it->second, "name");
      return name.empty() ? peek_scalar(it->second, "generateName") : name;
    }
  }
  return {};
}

std::string object_owner(std::string_view kind, std::string_view name) {
  return name.empty() ? fmt::format("{} (unnamed)", kind) : fmt::format("{} '{}'", kind, name);
}

// The kinds a manifest may hold. Events, Leases, Endpoints and EndpointSlices are written by the
// simulated components themselves.
constexpr std::array kManifestKinds = {Kind::Node,       Kind::Pod, Kind::Service,       Kind::ReplicaSet,
                                       Kind::Deployment, Kind::Job, Kind::PriorityClass, Kind::PodDisruptionBudget};

std::string supported_kinds() {
  std::string out;
  for (Kind k : kManifestKinds) {
    out += fmt::format("{}, ", api::kind_name(k));
  }
  return out + "List";
}

/// Runs the API server's defaulting and validation on a copy of `object` and reports each FieldError
/// at the deepest recorded field on its path. `what` names the object in messages; empty means
/// "<Kind> '<namespace>/<name>'" of the defaulted copy. Returns whether the object is valid.
bool validate(Reader& r, const PathIndex& paths, const SourceLocation& fallback, const AnyObject& object,
              std::string what) {
  AnyObject copy = object;
  apiserver::apply_defaults(copy);
  if (what.empty()) {
    what = fmt::format("{} '{}'", api::kind_name(api::kind_of_object(copy)), api::object_key(api::meta_of(copy)));
  }
  std::vector<apiserver::FieldError> errors = apiserver::validate_object(copy);
  for (const apiserver::FieldError& e : errors) {
    const SourceLocation* at = paths.find(e.path);
    std::string message = e.path.empty() ? fmt::format("invalid {}: {}", what, e.message)
                                         : fmt::format("invalid {}: {}: {}", what, e.path, e.message);
    r.error(at != nullptr ? *at : fallback, std::move(message));
  }
  return errors.empty();
}

/// Restores the Reader's previous PathIndex when a manifest is done.
class PathScope {
 public:
  PathScope(Reader& r, PathIndex& paths) : r_(r), prev_(r.paths()) { r_.set_paths(&paths); }
  ~PathScope() { r_.set_paths(prev_); }
  PathScope(const PathScope&) = delete;
  PathScope& operator=(const PathScope&) = delete;

 private:
  Reader& r_;
  PathIndex* prev_;
};

void check_api_version(Reader& r, const Value& v, Kind kind) {
  std::optional<std::string> text = read_string(r, v);
  if (text && *text != api::kind_api_version(kind)) {
    r.error(v.loc, fmt::format("unsupported apiVersion '{}' for kind {}", *text, api::kind_name(kind)),
            fmt::format("use apiVersion: {}", api::kind_api_version(kind)));
  }
}

}  // namespace

void read_manifests(Reader& r, const Value& outer, std::vector<ManifestObject>& out) {
  if (!expect_mapping(r, outer)) {
    return;
  }
  // Field paths inside a manifest are relative to the manifest, as the API server's are.
  Value root{outer.node, std::string(), outer.loc, outer.key_loc};
  std::string kind_text = peek_scalar(root.node, "kind");
  std::string owner = kind_text.empty() ? std::string("manifest") : object_owner(kind_text, peek_name(root.node));
  MapReader m(r, root, owner);
  std::optional<Value> api_version = m.require("apiVersion");
  std::optional<Value> kind_value = m.require("kind");
  if (!kind_value) {
    return;
  }
  std::optional<std::string> kind_name = read_string(r, *kind_value);
  if (!kind_name) {
    return;
  }

  if (*kind_name == "List") {
    if (api_version) {
      std::optional<std::string> text = read_string(r, *api_version);
      if (text && *text != "v1") {
        r.error(api_version->loc, fmt::format("unsupported apiVersion '{}' for kind List", *text),
                "use apiVersion: v1");
      }
    }
    if (std::optional<Value> items = m.require("items")) {
      for (const Value& item : sequence_items(r, *items)) {
        read_manifests(r, item, out);
      }
    }
    m.ignore(ignored::kList);
    m.finish();
    return;
  }

  std::optional<Kind> kind = api::kind_from_name(*kind_name);
  if (kind && std::find(kManifestKinds.begin(), kManifestKinds.end(), *kind) == kManifestKinds.end()) {
    r.error(kind_value->loc, fmt::format("kind '{}' cannot be given in a manifest", *kind_name),
            "the simulated control plane and kubelets write these objects themselves");
    return;
  }
  if (!kind) {
    std::vector<std::string_view> names;
    for (Kind k : kManifestKinds) {
      names.push_back(api::kind_name(k));
    }
    names.emplace_back("List");
    std::string match = base::closest_match(*kind_name, names);
    r.error(kind_value->loc, fmt::format("unknown kind '{}'; supported kinds are {}", *kind_name, supported_kinds()),
            match.empty() ? std::string() : fmt::format("did you mean '{}'?", match));
    return;
  }
  if (api_version) {
    check_api_version(r, *api_version, *kind);
  }

  std::size_t errors_before = r.error_count();
  PathIndex paths;
  AnyObject object;
  {
    PathScope scope(r, paths);
    Ctx c{r, owner};
    switch (*kind) {
    case Kind::Node:
      read_node_body(c, m, object.emplace<api::Node>());
      break;
    case Kind::Pod:
      read_pod_body(c, m, object.emplace<api::Pod>());
      break;
    case Kind::Service:
      read_service_body(c, m, object.emplace<api::Service>());
      break;
    case Kind::ReplicaSet:
      read_replica_set_body(c, m, object.emplace<api::ReplicaSet>());
      break;
    case Kind::Deployment:
      read_deployment_body(c, m, object.emplace<api::Deployment>());
      break;
    case Kind::PriorityClass:
      read_priority_class_body(c, m, object.emplace<api::PriorityClass>());
      break;
    case Kind::PodDisruptionBudget:
      read_pdb_body(c, m, object.emplace<api::PodDisruptionBudget>());
      break;
    case Kind::Job:
      read_job_body(c, m, object.emplace<api::Job>());
      break;
    case Kind::Event:
    case Kind::Lease:
    case Kind::Endpoints:
    case Kind::EndpointSlice:
      KUBESIM_ASSERT(false, "not a manifest kind");
      break;
    }
    // Only Node's status is modelled; the others are accepted so that `kubectl get -o yaml` output loads.
    m.ignore(ignored::kTopLevel);
    m.finish();
  }
  // Validating an object that could not be read in full would only add confusing follow-on errors.
  if (r.error_count() != errors_before) {
    return;
  }
  if (validate(r, paths, root.loc, object, std::string())) {
    out.push_back(ManifestObject{root.loc, std::move(object)});
  }
}

void read_spread_constraint_value(Reader& r, const Value& v, const std::string& owner,
                                  api::TopologySpreadConstraint& out) {
  Ctx c{r, owner};
  read_spread_constraint(c, v, out);
}

void read_resource_list_value(Reader& r, const Value& v, const std::string& owner, api::ResourceList& out) {
  Ctx c{r, owner};
  read_resource_list(c, v, out);
}

void read_node_affinity_value(Reader& r, const Value& v, const std::string& owner, api::NodeAffinity& out) {
  Ctx c{r, owner};
  read_node_affinity(c, v, out);
}

std::optional<api::Node> read_node_template(Reader& r, const Value& v, std::string_view pool_name) {
  std::string owner = fmt::format("node template of pool '{}'", pool_name);
  if (!expect_mapping(r, v)) {
    return std::nullopt;
  }
  Value root{v.node, std::string(), v.loc, v.key_loc};
  std::size_t errors_before = r.error_count();
  PathIndex paths;
  api::Node node;
  {
    PathScope scope(r, paths);
    MapReader m(r, root, owner);
    // apiVersion and kind are optional in a template, but must be right when given.
    if (std::optional<Value> api_version = m.get("apiVersion")) {
      check_api_version(r, *api_version, Kind::Node);
    }
    if (std::optional<Value> kind = m.get("kind")) {
      std::optional<std::string> text = read_string(r, *kind);
      if (text && *text != "Node") {
        r.error(kind->loc, fmt::format("a node pool template must be a Node, got kind '{}'", *text));
      }
    }
    Ctx c{r, owner};
    read_node_body(c, m, node);
    m.ignore(ignored::kTopLevel);
    m.finish();
  }
  if (!node.metadata.name.empty()) {
    const SourceLocation* at = paths.find("metadata.name");
    r.error(at != nullptr ? *at : root.loc, fmt::format("metadata.name must not be set in the {}", owner),
            fmt::format("nodes are named {}-0, {}-1, ...", pool_name, pool_name));
  }
  if (r.error_count() != errors_before) {
    return std::nullopt;
  }
  // Validate as the pool's first node would be; an invalid pool name is reported by the caller.
  AnyObject object = node;
  api::meta_of(object).name = is_dns1123_label(pool_name) ? fmt::format("{}-0", pool_name) : std::string("node-0");
  if (!validate(r, paths, root.loc, object, owner)) {
    return std::nullopt;
  }
  return node;
}

std::optional<api::PodTemplateSpec> read_arrivals_template(Reader& r, const Value& v, std::string_view name,
                                                           std::string_view namespace_) {
  std::string owner = fmt::format("pod template of arrivals '{}'", name);
  if (!expect_mapping(r, v)) {
    return std::nullopt;
  }
  Value root{v.node, std::string(), v.loc, v.key_loc};
  std::size_t errors_before = r.error_count();
  PathIndex paths;
  api::PodTemplateSpec tmpl;
  {
    PathScope scope(r, paths);
    Ctx c{r, owner};
    read_pod_template(c, root, tmpl);
  }
  for (auto [field, value] :
       {std::pair{"metadata.name", &tmpl.metadata.name}, std::pair{"metadata.namespace", &tmpl.metadata.namespace_}}) {
    if (!value->empty()) {
      const SourceLocation* at = paths.find(field);
      r.error(at != nullptr ? *at : root.loc, fmt::format("{} must not be set in the {}", field, owner),
              fmt::format("pods are named {}-<k> in the arrivals' namespace", name));
    }
  }
  if (r.error_count() != errors_before) {
    return std::nullopt;
  }
  api::Pod pod;
  pod.metadata = tmpl.metadata;
  // A missing arrivals name is reported by the caller; do not add a follow-on error for pod "-0".
  pod.metadata.name = fmt::format("{}-0", name.empty() ? std::string_view("arrivals") : name);
  pod.metadata.namespace_ = std::string(namespace_);
  pod.spec = tmpl.spec;
  if (!validate(r, paths, root.loc, AnyObject(std::move(pod)), owner)) {
    return std::nullopt;
  }
  return tmpl;
}

}  // namespace kubesim::scenario::internal
