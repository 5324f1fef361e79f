#pragma once

// The one place that lists the Kubernetes fields kubesim accepts in a manifest but does not model.
// A manifest copied from real life must load, so every field of the upstream schema (k8s.io/api, v1.28 –
// v1.32) that the simulation has no use for is listed here and dropped without a word; anything not in
// the schema is an "unknown field" error. The modelled fields are the ones manifest_reader.cpp reads.
// docs/manifests.md mirrors these tables: keep them in step.

#include <array>
#include <string_view>

namespace kubesim::scenario::internal::ignored {

/// The top level of every manifest (status is read only for Node).
inline constexpr auto kTopLevel = std::to_array<std::string_view>({"status"});

/// metadata: server-set or bookkeeping fields.
inline constexpr auto kObjectMeta = std::to_array<std::string_view>(
    {"uid", "resourceVersion", "creationTimestamp", "generation", "selfLink", "managedFields", "deletionTimestamp",
     "deletionGracePeriodSeconds", "clusterName"});

/// core/v1 PodSpec.
inline constexpr auto kPodSpec = std::to_array<std::string_view>({"volumes",
                                                                  "serviceAccountName",
                                                                  "serviceAccount",
                                                                  "automountServiceAccountToken",
                                                                  "securityContext",
                                                                  "imagePullSecrets",
                                                                  "hostname",
                                                                  "subdomain",
                                                                  "dnsPolicy",
                                                                  "dnsConfig",
                                                                  "hostPID",
                                                                  "hostIPC",
                                                                  "hostUsers",
                                                                  "shareProcessNamespace",
                                                                  "enableServiceLinks",
                                                                  "readinessGates",
                                                                  "runtimeClassName",
                                                                  "os",
                                                                  "hostAliases",
                                                                  "setHostnameAsFQDN",
                                                                  "ephemeralContainers",
                                                                  "resourceClaims",
                                                                  "resources"});

/// core/v1 Container (also init containers).
inline constexpr auto kContainer = std::to_array<std::string_view>(
    {"command", "args", "env", "envFrom", "volumeMounts", "volumeDevices", "workingDir", "securityContext", "lifecycle",
     "terminationMessagePath", "terminationMessagePolicy", "stdin", "stdinOnce", "tty", "resizePolicy",
     "restartPolicyRules"});

/// core/v1 ResourceRequirements.
inline constexpr auto kResourceRequirements = std::to_array<std::string_view>({"claims"});

/// core/v1 Probe: the action is not modelled, only the timings.
inline constexpr auto kProbe =
    std::to_array<std::string_view>({"httpGet", "exec", "tcpSocket", "grpc", "terminationGracePeriodSeconds"});

/// core/v1 Taint: timeAdded is a wall-clock timestamp; the node lifecycle controller sets its own.
inline constexpr auto kTaint = std::to_array<std::string_view>({"timeAdded"});

/// core/v1 NodeSpec.
inline constexpr auto kNodeSpec = std::to_array<std::string_view>({"podCIDRs", "configSource", "externalID"});

/// core/v1 NodeStatus.
inline constexpr auto kNodeStatus =
    std::to_array<std::string_view>({"addresses", "daemonEndpoints", "volumesAttached", "volumesInUse", "phase",
                                     "config", "runtimeHandlers", "features"});

/// core/v1 NodeSystemInfo: machine identities and the deprecated kube-proxy version.
inline constexpr auto kNodeSystemInfo =
    std::to_array<std::string_view>({"machineID", "systemUUID", "bootID", "kubeProxyVersion"});

/// core/v1 NodeCondition: wall-clock timestamps; conditions start at simulated time 0.
inline constexpr auto kNodeCondition = std::to_array<std::string_view>({"lastHeartbeatTime", "lastTransitionTime"});

/// core/v1 ServiceSpec.
inline constexpr auto kServiceSpec = std::to_array<std::string_view>(
    {"sessionAffinity", "sessionAffinityConfig", "externalTrafficPolicy", "internalTrafficPolicy", "ipFamilies",
     "ipFamilyPolicy", "clusterIPs", "externalIPs", "externalName", "loadBalancerIP", "loadBalancerClass",
     "loadBalancerSourceRanges", "healthCheckNodePort", "allocateLoadBalancerNodePorts", "trafficDistribution"});

/// core/v1 ServicePort.
inline constexpr auto kServicePort = std::to_array<std::string_view>({"appProtocol"});

/// A `kind: List` envelope.
inline constexpr auto kList = std::to_array<std::string_view>({"metadata"});

}  // namespace kubesim::scenario::internal::ignored
