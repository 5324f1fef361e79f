#include "kubesim/controllers/deployment_util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <type_traits>

namespace kubesim::controllers {
namespace {

// Annotations of the Deployment that are not copied to its ReplicaSets (annotationsToSkip).
constexpr std::array<std::string_view, 6> kAnnotationsToSkip = {
    "kubectl.kubernetes.io/last-applied-configuration",
    kRevisionAnnotation,
    kRevisionHistoryAnnotation,
    kDesiredReplicasAnnotation,
    kMaxReplicasAnnotation,
    "deprecated.deployment.rollback.to",
};

// A canonical dump of a pod template, fed to FNV-32a. Every value is written with its field name and
// a terminator, so two different templates cannot produce the same bytes; enums are written as their
// ordinal. Upstream dumps the Go struct with spew instead (see compute_hash).
class TemplateDump {
 public:
  std::string out;

  void field(std::string_view name, std::string_view value) {
    out += name;
    out += '=';
    out += std::to_string(value.size());
    out += ':';
    out += value;
    out += ';';
  }
  void field(std::string_view name, std::int64_t value) { field(name, std::string_view(std::to_string(value))); }
  template <class E>
  requires std::is_enum_v<E>
  void field(std::string_view name, E value) { field(name, static_cast<std::int64_t>(value)); }
  template <class T> void field(std::string_view name, const std::optional<T>& value) {
    if (value) {
      field(name, *value);
    }
  }
  void open(std::string_view name) {
    out += name;
    out += '{';
  }
  void close() { out += '}'; }

