#include "support/catch.hpp"

#include "kubesim/scenario/loader.hpp"

#include <string>
#include <vector>

using namespace kubesim;
using kubesim::base::Duration;
using kubesim::base::DurationDistribution;
using kubesim::scenario::ManifestObject;
using kubesim::scenario::ScenarioSpec;

namespace {

// Every diagnostic as printed ("t.yaml:3:5: error: ... (hint)").
std::vector<std::string> lines_of(const base::Diagnostics& diags) {
  std::vector<std::string> out;
  for (const base::Diagnostic& d : diags) {
    out.push_back(d.str());
  }
  return out;
}

std::vector<std::string> scenario_errors(const std::string& yaml) {
  auto r = scenario::parse_scenario(yaml, "t.yaml");
  REQUIRE_FALSE(r.has_value());
  return lines_of(r.error());
}

std::vector<std::string> manifest_errors(const std::string& yaml) {
  auto r = scenario::parse_manifests(yaml, "m.yaml");
  REQUIRE_FALSE(r.has_value());
  return lines_of(r.error());
}

ScenarioSpec scenario_ok(const std::string& yaml) {
  auto r = scenario::parse_scenario(yaml, "t.yaml");
  if (!r) {
    FAIL(r.error().str());
  }
  return std::move(r).value();
}

std::vector<ManifestObject> manifests_ok(const std::string& yaml) {
  auto r = scenario::parse_manifests(yaml, "m.yaml");
  if (!r) {
    FAIL(r.error().str());
  }
  return std::move(r).value();
}

const std::string kHeader = "apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nmetadata:\n  name: t\n";

constexpr std::int64_t kGi = 1024LL * 1024 * 1024;
constexpr std::int64_t kMi = 1024LL * 1024;

}  // namespace

