#include "controller_manager_reader_internal.hpp"
#include "distribution_reader_internal.hpp"
#include "expect_reader_internal.hpp"
#include "manifest_reader_internal.hpp"
#include "runtime_reader_internal.hpp"
#include "scenario_reader_internal.hpp"
#include "scheduler_config_reader_internal.hpp"
#include "timeline_reader_internal.hpp"

#include "kubesim/base/quantity.hpp"

#include <fmt/format.h>

#include <array>
#include <limits>

namespace kubesim::scenario::internal {
namespace {

using apiserver::Verb;

struct VerbKey {
  std::string_view key;
  Verb verb;
};
constexpr std::array<VerbKey, 6> kLatencyVerbs = {{{"get", Verb::Get},
                                                   {"list", Verb::List},
                                                   {"create", Verb::Create},
                                                   {"update", Verb::Update},
                                                   {"updateStatus", Verb::UpdateStatus},
                                                   {"delete", Verb::Delete}}};

constexpr auto kIgnoredScenarioMetadata = std::to_array<std::string_view>({"labels", "annotations"});

void read_distribution_field(MapReader& m, std::string_view key, base::DurationDistribution& out) {
  if (std::optional<Value> v = m.get(key)) {
    if (auto d = read_distribution(m.reader(), *v)) {
      out = *d;
    }
  }
}

/// A distribution that overrides a default only when given (the kubelet latencies over the runtime profile's).
void read_distribution_field(MapReader& m, std::string_view key, std::optional<base::DurationDistribution>& out) {
  if (std::optional<Value> v = m.get(key)) {
    if (auto d = read_distribution(m.reader(), *v)) {
      out = *d;
    }
  }
}

/// A duration field; `positive` asks for > 0 instead of >= 0.
void read_duration_field(MapReader& m, std::string_view key, Duration& out, bool positive) {
  if (std::optional<Value> v = m.get(key)) {
    if (auto d = read_nonnegative_duration(m.reader(), *v, positive)) {
      out = *d;
    }
  }
}

void read_api_server(Reader& r, const Value& v, apiserver::ApiServerConfig& out) {
  MapReader m(r, v, v.path);
  if (std::optional<Value> latency = m.get("latency")) {
    MapReader lm(r, *latency, latency->path);
    for (const VerbKey& vk : kLatencyVerbs) {
      read_distribution_field(lm, vk.key, out.latency[static_cast<std::size_t>(vk.verb)]);
    }
    lm.finish();
  }
  read_distribution_field(m, "watchDelay", out.watch_delay);
  if (std::optional<Value> window = m.get("historyWindow")) {
    if (auto w = read_int(r, *window, 1, std::numeric_limits<std::uint32_t>::max())) {
      out.history_window = static_cast<std::uint32_t>(*w);
    }
  }
  m.finish();
}

void read_scheduler(Reader& r, const Value& v, ControlPlaneSpec& spec) {
  scheduler::SchedulerConfig& out = spec.scheduler;
  MapReader m(r, v, v.path);
  read_duration_field(m, "podInitialBackoff", out.pod_initial_backoff, true);
  std::optional<Value> max_backoff = m.get("podMaxBackoff");
  if (max_backoff) {
    if (auto d = read_nonnegative_duration(r, *max_backoff, true)) {
      // Upstream validation: podMaxBackoffSeconds >= podInitialBackoffSeconds.
      if (*d < out.pod_initial_backoff) {
        r.error(max_backoff->loc,
                fmt::format("'{}' ({}) must be >= podInitialBackoff ({})", max_backoff->path, base::format_duration(*d),
                            base::format_duration(out.pod_initial_backoff)));
      } else {
        out.pod_max_backoff = *d;
      }
    }
  }
  read_duration_field(m, "podMaxInUnschedulablePodsDuration", out.pod_max_in_unschedulable_pods, true);
  m.read("percentageOfNodesToScore", out.percentage_of_nodes_to_score, 0, 100);
  read_duration_field(m, "cycleCost", out.cycle_cost, false);
  // A KubeSchedulerConfiguration, inline or in a file next to the scenario; its top-level fields
  // override the ones above.
  std::optional<Value> inline_config = m.get("configuration");
  std::optional<Value> config_file = m.get("configurationFile");
  std::optional<SchedulerConfiguration> config;
  if (inline_config && config_file) {
    r.error(config_file->loc, fmt::format("'{}' sets both 'configuration' and 'configurationFile'", v.path),
            "give the KubeSchedulerConfiguration inline or in a file, not both");
  } else if (inline_config) {
    config = read_scheduler_configuration(r, *inline_config, false);
  } else if (config_file) {
    if (std::optional<std::string> path = read_string(r, *config_file)) {
      config = read_scheduler_configuration_file(r, *config_file, *path);
    }
  }
  if (config) {
    config->apply_to(out);
    spec.profiles = std::move(config->profiles);
    spec.scheduler_config_hash = config->source_hash;
  }
  m.finish();
}

void read_control_plane(Reader& r, const Value& v, ControlPlaneSpec& out) {
  MapReader m(r, v, v.path);
  if (std::optional<Value> api = m.get("apiServer")) {
    read_api_server(r, *api, out.api_server);
  }
  if (std::optional<Value> sched = m.get("scheduler")) {
    read_scheduler(r, *sched, out);
  }
  if (std::optional<Value> cm = m.get("controllerManager")) {
    read_controller_manager(r, *cm, out.controller_manager);
  }
  m.finish();
}

void read_node_pool(Reader& r, const Value& v, const std::vector<NodePoolSpec>& earlier, NodePoolSpec& out) {
  MapReader m(r, v, v.path);
  if (!m.valid()) {
    return;
  }
  out.loc = v.loc;
  if (std::optional<Value> name = m.require("name")) {
    if (auto s = read_string(r, *name)) {
      out.name = *s;
      if (!is_dns1123_label(out.name)) {
        r.error(name->loc, fmt::format("node pool name '{}' is not a valid DNS-1123 label", out.name),
                "use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit");
      }
      for (const NodePoolSpec& other : earlier) {
        if (other.name == out.name) {
          r.error(name->loc, fmt::format("duplicate node pool name '{}'", out.name),
                  fmt::format("first defined at line {}", other.loc.line));
          break;
        }
      }
    }
  }
  if (std::optional<Value> count = m.require("count")) {
    if (auto c = read_int(r, *count, 0, std::numeric_limits<std::int32_t>::max())) {
      out.count = static_cast<std::int32_t>(*c);
    }
  }
  if (std::optional<Value> zones = m.get("zones")) {
    for (const Value& item : sequence_items(r, *zones)) {
      std::optional<std::string> zone = read_string(r, item);
      if (!zone) {
        continue;
      }
      // Each zone becomes a topology.kubernetes.io/zone label value.
      if (!is_label_value(*zone) || zone->empty()) {
        r.error(item.loc, fmt::format("zone '{}' is not a valid label value", *zone),
                "use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
        continue;
      }
      out.zones.push_back(std::move(*zone));
    }
  }
  read_pool_container_runtime(m, out.container_runtime);
  if (std::optional<Value> tmpl = m.require("template")) {
    if (auto node = read_node_template(r, *tmpl, out.name)) {
      out.template_ = std::move(*node);
    }
  }
  m.finish();
}

void read_cluster(Reader& r, const Value& v, ClusterSpec& out) {
  MapReader m(r, v, v.path);
  if (std::optional<Value> kubelet = m.get("kubelet")) {
    MapReader km(r, *kubelet, kubelet->path);
    read_distribution_field(km, "sandboxLatency", out.kubelet.sandbox_latency);
    read_distribution_field(km, "imagePullLatency", out.kubelet.image_pull_latency);
    read_distribution_field(km, "containerStartLatency", out.kubelet.container_start_latency);
    km.read("nodeLeaseDurationSeconds", out.kubelet.node_lease_duration_seconds, 1);
    read_duration_field(km, "nodeStatusUpdateFrequency", out.kubelet.node_status_update_frequency, true);
    read_duration_field(km, "nodeStatusReportFrequency", out.kubelet.node_status_report_frequency, true);
    // Node allocatable and the memory eviction threshold (KubeletConfiguration field names).
    for (auto [key, list] : {std::pair{"systemReserved", &out.kubelet.system_reserved},
                             std::pair{"kubeReserved", &out.kubelet.kube_reserved}}) {
      if (std::optional<Value> reserved = km.get(key)) {
        read_resource_list_value(r, *reserved, fmt::format("spec.cluster.kubelet.{}", key), *list);
      }
    }
    if (std::optional<Value> hard = km.get("evictionHard")) {
      MapReader hm(r, *hard, hard->path);
      if (std::optional<Value> mem = hm.get("memory.available"); mem && expect_scalar(r, *mem)) {
        const std::string& text = mem->node.Scalar();
        auto q = base::Quantity::parse(text);
        if (!q || q->sign() < 0) {
          r.error(mem->loc,
                  fmt::format("invalid quantity '{}' for memory.available: {}", text,
                              q ? std::string("must not be negative") : q.error()),
                  "use a suffix like 100Mi or 1Gi");
        } else {
          out.kubelet.eviction_hard_memory_available = q->value();
        }
      }
      hm.finish();
    }
    read_duration_field(km, "evictionPressureTransitionPeriod", out.kubelet.eviction_pressure_transition_period, false);
    read_kubelet_runtime_fields(km, out.kubelet);
    km.finish();
  }
  if (std::optional<Value> images = m.get("images")) {
    read_image_sizes(r, *images, out.kubelet);
  }
  if (std::optional<Value> proxy = m.get("kubeProxy")) {
    MapReader pm(r, *proxy, proxy->path);
    read_distribution_field(pm, "syncLag", out.kube_proxy.sync_lag);
    pm.finish();
  }
  if (std::optional<Value> pools = m.get("nodePools")) {
    for (const Value& item : sequence_items(r, *pools)) {
      NodePoolSpec pool;
      read_node_pool(r, item, out.node_pools, pool);
      out.node_pools.push_back(std::move(pool));
    }
  }
  m.finish();
}

void read_spec(Reader& r, const Value& v, ScenarioSpec& out) {
  MapReader m(r, v, v.path);
  if (std::optional<Value> seed = m.get("seed")) {
    if (auto s = read_uint64(r, *seed)) {
      out.seed = *s;
    }
  }
  read_duration_field(m, "duration", out.duration, true);
  if (std::optional<Value> cp = m.get("controlPlane")) {
    read_control_plane(r, *cp, out.control_plane);
  }
  if (std::optional<Value> cluster = m.get("cluster")) {
    read_cluster(r, *cluster, out.cluster);
  }
  if (std::optional<Value> objects = m.get("objects")) {
    for (const Value& item : sequence_items(r, *objects)) {
      read_manifests(r, item, out.objects);
    }
  }
  if (std::optional<Value> timeline = m.get("timeline")) {
    read_timeline(r, *timeline, out.cluster, out.timeline);
  }
  if (std::optional<Value> expect = m.get("expect")) {
    read_expectations(r, *expect, out.duration, out.expect);
  }
  m.finish();
}

}  // namespace

std::optional<Duration> interval_from_rate(std::string_view text) {
  // rate = mantissa / 10^decimals exactly, so 1s / rate = 1e9 * 10^decimals / mantissa: no floating
  // point, and "3" gives 333333333ns on every platform.
  __extension__ using Wide = unsigned __int128;
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
  }
  Wide mantissa = 0;
  Wide scale = 1;
  std::size_t digits = 0;
  bool seen_point = false;
  for (char ch : text) {
    if (ch == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (ch < '0' || ch > '9' || ++digits > 30) {
      return std::nullopt;
    }
    mantissa = mantissa * 10 + static_cast<unsigned>(ch - '0');
    if (seen_point) {
      scale *= 10;
    }
  }
  if (digits == 0 || mantissa == 0) {
    return std::nullopt;
  }
  Wide numerator = static_cast<Wide>(1'000'000'000) * scale;
  Wide ns = (numerator + mantissa / 2) / mantissa;
  if (ns == 0 || ns > static_cast<Wide>(std::numeric_limits<std::int64_t>::max())) {
    return std::nullopt;
  }
  return Duration::from_nanos(static_cast<std::int64_t>(ns));
}

void read_scenario(Reader& r, const YAML::Node& root, ScenarioSpec& out) {
  Value rv = root_value(r, root);
  if (!root.IsMap()) {
    r.error(rv.loc, fmt::format("a scenario must be a mapping with apiVersion, kind, metadata and spec, got {}",
                                node_type_name(root)));
    return;
  }
  std::string owner = "Scenario";
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == "metadata") {
      std::string name = peek_scalar(it->second, "name");
      owner = name.empty() ? owner : fmt::format("Scenario '{}'", name);
    }
  }
  MapReader m(r, rv, owner);
  if (std::optional<Value> api_version = m.require("apiVersion")) {
    std::optional<std::string> text = read_string(r, *api_version);
    if (text && *text != kScenarioApiVersion) {
      r.error(api_version->loc, fmt::format("unsupported apiVersion '{}' for a Scenario", *text),
              fmt::format("use apiVersion: {}", kScenarioApiVersion));
    }
  }
  if (std::optional<Value> kind = m.require("kind")) {
    std::optional<std::string> text = read_string(r, *kind);
    if (text && *text != "Scenario") {
      r.error(kind->loc, fmt::format("expected kind Scenario, got '{}'", *text),
              "a scenario file has kind: Scenario; put Kubernetes manifests under spec.objects");
    }
  }
  if (std::optional<Value> metadata = m.require("metadata")) {
    MapReader mm(r, *metadata, metadata->path);
    if (std::optional<Value> name = mm.require("name")) {
      if (auto s = read_string(r, *name)) {
        out.name = *s;
      }
    }
    mm.ignore(kIgnoredScenarioMetadata);
    mm.finish();
  }
  if (std::optional<Value> spec = m.get("spec")) {
    read_spec(r, *spec, out);
  }
  m.finish();
}

}  // namespace kubesim::scenario::internal