  void map(std::string_view name, const api::StringMap& m) {
    open(name);
    for (const auto& [k, v] : m) {
      field(k, v);
    }
    close();
  }
  void strings(std::string_view name, const std::vector<std::string>& v) {
    open(name);
    for (const std::string& s : v) {
      field("", s);
    }
    close();
  }
  void resources(std::string_view name, const api::ResourceList& r) {
    open(name);
    for (const auto& [k, v] : r) {
      field(k, v);
    }
    close();
  }
  void requirement(const api::SelectorRequirement& r) {
    open("req");
    field("key", r.key);
    field("op", r.op);
    strings("values", r.values);
    close();
  }
  void requirements(std::string_view name, const std::vector<api::SelectorRequirement>& v) {
    open(name);
    for (const api::SelectorRequirement& r : v) {
      requirement(r);
    }
    close();
  }
  void selector(std::string_view name, const std::optional<api::LabelSelector>& s) {
    if (!s) {
      return;
    }
    open(name);
    map("matchLabels", s->match_labels);
    requirements("matchExpressions", s->match_expressions);
    close();
  }
  void term(const api::NodeSelectorTerm& t) {
    open("term");
    requirements("matchExpressions", t.match_expressions);
    requirements("matchFields", t.match_fields);
    close();
  }
  void pod_affinity_term(const api::PodAffinityTerm& t) {
    open("podAffinityTerm");
    selector("labelSelector", t.label_selector);
    strings("namespaces", t.namespaces);
    selector("namespaceSelector", t.namespace_selector);
    field("topologyKey", t.topology_key);
    strings("matchLabelKeys", t.match_label_keys);
    strings("mismatchLabelKeys", t.mismatch_label_keys);
    close();
  }
  void pod_affinity(std::string_view name, const std::optional<api::PodAffinity>& a) {
    if (!a) {
      return;
    }
    open(name);
    for (const api::PodAffinityTerm& t : a->required) {
      pod_affinity_term(t);
    }
    for (const api::WeightedPodAffinityTerm& w : a->preferred) {
      field("weight", w.weight);
      pod_affinity_term(w.term);
    }
    close();
  }
  void affinity(const std::optional<api::Affinity>& a) {
    if (!a) {
      return;
    }
    open("affinity");
    if (a->node_affinity) {
      open("nodeAffinity");
      if (a->node_affinity->required) {
        open("required");
        for (const api::NodeSelectorTerm& t : a->node_affinity->required->terms) {
          term(t);
        }
        close();
      }
      for (const api::PreferredSchedulingTerm& p : a->node_affinity->preferred) {
        field("weight", p.weight);
        term(p.preference);
      }
      close();
    }
    pod_affinity("podAffinity", a->pod_affinity);
    pod_affinity("podAntiAffinity", a->pod_anti_affinity);
    close();
  }
  void probe(std::string_view name, const std::optional<api::Probe>& p) {
    if (!p) {
      return;
    }
    open(name);
    field("initialDelaySeconds", p->initial_delay_seconds);
    field("periodSeconds", p->period_seconds);
    field("timeoutSeconds", p->timeout_seconds);
    field("successThreshold", p->success_threshold);
    field("failureThreshold", p->failure_threshold);
    close();
  }
  void containers(std::string_view name, const std::vector<api::Container>& cs) {
    open(name);
    for (const api::Container& c : cs) {
      open("container");
      field("name", c.name);
      field("image", c.image);
      field("imagePullPolicy", c.image_pull_policy);
      resources("requests", c.resources.requests);
      resources("limits", c.resources.limits);
      for (const api::ContainerPort& p : c.ports) {
        open("port");
        field("name", p.name);
        field("containerPort", p.container_port);
        field("hostPort", p.host_port);
        field("protocol", p.protocol);
        field("hostIP", p.host_ip);
        close();
      }
      probe("readinessProbe", c.readiness_probe);
      probe("livenessProbe", c.liveness_probe);
      probe("startupProbe", c.startup_probe);
      field("restartPolicy", c.restart_policy);
      close();
    }
    close();
  }
  void spec(const api::PodSpec& s) {
    open("spec");
    containers("initContainers", s.init_containers);
    containers("containers", s.containers);
    field("nodeName", s.node_name);
    map("nodeSelector", s.node_selector);
    affinity(s.affinity);
    open("tolerations");
    for (const api::Toleration& t : s.tolerations) {
      open("toleration");
      field("key", t.key);
      field("operator", t.op);
      field("value", t.value);
      field("effect", t.effect);
      field("tolerationSeconds", t.toleration_seconds);
      close();
    }
    close();
    open("topologySpreadConstraints");
    for (const api::TopologySpreadConstraint& c : s.topology_spread_constraints) {
      open("constraint");
      field("maxSkew", c.max_skew);
      field("topologyKey", c.topology_key);
      field("whenUnsatisfiable", c.when_unsatisfiable);
      selector("labelSelector", c.label_selector);
      field("minDomains", c.min_domains);
      field("nodeAffinityPolicy", c.node_affinity_policy);
      field("nodeTaintsPolicy", c.node_taints_policy);
      strings("matchLabelKeys", c.match_label_keys);
      close();
    }
    close();
    field("priority", s.priority);
    field("priorityClassName", s.priority_class_name);
    field("preemptionPolicy", s.preemption_policy);
    field("schedulerName", s.scheduler_name);
    field("terminationGracePeriodSeconds", s.termination_grace_period_seconds);
    field("activeDeadlineSeconds", s.active_deadline_seconds);
    field("restartPolicy", s.restart_policy);
    resources("overhead", s.overhead);
    strings("schedulingGates", s.scheduling_gates);
    field("hostNetwork", static_cast<std::int64_t>(s.host_network));
    close();
  }
  void tmpl(const api::PodTemplateSpec& t) {
    open("metadata");
    field("name", t.metadata.name);
    field("generateName", t.metadata.generate_name);
    map("labels", t.metadata.labels);
    map("annotations", t.metadata.annotations);
    strings("finalizers", t.metadata.finalizers);
    close();
    spec(t.spec);
  }
};

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) {
    return std::nullopt;
  }
  return v;
}

// getIntFromAnnotation: an int32 annotation, nullopt when absent or not a number.
std::optional<std::int32_t> int_annotation(const api::ObjectMeta& meta, std::string_view key) {
  const std::string* v = meta.annotations.find(key);
  if (v == nullptr) {
    return std::nullopt;
  }
  std::optional<std::int64_t> n = parse_int(*v);
  if (!n || *n < std::numeric_limits<std::int32_t>::min() || *n > std::numeric_limits<std::int32_t>::max()) {
    return std::nullopt;
  }
  return static_cast<std::int32_t>(*n);
}

base::SimTime whole_seconds(base::SimTime t) {
  return base::SimTime::from_nanos(t.nanos() / 1'000'000'000 * 1'000'000'000);
}

}  // namespace

