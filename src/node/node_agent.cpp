#include "kubesim/node/node_agent.hpp"

#include "kubesim/node/eviction.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>

namespace kubesim::node {
namespace {

std::string key_of(const api::Pod& pod) { return pod.metadata.namespace_ + "/" + pod.metadata.name; }

// The conditions a healthy kubelet reports, in the order of upstream's node status setters, with the
// event each one records when it changes (pkg/kubelet/nodestatus/setters.go).
struct KubeletCondition {
  std::string_view type;
  api::ConditionStatus status;
  std::string_view reason;
  std::string_view message;
  std::string_view event;
};
constexpr std::array<KubeletCondition, 4> kKubeletConditions{{
    {"MemoryPressure", api::ConditionStatus::False, "KubeletHasSufficientMemory",
     "kubelet has sufficient memory available", "NodeHasSufficientMemory"},
    {"DiskPressure", api::ConditionStatus::False, "KubeletHasNoDiskPressure", "kubelet has no disk pressure",
     "NodeHasNoDiskPressure"},
    {"PIDPressure", api::ConditionStatus::False, "KubeletHasSufficientPID", "kubelet has sufficient PID available",
     "NodeHasSufficientPID"},
    {"Ready", api::ConditionStatus::True, "KubeletReady", "kubelet is posting ready status", "NodeReady"},
}};

// MemoryPressure while the eviction manager sees memory.available below its threshold.
constexpr KubeletCondition kMemoryPressure{"MemoryPressure", api::ConditionStatus::True, "KubeletHasInsufficientMemory",
                                           "kubelet has insufficient memory available", "NodeHasInsufficientMemory"};

// Upstream's OOM-kill exit code (128 + SIGKILL).
constexpr std::int32_t kOomExitCode = 137;

bool reports_differently(const api::NodeCondition* c, const KubeletCondition& want) {
  return c == nullptr || c->status != want.status || c->reason != want.reason || c->message != want.message;
}

// Go's Duration.Truncate(time.Millisecond), as the Pulled message prints durations.
base::Duration truncate_ms(base::Duration d) { return base::Duration::from_millis(d.nanos() / 1'000'000); }

const api::Container& container_at(const api::PodSpec& spec, std::uint32_t i) {
  return i < spec.init_containers.size() ? spec.init_containers[i] : spec.containers[i - spec.init_containers.size()];
}

// When a readiness probe has first succeeded successThreshold times in a row: probes run at
// started + initialDelaySeconds + k·periodSeconds (k = 0, 1, ...) and succeed from serving_from on.
base::SimTime probe_ready_at(const api::Probe& p, base::SimTime started, base::SimTime serving_from) {
  base::SimTime first = started + base::Duration::from_seconds(std::max(0, p.initial_delay_seconds));
  base::Duration period = base::Duration::from_seconds(std::max(1, p.period_seconds));
  std::int64_t k = 0;
  if (serving_from > first) {
    k = ((serving_from - first).nanos() + period.nanos() - 1) / period.nanos();
  }
  return first + period * (k + std::max(1, p.success_threshold) - 1);
}

// component-helpers' GetRequiredNodeAffinity(pod).Match(node): the nodeSelector and the required
// node affinity terms, as the scheduler's NodeAffinity filter checks them.
bool matches_required_node_affinity(const api::PodSpec& spec, const api::Node& node) {
  if (!node.metadata.labels.contains_all(spec.node_selector)) {
    return false;
  }
  if (spec.affinity && spec.affinity->node_affinity && spec.affinity->node_affinity->required) {
    return spec.affinity->node_affinity->required->matches(node.metadata.labels, node.metadata.name);
  }
  return true;
}

}  // namespace

NodeAgent::NodeAgent(sim::Simulation& sim, apiserver::ApiServer& server, KubeletConfig config)
    : sim_(sim), server_(server), client_(server, "kubelet", client::Endpoint{sim::EventKind::KubeletReply, 0}),
      admin_client_(server, "cluster-admin"), recorder_(sim, client_, "kubelet"), config_(std::move(config)) {
  for (const ContainerRuntime& profile : runtime_profiles()) {
    runtimes_[static_cast<std::size_t>(profile.kind)] = resolve_runtime(profile.kind, config_);
  }
}

NodeIndex NodeAgent::add_node(api::Node node, std::optional<ContainerRuntimeKind> runtime) {
  auto idx = static_cast<NodeIndex>(pool_.size());
  // Node allocatable (pkg/kubelet/cm/node_container_manager): capacity − systemReserved − kubeReserved
  // − the hard eviction threshold, for each resource the template does not set itself.
  for (const auto& [name, amount] : node.status.capacity) {
    if (node.status.allocatable.contains(name)) {
      continue;
    }
    std::int64_t a = amount - config_.system_reserved.value_or_zero(name) - config_.kube_reserved.value_or_zero(name);
    if (name == api::kResourceMemory) {
      a -= config_.eviction_hard_memory_available;
    }
    node.status.allocatable.set(name, std::max<std::int64_t>(0, a));
  }
  rows_by_node_.emplace_back();
  index_by_name_.emplace(node.metadata.name, idx);
  ContainerRuntimeKind kind = runtime.value_or(config_.container_runtime);
  // What the kubelet reports in status.nodeInfo: its own version and its runtime's; the machine's
  // fields come from the template.
  api::NodeSystemInfo& info = node.status.node_info;
  info.kubelet_version = std::string(kKubeletVersion);
  info.container_runtime_version = std::string(runtime_profile(kind).version);
  if (info.operating_system.empty()) {
    info.operating_system = "linux";
  }
  if (info.architecture.empty()) {
    info.architecture = "amd64";
  }
  std::int64_t fs_capacity = config_.image_fs_capacity > 0
                                 ? config_.image_fs_capacity
                                 : node.status.capacity.value_or_zero(api::kResourceEphemeralStorage);
  // Images the template lists are on the node's disk from the start (baked into the machine image).
  ImageCache cache;
  for (const api::ContainerImage& img : node.status.images) {
    std::vector<std::string> names;
    for (const std::string& name : img.names) {
      std::string normalized = normalize_image_name(name);
      if (img.size_bytes > 0) {
        template_image_sizes_.emplace(normalized, img.size_bytes);
      }
      if (cache.find(normalized) == nullptr && std::find(names.begin(), names.end(), normalized) == names.end()) {
        names.push_back(std::move(normalized));
      }
    }
    if (!names.empty()) {
      std::int64_t size = img.size_bytes > 0 ? img.size_bytes : image_size(names.front());
      cache.add(std::move(names), size, sim_.now());
    }
  }
  pool_.add(std::move(node), sim_.rng_stream("kubelet", idx));
  pool_.runtime[idx] = kind;
  pool_.pull_limiter[idx] = base::TokenBucket(config_.registry_pull_qps, config_.registry_burst);
  pool_.image_cache[idx] = std::move(cache);
  pool_.image_fs_capacity[idx] = fs_capacity;
  return idx;
}

std::optional<NodeIndex> NodeAgent::find(std::string_view node_name) const {
  auto it = index_by_name_.find(node_name);
  if (it == index_by_name_.end()) {
    return std::nullopt;
  }
  return it->second;
}

bool NodeAgent::is_serving(std::string_view namespace_, std::string_view name, std::string_view uid) const {
  key_buffer_.assign(namespace_);
  key_buffer_.push_back('/');
  key_buffer_.append(name);
  auto it = row_by_key_.find(std::string_view(key_buffer_));
  if (it == row_by_key_.end()) {
    return false;
  }
  const PodRow& r = rows_[it->second];
  if (r.stage != Stage::Running || r.pod->metadata.uid != uid || r.pod->is_terminating() ||
      pool_.running[r.node] == 0) {
    return false;
  }
  base::SimTime now = sim_.now();
  return std::all_of(r.runs.begin(), r.runs.end(), [&](const ContainerRun& c) {
    return c.state == ContainerRun::State::Running && now >= c.serving_from;
  });
}

std::int64_t NodeAgent::memory_usage(const PodRow& r, std::size_t i, base::SimTime t) const {
  const ContainerRun& c = r.runs[i];
  if (c.state != ContainerRun::State::Running) {
    return 0;
  }
  if (c.memory) {
    return c.memory->at(t - c.started_at);
  }
  return r.pod->spec.containers[i].resources.requests.value_or_zero(api::kResourceMemory);
}

NodeAgent::UsageTotals NodeAgent::usage_at(base::SimTime t, const UsageObserver* observer) const {
  UsageTotals total;
  for (NodeIndex n = 0; n < pool_.size(); ++n) {
    if (pool_.running[n] == 0) {
      continue;
    }
    const api::ResourceList& alloc = pool_.registration[n].status.allocatable;
    UsageTotals u;
    u.nodes = 1;
    u.cpu_allocatable = alloc.value_or_zero(api::kResourceCpu);
    u.memory_allocatable = alloc.value_or_zero(api::kResourceMemory);
    u.cpu_requested = pool_.admitted_milli_cpu[n];
    u.memory_requested = pool_.admitted_memory[n];
    cpu_claims_.clear();
    pod_running_.clear();
    pod_cpu_used_.clear();
    pod_memory_used_.clear();
    std::int64_t wanted = 0;
    for (std::uint32_t row : rows_by_node_[n]) {
      const PodRow& r = rows_[row];
      if (r.stage != Stage::Running) {
        continue;
      }
      auto pod = static_cast<std::uint32_t>(pod_running_.size());
      pod_running_.push_back(r.pod.get());
      pod_cpu_used_.push_back(0);
      pod_memory_used_.push_back(0);
      for (std::size_t i = 0; i < r.runs.size(); ++i) {
        const ContainerRun& c = r.runs[i];
        if (c.state != ContainerRun::State::Running) {
          continue;
        }
        pod_memory_used_[pod] += memory_usage(r, i, t);
        const api::ResourceRequirements& res = r.pod->spec.containers[i].resources;
        std::int64_t request = res.requests.value_or_zero(api::kResourceCpu);
        std::int64_t want = c.cpu ? c.cpu->at(t - c.started_at) : request;
        u.cpu_demand += want;
        if (std::optional<std::int64_t> limit = res.limits.get(api::kResourceCpu); limit && want > *limit) {
          u.cpu_throttled_millicpu += want - *limit;
          want = *limit;  // CFS quota
          ++u.cpu_throttled;
        }
        // cgroup v1 cpu.shares (K8S-SEMANTICS §9): MilliCPUToShares.
        cpu_claims_.push_back(CpuClaim{want, std::max<std::int64_t>(2, request * 1024 / 1000), pod});
        wanted += want;
      }
    }
    u.pods_running = static_cast<std::int32_t>(pod_running_.size());
    std::int64_t capacity = pool_.registration[n].status.capacity.value_or_zero(api::kResourceCpu);
    if (wanted > capacity) {
      // Saturated: water-filling by shares. Claims that want less than their fair share get what they
      // want; the rest split what is left in proportion to their shares. Ascending want / shares,
      // compared exactly (a.want / a.shares < b.want / b.shares); ties keep admission order.
      __extension__ using Wide = __int128;
      std::stable_sort(cpu_claims_.begin(), cpu_claims_.end(), [](const CpuClaim& a, const CpuClaim& b) {
        return static_cast<Wide>(a.want) * b.shares < static_cast<Wide>(b.want) * a.shares;
      });
      std::int64_t left = capacity;
      std::int64_t shares_left = 0;
      for (const CpuClaim& c : cpu_claims_) {
        shares_left += c.shares;
      }
      for (CpuClaim& c : cpu_claims_) {
        std::int64_t fair = shares_left > 0 ? left * c.shares / shares_left : 0;
        std::int64_t got = std::min(c.want, fair);
        if (got < c.want) {
          ++u.cpu_starved;
        }
        left -= got;
        shares_left -= c.shares;
        c.want = got;  // from here on: what it gets
      }
    }
    for (const CpuClaim& c : cpu_claims_) {
      u.cpu_used += c.want;
      pod_cpu_used_[c.pod] += c.want;
    }
    for (std::int64_t m : pod_memory_used_) {
      u.memory_used += m;
    }
    if (observer != nullptr) {
      if (observer->node) {
        observer->node(n, u);
      }
      if (observer->pod) {
        for (std::size_t p = 0; p < pod_running_.size(); ++p) {
          observer->pod(*pod_running_[p], pod_cpu_used_[p], pod_memory_used_[p]);
        }
      }
    }
    total.nodes += u.nodes;
    total.pods_running += u.pods_running;
    total.cpu_allocatable += u.cpu_allocatable;
    total.cpu_requested += u.cpu_requested;
    total.cpu_used += u.cpu_used;
    total.cpu_demand += u.cpu_demand;
    total.cpu_throttled_millicpu += u.cpu_throttled_millicpu;
    total.memory_allocatable += u.memory_allocatable;
    total.memory_requested += u.memory_requested;
    total.memory_used += u.memory_used;
    total.cpu_throttled += u.cpu_throttled;
    total.cpu_starved += u.cpu_starved;
  }
  return total;
}

std::int64_t NodeAgent::memory_working_set(NodeIndex node) const {
  std::int64_t total = 0;
  for (std::uint32_t row : rows_by_node_[node]) {
    const PodRow& r = rows_[row];
    for (std::size_t i = 0; i < r.runs.size(); ++i) {
      total += memory_usage(r, i);
    }
  }
  return total;
}

void NodeAgent::start() {
  base::SimTime now = sim_.now();
  base::Duration renew = config_.lease_renew_interval();
  for (std::size_t i = started_nodes_; i < pool_.size(); ++i) {
    auto n = static_cast<NodeIndex>(i);
    pool_.running[n] = 1;
    api::Node node = pool_.registration[n];
    node.status.images = pool_.image_cache[n].status_images(config_.node_status_max_images, now);
    // Kubelet registration: the Node object with the conditions of a healthy node (registerWithAPIServer
    // runs the status setters on the initial node, so every condition is new and records its event).
    record_node_event(n, "Starting", "Starting kubelet.");
    for (const KubeletCondition& c : kKubeletConditions) {
      node.status.conditions.push_back(
          api::NodeCondition{std::string(c.type), c.status, std::string(c.reason), std::string(c.message), now, now});
      record_node_event(n, c.event, fmt::format("Node {} status is now: {}", pool_.name(n), c.event));
    }
    client_.create(api::AnyObject(std::move(node)));

    // The node Lease (pkg/kubelet/nodelease via component-helpers/apimachinery/lease).
    api::Lease lease;
    lease.metadata.name = pool_.name(n);
    lease.metadata.namespace_ = std::string(api::kNodeLeaseNamespace);
    lease.spec.holder_identity = pool_.name(n);
    lease.spec.lease_duration_seconds = config_.node_lease_duration_seconds;
    lease.spec.acquire_time = now;
    lease.spec.renew_time = now;
    client_.create(api::AnyObject(std::move(lease)));
    pool_.lease_acquired[n] = now;
    pool_.last_status_report[n] = now;

    start_watch(n);

    // Real kubelets started at different moments: a seeded phase per node spreads the renewals of a
    // large cluster over the whole interval instead of one instant.
    base::Rng phase_rng = sim_.rng_stream("kubelet-heartbeat", n);
    base::Duration phase =
        base::Duration::from_nanos(phase_rng.uniform_int(1, std::max<std::int64_t>(1, renew.nanos())));
    pool_.next_lease_renew[n] = now + phase;
    pool_.next_status_update[n] = now + phase;
    schedule_heartbeat(n);
    // StartGarbageCollection: image GC runs at once and then every ImageGCPeriod, on nodes whose image
    // filesystem size is known; a high threshold of 100 % turns it off.
    if (pool_.image_fs_capacity[n] > 0 && config_.image_gc_high_threshold_percent < 100) {
      sim_.schedule_at(now, sim::EventKind::KubeletImageGc, n, 0);
    }
  }
  started_nodes_ = pool_.size();
}

void NodeAgent::start_watch(NodeIndex node) {
  auto channel = static_cast<std::uint32_t>(channel_node_.size());
  channel_node_.push_back(node);
  pool_.watch_channel[node] = channel;
  client::WatchFilter filter;
  filter.node_name = pool_.name(node);
  client_.list_and_watch(api::Kind::Pod, filter, client::Endpoint{sim::EventKind::KubeletWatch, channel});
}

void NodeAgent::handle_watch(std::uint32_t channel, std::uint32_t slot) {
  client::WatchEvent ev = client_.take_watch_event(slot);
  NodeIndex node = channel_node_[channel];
  // A watch the kubelet abandoned (crash, partition) keeps delivering: the API server has no way to
  // close it, and the kubelet simply no longer reads it.
  if (pool_.watch_channel[node] != channel || !pool_.connected(node)) {
    return;
  }
  auto pod = ev.object.as<api::Pod>();
  switch (ev.type) {
  case client::ChangeType::Added:
    on_pod_added(node, std::move(pod));
    break;
  case client::ChangeType::Modified:
    on_pod_modified(node, std::move(pod));
    break;
  case client::ChangeType::Deleted:
    on_pod_deleted(*pod);
    break;
  }
}

void NodeAgent::schedule_step(std::uint32_t row, base::SimTime at) {
  PodRow& r = rows_[row];
  r.pending = sim_.schedule_at(at, sim::EventKind::KubeletPodStep, r.node, row);
  r.has_pending = true;
}

void NodeAgent::send_status(NodeIndex node, const api::Pod& pod) {
  api::Pod next = pod;
  next.metadata.resource_version = 0;  // status patch: no precondition
  if (pool_.partitioned[node] != 0) {
    // The status manager keeps the latest status and syncs it once the API server is reachable again.
    held_[node].push_back(HeldWrite{false, std::move(next)});
    return;
  }
  client_.update_status(api::AnyObject(std::move(next)));
}

void NodeAgent::confirm_deletion(NodeIndex node, const api::Pod& pod) {
  if (pool_.partitioned[node] != 0) {
    held_[node].push_back(HeldWrite{true, pod});
    return;
  }
  client_.remove(api::Kind::Pod, pod.metadata.namespace_, pod.metadata.name, 0);
}

void NodeAgent::record_node_event(NodeIndex node, std::string_view reason, std::string message, std::string_view type) {
  if (!pool_.connected(node)) {
    return;  // the event broadcaster cannot reach the API server either
  }
  // The kubelet's nodeRef: kind Node, name and uid both the node name.
  const std::string& name = pool_.name(node);
  recorder_.record(api::ObjectReference{"Node", "", name, name, "v1"}, type, reason, std::move(message), name);
}

void NodeAgent::record_pod_event(NodeIndex node, const api::Pod& pod, std::string_view reason, std::string message) {
  if (!pool_.connected(node)) {
    return;
  }
  recorder_.record(client::reference_to(pod), api::kEventTypeNormal, reason, std::move(message), pool_.name(node));
}

std::optional<NodeAgent::Rejection> NodeAgent::admission_rejection(NodeIndex node, const api::Pod& pod,
                                                                   std::int64_t cpu, std::int64_t mem) const {
  // lifecycle.NewPredicateAdmitHandler: the same fit arithmetic as the scheduler's filter, against what
  // this kubelet has already admitted.
  const api::ResourceList& alloc = pool_.registration[node].status.allocatable;
  auto out_of = [](std::string_view resource, std::int64_t requested, std::int64_t used, std::int64_t capacity) {
    return Rejection{
        fmt::format("OutOf{}", resource),
        fmt::format("Pod was rejected: Node didn't have enough resource: {}, requested: {}, used: {}, capacity: {}",
                    resource, requested, used, capacity)};
  };
  std::optional<Rejection> resources;
  if (pool_.admitted_pods[node] + 1 > alloc.value_or_zero(api::kResourcePods)) {
    resources = out_of("pods", 1, pool_.admitted_pods[node], alloc.value_or_zero(api::kResourcePods));
  } else if (cpu > 0 && cpu > alloc.value_or_zero(api::kResourceCpu) - pool_.admitted_milli_cpu[node]) {
    resources = out_of("cpu", cpu, pool_.admitted_milli_cpu[node], alloc.value_or_zero(api::kResourceCpu));
  } else if (mem > 0 && mem > alloc.value_or_zero(api::kResourceMemory) - pool_.admitted_memory[node]) {
    resources = out_of("memory", mem, pool_.admitted_memory[node], alloc.value_or_zero(api::kResourceMemory));
  }
  if (pool_.memory_pressure[node] != 0 && api::qos_class(pod.spec) == api::QosClass::BestEffort) {
    // The eviction manager's admit handler (nodeConditionMessageFmt) runs first.
    return Rejection{"Evicted", "The node had condition: [MemoryPressure]. "};
  }
  if (resources) {
    return resources;
  }
  // The rest of generalFilter (pkg/kubelet/lifecycle/predicate.go), for pods bound without the
  // scheduler (spec.nodeName): the required node affinity and nodeSelector, then the NoExecute taints
  // only (the kubelet ignores NoSchedule ones). Upstream reports the first failed predicate as
  // "Predicate <Name> failed: <the scheduler plugin's reason>".
  auto predicate = [](std::string_view name, std::string_view reason) {
    return Rejection{std::string(name), fmt::format("Pod was rejected: Predicate {} failed: {}", name, reason)};
  };
  if (!matches_required_node_affinity(pod.spec, pool_.registration[node])) {
    return predicate("NodeAffinity", "node(s) didn't match Pod's node affinity/selector");
  }
  const std::vector<api::Taint>& taints = pool_.known_taints[node];
  if (std::any_of(taints.begin(), taints.end(), [&](const api::Taint& t) {
        return t.effect == api::TaintEffect::NoExecute && !api::tolerates_taint(pod.spec.tolerations, t);
      })) {
    return predicate("TaintToleration", "node(s) had taints that the pod didn't tolerate");
  }
  return std::nullopt;
}

void NodeAgent::on_pod_added(NodeIndex node, std::shared_ptr<const api::Pod> pod) {
  if (finished_uids_.contains(pod->metadata.uid)) {
    return;
  }
  if (pod->is_terminal()) {
    // The status manager's canBeDeleted: a terminal pod (one this kubelet rejected, say) that is being
    // deleted has nothing left to stop, so the kubelet finalizes the deletion.
    if (pod->is_terminating()) {
      confirm_deletion(node, *pod);
    }
    return;
  }
  std::string key = key_of(*pod);
  if (row_by_key_.contains(key)) {
    on_pod_modified(node, std::move(pod));
    return;
  }
  const std::int64_t cpu = api::pod_request(pod->spec, api::kResourceCpu);
  const std::int64_t mem = api::pod_request(pod->spec, api::kResourceMemory);
  // HandlePodAdditions admits only pods whose termination was not requested: a terminating pod is
  // stopped (below), never rejected.
  if (!pod->is_terminating()) {
    if (std::optional<Rejection> why = admission_rejection(node, *pod, cpu, mem)) {
      api::Pod rejected = *pod;
      rejected.status.phase = api::PodPhase::Failed;
      rejected.status.reason = std::move(why->reason);
      rejected.status.message = std::move(why->message);
      send_status(node, rejected);
      return;
    }
  }
  pool_.admitted_milli_cpu[node] += cpu;
  pool_.admitted_memory[node] += mem;
  pool_.admitted_pods[node] += 1;

  std::uint32_t row = 0;
  if (!free_rows_.empty()) {
    row = free_rows_.back();
    free_rows_.pop_back();
  } else {
    rows_.emplace_back();
    row = static_cast<std::uint32_t>(rows_.size() - 1);
  }
  PodRow& r = rows_[row];
  r.pod = std::move(pod);
  r.node = node;
  r.stage = Stage::Sandbox;
  r.acknowledged = sim_.now();
  r.key = key;
  row_by_key_.emplace(std::move(key), row);
  rows_by_node_[node].push_back(row);
  if (r.pod->is_terminating()) {
    r.stage = Stage::Stopping;
    schedule_step(row, sim_.now());
    return;
  }
  schedule_step(row, sim_.now() + runtime(node).sandbox_latency.sample(pool_.rng[node]));
}

void NodeAgent::on_pod_modified(NodeIndex node, std::shared_ptr<const api::Pod> pod) {
  auto it = row_by_key_.find(key_of(*pod));
  if (it == row_by_key_.end()) {
    on_pod_added(node, std::move(pod));
    return;
  }
  PodRow& r = rows_[it->second];
  r.pod = std::move(pod);
  bool all_ready = std::all_of(r.runs.begin(), r.runs.end(), [](const ContainerRun& c) { return c.ready; });
  if (r.stage == Stage::Running && all_ready && !r.pod->is_terminating() && !r.pod->is_ready()) {
    // Someone else (the node lifecycle controller's MarkPodsNotReady) wrote Ready=False on a pod whose
    // containers run fine: the status manager puts its own view back (needsReconcile).
    api::Pod fixed = *r.pod;
    for (const char* type : {"ContainersReady", "Ready"}) {
      fixed.status.set_condition(api::PodCondition{type, api::ConditionStatus::True, "", "", sim_.now()});
    }
    send_status(node, fixed);
    return;
  }
  if (r.pod->is_terminating() && r.stage != Stage::Stopping) {
    // Graceful deletion: stop the containers (modelled as immediate: the simulated processes exit on
    // SIGTERM), then confirm.
    if (r.has_pending) {
      sim_.cancel(r.pending);
    }
    for (std::size_t i = 0; i < r.runs.size(); ++i) {
      if (r.runs[i].state == ContainerRun::State::Running) {
        record_pod_event(node, *r.pod, "Killing", fmt::format("Stopping container {}", r.pod->spec.containers[i].name));
      }
    }
    r.stage = Stage::Stopping;
    schedule_step(it->second, sim_.now());
  }
}

void NodeAgent::on_pod_deleted(const api::Pod& pod) {
  auto it = row_by_key_.find(key_of(pod));
  if (it != row_by_key_.end()) {
    std::uint32_t row = it->second;
    if (rows_[row].has_pending) {
      sim_.cancel(rows_[row].pending);
    }
    release(row);
    free_row(row);
  }
  finished_uids_.erase(pod.metadata.uid);
}

void NodeAgent::release(std::uint32_t row) {
  const PodRow& r = rows_[row];
  pool_.admitted_milli_cpu[r.node] -= api::pod_request(r.pod->spec, api::kResourceCpu);
  pool_.admitted_memory[r.node] -= api::pod_request(r.pod->spec, api::kResourceMemory);
  pool_.admitted_pods[r.node] -= 1;
  release_images(row);
}

void NodeAgent::free_row(std::uint32_t row) {
  finished_uids_.insert(rows_[row].pod->metadata.uid);
  drop_row(row);
}

void NodeAgent::drop_row(std::uint32_t row) {
  std::vector<std::uint32_t>& mine = rows_by_node_[rows_[row].node];
  mine.erase(std::find(mine.begin(), mine.end(), row));
  row_by_key_.erase(rows_[row].key);
  rows_[row] = PodRow{};
  free_rows_.push_back(row);
}

base::Duration NodeAgent::pull_images(std::uint32_t row) {
  PodRow& r = rows_[row];
  NodeIndex n = r.node;
  ImageCache& cache = pool_.image_cache[n];
  const ContainerRuntime& rt = runtime(n);
  base::SimTime now = sim_.now();
  base::SimTime done = now;
  const api::PodSpec& spec = r.pod->spec;
  auto count = static_cast<std::uint32_t>(spec.init_containers.size() + spec.containers.size());
  for (std::uint32_t i = 0; i < count; ++i) {
    const api::Container& c = container_at(spec, i);
    if (c.image.empty()) {
      continue;
    }
    std::string image = normalize_image_name(c.image);
    if (const CachedImage* cached = cache.find(image)) {
      if (cached->available_at <= now) {
        record_pod_event(n, *r.pod, "Pulled",
                         fmt::format("Container image \"{}\" already present on machine", c.image));
      } else {
        // Another pod's pull of the image is in flight: this pod's PullImage waits behind it on the
        // serialized puller and finds the image there (no second download).
        record_pod_event(n, *r.pod, "Pulling", fmt::format("Pulling image \"{}\"", c.image));
        r.pulls.push_back(PullRecord{i, base::Duration::zero(), cached->available_at - now});
        done = std::max(done, cached->available_at);
      }
      cache.acquire(image, now);
      r.images.push_back(std::move(image));
      continue;
    }
    record_pod_event(n, *r.pod, "Pulling", fmt::format("Pulling image \"{}\"", c.image));
    // serializeImagePulls: one pull at a time per node, in request order; each pull then takes a
    // registryPullQPS token, waiting for one when the bucket is empty.
    base::SimTime start = std::max(now, pool_.puller_free_at[n]);
    start = start + pool_.pull_limiter[n].reserve(start);
    std::int64_t size = image_size(image);
    base::SimTime end =
        start + rt.image_pull_overhead.sample(pool_.rng[n]) + transfer_time(size, config_.image_pull_bandwidth);
    pool_.puller_free_at[n] = end;
    cache.add({image}, size, end);
    cache.acquire(image, now);
    r.images.push_back(std::move(image));
    ++image_pulls_;
    r.pulls.push_back(PullRecord{i, end - start, end - now});
    done = std::max(done, end);
  }
  return done - now;
}

// --- container runtime and images -------------------------------------------------------------------

std::int64_t NodeAgent::image_size(const std::string& name) const {
  if (auto it = config_.image_sizes.find(name); it != config_.image_sizes.end()) {
    return it->second;
  }
  if (auto it = template_image_sizes_.find(name); it != template_image_sizes_.end()) {
    return it->second;
  }
  return kDefaultImageSizeBytes;
}

void NodeAgent::release_images(std::uint32_t row) {
  PodRow& r = rows_[row];
  for (const std::string& image : r.images) {
    pool_.image_cache[r.node].release(image, sim_.now());
  }
  r.images.clear();
}

void NodeAgent::record_node_warning(NodeIndex node, std::string_view reason, std::string message) {
  if (!pool_.connected(node)) {
    return;
  }
  const std::string& name = pool_.name(node);
  recorder_.record(api::ObjectReference{"Node", "", name, name, "v1"}, api::kEventTypeWarning, reason,
                   std::move(message), name);
}

void NodeAgent::handle_image_gc(NodeIndex node) {
  if (pool_.removed[node] != 0) {
    return;  // the machine is gone, and its GC loop with it
  }
  sim_.schedule_after(config_.image_gc_period, sim::EventKind::KubeletImageGc, node, 0);
  if (pool_.running[node] == 0) {
    return;  // a dead kubelet collects nothing; the loop resumes with it
  }
  ImageGcPolicy policy{config_.image_gc_high_threshold_percent, config_.image_gc_low_threshold_percent,
                       config_.image_minimum_gc_age};
  ImageGcResult gc = pool_.image_cache[node].collect_garbage(pool_.image_fs_capacity[node], policy, sim_.now());
  images_collected_ += gc.removed.size();
  if (!gc.failed()) {
    pool_.image_gc_failed[node] = 0;
    return;
  }
  // realImageGCManager.GarbageCollect's error, as an event; StartGarbageCollection records
  // ImageGCFailed only for the second and later failures in a row.
  std::string message = fmt::format("Failed to garbage collect required amount of images. Attempted to free {} "
                                    "bytes, but only found {} bytes eligible to free.",
                                    gc.bytes_to_free, gc.bytes_freed);
  record_node_warning(node, "FreeDiskSpaceFailed", message);
  if (pool_.image_gc_failed[node] != 0) {
    record_node_warning(node, "ImageGCFailed", std::move(message));
  }
  pool_.image_gc_failed[node] = 1;
}

void NodeAgent::handle_pod_step(NodeIndex node, std::uint32_t row) {
  PodRow& r = rows_[row];
  r.has_pending = false;
  base::SimTime now = sim_.now();
  base::Rng& rng = pool_.rng[node];
  switch (r.stage) {
  case Stage::Sandbox:
    r.stage = Stage::Pulling;
    schedule_step(row, now + pull_images(row));
    break;
  case Stage::Pulling: {
    // The Pulled events of this pod's pulls (recorded when the last one is done: the model runs a
    // pod's pulls as one stage).
    for (const PullRecord& p : r.pulls) {
      record_pod_event(node, *r.pod, "Pulled",
                       fmt::format("Successfully pulled image \"{}\" in {} ({} including waiting)",
                                   container_at(r.pod->spec, p.container).image,
                                   base::format_duration(truncate_ms(p.pull)),
                                   base::format_duration(truncate_ms(p.total))));
    }
    r.pulls.clear();
    // Init containers run one after another to completion; app containers are then started in spec
    // order without waiting for each other, so the pod is up when the slowest one is.
    base::Duration total = base::Duration::zero();
    const base::DurationDistribution& start_latency = runtime(node).container_start_latency;
    for (std::size_t i = 0; i < r.pod->spec.init_containers.size(); ++i) {
      total += start_latency.sample(rng);
    }
    base::Duration slowest = base::Duration::zero();
    for (std::size_t i = 0; i < r.pod->spec.containers.size(); ++i) {
      slowest = std::max(slowest, start_latency.sample(rng));
    }
    r.stage = Stage::Starting;
    schedule_step(row, now + total + slowest);
    break;
  }
  case Stage::Starting:
    start_containers(row);
    break;
  case Stage::Running:
    advance(row);
    break;
  case Stage::Stopping: {
    // Containers are stopped: confirm the deletion with grace 0 so the API server removes the pod.
    confirm_deletion(node, *r.pod);
    release(row);
    free_row(row);
    break;
  }
  }
}

void NodeAgent::start_containers(std::uint32_t row) {
  PodRow& r = rows_[row];
  NodeIndex node = r.node;
  for (const auto* list : {&r.pod->spec.init_containers, &r.pod->spec.containers}) {
    for (const api::Container& c : *list) {
      record_pod_event(node, *r.pod, "Created", fmt::format("Created container {}", c.name));
      record_pod_event(node, *r.pod, "Started", fmt::format("Started container {}", c.name));
    }
  }
  std::uint32_t ip = pool_.next_pod_ip[node]++;
  r.pod_ip = fmt::format("10.{}.{}.{}", (node >> 8) & 255U, node & 255U, ip % 254U + 1U);
  r.stage = Stage::Running;
  r.runs.assign(r.pod->spec.containers.size(), ContainerRun{});
  bool profiled = false;
  for (std::size_t i = 0; i < r.runs.size(); ++i) {
    ContainerRun& c = r.runs[i];
    c.backoff = RestartBackoff(config_.restart_backoff_initial, config_.restart_backoff_max);
    // Annotations were validated at admission by the API server, so they parse.
    if (const std::string* m =
            api::usage_annotation(r.pod->metadata, api::UsageResource::Memory, r.pod->spec.containers[i].name)) {
      auto parsed = api::UsageProfile::parse(*m, api::UsageResource::Memory);
      if (parsed) {
        c.memory = std::move(parsed.value());
        profiled = true;
      }
    }
    if (const std::string* cpu =
            api::usage_annotation(r.pod->metadata, api::UsageResource::Cpu, r.pod->spec.containers[i].name)) {
      if (auto parsed = api::UsageProfile::parse(*cpu, api::UsageResource::Cpu)) {
        c.cpu = std::move(parsed.value());
      }
    }
    begin_run(row, i);
  }
  if (profiled) {
    ensure_housekeeping(node);
  }
  send_status(node, running_status(r));
  advance(row);  // schedules the first transition (or ends a pod whose run time is zero)
}

void NodeAgent::begin_run(std::uint32_t row, std::size_t i) {
  PodRow& r = rows_[row];
  ContainerRun& c = r.runs[i];
  const api::Container& spec = r.pod->spec.containers[i];
  base::SimTime now = sim_.now();
  c.state = ContainerRun::State::Running;
  c.started_at = now;
  const std::string* ready_after = r.pod->metadata.annotations.find(api::kReadyAfterAnnotation);
  c.serving_from = now + (ready_after != nullptr ? base::parse_duration(*ready_after).value_or(base::Duration::zero())
                                                 : base::Duration::zero());
  c.ready = !spec.readiness_probe;
  c.ready_at = spec.readiness_probe ? probe_ready_at(*spec.readiness_probe, now, c.serving_from) : now;
  const std::string* duration = r.pod->metadata.annotations.find(api::kDurationAnnotation);
  c.exits_at = duration != nullptr ? now + base::parse_duration(*duration).value_or(base::Duration::zero())
                                   : base::SimTime::max();
  c.has_oom = false;
  if (c.memory && spec.resources.limits.contains(api::kResourceMemory)) {
    if (auto t = c.memory->first_above(spec.resources.limits.value_or_zero(api::kResourceMemory))) {
      c.has_oom = true;
      c.oom_at = now + *t;
    }
  }
}

void NodeAgent::end_run(std::uint32_t row, std::size_t i, std::int32_t code, std::string_view reason) {
  PodRow& r = rows_[row];
  ContainerRun& c = r.runs[i];
  base::SimTime now = sim_.now();
  c.exit_code = code;
  c.ready = false;
  c.last_state =
      api::ContainerState{api::ContainerState::Kind::Terminated, std::string(reason), "", code, c.started_at, now};
  api::RestartPolicy policy = r.pod->spec.restart_policy;
  // A run time that ends with exit 0 ends the container whatever the policy (docs/kubelet.md).
  if (code == 0 || policy == api::RestartPolicy::Never) {
    c.state = ContainerRun::State::Exited;
    return;
  }
  base::Duration delay = c.backoff.on_death(now);
  c.state = ContainerRun::State::BackingOff;
  // The kubelet retries when the back-off has passed; the new container then takes its start latency.
  c.restart_at = now + delay + runtime(r.node).container_start_latency.sample(pool_.rng[r.node]);
  const api::Pod& pod = *r.pod;
  recorder_.record(client::reference_to(pod), api::kEventTypeWarning, "BackOff",
                   fmt::format("Back-off restarting failed container {} in pod {}_{}({})", pod.spec.containers[i].name,
                               pod.metadata.name, pod.metadata.namespace_, pod.metadata.uid),
                   pool_.name(r.node));
}

void NodeAgent::advance(std::uint32_t row) {
  PodRow& r = rows_[row];
  base::SimTime now = sim_.now();
  bool changed = false;
  for (std::size_t i = 0; i < r.runs.size(); ++i) {
    ContainerRun& c = r.runs[i];
    if (c.state == ContainerRun::State::BackingOff && now >= c.restart_at) {
      const api::Container& spec = r.pod->spec.containers[i];
      c.backoff.on_restart(c.restart_at);
      ++c.restarts;
      ++container_restarts_;
      record_pod_event(r.node, *r.pod, "Pulled",
                       fmt::format("Container image \"{}\" already present on machine", spec.image));
      record_pod_event(r.node, *r.pod, "Created", fmt::format("Created container {}", spec.name));
      record_pod_event(r.node, *r.pod, "Started", fmt::format("Started container {}", spec.name));
      begin_run(row, i);
      changed = true;
    }
    if (c.state != ContainerRun::State::Running) {
      continue;
    }
    if (c.has_oom && now >= c.oom_at && c.oom_at <= c.exits_at) {
      ++oom_kills_;
      end_run(row, i, kOomExitCode, "OOMKilled");
      changed = true;
    } else if (now >= c.exits_at) {
      const std::string* code = r.pod->metadata.annotations.find(api::kExitCodeAnnotation);
      std::int32_t exit_code = code != nullptr ? std::atoi(code->c_str()) : 0;
      end_run(row, i, exit_code, exit_code == 0 ? "Completed" : "Error");
      changed = true;
    } else if (!c.ready && now >= c.ready_at) {
      c.ready = true;
      changed = true;
    }
  }
  if (std::all_of(r.runs.begin(), r.runs.end(),
                  [](const ContainerRun& c) { return c.state == ContainerRun::State::Exited; })) {
    finish(row);
    return;
  }
  if (changed) {
    send_status(r.node, running_status(r));
  }
  base::SimTime next = base::SimTime::max();
  for (const ContainerRun& c : r.runs) {
    if (c.state == ContainerRun::State::BackingOff) {
      next = std::min(next, c.restart_at);
    } else if (c.state == ContainerRun::State::Running) {
      next = std::min(next, c.exits_at);
      if (c.has_oom) {
        next = std::min(next, c.oom_at);
      }
      if (!c.ready) {
        next = std::min(next, c.ready_at);
      }
    }
  }
  if (next != base::SimTime::max()) {
    schedule_step(row, next);
  }
}

api::Pod NodeAgent::running_status(const PodRow& r) const {
  base::SimTime now = sim_.now();
  NodeIndex node = r.node;
  api::Pod p = *r.pod;
  p.status.phase = api::PodPhase::Running;
  if (!p.status.start_time) {
    p.status.start_time = r.acknowledged;  // kept across kubelet restarts, as upstream
  }
  p.status.host_ip = fmt::format("10.255.{}.{}", (node >> 8) & 255U, node & 255U);
  p.status.pod_ip = r.pod_ip;
  p.status.container_statuses.clear();
  std::vector<std::string_view> unready;
  for (std::size_t i = 0; i < r.runs.size(); ++i) {
    const ContainerRun& c = r.runs[i];
    const std::string& name = r.pod->spec.containers[i].name;
    api::ContainerStatus& cs = p.status.container_statuses.emplace_back();
    cs.name = name;
    cs.ready = c.ready;
    cs.restart_count = c.restarts;
    cs.last_state = c.last_state;
    switch (c.state) {
    case ContainerRun::State::Running:
      cs.started = true;
      cs.state = api::ContainerState{api::ContainerState::Kind::Running, "", "", 0, c.started_at, {}};
      break;
    case ContainerRun::State::BackingOff:
      cs.state = api::ContainerState{api::ContainerState::Kind::Waiting,
                                     "CrashLoopBackOff",
                                     fmt::format("back-off {} restarting failed container={} pod={}_{}({})",
                                                 base::format_duration(c.backoff.current()), name, r.pod->metadata.name,
                                                 r.pod->metadata.namespace_, r.pod->metadata.uid),
                                     0,
                                     {},
                                     {}};
      break;
    case ContainerRun::State::Exited:
      cs.state = c.last_state;
      break;
    }
    if (!c.ready) {
      unready.push_back(name);
    }
  }
  for (const char* type : {"PodReadyToStartContainers", "Initialized"}) {
    p.status.set_condition(api::PodCondition{type, api::ConditionStatus::True, "", "", now});
  }
  if (unready.empty()) {
    for (const char* type : {"ContainersReady", "Ready"}) {
      p.status.set_condition(api::PodCondition{type, api::ConditionStatus::True, "", "", now});
    }
  } else {
    // Upstream's status manager wording (generateContainersReadyCondition).
    std::string message = fmt::format("containers with unready status: [{}]", fmt::join(unready, " "));
    for (const char* type : {"ContainersReady", "Ready"}) {
      p.status.set_condition(api::PodCondition{type, api::ConditionStatus::False, "ContainersNotReady", message, now});
    }
  }
  return p;
}

void NodeAgent::finish(std::uint32_t row) {
  PodRow& r = rows_[row];
  base::SimTime now = sim_.now();
  api::Pod done = running_status(r);
  bool failed = std::any_of(r.runs.begin(), r.runs.end(), [](const ContainerRun& c) { return c.exit_code != 0; });
  done.status.phase = failed ? api::PodPhase::Failed : api::PodPhase::Succeeded;
  if (!failed) {
    for (const char* type : {"ContainersReady", "Ready"}) {
      done.status.set_condition(api::PodCondition{type, api::ConditionStatus::False, "PodCompleted", "", now});
    }
  }
  for (api::ContainerStatus& cs : done.status.container_statuses) {
    cs.ready = false;
    cs.started = false;
  }
  send_status(r.node, done);
  release(row);
  free_row(row);
}

void NodeAgent::evict(std::uint32_t row, std::string message) {
  PodRow& r = rows_[row];
  NodeIndex node = r.node;
  base::SimTime now = sim_.now();
  ++evictions_;
  recorder_.record(client::reference_to(*r.pod), api::kEventTypeWarning, "Evicted", message, pool_.name(node));
  for (std::size_t i = 0; i < r.runs.size(); ++i) {
    if (r.runs[i].state == ContainerRun::State::Running) {
      record_pod_event(node, *r.pod, "Killing", fmt::format("Stopping container {}", r.pod->spec.containers[i].name));
    }
  }
  if (r.has_pending) {
    sim_.cancel(r.pending);
    r.has_pending = false;
  }
  // evictPod: killed with grace 0, status Failed / Evicted, with the DisruptionTarget condition.
  api::Pod evicted = running_status(r);
  evicted.status.phase = api::PodPhase::Failed;
  evicted.status.reason = "Evicted";
  evicted.status.message = message;
  evicted.status.set_condition(
      api::PodCondition{"DisruptionTarget", api::ConditionStatus::True, "TerminationByKubelet", message, now});
  for (const char* type : {"ContainersReady", "Ready"}) {
    evicted.status.set_condition(api::PodCondition{type, api::ConditionStatus::False, "PodFailed", "", now});
  }
  for (api::ContainerStatus& cs : evicted.status.container_statuses) {
    cs.ready = false;
    cs.started = false;
    if (cs.state.kind == api::ContainerState::Kind::Running) {
      cs.state = api::ContainerState{
          api::ContainerState::Kind::Terminated, "Error", "", kOomExitCode, cs.state.started_at, now};
    }
  }
  send_status(node, evicted);
  release(row);
  free_row(row);
}

// --- eviction manager -------------------------------------------------------------------------------

void NodeAgent::ensure_housekeeping(NodeIndex node) {
  if (pool_.housekeeping_pending[node] != 0) {
    return;
  }
  pool_.housekeeping_pending[node] = 1;
  sim_.schedule_at(sim_.now() + config_.eviction_monitoring_interval, sim::EventKind::KubeletHousekeeping, node, 0);
}

void NodeAgent::handle_housekeeping(NodeIndex node) {
  pool_.housekeeping_pending[node] = 0;
  if (pool_.running[node] == 0) {
    return;  // a restarted kubelet starts its eviction manager with its first profiled container
  }
  base::SimTime now = sim_.now();
  bool profiled = false;
  std::int64_t working_set = 0;
  std::vector<EvictionCandidate> candidates;
  for (std::uint32_t row : rows_by_node_[node]) {
    const PodRow& r = rows_[row];
    if (r.stage != Stage::Running) {
      continue;
    }
    EvictionCandidate cand{r.key, r.pod->spec.priority.value_or(0), 0,
                           api::pod_request(r.pod->spec, api::kResourceMemory), row};
    for (std::size_t i = 0; i < r.runs.size(); ++i) {
      profiled = profiled || r.runs[i].memory.has_value();
      cand.usage += memory_usage(r, i);
    }
    working_set += cand.usage;
    if (!r.pod->is_terminating()) {
      candidates.push_back(cand);
    }
  }
  // memory.available = capacity − working set (K8S-SEMANTICS §9), against the hard threshold.
  std::int64_t available = pool_.registration[node].status.capacity.value_or_zero(api::kResourceMemory) - working_set;
  std::int64_t threshold = config_.eviction_hard_memory_available;
  base::Duration next = config_.eviction_monitoring_interval;
  if (available < threshold) {
    pool_.memory_pressure[node] = 1;
    pool_.memory_pressure_seen[node] = now;
    record_node_event(node, "EvictionThresholdMet", "Attempting to reclaim memory", api::kEventTypeWarning);
    rank_for_memory_pressure(candidates);
    if (!candidates.empty()) {
      const PodRow& victim = rows_[candidates.front().row];
      std::vector<ContainerMemory> containers;
      for (std::size_t i = 0; i < victim.runs.size(); ++i) {
        containers.push_back(
            ContainerMemory{victim.pod->spec.containers[i].name, memory_usage(victim, i),
                            victim.pod->spec.containers[i].resources.requests.value_or_zero(api::kResourceMemory)});
      }
      evict(candidates.front().row, memory_eviction_message(threshold, available, containers));
      next = base::Duration::from_seconds(1);  // waitForPodsCleanup polls every second
    }
  } else if (pool_.memory_pressure[node] != 0 &&
             now - pool_.memory_pressure_seen[node] >= config_.eviction_pressure_transition_period) {
    pool_.memory_pressure[node] = 0;
  }
  if (profiled || pool_.memory_pressure[node] != 0) {
    pool_.housekeeping_pending[node] = 1;
    sim_.schedule_at(now + next, sim::EventKind::KubeletHousekeeping, node, 0);
  }
}

// --- heartbeats -------------------------------------------------------------------------------------

void NodeAgent::schedule_heartbeat(NodeIndex node) {
  base::SimTime at = std::min(pool_.next_lease_renew[node], pool_.next_status_update[node]);
  pool_.heartbeat[node] = sim_.schedule_at(at, sim::EventKind::KubeletHeartbeat, node, 0);
  pool_.heartbeat_pending[node] = 1;
}

void NodeAgent::cancel_heartbeat(NodeIndex node) {
  if (pool_.heartbeat_pending[node] != 0) {
    sim_.cancel(pool_.heartbeat[node]);
    pool_.heartbeat_pending[node] = 0;
  }
}

void NodeAgent::handle_heartbeat(NodeIndex node) {
  pool_.heartbeat_pending[node] = 0;
  if (pool_.running[node] == 0) {
    return;
  }
  base::SimTime now = sim_.now();
  // A partitioned kubelet keeps trying on its usual schedule; its requests just never arrive.
  if (now >= pool_.next_lease_renew[node]) {
    if (pool_.connected(node)) {
      renew_lease(node);
    }
    pool_.next_lease_renew[node] = now + config_.lease_renew_interval();
  }
  if (now >= pool_.next_status_update[node]) {
    if (pool_.connected(node)) {
      sync_node_status(node);
    }
    pool_.next_status_update[node] = now + config_.node_status_update_frequency;
  }
  schedule_heartbeat(node);
}

void NodeAgent::renew_lease(NodeIndex node) {
  api::Lease lease;
  lease.metadata.name = pool_.name(node);
  lease.metadata.namespace_ = std::string(api::kNodeLeaseNamespace);
  lease.spec.holder_identity = pool_.name(node);
  lease.spec.lease_duration_seconds = config_.node_lease_duration_seconds;
  lease.spec.acquire_time = pool_.lease_acquired[node];
  lease.spec.renew_time = sim_.now();
  client_.update(api::AnyObject(std::move(lease)));
  ++lease_renewals_;
}

void NodeAgent::sync_node_status(NodeIndex node) {
  // tryUpdateNodeStatus: GET the Node (from the API server's cache), compute the status on it, PATCH it
  // when it changed (heartbeat times aside) or nodeStatusReportFrequency has passed.
  client::ObjectRef ref = server_.get(client_.id(), api::Kind::Node, "", pool_.name(node));
  if (!ref) {
    return;  // deleted under a running kubelet; upstream only registers at start-up
  }
  std::array<KubeletCondition, 4> wanted = kKubeletConditions;
  if (pool_.memory_pressure[node] != 0) {
    wanted[0] = kMemoryPressure;
  }
  const api::Node& current = ref.get<api::Node>();
  const api::Node& reg = pool_.registration[node];
  pool_.known_taints[node] = current.spec.taints;
  base::SimTime now = sim_.now();
  // setters.Images: the images on disk are part of the status; a changed list is a change.
  std::vector<api::ContainerImage> images = pool_.image_cache[node].status_images(config_.node_status_max_images, now);
  bool changed = !(current.status.capacity == reg.status.capacity) ||
                 !(current.status.allocatable == reg.status.allocatable) || current.status.images != images ||
                 !(current.status.node_info == reg.status.node_info);
  for (const KubeletCondition& want : wanted) {
    changed = changed || reports_differently(current.status.condition(want.type), want);
  }
  if (!changed && now < pool_.last_status_report[node] + config_.node_status_report_frequency) {
    return;
  }
  api::Node next;
  next.metadata.name = current.metadata.name;
  next.status = current.status;
  next.status.capacity = reg.status.capacity;
  next.status.allocatable = reg.status.allocatable;
  next.status.images = std::move(images);
  next.status.node_info = reg.status.node_info;
  for (const KubeletCondition& want : wanted) {
    auto it = std::find_if(next.status.conditions.begin(), next.status.conditions.end(),
                           [&](const api::NodeCondition& c) { return c.type == want.type; });
    if (it == next.status.conditions.end()) {
      next.status.conditions.push_back(api::NodeCondition{std::string(want.type), want.status, std::string(want.reason),
                                                          std::string(want.message), now, now});
      record_node_event(node, want.event, fmt::format("Node {} status is now: {}", pool_.name(node), want.event));
      continue;
    }
    if (it->status != want.status) {
      it->last_transition_time = now;
      record_node_event(node, want.event, fmt::format("Node {} status is now: {}", pool_.name(node), want.event));
    }
    it->status = want.status;
    it->reason = std::string(want.reason);
    it->message = std::string(want.message);
    it->last_heartbeat_time = now;
  }
  client_.update_status(api::AnyObject(std::move(next)));
  pool_.last_status_report[node] = now;
  ++status_reports_;
}

// --- faults -----------------------------------------------------------------------------------------

void NodeAgent::drop_pods(NodeIndex node) {
  for (std::uint32_t row = 0; row < rows_.size(); ++row) {
    PodRow& r = rows_[row];
    if (r.pod == nullptr || r.node != node) {
      continue;
    }
    if (r.has_pending) {
      sim_.cancel(r.pending);
    }
    release(row);
    drop_row(row);
  }
}

void NodeAgent::crash(NodeIndex node) {
  if (pool_.running[node] == 0) {
    return;
  }
  pool_.running[node] = 0;
  pool_.watch_channel[node] = kNoChannel;
  cancel_heartbeat(node);
  // The machine is gone with everything on it: containers, the puller's queue, unsent writes. Images
  // on disk survive a reboot.
  drop_pods(node);
  held_.erase(node);
  pool_.puller_free_at[node] = sim_.now();
}

void NodeAgent::recover(NodeIndex node) {
  if (pool_.running[node] != 0 || pool_.removed[node] != 0 || node >= started_nodes_) {
    return;
  }
  pool_.running[node] = 1;
  record_node_event(node, "Starting", "Starting kubelet.");
  if (pool_.partitioned[node] == 0) {
    reconnect(node);
  }
  // A starting kubelet renews its Lease and syncs its node status at once, then on its usual periods.
  pool_.next_lease_renew[node] = sim_.now();
  pool_.next_status_update[node] = sim_.now();
  schedule_heartbeat(node);
}

void NodeAgent::partition(NodeIndex node, bool cut) {
  if (pool_.removed[node] != 0 || (pool_.partitioned[node] != 0) == cut) {
    return;
  }
  pool_.partitioned[node] = cut ? 1 : 0;
  if (cut) {
    pool_.watch_channel[node] = kNoChannel;
    return;
  }
  if (pool_.running[node] != 0) {
    reconnect(node);
  }
}

void NodeAgent::reconnect(NodeIndex node) {
  if (auto it = held_.find(node); it != held_.end()) {
    std::vector<HeldWrite> writes = std::move(it->second);
    held_.erase(it);
    for (HeldWrite& w : writes) {
      if (w.is_delete) {
        client_.remove(api::Kind::Pod, w.pod.metadata.namespace_, w.pod.metadata.name, 0);
      } else {
        client_.update_status(api::AnyObject(std::move(w.pod)));
      }
    }
  }
  // Pods the kubelet still runs: stop those deleted while it could not hear about it, and catch up on
  // the others (a deletion started meanwhile shows as a deletionTimestamp).
  for (std::uint32_t row = 0; row < rows_.size(); ++row) {
    if (rows_[row].pod == nullptr || rows_[row].node != node) {
      continue;
    }
    const api::Pod& mine = *rows_[row].pod;
    client::ObjectRef ref = server_.get(client_.id(), api::Kind::Pod, mine.metadata.namespace_, mine.metadata.name);
    if (!ref || ref.meta().uid != mine.metadata.uid) {
      if (rows_[row].has_pending) {
        sim_.cancel(rows_[row].pending);
      }
      release(row);
      drop_row(row);
      continue;
    }
    on_pod_modified(node, ref.as<api::Pod>());
  }
  start_watch(node);
}

void NodeAgent::remove(NodeIndex node) {
  if (pool_.removed[node] != 0) {
    return;
  }
  crash(node);
  pool_.removed[node] = 1;
  admin_client_.remove(api::Kind::Node, "", pool_.name(node));
  admin_client_.remove(api::Kind::Lease, std::string(api::kNodeLeaseNamespace), pool_.name(node));
}

}  // namespace kubesim::node