TEST_CASE("a full scenario is read into ScenarioSpec", "[scenario]") {
  ScenarioSpec s = scenario_ok(kHeader + R"(spec:
  seed: 42
  duration: 1h30m
  controlPlane:
    apiServer:
      latency:
        get: 2ms
        list: {distribution: uniform, min: 2ms, max: 8ms}
        create: {distribution: exponential, mean: 4ms}
        update: {distribution: normal, mean: 3ms, stddev: 1ms}
        updateStatus: {distribution: lognormal, median: 3ms, sigma: 0.25}
        delete: {distribution: constant, value: 7ms}
      watchDelay: 500us
      historyWindow: 5000
    scheduler:
      podInitialBackoff: 2s
      podMaxBackoff: 20s
      podMaxInUnschedulablePodsDuration: 1m
      percentageOfNodesToScore: 30
      cycleCost: 100us
  cluster:
    kubelet:
      sandboxLatency: 100ms
      imagePullLatency: {distribution: exponential, mean: 3s}
      containerStartLatency: 250ms
    nodePools:
      - name: workers
        count: 10
        zones: [zone-a, zone-b]
        template:
          apiVersion: v1
          kind: Node
          metadata:
            labels: {tier: general}
          spec:
            taints: [{key: dedicated, value: batch, effect: NoSchedule}]
          status:
            capacity: {cpu: "4", memory: 16Gi, pods: 110}
            allocatable: {cpu: 3900m, memory: 15Gi, pods: "110"}
      - name: gpu
        count: 0
        template:
          status:
            capacity: {cpu: 8, memory: 64Gi, nvidia.com/gpu: 4}
  objects:
    - apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata: {name: high}
      value: 1000
      preemptionPolicy: Never
      description: important
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 3
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
              - name: nginx
                image: nginx:1.25
                resources: {requests: {cpu: 250m, memory: 64Mi}}
  timeline:
    - at: 30s
      arrivals:
        name: batch
        count: 100
        rate: 50
        process: poisson
        runTime: {distribution: uniform, min: 10s, max: 20s}
        template:
          metadata: {labels: {job: batch}}
          spec:
            containers: [{name: job, image: busybox}]
    - at: 1m
      create:
        - apiVersion: v1
          kind: Pod
          metadata: {name: late}
          spec: {containers: [{name: c, image: busybox}]}
        - apiVersion: v1
          kind: Pod
          metadata: {name: later, namespace: other}
          spec: {containers: [{name: c, image: busybox}]}
    - at: 2m
      create:
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 80}]}
)");

  CHECK(s.file == "t.yaml");
  CHECK(s.name == "t");
  CHECK(s.seed == 42);
  CHECK(s.duration == Duration::from_seconds(5400));

  const auto& api_server = s.control_plane.api_server;
  auto latency = [&](apiserver::Verb v) { return api_server.latency[static_cast<std::size_t>(v)]; };
  CHECK(latency(apiserver::Verb::Get).kind() == DurationDistribution::Kind::Constant);
  CHECK(latency(apiserver::Verb::Get).mean() == Duration::from_millis(2));
  CHECK(latency(apiserver::Verb::List).kind() == DurationDistribution::Kind::Uniform);
  CHECK(latency(apiserver::Verb::List).mean() == Duration::from_millis(5));
  CHECK(latency(apiserver::Verb::Create).kind() == DurationDistribution::Kind::Exponential);
  CHECK(latency(apiserver::Verb::Create).mean() == Duration::from_millis(4));
  CHECK(latency(apiserver::Verb::Update).kind() == DurationDistribution::Kind::Normal);
  CHECK(latency(apiserver::Verb::Update).mean() == Duration::from_millis(3));
  CHECK(latency(apiserver::Verb::UpdateStatus).kind() == DurationDistribution::Kind::LogNormal);
  CHECK(latency(apiserver::Verb::Delete).mean() == Duration::from_millis(7));
  // Watch set-up latency is not configurable and keeps its default.
  CHECK(latency(apiserver::Verb::Watch).mean() == Duration::zero());
  CHECK(api_server.watch_delay.mean() == Duration::from_micros(500));
  CHECK(api_server.history_window == 5000);

  const auto& sched = s.control_plane.scheduler;
  CHECK(sched.pod_initial_backoff == Duration::from_seconds(2));
  CHECK(sched.pod_max_backoff == Duration::from_seconds(20));
  CHECK(sched.pod_max_in_unschedulable_pods == Duration::from_seconds(60));
  CHECK(sched.percentage_of_nodes_to_score == 30);
  CHECK(sched.cycle_cost == Duration::from_micros(100));

  CHECK(s.cluster.kubelet.sandbox_latency->mean() == Duration::from_millis(100));
  CHECK(s.cluster.kubelet.image_pull_latency->kind() == DurationDistribution::Kind::Exponential);
  CHECK(s.cluster.kubelet.image_pull_latency->mean() == Duration::from_seconds(3));
  CHECK(s.cluster.kubelet.container_start_latency->mean() == Duration::from_millis(250));

  REQUIRE(s.cluster.node_pools.size() == 2);
  const scenario::NodePoolSpec& workers = s.cluster.node_pools[0];
  CHECK(workers.name == "workers");
  CHECK(workers.count == 10);
  CHECK(workers.zones == std::vector<std::string>{"zone-a", "zone-b"});
  CHECK(workers.loc.line == 31);
  CHECK(workers.loc.column == 9);
  CHECK(workers.template_.metadata.name.empty());
  CHECK(*workers.template_.metadata.labels.find("tier") == "general");
  REQUIRE(workers.template_.spec.taints.size() == 1);
  CHECK(workers.template_.spec.taints[0].key == "dedicated");
  CHECK(workers.template_.spec.taints[0].value == "batch");
  CHECK(workers.template_.spec.taints[0].effect == api::TaintEffect::NoSchedule);
  CHECK(workers.template_.status.capacity.get("cpu") == 4000);
  CHECK(workers.template_.status.capacity.get("memory") == 16 * kGi);
  CHECK(workers.template_.status.capacity.get("pods") == 110);
  CHECK(workers.template_.status.allocatable.get("cpu") == 3900);
  CHECK(workers.template_.status.allocatable.get("memory") == 15 * kGi);
  CHECK(s.cluster.node_pools[1].count == 0);
  CHECK(s.cluster.node_pools[1].template_.status.capacity.get("nvidia.com/gpu") == 4);

  REQUIRE(s.objects.size() == 2);
  const auto& pc = std::get<api::PriorityClass>(s.objects[0].object);
  CHECK(pc.metadata.name == "high");
  CHECK(pc.value == 1000);
  CHECK(pc.preemption_policy == api::PreemptionPolicy::Never);
  CHECK(pc.description == "important");
  CHECK(s.objects[0].loc.line == 50);
  const auto& dep = std::get<api::Deployment>(s.objects[1].object);
  CHECK(dep.metadata.name == "web");
  // The stored object is not defaulted: the API server does that at create time.
  CHECK(dep.metadata.namespace_.empty());
  CHECK(dep.spec.replicas == 3);
  CHECK(*dep.spec.selector.match_labels.find("app") == "web");
  REQUIRE(dep.spec.template_.spec.containers.size() == 1);
  const api::Container& nginx = dep.spec.template_.spec.containers[0];
  CHECK(nginx.image == "nginx:1.25");
  CHECK(nginx.resources.requests.get("cpu") == 250);
  CHECK(nginx.resources.requests.get("memory") == 64 * kMi);

  REQUIRE(s.timeline.size() == 3);
  const auto& arrivals = std::get<scenario::ArrivalsAction>(s.timeline[0].action);
  CHECK(s.timeline[0].at == base::SimTime::from_nanos(30'000'000'000));
  CHECK(arrivals.name == "batch");
  CHECK(arrivals.namespace_ == "default");
  CHECK(arrivals.count == 100);
  CHECK(arrivals.interval == Duration::from_millis(20));
  CHECK(arrivals.process == scenario::ArrivalsAction::Process::Poisson);
  REQUIRE(arrivals.run_time.has_value());
  CHECK(arrivals.run_time->kind() == DurationDistribution::Kind::Uniform);
  CHECK(arrivals.run_time->mean() == Duration::from_seconds(15));
  CHECK(*arrivals.template_.metadata.labels.find("job") == "batch");
  CHECK(arrivals.template_.spec.containers.at(0).image == "busybox");

  const auto& create = std::get<scenario::CreateAction>(s.timeline[1].action);
  REQUIRE(create.objects.size() == 2);
  CHECK(std::get<api::Pod>(create.objects[1].object).metadata.namespace_ == "other");
  const auto& single = std::get<scenario::CreateAction>(s.timeline[2].action);
  REQUIRE(single.objects.size() == 1);
  const auto& svc = std::get<api::Service>(single.objects[0].object);
  CHECK(svc.spec.ports.at(0).port == 80);
  CHECK_FALSE(svc.spec.ports.at(0).target_port.has_value());
}

TEST_CASE("defaults apply when the spec leaves fields out", "[scenario]") {
  ScenarioSpec s = scenario_ok(kHeader + "spec:\n  seed: 7\n");
  CHECK(s.seed == 7);
  CHECK(s.duration == Duration::from_seconds(600));
  CHECK(s.control_plane.scheduler.pod_max_backoff == Duration::from_seconds(10));
  CHECK(s.control_plane.api_server.history_window == 100'000);
  CHECK(s.cluster.node_pools.empty());
  CHECK(s.timeline.empty());

  // A scenario without spec at all is valid (an empty cluster).
  CHECK(scenario_ok(kHeader).name == "t");
}

TEST_CASE("container runtime, image sizes and image GC settings are read", "[scenario][images]") {
  ScenarioSpec s = scenario_ok(kHeader + R"(spec:
  cluster:
    kubelet:
      containerRuntime: cri-o
      imagePullBandwidth: 50Mi
      registryPullQPS: 2.5
      registryBurst: 4
      imageFsCapacity: 20Gi
      imageGCHighThresholdPercent: 90
      imageGCLowThresholdPercent: 70
      imageMinimumGCAge: 5m
      nodeStatusMaxImages: -1
    images:
      nginx:1.25: 70Mi
      redis: 45Mi
      registry.k8s.io/pause:3.9: "300Ki"
    nodePools:
      - name: a
        count: 1
        containerRuntime: docker
        template:
          status:
            capacity: {cpu: 2, memory: 4Gi}
            nodeInfo: {osImage: Ubuntu 22.04.4 LTS, kernelVersion: 6.5.0, architecture: arm64, machineID: m1}
      - name: b
        count: 1
        template: {status: {capacity: {cpu: 2, memory: 4Gi}}}
)");
  const node::KubeletConfig& k = s.cluster.kubelet;
  CHECK(k.container_runtime == node::ContainerRuntimeKind::CriO);
  CHECK(k.image_pull_bandwidth == 50LL << 20);
  CHECK(k.registry_pull_qps == 2.5);
  CHECK(k.registry_burst == 4);
  CHECK(k.image_fs_capacity == 20LL << 30);
  CHECK(k.image_gc_high_threshold_percent == 90);
  CHECK(k.image_gc_low_threshold_percent == 70);
  CHECK(k.image_minimum_gc_age == Duration::from_seconds(300));
  CHECK(k.node_status_max_images == -1);
  // Image names are normalized as the kubelet does: "redis" is redis:latest.
  CHECK(k.image_sizes == std::map<std::string, std::int64_t, std::less<>>{{"nginx:1.25", 70LL << 20},
                                                                          {"redis:latest", 45LL << 20},
                                                                          {"registry.k8s.io/pause:3.9", 300LL << 10}});
  REQUIRE(s.cluster.node_pools.size() == 2);
  CHECK(s.cluster.node_pools[0].container_runtime == node::ContainerRuntimeKind::Docker);
  CHECK_FALSE(s.cluster.node_pools[1].container_runtime.has_value());
  const api::NodeSystemInfo& info = s.cluster.node_pools[0].template_.status.node_info;
  CHECK(info.os_image == "Ubuntu 22.04.4 LTS");
  CHECK(info.kernel_version == "6.5.0");
  CHECK(info.architecture == "arm64");

  // Defaults: containerd, no bandwidth model, upstream's registry limits and GC thresholds.
  const node::KubeletConfig d = scenario_ok(kHeader).cluster.kubelet;
  CHECK(d.container_runtime == node::ContainerRuntimeKind::Containerd);
  CHECK(d.image_pull_bandwidth == 0);
  CHECK(d.registry_pull_qps == 5);
  CHECK(d.registry_burst == 10);
  CHECK(d.image_gc_high_threshold_percent == 85);
  CHECK(d.image_gc_low_threshold_percent == 80);
  CHECK(d.image_minimum_gc_age == Duration::from_seconds(120));
  CHECK(d.node_status_max_images == 50);
  CHECK_FALSE(d.sandbox_latency.has_value());
}

TEST_CASE("arrival rates become exact nanosecond intervals", "[scenario]") {
  auto interval_for = [](const std::string& rate_or_interval) {
    ScenarioSpec s = scenario_ok(kHeader + "spec:\n  timeline:\n    - at: 0s\n      arrivals:\n        name: a\n" +
                                 "        count: 1\n        " + rate_or_interval +
                                 "\n        template: {spec: {containers: [{name: c, image: i}]}}\n");
    return std::get<scenario::ArrivalsAction>(s.timeline.at(0).action).interval;
  };
  CHECK(interval_for("rate: 50") == Duration::from_millis(20));
  CHECK(interval_for("rate: 3") == Duration::from_nanos(333'333'333));
  CHECK(interval_for("rate: 0.5") == Duration::from_seconds(2));
  CHECK(interval_for("rate: 0.3") == Duration::from_nanos(3'333'333'333));
  CHECK(interval_for("rate: 1000000") == Duration::from_micros(1));
  CHECK(interval_for("interval: 250ms") == Duration::from_millis(250));

  auto errors = scenario_errors(kHeader + R"(spec:
  timeline:
    - at: 0s
      arrivals:
        name: a
        count: 1
        rate: 0
        template: {spec: {containers: [{name: c, image: i}]}}
    - at: 0s
      arrivals:
        name: b
        count: 1
        template: {spec: {containers: [{name: c, image: i}]}}
)");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] ==
        "t.yaml:11:15: error: 'spec.timeline[0].arrivals.rate' must be a positive decimal number of pods per second, "
        "got '0' (e.g. 50 or 0.5; the interval between pods is 1s / rate)");
  CHECK(errors[1] == "t.yaml:15:9: error: arrivals 'b' needs 'rate' (pods per second) or 'interval'");
}

TEST_CASE("a Deployment with affinity, tolerations and spreading round-trips into the structs", "[scenario]") {
  auto objects = manifests_ok(R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web, tier: frontend}
  annotations: {note: "hello"}
  uid: 1234
  resourceVersion: "99"
  creationTimestamp: "2024-01-01T00:00:00Z"
spec:
  replicas: 5
  minReadySeconds: 10
  revisionHistoryLimit: 3
  progressDeadlineSeconds: 120
  paused: true
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: "50%"}
  selector:
    matchLabels: {app: web}
    matchExpressions:
      - {key: tier, operator: In, values: [frontend, edge]}
  template:
    metadata:
      labels: {app: web, tier: frontend}
    spec:
      priorityClassName: high
      priority: 100
      preemptionPolicy: Never
      schedulerName: my-scheduler
      terminationGracePeriodSeconds: 5
      restartPolicy: Always
      nodeName: node-1
      hostNetwork: true
      nodeSelector: {disk: ssd}
      overhead: {cpu: 50m}
      schedulingGates: [{name: wait-for-quota}]
      serviceAccountName: web
      volumes: [{name: data, emptyDir: {}}]
      securityContext: {runAsNonRoot: true}
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - {key: topology.kubernetes.io/zone, operator: In, values: [a, b]}
                  - {key: cores, operator: Gt, values: ["4"]}
                matchFields:
                  - {key: metadata.name, operator: NotIn, values: [bad-node]}
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 20
              preference:
                matchExpressions: [{key: disk, operator: Exists}]
        podAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {app: cache}}
              topologyKey: kubernetes.io/hostname
              namespaces: [shop, infra]
              matchLabelKeys: [pod-template-hash]
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                labelSelector:
                  matchExpressions: [{key: app, operator: In, values: [web]}]
                namespaceSelector: {}
                topologyKey: topology.kubernetes.io/zone
                mismatchLabelKeys: [tenant]
      tolerations:
        - {key: dedicated, operator: Equal, value: web, effect: NoSchedule}
        - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 30}
        - operator: Exists
      topologySpreadConstraints:
        - maxSkew: 2
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: DoNotSchedule
          labelSelector: {matchLabels: {app: web}}
          minDomains: 3
          nodeAffinityPolicy: Ignore
          nodeTaintsPolicy: Honor
          matchLabelKeys: [pod-template-hash]
      initContainers:
        - name: setup
          image: busybox:1.36
          command: [sh, -c, "true"]
        - name: proxy
          image: envoy:v1
          restartPolicy: Always
      containers:
        - name: nginx
          image: nginx:1.25
          imagePullPolicy: IfNotPresent
          env: [{name: A, value: "1"}]
          volumeMounts: [{name: data, mountPath: /data}]
          resources:
            requests: {cpu: "1.5", memory: 512Mi, ephemeral-storage: 1G}
            limits: {cpu: 2, memory: 1Gi}
          ports:
            - {containerPort: 80, hostPort: 80, protocol: TCP, name: http, hostIP: 0.0.0.0}
          readinessProbe:
            httpGet: {path: /, port: 80}
            initialDelaySeconds: 5
            periodSeconds: 2
            timeoutSeconds: 3
            successThreshold: 2
            failureThreshold: 4
          livenessProbe:
            exec: {command: [true]}
          startupProbe:
            tcpSocket: {port: 80}
            failureThreshold: 30
status:
  replicas: 5
)");
  REQUIRE(objects.size() == 1);
  CHECK(objects[0].loc.line == 1);
  CHECK(objects[0].loc.column == 1);
  const auto& d = std::get<api::Deployment>(objects[0].object);
  CHECK(d.metadata.name == "web");
  CHECK(d.metadata.namespace_ == "shop");
  CHECK(*d.metadata.labels.find("tier") == "frontend");
  CHECK(*d.metadata.annotations.find("note") == "hello");
  CHECK(d.metadata.uid.empty());
  CHECK(d.metadata.resource_version == 0);
  CHECK(d.spec.replicas == 5);
  CHECK(d.spec.min_ready_seconds == 10);
  CHECK(d.spec.revision_history_limit == 3);
  CHECK(d.spec.progress_deadline_seconds == 120);
  CHECK(d.spec.paused);
  CHECK(d.spec.strategy == api::DeploymentStrategyType::RollingUpdate);
  CHECK(d.spec.rolling_update.max_surge == api::IntOrString::from_int(1));
  CHECK(d.spec.rolling_update.max_unavailable == api::IntOrString::from_string("50%"));
  REQUIRE(d.spec.selector.match_expressions.size() == 1);
  CHECK(d.spec.selector.match_expressions[0].op == api::SelectorOperator::In);
  CHECK(d.spec.selector.match_expressions[0].values == std::vector<std::string>{"frontend", "edge"});

  const api::PodSpec& p = d.spec.template_.spec;
  CHECK(p.priority_class_name == "high");
  CHECK(p.priority == 100);
  CHECK(p.preemption_policy == api::PreemptionPolicy::Never);
  CHECK(p.scheduler_name == "my-scheduler");
  CHECK(p.termination_grace_period_seconds == 5);
  CHECK(p.restart_policy == api::RestartPolicy::Always);
  CHECK(p.node_name == "node-1");
  CHECK(p.host_network);
  CHECK(*p.node_selector.find("disk") == "ssd");
  CHECK(p.overhead.get("cpu") == 50);
  CHECK(p.scheduling_gates == std::vector<std::string>{"wait-for-quota"});

  REQUIRE(p.affinity.has_value());
  const api::NodeAffinity& na = p.affinity->node_affinity.value();
  REQUIRE(na.required.has_value());
  REQUIRE(na.required->terms.size() == 1);
  const api::NodeSelectorTerm& term = na.required->terms[0];
  REQUIRE(term.match_expressions.size() == 2);
  CHECK(term.match_expressions[0].key == "topology.kubernetes.io/zone");
  CHECK(term.match_expressions[1].op == api::SelectorOperator::Gt);
  CHECK(term.match_expressions[1].values == std::vector<std::string>{"4"});
  REQUIRE(term.match_fields.size() == 1);
  CHECK(term.match_fields[0].op == api::SelectorOperator::NotIn);
  REQUIRE(na.preferred.size() == 1);
  CHECK(na.preferred[0].weight == 20);
  CHECK(na.preferred[0].preference.match_expressions.at(0).op == api::SelectorOperator::Exists);

  const api::PodAffinity& pa = p.affinity->pod_affinity.value();
  REQUIRE(pa.required.size() == 1);
  CHECK(*pa.required[0].label_selector->match_labels.find("app") == "cache");
  CHECK(pa.required[0].topology_key == "kubernetes.io/hostname");
  CHECK(pa.required[0].namespaces == std::vector<std::string>{"shop", "infra"});
  CHECK(pa.required[0].match_label_keys == std::vector<std::string>{"pod-template-hash"});
  CHECK_FALSE(pa.required[0].namespace_selector.has_value());
  const api::PodAffinity& anti = p.affinity->pod_anti_affinity.value();
  REQUIRE(anti.preferred.size() == 1);
  CHECK(anti.preferred[0].weight == 100);
  CHECK(anti.preferred[0].term.topology_key == "topology.kubernetes.io/zone");
  REQUIRE(anti.preferred[0].term.namespace_selector.has_value());
  CHECK(anti.preferred[0].term.namespace_selector->empty());
  CHECK(anti.preferred[0].term.mismatch_label_keys == std::vector<std::string>{"tenant"});

  REQUIRE(p.tolerations.size() == 3);
  CHECK(p.tolerations[0].op == api::TolerationOperator::Equal);
  CHECK(p.tolerations[0].value == "web");
  CHECK(p.tolerations[0].effect == api::TaintEffect::NoSchedule);
  CHECK(p.tolerations[1].op == api::TolerationOperator::Exists);
  CHECK(p.tolerations[1].effect == api::TaintEffect::NoExecute);
  CHECK(p.tolerations[1].toleration_seconds == 30);
  CHECK(p.tolerations[2].key.empty());
  CHECK(p.tolerations[2].effect == api::TaintEffect::None);

  REQUIRE(p.topology_spread_constraints.size() == 1);
  const api::TopologySpreadConstraint& tsc = p.topology_spread_constraints[0];
  CHECK(tsc.max_skew == 2);
  CHECK(tsc.when_unsatisfiable == api::UnsatisfiableConstraintAction::DoNotSchedule);
  CHECK(tsc.min_domains == 3);
  CHECK(tsc.node_affinity_policy == api::NodeInclusionPolicy::Ignore);
  CHECK(tsc.node_taints_policy == api::NodeInclusionPolicy::Honor);
  CHECK(tsc.match_label_keys == std::vector<std::string>{"pod-template-hash"});
  CHECK(*tsc.label_selector->match_labels.find("app") == "web");

  REQUIRE(p.init_containers.size() == 2);
  CHECK_FALSE(p.init_containers[0].is_sidecar());
  CHECK(p.init_containers[1].is_sidecar());
  REQUIRE(p.containers.size() == 1);
  const api::Container& c = p.containers[0];
  CHECK(c.image_pull_policy == api::PullPolicy::IfNotPresent);
  CHECK(c.resources.requests.get("cpu") == 1500);
  CHECK(c.resources.requests.get("memory") == 512 * kMi);
  CHECK(c.resources.requests.get("ephemeral-storage") == 1'000'000'000);
  CHECK(c.resources.limits.get("cpu") == 2000);
  CHECK(c.resources.limits.get("memory") == kGi);
  REQUIRE(c.ports.size() == 1);
  CHECK(c.ports[0] == api::ContainerPort{"http", 80, 80, "TCP", "0.0.0.0"});
  REQUIRE(c.readiness_probe.has_value());
  CHECK(*c.readiness_probe == api::Probe{5, 2, 3, 2, 4});
  CHECK(c.liveness_probe == api::Probe{});
  CHECK(c.startup_probe->failure_threshold == 30);
}

