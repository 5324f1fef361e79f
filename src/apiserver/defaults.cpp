// apply_defaults: upstream defaulting (pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go,
// policy/v1, scheduling/v1) for the fields our structs cannot default by themselves. Struct member
// initialisers already hold most upstream defaults (Deployment 25%/25%/10/600, restartPolicy Always,
// preemptionPolicy PreemptLowerPriority); what is left are defaults that depend on other fields or that
// upstream applies to Go zero values (a manifest's explicit `periodSeconds: 0` means "unset" upstream).

#include "kubesim/apiserver/validation.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace kubesim::apiserver {
namespace {

constexpr std::string_view kDefaultNamespace = "default";
constexpr std::int64_t kDefaultTerminationGracePeriodSeconds = 30;

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

bool is_tag_char(char c) {
  return (c >= 'a' && c <= 'z') || is_upper(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

// A reduced docker reference grammar (distribution/reference ParseNormalizedNamed): enough to tell the
// references upstream rejects (uppercase repository, bad tag) from the ones it accepts, because a
// reference that fails to parse gets IfNotPresent whatever its tag.
bool is_parsable_reference(std::string_view name, std::string_view tag, bool has_tag) {
  if (name.empty()) {
    return false;
  }
  std::string_view remainder = name;
  if (auto slash = name.find('/'); slash != std::string_view::npos) {
    std::string_view first = name.substr(0, slash);
    bool lower = true;
    for (char c : first) {
      lower = lower && !is_upper(c);
    }
    // splitDockerDomain: the first component is a registry host when it looks like one.
    if (first.find_first_of(".:") != std::string_view::npos || first == "localhost" || !lower) {
      remainder = name.substr(slash + 1);
    }
  }
  if (remainder.empty()) {
    return false;
  }
  for (char c : remainder) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '/';
    if (!ok) {
      return false;  // includes "repository name must be lowercase"
    }
  }
  if (has_tag) {
    if (tag.empty() || tag.size() > 128 || tag.front() == '.' || tag.front() == '-') {
      return false;
    }
    for (char c : tag) {
      if (!is_tag_char(c)) {
        return false;
      }
    }
  }
  return true;
}

// SetDefaults_Container: Always when the tag is "latest" (an untagged, undigested reference is
// implicitly ":latest"), IfNotPresent otherwise, including digest-only references and references
// upstream's parser rejects (parsers.ParseImageName's error is ignored there).
api::PullPolicy default_pull_policy(std::string_view image) {
  std::string_view name = image;
  bool has_digest = false;
  if (auto at = name.find('@'); at != std::string_view::npos) {
    has_digest = true;
    name = name.substr(0, at);
  }
  std::string_view tag;
  bool has_tag = false;
  auto colon = name.rfind(':');
  auto slash = name.rfind('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    has_tag = true;
    tag = name.substr(colon + 1);
    name = name.substr(0, colon);
  }
  if (!is_parsable_reference(name, tag, has_tag)) {
    return api::PullPolicy::IfNotPresent;
  }
  if (!has_tag && !has_digest) {
    return api::PullPolicy::Always;
  }
  return tag == "latest" ? api::PullPolicy::Always : api::PullPolicy::IfNotPresent;
}

// SetDefaults_Probe: Go zero values mean "unset".
void default_probe(std::optional<api::Probe>& probe) {
  if (!probe) {
    return;
  }
  if (probe->timeout_seconds == 0) {
    probe->timeout_seconds = 1;
  }
  if (probe->period_seconds == 0) {
    probe->period_seconds = 10;
  }
  if (probe->success_threshold == 0) {
    probe->success_threshold = 1;
  }
  if (probe->failure_threshold == 0) {
    probe->failure_threshold = 3;
  }
}

void default_container(api::Container& c) {
  if (!c.image_pull_policy) {
    c.image_pull_policy = default_pull_policy(c.image);
  }
  for (api::ContainerPort& port : c.ports) {
    if (port.protocol.empty()) {
      port.protocol = "TCP";
    }
  }
  default_probe(c.readiness_probe);
  default_probe(c.liveness_probe);
  default_probe(c.startup_probe);
}

// SetDefaults_PodSpec: runs for pods and for every embedded pod template.
void default_pod_spec(api::PodSpec& spec) {
  if (spec.scheduler_name.empty()) {
    spec.scheduler_name = std::string(api::kDefaultSchedulerName);
  }
  if (!spec.termination_grace_period_seconds) {
    spec.termination_grace_period_seconds = kDefaultTerminationGracePeriodSeconds;
  }
  for (api::Container& c : spec.init_containers) {
    default_container(c);
  }
  for (api::Container& c : spec.containers) {
    default_container(c);
  }
}

void copy_limits_to_requests(api::Container& c) {
  for (const auto& [name, amount] : c.resources.limits) {
    if (!c.resources.requests.contains(name)) {
      c.resources.requests.set(name, amount);
    }
  }
}

void default_host_network_ports(std::vector<api::Container>& containers) {
  for (api::Container& c : containers) {
    for (api::ContainerPort& port : c.ports) {
      if (port.host_port == 0) {
        port.host_port = port.container_port;
      }
    }
  }
}

// SetDefaults_Pod: only for a Pod, never for a PodTemplate (upstream keeps these out of templates on
// purpose; the pod created from the template is defaulted when it is created).
void default_pod_only(api::PodSpec& spec) {
  for (api::Container& c : spec.containers) {
    copy_limits_to_requests(c);
  }
  for (api::Container& c : spec.init_containers) {
    copy_limits_to_requests(c);
  }
  if (spec.host_network) {
    default_host_network_ports(spec.containers);
    default_host_network_ports(spec.init_containers);
  }
}

void default_service(api::ServiceSpec& spec) {
  if (spec.type.empty()) {
    spec.type = "ClusterIP";
  }
  for (api::ServicePort& port : spec.ports) {
    if (port.protocol.empty()) {
      port.protocol = "TCP";
    }
    const bool unset = !port.target_port || (!port.target_port->is_string && port.target_port->int_value == 0) ||
                       (port.target_port->is_string && port.target_port->str_value.empty());
    if (unset) {
      port.target_port = api::IntOrString::from_int(port.port);
    }
  }
}

// SetDefaults_NodeStatus copies capacity into an empty allocatable. kubesim also fills single missing
// resources, so a manifest that lists only some allocatable amounts still gets the rest from capacity.
void default_node_status(api::NodeStatus& status) {
  for (const auto& [name, amount] : status.capacity) {
    if (!status.allocatable.contains(name)) {
      status.allocatable.set(name, amount);
    }
  }
}

void default_template(api::PodTemplateSpec& t, const std::string& ns) {
  // Pods created from the template land in the owner's namespace whatever the template says.
  t.metadata.namespace_ = ns;
  default_pod_spec(t.spec);
}

}  // namespace

void generate_job_selector(api::Job& job, const std::string& uid) {
  if (job.spec.manual_selector) {
    return;
  }
  api::StringMap& labels = job.spec.template_.metadata.labels;
  labels.set("batch.kubernetes.io/controller-uid", uid);
  labels.set("batch.kubernetes.io/job-name", job.metadata.name);
  labels.set("controller-uid", uid);
  labels.set("job-name", job.metadata.name);
  if (job.spec.selector.empty()) {
    job.spec.selector = api::LabelSelector{};
    job.spec.selector.match_labels.set("batch.kubernetes.io/controller-uid", uid);
  }
}

void apply_defaults(api::AnyObject& object) {
  api::ObjectMeta& meta = api::meta_of(object);
  if (api::is_namespaced(api::kind_of_object(object))) {
    if (meta.namespace_.empty()) {
      meta.namespace_ = std::string(kDefaultNamespace);
    }
  } else {
    // rest.BeforeCreate clears the namespace of a cluster-scoped object.
    meta.namespace_.clear();
  }

  std::visit(
      [](auto& obj) {
        using T = std::decay_t<decltype(obj)>;
        if constexpr (std::is_same_v<T, api::Pod>) {
          default_pod_spec(obj.spec);
          default_pod_only(obj.spec);
        } else if constexpr (std::is_same_v<T, api::Service>) {
          default_service(obj.spec);
        } else if constexpr (std::is_same_v<T, api::Node>) {
          default_node_status(obj.status);
        } else if constexpr (std::is_same_v<T, api::ReplicaSet> || std::is_same_v<T, api::Deployment>) {
          default_template(obj.spec.template_, obj.metadata.namespace_);
        } else if constexpr (std::is_same_v<T, api::Job>) {
          // SetDefaults_Job: both unset → completions = parallelism = 1; parallelism alone → 1.
          if (!obj.spec.completions && !obj.spec.parallelism) {
            obj.spec.completions = 1;
          }
          if (!obj.spec.parallelism) {
            obj.spec.parallelism = 1;
          }
          default_template(obj.spec.template_, obj.metadata.namespace_);
        }
        // PriorityClass and PodDisruptionBudget: every upstream default is a struct initialiser
        // (preemptionPolicy PreemptLowerPriority; unhealthyPodEvictionPolicy stays unset).
      },
      object);
}

}  // namespace kubesim::apiserver