Fenceposts resolve_fenceposts(const api::IntOrString& max_surge, const api::IntOrString& max_unavailable,
                              std::int32_t desired) {
  // Validation guarantees both parse; a value that does not counts as 0.
  Fenceposts f{max_surge.scaled_value(desired, true).value_or(0),
               max_unavailable.scaled_value(desired, false).value_or(0)};
  if (f.max_surge == 0 && f.max_unavailable == 0) {
    // Both rounded to zero (e.g. 25% of 1): allow one unavailable pod "on the theory that surge might
    // not work due to quota".
    f.max_unavailable = 1;
  }
  return f;
}

std::int32_t max_surge(const api::Deployment& d) {
  if (d.spec.strategy != api::DeploymentStrategyType::RollingUpdate) {
    return 0;
  }
  return resolve_fenceposts(d.spec.rolling_update.max_surge, d.spec.rolling_update.max_unavailable, d.spec.replicas)
      .max_surge;
}

std::int32_t max_unavailable(const api::Deployment& d) {
  if (d.spec.strategy != api::DeploymentStrategyType::RollingUpdate || d.spec.replicas == 0) {
    return 0;
  }
  std::int32_t u =
      resolve_fenceposts(d.spec.rolling_update.max_surge, d.spec.rolling_update.max_unavailable, d.spec.replicas)
          .max_unavailable;
  return std::min(u, d.spec.replicas);
}

std::uint32_t fnv32a(std::string_view bytes, std::uint32_t seed) {
  std::uint32_t h = seed;
  for (char c : bytes) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 16777619U;
  }
  return h;
}

std::string safe_encode_string(std::string_view s) {
  static constexpr std::string_view kAlphanums = "bcdfghjklmnpqrstvwxz2456789";
  std::string out(s.size(), ' ');
  for (std::size_t i = 0; i < s.size(); ++i) {
    out[i] = kAlphanums[static_cast<std::uint8_t>(s[i]) % kAlphanums.size()];
  }
  return out;
}

std::string compute_hash(const api::PodTemplateSpec& tmpl, std::optional<std::int32_t> collision_count) {
  TemplateDump dump;
  dump.tmpl(tmpl);
  std::uint32_t h = fnv32a(dump.out);
  if (collision_count) {
    // binary.LittleEndian.PutUint32 into an 8-byte buffer: the upper four bytes stay zero.
    auto c = static_cast<std::uint32_t>(*collision_count);
    std::array<char, 8> bytes{};
    for (std::size_t i = 0; i < 4; ++i) {
      bytes[i] = static_cast<char>((c >> (8 * i)) & 0xFFU);
    }
    h = fnv32a(std::string_view(bytes.data(), bytes.size()), h);
  }
  return safe_encode_string(std::to_string(h));
}

bool equal_ignore_hash(const api::PodTemplateSpec& a, const api::PodTemplateSpec& b) {
  const std::string* ha = a.metadata.labels.find(kPodTemplateHashLabel);
  const std::string* hb = b.metadata.labels.find(kPodTemplateHashLabel);
  if (ha == nullptr && hb == nullptr) {
    return a == b;
  }
  api::PodTemplateSpec ca = a;
  api::PodTemplateSpec cb = b;
  ca.metadata.labels.erase(kPodTemplateHashLabel);
  cb.metadata.labels.erase(kPodTemplateHashLabel);
  return ca == cb;
}

std::optional<std::int64_t> revision_of(const api::ObjectMeta& meta) {
  const std::string* v = meta.annotations.find(kRevisionAnnotation);
  if (v == nullptr) {
    return 0;
  }
  return parse_int(*v);
}

bool replicas_annotations_need_update(const api::ReplicaSet& rs, std::int32_t desired, std::int32_t max_replicas) {
  const std::string* d = rs.metadata.annotations.find(kDesiredReplicasAnnotation);
  const std::string* m = rs.metadata.annotations.find(kMaxReplicasAnnotation);
  return d == nullptr || *d != std::to_string(desired) || m == nullptr || *m != std::to_string(max_replicas);
}

bool set_replicas_annotations(api::ReplicaSet& rs, std::int32_t desired, std::int32_t max_replicas) {
  if (!replicas_annotations_need_update(rs, desired, max_replicas)) {
    return false;
  }
  rs.metadata.annotations.set(std::string(kDesiredReplicasAnnotation), std::to_string(desired));
  rs.metadata.annotations.set(std::string(kMaxReplicasAnnotation), std::to_string(max_replicas));
  return true;
}