TEST_CASE("every kind reads, and a List is expanded", "[scenario]") {
  auto objects = manifests_ok(R"(apiVersion: v1
kind: Node
metadata:
  name: n1
  labels: {kubernetes.io/hostname: n1}
spec:
  unschedulable: true
  podCIDR: 10.0.0.0/24
  providerID: aws:///i-1
  podCIDRs: [10.0.0.0/24]
  taints:
    - {key: k, value: v, effect: NoExecute, timeAdded: "2024-01-01T00:00:00Z"}
status:
  capacity: {cpu: 2, memory: 4Gi, pods: 110}
  conditions:
    - {type: Ready, status: "True", reason: KubeletReady, message: ok, lastHeartbeatTime: "2024-01-01T00:00:00Z"}
  images:
    - {names: [nginx:1.25], sizeBytes: 70000000}
  nodeInfo: {kubeletVersion: v1.30.0}
  addresses: [{type: InternalIP, address: 10.0.0.1}]
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec:
      type: NodePort
      clusterIP: 10.96.0.10
      selector: {app: web}
      publishNotReadyAddresses: true
      sessionAffinity: None
      ports:
        - {name: http, port: 80, targetPort: http, nodePort: 30080, appProtocol: http}
        - {name: https, port: 443, targetPort: 8443, protocol: TCP}
  - apiVersion: apps/v1
    kind: ReplicaSet
    metadata: {name: rs, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u1, controller: true, blockOwnerDeletion: true}], finalizers: [example.com/f1]}
    spec:
      replicas: 2
      minReadySeconds: 4
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec: {containers: [{name: c, image: i}]}
  - apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata: {name: pdb}
    spec:
      maxUnavailable: 25%
      selector: {matchLabels: {app: web}}
      unhealthyPodEvictionPolicy: AlwaysAllow
  - apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata: {name: pdb2}
    spec:
      minAvailable: 2
