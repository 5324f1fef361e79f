#include "kubesim/client/work_queue.hpp"

#include <algorithm>

namespace kubesim::client {

WorkQueue::WorkQueue(sim::Simulation& sim, sim::EventKind wake_kind, std::uint32_t wake_target,
                     RateLimiterConfig limits)
    : sim_(sim), wake_kind_(wake_kind), wake_target_(wake_target), limits_(limits), bucket_(limits.qps, limits.burst) {}

void WorkQueue::add(const std::string& key) {
  if (dirty_.contains(key)) {
    return;
  }
  dirty_.insert(key);
  if (processing_.contains(key)) {
    return;  // done() puts it back
  }
  queue_.push_back(key);
}

void WorkQueue::add_after(const std::string& key, base::Duration delay) {
  if (delay <= base::Duration::zero()) {
    add(key);
    return;
  }
  base::SimTime at = sim_.now() + delay;
  auto it = delayed_by_key_.find(key);
  if (it != delayed_by_key_.end()) {
    if (it->second.first <= at) {
      return;  // already due sooner
    }
    delayed_.erase(it->second);
    delayed_by_key_.erase(it);
  }
  auto slot = std::make_pair(at, next_seq_++);
  delayed_.emplace(slot, key);
  delayed_by_key_.emplace(key, slot);
  arm_timer();
}

void WorkQueue::add_rate_limited(const std::string& key) {
  // ItemExponentialFailureRateLimiter: base * 2^failures, capped; then the max with the bucket.
  std::int32_t& failures = failures_[key];
  std::int64_t backoff = limits_.max_delay.nanos();
  if (failures < 62) {
    std::int64_t factor = std::int64_t{1} << failures;
    if (limits_.base_delay.nanos() <= backoff / factor) {
      backoff = limits_.base_delay.nanos() * factor;
    }
  }
  ++failures;
  base::Duration wait = std::max(base::Duration::from_nanos(backoff), bucket_.reserve(sim_.now()));
  add_after(key, wait);
}

void WorkQueue::forget(const std::string& key) {
  auto it = failures_.find(key);
  if (it != failures_.end()) {
    failures_.erase(it);
  }
}

std::int32_t WorkQueue::num_requeues(const std::string& key) const {
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

std::optional<std::string> WorkQueue::get() {
  if (queue_.empty()) {
    return std::nullopt;
  }
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  processing_.insert(key);
  dirty_.erase(key);
  return key;
}

void WorkQueue::done(const std::string& key) {
  processing_.erase(key);
  if (dirty_.contains(key)) {
    queue_.push_back(key);
  }
}

void WorkQueue::on_timer() {
  timer_at_ = base::SimTime::max();
  base::SimTime now = sim_.now();
  while (!delayed_.empty() && delayed_.begin()->first.first <= now) {
    std::string key = std::move(delayed_.begin()->second);
    delayed_.erase(delayed_.begin());
    delayed_by_key_.erase(key);
    add(key);
  }
  arm_timer();
}

void WorkQueue::arm_timer() {
  if (delayed_.empty()) {
    return;
  }
  base::SimTime next = delayed_.begin()->first.first;
  // A timer already armed for an earlier time re-arms itself when it fires; stale later timers find
  // nothing due and do nothing.
  if (next < timer_at_) {
    timer_at_ = next;
    sim_.schedule_at(next, wake_kind_, wake_target_, kQueueTimer);
  }
}

}  // namespace kubesim::client
