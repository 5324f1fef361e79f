// Tests for apply_defaults and validate_object. Expected paths and messages are the ones upstream's
// kube-apiserver prints for the same manifest (field.Error.ErrorBody), except where validation.cpp
// documents a deliberate difference.

#include "support/catch.hpp"

#include "kubesim/apiserver/validation.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace api = kubesim::api;
using kubesim::apiserver::apply_defaults;
using kubesim::apiserver::FieldError;
using kubesim::apiserver::validate_object;

namespace {

constexpr std::int64_t kGi = std::int64_t{1} << 30;
constexpr std::int64_t kMi = std::int64_t{1} << 20;

constexpr std::string_view kSubdomainMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
constexpr std::string_view kLabelMsg =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
    "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
constexpr std::string_view kNamePartMsg =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

std::string dump(const std::vector<FieldError>& errs) {
  std::string out;
  for (const FieldError& e : errs) {
    out += e.path + ": " + e.message + "\n";
  }
  return out;
}

std::vector<FieldError> defaulted_errors(api::AnyObject obj) {
  apply_defaults(obj);
  return validate_object(obj);
}

bool has_error(const std::vector<FieldError>& errs, std::string_view path, std::string_view message) {
  for (const FieldError& e : errs) {
    if (e.path == path && e.message == message) {
      return true;
    }
  }
  return false;
}

// The object, once defaulted, fails with exactly this one error.
void require_single(const api::AnyObject& obj, std::string_view path, std::string_view message) {
  const std::vector<FieldError> errs = defaulted_errors(obj);
  INFO(dump(errs));
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].path == path);
  CHECK(errs[0].message == message);
}

// The object, once defaulted, fails with (at least) this error.
void require_error(const api::AnyObject& obj, std::string_view path, std::string_view message) {
  const std::vector<FieldError> errs = defaulted_errors(obj);
  INFO(dump(errs));
  CHECK(has_error(errs, path, message));
}

void require_valid(const api::AnyObject& obj) {
  const std::vector<FieldError> errs = defaulted_errors(obj);
  INFO(dump(errs));
  CHECK(errs.empty());
}

api::Container container(std::string name, std::string image = "registry.example/app:1.0") {
  api::Container c;
  c.name = std::move(name);
  c.image = std::move(image);
  return c;
}

api::Pod valid_pod() {
  api::Pod pod;
  pod.metadata.name = "web-0";
  pod.metadata.labels.set("app", "web");
  api::Container c = container("app");
  c.resources.requests.set("cpu", 100);
  c.resources.requests.set("memory", 128 * kMi);
  c.resources.limits.set("cpu", 500);
  c.resources.limits.set("memory", 256 * kMi);
  c.ports.push_back(api::ContainerPort{"http", 8080, 0, "TCP", ""});
  pod.spec.containers.push_back(c);
  return pod;
}

api::PodTemplateSpec valid_template() {
  api::PodTemplateSpec t;
  t.metadata.labels.set("app", "web");
  t.spec.containers.push_back(container("app"));
  return t;
}

api::Deployment valid_deployment() {
  api::Deployment d;
  d.metadata.name = "web";
  d.spec.replicas = 3;
  d.spec.selector.match_labels.set("app", "web");
  d.spec.template_ = valid_template();
  return d;
}

api::ReplicaSet valid_replica_set() {
  api::ReplicaSet rs;
  rs.metadata.name = "web-7c9f";
  rs.spec.replicas = 2;
  rs.spec.selector.match_labels.set("app", "web");
  rs.spec.template_ = valid_template();
  return rs;
}

api::Node valid_node() {
  api::Node n;
  n.metadata.name = "node-1";
  n.metadata.labels.set(std::string(api::kLabelZone), "zone-a");
  n.status.capacity.set("cpu", 4000);
  n.status.capacity.set("memory", 8 * kGi);
  n.status.capacity.set("pods", 110);
  return n;
}

api::Service valid_service() {
  api::Service s;
  s.metadata.name = "web";
  s.spec.selector.set("app", "web");
  api::ServicePort port;
  port.port = 80;
  s.spec.ports.push_back(port);
  return s;
}

api::PriorityClass valid_priority_class() {
  api::PriorityClass pc;
  pc.metadata.name = "high";
  pc.value = 1000;
  return pc;
}

api::PodDisruptionBudget valid_pdb() {
  api::PodDisruptionBudget pdb;
  pdb.metadata.name = "web-pdb";
  pdb.spec.min_available = api::IntOrString::from_int(1);
  pdb.spec.selector = api::LabelSelector{};
  pdb.spec.selector->match_labels.set("app", "web");
  return pdb;
}

template <class T> T defaulted(T obj) {
  api::AnyObject any = std::move(obj);
  apply_defaults(any);
  return std::get<T>(std::move(any));
}