---
# an empty document is skipped
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  activeDeadlineSeconds: 600
  restartPolicy: OnFailure
  containers: [{name: c, image: i}]
status:
  phase: Running
)");
  REQUIRE(objects.size() == 6);
  const auto& node = std::get<api::Node>(objects[0].object);
  CHECK(node.spec.unschedulable);
  CHECK(node.spec.pod_cidr == "10.0.0.0/24");
  CHECK(node.spec.provider_id == "aws:///i-1");
  REQUIRE(node.spec.taints.size() == 1);
  CHECK(node.spec.taints[0].effect == api::TaintEffect::NoExecute);
  CHECK_FALSE(node.spec.taints[0].time_added.has_value());
  CHECK(node.status.capacity.get("memory") == 4 * kGi);
  CHECK_FALSE(node.status.allocatable.contains("cpu"));
  REQUIRE(node.status.conditions.size() == 1);
  CHECK(node.status.conditions[0].type == "Ready");
  CHECK(node.status.conditions[0].status == api::ConditionStatus::True);
  CHECK(node.status.conditions[0].reason == "KubeletReady");
  REQUIRE(node.status.images.size() == 1);
  CHECK(node.status.images[0].size_bytes == 70'000'000);

  const auto& svc = std::get<api::Service>(objects[1].object);
  CHECK(objects[1].loc.line == 25);
  CHECK(svc.spec.type == "NodePort");
  CHECK(svc.spec.cluster_ip == "10.96.0.10");
  CHECK(svc.spec.publish_not_ready_addresses);
  REQUIRE(svc.spec.ports.size() == 2);
  CHECK(svc.spec.ports[0].target_port == api::IntOrString::from_string("http"));
  CHECK(svc.spec.ports[0].node_port == 30080);
  CHECK(svc.spec.ports[1].target_port == api::IntOrString::from_int(8443));

  const auto& rs = std::get<api::ReplicaSet>(objects[2].object);
  CHECK(rs.spec.replicas == 2);
  CHECK(rs.spec.min_ready_seconds == 4);
  REQUIRE(rs.metadata.controller_ref() != nullptr);
  CHECK(rs.metadata.controller_ref()->name == "web");
  CHECK(rs.metadata.owner_references[0].block_owner_deletion);
  CHECK(rs.metadata.finalizers == std::vector<std::string>{"example.com/f1"});

  const auto& pdb = std::get<api::PodDisruptionBudget>(objects[3].object);
  CHECK(pdb.spec.max_unavailable == api::IntOrString::from_string("25%"));
  CHECK_FALSE(pdb.spec.min_available.has_value());
  CHECK(pdb.spec.unhealthy_pod_eviction_policy == "AlwaysAllow");
  CHECK(std::get<api::PodDisruptionBudget>(objects[4].object).spec.min_available == api::IntOrString::from_int(2));
  CHECK_FALSE(std::get<api::PodDisruptionBudget>(objects[4].object).spec.selector.has_value());

  CHECK(std::get<api::Pod>(objects[5].object).metadata.name == "p");
  CHECK(std::get<api::Pod>(objects[5].object).spec.active_deadline_seconds == 600);
  CHECK(std::get<api::Pod>(objects[5].object).spec.restart_policy == api::RestartPolicy::OnFailure);
  // Pod status is accepted but not kept.
  CHECK(std::get<api::Pod>(objects[5].object).status.phase == api::PodPhase::Pending);
}

