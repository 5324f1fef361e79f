// The Scheduler's batch cycle: a kubesim extension for Batch plugins (MinCostFlow), documented in
// docs/policies.md. The single-pod cycle is Scheduler::schedule_one in scheduler.cpp.

#include "kubesim/scheduler/scheduler.hpp"

#include <algorithm>

namespace kubesim::scheduler {
namespace {

std::string key_of(const api::Pod& pod) { return pod.metadata.namespace_ + "/" + pod.metadata.name; }

// Pods that every Filter and Score plugin sees alike: plugins read the namespace, labels, owners (for
// default topology spreading) and spec, never the name or uid of the incoming pod. Owners come first,
// as they tell pods of different controllers apart at once.
bool same_class(const api::Pod& a, const api::Pod& b) {
  return a.metadata.owner_references == b.metadata.owner_references && a.metadata.namespace_ == b.metadata.namespace_ &&
         a.metadata.labels == b.metadata.labels && a.spec == b.spec;
}

}  // namespace

std::int64_t Scheduler::run_batch_cycle(QueuedPodInfo head, Framework& fw, BatchPlugin& batch) {
  // The batch's own pods must not trigger zero-delay cycles through on_queue_changed: the next cycle
  // comes after the batch's cost (run_cycle).
  cycle_scheduled_ = true;
  batch_pods_.clear();
  const std::int32_t priority = head.pod->priority();
  batch_pods_.push_back(std::move(head));
  // One priority per batch: the flow maximizes the number of pods placed, so it must never trade a
  // high-priority pod for low-priority ones. Higher priorities come first in activeQ anyway.
  queue_->pop_batch(fw.scheduler_name(), priority, static_cast<std::size_t>(std::max(batch.batch_size() - 1, 0)),
                    batch_pods_);
  const std::size_t n_pods = batch_pods_.size();
  attempts_ += n_pods - 1;

  // Equivalence classes (Firmament's trick): Filter and Score run once per class. A pod with a
  // nominated node goes alone, through schedule_one, which tries that node first.
  batch_class_pods_.clear();
  batch_members_.clear();
  batch_class_of_.assign(n_pods, -1);
  batch_alone_.clear();
  for (std::uint32_t i = 0; i < n_pods; ++i) {
    const api::Pod& pod = *batch_pods_[i].pod;
    if (!pod.status.nominated_node_name.empty()) {
      continue;
    }
    std::size_t c = 0;
    while (c < batch_members_.size() && !same_class(*batch_pods_[batch_members_[c].front()].pod, pod)) {
      ++c;
    }
    if (c == batch_members_.size()) {
      batch_members_.emplace_back();
    }
    batch_members_[c].push_back(i);
  }

  // PreFilter, Filter and Score per class against the snapshot before the batch. Filtering walks from
  // the round-robin start index like the single-pod cycle, until numFeasibleNodesToFind feasible nodes
  // are found, and at least as many as the class has pods.
  std::span<NodeInfo* const> nodes = snapshot_.nodes();
  const auto num_nodes = static_cast<std::int32_t>(nodes.size());
  const std::int32_t to_find =
      num_nodes == 0 ? 0
                     : num_feasible_nodes_to_find(
                           fw.percentage_of_nodes_to_score().value_or(config_.percentage_of_nodes_to_score), num_nodes);
  batch_nodes_.clear();
  batch_scores_.clear();
  batch_offsets_.assign(1, 0);
  batch_evaluated_.clear();
  batch_class_pods_.reserve(batch_members_.size());
  std::size_t kept = 0;
  for (std::size_t c = 0; c < batch_members_.size(); ++c) {
    const std::vector<std::uint32_t>& members = batch_members_[c];
    PodInfo pod = PodInfo::from(batch_pods_[members.front()].pod);
    state_.clear();
    current_fw_ = &fw;
    feasible_.clear();
    std::int32_t processed = 0;
    if (num_nodes > 0 && fw.run_pre_filter(state_, pod).is_success()) {
      const std::int32_t want = std::max(to_find, static_cast<std::int32_t>(members.size()));
      const auto n = static_cast<std::uint32_t>(num_nodes);
      processed = find_feasible_nodes(pod, want, nullptr, nullptr).processed;
      next_start_node_index_ = (next_start_node_index_ + static_cast<std::uint32_t>(processed)) % n;
    }
    if (feasible_.empty()) {
      // Unschedulable (or rejected by PreFilter): schedule_one gives each pod its FitError and PostFilter.
      for (std::uint32_t i : members) {
        batch_alone_.push_back(i);
      }
      continue;
    }
    totals_.assign(feasible_.size(), 0);
    if (fw.has_score_plugins()) {
      Status scored = fw.run_score(state_, pod, feasible_, totals_);
      KUBESIM_ASSERT(scored.is_success(), "scoring failed: {}", scored.reasons().empty() ? "" : scored.reasons()[0]);
    }
    for (std::uint32_t i : members) {
      batch_class_of_[i] = static_cast<std::int32_t>(kept);
    }
    if (kept != c) {
      batch_members_[kept] = std::move(batch_members_[c]);
    }
    batch_class_pods_.push_back(std::move(pod));
    batch_nodes_.insert(batch_nodes_.end(), feasible_.begin(), feasible_.end());
    batch_scores_.insert(batch_scores_.end(), totals_.begin(), totals_.end());
    batch_offsets_.push_back(batch_nodes_.size());
    batch_evaluated_.emplace_back(processed, static_cast<std::int32_t>(feasible_.size()));
    ++kept;
  }
  batch_members_.resize(kept);

  // The plugin places the classes; spans are made once the flat candidate vectors stopped growing.
  batch_classes_.clear();
  std::size_t total = 0;
  for (std::size_t c = 0; c < kept; ++c) {
    const std::size_t b = batch_offsets_[c];
    const std::size_t len = batch_offsets_[c + 1] - b;
    batch_classes_.push_back(BatchClass{&batch_class_pods_[c], static_cast<std::int32_t>(batch_members_[c].size()),
                                        std::span<const NodeInfo* const>(batch_nodes_).subspan(b, len),
                                        std::span<const std::int64_t>(batch_scores_).subspan(b, len)});
    total += batch_members_[c].size();
  }
  batch_placements_.assign(total, nullptr);
  batch_target_.assign(n_pods, nullptr);
  if (kept > 0 && batch.assign(batch_classes_, fw.max_total_score(), batch_placements_).is_success()) {
    std::size_t next = 0;
    for (std::size_t c = 0; c < kept; ++c) {
      for (std::uint32_t i : batch_members_[c]) {
        batch_target_[i] = batch_placements_[next++];
      }
    }
  }

  // Apply in queue order. The plugin's capacity model is an approximation, so each pod's Filter runs
  // again with the pods placed before it assumed; a pod that no longer fits there, or that the plugin
  // left out, is scheduled alone below, against the cluster as the batch left it.
  for (std::uint32_t i = 0; i < n_pods; ++i) {
    const QueuedPodInfo& qp = batch_pods_[i];
    const NodeInfo* target = batch_target_[i];
    if (target == nullptr) {
      if (batch_class_of_[i] >= 0 || !qp.pod->status.nominated_node_name.empty()) {
        batch_alone_.push_back(i);
      }
      continue;
    }
    PodInfo pod = PodInfo::from(qp.pod);
    state_.clear();
    current_fw_ = &fw;
    nomination_override_.reset();
    if (!fw.run_pre_filter(state_, pod).is_success() || !run_filter_with_nominated(state_, pod, *target).is_success()) {
      batch_alone_.push_back(i);
      continue;
    }
    AttemptResult result;
    const auto& [evaluated, feasible] = batch_evaluated_[static_cast<std::size_t>(batch_class_of_[i])];
    result.nodes_evaluated = evaluated;
    result.nodes_feasible = feasible;
    assume_and_bind(qp, fw, pod, *target, result);
    on_attempt(sim_.now(), *qp.pod, result);
  }
  std::sort(batch_alone_.begin(), batch_alone_.end());
  for (std::uint32_t i : batch_alone_) {
    schedule_one(std::move(batch_pods_[i]), &fw);
  }
  cycle_scheduled_ = false;
  return static_cast<std::int64_t>(n_pods);
}

void Scheduler::assume_and_bind(const QueuedPodInfo& qp, Framework& fw, const PodInfo& pod, const NodeInfo& node,
                                AttemptResult& result) {
  result.node = node.name();
  const std::string key = key_of(*qp.pod);
  // assume(): the pod no longer needs its nomination, and the cache counts it on the node before the
  // binding is confirmed, so the next cycle already sees the room it takes. Upstream caches a deep copy
  // of the pod with spec.nodeName set and hands that to Reserve and Bind; kubesim caches this cycle's
  // PodInfo (the pending object) under the node's name instead, saving the copy (about a tenth of a
  // cycle): nothing reads a cached pod's nodeName (the NodeInfo it is on says where it is, the
  // Assigned record which node that is), and the bound object replaces it when the watch confirms
  // the binding.
  delete_nominated(key);
  add_assigned(key, pod, true, result.node);
  Status reserved = fw.run_reserve(state_, pod, result.node);
  if (!reserved.is_success()) {
    remove_assigned(key);
    result.message = reserved.reasons().empty() ? std::string("reserve failed") : reserved.reasons().front();
    result.node.clear();
    queue_->add_backoff(qp, sim_.now());
    on_queue_changed();
    return;
  }
  std::uint64_t tag = next_bind_tag_++;
  pending_binds_.emplace(tag, PendingBind{qp, key, result.node, &fw});
  current_bind_tag_ = tag;
  fw.run_bind(pod, result.node);
}

}  // namespace kubesim::scheduler
