#pragma once

/// policy/v1 PodDisruptionBudget: limits voluntary disruptions (evictions, preemption) of the pods its
/// selector matches.

#include "kubesim/api/int_or_string.hpp"
#include "kubesim/api/pod.hpp"
#include "kubesim/api/selector.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace kubesim::api {

struct PodDisruptionBudgetSpec {
  /// At most one of min_available and max_unavailable is set (validated by the API server).
  std::optional<IntOrString> min_available;
  std::optional<IntOrString> max_unavailable;
  /// policy/v1: a missing or empty selector selects no pods... except empty `{}` which selects all.
  std::optional<LabelSelector> selector;
  std::string unhealthy_pod_eviction_policy;  // IfHealthyBudget (default) or AlwaysAllow
  bool operator==(const PodDisruptionBudgetSpec&) const = default;
};

/// status.disruptedPods: pod name → when the API server admitted its eviction (upstream a
/// map[string]metav1.Time). The disruption controller drops an entry once the pod is terminating or gone,
/// or 2 minutes after that time if the pod was never deleted. Sorted by name; iterating yields the names,
/// so readers that only need names (preemption) can use std::find on it.
class DisruptedPods {
 public:
  DisruptedPods() = default;
  /// Names without times (time zero), for readers and tests that only care about membership.
  DisruptedPods(std::vector<std::string> names) : names_(std::move(names)) {  // NOLINT(google-explicit-constructor)
    std::sort(names_.begin(), names_.end());
    names_.erase(std::unique(names_.begin(), names_.end()), names_.end());
    times_.assign(names_.size(), SimTime{});
  }

  /// Adds or replaces `name`.
  void set(const std::string& name, SimTime at) {
    auto it = std::lower_bound(names_.begin(), names_.end(), name);
    auto i = static_cast<std::size_t>(it - names_.begin());
    if (it != names_.end() && *it == name) {
      times_[i] = at;
      return;
    }
    names_.insert(it, name);
    times_.insert(times_.begin() + static_cast<std::ptrdiff_t>(i), at);
  }
  /// The disruption time of `name`, or nullptr.
  [[nodiscard]] const SimTime* find(std::string_view name) const {
    auto it = std::lower_bound(names_.begin(), names_.end(), name);
    if (it == names_.end() || *it != name) {
      return nullptr;
    }
    return &times_[static_cast<std::size_t>(it - names_.begin())];
  }
  [[nodiscard]] bool contains(std::string_view name) const { return find(name) != nullptr; }
  [[nodiscard]] std::size_t size() const { return names_.size(); }
  [[nodiscard]] bool empty() const { return names_.empty(); }
  [[nodiscard]] auto begin() const { return names_.begin(); }
  [[nodiscard]] auto end() const { return names_.end(); }
  [[nodiscard]] const std::vector<std::string>& names() const { return names_; }
  [[nodiscard]] SimTime time_at(std::size_t i) const { return times_[i]; }
  bool operator==(const DisruptedPods&) const = default;

 private:
  std::vector<std::string> names_;
  std::vector<SimTime> times_;  // parallel to names_
};

/// metav1.Condition (PDBs carry the DisruptionAllowed condition).
struct MetaCondition {
  std::string type;
  ConditionStatus status = ConditionStatus::Unknown;
  std::int64_t observed_generation = 0;
  SimTime last_transition_time;
  std::string reason;
  std::string message;
  bool operator==(const MetaCondition&) const = default;
};

/// The PDB condition type, and its reasons (policy/v1).
inline constexpr std::string_view kDisruptionAllowedCondition = "DisruptionAllowed";
inline constexpr std::string_view kSufficientPodsReason = "SufficientPods";
inline constexpr std::string_view kInsufficientPodsReason = "InsufficientPods";
inline constexpr std::string_view kSyncFailedReason = "SyncFailed";

struct PodDisruptionBudgetStatus {
  std::int32_t current_healthy = 0;
  std::int32_t desired_healthy = 0;
  std::int32_t disruptions_allowed = 0;
  std::int32_t expected_pods = 0;
  std::int64_t observed_generation = 0;
  /// Pods being evicted or preempted that the PDB controller has not yet seen deleted.
  DisruptedPods disrupted_pods;
  std::vector<MetaCondition> conditions;
  bool operator==(const PodDisruptionBudgetStatus&) const = default;

  /// The condition of `type`, or nullptr.
  [[nodiscard]] const MetaCondition* condition(std::string_view type) const {
    for (const MetaCondition& c : conditions) {
      if (c.type == type) {
        return &c;
      }
    }
    return nullptr;
  }
};

struct PodDisruptionBudget {
  ObjectMeta metadata;
  PodDisruptionBudgetSpec spec;
  PodDisruptionBudgetStatus status;
};

}  // namespace kubesim::api