TEST_CASE("unknown fields are reported where they are, with a suggestion", "[scenario]") {
  auto errors = manifest_errors(R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replcas: 3
  template:
    spec:
      containers:
        - name: c
          image: i
          imagee: x
          frobnicate: true
)");
  REQUIRE(errors.size() == 3);
  CHECK(errors[0] == "m.yaml:6:3: error: unknown field 'replcas' in Deployment 'web' (did you mean 'replicas'?)");
  CHECK(errors[1] == "m.yaml:12:11: error: unknown field 'imagee' in Deployment 'web' (did you mean 'image'?)");
  CHECK(errors[2] == "m.yaml:13:11: error: unknown field 'frobnicate' in Deployment 'web'");
}

TEST_CASE("accepted-and-ignored fields are suggested too", "[scenario]") {
  auto errors = manifest_errors(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  serviceAcountName: x
  containers: [{name: c, image: i, volumeMount: []}]
)");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] == "m.yaml:5:3: error: unknown field 'serviceAcountName' in Pod 'p' (did you mean "
                     "'serviceAccountName'?)");
  CHECK(errors[1] == "m.yaml:6:36: error: unknown field 'volumeMount' in Pod 'p' (did you mean 'volumeMounts'?)");
}

TEST_CASE("kinds and apiVersions are checked", "[scenario]") {
  auto errors = manifest_errors(R"(apiVersion: apps/v1
kind: Deploymnet
metadata: {name: x}
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: y}
spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}}
---
kind: Pod
metadata: {name: z}
---
apiVersion: v1
kind: ConfigMap
)");
  REQUIRE(errors.size() == 5);
  CHECK(errors[0] ==
        "m.yaml:2:7: error: unknown kind 'Deploymnet'; supported kinds are Node, Pod, Service, "
        "ReplicaSet, Deployment, Job, PriorityClass, PodDisruptionBudget, List (did you mean 'Deployment'?)");
  CHECK(
      errors[1] ==
      "m.yaml:5:13: error: unsupported apiVersion 'extensions/v1beta1' for kind Deployment (use apiVersion: apps/v1)");
  CHECK(errors[2] == "m.yaml:10:1: error: missing required field 'apiVersion' in Pod 'z'");
  // A missing apiVersion does not keep the rest of the object from being checked.
  CHECK(errors[3] == "m.yaml:10:1: error: invalid Pod 'default/z': spec.containers: Required value");
  CHECK(errors[4] == "m.yaml:14:7: error: unknown kind 'ConfigMap'; supported kinds are Node, Pod, Service, "
                     "ReplicaSet, Deployment, Job, PriorityClass, PodDisruptionBudget, List");
}

