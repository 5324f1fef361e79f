#pragma once

/// The Deployment controller's arithmetic and bookkeeping, after upstream's
/// pkg/controller/deployment/util/deployment_util.go and controller.ComputeHash (K8S-SEMANTICS §7):
/// maxSurge/maxUnavailable resolution, how far the new ReplicaSet may grow, proportional scaling, the
/// pod-template-hash, the revision and replica annotations, and the Deployment conditions.
///
/// Everything here is a pure function of its arguments (no client, no informer), so it is unit-tested
/// directly.

#include "kubesim/api/deployment.hpp"
#include "kubesim/api/replica_set.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::controllers {

/// apps.DefaultDeploymentUniqueLabelKey: added to each ReplicaSet's selector, template labels and pods.
inline constexpr std::string_view kPodTemplateHashLabel = "pod-template-hash";
/// The Deployment revision a ReplicaSet holds ("1", "2", ...); the Deployment carries its latest.
inline constexpr std::string_view kRevisionAnnotation = "deployment.kubernetes.io/revision";
/// Earlier revisions of a ReplicaSet that was rolled back to ("1,3").
inline constexpr std::string_view kRevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
/// spec.replicas of the Deployment when it last scaled the ReplicaSet.
inline constexpr std::string_view kDesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
/// spec.replicas + maxSurge of the Deployment when it last scaled the ReplicaSet (proportional scaling).
inline constexpr std::string_view kMaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

// Condition types and reasons (apps/v1 and deployment_util.go), verbatim.
inline constexpr std::string_view kDeploymentAvailable = "Available";
inline constexpr std::string_view kDeploymentProgressing = "Progressing";
inline constexpr std::string_view kDeploymentReplicaFailure = "ReplicaFailure";
inline constexpr std::string_view kMinimumReplicasAvailable = "MinimumReplicasAvailable";
inline constexpr std::string_view kMinimumReplicasUnavailable = "MinimumReplicasUnavailable";
inline constexpr std::string_view kNewReplicaSetReason = "NewReplicaSetCreated";
inline constexpr std::string_view kFoundNewRSReason = "FoundNewReplicaSet";
inline constexpr std::string_view kNewRSAvailableReason = "NewReplicaSetAvailable";
inline constexpr std::string_view kReplicaSetUpdatedReason = "ReplicaSetUpdated";
inline constexpr std::string_view kFailedRSCreateReason = "ReplicaSetCreateError";
inline constexpr std::string_view kTimedOutReason = "ProgressDeadlineExceeded";
inline constexpr std::string_view kPausedDeployReason = "DeploymentPaused";
inline constexpr std::string_view kResumedDeployReason = "DeploymentResumed";

/// maxSurge and maxUnavailable resolved against spec.replicas.
struct Fenceposts {
  std::int32_t max_surge = 0;
  std::int32_t max_unavailable = 0;
  bool operator==(const Fenceposts&) const = default;
};

/// ResolveFenceposts: a percentage of `desired` rounds up for surge and down for unavailable; when both
/// come out 0, unavailable becomes 1 (validation forbids 0/0, but 25% of 1 rounds down to 0).
Fenceposts resolve_fenceposts(const api::IntOrString& max_surge, const api::IntOrString& max_unavailable,
                              std::int32_t desired);
/// MaxSurge: 0 unless the strategy is RollingUpdate.
std::int32_t max_surge(const api::Deployment& d);
/// MaxUnavailable: 0 unless RollingUpdate with replicas > 0; never more than spec.replicas.
std::int32_t max_unavailable(const api::Deployment& d);

/// controller.ComputeHash: FNV-32a of the template and, when set, the collision count (as 8
/// little-endian bytes), printed in decimal and passed through SafeEncodeString. Upstream hashes Go's
/// spew dump of the full v1.PodTemplateSpec; kubesim hashes a canonical dump of the fields it models, so
/// names have upstream's shape ("web-7c9f8d4b6") but not its exact values.
std::string compute_hash(const api::PodTemplateSpec& tmpl, std::optional<std::int32_t> collision_count);
/// FNV-32a (hash/fnv New32a) of a byte string.
std::uint32_t fnv32a(std::string_view bytes, std::uint32_t seed = 2166136261U);
/// rand.SafeEncodeString: each byte mapped into "bcdfghjklmnpqrstvwxz2456789" (no vowels, no 0/1/3).
std::string safe_encode_string(std::string_view s);

