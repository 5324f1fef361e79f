#pragma once

/// Tunables of the kube-proxy model shared by every node (spec.cluster.kubeProxy).

#include "kubesim/base/distribution.hpp"

namespace kubesim::node {

struct KubeProxyConfig {
  /// How long after an EndpointSlice change reaches a node's kube-proxy its rules route by it. One
  /// draw per node (stream "kube-proxy", in node order), so proxies may differ but each is steady.
  /// Default 1 s: upstream's iptables `minSyncPeriod` default (pkg/proxy/apis/config/v1alpha1/defaults.go).
  base::DurationDistribution sync_lag = base::DurationDistribution::constant(base::Duration::from_seconds(1));
};

}  // namespace kubesim::node