TEST_CASE("bad values are reported at the value", "[scenario]") {
  auto errors = manifest_errors(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  priority: high
  terminationGracePeriodSeconds: "30"
  hostNetwork: yes
  restartPolicy: Sometimes
  tolerations: {key: a}
  containers:
    - name: c
      image: i
      imagePullPolicy: always
      resources:
        requests: {memory: 2GB, cpu: lots}
        limits: [1]
      ports:
        - containerPort: 99999999999
)");
  REQUIRE(errors.size() == 10);
  CHECK(errors[0] == "m.yaml:5:13: error: 'spec.priority' must be an integer, got 'high'");
  CHECK(errors[1] ==
        "m.yaml:6:34: error: 'spec.terminationGracePeriodSeconds' must be an integer, got '30' (remove the quotes)");
  CHECK(errors[2] == "m.yaml:7:16: error: 'spec.hostNetwork' must be true or false, got 'yes'");
  CHECK(errors[3] ==
        "m.yaml:8:18: error: 'spec.restartPolicy' must be one of Always, OnFailure, Never; got 'Sometimes'");
  CHECK(errors[4] == "m.yaml:9:16: error: 'spec.tolerations' must be a sequence, got a mapping");
  CHECK(errors[5] == "m.yaml:13:24: error: 'spec.containers[0].imagePullPolicy' must be one of Always, IfNotPresent, "
                     "Never; got 'always' (did you mean 'Always'?)");
  CHECK(errors[6].starts_with("m.yaml:15:28: error: invalid quantity '2GB' for memory: "));
  CHECK(errors[6].ends_with(" (use a suffix like 2G or 2Gi)"));
  CHECK(errors[7].starts_with("m.yaml:15:38: error: invalid quantity 'lots' for cpu: "));
  CHECK(errors[8] == "m.yaml:16:17: error: 'spec.containers[0].resources.limits' must be a mapping, got a sequence");
  CHECK(errors[9] ==
        "m.yaml:18:26: error: 'spec.containers[0].ports[0].containerPort' must be <= 2147483647, got 99999999999");
}