/// EqualIgnoreHash: the templates are equal once the pod-template-hash label is dropped from both.
bool equal_ignore_hash(const api::PodTemplateSpec& a, const api::PodTemplateSpec& b);

/// Revision: the revision annotation as an integer; 0 when absent, nullopt when not a number.
std::optional<std::int64_t> revision_of(const api::ObjectMeta& meta);

/// SetReplicasAnnotations: writes desired-replicas and max-replicas; returns whether either changed.
bool set_replicas_annotations(api::ReplicaSet& rs, std::int32_t desired, std::int32_t max_replicas);
/// ReplicasAnnotationsNeedUpdate.
bool replicas_annotations_need_update(const api::ReplicaSet& rs, std::int32_t desired, std::int32_t max_replicas);
/// SetNewReplicaSetAnnotations: copies the Deployment's annotations (except the revision, history,
/// replicas and last-applied ones), raises the revision to `new_revision` (keeping the previous one in
/// revision-history when it existed), and, for a ReplicaSet about to be created (`exists` false), sets
/// the replicas annotations. Returns whether anything changed.
bool set_new_replica_set_annotations(const api::Deployment& d, api::ReplicaSet& rs, std::int64_t new_revision,
                                     bool exists);

/// NewRSNewReplicas: how many replicas the new ReplicaSet should have now. RollingUpdate: grow by what
/// spec.replicas + maxSurge leaves over Σ spec.replicas of `all` (never past spec.replicas). Recreate:
/// spec.replicas.
std::int32_t new_rs_new_replicas(const api::Deployment& d, const std::vector<const api::ReplicaSet*>& all,
                                 const api::ReplicaSet& new_rs);
/// GetProportion: the share of `to_add` (positive or negative) that `rs` takes in a proportional scale,
/// given `added` already handed out; from the max-replicas annotation (the Deployment's size when the
/// ReplicaSet was last scaled), rounded half away from zero.
std::int32_t replica_set_proportion(const api::ReplicaSet& rs, const api::Deployment& d, std::int32_t to_add,
                                    std::int32_t added);
/// IsSaturated: the ReplicaSet has, wants and was annotated with spec.replicas, all available.
bool is_saturated(const api::Deployment& d, const api::ReplicaSet* rs);

/// DeploymentComplete: every desired replica is updated and available, no old pods, generation observed.
bool deployment_complete(const api::Deployment& d, const api::DeploymentStatus& status);
/// DeploymentProgressing: compared with d.status, more updated, ready or available replicas, or fewer old.
bool deployment_progressing(const api::Deployment& d, const api::DeploymentStatus& status);
/// DeploymentTimedOut: the Progressing condition was last updated more than progressDeadlineSeconds
/// before `now` (and the rollout has not completed).
bool deployment_timed_out(const api::Deployment& d, const api::DeploymentStatus& status, base::SimTime now);
/// HasProgressDeadline: progressDeadlineSeconds is not the "never" value MaxInt32.
bool has_progress_deadline(const api::Deployment& d);

/// The condition of `type`, or nullptr.
const api::DeploymentCondition* deployment_condition(const api::DeploymentStatus& status, std::string_view type);
/// NewDeploymentCondition: both times `now`, truncated to whole seconds as metav1.Time is.
api::DeploymentCondition new_deployment_condition(std::string_view type, api::ConditionStatus status,
                                                  std::string_view reason, std::string message, base::SimTime now);
/// SetDeploymentCondition: no change when status and reason are the same; keeps lastTransitionTime when
/// only the reason changes; the condition moves to the end of the list.
void set_deployment_condition(api::DeploymentStatus& status, api::DeploymentCondition condition);
void remove_deployment_condition(api::DeploymentStatus& status, std::string_view type);

/// ReplicaSetsByCreationTimestamp (older first, then by name).
bool rs_older(const api::ReplicaSet& a, const api::ReplicaSet& b);
/// ReplicaSetsBySizeOlder: larger first, then older first.
bool rs_larger_then_older(const api::ReplicaSet& a, const api::ReplicaSet& b);
/// ReplicaSetsBySizeNewer: larger first, then newer first.
bool rs_larger_then_newer(const api::ReplicaSet& a, const api::ReplicaSet& b);
/// ReplicaSetsByRevision: lower revision first, then older first.
bool rs_lower_revision(const api::ReplicaSet& a, const api::ReplicaSet& b);

}  // namespace kubesim::controllers