api::SelectorRequirement requirement(std::string key, api::SelectorOperator op, std::vector<std::string> values) {
  return api::SelectorRequirement{std::move(key), op, std::move(values)};
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Defaulting

TEST_CASE("apply_defaults sets the namespace of namespaced kinds only", "[apiserver]") {
  CHECK(defaulted(valid_pod()).metadata.namespace_ == "default");
  CHECK(defaulted(valid_service()).metadata.namespace_ == "default");
  CHECK(defaulted(valid_replica_set()).metadata.namespace_ == "default");
  CHECK(defaulted(valid_deployment()).metadata.namespace_ == "default");
  CHECK(defaulted(valid_pdb()).metadata.namespace_ == "default");
  CHECK(defaulted(valid_node()).metadata.namespace_.empty());
  CHECK(defaulted(valid_priority_class()).metadata.namespace_.empty());

  api::Pod pod = valid_pod();
  pod.metadata.namespace_ = "team-a";
  CHECK(defaulted(pod).metadata.namespace_ == "team-a");

  // A cluster-scoped object's namespace is dropped, as rest.BeforeCreate does.
  api::Node node = valid_node();
  node.metadata.namespace_ = "default";
  CHECK(defaulted(node).metadata.namespace_.empty());
}

TEST_CASE("apply_defaults fills pod spec defaults", "[apiserver]") {
  api::Pod pod = defaulted(valid_pod());
  CHECK(pod.spec.scheduler_name == "default-scheduler");
  REQUIRE(pod.spec.termination_grace_period_seconds.has_value());
  CHECK(*pod.spec.termination_grace_period_seconds == 30);
  CHECK(pod.spec.restart_policy == api::RestartPolicy::Always);
  CHECK(pod.spec.tolerations.empty());  // DefaultTolerationSeconds is admission, not defaulting

  api::Pod custom = valid_pod();
  custom.spec.scheduler_name = "my-scheduler";
  custom.spec.termination_grace_period_seconds = 0;
  custom = defaulted(custom);
  CHECK(custom.spec.scheduler_name == "my-scheduler");
  CHECK(*custom.spec.termination_grace_period_seconds == 0);
}

TEST_CASE("apply_defaults picks imagePullPolicy from the image tag", "[apiserver]") {
  const std::vector<std::pair<std::string, api::PullPolicy>> cases = {
      {"nginx", api::PullPolicy::Always},
      {"nginx:latest", api::PullPolicy::Always},
      {"nginx:1.25", api::PullPolicy::IfNotPresent},
      {"library/nginx", api::PullPolicy::Always},
      {"registry.example:5000/team/app", api::PullPolicy::Always},
      {"registry.example:5000/team/app:v2", api::PullPolicy::IfNotPresent},
      {"localhost/app:latest", api::PullPolicy::Always},
      {"nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", api::PullPolicy::IfNotPresent},
      {"nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", api::PullPolicy::Always},
      // Upstream's parser rejects these; its error is ignored and the policy is IfNotPresent.
      {"Nginx", api::PullPolicy::IfNotPresent},
      {"", api::PullPolicy::IfNotPresent},
  };
  for (const auto& [image, want] : cases) {
    INFO(image);
    api::Pod pod = valid_pod();
    pod.spec.containers[0].image = image;
    pod.spec.init_containers.push_back(container("init", image));
    pod = defaulted(pod);
    REQUIRE(pod.spec.containers[0].image_pull_policy.has_value());
    CHECK(*pod.spec.containers[0].image_pull_policy == want);
    REQUIRE(pod.spec.init_containers[0].image_pull_policy.has_value());
    CHECK(*pod.spec.init_containers[0].image_pull_policy == want);
  }

  api::Pod explicit_policy = valid_pod();
  explicit_policy.spec.containers[0].image = "nginx";
  explicit_policy.spec.containers[0].image_pull_policy = api::PullPolicy::Never;
  CHECK(*defaulted(explicit_policy).spec.containers[0].image_pull_policy == api::PullPolicy::Never);
}

TEST_CASE("apply_defaults copies limits into missing requests of pods, not of templates", "[apiserver]") {
  api::Pod pod = valid_pod();
  api::Container& c = pod.spec.containers[0];
  c.resources.requests = {};
  c.resources.requests.set("cpu", 200);
  c.resources.limits = {};
  c.resources.limits.set("cpu", 500);
  c.resources.limits.set("memory", kGi);
  c.resources.limits.set("nvidia.com/gpu", 1);
  api::Container init = container("init");
  init.resources.limits.set("memory", 64 * kMi);
  pod.spec.init_containers.push_back(init);

  pod = defaulted(pod);
  const api::ResourceList& req = pod.spec.containers[0].resources.requests;
  CHECK(req.get("cpu") == 200);  // an explicit request is kept
  CHECK(req.get("memory") == kGi);
  CHECK(req.get("nvidia.com/gpu") == 1);
  CHECK(pod.spec.init_containers[0].resources.requests.get("memory") == 64 * kMi);

  api::Deployment d = valid_deployment();
  d.spec.template_.spec.containers[0].resources.limits.set("memory", kGi);
  d = defaulted(d);
  CHECK_FALSE(d.spec.template_.spec.containers[0].resources.requests.contains("memory"));
}

TEST_CASE("apply_defaults defaults host ports of host-network pods", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.spec.host_network = true;
  pod = defaulted(pod);
  CHECK(pod.spec.containers[0].ports[0].host_port == 8080);

  api::Deployment d = valid_deployment();
  d.spec.template_.spec.host_network = true;
  d.spec.template_.spec.containers[0].ports.push_back(api::ContainerPort{"", 9090, 0, "TCP", ""});
  CHECK(defaulted(d).spec.template_.spec.containers[0].ports[0].host_port == 0);
}

TEST_CASE("apply_defaults treats zero probe fields and empty protocols as unset", "[apiserver]") {
  api::Pod pod = valid_pod();
  api::Probe probe;
  probe.initial_delay_seconds = 5;
  probe.timeout_seconds = 0;
  probe.period_seconds = 0;
  probe.success_threshold = 0;
  probe.failure_threshold = 0;
  pod.spec.containers[0].readiness_probe = probe;
  pod.spec.containers[0].ports[0].protocol.clear();
  pod = defaulted(pod);
  const api::Probe& p = *pod.spec.containers[0].readiness_probe;
  CHECK(p.initial_delay_seconds == 5);
  CHECK(p.timeout_seconds == 1);
  CHECK(p.period_seconds == 10);
  CHECK(p.success_threshold == 1);
  CHECK(p.failure_threshold == 3);
  CHECK(pod.spec.containers[0].ports[0].protocol == "TCP");
}

TEST_CASE("apply_defaults fills Service type, protocol and targetPort", "[apiserver]") {
  api::Service s = valid_service();
  s.spec.type.clear();
  s.spec.ports[0].protocol.clear();
  api::ServicePort named;
  named.name = "metrics";
  named.port = 9090;
  named.target_port = api::IntOrString::from_string("metrics-port");
  s.spec.ports[0].name = "http";
  s.spec.ports.push_back(named);
  api::ServicePort zero;
  zero.name = "admin";
  zero.port = 8443;
  zero.target_port = api::IntOrString::from_int(0);
  s.spec.ports.push_back(zero);

  s = defaulted(s);
  CHECK(s.spec.type == "ClusterIP");
  CHECK(s.spec.ports[0].protocol == "TCP");
  CHECK(s.spec.ports[0].target_port == api::IntOrString::from_int(80));
  CHECK(s.spec.ports[1].target_port == api::IntOrString::from_string("metrics-port"));
  CHECK(s.spec.ports[2].target_port == api::IntOrString::from_int(8443));
}

TEST_CASE("apply_defaults fills node allocatable from capacity", "[apiserver]") {
  api::Node empty = defaulted(valid_node());
  CHECK(empty.status.allocatable == empty.status.capacity);

  api::Node partial = valid_node();
  partial.status.allocatable.set("cpu", 3500);
  partial = defaulted(partial);
  CHECK(partial.status.allocatable.get("cpu") == 3500);
  CHECK(partial.status.allocatable.get("memory") == 8 * kGi);
  CHECK(partial.status.allocatable.get("pods") == 110);
}

TEST_CASE("apply_defaults defaults workload templates", "[apiserver]") {
  api::Deployment d = valid_deployment();
  d.metadata.namespace_ = "shop";
  d.spec.template_.metadata.namespace_ = "elsewhere";
  d = defaulted(d);
  CHECK(d.spec.template_.metadata.namespace_ == "shop");
  CHECK(d.spec.template_.spec.scheduler_name == "default-scheduler");
  CHECK(*d.spec.template_.spec.termination_grace_period_seconds == 30);
  CHECK(*d.spec.template_.spec.containers[0].image_pull_policy == api::PullPolicy::IfNotPresent);
  CHECK(d.spec.rolling_update.max_surge == api::IntOrString::from_string("25%"));
  CHECK(d.spec.revision_history_limit == 10);
  CHECK(d.spec.progress_deadline_seconds == 600);

  api::ReplicaSet rs = defaulted(valid_replica_set());
  CHECK(rs.spec.template_.metadata.namespace_ == "default");

  api::PodDisruptionBudget pdb = defaulted(valid_pdb());
  CHECK(pdb.spec.unhealthy_pod_eviction_policy.empty());
  CHECK(defaulted(valid_priority_class()).preemption_policy == api::PreemptionPolicy::PreemptLowerPriority);
}

TEST_CASE("apply_defaults is idempotent and valid fixtures validate", "[apiserver]") {
  api::AnyObject once = valid_pod();
  apply_defaults(once);
  api::AnyObject twice = once;
  apply_defaults(twice);
  CHECK(std::get<api::Pod>(once).spec == std::get<api::Pod>(twice).spec);

  require_valid(valid_pod());
  require_valid(valid_node());
  require_valid(valid_service());
  require_valid(valid_replica_set());
  require_valid(valid_deployment());
  require_valid(valid_priority_class());
  require_valid(valid_pdb());
}

// ---------------------------------------------------------------------------------------------------
// ObjectMeta

TEST_CASE("metadata.name is required and must be a DNS subdomain", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.metadata.name.clear();
  require_single(pod, "metadata.name", "Required value: name or generateName is required");

  pod.metadata.generate_name = "web-";
  require_valid(pod);

  pod.metadata.generate_name = "Web-";
  require_single(pod, "metadata.generateName", "Invalid value: \"Web-\": " + std::string(kSubdomainMsg));

  api::Deployment d = valid_deployment();
  d.metadata.name = "Web";
  require_single(d, "metadata.name", "Invalid value: \"Web\": " + std::string(kSubdomainMsg));

  api::Node node = valid_node();
  node.metadata.name = std::string(254, 'a');
  require_single(node, "metadata.name",
                 "Invalid value: \"" + std::string(254, 'a') + "\": must be no more than 253 characters");

  // Dotted names are fine for subdomain kinds.
  api::PriorityClass pc = valid_priority_class();
  pc.metadata.name = "team.high";
  require_valid(pc);
}

TEST_CASE("Service names are DNS-1035 labels", "[apiserver]") {
  const std::string msg =
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
      "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
      "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
  api::Service s = valid_service();
  s.metadata.name = "1web";
  require_single(s, "metadata.name", "Invalid value: \"1web\": " + msg);
  s.metadata.name = "web.v1";
  require_single(s, "metadata.name", "Invalid value: \"web.v1\": " + msg);
}

TEST_CASE("metadata.namespace must be a DNS label", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.metadata.namespace_ = "Team_A";
  require_single(pod, "metadata.namespace", "Invalid value: \"Team_A\": " + std::string(kLabelMsg));
  pod.metadata.namespace_ = "team.a";
  require_single(pod, "metadata.namespace", "Invalid value: \"team.a\": must not contain dots");

  // Without defaulting, a namespaced object needs one and a cluster-scoped one must not have one.
  api::AnyObject raw = valid_pod();
  std::vector<FieldError> errs = validate_object(raw);
  CHECK(has_error(errs, "metadata.namespace", "Required value"));
  api::Node node = valid_node();
  node.metadata.namespace_ = "default";
  errs = validate_object(api::AnyObject(node));
  INFO(dump(errs));
  CHECK(has_error(errs, "metadata.namespace", "Forbidden: not allowed on this type"));
}

TEST_CASE("label keys and values are validated", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.metadata.labels.set("bad key", "x");
  require_single(pod, "metadata.labels", "Invalid value: \"bad key\": " + std::string(kNamePartMsg));

  pod = valid_pod();
  pod.metadata.labels.set("Example.com/team", "x");
  require_single(pod, "metadata.labels",
                 "Invalid value: \"Example.com/team\": prefix part " + std::string(kSubdomainMsg));

  pod = valid_pod();
  pod.metadata.labels.set("/team", "x");
  require_single(pod, "metadata.labels", "Invalid value: \"/team\": prefix part must be non-empty");

  pod = valid_pod();
  pod.metadata.labels.set("example.com/" + std::string(64, 'k'), "x");
  require_single(pod, "metadata.labels",
                 "Invalid value: \"example.com/" + std::string(64, 'k') +
                     "\": name part must be no more than 63 characters");

  pod = valid_pod();
  const std::string long_prefix = std::string(250, 'p') + ".com";
  pod.metadata.labels.set(long_prefix + "/team", "x");
  require_single(pod, "metadata.labels",
                 "Invalid value: \"" + long_prefix + "/team\": prefix part must be no more than 253 characters");

  pod = valid_pod();
  pod.metadata.labels.set("tier", std::string(64, 'v'));
  require_single(pod, "metadata.labels",
                 "Invalid value: \"" + std::string(64, 'v') + "\": must be no more than 63 characters");

  pod = valid_pod();
  pod.metadata.labels.set("tier", "-front");
  require_single(pod, "metadata.labels",
                 "Invalid value: \"-front\": a valid label must be an empty string or consist of alphanumeric "
                 "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
                 "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
                 "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");

  pod = valid_pod();
  pod.metadata.labels.set("empty-value", "");
  pod.metadata.labels.set("example.com/My_Key.1", "A.b-c_9");
  require_valid(pod);
}

TEST_CASE("annotation keys are case-insensitive qualified names with a size limit", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.metadata.annotations.set("Example.COM/Owner", "anything at all: {json}");
  require_valid(pod);

  pod.metadata.annotations.set("a/b/c", "x");
  require_single(pod, "metadata.annotations",
                 "Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or "
                 "'.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
                 "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an "
                 "optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");

  pod = valid_pod();
  pod.metadata.annotations.set("big", std::string(std::size_t{256} * 1024, 'x'));
  require_single(pod, "metadata.annotations", "Too long: must have at most 262144 bytes");
}

TEST_CASE("owner references and finalizers are validated", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.metadata.owner_references.push_back(api::OwnerReference{"apps/v1", "ReplicaSet", "web-7c9f", "", true, true});
  require_single(pod, "metadata.ownerReferences[0].uid", "Invalid value: \"\": uid must not be empty");

  pod.metadata.owner_references[0].uid = "uid-000001";
  pod.metadata.owner_references.push_back(api::OwnerReference{"apps/", "ReplicaSet", "web-2", "uid-2", true, true});
  const std::vector<FieldError> errs = defaulted_errors(pod);
  INFO(dump(errs));
  REQUIRE(errs.size() == 2);
  CHECK(errs[0].path == "metadata.ownerReferences[1].apiVersion");
  CHECK(errs[0].message == "Invalid value: \"apps/\": version must not be empty");
  CHECK(errs[1].path == "metadata.ownerReferences");
  CHECK(errs[1].message.ends_with("Only one reference can have Controller set to true. Found \"true\" in "
                                  "references for ReplicaSet/web-7c9f and ReplicaSet/web-2"));

  pod = valid_pod();
  pod.metadata.finalizers = {"example.com/cleanup", "kubernetes", "cleanup"};
  require_single(pod, "metadata.finalizers[2]",
                 "Invalid value: \"cleanup\": name is neither a standard finalizer name nor is it fully qualified");
}

// ---------------------------------------------------------------------------------------------------
// Pod containers

TEST_CASE("a pod needs containers with names and images", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.spec.containers.clear();
  require_single(pod, "spec.containers", "Required value");

  pod = valid_pod();
  pod.spec.containers[0].name.clear();
  require_single(pod, "spec.containers[0].name", "Required value");

  pod = valid_pod();
  pod.spec.containers[0].name = "App_1";
  require_single(pod, "spec.containers[0].name", "Invalid value: \"App_1\": " + std::string(kLabelMsg));

  pod = valid_pod();
  pod.spec.containers[0].image.clear();
  require_single(pod, "spec.containers[0].image", "Required value");

  pod = valid_pod();
  pod.spec.init_containers.push_back(container("migrate", ""));
  require_single(pod, "spec.initContainers[0].image", "Required value");

  pod = valid_pod();
  pod.spec.containers[0].image = " nginx";
  require_single(pod, "spec.containers[0].image",
                 "Invalid value: \" nginx\": must not have leading or trailing whitespace");

  // Without defaulting the pull policy is missing.
  api::Pod raw = valid_pod();
  raw.metadata.namespace_ = "default";
  raw.spec.termination_grace_period_seconds = 30;
  const std::vector<FieldError> errs = validate_object(api::AnyObject(raw));
  INFO(dump(errs));
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].path == "spec.containers[0].imagePullPolicy");
  CHECK(errs[0].message == "Required value");
}

