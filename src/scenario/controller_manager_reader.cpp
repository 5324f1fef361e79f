#include "controller_manager_reader_internal.hpp"

#include "kubesim/base/diagnostic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace kubesim::scenario::internal {
namespace {

constexpr std::int64_t kMaxInt32 = std::numeric_limits<std::int32_t>::max();

void read_workers(MapReader& m, std::string_view key, std::int32_t& out) {
  if (std::optional<Value> v = m.get(key)) {
    if (auto n = read_int(m.reader(), *v, 1, kMaxInt32)) {
      out = static_cast<std::int32_t>(*n);
    }
  }
}

void read_duration_field(MapReader& m, std::string_view key, base::Duration& out, bool positive) {
  if (std::optional<Value> v = m.get(key)) {
    if (auto d = read_nonnegative_duration(m.reader(), *v, positive)) {
      out = *d;
    }
  }
}

// A number in [min, max].
void read_number_field(MapReader& m, std::string_view key, double min, double max, double& out) {
  std::optional<Value> v = m.get(key);
  if (!v) {
    return;
  }
  std::optional<double> x = read_number(m.reader(), *v);
  if (!x) {
    return;
  }
  if (*x < min || *x > max) {
    m.reader().error(v->loc, fmt::format("'{}' must be between {} and {}, got {}", v->path, min, max, *x));
    return;
  }
  out = *x;
}

void read_controllers(Reader& r, const Value& v, std::vector<std::string>& out) {
  std::optional<std::vector<std::string>> names = read_string_list(r, v);
  if (!names) {
    return;
  }
  // Upstream accepts "*", "name" and "-name" for known controllers and rejects anything else.
  std::vector<std::string_view> known(controllers::known_controllers().begin(), controllers::known_controllers().end());
  std::vector<Value> items = sequence_items(r, v);
  for (std::size_t i = 0; i < names->size(); ++i) {
    std::string_view name = (*names)[i];
    if (name == "*") {
      continue;
    }
    std::string_view bare = name.starts_with('-') ? name.substr(1) : name;
    if (std::find(known.begin(), known.end(), bare) == known.end()) {
      std::string match = base::closest_match(bare, known);
      const Value& at = i < items.size() ? items[i] : v;
      r.error(at.loc, fmt::format("unknown controller '{}' in '{}'", bare, v.path),
              match.empty() ? fmt::format("known controllers: *, {}", fmt::join(known, ", "))
                            : fmt::format("did you mean '{}'?", match));
    }
  }
  out = std::move(*names);
}

}  // namespace

void read_controller_manager(Reader& r, const Value& v, controllers::ControllerManagerConfig& out) {
  MapReader m(r, v, v.path);
  if (std::optional<Value> c = m.get("controllers")) {
    read_controllers(r, *c, out.controllers);
  }
  read_number_field(m, "kubeAPIQPS", 0.001, 1e6, out.kube_api_qps);
  if (std::optional<Value> burst = m.get("kubeAPIBurst")) {
    if (auto b = read_int(r, *burst, 1, kMaxInt32)) {
      out.kube_api_burst = static_cast<std::int32_t>(*b);
    }
  }
  read_duration_field(m, "syncCost", out.sync_cost, false);
  read_workers(m, "concurrentReplicaSetSyncs", out.concurrent_replicaset_syncs);
  read_workers(m, "concurrentDeploymentSyncs", out.concurrent_deployment_syncs);
  read_workers(m, "concurrentEndpointSyncs", out.concurrent_endpoint_syncs);
  read_workers(m, "concurrentServiceEndpointSyncs", out.concurrent_service_endpoint_syncs);
  read_workers(m, "concurrentJobSyncs", out.concurrent_job_syncs);
  read_workers(m, "concurrentGCSyncs", out.concurrent_gc_syncs);
  read_duration_field(m, "nodeMonitorPeriod", out.node_monitor_period, true);
  read_duration_field(m, "nodeMonitorGracePeriod", out.node_monitor_grace_period, true);
  read_duration_field(m, "nodeStartupGracePeriod", out.node_startup_grace_period, true);
  read_number_field(m, "nodeEvictionRate", 0, 1e6, out.node_eviction_rate);
  read_number_field(m, "secondaryNodeEvictionRate", 0, 1e6, out.secondary_node_eviction_rate);
  if (std::optional<Value> t = m.get("largeClusterSizeThreshold")) {
    if (auto n = read_int(r, *t, 0, kMaxInt32)) {
      out.large_cluster_size_threshold = static_cast<std::int32_t>(*n);
    }
  }
  read_number_field(m, "unhealthyZoneThreshold", 0, 1, out.unhealthy_zone_threshold);
  if (std::optional<Value> mx = m.get("maxEndpointsPerSlice")) {
    // Upstream validation: 1..1000.
    if (auto n = read_int(r, *mx, 1, 1000)) {
      out.max_endpoints_per_slice = static_cast<std::int32_t>(*n);
    }
  }
  m.finish();
}

}  // namespace kubesim::scenario::internal