TEST_CASE("integers are range-checked for their type", "[scenario]") {
  auto errors = manifest_errors(R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      image: i
      ports:
        - containerPort: 99999999999
)");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] ==
        "m.yaml:9:26: error: 'spec.containers[0].ports[0].containerPort' must be <= 2147483647, got 99999999999");
}

TEST_CASE("API server validation errors point at the deepest field written", "[scenario]") {
  // Whatever the exact rule text, an unnamed container is invalid upstream, and the error must be
  // reported at the container (the deepest recorded prefix of spec.containers[0].name).
  auto errors = manifest_errors(R"(apiVersion: v1
kind: Pod
metadata:
  name: web-1
spec:
  containers:
    - image: nginx
)");
  REQUIRE_FALSE(errors.empty());
  CHECK(errors[0].starts_with("m.yaml:7:7: error: invalid Pod 'default/web-1': spec.containers[0].name: "));
}

TEST_CASE("YAML syntax errors carry yaml-cpp's message and a 1-based location", "[scenario]") {
  auto errors = scenario_errors("apiVersion: kubesim.io/v1alpha1\nkind: [Scenario\nmetadata: {}\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].starts_with("t.yaml:"));
  CHECK(errors[0].find("end of sequence flow not found") != std::string::npos);

  auto indent = scenario_errors("a: 1\n  b: 2\n");
  REQUIRE(indent.size() == 1);
  CHECK(indent[0] == "t.yaml:2:4: error: illegal map value");
}

TEST_CASE("a missing file is a diagnostic naming the path", "[scenario]") {
  auto r = scenario::load_scenario("/nonexistent/dir/x.yaml");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().str() == "/nonexistent/dir/x.yaml: error: cannot read scenario file '/nonexistent/dir/x.yaml': "
                           "No such file or directory\n1 error\n");
}

TEST_CASE("scenario header, node pools and timeline are checked", "[scenario]") {
  auto errors = scenario_errors(R"(apiVersion: kubesim.io/v1
kind: Scenario
metadata: {}
spec:
  sed: 1
  cluster:
    nodePools:
      - name: w
        count: -2
        template:
          metadata: {name: n}
          status: {capacity: {cpu: 1}}
      - name: w
        count: 1
        template: {status: {capacity: {cpu: 1}}}
      - count: 1
        template: {}
  timeline:
    - at: 1s
    - at: 2s
      create: {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c, image: i}]}}
      arrivals: {name: b}
  expect: [pods.pending = 0]
)");
  REQUIRE(errors.size() == 10);
  CHECK(errors[0] == "t.yaml:1:13: error: unsupported apiVersion 'kubesim.io/v1' for a Scenario "
                     "(use apiVersion: kubesim.io/v1alpha1)");
  CHECK(errors[1] == "t.yaml:3:11: error: missing required field 'name' in metadata");
  CHECK(errors[2] == "t.yaml:5:3: error: unknown field 'sed' in spec (did you mean 'seed'?)");
  CHECK(errors[3] == "t.yaml:9:16: error: 'spec.cluster.nodePools[0].count' must be >= 0, got -2");
  CHECK(errors[4] == "t.yaml:11:22: error: metadata.name must not be set in the node template of pool 'w' "
                     "(nodes are named w-0, w-1, ...)");
  CHECK(errors[5] == "t.yaml:13:15: error: duplicate node pool name 'w' (first defined at line 8)");
  CHECK(errors[6] == "t.yaml:16:9: error: missing required field 'name' in spec.cluster.nodePools[2]");
  CHECK(errors[7] == "t.yaml:19:7: error: timeline entry has no action (give one of create, arrivals, delete, scale, "
                     "setImage, cordon, uncordon, drain, crashNode, recoverNode, partition, heal, addNodes, "
                     "removeNodes, slowApiServer, apiServerOutage, traffic)");
  CHECK(errors[8] == "t.yaml:20:7: error: timeline entry has more than one action ('create' and 'arrivals') "
                     "(use one entry per action; entries may share the same 'at')");
  CHECK(errors[9] == "t.yaml:23:12: error: check 'pods.pending = 0' has an unknown comparison '=' (write == for "
                     "equality)");
}

TEST_CASE("distributions are checked", "[scenario]") {
  auto errors = scenario_errors(kHeader + R"(spec:
  cluster:
    kubelet:
      sandboxLatency: {distribution: uniform, min: 2s, max: 1s}
      imagePullLatency: {distribution: gaussian, mean: 1s}
      containerStartLatency: {distribution: exponential, mean: 1s, stddev: 1s}
  controlPlane:
    apiServer:
      watchDelay: {distribution: lognormal, median: 1ms, sigma: -1}
      latency:
        get: -1ms
        list: {distribution: normal, mean: 1ms}
        create: [1ms]
)");
  REQUIRE(errors.size() == 7);
  CHECK(errors[0] == "t.yaml:8:23: error: uniform distribution 'spec.cluster.kubelet.sandboxLatency' has min 2s "
                     "greater than max 1s");
  CHECK(errors[1] == "t.yaml:9:40: error: 'spec.cluster.kubelet.imagePullLatency.distribution' must be one of "
                     "constant, uniform, exponential, normal, lognormal; got 'gaussian'");
  CHECK(errors[2] == "t.yaml:10:68: error: 'stddev' is not a parameter of the exponential distribution "
                     "(its parameters are mean)");
  CHECK(errors[3] == "t.yaml:13:65: error: 'spec.controlPlane.apiServer.watchDelay.sigma' must be >= 0, got -1");
  CHECK(errors[4] == "t.yaml:15:14: error: 'spec.controlPlane.apiServer.latency.get' must be >= 0, got '-1ms'");
  CHECK(errors[5] ==
        "t.yaml:16:15: error: missing required field 'stddev' in spec.controlPlane.apiServer.latency.list");
  CHECK(errors[6] == "t.yaml:17:17: error: 'spec.controlPlane.apiServer.latency.create' must be a duration or a "
                     "mapping with a 'distribution' key, got a sequence");
}

