// The one place that lists kubesim's in-tree scheduler plugins and the default profile.
// Adding a plugin: its header and source under plugins/, one `add` line here, and (if upstream enables
// it by default) its entry in default_profile() at upstream's position.

#include "kubesim/scheduler/framework/framework.hpp"
#include "kubesim/scheduler/plugins/best_fit.hpp"
#include "kubesim/scheduler/plugins/default_binder.hpp"
#include "kubesim/scheduler/plugins/default_preemption.hpp"
#include "kubesim/scheduler/plugins/dot_product.hpp"
#include "kubesim/scheduler/plugins/first_fit.hpp"
#include "kubesim/scheduler/plugins/image_locality.hpp"
#include "kubesim/scheduler/plugins/inter_pod_affinity.hpp"
#include "kubesim/scheduler/plugins/min_cost_flow.hpp"
#include "kubesim/scheduler/plugins/node_affinity.hpp"
#include "kubesim/scheduler/plugins/node_name.hpp"
#include "kubesim/scheduler/plugins/node_ports.hpp"
#include "kubesim/scheduler/plugins/node_resources_balanced_allocation.hpp"
#include "kubesim/scheduler/plugins/node_resources_fit.hpp"
#include "kubesim/scheduler/plugins/node_unschedulable.hpp"
#include "kubesim/scheduler/plugins/node_volume_limits.hpp"
#include "kubesim/scheduler/plugins/pod_topology_spread.hpp"
#include "kubesim/scheduler/plugins/priority_sort.hpp"
#include "kubesim/scheduler/plugins/random.hpp"
#include "kubesim/scheduler/plugins/scheduling_gates.hpp"
#include "kubesim/scheduler/plugins/taint_toleration.hpp"
#include "kubesim/scheduler/plugins/volume_binding.hpp"
#include "kubesim/scheduler/plugins/volume_restrictions.hpp"
#include "kubesim/scheduler/plugins/volume_zone.hpp"
#include "kubesim/scheduler/plugins/worst_fit.hpp"

namespace kubesim::scheduler {
namespace {

template <class T> void add(PluginRegistry& r) {
  r.add(std::string(T::kName), [](const PluginArgs& a, FrameworkHandle& h) { return T::create(a, h); });
}

}  // namespace

PluginRegistry default_registry() {
  PluginRegistry r;
  add<SchedulingGates>(r);
  add<PrioritySort>(r);
  add<NodeUnschedulable>(r);
  add<NodeName>(r);
  add<TaintToleration>(r);
  add<NodeAffinity>(r);
  add<NodePorts>(r);
  add<NodeResourcesFit>(r);
  add<VolumeRestrictions>(r);
  add<NodeVolumeLimits>(r);
  add<VolumeBinding>(r);
  add<VolumeZone>(r);
  add<PodTopologySpread>(r);
  add<InterPodAffinity>(r);
  add<DefaultPreemption>(r);
  add<NodeResourcesBalancedAllocation>(r);
  add<ImageLocality>(r);
  add<DefaultBinder>(r);
  // Research policies (docs/policies.md): registered, never in default_profile().
  add<Random>(r);
  add<FirstFit>(r);
  add<BestFit>(r);
  add<WorstFit>(r);
  add<DotProduct>(r);
  add<MinCostFlow>(r);
  return r;
}

ProfileConfig default_profile() {
  // Upstream's default MultiPoint list (apis/config/v1/default_plugins.go, v1.31+) in its order, with
  // its Score weights (0 = unset, i.e. 1).
  ProfileConfig p;
  p.at(ExtensionPoint::MultiPoint).enabled = {
      {std::string(SchedulingGates::kName), 0},    {std::string(PrioritySort::kName), 0},
      {std::string(NodeUnschedulable::kName), 0},  {std::string(NodeName::kName), 0},
      {std::string(TaintToleration::kName), 3},    {std::string(NodeAffinity::kName), 2},
      {std::string(NodePorts::kName), 0},          {std::string(NodeResourcesFit::kName), 1},
      {std::string(VolumeRestrictions::kName), 0}, {std::string(NodeVolumeLimits::kName), 0},
      {std::string(VolumeBinding::kName), 0},      {std::string(VolumeZone::kName), 0},
      {std::string(PodTopologySpread::kName), 2},  {std::string(InterPodAffinity::kName), 2},
      {std::string(DefaultPreemption::kName), 0},  {std::string(NodeResourcesBalancedAllocation::kName), 1},
      {std::string(ImageLocality::kName), 1},      {std::string(DefaultBinder::kName), 0},
  };
  return p;
}

}  // namespace kubesim::scheduler
