#include "kubesim/scenario/scheduler_config_reader.hpp"

#include "manifest_reader_internal.hpp"
#include "scheduler_config_reader_internal.hpp"

#include "kubesim/apiserver/validation.hpp"
#include "kubesim/base/hash.hpp"
#include "kubesim/scheduler/explain.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <limits>

namespace kubesim::scenario {

using base::Diagnostics;
using base::Expected;

void SchedulerConfiguration::apply_to(scheduler::SchedulerConfig& config) const {
  if (percentage_of_nodes_to_score) {
    config.percentage_of_nodes_to_score = *percentage_of_nodes_to_score;
  }
  if (pod_initial_backoff) {
    config.pod_initial_backoff = *pod_initial_backoff;
  }
  if (pod_max_backoff) {
    config.pod_max_backoff = *pod_max_backoff;
  }
}

std::vector<scheduler::ProfileConfig> SchedulerConfiguration::merged_profiles() const {
  std::vector<scheduler::ProfileConfig> out;
  out.reserve(profiles.size());
  for (const scheduler::ProfileConfig& p : profiles) {
    out.push_back(scheduler::merge_with_defaults(p));
  }
  return out;
}

namespace internal {
namespace {

using scheduler::ExtensionPoint;

constexpr std::string_view kApiVersion = "kubescheduler.config.k8s.io/v1";
constexpr std::string_view kKind = "KubeSchedulerConfiguration";

// Fields of the v1 schema that only matter to a real process (or that kubesim does not model).
constexpr auto kIgnoredTopLevel = std::to_array<std::string_view>(
    {"parallelism", "leaderElection", "clientConnection", "healthzBindAddress", "metricsBindAddress", "enableProfiling",
     "enableContentionProfiling", "delayCacheUntilActive"});

constexpr std::array<ExtensionPoint, scheduler::kExtensionPointCount> kPoints = {
    ExtensionPoint::PreEnqueue, ExtensionPoint::QueueSort, ExtensionPoint::PreFilter, ExtensionPoint::Filter,
    ExtensionPoint::PostFilter, ExtensionPoint::PreScore,  ExtensionPoint::Score,     ExtensionPoint::Reserve,
    ExtensionPoint::Permit,     ExtensionPoint::PreBind,   ExtensionPoint::Bind,      ExtensionPoint::PostBind,
    ExtensionPoint::MultiPoint};

constexpr std::array kStrategies = {
    EnumName<scheduler::ScoringStrategyType>{"LeastAllocated", scheduler::ScoringStrategyType::LeastAllocated},
    EnumName<scheduler::ScoringStrategyType>{"MostAllocated", scheduler::ScoringStrategyType::MostAllocated},
    EnumName<scheduler::ScoringStrategyType>{"RequestedToCapacityRatio",
                                             scheduler::ScoringStrategyType::RequestedToCapacityRatio}};

constexpr std::array kDefaultingTypes = {
    EnumName<scheduler::PodTopologySpreadDefaulting>{"System", scheduler::PodTopologySpreadDefaulting::System},
    EnumName<scheduler::PodTopologySpreadDefaulting>{"List", scheduler::PodTopologySpreadDefaulting::List}};

// Plugins whose args kubesim reads, with their args kind.
struct ArgsKind {
  std::string_view plugin;
  std::string_view kind;
};
constexpr std::array<ArgsKind, 7> kArgsKinds = {{
    {"NodeResourcesFit", "NodeResourcesFitArgs"},
    {"NodeResourcesBalancedAllocation", "NodeResourcesBalancedAllocationArgs"},
    {"InterPodAffinity", "InterPodAffinityArgs"},
    {"PodTopologySpread", "PodTopologySpreadArgs"},
    {"NodeAffinity", "NodeAffinityArgs"},
    {"DefaultPreemption", "DefaultPreemptionArgs"},
    {"MinCostFlow", "MinCostFlowArgs"},
}};

std::string_view args_kind_of(std::string_view plugin) {
  for (const ArgsKind& a : kArgsKinds) {
    if (a.plugin == plugin) {
      return a.kind;
    }
  }
  return {};
}

/// Every plugin name a configuration may mention: the registry's, plus the plugins with args kinds.
std::vector<std::string> known_plugins() {
  std::vector<std::string> names = scheduler::default_registry().names();
  for (const ArgsKind& a : kArgsKinds) {
    if (std::find(names.begin(), names.end(), a.plugin) == names.end()) {
      names.emplace_back(a.plugin);
    }
  }
  return names;
}

bool check_plugin_name(Reader& r, const Value& at, const std::string& name, const std::vector<std::string>& known) {
  if (std::find(known.begin(), known.end(), name) != known.end()) {
    return true;
  }
  std::vector<std::string_view> candidates(known.begin(), known.end());
  std::string match = base::closest_match(name, candidates);
  r.error(at.loc, fmt::format("unknown plugin '{}' in '{}'", name, display_path(at.path)),
          match.empty() ? std::string("kubesim implements the plugins listed in docs/plugins.md")
                        : fmt::format("did you mean '{}'?", match));
  return false;
}

void read_plugin_set(Reader& r, const Value& v, const std::string& owner, const std::vector<std::string>& known,
                     scheduler::PluginSet& out) {
  MapReader m(r, v, owner);
  if (!m.valid()) {
    return;
  }
  if (std::optional<Value> enabled = m.get("enabled")) {
    for (const Value& item : sequence_items(r, *enabled)) {
      MapReader pm(r, item, owner);
      if (!pm.valid()) {
        continue;
      }
      scheduler::PluginRef ref;
      std::optional<Value> name = pm.require("name");
      if (name && pm.read("name", ref.name)) {
        check_plugin_name(r, *name, ref.name, known);
      }
      pm.read("weight", ref.weight, 0, std::numeric_limits<std::int32_t>::max());
      pm.finish();
      out.enabled.push_back(std::move(ref));
    }
  }
  if (std::optional<Value> disabled = m.get("disabled")) {
    for (const Value& item : sequence_items(r, *disabled)) {
      MapReader pm(r, item, owner);
      if (!pm.valid()) {
        continue;
      }
      std::string name;
      std::optional<Value> nv = pm.require("name");
      if (nv && pm.read("name", name)) {
        if (name != "*") {
          check_plugin_name(r, *nv, name, known);
        }
      }
      pm.finish();
      out.disabled.push_back(std::move(name));
    }
  }
  m.finish();
}

void read_plugins(Reader& r, const Value& v, const std::string& owner, scheduler::ProfileConfig& out) {
  MapReader m(r, v, owner);
  if (!m.valid()) {
    return;
  }
  std::vector<std::string> known = known_plugins();
  for (ExtensionPoint p : kPoints) {
    if (std::optional<Value> set = m.get(scheduler::extension_point_key(p))) {
      read_plugin_set(r, *set, owner, known, out.at(p));
    }
  }
  m.finish();
}

std::vector<scheduler::ResourceSpec> read_resource_specs(Reader& r, const Value& v, const std::string& owner,
                                                         std::int64_t min_weight, std::int64_t max_weight) {
  std::vector<scheduler::ResourceSpec> out;
  for (const Value& item : sequence_items(r, v)) {
    MapReader m(r, item, owner);
    if (!m.valid()) {
      continue;
    }
    scheduler::ResourceSpec spec;
    m.require("name");
    m.read("name", spec.name);
    m.read("weight", spec.weight, min_weight, max_weight);
    m.finish();
    out.push_back(std::move(spec));
  }
  return out;
}

scheduler::NodeResourcesFitArgs read_fit_args(Reader& r, MapReader& m) {
  scheduler::NodeResourcesFitArgs out;
  m.read("ignoredResources", out.ignored_resources);
  m.read("ignoredResourceGroups", out.ignored_resource_groups);
  if (std::optional<Value> strategy = m.get("scoringStrategy")) {
    MapReader sm(r, *strategy, m.owner());
    read_enum_field<scheduler::ScoringStrategyType>(sm, "type", kStrategies, out.scoring_strategy);
    if (std::optional<Value> resources = sm.get("resources")) {
      // Upstream: each weight in [1, 100]; an empty list keeps the default cpu + memory.
      std::vector<scheduler::ResourceSpec> specs = read_resource_specs(r, *resources, m.owner(), 1, 100);
      if (!specs.empty()) {
        out.resources = std::move(specs);
      }
    }
    std::optional<Value> rtcr = sm.get("requestedToCapacityRatio");
    if (rtcr) {
      MapReader rm(r, *rtcr, m.owner());
      if (std::optional<Value> shape = rm.get("shape")) {
        for (const Value& item : sequence_items(r, *shape)) {
          MapReader pm(r, item, m.owner());
          if (!pm.valid()) {
            continue;
          }
          scheduler::UtilizationShapePoint point;
          pm.read("utilization", point.utilization, 0, 100);
          pm.read("score", point.score, 0, 10);
          pm.finish();
          if (!out.shape.empty() && point.utilization <= out.shape.back().utilization) {
            r.error(item.loc,
                    fmt::format("'{}.utilization' must be greater than the previous point's ({})",
                                display_path(item.path), out.shape.back().utilization),
                    "shape points are sorted by increasing utilization");
          }
          out.shape.push_back(point);
        }
      }
      rm.finish();
    }
    if (out.scoring_strategy == scheduler::ScoringStrategyType::RequestedToCapacityRatio && out.shape.empty()) {
      r.error(strategy->loc, fmt::format("'{}' of type RequestedToCapacityRatio needs requestedToCapacityRatio.shape",
                                         display_path(strategy->path)));
    }
    sm.finish();
  }
  return out;
}

scheduler::PodTopologySpreadArgs read_spread_args(Reader& r, MapReader& m) {
  scheduler::PodTopologySpreadArgs out;
  std::optional<Value> constraints = m.get("defaultConstraints");
  if (constraints) {
    for (const Value& item : sequence_items(r, *constraints)) {
      api::TopologySpreadConstraint& c = out.default_constraints.emplace_back();
      read_spread_constraint_value(r, item, m.owner(), c);
      // Upstream validateDefaultConstraints: the selector is derived from each pod's owners.
      if (c.label_selector) {
        r.error(item.loc, fmt::format("'{}' must not define a labelSelector", display_path(item.path)),
                "default constraints get their selector from the pod's Services and controllers");
      }
      if (c.max_skew <= 0) {
        r.error(item.loc, fmt::format("'{}.maxSkew' must be > 0, got {}", display_path(item.path), c.max_skew));
      }
      if (c.topology_key.empty()) {
        r.error(item.loc, fmt::format("missing required field 'topologyKey' in '{}'", display_path(item.path)));
      }
    }
  }
  read_enum_field<scheduler::PodTopologySpreadDefaulting>(m, "defaultingType", kDefaultingTypes, out.defaulting_type);
  if (out.defaulting_type == scheduler::PodTopologySpreadDefaulting::System && !out.default_constraints.empty()) {
    r.error(constraints->loc,
            fmt::format("'{}' must be empty when defaultingType is System", display_path(constraints->path)),
            "set defaultingType: List to use your own default constraints");
  }
  return out;
}

/// Reads `args` for `plugin`; unknown kinds, wrong kinds and args for plugins without any are errors.
std::optional<scheduler::PluginArgs> read_plugin_args(Reader& r, const Value& v, const std::string& plugin) {
  std::string owner = fmt::format("args of plugin '{}'", plugin);
  MapReader m(r, v, owner);
  if (!m.valid()) {
    return std::nullopt;
  }
  std::string_view kind = args_kind_of(plugin);
  if (std::optional<Value> api_version = m.get("apiVersion")) {
    std::optional<std::string> text = read_string(r, *api_version);
    if (text && *text != kApiVersion) {
      r.error(api_version->loc, fmt::format("unsupported apiVersion '{}' for {}", *text, owner),
              fmt::format("use apiVersion: {}", kApiVersion));
    }
  }
  if (std::optional<Value> k = m.get("kind")) {
    std::optional<std::string> text = read_string(r, *k);
    if (text && !kind.empty() && *text != kind) {
      r.error(k->loc, fmt::format("args of plugin '{}' must be of kind {}, got '{}'", plugin, kind, *text));
    }
  }
  scheduler::PluginArgs out;
  if (kind.empty()) {
    std::vector<MapReader::Unused> extra = m.unused();
    if (!extra.empty()) {
      r.error(extra.front().loc, fmt::format("plugin '{}' takes no arguments", plugin));
    }
    return out;
  }
  if (plugin == "NodeResourcesFit") {
    out = read_fit_args(r, m);
  } else if (plugin == "NodeResourcesBalancedAllocation") {
    scheduler::NodeResourcesBalancedAllocationArgs a;
    if (std::optional<Value> resources = m.get("resources")) {
      // Upstream ValidateNodeResourcesBalancedAllocationArgs: every weight must be 1.
      std::vector<scheduler::ResourceSpec> specs = read_resource_specs(r, *resources, owner, 1, 1);
      if (!specs.empty()) {
        a.resources = std::move(specs);
      }
    }
    out = a;
  } else if (plugin == "InterPodAffinity") {
    scheduler::InterPodAffinityArgs a;
    m.read("hardPodAffinityWeight", a.hard_pod_affinity_weight, 0, 100);
    m.read("ignorePreferredTermsOfExistingPods", a.ignore_preferred_terms_of_existing_pods);
    out = a;
  } else if (plugin == "PodTopologySpread") {
    out = read_spread_args(r, m);
  } else if (plugin == "NodeAffinity") {
    scheduler::NodeAffinityArgs a;
    if (std::optional<Value> added = m.get("addedAffinity")) {
      read_node_affinity_value(r, *added, owner, a.added_affinity.emplace());
    }
    out = a;
  } else if (plugin == "DefaultPreemption") {
    scheduler::DefaultPreemptionArgs a;
    m.read("minCandidateNodesPercentage", a.min_candidate_nodes_percentage, 0, 100);
    m.read("minCandidateNodesAbsolute", a.min_candidate_nodes_absolute, 0);
    if (a.min_candidate_nodes_percentage == 0 && a.min_candidate_nodes_absolute == 0) {
      r.error(v.loc, "minCandidateNodesPercentage and minCandidateNodesAbsolute of DefaultPreemption must not "
                     "both be 0");
    }
    out = a;
  } else if (plugin == "MinCostFlow") {
    scheduler::MinCostFlowArgs a;
    m.read("batchSize", a.batch_size, 1, 10000);
    m.read("candidateNodes", a.candidate_nodes, 1, 1000);
    m.read("loadCost", a.load_cost, 0, 10000);
    out = a;
  }
  m.finish();
  return out;
}

void read_plugin_config(Reader& r, const Value& v, const std::string& owner, scheduler::ProfileConfig& out) {
  std::vector<std::string> known = known_plugins();
  for (const Value& item : sequence_items(r, v)) {
    MapReader m(r, item, owner);
    if (!m.valid()) {
      continue;
    }
    std::string name;
    std::optional<Value> nv = m.require("name");
    bool ok = nv && m.read("name", name) && check_plugin_name(r, *nv, name, known);
    if (ok && out.plugin_config.contains(name)) {
      r.error(nv->loc, fmt::format("duplicate pluginConfig entry for plugin '{}' in {}", name, owner));
      ok = false;
    }
    std::optional<scheduler::PluginArgs> args = scheduler::PluginArgs{};
    if (std::optional<Value> a = m.get("args")) {
      if (ok) {
        args = read_plugin_args(r, *a, name);
      }
    }
    m.finish();
    if (ok && args) {
      out.plugin_config.emplace(name, std::move(*args));
    }
  }
}

void read_profile(Reader& r, const Value& v, scheduler::ProfileConfig& out) {
  std::string name = peek_scalar(v.node, "schedulerName");
  std::string owner = fmt::format("profile '{}'", name.empty() ? out.scheduler_name : name);
  MapReader m(r, v, owner);
  if (!m.valid()) {
    return;
  }
  if (std::optional<Value> sn = m.get("schedulerName")) {
    if (m.read("schedulerName", out.scheduler_name) && out.scheduler_name.empty()) {
      r.error(sn->loc, fmt::format("'{}' must not be empty", display_path(sn->path)));
    }
  }
  m.read("percentageOfNodesToScore", out.percentage_of_nodes_to_score, 0, 100);
  if (std::optional<Value> plugins = m.get("plugins")) {
    read_plugins(r, *plugins, owner, out);
  }
  if (std::optional<Value> pc = m.get("pluginConfig")) {
    read_plugin_config(r, *pc, owner, out);
  }
  m.finish();
}

void read_type(Reader& r, MapReader& m, bool require_type) {
  std::optional<Value> api_version = require_type ? m.require("apiVersion") : m.get("apiVersion");
  if (api_version) {
    std::optional<std::string> text = read_string(r, *api_version);
    if (text && *text != kApiVersion) {
      r.error(api_version->loc, fmt::format("unsupported apiVersion '{}' for kind {}", *text, kKind),
              fmt::format("use apiVersion: {}", kApiVersion));
    }
  }
  std::optional<Value> kind = require_type ? m.require("kind") : m.get("kind");
  if (kind) {
    std::optional<std::string> text = read_string(r, *kind);
    if (text && *text != kKind) {
      r.error(kind->loc, fmt::format("kind must be {}, got '{}'", kKind, *text));
    }
  }
}

/// Merges each profile with the defaults and builds its Framework once, as upstream's scheduler.New
/// does, so that framework errors surface at load time.
void check_frameworks(Reader& r, const SchedulerConfiguration& config) {
  scheduler::PluginRegistry registry = scheduler::default_registry();
  scheduler::StaticHandle handle;
  std::string first_sort;
  for (std::size_t i = 0; i < config.profiles.size(); ++i) {
    const scheduler::ProfileConfig merged = scheduler::merge_with_defaults(config.profiles[i]);
    auto fw = scheduler::Framework::create(merged, registry, handle);
    if (!fw) {
      r.error(config.profile_locs[i], fmt::format("profile '{}': {}", merged.scheduler_name, fw.error()));
      continue;
    }
    std::string sort(fw.value().queue_sort().name());
    if (first_sort.empty()) {
      first_sort = sort;
    } else if (sort != first_sort) {
      r.error(config.profile_locs[i],
              fmt::format("profile '{}': queueSort must be the same for all profiles ({} here, {} in the first)",
                          merged.scheduler_name, sort, first_sort));
    }
  }
}

}  // namespace

std::optional<SchedulerConfiguration> read_scheduler_configuration(Reader& r, const Value& v, bool require_type) {
  std::size_t errors_before = r.error_count();
  SchedulerConfiguration out;
  out.loc = v.loc;
  MapReader m(r, v, std::string(kKind));
  if (!m.valid()) {
    return std::nullopt;
  }
  read_type(r, m, require_type);
  m.read("percentageOfNodesToScore", out.percentage_of_nodes_to_score, 0, 100);
  std::optional<std::int64_t> initial;
  std::optional<std::int64_t> max;
  m.read("podInitialBackoffSeconds", initial, 1);
  std::optional<Value> max_value = m.get("podMaxBackoffSeconds");
  m.read("podMaxBackoffSeconds", max, 1);
  // Keep the seconds small enough that nanoseconds fit in an int64 (about 292 years).
  constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / 1'000'000'000;
  if (initial) {
    out.pod_initial_backoff = Duration::from_seconds(std::min(*initial, kMaxSeconds));
  }
  if (max) {
    out.pod_max_backoff = Duration::from_seconds(std::min(*max, kMaxSeconds));
    if (*max < initial.value_or(1)) {
      r.error(max_value->loc, fmt::format("'{}' ({}) must be >= podInitialBackoffSeconds ({})",
                                          display_path(max_value->path), *max, initial.value_or(1)));
    }
  }
  if (std::optional<Value> extenders = m.get("extenders")) {
    if (expect_sequence(r, *extenders) && extenders->node.size() > 0) {
      r.error(extenders->loc, "scheduler extenders are not supported by kubesim",
              "kubesim simulates in-tree plugins only; remove 'extenders'");
    }
  }
  if (std::optional<Value> profiles = m.get("profiles")) {
    for (const Value& item : sequence_items(r, *profiles)) {
      scheduler::ProfileConfig& p = out.profiles.emplace_back();
      out.profile_locs.push_back(item.loc);
      read_profile(r, item, p);
      for (std::size_t j = 0; j + 1 < out.profiles.size(); ++j) {
        if (out.profiles[j].scheduler_name == p.scheduler_name) {
          r.error(item.loc, fmt::format("duplicate profile with scheduler name '{}'", p.scheduler_name),
                  "each profile needs its own schedulerName");
          break;
        }
      }
    }
  }
  m.ignore(kIgnoredTopLevel);
  m.finish();
  if (out.profiles.empty()) {
    // Upstream SetDefaults_KubeSchedulerConfiguration: no profiles means the default one.
    out.profiles.emplace_back();
    out.profile_locs.push_back(v.loc);
  }
  if (r.error_count() != errors_before) {
    return std::nullopt;
  }
  check_frameworks(r, out);
  if (r.error_count() != errors_before) {
    return std::nullopt;
  }
  return out;
}

std::optional<SchedulerConfiguration> read_scheduler_configuration_file(Reader& r, const Value& at,
                                                                        const std::string& path) {
  std::filesystem::path resolved(path);
  if (resolved.is_relative()) {
    resolved = std::filesystem::path(r.file()).parent_path() / resolved;
  }
  std::string file = resolved.lexically_normal().string();
  std::string text;
  std::string error;
  if (!read_text_file(file, text, error)) {
    r.error(at.loc, fmt::format("cannot read scheduler configuration file '{}': {}", file, error));
    return std::nullopt;
  }
  auto parsed = parse_scheduler_configuration(text, file);
  if (!parsed) {
    for (const base::Diagnostic& d : parsed.error()) {
      r.error(d.loc, d.message, d.hint);
    }
    return std::nullopt;
  }
  parsed.value().source_hash = base::fnv1a64(text);
  return std::move(parsed.value());
}

}  // namespace internal

Expected<SchedulerConfiguration, Diagnostics> parse_scheduler_configuration(std::string_view yaml_text,
                                                                            const std::string& file) {
  Diagnostics diags;
  internal::Reader r(file, diags);
  std::optional<SchedulerConfiguration> out;
  internal::for_each_document(yaml_text, r, diags, [&](const std::vector<YAML::Node>& docs) {
    std::vector<const YAML::Node*> present;
    for (const YAML::Node& d : docs) {
      if (!d.IsNull()) {
        present.push_back(&d);
      }
    }
    if (present.empty()) {
      r.error(SourceLocation{file, 0, 0}, "scheduler configuration file is empty",
              "it starts with apiVersion: kubescheduler.config.k8s.io/v1 and kind: KubeSchedulerConfiguration");
      return;
    }
    if (present.size() > 1) {
      r.error(r.loc(*present[1]), "a scheduler configuration file holds one YAML document; found another one here");
    }
    out = internal::read_scheduler_configuration(r, internal::root_value(r, *present[0]), true);
  });
  if (diags.has_errors() || !out) {
    return base::unexpected(internal::in_file_order(diags));
  }
  return std::move(*out);
}

Expected<SchedulerConfiguration, Diagnostics> load_scheduler_configuration(const std::string& path) {
  std::string text;
  std::string error;
  if (!internal::read_text_file(path, text, error)) {
    Diagnostics diags;
    diags.error(SourceLocation{path, 0, 0},
                fmt::format("cannot read scheduler configuration file '{}': {}", path, error));
    return base::unexpected(std::move(diags));
  }
  auto parsed = parse_scheduler_configuration(text, path);
  if (parsed) {
    parsed.value().source_hash = base::fnv1a64(text);
  }
  return parsed;
}

Expected<ScheduleSnapshot, Diagnostics> parse_schedule_snapshot(std::string_view yaml_text, const std::string& file) {
  Diagnostics diags;
  internal::Reader r(file, diags);
  ScheduleSnapshot out;
  internal::for_each_document(yaml_text, r, diags, [&](const std::vector<YAML::Node>& docs) {
    for (const YAML::Node& d : docs) {
      if (d.IsNull()) {
        continue;
      }
      internal::Value root = internal::root_value(r, d);
      if (d.IsMap() && internal::peek_scalar(d, "kind") == internal::kKind) {
        if (out.configuration) {
          r.error(root.loc, "a snapshot holds at most one KubeSchedulerConfiguration; found another one here");
          continue;
        }
        if (auto config = internal::read_scheduler_configuration(r, root, true)) {
          out.configuration = std::move(*config);
        }
        continue;
      }
      internal::read_manifests(r, root, out.objects);
    }
  });
  if (diags.has_errors()) {
    return base::unexpected(internal::in_file_order(diags));
  }
  for (ManifestObject& o : out.objects) {
    apiserver::apply_defaults(o.object);
  }
  return out;
}

Expected<ScheduleSnapshot, Diagnostics> load_schedule_snapshot(const std::string& path) {
  std::string text;
  std::string error;
  if (!internal::read_text_file(path, text, error)) {
    Diagnostics diags;
    diags.error(SourceLocation{path, 0, 0}, fmt::format("cannot read snapshot file '{}': {}", path, error));
    return base::unexpected(std::move(diags));
  }
  return parse_schedule_snapshot(text, path);
}

}  // namespace kubesim::scenario