bool set_new_replica_set_annotations(const api::Deployment& d, api::ReplicaSet& rs, std::int64_t new_revision,
                                     bool exists) {
  bool changed = false;
  // copyDeploymentAnnotationsToReplicaSet
  for (const auto& [k, v] : d.metadata.annotations) {
    if (std::find(kAnnotationsToSkip.begin(), kAnnotationsToSkip.end(), k) != kAnnotationsToSkip.end()) {
      continue;
    }
    const std::string* cur = rs.metadata.annotations.find(k);
    if (cur == nullptr || *cur != v) {
      rs.metadata.annotations.set(k, v);
      changed = true;
    }
  }
  const std::string* old_revision = rs.metadata.annotations.find(kRevisionAnnotation);
  std::int64_t old_revision_int = 0;
  std::string old_revision_str;
  if (old_revision != nullptr) {
    old_revision_str = *old_revision;
    std::optional<std::int64_t> parsed = parse_int(old_revision_str);
    if (!parsed) {
      if (!old_revision_str.empty()) {
        return false;  // upstream logs "Updating replica set revision OldRevision not int" and gives up
      }
    } else {
      old_revision_int = *parsed;
    }
  }
  if (old_revision_int < new_revision) {
    rs.metadata.annotations.set(std::string(kRevisionAnnotation), std::to_string(new_revision));
    changed = true;
    // A ReplicaSet that already had a revision and gets a newer one is being rolled back to: keep the
    // old revision in the history.
    if (old_revision != nullptr) {
      const std::string* history = rs.metadata.annotations.find(kRevisionHistoryAnnotation);
      std::string next = history == nullptr || history->empty() ? old_revision_str : *history + "," + old_revision_str;
      rs.metadata.annotations.set(std::string(kRevisionHistoryAnnotation), std::move(next));
    }
  }
  if (!exists && set_replicas_annotations(rs, d.spec.replicas, d.spec.replicas + max_surge(d))) {
    changed = true;
  }
  return changed;
}

std::int32_t new_rs_new_replicas(const api::Deployment& d, const std::vector<const api::ReplicaSet*>& all,
                                 const api::ReplicaSet& new_rs) {
  if (d.spec.strategy == api::DeploymentStrategyType::Recreate) {
    return d.spec.replicas;
  }
  std::int32_t surge = d.spec.rolling_update.max_surge.scaled_value(d.spec.replicas, true).value_or(0);
  std::int32_t current = 0;
  for (const api::ReplicaSet* rs : all) {
    if (rs != nullptr) {
      current += rs->spec.replicas;
    }
  }
  std::int32_t max_total = d.spec.replicas + surge;
  if (current >= max_total) {
    return new_rs.spec.replicas;  // cannot scale up
  }
  std::int32_t scale_up = std::min(max_total - current, d.spec.replicas - new_rs.spec.replicas);
  return new_rs.spec.replicas + scale_up;
}

std::int32_t replica_set_proportion(const api::ReplicaSet& rs, const api::Deployment& d, std::int32_t to_add,
                                    std::int32_t added) {
  if (rs.spec.replicas == 0 || to_add == 0 || to_add == added) {
    return 0;
  }
  // getReplicaSetFraction
  std::int32_t fraction = 0;
  if (d.spec.replicas == 0) {
    fraction = -rs.spec.replicas;  // scaling to zero: the whole ReplicaSet goes
  } else {
    std::int32_t deployment_replicas = d.spec.replicas + max_surge(d);
    // Without the annotation upstream falls back to the Deployment's current size; the min/max below
    // keep the result within bounds either way.
    std::int32_t annotated = int_annotation(rs.metadata, kMaxReplicasAnnotation).value_or(d.status.replicas);
    if (annotated != 0) {
      double size = static_cast<double>(rs.spec.replicas) * deployment_replicas / annotated;
      fraction = static_cast<std::int32_t>(std::round(size)) - rs.spec.replicas;
    }
  }
  std::int32_t allowed = to_add - added;
  return to_add > 0 ? std::min(fraction, allowed) : std::max(fraction, allowed);
}

