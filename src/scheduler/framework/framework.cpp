#include "kubesim/scheduler/framework/framework.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace kubesim::scheduler {
namespace {

constexpr std::int64_t kMaxTotalScore = std::numeric_limits<std::int64_t>::max();

bool contains(const std::vector<const Plugin*>& v, const Plugin* p) {
  return std::find(v.begin(), v.end(), p) != v.end();
}

bool has_name(const std::vector<std::string>& v, std::string_view name) {
  return std::find(v.begin(), v.end(), name) != v.end();
}

// Upstream's interface names, used in its error messages.
std::string_view interface_name(ExtensionPoint p) {
  switch (p) {
  case ExtensionPoint::PreEnqueue:
    return "PreEnqueuePlugin";
  case ExtensionPoint::QueueSort:
    return "QueueSortPlugin";
  case ExtensionPoint::PreFilter:
    return "PreFilterPlugin";
  case ExtensionPoint::Filter:
    return "FilterPlugin";
  case ExtensionPoint::PostFilter:
    return "PostFilterPlugin";
  case ExtensionPoint::PreScore:
    return "PreScorePlugin";
  case ExtensionPoint::Score:
    return "ScorePlugin";
  case ExtensionPoint::Reserve:
    return "ReservePlugin";
  case ExtensionPoint::Permit:
    return "PermitPlugin";
  case ExtensionPoint::PreBind:
    return "PreBindPlugin";
  case ExtensionPoint::Bind:
    return "BindPlugin";
  case ExtensionPoint::PostBind:
    return "PostBindPlugin";
  case ExtensionPoint::MultiPoint:
    return "MultiPoint";
  }
  return "Plugin";
}

// Whether a plugin implements the interface of an extension point. Permit, PreBind and PostBind have
// no in-tree implementation in kubesim yet, so nothing implements them.
bool implements(Plugin* p, ExtensionPoint point) {
  switch (point) {
  case ExtensionPoint::PreEnqueue:
    return dynamic_cast<PreEnqueuePlugin*>(p) != nullptr;
  case ExtensionPoint::QueueSort:
    return dynamic_cast<QueueSortPlugin*>(p) != nullptr;
  case ExtensionPoint::PreFilter:
    return dynamic_cast<PreFilterPlugin*>(p) != nullptr;
  case ExtensionPoint::Filter:
    return dynamic_cast<FilterPlugin*>(p) != nullptr;
  case ExtensionPoint::PostFilter:
    return dynamic_cast<PostFilterPlugin*>(p) != nullptr;
  case ExtensionPoint::PreScore:
    return dynamic_cast<PreScorePlugin*>(p) != nullptr;
  case ExtensionPoint::Score:
    return dynamic_cast<ScorePlugin*>(p) != nullptr;
  case ExtensionPoint::Reserve:
    return dynamic_cast<ReservePlugin*>(p) != nullptr;
  case ExtensionPoint::Bind:
    return dynamic_cast<BindPlugin*>(p) != nullptr;
  case ExtensionPoint::Permit:
  case ExtensionPoint::PreBind:
  case ExtensionPoint::PostBind:
  case ExtensionPoint::MultiPoint:
    return false;
  }
  return false;
}

// Upstream mergePluginSet (apis/config/v1/default_plugins.go).
PluginSet merge_plugin_set(const PluginSet& defaults, const PluginSet& custom) {
  PluginSet out;
  out.disabled = custom.disabled;
  std::vector<bool> replaced(custom.enabled.size(), false);
  if (!has_name(custom.disabled, "*")) {
    for (const PluginRef& d : defaults.enabled) {
      if (has_name(custom.disabled, d.name)) {
        continue;
      }
      PluginRef entry = d;
      for (std::size_t i = 0; i < custom.enabled.size(); ++i) {
        if (custom.enabled[i].name == d.name) {
          entry = custom.enabled[i];  // re-configured in place, keeping the default's position
          replaced[i] = true;
          break;
        }
      }
      out.enabled.push_back(entry);
    }
  }
  for (std::size_t i = 0; i < custom.enabled.size(); ++i) {
    if (!replaced[i]) {
      out.enabled.push_back(custom.enabled[i]);
    }
  }
  return out;
}

}  // namespace

