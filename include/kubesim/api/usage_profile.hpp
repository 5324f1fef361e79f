#pragma once

/// UsageProfile: how much CPU or memory a container uses over the time since it (re)started, as a
/// scenario declares it in the annotations kubesim.io/cpu.<container> and kubesim.io/memory.<container>
/// (or kubesim.io/cpu and kubesim.io/memory for every container without its own).
///
/// Grammar (segments separated by commas, whitespace free around words):
///
///   profile := segment ("," segment)*
///   segment := QUANTITY "for" DURATION       hold a level for a while
///            | "ramp to" QUANTITY "over" DURATION   change linearly from the current level
///            | QUANTITY                       hold a level from here on (last segment only)
///
/// e.g. "512Mi", "100Mi for 30s, ramp to 2Gi over 60s", "250m for 1m, 2 for 30s, 250m". A profile that
/// starts with a ramp ramps from 0. After its last segment the last level holds forever. Values are
/// integers in the model's units: milli-CPU for CPU, bytes for memory.
///
/// The profile is piecewise linear, so the kubelet model computes the exact moment a container crosses
/// its memory limit (first_above) instead of sampling it.

#include "kubesim/api/pod.hpp"
#include "kubesim/base/expected.hpp"
#include "kubesim/base/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::api {

inline constexpr std::string_view kCpuUsageAnnotation = "kubesim.io/cpu";
inline constexpr std::string_view kMemoryUsageAnnotation = "kubesim.io/memory";
/// The exit code of a pod's containers when its run time (kubesim.io/duration) ends ("0" by default).
inline constexpr std::string_view kExitCodeAnnotation = "kubesim.io/exit-code";

enum class UsageResource : std::uint8_t { Cpu, Memory };

class UsageProfile {
 public:
  /// One breakpoint: the level reached `at` after the container started. Between two breakpoints the
  /// level changes linearly; two breakpoints at the same time make a step.
  struct Point {
    base::Duration at;
    std::int64_t value = 0;
    bool operator==(const Point&) const = default;
  };

  /// A constant profile.
  static UsageProfile constant(std::int64_t value);
  /// Parses the grammar above. On failure returns a reason that completes "Invalid value: ...: ".
  static base::Expected<UsageProfile, std::string> parse(std::string_view text, UsageResource resource);

  /// The level `since_start` after the container started (floor of the linear interpolation).
  [[nodiscard]] std::int64_t at(base::Duration since_start) const;
  /// The first time after the start at which the level is above `limit`, if it ever is.
  [[nodiscard]] std::optional<base::Duration> first_above(std::int64_t limit) const;
  /// The highest level the profile reaches.
  [[nodiscard]] std::int64_t peak() const;
  [[nodiscard]] const std::vector<Point>& points() const { return points_; }
  bool operator==(const UsageProfile&) const = default;

 private:
  std::vector<Point> points_;  // never empty; points_[0].at == 0; non-decreasing times
};

/// The annotation that declares `container`'s usage of `resource`: kubesim.io/<resource>.<container>,
/// else the pod-wide kubesim.io/<resource>; nullptr when there is none.
const std::string* usage_annotation(const ObjectMeta& meta, UsageResource resource, std::string_view container);

}  // namespace kubesim::api