TEST_CASE("container names are unique across init and regular containers", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.spec.containers.push_back(container("app"));
  require_single(pod, "spec.containers[1].name", "Duplicate value: \"app\"");

  pod = valid_pod();
  pod.spec.init_containers.push_back(container("setup"));
  pod.spec.init_containers.push_back(container("app"));
  require_single(pod, "spec.initContainers[1].name", "Duplicate value: \"app\"");

  pod = valid_pod();
  pod.spec.init_containers.push_back(container("setup"));
  pod.spec.init_containers.push_back(container("setup"));
  require_single(pod, "spec.initContainers[1].name", "Duplicate value: \"setup\"");
}

TEST_CASE("container requests must not exceed limits", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.spec.containers[0].resources.requests.set("cpu", 600);
  require_single(pod, "spec.containers[0].resources.requests",
                 "Invalid value: \"600m\": must be less than or equal to cpu limit of 500m");

  pod = valid_pod();
  pod.spec.containers[0].resources.requests.set("cpu", 3000);
  pod.spec.containers[0].resources.limits.set("cpu", 2000);
  require_single(pod, "spec.containers[0].resources.requests",
                 "Invalid value: \"3\": must be less than or equal to cpu limit of 2");

  pod = valid_pod();
  pod.spec.containers[0].resources.requests.set("memory", 2 * kGi);
  pod.spec.containers[0].resources.limits.set("memory", 1536 * kMi);
  require_single(pod, "spec.containers[0].resources.requests",
                 "Invalid value: \"2Gi\": must be less than or equal to memory limit of 1536Mi");

  pod = valid_pod();
  pod.spec.init_containers.push_back(container("init"));
  pod.spec.init_containers[0].resources.requests.set("ephemeral-storage", 1000);
  pod.spec.init_containers[0].resources.limits.set("ephemeral-storage", 999);
  require_single(pod, "spec.initContainers[0].resources.requests",
                 "Invalid value: \"1000\": must be less than or equal to ephemeral-storage limit of 999");
}

