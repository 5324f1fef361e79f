#include "kubesim/metrics/pod_lifecycle.hpp"

#include <algorithm>

namespace kubesim::metrics {

void PodLifecycle::observe(SimTime now, const api::Pod* before, const api::Pod* after) {
  const api::Pod* pod = after != nullptr ? after : before;
  if (pod == nullptr) {
    return;
  }
  auto it = by_uid_.find(pod->metadata.uid);
  if (it == by_uid_.end()) {
    if (after == nullptr) {
      return;
    }
    PodRecord r;
    r.namespace_ = pod->metadata.namespace_;
    r.name = pod->metadata.name;
    r.created = now;
    it = by_uid_.emplace(pod->metadata.uid, static_cast<std::uint32_t>(records_.size())).first;
    records_.push_back(std::move(r));
  }
  PodRecord& r = records_[it->second];
  if (after == nullptr) {
    r.deleted = now;
    return;
  }
  if (!after->spec.node_name.empty() && !r.bound) {
    r.bound = now;
    r.node = after->spec.node_name;
  }
  r.phase = after->status.phase;
  if (after->status.phase == api::PodPhase::Running && !r.running) {
    r.running = now;
  }
  if (!r.ready && after->is_ready()) {
    r.ready = now;
  }
  if (after->is_terminal() && !r.finished) {
    r.finished = now;
    if (!after->status.message.empty()) {
      r.message = after->status.message;
    }
  }
}

void PodLifecycle::observe_queued(SimTime now, const api::Pod& pod) {
  auto it = by_uid_.find(pod.metadata.uid);
  if (it != by_uid_.end() && !records_[it->second].queued) {
    records_[it->second].queued = now;
  }
}

void PodLifecycle::observe_attempt(SimTime now, const api::Pod& pod, const std::string& node,
                                   const std::string& message) {
  auto it = by_uid_.find(pod.metadata.uid);
  if (it == by_uid_.end()) {
    return;
  }
  PodRecord& r = records_[it->second];
  ++r.attempts;
  if (!node.empty() && !r.scheduled) {
    r.scheduled = now;
  }
  if (!message.empty()) {
    r.message = message;
  }
}

void PodLifecycle::observe_usage(const api::Pod& pod, std::int64_t cpu_used, std::int64_t memory_used) {
  auto it = by_uid_.find(pod.metadata.uid);
  if (it == by_uid_.end()) {
    return;
  }
  PodRecord& r = records_[it->second];
  ++r.usage_samples;
  r.cpu_used_sum_millicpu += cpu_used;
  r.memory_used_peak_bytes = std::max(r.memory_used_peak_bytes, memory_used);
}

LatencyStats latency_stats(std::vector<Duration> sample) {
  LatencyStats s;
  s.count = sample.size();
  if (sample.empty()) {
    return s;
  }
  std::sort(sample.begin(), sample.end());
  // Nearest rank: the smallest value with at least p% of the sample at or below it.
  auto rank = [&](std::size_t pct) {
    std::size_t k = (pct * sample.size() + 99) / 100;
    return sample[std::max<std::size_t>(k, 1) - 1];
  };
  s.p50 = rank(50);
  s.p90 = rank(90);
  s.p99 = rank(99);
  s.max = sample.back();
  return s;
}

}  // namespace kubesim::metrics
