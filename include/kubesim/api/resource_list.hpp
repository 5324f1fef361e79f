#pragma once

/// core/v1 ResourceList: resource name → amount, held as integers. `cpu` is stored in milli-CPU
/// (Quantity.MilliValue(), rounded up as upstream does); every other resource (memory,
/// ephemeral-storage, pods, hugepages-*, extended resources such as nvidia.com/gpu) in its base unit
/// (Quantity.Value(), rounded up). Presence is kept: a missing request and an explicit "0" differ in
/// Kubernetes (the scheduler's non-zero defaults apply only to missing ones).

#include "kubesim/base/units.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kubesim::api {

inline constexpr std::string_view kResourceCpu = "cpu";
inline constexpr std::string_view kResourceMemory = "memory";
inline constexpr std::string_view kResourceEphemeralStorage = "ephemeral-storage";
inline constexpr std::string_view kResourcePods = "pods";

class ResourceList {
 public:
  using Entry = std::pair<std::string, std::int64_t>;

  /// The amount of `name` if present (milli-CPU for "cpu", base units otherwise).
  [[nodiscard]] std::optional<std::int64_t> get(std::string_view name) const;
  /// The amount of `name`, or 0 when absent.
  [[nodiscard]] std::int64_t value_or_zero(std::string_view name) const { return get(name).value_or(0); }
  [[nodiscard]] bool contains(std::string_view name) const { return get(name).has_value(); }
  void set(std::string name, std::int64_t amount);

  [[nodiscard]] base::MilliCpu cpu() const { return base::MilliCpu(value_or_zero(kResourceCpu)); }
  [[nodiscard]] base::Bytes memory() const { return base::Bytes(value_or_zero(kResourceMemory)); }

  [[nodiscard]] bool empty() const { return entries_.empty(); }
  /// Entries sorted by resource name.
  [[nodiscard]] auto begin() const { return entries_.begin(); }
  [[nodiscard]] auto end() const { return entries_.end(); }
  bool operator==(const ResourceList&) const = default;

  /// True for resources in the kubernetes.io or default namespace that kube-scheduler treats as
  /// native (cpu, memory, ephemeral-storage, pods, hugepages-*); anything else is "extended".
  static bool is_native(std::string_view name);

 private:
  std::vector<Entry> entries_;  // sorted by name
};

}  // namespace kubesim::api
