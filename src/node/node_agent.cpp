#include "kubesim/node/node_agent.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kubesim::node {
namespace {

std::string key_of(const api::Pod& pod) { return pod.metadata.namespace_ + "/" + pod.metadata.name; }

// Upstream normalizes image names by appending ":latest" when there is no tag (and no digest).
std::string normalize_image(const std::string& image) {
  auto slash = image.rfind('/');
  auto colon = image.rfind(':');
  bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  bool has_digest = image.find('@') != std::string::npos;
  return has_tag || has_digest ? image : image + ":latest";
}

api::NodeCondition node_condition(std::string type, api::ConditionStatus status, std::string reason,
                                  std::string message, base::SimTime now) {
  return api::NodeCondition{std::move(type), status, std::move(reason), std::move(message), now, now};
}

}  // namespace

NodeAgent::NodeAgent(sim::Simulation& sim, apiserver::ApiServer& server, KubeletConfig config)
    : sim_(sim), client_(server, "kubelet", client::Endpoint{sim::EventKind::KubeletReply, 0}),
      config_(std::move(config)) {}

NodeIndex NodeAgent::add_node(api::Node node) {
  auto idx = static_cast<NodeIndex>(pool_.size());
  return pool_.add(std::move(node), sim_.rng_stream("kubelet", idx));
}

void NodeAgent::start() {
  base::SimTime now = sim_.now();
  for (std::size_t n = started_nodes_; n < pool_.size(); ++n) {
    api::Node node = pool_.registration[n];
    // Kubelet registration: the Node object with the conditions of a healthy node.
    node.status.conditions = {
        node_condition("MemoryPressure", api::ConditionStatus::False, "KubeletHasSufficientMemory",
                       "kubelet has sufficient memory available", now),
        node_condition("DiskPressure", api::ConditionStatus::False, "KubeletHasNoDiskPressure",
                       "kubelet has no disk pressure", now),
        node_condition("PIDPressure", api::ConditionStatus::False, "KubeletHasSufficientPID",
                       "kubelet has sufficient PID available", now),
        node_condition("Ready", api::ConditionStatus::True, "KubeletReady", "kubelet is posting ready status", now),
    };
    client_.create(api::AnyObject(std::move(node)));
    client::WatchFilter filter;
    filter.node_name = pool_.name(static_cast<NodeIndex>(n));
    client_.list_and_watch(api::Kind::Pod, filter,
                           client::Endpoint{sim::EventKind::KubeletWatch, static_cast<std::uint32_t>(n)});
  }
  started_nodes_ = pool_.size();
}

