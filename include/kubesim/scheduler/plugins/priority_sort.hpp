#pragma once

/// PrioritySort (QueueSort): higher spec.priority first; equal priorities in the order they were
/// (re-)queued. Upstream plugins/queuesort/priority_sort.go.

#include "kubesim/scheduler/framework/framework.hpp"

namespace kubesim::scheduler {

class PrioritySort final : public QueueSortPlugin {
 public:
  static constexpr std::string_view kName = "PrioritySort";
  /// Takes no arguments.
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);

  [[nodiscard]] std::string_view name() const override { return kName; }
  [[nodiscard]] bool less(const QueuedPod& a, const QueuedPod& b) const override {
    std::int32_t pa = a.pod->priority();
    std::int32_t pb = b.pod->priority();
    return pa > pb || (pa == pb && a.timestamp < b.timestamp);
  }
};

}  // namespace kubesim::scheduler
