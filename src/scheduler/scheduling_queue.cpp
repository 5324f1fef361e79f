#include "kubesim/scheduler/scheduling_queue.hpp"

namespace kubesim::scheduler {
namespace {

std::string key_of(const api::Pod& pod) { return pod.metadata.namespace_ + "/" + pod.metadata.name; }

}  // namespace

bool SchedulingQueue::ActiveLess::operator()(const Entry* a, const Entry* b) const {
  QueueSortPlugin::QueuedPod qa{a->info.pod.get(), a->info.timestamp};
  QueueSortPlugin::QueuedPod qb{b->info.pod.get(), b->info.timestamp};
  if (sort->less(qa, qb)) {
    return true;
  }
  if (sort->less(qb, qa)) {
    return false;
  }
  return a->seq < b->seq;
}

base::Duration SchedulingQueue::backoff_duration(std::int32_t attempts) const {
  base::Duration d = config_->pod_initial_backoff;
  for (std::int32_t i = 1; i < attempts; ++i) {
    d = d * 2;
    if (d > config_->pod_max_backoff) {
      return config_->pod_max_backoff;
    }
  }
  return d > config_->pod_max_backoff ? config_->pod_max_backoff : d;
}

SimTime SchedulingQueue::backoff_expiry(const Entry& e) const {
  return e.info.timestamp + backoff_duration(e.info.attempts);
}

void SchedulingQueue::push_active(Entry& e) {
  e.where = Where::Active;
  e.seq = next_seq_++;
  active_.insert(&e);
}

void SchedulingQueue::push_backoff(Entry& e) {
  e.where = Where::Backoff;
  e.seq = next_seq_++;
  backoff_.insert({{backoff_expiry(e).nanos(), e.seq}, &e});
}

void SchedulingQueue::detach(Entry& e) {
  switch (e.where) {
  case Where::Active:
    active_.erase(&e);
    break;
  case Where::Backoff:
    backoff_.erase({{backoff_expiry(e).nanos(), e.seq}, &e});
    break;
  case Where::Unschedulable:
    unschedulable_.erase({e.seq, &e});
    break;
  case Where::InFlight:
    break;
  }
}

void SchedulingQueue::add(std::shared_ptr<const api::Pod> pod, SimTime now) {
  std::string key = key_of(*pod);
  if (pods_.contains(key)) {
    return;
  }
  Entry& e = pods_[key];
  e.info.pod = std::move(pod);
  e.info.timestamp = now;
  e.info.initial_attempt_timestamp = now;
  push_active(e);
}

void SchedulingQueue::update(std::shared_ptr<const api::Pod> pod, SimTime now) {
  auto it = pods_.find(key_of(*pod));
  if (it == pods_.end()) {
    add(std::move(pod), now);
    return;
  }
  Entry& e = it->second;
  // Upstream isPodUpdated ignores resourceVersion, generation and status: only a real change to what
  // the scheduler reads can make an unschedulable pod schedulable.
  const api::Pod& old = *e.info.pod;
  bool relevant = !(old.spec == pod->spec) || !(old.metadata.labels == pod->metadata.labels) ||
                  !(old.metadata.annotations == pod->metadata.annotations);
  if (e.where == Where::Active) {
    // The object is part of the ordering key only through immutable fields (priority); swapping it in
    // place keeps the set valid.
    e.info.pod = std::move(pod);
    return;
  }
  e.info.pod = std::move(pod);
  if (relevant && e.where == Where::Unschedulable) {
    detach(e);
    if (backoff_expiry(e) > now) {
      push_backoff(e);
    } else {
      push_active(e);
    }
  }
}

void SchedulingQueue::remove(const std::string& key) {
  auto it = pods_.find(key);
  if (it == pods_.end()) {
    return;
  }
  detach(it->second);
  pods_.erase(it);
}

std::optional<QueuedPodInfo> SchedulingQueue::pop() {
  if (active_.empty()) {
    return std::nullopt;
  }
  auto* e = const_cast<Entry*>(*active_.begin());  // entries are owned by pods_, the set only orders them
  active_.erase(active_.begin());
  e->where = Where::InFlight;
  ++e->info.attempts;
  return e->info;
}

void SchedulingQueue::pop_batch(std::string_view scheduler_name, std::int32_t priority, std::size_t max,
                                std::vector<QueuedPodInfo>& out) {
  std::size_t taken = 0;
  for (auto it = active_.begin(); it != active_.end() && taken < max;) {
    auto* e = const_cast<Entry*>(*it);
    const api::Pod& pod = *e->info.pod;
    if (pod.spec.scheduler_name != scheduler_name || pod.priority() != priority) {
      ++it;
      continue;
    }
    it = active_.erase(it);
    e->where = Where::InFlight;
    ++e->info.attempts;
    out.push_back(e->info);
    ++taken;
  }
}

void SchedulingQueue::add_unschedulable(QueuedPodInfo info, SimTime now) {
  auto it = pods_.find(key_of(*info.pod));
  if (it == pods_.end()) {
    return;  // deleted while in flight
  }
  Entry& e = it->second;
  detach(e);
  e.info.attempts = info.attempts;
  e.info.timestamp = now;
  e.where = Where::Unschedulable;
  e.seq = next_seq_++;
  e.unschedulable_since = now;
  unschedulable_.insert({e.seq, &e});
}

void SchedulingQueue::add_backoff(QueuedPodInfo info, SimTime now) {
  auto it = pods_.find(key_of(*info.pod));
  if (it == pods_.end()) {
    it = pods_.emplace(key_of(*info.pod), Entry{}).first;
    it->second.info = info;
  } else {
    detach(it->second);
  }
  Entry& e = it->second;
  e.info.attempts = info.attempts;
  e.info.timestamp = now;
  push_backoff(e);
}

void SchedulingQueue::move_all_to_active_or_backoff(SimTime now) {
  auto pending = std::move(unschedulable_);
  unschedulable_.clear();
  for (const auto& [seq, ce] : pending) {
    auto* e = const_cast<Entry*>(ce);
    if (backoff_expiry(*e) > now) {
      push_backoff(*e);
    } else {
      push_active(*e);
    }
  }
}

void SchedulingQueue::flush_backoff_completed(SimTime now) {
  while (!backoff_.empty() && backoff_.begin()->first.first <= now.nanos()) {
    auto* e = const_cast<Entry*>(backoff_.begin()->second);
    backoff_.erase(backoff_.begin());
    push_active(*e);
  }
}

void SchedulingQueue::flush_unschedulable_leftover(SimTime now) {
  std::vector<Entry*> stale;
  for (const auto& [seq, ce] : unschedulable_) {
    if (now - ce->unschedulable_since > config_->pod_max_in_unschedulable_pods) {
      stale.push_back(const_cast<Entry*>(ce));
    }
  }
  for (Entry* e : stale) {
    unschedulable_.erase({e->seq, e});
    if (backoff_expiry(*e) > now) {
      push_backoff(*e);
    } else {
      push_active(*e);
    }
  }
}

}  // namespace kubesim::scheduler