std::string_view extension_point_key(ExtensionPoint p) {
  switch (p) {
  case ExtensionPoint::PreEnqueue:
    return "preEnqueue";
  case ExtensionPoint::QueueSort:
    return "queueSort";
  case ExtensionPoint::PreFilter:
    return "preFilter";
  case ExtensionPoint::Filter:
    return "filter";
  case ExtensionPoint::PostFilter:
    return "postFilter";
  case ExtensionPoint::PreScore:
    return "preScore";
  case ExtensionPoint::Score:
    return "score";
  case ExtensionPoint::Reserve:
    return "reserve";
  case ExtensionPoint::Permit:
    return "permit";
  case ExtensionPoint::PreBind:
    return "preBind";
  case ExtensionPoint::Bind:
    return "bind";
  case ExtensionPoint::PostBind:
    return "postBind";
  case ExtensionPoint::MultiPoint:
    return "multiPoint";
  }
  return "";
}

void PluginRegistry::add(std::string name, Factory factory) {
  [[maybe_unused]] auto [it, inserted] = factories_.emplace(std::move(name), std::move(factory));
  KUBESIM_ASSERT(inserted, "plugin {} registered twice", it->first);
}

const PluginRegistry::Factory* PluginRegistry::find(std::string_view name) const {
  auto it = factories_.find(name);
  return it == factories_.end() ? nullptr : &it->second;
}

std::vector<std::string> PluginRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, f] : factories_) {
    out.push_back(name);
  }
  return out;
}

ProfileConfig merge_with_defaults(const ProfileConfig& custom) {
  ProfileConfig defaults = default_profile();
  ProfileConfig out = custom;
  for (std::size_t i = 0; i < kExtensionPointCount; ++i) {
    out.plugins[i] = merge_plugin_set(defaults.plugins[i], custom.plugins[i]);
  }
  return out;
}

