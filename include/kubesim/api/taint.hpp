#pragma once

/// core/v1 Taint and Toleration, with upstream's toleration matching
/// (k8s.io/api/core/v1/toleration.go ToleratesTaint).

#include "kubesim/api/object_meta.hpp"

#include <optional>
#include <string>
#include <vector>

namespace kubesim::api {

/// Taint effects. `None` is the empty effect, valid only on tolerations, where it matches every effect.
enum class TaintEffect : std::uint8_t { None, NoSchedule, PreferNoSchedule, NoExecute };

std::string_view taint_effect_name(TaintEffect e);

struct Taint {
  std::string key;
  std::string value;
  TaintEffect effect = TaintEffect::NoSchedule;
  /// When a NoExecute taint was added (set by the node lifecycle controller).
  std::optional<SimTime> time_added;
  bool operator==(const Taint&) const = default;
};

enum class TolerationOperator : std::uint8_t { Equal, Exists };

struct Toleration {
  std::string key;
  TolerationOperator op = TolerationOperator::Equal;
  std::string value;
  TaintEffect effect = TaintEffect::None;
  /// For NoExecute: how long the pod stays bound after the taint appears; nullopt = forever.
  std::optional<std::int64_t> toleration_seconds;
  bool operator==(const Toleration&) const = default;

  /// Upstream ToleratesTaint: effects must match unless this toleration's effect is empty; an empty key
  /// with Exists matches every key; Exists ignores the value; Equal needs key and value equal.
  [[nodiscard]] bool tolerates(const Taint& taint) const;
};

/// True if some toleration in `tolerations` tolerates `taint`.
bool tolerates_taint(const std::vector<Toleration>& tolerations, const Taint& taint);

}  // namespace kubesim::api
