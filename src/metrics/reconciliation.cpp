#include "kubesim/metrics/reconciliation.hpp"

#include <algorithm>
#include <set>

namespace kubesim::metrics {
namespace {

std::string key_of(const api::ObjectMeta& m) { return m.namespace_ + "/" + m.name; }

// upstream deploymentutil.DeploymentComplete.
bool rollout_complete(const api::Deployment& d) {
  std::int32_t want = d.spec.replicas;
  return d.status.observed_generation >= d.metadata.generation && d.status.updated_replicas == want &&
         d.status.replicas == want && d.status.available_replicas == want;
}

// A pod as an endpoint target: Ready and not terminating.
bool serves(const api::Pod* p) { return p != nullptr && p->is_ready() && !p->is_terminating(); }

// The pods a slice lists as ready (a missing `ready` condition counts as ready, as kube-proxy reads it).
std::set<std::string> ready_targets(const api::EndpointSlice* s) {
  std::set<std::string> out;
  if (s == nullptr) {
    return out;
  }
  for (const api::Endpoint& e : s->endpoints) {
    if (e.target_ref && e.target_ref->kind == "Pod" && e.conditions.ready.value_or(true)) {
      out.insert(e.target_ref->namespace_ + "/" + e.target_ref->name);
    }
  }
  return out;
}

}  // namespace

void ReconciliationTracker::observe_deployment(SimTime now, const api::Deployment* before,
                                               const api::Deployment* after) {
  if (after == nullptr) {
    if (before != nullptr) {
      open_rollouts_.erase(key_of(before->metadata));
    }
    return;
  }
  std::string key = key_of(after->metadata);
  if (before == nullptr || before->metadata.generation != after->metadata.generation) {
    auto open = open_rollouts_.find(key);
    if (open != open_rollouts_.end()) {
      rollouts_[open->second].superseded = true;
    }
    rollouts_.push_back(RolloutRecord{after->metadata.namespace_, after->metadata.name, after->metadata.generation,
                                      after->spec.replicas, now, std::nullopt, false});
    open_rollouts_[key] = rollouts_.size() - 1;
  }
  auto open = open_rollouts_.find(key);
  if (open != open_rollouts_.end() && rollout_complete(*after)) {
    rollouts_[open->second].completed = now;
    open_rollouts_.erase(open);
  }
}

void ReconciliationTracker::observe_pod(SimTime now, const api::Pod* before, const api::Pod* after) {
  const api::Pod* pod = after != nullptr ? after : before;
  std::string key = key_of(pod->metadata);
  if (serves(before) != serves(after)) {
    pod_ready_changed(now, key, serves(after));
  }
  const api::OwnerReference* owner = pod->metadata.controller_ref();
  if (owner == nullptr) {
    return;
  }
  bool live = after != nullptr && !after->spec.node_name.empty() && !after->is_terminal() && !after->is_terminating();
  if (live) {
    owned_pods_[after->metadata.uid] = OwnedPod{after->spec.node_name, owner->uid, serves(after)};
    if (serves(after)) {
      count_return(now, after->metadata.uid);
    }
  } else {
    owned_pods_.erase(pod->metadata.uid);
  }
  bool was_running = before != nullptr && before->status.phase == api::PodPhase::Running;
  if (after != nullptr && !was_running && after->status.phase == api::PodPhase::Running) {
    count_replacement(now, owner->uid, after->metadata.creation_timestamp);
  }
}

void ReconciliationTracker::pod_ready_changed(SimTime now, const std::string& key, bool ready) {
  if (ready) {
    ready_since_[key] = now;
    unready_since_.erase(key);
    return;
  }
  ready_since_.erase(key);
  if (listed_ready_.count(key) != 0) {
    unready_since_.emplace(key, now);
  }
}

void ReconciliationTracker::observe_endpoint_slice(SimTime now, const api::EndpointSlice* before,
                                                   const api::EndpointSlice* after) {
  std::set<std::string> old_ready = ready_targets(before);
  std::set<std::string> new_ready = ready_targets(after);
  for (const std::string& k : new_ready) {
    if (old_ready.count(k) != 0) {
      continue;
    }
    ++listed_ready_[k];
    auto it = ready_since_.find(k);
    if (it != ready_since_.end()) {
      endpoint_latencies_.push_back(now - it->second);
      ready_since_.erase(it);
    }
  }
  for (const std::string& k : old_ready) {
    if (new_ready.count(k) != 0) {
      continue;
    }
    auto listed = listed_ready_.find(k);
    if (listed != listed_ready_.end() && --listed->second <= 0) {
      listed_ready_.erase(listed);
    }
    auto it = unready_since_.find(k);
    if (it != unready_since_.end()) {
      endpoint_latencies_.push_back(now - it->second);
      unready_since_.erase(it);
    }
  }
}

void ReconciliationTracker::node_fault(SimTime now, std::string_view node, std::string_view action) {
  NodeFaultRecord& r = faults_.emplace_back();
  r.node = std::string(node);
  r.action = std::string(action);
  r.at = now;
  OpenFault open;
  open.record = faults_.size() - 1;
  open.node = std::string(node);
  for (const auto& [uid, pod] : owned_pods_) {
    if (pod.node == node) {
      open.outstanding.emplace(uid, pod.owner_uid);
      ++r.pods_lost;
    }
  }
  if (r.pods_lost == 0) {
    r.recovered = now;
    return;
  }
  open_faults_.push_back(std::move(open));
}

void ReconciliationTracker::node_back(SimTime now, std::string_view node) {
  for (OpenFault& f : open_faults_) {
    if (f.node != node) {
      continue;
    }
    f.node_back = true;
    // Pods the control plane never marked unready serve at once.
    for (auto it = f.outstanding.begin(); it != f.outstanding.end();) {
      auto pod = owned_pods_.find(it->first);
      if (pod != owned_pods_.end() && pod->second.serving) {
        ++faults_[f.record].returned;
        it = f.outstanding.erase(it);
      } else {
        ++it;
      }
    }
  }
  close_recovered(now);
}

void ReconciliationTracker::count_return(SimTime now, const std::string& uid) {
  bool any = false;
  for (OpenFault& f : open_faults_) {
    if (f.node_back && f.outstanding.erase(uid) != 0) {
      ++faults_[f.record].returned;
      any = true;
    }
  }
  if (any) {
    close_recovered(now);
  }
}

void ReconciliationTracker::count_replacement(SimTime now, const std::string& owner_uid, SimTime created) {
  // One replacement makes up for one lost pod of its owner, of the earliest open fault before it.
  for (OpenFault& f : open_faults_) {
    NodeFaultRecord& r = faults_[f.record];
    if (!(created > r.at)) {
      continue;
    }
    auto it = std::find_if(f.outstanding.begin(), f.outstanding.end(),
                           [&](const auto& lost) { return lost.second == owner_uid; });
    if (it != f.outstanding.end()) {
      f.outstanding.erase(it);
      ++r.replaced;
      close_recovered(now);
      return;
    }
  }
}

void ReconciliationTracker::close_recovered(SimTime now) {
  std::erase_if(open_faults_, [&](const OpenFault& f) {
    if (!f.outstanding.empty()) {
      return false;
    }
    faults_[f.record].recovered = now;
    return true;
  });
}

}  // namespace kubesim::metrics