base::Expected<Framework, std::string> Framework::create(const ProfileConfig& profile, const PluginRegistry& registry,
                                                         FrameworkHandle& handle) {
  Framework fw;
  fw.handle_ = &handle;
  fw.scheduler_name_ = profile.scheduler_name;
  fw.percentage_ = profile.percentage_of_nodes_to_score;

  // Instantiate every plugin enabled anywhere, once, in first-mention order.
  std::vector<std::string> needed;
  for (const PluginSet& set : profile.plugins) {
    for (const PluginRef& ref : set.enabled) {
      if (!has_name(needed, ref.name)) {
        needed.push_back(ref.name);
      }
    }
  }
  std::map<std::string, Plugin*, std::less<>> by_name;
  for (const std::string& name : needed) {
    const PluginRegistry::Factory* factory = registry.find(name);
    if (factory == nullptr) {
      std::string valid;
      for (const std::string& n : registry.names()) {
        valid += (valid.empty() ? "" : ", ") + n;
      }
      return base::unexpected(fmt::format("plugin \"{}\" does not exist (valid plugins: {})", name, valid));
    }
    auto it = profile.plugin_config.find(name);
    const PluginArgs args = it == profile.plugin_config.end() ? PluginArgs{} : it->second;
    auto plugin = (*factory)(args, handle);
    if (!plugin) {
      return base::unexpected(fmt::format("initializing plugin \"{}\": {}", name, plugin.error()));
    }
    by_name[name] = plugin.value().get();
    fw.owned_.push_back(std::move(plugin.value()));
  }

  // Each extension point: its own enabled plugins, then MultiPoint expansion (upstream
  // expandMultiPointPlugins): overrides keep their explicit position first, then MultiPoint plugins,
  // then the remaining explicit ones.
  std::array<std::vector<Plugin*>, kExtensionPointCount> lists;
  const PluginSet& multi = profile.at(ExtensionPoint::MultiPoint);
  for (std::size_t i = 0; i + 1 < kExtensionPointCount; ++i) {
    auto point = static_cast<ExtensionPoint>(i);
    const PluginSet& set = profile.plugins[i];
    std::vector<std::string> explicit_names;
    for (const PluginRef& ref : set.enabled) {
      Plugin* p = by_name.at(ref.name);
      if (!implements(p, point)) {
        return base::unexpected(
            fmt::format("plugin \"{}\" does not extend {} plugin", ref.name, interface_name(point)));
      }
      if (has_name(explicit_names, ref.name)) {
        return base::unexpected(
            fmt::format("plugin \"{}\" already registered as \"{}\"", ref.name, interface_name(point)));
      }
      explicit_names.push_back(ref.name);
    }
    std::vector<std::string> multi_names;
    std::vector<std::string> overrides;
    if (!has_name(set.disabled, "*")) {
      for (const PluginRef& ref : multi.enabled) {
        Plugin* p = by_name.at(ref.name);
        if (!implements(p, point) || has_name(set.disabled, ref.name)) {
          continue;
        }
        if (has_name(explicit_names, ref.name)) {
          overrides.push_back(ref.name);
          continue;
        }
        if (has_name(multi_names, ref.name)) {
          return base::unexpected(
              fmt::format("plugin \"{}\" already registered as \"{}\"", ref.name, interface_name(point)));
        }
        multi_names.push_back(ref.name);
      }
    }
    std::vector<Plugin*>& list = lists[i];
    for (const std::string& n : explicit_names) {
      if (has_name(overrides, n)) {
        list.push_back(by_name.at(n));
      }
    }
    for (const std::string& n : multi_names) {
      list.push_back(by_name.at(n));
    }
    for (const std::string& n : explicit_names) {
      if (!has_name(overrides, n)) {
        list.push_back(by_name.at(n));
      }
    }
  }

  auto list_of = [&](ExtensionPoint p) -> const std::vector<Plugin*>& { return lists[static_cast<std::size_t>(p)]; };
  if (list_of(ExtensionPoint::QueueSort).size() != 1) {
    return base::unexpected(
        fmt::format("only one queue sort plugin required for profile with scheduler name \"{}\", but got {}",
                    profile.scheduler_name, list_of(ExtensionPoint::QueueSort).size()));
  }
  if (list_of(ExtensionPoint::Bind).empty()) {
    return base::unexpected(fmt::format("at least one bind plugin is needed for profile with scheduler name \"{}\"",
                                        profile.scheduler_name));
  }
  fw.queue_sort_ = dynamic_cast<QueueSortPlugin*>(list_of(ExtensionPoint::QueueSort).front());
  for (Plugin* p : list_of(ExtensionPoint::PreEnqueue)) {
    fw.pre_enqueue_.push_back(dynamic_cast<PreEnqueuePlugin*>(p));
  }
  for (Plugin* p : list_of(ExtensionPoint::PreFilter)) {
    fw.pre_filter_.push_back(dynamic_cast<PreFilterPlugin*>(p));
  }
  for (Plugin* p : list_of(ExtensionPoint::Filter)) {
    fw.filter_.push_back(dynamic_cast<FilterPlugin*>(p));
  }
  for (Plugin* p : list_of(ExtensionPoint::PostFilter)) {
    fw.post_filter_.push_back(dynamic_cast<PostFilterPlugin*>(p));
  }
  for (Plugin* p : list_of(ExtensionPoint::PreScore)) {
    fw.pre_score_.push_back(dynamic_cast<PreScorePlugin*>(p));
  }
  for (Plugin* p : list_of(ExtensionPoint::Reserve)) {
    fw.reserve_.push_back(dynamic_cast<ReservePlugin*>(p));
  }
  for (Plugin* p : list_of(ExtensionPoint::Bind)) {
    fw.bind_.push_back(dynamic_cast<BindPlugin*>(p));
  }
  // kubesim's Batch point has no key of its own: MultiPoint enables a plugin at every point it
  // implements, Batch included (docs/policies.md).
  for (const PluginRef& ref : multi.enabled) {
    auto* batch = dynamic_cast<BatchPlugin*>(by_name.at(ref.name));
    if (batch != nullptr && batch != fw.batch_) {
      if (fw.batch_ != nullptr) {
        return base::unexpected(fmt::format("only one batch plugin allowed for profile with scheduler name \"{}\", "
                                            "but got \"{}\" and \"{}\"",
                                            profile.scheduler_name, fw.batch_->name(), ref.name));
      }
      fw.batch_ = batch;
    }
  }

  // Score weights (getScoreWeights): the Score point's own entries take precedence over MultiPoint's;
  // 0 means 1; the total must not overflow.
  std::map<std::string, std::int64_t, std::less<>> weights;
  std::vector<PluginRef> weighted = profile.at(ExtensionPoint::Score).enabled;
  weighted.insert(weighted.end(), multi.enabled.begin(), multi.enabled.end());
  std::int64_t total = 0;
  for (const PluginRef& ref : weighted) {
    if (!implements(by_name.at(ref.name), ExtensionPoint::Score) || weights.contains(ref.name)) {
      continue;
    }
    if (ref.weight < 0) {
      return base::unexpected(fmt::format("score plugin \"{}\" is not expected to have a negative weight", ref.name));
    }
    std::int64_t w = ref.weight == 0 ? 1 : ref.weight;
    if (w * kMaxNodeScore > kMaxTotalScore - total) {
      return base::unexpected(std::string("total score of Score plugins could overflow"));
    }
    total += w * kMaxNodeScore;
    weights[ref.name] = w;
  }
  for (Plugin* p : list_of(ExtensionPoint::Score)) {
    auto it = weights.find(p->name());
    fw.score_.push_back({dynamic_cast<ScorePlugin*>(p), it == weights.end() ? 1 : it->second});
  }
  return fw;
}

