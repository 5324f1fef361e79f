#pragma once

/// Tunables of the scheduler that do not belong to a plugin (KubeSchedulerConfiguration top level and
/// the scheduling queue). Defaults are upstream's (K8S-SEMANTICS §1.1, §4).

#include "kubesim/base/time.hpp"

#include <cstdint>

namespace kubesim::scheduler {

struct SchedulerConfig {
  /// podInitialBackoffSeconds / podMaxBackoffSeconds.
  base::Duration pod_initial_backoff = base::Duration::from_seconds(1);
  base::Duration pod_max_backoff = base::Duration::from_seconds(10);
  /// podMaxInUnschedulablePodsDuration: leftover unschedulable pods are retried after this long.
  base::Duration pod_max_in_unschedulable_pods = base::Duration::from_seconds(300);
  /// percentageOfNodesToScore; 0 = adaptive (50 - nodes/125, at least 5%).
  std::int32_t percentage_of_nodes_to_score = 0;
  /// Simulated compute time of one scheduling cycle. Upstream's cost depends on the machine; kubesim
  /// charges nothing unless asked, so that results do not depend on a made-up constant.
  base::Duration cycle_cost = base::Duration::zero();
};

}  // namespace kubesim::scheduler
