#include "support/catch.hpp"

#include "kubesim/scheduler/plugins/default_binder.hpp"
#include "kubesim/scheduler/plugins/default_preemption.hpp"
#include "kubesim/scheduler/plugins/inter_pod_affinity.hpp"
#include "kubesim/scheduler/plugins/node_resources_fit.hpp"
#include "kubesim/scheduler/plugins/node_unschedulable.hpp"
#include "kubesim/scheduler/plugins/pod_topology_spread.hpp"
#include "kubesim/scheduler/plugins/priority_sort.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace kubesim;
using namespace kubesim::scheduler;

namespace {

// A handle that runs a small real profile's filters (NodeUnschedulable, NodeResourcesFit, and the
// topology plugins when asked) and records what preemption asks of the scheduler.
class PreemptionHandle final : public FrameworkHandle {
 public:
  explicit PreemptionHandle(DefaultPreemptionArgs args = {}, bool topology = false) {
    ProfileConfig p;
    p.at(ExtensionPoint::MultiPoint).enabled = {{std::string(PrioritySort::kName), 0},
                                                {std::string(NodeUnschedulable::kName), 0},
                                                {std::string(NodeResourcesFit::kName), 1},
                                                {std::string(DefaultPreemption::kName), 0},
                                                {std::string(DefaultBinder::kName), 0}};
    if (topology) {
      p.at(ExtensionPoint::MultiPoint).enabled.push_back({std::string(PodTopologySpread::kName), 2});
      p.at(ExtensionPoint::MultiPoint).enabled.push_back({std::string(InterPodAffinity::kName), 2});
    }
    p.plugin_config[std::string(DefaultPreemption::kName)] = args;
    auto fw = Framework::create(p, default_registry(), *this);
    REQUIRE(fw.has_value());
    fw_ = std::make_unique<Framework>(std::move(fw.value()));
  }
  [[nodiscard]] const Snapshot& snapshot() const override { return snapshot_; }
  [[nodiscard]] const ClusterObjects& objects() const override { return objects_; }
  base::Rng& rng() override { return rng_; }
  void bind_pod(const api::Pod& /*pod*/, const std::string& /*node_name*/) override {}
  // As Scheduler::run_filter_with_nominated: the nominated pods go into a copy of the node and, through
  // the PreFilter extensions, into a clone of the state.
  Status run_filter_with_nominated(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override {
    auto it = nominated.find(node.name());
    if (it != nominated.end()) {
      NodeInfo with = node;
      CycleState with_state = state.clone();
      for (const PodInfo& p : it->second) {
        if (p.get().priority() >= pod.get().priority()) {
          with.add_pod(p);
          if (Status s = run_pre_filter_extension_add_pod(with_state, pod, p, with); !s.is_success()) {
            return s;
          }
        }
      }
      if (Status s = fw_->run_filter(with_state, pod, with); !s.is_success()) {
        return s;
      }
    }
    return fw_->run_filter(state, pod, node);
  }
  void preempt(const api::Pod& /*preemptor*/, const std::string& node,
               std::span<const std::shared_ptr<const api::Pod>> victims) override {
    preempted_node = node;
    for (const auto& v : victims) {
      preempted.push_back(v->metadata.name);
    }
  }
  void clear_nominated_node(const api::Pod& /*pod*/) override { cleared = true; }

  Framework& framework() { return *fw_; }
  NodeInfo& add_node(const std::string& name, std::int64_t cpu, bool unschedulable = false,
                     api::StringMap labels = {}) {
    auto n = std::make_shared<api::Node>();
    n->metadata.name = name;
    n->metadata.labels = std::move(labels);
    n->metadata.labels.set(std::string(api::kLabelHostname), name);
    n->spec.unschedulable = unschedulable;
    n->status.allocatable.set("cpu", cpu);
    n->status.allocatable.set("memory", 8LL << 30);
    n->status.allocatable.set("pods", 110);
    return snapshot_.upsert_node(n);
  }
  NodeInfo& node(const std::string& name) { return *snapshot_.find(name); }

  /// Runs PreFilter and Filter on every node, then PostFilter, as the scheduler does.
  Status schedule(const PodInfo& pod, PostFilterResult& result) {
    CycleState state;
    REQUIRE(fw_->run_pre_filter(state, pod).is_success());
    std::vector<NodeStatus> statuses;
    for (const NodeInfo* n : snapshot_.nodes()) {
      Status s = run_filter_with_nominated(state, pod, *n);
      REQUIRE(!s.is_success());
      statuses.push_back({n, s});
    }
    return fw_->run_post_filter(state, pod, statuses, result);
  }

  ClusterObjects objects_;
  std::map<std::string, std::vector<PodInfo>> nominated;
  std::string preempted_node;
  std::vector<std::string> preempted;
  bool cleared = false;

 private:
  Snapshot snapshot_;
  base::Rng rng_{7};
  std::unique_ptr<Framework> fw_;
};

std::shared_ptr<api::Pod> make_pod(const std::string& name, std::int32_t priority, std::int64_t cpu,
                                   std::int64_t start_s = 0) {
  auto p = std::make_shared<api::Pod>();
  p->metadata.name = name;
  p->metadata.namespace_ = "default";
  p->metadata.uid = "uid-" + name;
  p->spec.priority = priority;
  p->spec.scheduler_name = "default-scheduler";
  api::Container c;
  c.name = "c";
  c.image = "i";
  c.resources.requests.set("cpu", cpu);
  p->spec.containers.push_back(c);
  p->status.start_time = base::SimTime::from_nanos(start_s * 1'000'000'000);
  return p;
}

void place(NodeInfo& node, const std::shared_ptr<api::Pod>& p) {
  p->spec.node_name = node.name();
  node.add_pod(PodInfo::from(p));
}

std::shared_ptr<const api::PodDisruptionBudget> pdb(const std::string& ns, std::map<std::string, std::string> labels,
                                                    std::int32_t allowed, std::vector<std::string> disrupted = {}) {
  auto b = std::make_shared<api::PodDisruptionBudget>();
  b->metadata.name = "pdb";
  b->metadata.namespace_ = ns;
  api::LabelSelector sel;
  for (auto& [k, v] : labels) {
    sel.match_labels.set(k, v);
  }
  b->spec.selector = sel;
  b->status.disruptions_allowed = allowed;
  b->status.disrupted_pods = std::move(disrupted);
  return b;
}

DefaultPreemption::Victims victims_of(std::vector<std::pair<std::int32_t, std::int64_t>> prio_start,
                                      std::int32_t violations = 0) {
  DefaultPreemption::Victims v;
  int i = 0;
  for (auto [prio, start] : prio_start) {
    v.pods.push_back(make_pod("v" + std::to_string(i++), prio, 100, start));
  }
  v.num_pdb_violations = violations;
  return v;
}

}  // namespace

TEST_CASE("DefaultPreemption: args, defaults and validation", "[default_preemption]") {
  PreemptionHandle h;
  auto def = DefaultPreemption::create(std::monostate{}, h);
  REQUIRE(def.has_value());
  auto& dp = dynamic_cast<DefaultPreemption&>(*def.value());
  CHECK(dp.num_candidates(10) == 10);     // at least 100, at most the node count
  CHECK(dp.num_candidates(5000) == 500);  // 10 %

  auto custom = DefaultPreemption::create(DefaultPreemptionArgs{40, 2}, h);
  REQUIRE(custom.has_value());
  auto& c = dynamic_cast<DefaultPreemption&>(*custom.value());
  CHECK(c.num_candidates(10) == 4);
  CHECK(c.num_candidates(3) == 2);
  CHECK(c.num_candidates(1) == 1);

  auto bad = DefaultPreemption::create(DefaultPreemptionArgs{101, 1}, h);
  REQUIRE(!bad.has_value());
  CHECK(bad.error() == "minCandidateNodesPercentage: Invalid value: 101: not in valid range [0, 100]");
  auto zeros = DefaultPreemption::create(DefaultPreemptionArgs{0, 0}, h);
  REQUIRE(!zeros.has_value());
  CHECK(zeros.error().find("cannot be zero at the same time as minCandidateNodesAbsolute") != std::string::npos);
  auto wrong = DefaultPreemption::create(NodeAffinityArgs{}, h);
  REQUIRE(!wrong.has_value());
  CHECK(wrong.error() == "want args to be of type DefaultPreemptionArgs, got *config.NodeAffinityArgs");
}

TEST_CASE("DefaultPreemption: MoreImportantPod", "[default_preemption]") {
  auto hi = make_pod("hi", 10, 100, 50);
  auto lo_old = make_pod("lo-old", 1, 100, 10);
  auto lo_new = make_pod("lo-new", 1, 100, 20);
  auto lo_unstarted = make_pod("lo-unstarted", 1, 100);
  lo_unstarted->status.start_time.reset();
  CHECK(DefaultPreemption::more_important(*hi, *lo_old));
  CHECK(DefaultPreemption::more_important(*lo_old, *lo_new));
  CHECK_FALSE(DefaultPreemption::more_important(*lo_new, *lo_old));
  CHECK(DefaultPreemption::more_important(*lo_new, *lo_unstarted));  // unstarted counts as "now"
}

TEST_CASE("DefaultPreemption: PDB violation accounting", "[default_preemption]") {
  ClusterObjects objects;
  objects.pdbs["default/pdb"] = pdb("default", {{"app", "foo"}}, 1, {"p3"});
  auto label = [](std::shared_ptr<api::Pod> p, const std::string& app) {
    p->metadata.labels.set("app", app);
    return PodInfo::from(p);
  };
  std::vector<PodInfo> pods = {label(make_pod("p1", 1, 100), "foo"), label(make_pod("p2", 1, 100), "foo"),
                               label(make_pod("p3", 1, 100), "foo"), label(make_pod("p4", 1, 100), "bar"),
                               PodInfo::from(make_pod("p5", 1, 100))};
  auto [violating, ok] = DefaultPreemption::split_by_pdb_violation(pods, objects);
  REQUIRE(violating.size() == 1);
  CHECK(violating[0].get().metadata.name == "p2");  // p1 used the one allowed disruption
  REQUIRE(ok.size() == 4);
  CHECK(ok[1].get().metadata.name == "p3");  // already in disruptedPods: not counted

  // An empty selector matches nothing in preemption; another namespace's PDB does not apply.
  objects.pdbs["default/pdb"] = pdb("default", {}, 0);
  objects.pdbs["other/pdb"] = pdb("other", {{"app", "foo"}}, 0);
  CHECK(DefaultPreemption::split_by_pdb_violation(pods, objects).first.empty());
}

TEST_CASE("DefaultPreemption: SelectVictimsOnNode reprieves the most important pods", "[default_preemption]") {
  PreemptionHandle h;
  NodeInfo& n = h.add_node("n1", 4000);
  place(n, make_pod("low1", 1, 1000, 1));
  place(n, make_pod("low2", 2, 2000, 2));
  place(n, make_pod("high", 100, 1000, 3));
  auto dp = DefaultPreemption::create(std::monostate{}, h);
  auto& plugin = dynamic_cast<DefaultPreemption&>(*dp.value());
  PodInfo preemptor = PodInfo::from(make_pod("p", 50, 2000));
  CycleState state;
  REQUIRE(h.framework().run_pre_filter(state, preemptor).is_success());

  SECTION("no PDB: low2 (priority 2) is tried first and must go; low1 comes back") {
    NodeInfo copy = n;
    DefaultPreemption::Victims v;
    REQUIRE(plugin.select_victims_on_node(state, preemptor, copy, v).is_success());
    REQUIRE(v.pods.size() == 1);
    CHECK(v.pods[0]->metadata.name == "low2");
    CHECK(v.num_pdb_violations == 0);
    CHECK(copy.pod_count() == 2);
  }
  SECTION("a PDB-protected victim counts as a violation") {
    auto low2 = std::const_pointer_cast<api::Pod>(n.pods[1].pod);
    low2->metadata.labels.set("app", "db");
    n.pods[1] = PodInfo::from(low2);
    h.objects_.pdbs["default/pdb"] = pdb("default", {{"app", "db"}}, 0);
    NodeInfo copy = n;
    DefaultPreemption::Victims v;
    REQUIRE(plugin.select_victims_on_node(state, preemptor, copy, v).is_success());
    REQUIRE(v.pods.size() == 1);
    CHECK(v.pods[0]->metadata.name == "low2");
    CHECK(v.num_pdb_violations == 1);
  }
  SECTION("nothing of lower priority") {
    PodInfo weak = PodInfo::from(make_pod("weak", 1, 2000));
    NodeInfo copy = n;
    DefaultPreemption::Victims v;
    Status s = plugin.select_victims_on_node(state, weak, copy, v);
    CHECK(s.code() == Code::UnschedulableAndUnresolvable);
    CHECK(s.reasons() == std::vector<std::string>{"No preemption victims found for incoming pod"});
  }
  SECTION("still no fit with every lower-priority pod gone") {
    PodInfo big = PodInfo::from(make_pod("big", 50, 3500));
    NodeInfo copy = n;
    DefaultPreemption::Victims v;
    Status s = plugin.select_victims_on_node(state, big, copy, v);
    CHECK(s.code() == Code::Unschedulable);
    CHECK(s.reasons() == std::vector<std::string>{"Insufficient cpu"});
  }
}

TEST_CASE("DefaultPreemption: pickOneNodeForPreemption criteria", "[default_preemption]") {
  using C = DefaultPreemption::Candidate;
  // (a) fewest PDB violations
  std::vector<C> a = {{"n0", victims_of({{1, 0}}, 1)}, {"n1", victims_of({{5, 0}, {5, 0}}, 0)}};
  CHECK(DefaultPreemption::pick_one_node(a) == 1);
  // (b) lowest highest victim priority
  std::vector<C> b = {{"n0", victims_of({{5, 0}})}, {"n1", victims_of({{3, 0}, {3, 0}})}};
  CHECK(DefaultPreemption::pick_one_node(b) == 1);
  // (c) smallest sum of priorities (+2^31 each, so fewer negative-priority pods win)
  std::vector<C> c = {{"n0", victims_of({{-5, 0}, {-5, 0}})}, {"n1", victims_of({{-5, 0}})}};
  CHECK(DefaultPreemption::pick_one_node(c) == 1);
  std::vector<C> c2 = {{"n0", victims_of({{3, 0}, {2, 0}})}, {"n1", victims_of({{3, 0}, {1, 0}})}};
  CHECK(DefaultPreemption::pick_one_node(c2) == 1);
  // (e) latest earliest start time among the highest-priority victims
  std::vector<C> e = {{"n0", victims_of({{3, 10}, {3, 40}})}, {"n1", victims_of({{3, 20}, {3, 30}})}};
  CHECK(DefaultPreemption::pick_one_node(e) == 1);
  // (f) full tie: the first candidate
  std::vector<C> f = {{"n0", victims_of({{3, 10}})}, {"n1", victims_of({{3, 10}})}};
  CHECK(DefaultPreemption::pick_one_node(f) == 0);
}

TEST_CASE("DefaultPreemption: PostFilter outcomes and messages", "[default_preemption]") {
  PreemptionHandle h;
  NodeInfo& n1 = h.add_node("n1", 2000);
  NodeInfo& n2 = h.add_node("n2", 2000);
  NodeInfo& n3 = h.add_node("n3", 2000);
  place(n1, make_pod("a", 10, 2000, 1));
  place(n2, make_pod("b", 10, 2000, 2));
  place(n3, make_pod("c", 5, 1000, 3));
  place(n3, make_pod("d", 5, 1000, 4));
  PostFilterResult result;

  SECTION("the node whose victims matter least is nominated") {
    Status s = h.schedule(PodInfo::from(make_pod("p", 100, 1500)), result);
    CHECK(s.is_success());
    CHECK(result.nominated_node == "n3");  // priority 5 < 10
    CHECK(h.preempted_node == "n3");
    CHECK(h.preempted == std::vector<std::string>{"c", "d"});  // both, most important (earlier start) first
  }
  SECTION("preemptionPolicy Never") {
    auto p = make_pod("p", 100, 1500);
    p->spec.preemption_policy = api::PreemptionPolicy::Never;
    Status s = h.schedule(PodInfo::from(p), result);
    CHECK(s.code() == Code::Unschedulable);
    CHECK(result.message == "preemption: not eligible due to preemptionPolicy=Never.");
    CHECK(result.nominated_node.empty());
    CHECK_FALSE(h.cleared);
  }
  SECTION("no lower-priority pods anywhere") {
    Status s = h.schedule(PodInfo::from(make_pod("p", 1, 1500)), result);
    CHECK(s.code() == Code::Unschedulable);
    CHECK(result.message == "preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.");
    CHECK(h.cleared);
    CHECK(h.preempted.empty());
  }
  SECTION("too big for any node even when emptied") {
    Status s = h.schedule(PodInfo::from(make_pod("p", 100, 3000)), result);
    CHECK(s.code() == Code::Unschedulable);
    CHECK(result.message == "preemption: 0/3 nodes are available: 3 Insufficient cpu.");
  }
  SECTION("a pod nominated to n3 with higher priority keeps the room") {
    h.nominated["n3"].push_back(PodInfo::from(make_pod("nominee", 200, 1500)));
    Status s = h.schedule(PodInfo::from(make_pod("p", 100, 1500)), result);
    CHECK(s.is_success());
    CHECK(result.nominated_node != "n3");
  }
  SECTION("waiting for a victim terminating on the nominated node") {
    auto c = std::const_pointer_cast<api::Pod>(n3.pods[0].pod);
    c->metadata.deletion_timestamp = base::SimTime::from_nanos(1);
    c->status.set_condition(
        {"DisruptionTarget", api::ConditionStatus::True, "PreemptionByScheduler", "", base::SimTime::from_nanos(1)});
    auto p = make_pod("p", 100, 1500);
    p->status.nominated_node_name = "n3";
    Status s = h.schedule(PodInfo::from(p), result);
    CHECK(s.code() == Code::Unschedulable);
    CHECK(result.message == "preemption: not eligible due to a terminating pod on the nominated node.");
  }
}

TEST_CASE("DefaultPreemption: unresolvable nodes are not candidates", "[default_preemption]") {
  PreemptionHandle h;
  NodeInfo& n1 = h.add_node("n1", 2000, /*unschedulable=*/true);
  place(n1, make_pod("a", 1, 2000, 1));
  h.add_node("n2", 2000, true);
  PostFilterResult result;
  Status s = h.schedule(PodInfo::from(make_pod("p", 100, 1500)), result);
  CHECK(s.code() == Code::Unschedulable);
  CHECK(result.message == "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.");
  CHECK(h.cleared);
}

namespace {

std::shared_ptr<api::Pod> labelled(std::shared_ptr<api::Pod> p, const std::string& app) {
  p->metadata.labels.set("app", app);
  return p;
}

// maxSkew 1 over zones for app=web pods, DoNotSchedule.
std::shared_ptr<api::Pod> spread_web_pod(const std::string& name, std::int32_t priority, std::int64_t cpu) {
  auto p = labelled(make_pod(name, priority, cpu), "web");
  api::TopologySpreadConstraint c;
  c.max_skew = 1;
  c.topology_key = "zone";
  c.when_unsatisfiable = api::UnsatisfiableConstraintAction::DoNotSchedule;
  api::LabelSelector sel;
  sel.match_labels.set("app", "web");
  c.label_selector = sel;
  p->spec.topology_spread_constraints.push_back(c);
  return p;
}

// Required pod anti-affinity to app=`app` on kubernetes.io/hostname.
void anti_affinity_to(api::Pod& p, const std::string& app) {
  api::PodAffinityTerm term;
  api::LabelSelector sel;
  sel.match_labels.set("app", app);
  term.label_selector = sel;
  term.topology_key = std::string(api::kLabelHostname);
  p.spec.affinity.emplace().pod_anti_affinity.emplace().required.push_back(term);
}

}  // namespace

TEST_CASE("DefaultPreemption: topology spread counts follow the dry run (PreFilter extensions)",
          "[default_preemption]") {
  // zone-a: n1 with three low-priority web pods; zone-b: n2, full with a web pod of higher priority.
  // Spread: zone-a 3, zone-b 1, so n1 has skew 3 + 1 - 1 = 3 > 1. Only removing web pods from n1
  // helps, and only two of them have to go: with one left, zone-a has 1 and the skew is 1.
  PreemptionHandle h({}, /*topology=*/true);
  NodeInfo& n1 = h.add_node("n1", 8000, false, {{"zone", "zone-a"}});
  NodeInfo& n2 = h.add_node("n2", 1000, false, {{"zone", "zone-b"}});
  place(n1, labelled(make_pod("w1", 1, 100, 1), "web"));
  place(n1, labelled(make_pod("w2", 2, 100, 2), "web"));
  place(n1, labelled(make_pod("w3", 1, 100, 3), "web"));
  place(n2, labelled(make_pod("guard", 200, 1000, 4), "web"));
  PodInfo preemptor = PodInfo::from(spread_web_pod("p", 100, 500));

  SECTION("the most important web pod is reprieved, the other two are victims") {
    PostFilterResult result;
    Status s = h.schedule(preemptor, result);
    REQUIRE(s.is_success());
    CHECK(result.nominated_node == "n1");
    // w2 (priority 2) is reprieved first; then zone-a would hold 2 again: w1 and w3 go.
    CHECK(h.preempted == std::vector<std::string>{"w1", "w3"});
  }
  SECTION("select_victims_on_node works on the clone; the cycle's state keeps PreFilter's counts") {
    CycleState state;
    REQUIRE(h.framework().run_pre_filter(state, preemptor).is_success());
    CycleState clone = state.clone();
    auto dp = DefaultPreemption::create(std::monostate{}, h);
    auto& plugin = dynamic_cast<DefaultPreemption&>(*dp.value());
    NodeInfo copy = n1;
    DefaultPreemption::Victims v;
    REQUIRE(plugin.select_victims_on_node(clone, preemptor, copy, v).is_success());
    CHECK(v.pods.size() == 2);
    CHECK(PodTopologySpread::pre_filter_match_num(clone, 0, "zone-a") == 1);
    CHECK(PodTopologySpread::pre_filter_match_num(state, 0, "zone-a") == 3);
    CHECK(PodTopologySpread::pre_filter_min_match_num(state, 0) == 1);
  }
}

TEST_CASE("DefaultPreemption: an anti-affinity conflict removed by preemption", "[default_preemption]") {
  PreemptionHandle h({}, /*topology=*/true);
  NodeInfo& n1 = h.add_node("n1", 8000);
  PostFilterResult result;

  SECTION("the incoming pod's anti-affinity: only the matching pod is a victim") {
    place(n1, labelled(make_pod("batch", 1, 100, 1), "batch"));
    place(n1, labelled(make_pod("other", 1, 100, 2), "other"));
    auto p = labelled(make_pod("p", 100, 500), "web");
    anti_affinity_to(*p, "batch");
    REQUIRE(h.schedule(PodInfo::from(p), result).is_success());
    CHECK(result.nominated_node == "n1");
    CHECK(h.preempted == std::vector<std::string>{"batch"});
  }
  SECTION("an existing pod's anti-affinity against the incoming pod") {
    auto guard = labelled(make_pod("guard", 1, 100, 1), "guard");
    anti_affinity_to(*guard, "web");
    place(n1, guard);
    place(n1, labelled(make_pod("other", 1, 100, 2), "other"));
    REQUIRE(h.schedule(PodInfo::from(labelled(make_pod("p", 100, 500), "web")), result).is_success());
    CHECK(h.preempted == std::vector<std::string>{"guard"});
  }
  SECTION("the conflicting pod has higher priority: no candidate") {
    place(n1, labelled(make_pod("batch", 200, 100, 1), "batch"));
    place(n1, labelled(make_pod("other", 1, 100, 2), "other"));
    auto p = labelled(make_pod("p", 100, 500), "web");
    anti_affinity_to(*p, "batch");
    Status s = h.schedule(PodInfo::from(p), result);
    CHECK(s.code() == Code::Unschedulable);
    CHECK(result.message == "preemption: 0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules.");
  }
}

TEST_CASE("DefaultPreemption: nominated pods count in the spread state of the nominated pass", "[default_preemption]") {
  // zone-a (n1) and zone-b (n2) both hold one web pod. A web pod nominated to n1 with higher priority
  // makes zone-a 2 in the first filter pass, so the incoming web pod (maxSkew 1) must not go to n1.
  PreemptionHandle h({}, /*topology=*/true);
  NodeInfo& n1 = h.add_node("n1", 8000, false, {{"zone", "zone-a"}});
  NodeInfo& n2 = h.add_node("n2", 8000, false, {{"zone", "zone-b"}});
  place(n1, labelled(make_pod("a", 1, 100, 1), "web"));
  place(n2, labelled(make_pod("b", 1, 100, 1), "web"));
  h.nominated["n1"].push_back(PodInfo::from(labelled(make_pod("nominee", 200, 100), "web")));
  PodInfo pod = PodInfo::from(spread_web_pod("p", 100, 100));
  CycleState state;
  REQUIRE(h.framework().run_pre_filter(state, pod).is_success());
  Status s1 = h.run_filter_with_nominated(state, pod, n1);
  CHECK(s1.code() == Code::Unschedulable);
  CHECK(s1.reasons() == std::vector<std::string>{std::string(PodTopologySpread::kErrReasonConstraintsNotMatch)});
  CHECK(h.run_filter_with_nominated(state, pod, n2).is_success());
  // The nominee was counted in a clone only.
  CHECK(PodTopologySpread::pre_filter_match_num(state, 0, "zone-a") == 1);
}

TEST_CASE("DefaultPreemption: PreFilter extension errors end the dry run", "[default_preemption]") {
  // A state without PodTopologySpread's PreFilter data but with the plugin listed as an extension:
  // RemovePod fails, and upstream wraps the error.
  PreemptionHandle h({}, /*topology=*/true);
  NodeInfo& n1 = h.add_node("n1", 8000, false, {{"zone", "zone-a"}});
  place(n1, labelled(make_pod("w", 1, 100, 1), "web"));
  PodInfo preemptor = PodInfo::from(spread_web_pod("p", 100, 500));
  CycleState good;
  REQUIRE(h.framework().run_pre_filter(good, preemptor).is_success());
  CycleState bad;
  bad.set_pre_filter_extensions(good.pre_filter_extensions());
  auto dp = DefaultPreemption::create(std::monostate{}, h);
  auto& plugin = dynamic_cast<DefaultPreemption&>(*dp.value());
  NodeInfo copy = n1;
  DefaultPreemption::Victims v;
  Status s = plugin.select_victims_on_node(bad, preemptor, copy, v);
  CHECK(s.code() == Code::Error);
  CHECK(s.reasons() == std::vector<std::string>{"running RemovePod on PreFilter plugin \"PodTopologySpread\": reading "
                                                "\"PreFilterPodTopologySpread\" from cycleState: not found"});
}