TEST_CASE("diagnostics come out in file order", "[scenario]") {
  // spec is read before metadata here, and both have problems.
  auto errors = manifest_errors(R"(apiVersion: v1
kind: Pod
metadata:
  nmae: p
spec:
  containerz: []
)");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].starts_with("m.yaml:4:3: error: unknown field 'nmae'"));
  CHECK(errors[1].starts_with("m.yaml:6:3: error: unknown field 'containerz'"));
}

TEST_CASE("null values count as absent and duplicate keys are errors", "[scenario]") {
  auto objects = manifests_ok("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\nspec:\n"
                              "  nodeSelector: ~\n  containers: [{name: c, image: i}]\n");
  REQUIRE(objects.size() == 1);
  CHECK(std::get<api::Pod>(objects[0].object).metadata.labels.empty());

  auto errors = manifest_errors("apiVersion: v1\nkind: Pod\nmetadata: {name: p, name: q}\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "m.yaml:3:21: error: duplicate field 'name' in Pod 'p'");
}

TEST_CASE("odd documents never throw", "[scenario]") {
  for (const char* text : {"", "---\n", "just a string", "[1, 2]", "{a: [}", "- - -", "? [a]\n: b\n", "\t"}) {
    auto s = scenario::parse_scenario(text, "x.yaml");
    CHECK_FALSE(s.has_value());
    auto m = scenario::parse_manifests(text, "x.yaml");
    (void)m;
  }
  CHECK(scenario_errors("") == std::vector<std::string>{"t.yaml: error: scenario file is empty (a scenario starts with "
                                                        "apiVersion: kubesim.io/v1alpha1 and kind: Scenario)"});
}

TEST_CASE("real `kubectl get -o yaml` output loads", "[scenario]") {
  auto objects = manifests_ok(R"(apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: "1"
  creationTimestamp: "2024-05-01T10:00:00Z"
  generation: 1
  labels:
    app: nginx
  name: nginx-deployment
  namespace: default
  resourceVersion: "123456"
  uid: 5f0c7d4e-8b9a-4c3e-a1d2-0f9e8d7c6b5a
  managedFields:
  - apiVersion: apps/v1
    fieldsType: FieldsV1
    manager: kubectl-client-side-apply
    operation: Update
spec:
  progressDeadlineSeconds: 600
  replicas: 3
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app: nginx
  strategy:
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 25%
    type: RollingUpdate
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: nginx
    spec:
      containers:
      - image: nginx:1.14.2
        imagePullPolicy: IfNotPresent
        name: nginx
        ports:
        - containerPort: 80
          protocol: TCP
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
        securityContext:
          allowPrivilegeEscalation: false
        envFrom:
        - configMapRef: {name: cfg}
        lifecycle:
          preStop:
            exec: {command: [sleep, "5"]}
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
      serviceAccount: default
      automountServiceAccountToken: false
      enableServiceLinks: true
      os: {name: linux}
status:
  availableReplicas: 3
  conditions:
  - lastTransitionTime: "2024-05-01T10:00:05Z"
    message: Deployment has minimum availability.
    reason: MinimumReplicasAvailable
    status: "True"
    type: Available
  observedGeneration: 1
  readyReplicas: 3
  replicas: 3
  updatedReplicas: 3
---
apiVersion: v1
kind: Service
metadata:
  name: kubernetes
  namespace: default
spec:
  clusterIP: 10.96.0.1
  clusterIPs:
  - 10.96.0.1
  internalTrafficPolicy: Cluster
  ipFamilies:
  - IPv4
  ipFamilyPolicy: SingleStack
  ports:
  - name: https
    port: 443
    protocol: TCP
    targetPort: 6443
    appProtocol: https
  sessionAffinity: None
  type: ClusterIP
status:
  loadBalancer: {}
---
apiVersion: v1
kind: Node
metadata:
  annotations:
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: kind-worker
    kubernetes.io/os: linux
  name: kind-worker
spec:
  podCIDR: 10.244.1.0/24
  podCIDRs:
  - 10.244.1.0/24
  providerID: kind://docker/kind/kind-worker
status:
  addresses:
  - address: 172.18.0.3
    type: InternalIP
  allocatable:
    cpu: "8"
    ephemeral-storage: 101430960Ki
    hugepages-1Gi: "0"
    hugepages-2Mi: "0"
    memory: 32803756Ki
    pods: "110"
  capacity:
    cpu: "8"
    ephemeral-storage: 101430960Ki
    hugepages-1Gi: "0"
    hugepages-2Mi: "0"
    memory: 32803756Ki
    pods: "110"
  conditions:
  - lastHeartbeatTime: "2024-05-01T10:00:00Z"
    lastTransitionTime: "2024-05-01T09:00:00Z"
    message: kubelet is posting ready status
    reason: KubeletReady
    status: "True"
    type: Ready
  daemonEndpoints:
    kubeletEndpoint:
      Port: 10250
  images:
  - names:
    - docker.io/library/nginx@sha256:abc
    - docker.io/library/nginx:1.14.2
    sizeBytes: 44708492
  nodeInfo:
    architecture: amd64
    kubeletVersion: v1.30.0
)");
  REQUIRE(objects.size() == 3);
  const auto& d = std::get<api::Deployment>(objects[0].object);
  CHECK(d.spec.rolling_update.max_surge == api::IntOrString::from_string("25%"));
  CHECK(d.spec.template_.spec.termination_grace_period_seconds == 30);
  CHECK(d.spec.template_.spec.containers.at(0).resources.requests.empty());
  const auto& svc = std::get<api::Service>(objects[1].object);
  CHECK(svc.spec.ports.at(0).target_port == api::IntOrString::from_int(6443));
  const auto& node = std::get<api::Node>(objects[2].object);
  CHECK(node.status.allocatable.get("memory") == 32803756LL * 1024);
  CHECK(node.status.allocatable.get("hugepages-2Mi") == 0);
  CHECK(node.status.allocatable.get("cpu") == 8000);
  CHECK(node.status.images.at(0).names.size() == 2);
  CHECK(node.is_ready());
}
