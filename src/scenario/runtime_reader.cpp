#include "runtime_reader_internal.hpp"

#include "kubesim/base/quantity.hpp"
#include "kubesim/node/image_cache.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>

namespace kubesim::scenario::internal {
namespace {

using node::ContainerRuntimeKind;

constexpr std::array<EnumName<ContainerRuntimeKind>, node::kContainerRuntimeCount> kRuntimeNames{{
    {"containerd", ContainerRuntimeKind::Containerd},
    {"cri-o", ContainerRuntimeKind::CriO},
    {"docker", ContainerRuntimeKind::Docker},
}};

// A byte quantity ("50Mi", "20Gi"): > 0 when `positive`, else >= 0. Upstream's Value(), rounded up.
std::optional<std::int64_t> read_bytes(Reader& r, const Value& v, bool positive) {
  if (!expect_scalar(r, v)) {
    return std::nullopt;
  }
  const std::string& text = v.node.Scalar();
  auto q = base::Quantity::parse(text);
  if (!q) {
    r.error(v.loc, fmt::format("invalid quantity '{}' for '{}': {}", text, v.path, q.error()),
            "write bytes with a suffix, like 50Mi or 1Gi");
    return std::nullopt;
  }
  std::int64_t bytes = q->value();
  if (bytes < 0 || (positive && bytes == 0)) {
    r.error(v.loc, fmt::format("'{}' must be {}, got '{}'", v.path, positive ? "> 0" : ">= 0", text),
            "write bytes with a suffix, like 50Mi or 1Gi");
    return std::nullopt;
  }
  return bytes;
}

void read_bytes_field(MapReader& m, std::string_view key, std::int64_t& out) {
  if (std::optional<Value> v = m.get(key)) {
    if (auto b = read_bytes(m.reader(), *v, true)) {
      out = *b;
    }
  }
}

// A percentage in [0, 100], the range upstream's KubeletConfiguration validation allows.
std::optional<Value> read_percent_field(MapReader& m, std::string_view key, std::int32_t& out) {
  std::optional<Value> v = m.get(key);
  if (!v) {
    return std::nullopt;
  }
  std::optional<std::int64_t> p =
      read_int(m.reader(), *v, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
  if (!p) {
    return std::nullopt;
  }
  if (*p < 0 || *p > 100) {
    m.reader().error(v->loc, fmt::format("'{}' must be between 0 and 100, got {}", v->path, *p),
                     "a percentage of the image filesystem's capacity (upstream defaults: high 85, low 80)");
    return std::nullopt;
  }
  out = static_cast<std::int32_t>(*p);
  return v;
}

}  // namespace

void read_kubelet_runtime_fields(MapReader& km, node::KubeletConfig& out) {
  Reader& r = km.reader();
  read_enum_field<ContainerRuntimeKind>(km, "containerRuntime", kRuntimeNames, out.container_runtime);
  read_bytes_field(km, "imagePullBandwidth", out.image_pull_bandwidth);
  if (std::optional<Value> qps = km.get("registryPullQPS")) {
    if (std::optional<double> x = read_number(r, *qps)) {
      if (*x < 0 || *x > 1e6) {
        r.error(qps->loc, fmt::format("'{}' must be between 0 and 1000000, got {}", qps->path, *x),
                "pulls started per second on each node; 0 means no limit (upstream default 5)");
      } else {
        out.registry_pull_qps = *x;
      }
    }
  }
  km.read("registryBurst", out.registry_burst, 0);
  read_bytes_field(km, "imageFsCapacity", out.image_fs_capacity);
  std::optional<Value> high =
      read_percent_field(km, "imageGCHighThresholdPercent", out.image_gc_high_threshold_percent);
  std::optional<Value> low = read_percent_field(km, "imageGCLowThresholdPercent", out.image_gc_low_threshold_percent);
  if ((high || low) && out.image_gc_low_threshold_percent >= out.image_gc_high_threshold_percent) {
    const Value& at = low ? *low : *high;
    r.error(at.loc,
            fmt::format("imageGCLowThresholdPercent ({}) must be less than imageGCHighThresholdPercent ({})",
                        out.image_gc_low_threshold_percent, out.image_gc_high_threshold_percent),
            "image GC starts above the high threshold and frees space down to the low one");
  }
  km.read("nodeStatusMaxImages", out.node_status_max_images, -1);
  if (std::optional<Value> age = km.get("imageMinimumGCAge")) {
    if (auto d = read_nonnegative_duration(r, *age, false)) {
      out.image_minimum_gc_age = *d;
    }
  }
}

void read_image_sizes(Reader& r, const Value& v, node::KubeletConfig& out) {
  if (!expect_mapping(r, v)) {
    return;
  }
  std::vector<std::pair<std::string, SourceLocation>> seen;
  for (auto it = v.node.begin(); it != v.node.end(); ++it) {
    SourceLocation key_loc = r.loc(it->first);
    std::string image = it->first.IsScalar() ? it->first.Scalar() : std::string();
    bool blank = image.empty() || std::any_of(image.begin(), image.end(), [](char ch) {
                   return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
                 });
    if (blank) {
      r.error(key_loc, fmt::format("'{}' has an invalid image name '{}'", v.path, image),
              "use an image reference as in a container's image, like nginx:1.25");
      continue;
    }
    std::string name = node::normalize_image_name(image);
    Value value{it->second, fmt::format("{}[{}]", v.path, image), it->second.IsNull() ? key_loc : r.loc(it->second),
                key_loc};
    r.record(value.path, key_loc);
    auto dup = std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == name; });
    if (dup != seen.end()) {
      r.error(key_loc, fmt::format("image '{}' is listed twice in '{}' (as '{}')", image, v.path, name),
              fmt::format("first listed at line {}; an untagged name means :latest", dup->second.line));
      continue;
    }
    seen.emplace_back(name, key_loc);
    if (it->second.IsNull()) {
      r.error(key_loc, fmt::format("'{}' needs a size", value.path), "write the size in bytes, like 70Mi");
      continue;
    }
    if (auto bytes = read_bytes(r, value, false)) {
      out.image_sizes[name] = *bytes;
    }
  }
}

void read_pool_container_runtime(MapReader& m, std::optional<node::ContainerRuntimeKind>& out) {
  read_enum_field<ContainerRuntimeKind>(m, "containerRuntime", kRuntimeNames, out);
}

}  // namespace kubesim::scenario::internal
