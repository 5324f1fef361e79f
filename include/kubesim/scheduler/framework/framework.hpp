#pragma once

/// Framework: one scheduling profile's plugins, arranged by extension point, and the code that runs
/// each point in upstream's order (runtime/framework.go). Created from a Profile and the
/// PluginRegistry; creation validates the profile as upstream's NewFramework does.

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/plugin.hpp"

#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace kubesim::scheduler {

/// What plugins may ask of the scheduler that runs them.
class FrameworkHandle {
 public:
  virtual ~FrameworkHandle() = default;
  /// Issues the pods/binding request for `pod` to `node_name` (used by DefaultBinder).
  virtual void bind_pod(const api::Pod& pod, const std::string& node_name) = 0;
};

/// A scheduling profile: the scheduler name pods select it by, and its enabled plugins in order, each
/// with its Score weight (ignored for plugins without Score). Plugins take part in every extension
/// point they implement (upstream's multiPoint).
struct Profile {
  std::string scheduler_name = "default-scheduler";
  struct Entry {
    std::string name;
    std::int32_t weight = 1;
  };
  std::vector<Entry> plugins;
};

/// name → factory. A duplicate name is a programming error; lookups of unknown names fail with a
/// message listing the valid names (as SimGrid's module registries do).
class PluginRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Plugin>(FrameworkHandle&)>;
  void add(std::string name, Factory factory);
  [[nodiscard]] const Factory* find(std::string_view name) const;
  [[nodiscard]] std::vector<std::string> names() const;

 private:
  std::map<std::string, Factory, std::less<>> factories_;
};

/// Every in-tree plugin kubesim implements, in one place.
PluginRegistry default_registry();
/// The default profile "default-scheduler" with upstream's weights (K8S-SEMANTICS §1.1), restricted to
/// the plugins implemented so far.
Profile default_profile();

class Framework {
 public:
  /// Builds the profile's plugins. Errors: unknown plugin, no QueueSort or more than one, no Bind,
  /// non-positive Score weight.
  static base::Expected<Framework, std::string> create(const Profile& profile, const PluginRegistry& registry,
                                                       FrameworkHandle& handle);

  [[nodiscard]] const std::string& scheduler_name() const { return scheduler_name_; }
  [[nodiscard]] const QueueSortPlugin& queue_sort() const { return *queue_sort_; }

  /// Runs every PreFilter; the first rejection wins. Records which plugins returned Skip.
  Status run_pre_filter(CycleState& state, const PodInfo& pod);
  /// Runs every Filter not skipped by PreFilter; returns the first non-success status, tagged with the
  /// plugin's name (upstream stops at the first failing plugin for a node).
  Status run_filter(const CycleState& state, const PodInfo& pod, const NodeInfo& node);

  [[nodiscard]] bool has_score_plugins() const { return !score_.empty(); }
  /// PreScore, then Score and NormalizeScore for every plugin not skipped, then the weighted sum per
  /// node into `totals` (same order as `nodes`). Returns the first PreScore error, if any.
  Status run_score(CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                   std::span<std::int64_t> totals);
  /// Runs Bind plugins until one does not Skip.
  Status run_bind(const PodInfo& pod, const std::string& node_name);

 private:
  struct WeightedScore {
    ScorePlugin* plugin;
    std::int64_t weight;
  };
  std::string scheduler_name_;
  std::vector<std::unique_ptr<Plugin>> owned_;
  const QueueSortPlugin* queue_sort_ = nullptr;
  std::vector<PreFilterPlugin*> pre_filter_;
  std::vector<FilterPlugin*> filter_;
  std::vector<PreScorePlugin*> pre_score_;
  std::vector<WeightedScore> score_;
  std::vector<BindPlugin*> bind_;
  // Per-cycle: plugins whose PreFilter/PreScore returned Skip.
  std::vector<const Plugin*> skipped_filters_;
  std::vector<const Plugin*> skipped_scores_;
  std::vector<std::int64_t> scratch_;
};

}  // namespace kubesim::scheduler
