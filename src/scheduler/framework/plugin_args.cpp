#include "kubesim/scheduler/framework/plugin_args.hpp"

#include <array>

namespace kubesim::scheduler {

std::string_view plugin_args_type_name(const PluginArgs& args) {
  // Indexed by the variant's alternatives, in declaration order.
  static constexpr std::array<std::string_view, std::variant_size_v<PluginArgs>> kNames = {
      "<nil>",
      "NodeResourcesFitArgs",
      "NodeResourcesBalancedAllocationArgs",
      "InterPodAffinityArgs",
      "PodTopologySpreadArgs",
      "NodeAffinityArgs",
      "DefaultPreemptionArgs",
      "MinCostFlowArgs",
  };
  return kNames[args.index()];
}

void default_resource_specs(std::vector<ResourceSpec>& resources) {
  if (resources.empty()) {
    resources = {{"cpu", 1}, {"memory", 1}};
  }
  for (ResourceSpec& r : resources) {
    if (r.weight == 0) {
      r.weight = 1;
    }
  }
}

}  // namespace kubesim::scheduler