TEST_CASE("container resource amounts must not be negative", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.spec.containers[0].resources.requests.set("memory", -kGi);
  require_single(pod, "spec.containers[0].resources.requests[memory]",
                 "Invalid value: \"-1Gi\": must be greater than or equal to 0");

  pod = valid_pod();
  pod.spec.containers[0].resources.limits.set("cpu", -250);
  pod.spec.containers[0].resources.requests.set("cpu", -250);
  const std::vector<FieldError> errs = defaulted_errors(pod);
  INFO(dump(errs));
  REQUIRE(errs.size() == 2);
  CHECK(errs[0].path == "spec.containers[0].resources.limits[cpu]");
  CHECK(errs[0].message == "Invalid value: \"-250m\": must be greater than or equal to 0");
  CHECK(errs[1].path == "spec.containers[0].resources.requests[cpu]");
}

TEST_CASE("extended resources cannot be overcommitted", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.spec.containers[0].resources.requests.set("nvidia.com/gpu", 1);
  pod.spec.containers[0].resources.limits.set("nvidia.com/gpu", 2);
  require_single(pod, "spec.containers[0].resources.requests",
                 "Invalid value: \"1\": must be equal to nvidia.com/gpu limit of 2");

  pod = valid_pod();
  pod.spec.containers[0].resources.requests.set("example.com/foo", 3);
  require_single(pod, "spec.containers[0].resources.limits",
                 "Required value: Limit must be set for non overcommitable resources");

  // A limit alone is fine: the request is defaulted from it.
  pod = valid_pod();
  pod.spec.containers[0].resources.limits.set("nvidia.com/gpu", 2);
  require_valid(pod);
}

TEST_CASE("container resource names are validated", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.spec.containers[0].resources.requests.set("pods", 1);
  require_single(pod, "spec.containers[0].resources.requests[pods]",
                 "Invalid value: \"pods\": must be a standard resource for containers");

  pod = valid_pod();
  pod.spec.containers[0].resources.requests.set("gpu", 1);
  const std::vector<FieldError> errs = defaulted_errors(pod);
  INFO(dump(errs));
  REQUIRE(errs.size() == 2);
  CHECK(errs[0].message == "Invalid value: \"gpu\": must be a standard resource type or fully qualified");
  CHECK(errs[1].message == "Invalid value: \"gpu\": must be a standard resource for containers");

  pod = valid_pod();
  pod.spec.containers[0].resources.limits.set("kubernetes.io/foo", 1);
  require_valid(pod);
}

TEST_CASE("hugepages need cpu or memory and whole pages", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.spec.containers[0].resources = {};
  pod.spec.containers[0].resources.limits.set("hugepages-2Mi", 4 * kMi);
  require_single(pod, "spec.containers[0].resources", "Forbidden: HugePages require cpu or memory");

  pod = valid_pod();
  pod.spec.containers[0].resources.limits.set("hugepages-2Mi", 3 * kMi);
  const std::vector<FieldError> errs = defaulted_errors(pod);
  INFO(dump(errs));
  CHECK(has_error(errs, "spec.containers[0].resources.limits[hugepages-2Mi]",
                  "Invalid value: \"3Mi\": 3Mi is not positive integer multiple of hugepages-2Mi"));

  pod = valid_pod();
  pod.spec.containers[0].resources.limits.set("hugepages-1Gi", 2 * kGi);
  require_valid(pod);
}

