#pragma once

/// Framework: one scheduling profile's plugins arranged by extension point, and the code that runs each
/// point in upstream's order (pkg/scheduler/framework/runtime/framework.go). It is built from a
/// ProfileConfig (a KubeSchedulerConfiguration profile merged with the defaults) and the
/// PluginRegistry; creation validates the profile as upstream's NewFramework does.

#include "kubesim/api/pod_disruption_budget.hpp"
#include "kubesim/api/replica_set.hpp"
#include "kubesim/api/service.hpp"
#include "kubesim/base/expected.hpp"
#include "kubesim/base/rng.hpp"
#include "kubesim/scheduler/framework/plugin.hpp"
#include "kubesim/scheduler/framework/plugin_args.hpp"
#include "kubesim/scheduler/framework/snapshot.hpp"

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace kubesim::scheduler {

/// Objects other than pods and nodes that plugins read (informer caches upstream), keyed by
/// "namespace/name" so iteration is deterministic.
struct ClusterObjects {
  std::map<std::string, std::shared_ptr<const api::Service>> services;
  std::map<std::string, std::shared_ptr<const api::ReplicaSet>> replica_sets;
  std::map<std::string, std::shared_ptr<const api::PodDisruptionBudget>> pdbs;
};

/// What plugins may ask of the scheduler that runs them (framework.Handle upstream).
class FrameworkHandle {
 public:
  virtual ~FrameworkHandle() = default;
  /// The cluster as of this scheduling cycle.
  [[nodiscard]] virtual const Snapshot& snapshot() const = 0;
  [[nodiscard]] virtual const ClusterObjects& objects() const = 0;
  /// The scheduler's seeded random stream (tie-breaking, preemption's random offset).
  virtual base::Rng& rng() = 0;
  /// Issues the pods/binding request for `pod` to `node_name` (used by DefaultBinder).
  virtual void bind_pod(const api::Pod& pod, const std::string& node_name) = 0;

  // --- Preemption (DefaultPreemption). The defaults suit handles that never run PostFilter
  // (`kubesim schedule`, plugin test doubles); the Scheduler overrides all three.

  /// Upstream RunFilterPluginsWithNominatedPods with the filters of the profile whose cycle is running:
  /// when pods with priority >= `pod` (other than `pod`) are nominated to `node`, the filters run
  /// first on a copy of `node` with those pods added (and passed to the PreFilter extensions in a
  /// clone of `state`) and, if that passes, again on `node` as is; the
  /// node passes only if both do. `node` may be a modified copy of a snapshot node (preemption's dry
  /// run). The default returns Error: this handle cannot run filters.
  virtual Status run_filter_with_nominated(const CycleState& /*state*/, const PodInfo& /*pod*/,
                                           const NodeInfo& /*node*/) {
    return {Code::Error, "this handle cannot run filter plugins"};
  }
  /// Upstream prepareCandidate: every victim gets a DisruptionTarget=True condition (reason
  /// PreemptionByScheduler) and is deleted with its own grace period; pods of lower priority than
  /// `preemptor` nominated to `node` lose their nomination. The preemptor's own nomination comes
  /// from the PostFilterResult. The default does nothing.
  virtual void preempt(const api::Pod& /*preemptor*/, const std::string& /*node*/,
                       std::span<const std::shared_ptr<const api::Pod>> /*victims*/) {}
  /// Asks that the pod in the current cycle lose its status.nominatedNodeName when it is marked
  /// unschedulable (preemption found no candidate; upstream's PostFilterResult with an empty
  /// nominated node). The default does nothing.
  virtual void clear_nominated_node(const api::Pod& /*pod*/) {}

  /// Upstream RunPreFilterExtensionAddPod / RemovePod (the Handle's PluginsRunner): after
  /// `pod_to_add` was added to (or `pod_to_remove` removed from) `node`, a copy of a snapshot node,
  /// let the PreFilter plugins of `state`'s cycle update their state, which must be a clone
  /// (CycleState::clone). The defaults call the free functions below.
  virtual Status run_pre_filter_extension_add_pod(CycleState& state, const PodInfo& pod, const PodInfo& pod_to_add,
                                                  const NodeInfo& node);
  virtual Status run_pre_filter_extension_remove_pod(CycleState& state, const PodInfo& pod,
                                                     const PodInfo& pod_to_remove, const NodeInfo& node);
};

/// RunPreFilterExtensionAddPod: PreFilterPlugin::add_pod of every plugin in
/// state.pre_filter_extensions() (those with extensions whose PreFilter did not Skip, in PreFilter
/// order). The first failure stops the loop and gives Error
/// `running AddPod on PreFilter plugin "<name>": <reason>`.
Status run_pre_filter_extension_add_pod(CycleState& state, const PodInfo& pod, const PodInfo& pod_to_add,
                                        const NodeInfo& node);
/// RunPreFilterExtensionRemovePod, likewise (`running RemovePod on PreFilter plugin ...`).
Status run_pre_filter_extension_remove_pod(CycleState& state, const PodInfo& pod, const PodInfo& pod_to_remove,
                                           const NodeInfo& node);

/// Extension points as named in KubeSchedulerConfiguration `plugins:`; MultiPoint enables a plugin at
/// every point it implements.
enum class ExtensionPoint : std::uint8_t {
  PreEnqueue,
  QueueSort,
  PreFilter,
  Filter,
  PostFilter,
  PreScore,
  Score,
  Reserve,
  Permit,
  PreBind,
  Bind,
  PostBind,
  MultiPoint,
};
inline constexpr std::size_t kExtensionPointCount = 13;
/// "preFilter", "multiPoint", ... (the YAML keys).
std::string_view extension_point_key(ExtensionPoint p);

/// config.Plugin: a plugin name and, for Score, its weight (0 = unset, which means 1).
struct PluginRef {
  std::string name;
  std::int32_t weight = 0;
};

/// config.PluginSet: plugins enabled at one extension point (in order) and plugins disabled there
/// ("*" disables every default plugin of the point).
struct PluginSet {
  std::vector<PluginRef> enabled;
  std::vector<std::string> disabled;
};

/// One KubeSchedulerConfiguration profile.
struct ProfileConfig {
  std::string scheduler_name = "default-scheduler";
  /// Per-profile percentageOfNodesToScore (overrides the global value when set).
  std::optional<std::int32_t> percentage_of_nodes_to_score;
  /// Indexed by ExtensionPoint.
  std::array<PluginSet, kExtensionPointCount> plugins;
  /// pluginConfig: plugin name → args.
  std::map<std::string, PluginArgs, std::less<>> plugin_config;

  [[nodiscard]] PluginSet& at(ExtensionPoint p) { return plugins[static_cast<std::size_t>(p)]; }
  [[nodiscard]] const PluginSet& at(ExtensionPoint p) const { return plugins[static_cast<std::size_t>(p)]; }
};

/// name → factory. Factories receive the plugin's args (monostate when none are configured) and may
/// reject them. A duplicate name is a programming error.
class PluginRegistry {
 public:
  using Factory =
      std::function<base::Expected<std::unique_ptr<Plugin>, std::string>(const PluginArgs&, FrameworkHandle&)>;
  void add(std::string name, Factory factory);
  [[nodiscard]] const Factory* find(std::string_view name) const;
  [[nodiscard]] std::vector<std::string> names() const;

 private:
  std::map<std::string, Factory, std::less<>> factories_;
};

/// Every in-tree plugin kubesim implements, in one place (framework/registry.cpp).
PluginRegistry default_registry();

/// The default profile "default-scheduler": upstream's default MultiPoint list in upstream order with
/// its Score weights (K8S-SEMANTICS §1.1), restricted to the plugins kubesim implements.
ProfileConfig default_profile();

/// Upstream mergePlugins: the default profile's plugin sets merged with `custom`'s, point by point
/// (disabled defaults dropped, re-configured defaults updated in place, other custom plugins appended);
/// scheduler name, percentage and pluginConfig come from `custom`.
ProfileConfig merge_with_defaults(const ProfileConfig& custom);

/// One plugin's contribution to a node's score (for `kubesim schedule` and traces).
struct PluginScore {
  std::string_view plugin;
  std::int64_t raw = 0;
  std::int64_t normalized = 0;
  std::int64_t weight = 0;
};

class Framework {
 public:
  /// Instantiates every plugin the (merged) profile enables, expands MultiPoint as upstream does and
  /// validates: unknown plugin, plugin enabled at a point it does not implement, double registration,
  /// not exactly one QueueSort, no Bind, Score weights that could overflow.
  static base::Expected<Framework, std::string> create(const ProfileConfig& profile, const PluginRegistry& registry,
                                                       FrameworkHandle& handle);

  [[nodiscard]] const std::string& scheduler_name() const { return scheduler_name_; }
  [[nodiscard]] std::optional<std::int32_t> percentage_of_nodes_to_score() const { return percentage_; }
  [[nodiscard]] const QueueSortPlugin& queue_sort() const { return *queue_sort_; }
  /// The plugins at each point, in run order (for `kubesim schedule` and tests).
  [[nodiscard]] std::vector<std::string> plugin_names(ExtensionPoint p) const;

  /// Runs every PreEnqueue plugin; the first non-success wins.
  Status run_pre_enqueue(const api::Pod& pod);
  /// Runs every PreFilter; the first rejection wins. Records which plugins returned Skip.
  Status run_pre_filter(CycleState& state, const PodInfo& pod);
  /// Runs every Filter not skipped by PreFilter; returns the first non-success status, tagged with the
  /// plugin's name (upstream stops at the first failing plugin for a node).
  Status run_filter(const CycleState& state, const PodInfo& pod, const NodeInfo& node);
  /// run_filter's verdict for a block of nodes without the Status: pass[i] = 1 iff run_filter(state,
  /// pod, *nodes[i]) is Success (the spans have the same size). One call per plugin per block
  /// (FilterPlugin::filter_nodes) instead of one per node; the walk asks run_filter only for the reasons
  /// of the nodes that fail.
  void run_filter_block(const CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                        std::span<std::uint8_t> pass);
  /// Runs PostFilter plugins until one succeeds (upstream: the first that does not return
  /// Unschedulable ends the loop).
  Status run_post_filter(CycleState& state, const PodInfo& pod, std::span<const NodeStatus> statuses,
                         PostFilterResult& result);

  [[nodiscard]] bool has_score_plugins() const { return !score_.empty(); }
  /// The profile's Batch plugin (kubesim extension, enabled under multiPoint), or nullptr.
  [[nodiscard]] BatchPlugin* batch_plugin() const { return batch_; }
  /// The largest weighted Score total a node can get: 100 × the sum of the Score weights.
  [[nodiscard]] std::int64_t max_total_score() const;
  /// PreScore, then Score and NormalizeScore for every plugin not skipped, then the weighted sum per
  /// node into `totals` (same order as `nodes`). With `explain`, each node also gets its per-plugin
  /// scores (explain->size() == nodes.size()). Returns the first PreScore or range error, if any.
  Status run_score(CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                   std::span<std::int64_t> totals, std::vector<std::vector<PluginScore>>* explain = nullptr);
  /// Runs Reserve plugins in order; on failure, Unreserve of those that ran, in reverse.
  Status run_reserve(CycleState& state, const PodInfo& pod, const std::string& node_name);
  void run_unreserve(CycleState& state, const PodInfo& pod, const std::string& node_name);
  /// Runs Bind plugins until one does not Skip.
  Status run_bind(const PodInfo& pod, const std::string& node_name);

 private:
  struct WeightedScore {
    ScorePlugin* plugin;
    std::int64_t weight;
  };
  const FrameworkHandle* handle_ = nullptr;
  std::string scheduler_name_;
  std::optional<std::int32_t> percentage_;
  std::vector<std::unique_ptr<Plugin>> owned_;
  const QueueSortPlugin* queue_sort_ = nullptr;
  std::vector<PreEnqueuePlugin*> pre_enqueue_;
  std::vector<PreFilterPlugin*> pre_filter_;
  std::vector<FilterPlugin*> filter_;
  std::vector<PostFilterPlugin*> post_filter_;
  std::vector<PreScorePlugin*> pre_score_;
  std::vector<WeightedScore> score_;
  std::vector<ReservePlugin*> reserve_;
  std::vector<BindPlugin*> bind_;
  BatchPlugin* batch_ = nullptr;
  // Per cycle: the Filter plugins and Score plugins whose PreFilter/PreScore did not return Skip,
  // computed once so that the per-node loops do no lookups.
  struct ActiveFilter {
    FilterPlugin* plugin;
    bool NodeInfo::*unless;  // FilterShortcut::PassUnlessFlag: call only when node.*unless is true
  };
  std::vector<ActiveFilter> active_filters_;
  std::vector<WeightedScore> active_scores_;
  std::vector<const Plugin*> skipped_;
  std::vector<std::int64_t> scratch_;
};

}  // namespace kubesim::scheduler
