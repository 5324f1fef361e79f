#pragma once

/// Container runtime profiles: the latency model of the CRI runtime behind each kubelet.
///
/// A profile is named after a real runtime and holds three latency distributions:
///   - sandbox_latency: RunPodSandbox (pause container, network namespace, CNI ADD);
///   - image_pull_overhead: the fixed part of one PullImage (registry round trips: token, manifest
///     and config; unpacking setup). With spec.cluster.kubelet.imagePullBandwidth the transfer time
///     size / bandwidth comes on top; without it the overhead is the whole pull;
///   - container_start_latency: CreateContainer + StartContainer of one container.
///
/// The built-in profiles (docs/kubelet.md "Container runtimes and images" gives the rationale):
///
///   | name       | nodeInfo.containerRuntimeVersion | sandbox | pull overhead | container start |
///   |------------|----------------------------------|---------|---------------|-----------------|
///   | containerd | containerd://1.7.22              | 200ms   | 2s            | 300ms           |
///   | cri-o      | cri-o://1.30.4                   | 250ms   | 2s            | 350ms           |
///   | docker     | docker://26.1.4                  | 350ms   | 2.5s          | 450ms           |
///
/// containerd is the default and keeps the latencies kubesim always had. cri-o starts a conmon
/// monitor process per container (containerd one shim per pod), so its sandbox and container start
/// are a little slower; docker means cri-dockerd, which adds hops (kubelet → cri-dockerd → dockerd →
/// containerd → shim) to every sandbox and container operation and pulls through dockerd's own
/// distribution code. The explicit sandboxLatency / imagePullLatency / containerStartLatency of
/// spec.cluster.kubelet override the profile's (resolve_runtime).

#include "kubesim/base/distribution.hpp"
#include "kubesim/base/time.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace kubesim::node {

struct KubeletConfig;

/// The kubelet version every node reports in status.nodeInfo.kubeletVersion (the behaviour kubesim
/// models is v1.28 – v1.32; cri-o's minor version follows the kubelet's).
inline constexpr std::string_view kKubeletVersion = "v1.30.4";

/// The runtimes kubesim models; the value is an index into runtime_profiles().
enum class ContainerRuntimeKind : std::uint8_t { Containerd, CriO, Docker };
inline constexpr std::size_t kContainerRuntimeCount = 3;

/// One runtime's latency model (a built-in profile, or one resolved against a KubeletConfig).
struct ContainerRuntime {
  ContainerRuntimeKind kind = ContainerRuntimeKind::Containerd;
  /// The scenario spelling: "containerd", "cri-o", "docker".
  std::string_view name;
  /// What the node reports in status.nodeInfo.containerRuntimeVersion ("containerd://1.7.22").
  std::string_view version;
  base::DurationDistribution sandbox_latency;
  base::DurationDistribution image_pull_overhead;
  base::DurationDistribution container_start_latency;
};

/// The built-in profiles, indexed by ContainerRuntimeKind.
const std::array<ContainerRuntime, kContainerRuntimeCount>& runtime_profiles();
/// The built-in profile of `kind`.
const ContainerRuntime& runtime_profile(ContainerRuntimeKind kind);
/// The kind whose name() is `name` ("containerd", "cri-o", "docker"), if any.
std::optional<ContainerRuntimeKind> find_container_runtime(std::string_view name);

/// The profile of `kind` with the latencies `config` sets explicitly (sandbox_latency,
/// image_pull_latency, container_start_latency) in place of the profile's.
ContainerRuntime resolve_runtime(ContainerRuntimeKind kind, const KubeletConfig& config);

/// Time to download `size_bytes` at `bytes_per_second` (rounded up to whole nanoseconds); zero when
/// the bandwidth is not modelled (<= 0). Exact integer arithmetic.
base::Duration transfer_time(std::int64_t size_bytes, std::int64_t bytes_per_second);

}  // namespace kubesim::node