std::vector<std::string> Framework::plugin_names(ExtensionPoint p) const {
  std::vector<std::string> out;
  auto add = [&](const auto& list) {
    for (const auto* plugin : list) {
      out.emplace_back(plugin->name());
    }
  };
  switch (p) {
  case ExtensionPoint::PreEnqueue:
    add(pre_enqueue_);
    break;
  case ExtensionPoint::QueueSort:
    out.emplace_back(queue_sort_->name());
    break;
  case ExtensionPoint::PreFilter:
    add(pre_filter_);
    break;
  case ExtensionPoint::Filter:
    add(filter_);
    break;
  case ExtensionPoint::PostFilter:
    add(post_filter_);
    break;
  case ExtensionPoint::PreScore:
    add(pre_score_);
    break;
  case ExtensionPoint::Score:
    for (const WeightedScore& ws : score_) {
      out.emplace_back(ws.plugin->name());
    }
    break;
  case ExtensionPoint::Reserve:
    add(reserve_);
    break;
  case ExtensionPoint::Bind:
    add(bind_);
    break;
  case ExtensionPoint::Permit:
  case ExtensionPoint::PreBind:
  case ExtensionPoint::PostBind:
  case ExtensionPoint::MultiPoint:
    break;
  }
  return out;
}

std::int64_t Framework::max_total_score() const {
  std::int64_t total = 0;
  for (const WeightedScore& ws : score_) {
    total += ws.weight * kMaxNodeScore;
  }
  return total;
}

Status Framework::run_pre_enqueue(const api::Pod& pod) {
  for (PreEnqueuePlugin* p : pre_enqueue_) {
    Status s = p->pre_enqueue(pod);
    if (!s.is_success()) {
      s.set_plugin(p->name());
      return s;
    }
  }
  return Status::success();
}

Status Framework::run_pre_filter(CycleState& state, const PodInfo& pod) {
  skipped_.clear();
  active_filters_.clear();
  for (PreFilterPlugin* p : pre_filter_) {
    Status s = p->pre_filter(state, pod);
    if (s.is_skip()) {
      skipped_.push_back(p);
      continue;
    }
    if (!s.is_success()) {
      s.set_plugin(p->name());
      return s;
    }
  }
  for (FilterPlugin* p : filter_) {
    if (contains(skipped_, p)) {
      continue;
    }
    const FilterShortcut shortcut = p->filter_shortcut(state, pod);
    switch (shortcut.kind) {
    case FilterShortcut::Kind::Call:
      active_filters_.push_back({p, nullptr});
      break;
    case FilterShortcut::Kind::PassAll:
      break;
    case FilterShortcut::Kind::PassUnlessFlag:
      // No node of the snapshot has the flag (e.g. no node is tainted): nothing to call it on.
      if (handle_->snapshot().nodes_flagged(shortcut.unless) != 0) {
        active_filters_.push_back({p, shortcut.unless});
      }
      break;
    }
  }
  // Upstream RunPreFilterExtensionAddPod/RemovePod skip the plugins whose PreFilter returned Skip:
  // they wrote no state to update.
  state.set_pre_filter_extensions({});
  for (PreFilterPlugin* p : pre_filter_) {
    if (p->has_pre_filter_extensions() && !contains(skipped_, p)) {
      state.add_pre_filter_extension(p);
    }
  }
  return Status::success();
}

