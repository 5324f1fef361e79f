#include "support/catch.hpp"

#include "kubesim/scenario/loader.hpp"
#include "kubesim/scenario/scheduler_config_reader.hpp"

#include <string>

namespace kubesim::scenario {
namespace {

std::string errors_of(const base::Diagnostics& d) { return d.str(); }

}  // namespace

TEST_CASE("a KubeSchedulerConfiguration is read into profiles", "[scenario][scheduler-config]") {
  auto c = parse_scheduler_configuration(R"(apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
percentageOfNodesToScore: 30
podInitialBackoffSeconds: 2
podMaxBackoffSeconds: 20
parallelism: 16
leaderElection: {leaderElect: false}
profiles:
  - schedulerName: default-scheduler
  - schedulerName: packer
    percentageOfNodesToScore: 50
    plugins:
      score:
        enabled: [{name: NodeResourcesFit, weight: 5}]
        disabled: [{name: ImageLocality}]
    pluginConfig:
      - name: NodeResourcesFit
        args:
          apiVersion: kubescheduler.config.k8s.io/v1
          kind: NodeResourcesFitArgs
          scoringStrategy:
            type: RequestedToCapacityRatio
            resources: [{name: cpu, weight: 3}]
            requestedToCapacityRatio:
              shape: [{utilization: 0, score: 0}, {utilization: 100, score: 10}]
      - name: PodTopologySpread
        args:
          defaultingType: List
          defaultConstraints:
            - {maxSkew: 2, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway}
      - name: DefaultPreemption
        args: {minCandidateNodesPercentage: 5, minCandidateNodesAbsolute: 10}
)",
                                         "k.yaml");
  REQUIRE(c.has_value());
  CHECK(c->percentage_of_nodes_to_score == 30);
  CHECK(c->pod_initial_backoff == base::Duration::from_seconds(2));
  CHECK(c->pod_max_backoff == base::Duration::from_seconds(20));
  REQUIRE(c->profiles.size() == 2);
  const scheduler::ProfileConfig& p = c->profiles[1];
  CHECK(p.scheduler_name == "packer");
  CHECK(p.percentage_of_nodes_to_score == 50);
  REQUIRE(p.at(scheduler::ExtensionPoint::Score).enabled.size() == 1);
  CHECK(p.at(scheduler::ExtensionPoint::Score).enabled[0].weight == 5);
  CHECK(p.at(scheduler::ExtensionPoint::Score).disabled == std::vector<std::string>{"ImageLocality"});
  const auto& fit = std::get<scheduler::NodeResourcesFitArgs>(p.plugin_config.at("NodeResourcesFit"));
  CHECK(fit.scoring_strategy == scheduler::ScoringStrategyType::RequestedToCapacityRatio);
  REQUIRE(fit.resources.size() == 1);
  CHECK(fit.resources[0].weight == 3);
  CHECK(fit.shape.size() == 2);
  const auto& spread = std::get<scheduler::PodTopologySpreadArgs>(p.plugin_config.at("PodTopologySpread"));
  CHECK(spread.defaulting_type == scheduler::PodTopologySpreadDefaulting::List);
  REQUIRE(spread.default_constraints.size() == 1);
  CHECK(spread.default_constraints[0].max_skew == 2);
  CHECK(std::get<scheduler::DefaultPreemptionArgs>(p.plugin_config.at("DefaultPreemption"))
            .min_candidate_nodes_absolute == 10);

  scheduler::SchedulerConfig config;
  c->apply_to(config);
  CHECK(config.percentage_of_nodes_to_score == 30);
  CHECK(c->merged_profiles().size() == 2);
}

TEST_CASE("a configuration without profiles gets the default profile", "[scenario][scheduler-config]") {
  auto c = parse_scheduler_configuration(
      "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n", "k.yaml");
  REQUIRE(c.has_value());
  REQUIRE(c->profiles.size() == 1);
  CHECK(c->profiles[0].scheduler_name == "default-scheduler");
}

TEST_CASE("configuration errors carry file:line:col", "[scenario][scheduler-config]") {
  auto c = parse_scheduler_configuration(R"(apiVersion: kubescheduler.config.k8s.io/v2
kind: KubeSchedulerConfiguration
profiles:
  - schedulerName: a
    plugins:
      multiPoint:
        disabled: [{name: DefaultBinder}]
)",
                                         "k.yaml");
  REQUIRE_FALSE(c.has_value());
  CHECK(errors_of(c.error()) ==
        "k.yaml:1:13: error: unsupported apiVersion 'kubescheduler.config.k8s.io/v2' for kind "
        "KubeSchedulerConfiguration (use apiVersion: kubescheduler.config.k8s.io/v1)\n1 error\n");

  auto fw = parse_scheduler_configuration(R"(apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
  - schedulerName: a
    plugins:
      multiPoint:
        disabled: [{name: DefaultBinder}]
)",
                                          "k.yaml");
  REQUIRE_FALSE(fw.has_value());
  CHECK(errors_of(fw.error()).starts_with("k.yaml:4:5: error: profile 'a': "));
}

TEST_CASE("a scenario takes an inline scheduler configuration", "[scenario][scheduler-config]") {
  auto spec = parse_scenario(R"(apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: x}
spec:
  controlPlane:
    scheduler:
      percentageOfNodesToScore: 10
      configuration:
        percentageOfNodesToScore: 70
        profiles:
          - schedulerName: one
          - schedulerName: two
)",
                             "s.yaml");
  REQUIRE(spec.has_value());
  CHECK(spec->control_plane.scheduler.percentage_of_nodes_to_score == 70);
  REQUIRE(spec->control_plane.profiles.size() == 2);
  CHECK(spec->control_plane.profiles[1].scheduler_name == "two");
}

TEST_CASE("a schedule snapshot holds manifests and one configuration", "[scenario][scheduler-config]") {
  auto snap = parse_schedule_snapshot(R"(apiVersion: v1
kind: Node
metadata: {name: n1}
status: {capacity: {cpu: "2", memory: 4Gi, pods: "10"}}
---
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles: [{schedulerName: x}]
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  deletionTimestamp: "2024-01-01T00:00:00Z"
spec:
  containers: [{name: c, image: busybox}]
)",
                                      "snap.yaml");
  REQUIRE(snap.has_value());
  REQUIRE(snap->objects.size() == 2);
  REQUIRE(snap->configuration.has_value());
  CHECK(snap->configuration->profiles[0].scheduler_name == "x");
  const auto& node = std::get<api::Node>(snap->objects[0].object);
  CHECK(node.status.allocatable.get("cpu") == 2000);  // defaulted from capacity
  const auto& pod = std::get<api::Pod>(snap->objects[1].object);
  CHECK(pod.is_terminating());
  CHECK(pod.metadata.namespace_ == "default");

  auto two =
      parse_schedule_snapshot("kind: KubeSchedulerConfiguration\napiVersion: kubescheduler.config.k8s.io/v1\n---\n"
                              "kind: KubeSchedulerConfiguration\napiVersion: kubescheduler.config.k8s.io/v1\n",
                              "snap.yaml");
  REQUIRE_FALSE(two.has_value());
  CHECK(errors_of(two.error()) ==
        "snap.yaml:4:1: error: a snapshot holds at most one KubeSchedulerConfiguration; found another one here\n"
        "1 error\n");
}

}  // namespace kubesim::scenario
