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
  };
  return kNames[args.index()];
}

}  // namespace kubesim::scheduler