Status Framework::run_filter(const CycleState& state, const PodInfo& pod, const NodeInfo& node) {
  for (const ActiveFilter& f : active_filters_) {
    if (f.unless != nullptr && !(node.*f.unless)) {
      continue;  // the plugin's filter() passes such nodes (FilterShortcut)
    }
    Status s = f.plugin->filter(state, pod, node);
    if (!s.is_success()) {
      s.set_plugin(f.plugin->name());
      return s;
    }
  }
  return Status::success();
}

void Framework::run_filter_block(const CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                                 std::span<std::uint8_t> pass) {
  std::fill(pass.begin(), pass.end(), std::uint8_t{1});
  for (const ActiveFilter& f : active_filters_) {
    if (f.unless == nullptr) {
      f.plugin->filter_nodes(state, pod, nodes, pass);
      continue;
    }
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (pass[i] != 0 && (*nodes[i]).*f.unless) {
        pass[i] = f.plugin->filter(state, pod, *nodes[i]).is_success() ? 1 : 0;
      }
    }
  }
}

Status Framework::run_post_filter(CycleState& state, const PodInfo& pod, std::span<const NodeStatus> statuses,
                                  PostFilterResult& result) {
  Status last(Code::Unschedulable, "no PostFilter plugin");
  for (PostFilterPlugin* p : post_filter_) {
    Status s = p->post_filter(state, pod, statuses, result);
    s.set_plugin(p->name());
    if (s.is_success() || s.code() != Code::Unschedulable) {
      return s;
    }
    last = s;
  }
  return last;
}

Status Framework::run_score(CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                            std::span<std::int64_t> totals, std::vector<std::vector<PluginScore>>* explain) {
  skipped_.clear();
  for (PreScorePlugin* p : pre_score_) {
    Status s = p->pre_score(state, pod, nodes);
    if (s.is_skip()) {
      skipped_.push_back(p);
    } else if (!s.is_success()) {
      s.set_plugin(p->name());
      return s;
    }
  }
  active_scores_.clear();
  for (const WeightedScore& ws : score_) {
    if (!contains(skipped_, ws.plugin)) {
      active_scores_.push_back(ws);
    }
  }
  std::fill(totals.begin(), totals.end(), 0);
  if (explain != nullptr) {
    explain->assign(nodes.size(), {});
  }
  // Raw scores, plugin k's in row k of scratch_, a block of nodes at a time with every plugin on the
  // block before the next: the block's NodeInfos stay in the L1 cache for all the plugins instead of
  // being fetched again by each plugin's pass over every node. Scores depend only on (state, pod,
  // node), so the order changes nothing.
  constexpr std::size_t kBlock = 64;
  const std::size_t n = nodes.size();
  scratch_.resize(n * active_scores_.size());
  const std::span<std::int64_t> all(scratch_);
  for (std::size_t b = 0; b < n; b += kBlock) {
    const std::size_t len = std::min(kBlock, n - b);
    for (std::size_t i = b + kBlock; i < std::min(n, b + 2 * kBlock); ++i) {
      prefetch_hot_fields(nodes[i]);  // the next block's, while this one is scored
    }
    for (std::size_t k = 0; k < active_scores_.size(); ++k) {
      active_scores_[k].plugin->score_nodes(state, pod, nodes.subspan(b, len), all.subspan(k * n + b, len));
    }
  }
  std::vector<std::int64_t> raw;
  for (std::size_t k = 0; k < active_scores_.size(); ++k) {
    const WeightedScore& ws = active_scores_[k];
    const std::span<std::int64_t> scores = all.subspan(k * n, n);
    if (explain != nullptr) {
      raw.assign(scores.begin(), scores.end());
    }
    if (ws.plugin->has_normalize()) {
      ws.plugin->normalize_score(state, pod, scores);
    }
    // Branch-free passes that the compiler vectorizes: the range check (as a min and a max), then the
    // weighted sum.
    std::int64_t lowest = kMinNodeScore;
    std::int64_t highest = kMaxNodeScore;
    for (std::size_t i = 0; i < n; ++i) {
      lowest = std::min(lowest, scores[i]);
      highest = std::max(highest, scores[i]);
    }
    if (lowest < kMinNodeScore || highest > kMaxNodeScore) {
      const auto bad = *std::find_if(scores.begin(), scores.end(),
                                     [](std::int64_t v) { return v < kMinNodeScore || v > kMaxNodeScore; });
      // Upstream returns an error status for out-of-range normalized scores.
      return Status(Code::Error, fmt::format("plugin \"{}\" returns an invalid score {}, it should in the range of "
                                             "[{}, {}] after normalizing",
                                             ws.plugin->name(), bad, kMinNodeScore, kMaxNodeScore));
    }
    for (std::size_t i = 0; i < n; ++i) {
      totals[i] += scores[i] * ws.weight;
    }
    if (explain != nullptr) {
      for (std::size_t i = 0; i < n; ++i) {
        (*explain)[i].push_back(PluginScore{ws.plugin->name(), raw[i], scores[i], ws.weight});
      }
    }
  }
  return Status::success();
}