TEST_CASE("container ports are validated", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.spec.containers[0].ports[0].container_port = 0;
  require_single(pod, "spec.containers[0].ports[0].containerPort", "Required value");

  pod = valid_pod();
  pod.spec.containers[0].ports[0].container_port = 70000;
  require_single(pod, "spec.containers[0].ports[0].containerPort",
                 "Invalid value: 70000: must be between 1 and 65535, inclusive");

  pod = valid_pod();
  pod.spec.containers[0].ports[0].host_port = 65536;
  require_single(pod, "spec.containers[0].ports[0].hostPort",
                 "Invalid value: 65536: must be between 1 and 65535, inclusive");

  pod = valid_pod();
  pod.spec.containers[0].ports[0].protocol = "HTTP";
  require_single(pod, "spec.containers[0].ports[0].protocol",
                 "Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"");

  pod = valid_pod();
  pod.spec.containers[0].ports[0].name = "Http";
  require_single(pod, "spec.containers[0].ports[0].name",
                 "Invalid value: \"Http\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");

  pod = valid_pod();
  pod.spec.containers[0].ports.push_back(api::ContainerPort{"http", 9090, 0, "TCP", ""});
  require_single(pod, "spec.containers[0].ports[1].name", "Duplicate value: \"http\"");
}

TEST_CASE("host ports may not clash", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.spec.containers[0].ports[0].host_port = 80;
  api::Container sidecar = container("proxy");
  sidecar.ports.push_back(api::ContainerPort{"", 8081, 80, "TCP", ""});
  pod.spec.containers.push_back(sidecar);
  require_single(pod, "spec.containers[1].ports[0].hostPort", "Duplicate value: \"TCP//80\"");

  // The same host port over UDP, or in an init container (they run one at a time), is fine.
  pod.spec.containers[1].ports[0].protocol = "UDP";
  api::Container init = container("init");
  init.ports.push_back(api::ContainerPort{"", 8082, 80, "TCP", ""});
  pod.spec.init_containers.push_back(init);
  require_valid(pod);

  pod = valid_pod();
  pod.spec.host_network = true;
  pod.spec.containers[0].ports[0].host_port = 9000;
  require_single(pod, "spec.containers[0].ports[0].hostPort",
                 "Invalid value: 9000: must match `containerPort` when `hostNetwork` is true");
}

TEST_CASE("init container restartPolicy and probes", "[apiserver]") {
  api::Pod pod = valid_pod();
  api::Container init = container("init");
  init.restart_policy = "OnFailure";
  pod.spec.init_containers.push_back(init);
  require_single(pod, "spec.initContainers[0].restartPolicy",
                 "Unsupported value: \"OnFailure\": supported values: \"Always\"");

  pod = valid_pod();
  pod.spec.containers[0].restart_policy = "Always";
  require_single(pod, "spec.containers[0].restartPolicy", "Forbidden: may not be set for non-init containers");

  pod = valid_pod();
  init = container("init");
  init.readiness_probe = api::Probe{};
  pod.spec.init_containers.push_back(init);
  require_single(pod, "spec.initContainers[0].readinessProbe",
                 "Forbidden: may not be set for init containers without restartPolicy=Always");

  // A sidecar (restartPolicy Always) may have probes, and they are validated.
  pod.spec.init_containers[0].restart_policy = "Always";
  require_valid(pod);
  pod.spec.init_containers[0].startup_probe = api::Probe{};
  pod.spec.init_containers[0].startup_probe->success_threshold = 2;
  require_single(pod, "spec.initContainers[0].startupProbe.successThreshold", "Invalid value: 2: must be 1");
}

TEST_CASE("probe timings are validated", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.spec.containers[0].liveness_probe = api::Probe{};
  pod.spec.containers[0].liveness_probe->period_seconds = -1;
  require_single(pod, "spec.containers[0].livenessProbe.periodSeconds",
                 "Invalid value: -1: must be greater than or equal to 0");

  pod = valid_pod();
  pod.spec.containers[0].liveness_probe = api::Probe{};
  pod.spec.containers[0].liveness_probe->success_threshold = 3;
  require_single(pod, "spec.containers[0].livenessProbe.successThreshold", "Invalid value: 3: must be 1");

  pod = valid_pod();
  pod.spec.containers[0].readiness_probe = api::Probe{};
  pod.spec.containers[0].readiness_probe->success_threshold = 3;
  pod.spec.containers[0].readiness_probe->initial_delay_seconds = -5;
  require_single(pod, "spec.containers[0].readinessProbe.initialDelaySeconds",
                 "Invalid value: -5: must be greater than or equal to 0");

  // A zero only survives when defaulting was skipped.
  pod = defaulted(valid_pod());
  pod.spec.containers[0].readiness_probe = api::Probe{};
  pod.spec.containers[0].readiness_probe->failure_threshold = 0;
  const std::vector<FieldError> errs = validate_object(api::AnyObject(pod));
  INFO(dump(errs));
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].path == "spec.containers[0].readinessProbe.failureThreshold");
  CHECK(errs[0].message == "Invalid value: 0: must be greater than or equal to 1");
}

// ---------------------------------------------------------------------------------------------------
// Pod spec

TEST_CASE("pod spec scalar fields", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.spec.termination_grace_period_seconds = -1;
  require_single(pod, "spec.terminationGracePeriodSeconds", "Invalid value: -1: must be greater than or equal to 0");

  pod = valid_pod();
  pod.spec.active_deadline_seconds = 0;
  require_single(pod, "spec.activeDeadlineSeconds", "Invalid value: 0: must be between 1 and 2147483647, inclusive");

  pod = valid_pod();
  pod.spec.node_name = "Node_1";
  require_single(pod, "spec.nodeName", "Invalid value: \"Node_1\": " + std::string(kSubdomainMsg));

  pod = valid_pod();
  pod.spec.priority_class_name = "High";
  require_single(pod, "spec.priorityClassName", "Invalid value: \"High\": " + std::string(kSubdomainMsg));

  pod = valid_pod();
  pod.spec.overhead.set("cpu", -100);
  require_single(pod, "spec.overhead[cpu]", "Invalid value: \"-100m\": must be greater than or equal to 0");

  // Priority is set by admission and accepted as is, even above the user-definable range.
  pod = valid_pod();
  pod.spec.priority = api::kSystemNodeCritical;
  pod.spec.preemption_policy = api::PreemptionPolicy::Never;
  require_valid(pod);

  pod = valid_pod();
  pod.spec.node_selector.set("disk type", "ssd");
  require_single(pod, "spec.nodeSelector", "Invalid value: \"disk type\": " + std::string(kNamePartMsg));
}

TEST_CASE("scheduling gates and the deletion-cost annotation", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.spec.scheduling_gates = {"example.com/quota", "example.com/quota"};
  require_single(pod, "spec.schedulingGates[1]", "Duplicate value: \"example.com/quota\"");

  pod = valid_pod();
  pod.spec.scheduling_gates = {"example.com/quota"};
  pod.spec.node_name = "node-1";
  require_single(pod, "spec.nodeName", "Forbidden: cannot be set until all schedulingGates have been cleared");

  pod = valid_pod();
  pod.metadata.annotations.set("controller.kubernetes.io/pod-deletion-cost", "-100");
  require_valid(pod);
  for (const std::string bad : {"+5", "007", "abc", "3000000000", ""}) {
    INFO(bad);
    pod.metadata.annotations.set("controller.kubernetes.io/pod-deletion-cost", bad);
    require_single(pod, "metadata.annotations[controller.kubernetes.io/pod-deletion-cost]",
                   "Invalid value: \"" + bad + "\": must be a 32bit integer");
  }
}

TEST_CASE("tolerations are validated", "[apiserver]") {
  api::Pod pod = valid_pod();
  pod.spec.tolerations.push_back(
      api::Toleration{"dedicated", api::TolerationOperator::Equal, "gpu", api::TaintEffect::NoSchedule, std::nullopt});
  pod.spec.tolerations.push_back(
      api::Toleration{"", api::TolerationOperator::Exists, "", api::TaintEffect::None, std::nullopt});
  pod.spec.tolerations.push_back(
      api::Toleration{"zone", api::TolerationOperator::Exists, "a", api::TaintEffect::None, std::nullopt});
  require_single(pod, "spec.tolerations[2].operator",
                 "Invalid value: \"a\": value must be empty when `operator` is 'Exists'");

  pod = valid_pod();
  pod.spec.tolerations.push_back(
      api::Toleration{"", api::TolerationOperator::Equal, "", api::TaintEffect::None, std::nullopt});
  require_single(pod, "spec.tolerations[0].operator",
                 "Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all "
                 "values and all keys\"");

  pod = valid_pod();
  pod.spec.tolerations.push_back(api::Toleration{"node.kubernetes.io/not-ready", api::TolerationOperator::Exists, "",
                                                 api::TaintEffect::NoSchedule, 300});
  require_single(pod, "spec.tolerations[0].effect",
                 "Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set");
  pod.spec.tolerations[0].effect = api::TaintEffect::NoExecute;
  require_valid(pod);

  pod = valid_pod();
  pod.spec.tolerations.push_back(
      api::Toleration{"bad key", api::TolerationOperator::Equal, "bad value!", api::TaintEffect::None, std::nullopt});
  const std::vector<FieldError> errs = defaulted_errors(pod);
  INFO(dump(errs));
  REQUIRE(errs.size() == 2);
  CHECK(errs[0].path == "spec.tolerations[0].key");
  CHECK(errs[0].message == "Invalid value: \"bad key\": " + std::string(kNamePartMsg));
  CHECK(errs[1].path == "spec.tolerations[0].operator");
  CHECK(errs[1].message.starts_with("Invalid value: \"bad value!\": a valid label must be an empty string"));
}

