#pragma once

/// Tunables of the kubelet and container runtime model shared by every node.

#include "kubesim/base/distribution.hpp"

namespace kubesim::node {

using base::DurationDistribution;

struct KubeletConfig {
  /// Pod sandbox creation (pause container + CNI) before any image pull.
  DurationDistribution sandbox_latency = DurationDistribution::constant(base::Duration::from_millis(200));
  /// Pulling one image that is not yet cached on the node. Pulls are serialized per node
  /// (serializeImagePulls: true, the upstream default).
  DurationDistribution image_pull_latency = DurationDistribution::constant(base::Duration::from_seconds(2));
  /// Creating and starting one container once its image is present.
  DurationDistribution container_start_latency = DurationDistribution::constant(base::Duration::from_millis(300));
};

}  // namespace kubesim::node