bool is_saturated(const api::Deployment& d, const api::ReplicaSet* rs) {
  if (rs == nullptr) {
    return false;
  }
  std::optional<std::int32_t> desired = int_annotation(rs->metadata, kDesiredReplicasAnnotation);
  return desired && rs->spec.replicas == d.spec.replicas && *desired == d.spec.replicas &&
         rs->status.available_replicas == d.spec.replicas;
}

bool deployment_complete(const api::Deployment& d, const api::DeploymentStatus& status) {
  return status.updated_replicas == d.spec.replicas && status.replicas == d.spec.replicas &&
         status.available_replicas == d.spec.replicas && status.observed_generation >= d.metadata.generation;
}

bool deployment_progressing(const api::Deployment& d, const api::DeploymentStatus& status) {
  const api::DeploymentStatus& old = d.status;
  std::int32_t old_old_replicas = old.replicas - old.updated_replicas;
  std::int32_t new_old_replicas = status.replicas - status.updated_replicas;
  return status.updated_replicas > old.updated_replicas || new_old_replicas < old_old_replicas ||
         status.ready_replicas > old.ready_replicas || status.available_replicas > old.available_replicas;
}

bool has_progress_deadline(const api::Deployment& d) {
  return d.spec.progress_deadline_seconds != std::numeric_limits<std::int32_t>::max();
}

bool deployment_timed_out(const api::Deployment& d, const api::DeploymentStatus& status, base::SimTime now) {
  if (!has_progress_deadline(d)) {
    return false;
  }
  const api::DeploymentCondition* c = deployment_condition(status, kDeploymentProgressing);
  if (c == nullptr || c->reason == kNewRSAvailableReason) {
    return false;
  }
  if (c->reason == kTimedOutReason) {
    return true;
  }
  return c->last_update_time + base::Duration::from_seconds(d.spec.progress_deadline_seconds) < now;
}

const api::DeploymentCondition* deployment_condition(const api::DeploymentStatus& status, std::string_view type) {
  for (const api::DeploymentCondition& c : status.conditions) {
    if (c.type == type) {
      return &c;
    }
  }
  return nullptr;
}

api::DeploymentCondition new_deployment_condition(std::string_view type, api::ConditionStatus status,
                                                  std::string_view reason, std::string message, base::SimTime now) {
  base::SimTime t = whole_seconds(now);
  return api::DeploymentCondition{std::string(type), status, t, t, std::string(reason), std::move(message)};
}

void set_deployment_condition(api::DeploymentStatus& status, api::DeploymentCondition condition) {
  const api::DeploymentCondition* cur = deployment_condition(status, condition.type);
  if (cur != nullptr && cur->status == condition.status && cur->reason == condition.reason) {
    return;
  }
  if (cur != nullptr && cur->status == condition.status) {
    condition.last_transition_time = cur->last_transition_time;
  }
  remove_deployment_condition(status, condition.type);
  status.conditions.push_back(std::move(condition));
}

void remove_deployment_condition(api::DeploymentStatus& status, std::string_view type) {
  std::erase_if(status.conditions, [&](const api::DeploymentCondition& c) { return c.type == type; });
}

bool rs_older(const api::ReplicaSet& a, const api::ReplicaSet& b) {
  // metav1.Time compares at the whole seconds it travels with.
  base::SimTime ta = whole_seconds(a.metadata.creation_timestamp);
  base::SimTime tb = whole_seconds(b.metadata.creation_timestamp);
  if (ta != tb) {
    return ta < tb;
  }
  return a.metadata.name < b.metadata.name;
}

bool rs_larger_then_older(const api::ReplicaSet& a, const api::ReplicaSet& b) {
  if (a.spec.replicas != b.spec.replicas) {
    return a.spec.replicas > b.spec.replicas;
  }
  return rs_older(a, b);
}

bool rs_larger_then_newer(const api::ReplicaSet& a, const api::ReplicaSet& b) {
  if (a.spec.replicas != b.spec.replicas) {
    return a.spec.replicas > b.spec.replicas;
  }
  return rs_older(b, a);
}

bool rs_lower_revision(const api::ReplicaSet& a, const api::ReplicaSet& b) {
  std::optional<std::int64_t> ra = revision_of(a.metadata);
  std::optional<std::int64_t> rb = revision_of(b.metadata);
  if (!ra || !rb || *ra == *rb) {
    return rs_older(a, b);
  }
  return *ra < *rb;
}

}  // namespace kubesim::controllers