TEST_CASE("topology spread constraints are validated", "[apiserver]") {
  const auto with = [](api::TopologySpreadConstraint c) {
    api::Pod pod = valid_pod();
    pod.spec.topology_spread_constraints.push_back(std::move(c));
    return pod;
  };
  api::TopologySpreadConstraint c;
  c.topology_key = std::string(api::kLabelZone);
  c.label_selector = api::LabelSelector{};
  c.label_selector->match_labels.set("app", "web");
  require_valid(with(c));

  api::TopologySpreadConstraint skew = c;
  skew.max_skew = 0;
  require_single(with(skew), "spec.topologySpreadConstraints[0].maxSkew",
                 "Invalid value: 0: must be greater than zero");

  api::TopologySpreadConstraint key = c;
  key.topology_key.clear();
  require_single(with(key), "spec.topologySpreadConstraints[0].topologyKey", "Required value: can not be empty");

  api::TopologySpreadConstraint domains = c;
  domains.min_domains = 0;
  require_single(with(domains), "spec.topologySpreadConstraints[0].minDomains",
                 "Invalid value: 0: must be greater than zero");

  domains.min_domains = 2;
  domains.when_unsatisfiable = api::UnsatisfiableConstraintAction::ScheduleAnyway;
  require_single(with(domains), "spec.topologySpreadConstraints[0].minDomains",
                 "Invalid value: 2: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway");

  api::Pod twice = with(c);
  twice.spec.topology_spread_constraints.push_back(c);
  require_single(twice, "spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}",
                 "Duplicate value: \"{topology.kubernetes.io/zone, DoNotSchedule}\"");

  api::TopologySpreadConstraint keys = c;
  keys.label_selector.reset();
  keys.match_label_keys = {"pod-template-hash"};
  require_single(with(keys), "spec.topologySpreadConstraints[0].matchLabelKeys",
                 "Forbidden: must not be specified when labelSelector is not set");

  keys = c;
  keys.match_label_keys = {"app"};
  require_single(with(keys), "spec.topologySpreadConstraints[0].matchLabelKeys[0]",
                 "Invalid value: \"app\": exists in both matchLabelKeys and labelSelector");

  api::TopologySpreadConstraint selector = c;
  selector.label_selector->match_expressions.push_back(requirement("tier", api::SelectorOperator::In, {}));
  require_single(with(selector), "spec.topologySpreadConstraints[0].labelSelector.matchExpressions[0].values",
                 "Required value: must be specified when `operator` is 'In' or 'NotIn'");
}

TEST_CASE("node affinity is validated", "[apiserver]") {
  const auto with = [](api::NodeAffinity na) {
    api::Pod pod = valid_pod();
    pod.spec.affinity = api::Affinity{};
    pod.spec.affinity->node_affinity = std::move(na);
    return pod;
  };
  const std::string req = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";

  api::NodeAffinity na;
  na.required = api::NodeSelector{};
  require_single(with(na), req, "Required value: must have at least one node selector term");

  na.required->terms.push_back(api::NodeSelectorTerm{{requirement("zone", api::SelectorOperator::In, {})}, {}});
  require_single(with(na), req + "[0].matchExpressions[0].values",
                 "Required value: must be specified when `operator` is 'In' or 'NotIn'");

  na.required->terms[0].match_expressions[0] = requirement("zone", api::SelectorOperator::Exists, {"a"});
  require_single(with(na), req + "[0].matchExpressions[0].values",
                 "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");

  na.required->terms[0].match_expressions[0] = requirement("cores", api::SelectorOperator::Gt, {"4", "8"});
  require_single(with(na), req + "[0].matchExpressions[0].values",
                 "Required value: must be specified single value when `operator` is 'Lt' or 'Gt'");

  na.required->terms[0].match_expressions[0] = requirement("cores", api::SelectorOperator::Lt, {"four"});
  require_single(with(na), req + "[0].matchExpressions[0].values[0]", "Invalid value: \"four\": must be an integer");

  na.required->terms[0].match_expressions[0] = requirement("cores", api::SelectorOperator::Gt, {"4"});
  na.required->terms[0].match_fields.push_back(requirement("metadata.uid", api::SelectorOperator::In, {"x"}));
  require_single(with(na), req + "[0].matchFields[0].key",
                 "Invalid value: \"metadata.uid\": not a valid field selector key");

  na.required->terms[0].match_fields[0] = requirement("metadata.name", api::SelectorOperator::In, {"a", "b"});
  require_single(with(na), req + "[0].matchFields[0].values",
                 "Required value: must be only one value when `operator` is 'In' or 'NotIn' for node field selector");

  api::NodeAffinity preferred;
  preferred.preferred.push_back(
      api::PreferredSchedulingTerm{0, {{requirement("zone", api::SelectorOperator::In, {"a"})}, {}}});
  preferred.preferred.push_back(
      api::PreferredSchedulingTerm{101, {{requirement("zone", api::SelectorOperator::In, {"not a label!"})}, {}}});
  const std::vector<FieldError> errs = defaulted_errors(with(preferred));
  INFO(dump(errs));
  REQUIRE(errs.size() == 2);  // preferred terms may carry any value
  CHECK(errs[0].path == "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight");
  CHECK(errs[0].message == "Invalid value: 0: must be in the range 1-100");
  CHECK(errs[1].path == "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[1].weight");
  CHECK(errs[1].message == "Invalid value: 101: must be in the range 1-100");
}

TEST_CASE("pod affinity terms need a topology key and valid selectors", "[apiserver]") {
  api::PodAffinityTerm term;
  term.label_selector = api::LabelSelector{};
  term.label_selector->match_labels.set("app", "web");
  term.topology_key = std::string(api::kLabelHostname);

  api::Pod pod = valid_pod();
  pod.spec.affinity = api::Affinity{};
  pod.spec.affinity->pod_anti_affinity = api::PodAffinity{};
  pod.spec.affinity->pod_anti_affinity->required.push_back(term);
  pod.spec.affinity->pod_affinity = api::PodAffinity{};
  pod.spec.affinity->pod_affinity->preferred.push_back(api::WeightedPodAffinityTerm{50, term});
  require_valid(pod);

  api::Pod missing_key = pod;
  missing_key.spec.affinity->pod_anti_affinity->required[0].topology_key.clear();
  const std::string path =
      "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey";
  const std::vector<FieldError> errs = defaulted_errors(missing_key);
  INFO(dump(errs));
  REQUIRE(errs.size() == 3);  // Required, then the two label-name messages for ""
  CHECK(errs[0].path == path);
  CHECK(errs[0].message == "Required value: can not be empty");
  CHECK(errs[1].message == "Invalid value: \"\": name part must be non-empty");

  api::Pod weight = pod;
  weight.spec.affinity->pod_affinity->preferred[0].weight = 0;
  require_single(weight, "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
                 "Invalid value: 0: must be in the range 1-100");

  api::Pod gt = pod;
  gt.spec.affinity->pod_affinity->preferred[0].term.label_selector->match_expressions.push_back(
      requirement("version", api::SelectorOperator::Gt, {"2"}));
  require_single(gt,
                 "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm."
                 "labelSelector.matchExpressions[0].operator",
                 "Invalid value: \"Gt\": not a valid selector operator");

  api::Pod ns = pod;
  ns.spec.affinity->pod_anti_affinity->required[0].namespaces = {"prod", "Dev"};
  require_single(ns, "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].namespaces[1]",
                 "Invalid value: \"Dev\": " + std::string(kLabelMsg));
}

// ---------------------------------------------------------------------------------------------------
// Node