Status Framework::run_reserve(CycleState& state, const PodInfo& pod, const std::string& node_name) {
  for (std::size_t i = 0; i < reserve_.size(); ++i) {
    Status s = reserve_[i]->reserve(state, pod, node_name);
    if (!s.is_success()) {
      s.set_plugin(reserve_[i]->name());
      for (std::size_t j = i + 1; j-- > 0;) {
        reserve_[j]->unreserve(state, pod, node_name);
      }
      return s;
    }
  }
  return Status::success();
}

void Framework::run_unreserve(CycleState& state, const PodInfo& pod, const std::string& node_name) {
  for (auto it = reserve_.rbegin(); it != reserve_.rend(); ++it) {
    (*it)->unreserve(state, pod, node_name);
  }
}

Status Framework::run_bind(const PodInfo& pod, const std::string& node_name) {
  for (BindPlugin* p : bind_) {
    Status s = p->bind(pod, node_name);
    if (s.is_skip()) {
      continue;
    }
    s.set_plugin(p->name());
    return s;
  }
  return Status(Code::Error, "no bind plugin bound the pod");
}

namespace {

template <class Fn> Status run_pre_filter_extensions(CycleState& state, std::string_view operation, Fn&& call) {
  for (PreFilterPlugin* p : state.pre_filter_extensions()) {
    Status s = call(*p);
    if (!s.is_success()) {
      std::string message;  // status.AsError(): the reasons joined with ", "
      for (const std::string& r : s.reasons()) {
        message += (message.empty() ? "" : ", ") + r;
      }
      Status err(Code::Error, fmt::format("running {} on PreFilter plugin \"{}\": {}", operation, p->name(), message));
      err.set_plugin(p->name());
      return err;
    }
  }
  return Status::success();
}

}  // namespace

Status run_pre_filter_extension_add_pod(CycleState& state, const PodInfo& pod, const PodInfo& pod_to_add,
                                        const NodeInfo& node) {
  return run_pre_filter_extensions(state, "AddPod",
                                   [&](PreFilterPlugin& p) { return p.add_pod(state, pod, pod_to_add, node); });
}

Status run_pre_filter_extension_remove_pod(CycleState& state, const PodInfo& pod, const PodInfo& pod_to_remove,
                                           const NodeInfo& node) {
  return run_pre_filter_extensions(state, "RemovePod",
                                   [&](PreFilterPlugin& p) { return p.remove_pod(state, pod, pod_to_remove, node); });
}

Status FrameworkHandle::run_pre_filter_extension_add_pod(CycleState& state, const PodInfo& pod,
                                                         const PodInfo& pod_to_add, const NodeInfo& node) {
  return scheduler::run_pre_filter_extension_add_pod(state, pod, pod_to_add, node);
}

Status FrameworkHandle::run_pre_filter_extension_remove_pod(CycleState& state, const PodInfo& pod,
                                                            const PodInfo& pod_to_remove, const NodeInfo& node) {
  return scheduler::run_pre_filter_extension_remove_pod(state, pod, pod_to_remove, node);
}

}  // namespace kubesim::scheduler
