#include "kubesim/scheduler/framework/framework.hpp"

#include "kubesim/scheduler/plugins/default_binder.hpp"
#include "kubesim/scheduler/plugins/node_resources_fit.hpp"
#include "kubesim/scheduler/plugins/priority_sort.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kubesim::scheduler {
namespace {

bool contains(const std::vector<const Plugin*>& v, const Plugin* p) { return std::find(v.begin(), v.end(), p) != v.end(); }

}  // namespace

void PluginRegistry::add(std::string name, Factory factory) {
  auto [it, inserted] = factories_.emplace(std::move(name), std::move(factory));
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

PluginRegistry default_registry() {
  PluginRegistry r;
  r.add(std::string(PrioritySort::kName), [](FrameworkHandle&) { return std::make_unique<PrioritySort>(); });
  r.add(std::string(NodeResourcesFit::kName), [](FrameworkHandle&) { return std::make_unique<NodeResourcesFit>(); });
  r.add(std::string(DefaultBinder::kName),
        [](FrameworkHandle& h) { return std::make_unique<DefaultBinder>(h); });
  return r;
}

Profile default_profile() {
  Profile p;
  p.plugins = {{std::string(PrioritySort::kName), 1},
               {std::string(NodeResourcesFit::kName), 1},
               {std::string(DefaultBinder::kName), 1}};
  return p;
}

base::Expected<Framework, std::string> Framework::create(const Profile& profile, const PluginRegistry& registry,
                                                         FrameworkHandle& handle) {
  Framework fw;
  fw.scheduler_name_ = profile.scheduler_name;
  for (const Profile::Entry& e : profile.plugins) {
    const PluginRegistry::Factory* factory = registry.find(e.name);
    if (factory == nullptr) {
      std::string valid;
      for (const std::string& n : registry.names()) {
        valid += (valid.empty() ? "" : ", ") + n;
      }
      return base::unexpected(fmt::format("plugin \"{}\" does not exist (valid plugins: {})", e.name, valid));
    }
    std::unique_ptr<Plugin> plugin = (*factory)(handle);
    Plugin* p = plugin.get();
    fw.owned_.push_back(std::move(plugin));
    if (auto* qs = dynamic_cast<QueueSortPlugin*>(p)) {
      if (fw.queue_sort_ != nullptr) {
        return base::unexpected(std::string("only one QueueSort plugin can be enabled"));
      }
      fw.queue_sort_ = qs;
    }
    if (auto* x = dynamic_cast<PreFilterPlugin*>(p)) {
      fw.pre_filter_.push_back(x);
    }
    if (auto* x = dynamic_cast<FilterPlugin*>(p)) {
      fw.filter_.push_back(x);
    }
    if (auto* x = dynamic_cast<PreScorePlugin*>(p)) {
      fw.pre_score_.push_back(x);
    }
    if (auto* x = dynamic_cast<ScorePlugin*>(p)) {
      if (e.weight <= 0) {
        return base::unexpected(
            fmt::format("score plugin \"{}\" is not expected to have a non-positive weight", e.name));
      }
      fw.score_.push_back({x, e.weight});
    }
    if (auto* x = dynamic_cast<BindPlugin*>(p)) {
      fw.bind_.push_back(x);
    }
  }
  if (fw.queue_sort_ == nullptr) {
    return base::unexpected(std::string("no queue sort plugin is enabled"));
  }
  if (fw.bind_.empty()) {
    return base::unexpected(std::string("at least one bind plugin is needed"));
  }
  return fw;
}

Status Framework::run_pre_filter(CycleState& state, const PodInfo& pod) {
  skipped_filters_.clear();
  for (PreFilterPlugin* p : pre_filter_) {
    Status s = p->pre_filter(state, pod);
    if (s.is_skip()) {
      skipped_filters_.push_back(p);
      continue;
    }
    if (!s.is_success()) {
      s.set_plugin(p->name());
      return s;
    }
  }
  return Status::success();
}

Status Framework::run_filter(const CycleState& state, const PodInfo& pod, const NodeInfo& node) {
  for (FilterPlugin* p : filter_) {
    if (!skipped_filters_.empty() && contains(skipped_filters_, p)) {
      continue;
    }
    Status s = p->filter(state, pod, node);
    if (!s.is_success()) {
      s.set_plugin(p->name());
      return s;
    }
  }
  return Status::success();
}

Status Framework::run_score(CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                            std::span<std::int64_t> totals) {
  skipped_scores_.clear();
  for (PreScorePlugin* p : pre_score_) {
    Status s = p->pre_score(state, pod, nodes);
    if (s.is_skip()) {
      skipped_scores_.push_back(p);
    } else if (!s.is_success()) {
      s.set_plugin(p->name());
      return s;
    }
  }
  std::fill(totals.begin(), totals.end(), 0);
  scratch_.resize(nodes.size());
  for (const WeightedScore& ws : score_) {
    if (!skipped_scores_.empty() && contains(skipped_scores_, ws.plugin)) {
      continue;
    }
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      scratch_[i] = ws.plugin->score(state, pod, *nodes[i]);
    }
    if (ws.plugin->has_normalize()) {
      ws.plugin->normalize_score(state, pod, scratch_);
    }
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      KUBESIM_ASSERT(scratch_[i] >= kMinNodeScore && scratch_[i] <= kMaxNodeScore, "plugin {} scored {} outside [0,100]",
                     ws.plugin->name(), scratch_[i]);
      totals[i] += scratch_[i] * ws.weight;
    }
  }
  return Status::success();
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

}  // namespace kubesim::scheduler