TEST_CASE("node taints are validated", "[apiserver]") {
  api::Node node = valid_node();
  node.spec.taints.push_back(api::Taint{"dedicated", "gpu", api::TaintEffect::NoSchedule, std::nullopt});
  node.spec.taints.push_back(api::Taint{"dedicated", "gpu", api::TaintEffect::NoExecute, std::nullopt});
  require_valid(node);

  node.spec.taints.push_back(api::Taint{"dedicated", "other", api::TaintEffect::NoSchedule, std::nullopt});
  require_single(node, "spec.taints[2]",
                 "Duplicate value: core.Taint{Key:\"dedicated\", Value:\"other\", Effect:\"NoSchedule\", "
                 "TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair");

  node = valid_node();
  node.spec.taints.push_back(api::Taint{"dedicated", "gpu", api::TaintEffect::None, std::nullopt});
  require_single(node, "spec.taints[0].effect", "Required value");

  node = valid_node();
  node.spec.taints.push_back(api::Taint{"", "gpu", api::TaintEffect::NoSchedule, std::nullopt});
  node.spec.taints.push_back(api::Taint{"ok", "bad value", api::TaintEffect::NoSchedule, std::nullopt});
  const std::vector<FieldError> errs = defaulted_errors(node);
  INFO(dump(errs));
  REQUIRE(errs.size() == 3);
  CHECK(errs[0].path == "spec.taints[0].key");
  CHECK(errs[0].message == "Invalid value: \"\": name part must be non-empty");
  CHECK(errs[2].path == "spec.taints[1].value");
}

TEST_CASE("node capacity and allocatable must not be negative", "[apiserver]") {
  api::Node node = valid_node();
  node.status.capacity.set("cpu", -1000);
  node.status.allocatable.set("cpu", 1000);
  require_single(node, "status.capacity[cpu]", "Invalid value: \"-1\": must be greater than or equal to 0");

  node = valid_node();
  node.status.allocatable.set("memory", -512);
  require_single(node, "status.allocatable[memory]", "Invalid value: \"-512\": must be greater than or equal to 0");

  // Allocatable above capacity is not an upstream error.
  node = valid_node();
  node.status.allocatable.set("cpu", 8000);
  require_valid(node);
}

// ---------------------------------------------------------------------------------------------------
// Service