void NodeAgent::handle_watch(NodeIndex node, std::uint32_t slot) {
  client::WatchEvent ev = client_.take_watch_event(slot);
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

void NodeAgent::send_status(const api::Pod& pod) {
  api::Pod next = pod;
  next.metadata.resource_version = 0;  // status patch: no precondition
  client_.update_status(api::AnyObject(std::move(next)));
}

void NodeAgent::on_pod_added(NodeIndex node, std::shared_ptr<const api::Pod> pod) {
  if (pod->is_terminal() || finished_uids_.contains(pod->metadata.uid)) {
    return;
  }
  std::string key = key_of(*pod);
  if (row_by_key_.contains(key)) {
    on_pod_modified(node, std::move(pod));
    return;
  }
  // Kubelet admission (lifecycle.NewPredicateAdmitHandler): the same fit arithmetic as the scheduler's
  // filter, against what this kubelet has already admitted.
  const api::ResourceList& alloc = pool_.registration[node].status.allocatable;
  std::int64_t cpu = api::pod_request(pod->spec, api::kResourceCpu);
  std::int64_t mem = api::pod_request(pod->spec, api::kResourceMemory);
  std::string reject_resource;
  std::int64_t requested = 0;
  std::int64_t used = 0;
  std::int64_t capacity = 0;
  if (pool_.admitted_pods[node] + 1 > alloc.value_or_zero(api::kResourcePods)) {
    reject_resource = "pods";
    requested = 1;
    used = pool_.admitted_pods[node];
    capacity = alloc.value_or_zero(api::kResourcePods);
  } else if (cpu > 0 && cpu > alloc.value_or_zero(api::kResourceCpu) - pool_.admitted_milli_cpu[node]) {
    reject_resource = "cpu";
    requested = cpu;
    used = pool_.admitted_milli_cpu[node];
    capacity = alloc.value_or_zero(api::kResourceCpu);
  } else if (mem > 0 && mem > alloc.value_or_zero(api::kResourceMemory) - pool_.admitted_memory[node]) {
    reject_resource = "memory";
    requested = mem;
    used = pool_.admitted_memory[node];
    capacity = alloc.value_or_zero(api::kResourceMemory);
  }
  if (!reject_resource.empty()) {
    api::Pod rejected = *pod;
    rejected.status.phase = api::PodPhase::Failed;
    rejected.status.reason = "OutOf" + reject_resource;
    rejected.status.message =
        fmt::format("Pod was rejected: Node didn't have enough resource: {}, requested: {}, used: {}, capacity: {}",
                    reject_resource, requested, used, capacity);
    send_status(rejected);
    return;
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
  if (r.pod->is_terminating()) {
    r.stage = Stage::Stopping;
    schedule_step(row, sim_.now());
    return;
  }
  schedule_step(row, sim_.now() + config_.sandbox_latency.sample(pool_.rng[node]));
}

void NodeAgent::on_pod_modified(NodeIndex node, std::shared_ptr<const api::Pod> pod) {
  auto it = row_by_key_.find(key_of(*pod));
  if (it == row_by_key_.end()) {
    on_pod_added(node, std::move(pod));
    return;
  }
  PodRow& r = rows_[it->second];
  r.pod = std::move(pod);
  if (r.pod->is_terminating() && r.stage != Stage::Stopping) {
    // Graceful deletion: stop the containers (modelled as immediate: the simulated processes exit on
    // SIGTERM), then confirm.
    if (r.has_pending) {
      sim_.cancel(r.pending);
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
}

void NodeAgent::free_row(std::uint32_t row) {
  finished_uids_.insert(rows_[row].pod->metadata.uid);
  row_by_key_.erase(rows_[row].key);
  rows_[row] = PodRow{};
  free_rows_.push_back(row);
}

base::Duration NodeAgent::pull_images(std::uint32_t row) {
  const PodRow& r = rows_[row];
  NodeIndex n = r.node;
  std::vector<std::string>& cached = pool_.images[n];
  base::SimTime now = sim_.now();
  base::SimTime done = now;
  auto pull = [&](const api::Container& c) {
    if (c.image.empty()) {
      return;
    }
    std::string image = normalize_image(c.image);
    auto it = std::lower_bound(cached.begin(), cached.end(), image);
    if (it != cached.end() && *it == image) {
      return;
    }
    // serializeImagePulls: one pull at a time per node, in request order.
    base::SimTime start = std::max(now, pool_.puller_free_at[n]);
    base::SimTime end = start + config_.image_pull_latency.sample(pool_.rng[n]);
    pool_.puller_free_at[n] = end;
    cached.insert(it, std::move(image));
    ++image_pulls_;
    done = std::max(done, end);
  };
  std::for_each(r.pod->spec.init_containers.begin(), r.pod->spec.init_containers.end(), pull);
  std::for_each(r.pod->spec.containers.begin(), r.pod->spec.containers.end(), pull);
  return done - now;
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
    // Init containers run one after another to completion; app containers are then started in spec
    // order without waiting for each other, so the pod is up when the slowest one is.
    base::Duration total = base::Duration::zero();
    for (std::size_t i = 0; i < r.pod->spec.init_containers.size(); ++i) {
      total += config_.container_start_latency.sample(rng);
    }
    base::Duration slowest = base::Duration::zero();
    for (std::size_t i = 0; i < r.pod->spec.containers.size(); ++i) {
      slowest = std::max(slowest, config_.container_start_latency.sample(rng));
    }
    r.stage = Stage::Starting;
    schedule_step(row, now + total + slowest);
    break;
  }
  case Stage::Starting: {
    api::Pod running = *r.pod;
    running.status.phase = api::PodPhase::Running;
    running.status.start_time = r.acknowledged;
    running.status.host_ip = fmt::format("10.255.{}.{}", (node >> 8) & 255U, node & 255U);
    std::uint32_t ip = pool_.next_pod_ip[node]++;
    running.status.pod_ip = fmt::format("10.{}.{}.{}", (node >> 8) & 255U, node & 255U, ip % 254U + 1U);
    for (const char* type : {"PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready"}) {
      running.status.set_condition(api::PodCondition{type, api::ConditionStatus::True, "", "", now});
    }
    running.status.container_statuses.clear();
    for (const api::Container& c : running.spec.containers) {
      running.status.container_statuses.push_back(api::ContainerStatus{c.name, true, true, 0});
    }
    send_status(running);
    r.stage = Stage::Running;
    const std::string* duration = r.pod->metadata.annotations.find(api::kDurationAnnotation);
    if (duration != nullptr) {
      // Validated at admission by the API server, so it parses.
      std::optional<base::Duration> d = base::parse_duration(*duration);
      schedule_step(row, now + d.value_or(base::Duration::zero()));
    }
    break;
  }
  case Stage::Running: {
    api::Pod done = *r.pod;
    done.status.phase = api::PodPhase::Succeeded;
    for (const char* type : {"ContainersReady", "Ready"}) {
      done.status.set_condition(api::PodCondition{type, api::ConditionStatus::False, "PodCompleted", "", now});
    }
    for (api::ContainerStatus& cs : done.status.container_statuses) {
      cs.ready = false;
      cs.started = false;
    }
    send_status(done);
    release(row);
    free_row(row);
    break;
  }
  case Stage::Stopping: {
    // Containers are stopped: confirm the deletion with grace 0 so the API server removes the pod.
    client_.remove(api::Kind::Pod, r.pod->metadata.namespace_, r.pod->metadata.name, 0);
    release(row);
    free_row(row);
    break;
  }
  }
}

}  // namespace kubesim::node
