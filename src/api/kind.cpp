#include "kubesim/api/kind.hpp"

#include <array>

namespace kubesim::api {
namespace {

struct KindInfo {
  std::string_view name;
  std::string_view api_version;
  bool namespaced;
};

// Indexed by Kind.
constexpr std::array<KindInfo, kKindCount> kKinds = {{
    {"Node", "v1", false},
    {"Pod", "v1", true},
    {"Service", "v1", true},
    {"ReplicaSet", "apps/v1", true},
    {"Deployment", "apps/v1", true},
    {"PriorityClass", "scheduling.k8s.io/v1", false},
    {"PodDisruptionBudget", "policy/v1", true},
    {"Event", "v1", true},
    {"Lease", "coordination.k8s.io/v1", true},
    {"Endpoints", "v1", true},
    {"EndpointSlice", "discovery.k8s.io/v1", true},
    {"Job", "batch/v1", true},
}};

}  // namespace

std::string_view kind_name(Kind k) { return kKinds[static_cast<std::size_t>(k)].name; }
std::string_view kind_api_version(Kind k) { return kKinds[static_cast<std::size_t>(k)].api_version; }
bool is_namespaced(Kind k) { return kKinds[static_cast<std::size_t>(k)].namespaced; }

std::optional<Kind> kind_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kKinds.size(); ++i) {
    if (kKinds[i].name == name) {
      return static_cast<Kind>(i);
    }
  }
  return std::nullopt;
}

}  // namespace kubesim::api