TEST_CASE("service ports are validated", "[apiserver]") {
  api::Service s = valid_service();
  s.spec.ports.clear();
  require_single(s, "spec.ports", "Required value");
  s.spec.cluster_ip = "None";  // headless
  require_valid(s);
  s.spec.cluster_ip.clear();
  s.spec.type = "ExternalName";
  require_valid(s);

  s = valid_service();
  s.spec.ports[0].port = 0;
  s.spec.ports[0].target_port = api::IntOrString::from_int(8080);
  require_single(s, "spec.ports[0].port", "Invalid value: 0: must be between 1 and 65535, inclusive");

  s = valid_service();
  api::ServicePort second;
  second.port = 443;
  s.spec.ports.push_back(second);
  const std::vector<FieldError> errs = defaulted_errors(s);
  INFO(dump(errs));
  REQUIRE(errs.size() == 2);
  CHECK(errs[0].path == "spec.ports[0].name");
  CHECK(errs[0].message == "Required value");
  CHECK(errs[1].path == "spec.ports[1].name");

  s.spec.ports[0].name = "http";
  s.spec.ports[1].name = "http";
  require_single(s, "spec.ports[1].name", "Duplicate value: \"http\"");

  s.spec.ports[1].name = "https";
  s.spec.ports[1].protocol = "HTTP";
  require_single(s, "spec.ports[1].protocol",
                 "Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"");

  s.spec.ports[1].protocol = "TCP";
  s.spec.ports[1].port = 80;
  require_single(s, "spec.ports[1]",
                 "Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), "
                 "Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}");

  s.spec.ports[1].protocol = "UDP";  // same number over another protocol is fine
  require_valid(s);

  s = valid_service();
  s.spec.ports[0].target_port = api::IntOrString::from_string("web_port");
  require_single(s, "spec.ports[0].targetPort",
                 "Invalid value: \"web_port\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens "
                 "(-)");
  s.spec.ports[0].target_port = api::IntOrString::from_string("8080");
  require_single(s, "spec.ports[0].targetPort", "Invalid value: \"8080\": must contain at least one letter (a-z)");
  s.spec.ports[0].target_port = api::IntOrString::from_int(70000);
  require_single(s, "spec.ports[0].targetPort", "Invalid value: 70000: must be between 1 and 65535, inclusive");
}

TEST_CASE("service type, nodePort and clusterIP are validated", "[apiserver]") {
  api::Service s = valid_service();
  s.spec.type = "Internal";
  require_single(s, "spec.type",
                 "Unsupported value: \"Internal\": supported values: \"ClusterIP\", \"ExternalName\", "
                 "\"LoadBalancer\", \"NodePort\"");

  s = valid_service();
  s.spec.ports[0].node_port = 30080;
  require_single(s, "spec.ports[0].nodePort", "Forbidden: may not be used when `type` is 'ClusterIP'");
  s.spec.type = "NodePort";
  require_valid(s);
  s.spec.type = "LoadBalancer";
  require_valid(s);

  s = valid_service();
  s.spec.type = "NodePort";
  s.spec.cluster_ip = "None";
  require_single(s, "spec.clusterIP", "Invalid value: \"None\": may not be set to 'None' for NodePort services");

  s = valid_service();
  s.spec.cluster_ip = "10.96.0.300";
  require_single(s, "spec.clusterIP",
                 "Invalid value: \"10.96.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
  s.spec.cluster_ip = "fd00::10";
  require_valid(s);

  s = valid_service();
  s.spec.selector.set("app!", "web");
  require_error(s, "spec.selector", "Invalid value: \"app!\": " + std::string(kNamePartMsg));
}

// ---------------------------------------------------------------------------------------------------
// ReplicaSet and Deployment

TEST_CASE("replica set spec is validated", "[apiserver]") {
  api::ReplicaSet rs = valid_replica_set();
  rs.spec.replicas = -1;
  require_single(rs, "spec.replicas", "Invalid value: -1: must be greater than or equal to 0");

  rs = valid_replica_set();
  rs.spec.min_ready_seconds = -3;
  require_single(rs, "spec.minReadySeconds", "Invalid value: -3: must be greater than or equal to 0");

  rs = valid_replica_set();
  rs.spec.selector = {};
  require_single(rs, "spec.selector",
                 "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
                 "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment");

  rs = valid_replica_set();
  rs.spec.template_.metadata.labels = {{"app", "db"}, {"tier", "backend"}};
  require_single(rs, "spec.template.metadata.labels",
                 "Invalid value: map[string]string{\"app\":\"db\", \"tier\":\"backend\"}: `selector` does not match "
                 "template `labels`");

  rs = valid_replica_set();
  rs.spec.template_.spec.containers.push_back(container("sidecar", ""));
  require_single(rs, "spec.template.spec.containers[1].image", "Required value");

  rs = valid_replica_set();
  rs.spec.template_.spec.restart_policy = api::RestartPolicy::OnFailure;
  require_single(rs, "spec.template.spec.restartPolicy",
                 "Unsupported value: \"OnFailure\": supported values: \"Always\"");

  rs = valid_replica_set();
  rs.spec.template_.spec.active_deadline_seconds = 60;
  require_single(rs, "spec.template.spec.activeDeadlineSeconds",
                 "Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported");

  rs = valid_replica_set();
  rs.spec.template_.metadata.labels.set("bad key", "x");
  require_single(rs, "spec.template.metadata.labels", "Invalid value: \"bad key\": " + std::string(kNamePartMsg));

  // A selector that does not convert stops before the template is looked at.
  rs = valid_replica_set();
  rs.spec.selector.match_expressions.push_back(requirement("tier", api::SelectorOperator::NotIn, {}));
  rs.spec.template_.spec.containers.clear();
  const std::vector<FieldError> errs = defaulted_errors(rs);
  INFO(dump(errs));
  REQUIRE(errs.size() == 2);
  CHECK(errs[0].path == "spec.selector.matchExpressions[0].values");
  CHECK(errs[0].message == "Required value: must be specified when `operator` is 'In' or 'NotIn'");
  CHECK(errs[1].path == "spec.selector");
  CHECK(errs[1].message == "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\"}, "
                           "MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"tier\", "
                           "Operator:\"NotIn\", Values:[]string(nil)}}}: invalid label selector");

  rs = valid_replica_set();
  rs.spec.selector.match_expressions.push_back(requirement("tier", api::SelectorOperator::NotIn, {"cache"}));
  require_valid(rs);
}

TEST_CASE("deployment rolling update parameters are validated", "[apiserver]") {
  api::Deployment d = valid_deployment();
  d.spec.rolling_update.max_surge = api::IntOrString::from_int(0);
  d.spec.rolling_update.max_unavailable = api::IntOrString::from_int(0);
  require_single(d, "spec.strategy.rollingUpdate.maxUnavailable",
                 "Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0");

  d.spec.rolling_update.max_surge = api::IntOrString::from_string("0%");
  require_single(d, "spec.strategy.rollingUpdate.maxUnavailable",
                 "Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0");

  d.spec.strategy = api::DeploymentStrategyType::Recreate;  // rollingUpdate is ignored then
  require_valid(d);

  d = valid_deployment();
  d.spec.rolling_update.max_unavailable = api::IntOrString::from_string("150%");
  require_single(d, "spec.strategy.rollingUpdate.maxUnavailable",
                 "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%");

  d = valid_deployment();
  d.spec.rolling_update.max_surge = api::IntOrString::from_string("150%");  // surge may exceed 100%
  require_valid(d);

  d.spec.rolling_update.max_surge = api::IntOrString::from_string("lots");
  require_single(d, "spec.strategy.rollingUpdate.maxSurge",
                 "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"lots\"}: a valid percent string must "
                 "be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is "
                 "'[0-9]+%')");

  d.spec.rolling_update.max_surge = api::IntOrString::from_int(-1);
  require_single(d, "spec.strategy.rollingUpdate.maxSurge", "Invalid value: -1: must be greater than or equal to 0");
}

TEST_CASE("deployment counters are validated", "[apiserver]") {
  api::Deployment d = valid_deployment();
  d.spec.replicas = -2;
  require_single(d, "spec.replicas", "Invalid value: -2: must be greater than or equal to 0");

  d = valid_deployment();
  d.spec.revision_history_limit = -1;
  require_single(d, "spec.revisionHistoryLimit", "Invalid value: -1: must be greater than or equal to 0");
  d.spec.revision_history_limit = 0;
  require_valid(d);

  d = valid_deployment();
  d.spec.min_ready_seconds = 600;
  require_single(d, "spec.progressDeadlineSeconds", "Invalid value: 600: must be greater than minReadySeconds");

  d = valid_deployment();
  d.spec.min_ready_seconds = -1;
  require_single(d, "spec.minReadySeconds", "Invalid value: -1: must be greater than or equal to 0");

  d = valid_deployment();
  d.spec.selector = {};
  require_single(d, "spec.selector",
                 "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
                 "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment");

  d = valid_deployment();
  d.spec.template_.spec.containers.push_back(container("Sidecar"));
  require_single(d, "spec.template.spec.containers[1].name", "Invalid value: \"Sidecar\": " + std::string(kLabelMsg));
}

// ---------------------------------------------------------------------------------------------------
// PriorityClass and PodDisruptionBudget

TEST_CASE("priority class value range and system names", "[apiserver]") {
  api::PriorityClass pc = valid_priority_class();
  pc.value = api::kHighestUserDefinablePriority;
  require_valid(pc);
  pc.value = -5;
  require_valid(pc);

  pc.value = api::kHighestUserDefinablePriority + 1;
  require_single(pc, "value", "Forbidden: maximum allowed value of a user defined priority is 1000000000");

  pc = valid_priority_class();
  pc.metadata.name = "system-important";
  require_single(pc, "metadata.name",
                 "Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: "
                 "system-important is not a known system priority class");

  pc.metadata.name = "system-node-critical";
  pc.value = api::kSystemNodeCritical;
  require_valid(pc);
  pc.value = api::kSystemClusterCritical;
  require_single(pc, "metadata.name",
                 "Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: "
                 "value of system-node-critical PriorityClass must be 2000001000");
  pc.value = api::kSystemNodeCritical;
  pc.global_default = true;
  require_single(pc, "metadata.name",
                 "Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: "
                 "globalDefault of system-node-critical PriorityClass must be false");
}

TEST_CASE("pod disruption budget spec is validated", "[apiserver]") {
  api::PodDisruptionBudget pdb = valid_pdb();
  pdb.spec.max_unavailable = api::IntOrString::from_string("50%");
  require_single(pdb, "spec",
                 "Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:intstr.IntOrString{Type:0, IntVal:1, "
                 "StrVal:\"\"}, MaxUnavailable:intstr.IntOrString{Type:1, IntVal:0, StrVal:\"50%\"}}: minAvailable "
                 "and maxUnavailable cannot be both set");

  pdb = valid_pdb();
  pdb.spec.min_available = api::IntOrString::from_int(-1);
  require_single(pdb, "spec.minAvailable", "Invalid value: -1: must be greater than or equal to 0");

  pdb = valid_pdb();
  pdb.spec.min_available.reset();
  pdb.spec.max_unavailable = api::IntOrString::from_string("101%");
  require_single(pdb, "spec.maxUnavailable",
                 "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"101%\"}: must not be greater than 100%");

  pdb.spec.max_unavailable = api::IntOrString::from_string("half");
  require_error(pdb, "spec.maxUnavailable",
                "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"half\"}: a valid percent string must be "
                "a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is "
                "'[0-9]+%')");

  // Neither field is accepted upstream (policy/v1 has no default).
  pdb = valid_pdb();
  pdb.spec.min_available.reset();
  require_valid(pdb);

  pdb = valid_pdb();
  pdb.spec.unhealthy_pod_eviction_policy = "AlwaysAllow";
  require_valid(pdb);
  pdb.spec.unhealthy_pod_eviction_policy = "IfHealthyBudget";
  require_valid(pdb);
  pdb.spec.unhealthy_pod_eviction_policy = "Never";
  require_single(pdb, "spec.unhealthyPodEvictionPolicy",
                 "Unsupported value: \"Never\": supported values: \"AlwaysAllow\", \"IfHealthyBudget\"");

  pdb = valid_pdb();
  pdb.spec.selector->match_expressions.push_back(requirement("app", api::SelectorOperator::Exists, {"web"}));
  require_single(pdb, "spec.selector.matchExpressions[0].values",
                 "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");

  pdb = valid_pdb();
  pdb.metadata.name = "Web_PDB";
  require_single(pdb, "metadata.name", "Invalid value: \"Web_PDB\": " + std::string(kSubdomainMsg));
}
