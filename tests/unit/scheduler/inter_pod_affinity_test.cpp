#include "support/catch.hpp"
#include "unit/scheduler/topology_fake_handle.hpp"

#include "kubesim/scheduler/plugins/inter_pod_affinity.hpp"

#include <map>

using namespace kubesim;
using namespace kubesim::scheduler;
using namespace kubesim::scheduler::testing;

namespace {

std::unique_ptr<Plugin> make_plugin(TopologyFakeHandle& h, const PluginArgs& args = std::monostate{}) {
  auto p = InterPodAffinity::create(args, h);
  REQUIRE(p.has_value());
  return std::move(p).value();
}

InterPodAffinity& as_ipa(std::unique_ptr<Plugin>& p) { return dynamic_cast<InterPodAffinity&>(*p); }

// PreFilter + Filter on every node; a PreFilter Skip counts as Success on every node.
std::map<std::string, Status> run_filter(TopologyFakeHandle& h, const PodBuilder& pod) {
  auto plugin = make_plugin(h);
  CycleState state;
  PodInfo info = pod.info();
  Status pre = as_ipa(plugin).pre_filter(state, info);
  std::map<std::string, Status> out;
  for (const NodeInfo* n : h.snapshot().nodes()) {
    out[n->name()] = pre.is_skip() ? Status::success() : as_ipa(plugin).filter(state, info, *n);
  }
  return out;
}

// PreScore + Score + NormalizeScore over every node; empty when PreScore skips.
std::map<std::string, std::int64_t> run_score(TopologyFakeHandle& h, const PodBuilder& pod,
                                              const PluginArgs& args = std::monostate{}) {
  auto plugin = make_plugin(h, args);
  CycleState state;
  PodInfo info = pod.info();
  std::vector<const NodeInfo*> nodes = h.all_nodes();
  if (as_ipa(plugin).pre_score(state, info, nodes).is_skip()) {
    return {};
  }
  std::vector<std::int64_t> scores;
  for (const NodeInfo* n : nodes) {
    scores.push_back(as_ipa(plugin).score(state, info, *n));
  }
  as_ipa(plugin).normalize_score(state, info, scores);
  std::map<std::string, std::int64_t> out;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    out[nodes[i]->name()] = scores[i];
  }
  return out;
}

using Scores = std::map<std::string, std::int64_t>;

const api::StringMap kRgChina{{"region", "China"}};
const api::StringMap kRgIndia{{"region", "India"}};
const api::StringMap kAzAz1{{"az", "az1"}};
const api::StringMap kAzAz2{{"az", "az2"}};
const api::StringMap kRgChinaAzAz1{{"region", "China"}, {"az", "az1"}};

// Upstream's TestPreferredAffinity terms.
PodBuilder& stay_with_s1_in_region(PodBuilder& b, std::int32_t w = 5) {
  return b.pod_affinity(false, false, w, in_selector("security", {"S1"}), "region");
}
PodBuilder& stay_with_s2_in_region(PodBuilder& b) {
  return b.pod_affinity(false, false, 6, in_selector("security", {"S2"}), "region");
}
PodBuilder& away_from_s1_in_az(PodBuilder& b) {
  return b.pod_affinity(true, false, 5, in_selector("security", {"S1"}), "az");
}
PodBuilder& away_from_s2_in_az(PodBuilder& b) {
  return b.pod_affinity(true, false, 5, in_selector("security", {"S2"}), "az");
}
PodBuilder& hard_affinity(PodBuilder& b) {
  api::LabelSelector second = exists_selector("security");
  second.match_expressions.push_back({"wrongkey", api::SelectorOperator::DoesNotExist, {}});
  return b.pod_affinity(false, true, 0, in_selector("security", {"S1", "value2"}), "region")
      .pod_affinity(false, true, 0, second, "region");
}

void place(TopologyFakeHandle& h, PodBuilder b, const std::string& node) { h.add_pod(b.node(node).obj()); }

}  // namespace

// --- TestRequiredAffinitySingleNode ------------------------------------------------------------------

namespace {

// One node {region: r1, zone: z11, kubernetes.io/hostname: node1} with one existing pod.
TopologyFakeHandle single_node(const PodBuilder& existing) {
  TopologyFakeHandle h;
  h.add_node("node1", {{"region", "r1"}, {"zone", "z11"}, {"kubernetes.io/hostname", "node1"}});
  h.add_pod(PodBuilder(existing).node("node1").obj());
  return h;
}

Status filter_one(const PodBuilder& existing, const PodBuilder& incoming) {
  TopologyFakeHandle h = single_node(existing);
  return run_filter(h, incoming).at("node1");
}

const std::vector<std::string> kAffinityReason{"node(s) didn't match pod affinity rules"};
const std::vector<std::string> kAntiReason{"node(s) didn't match pod anti-affinity rules"};
const std::vector<std::string> kExistingReason{"node(s) didn't satisfy existing pods anti-affinity rules"};

}  // namespace

TEST_CASE("affinity filter: pod without affinity is skipped", "[scheduler]") {
  TopologyFakeHandle h;
  h.add_node("node1", {{"region", "r1"}});
  auto plugin = make_plugin(h);
  CycleState state;
  CHECK(as_ipa(plugin).pre_filter(state, PodBuilder("p").info()).is_skip());
}

TEST_CASE("affinity filter: required affinity with In / NotIn / Exists matching the existing pod", "[scheduler]") {
  PodBuilder existing = PodBuilder("e").label("service", "securityscan");
  CHECK(filter_one(existing, PodBuilder("p").pod_affinity(false, true, 0,
                                                          in_selector("service", {"securityscan", "value2"}), "region"))
            .is_success());
  api::LabelSelector not_in;
  not_in.match_expressions.push_back({"service", api::SelectorOperator::NotIn, {"securityscan3", "value3"}});
  CHECK(filter_one(existing, PodBuilder("p").pod_affinity(false, true, 0, not_in, "region")).is_success());
  // Several terms, each matching the same pod.
  CHECK(filter_one(existing, PodBuilder("p")
                                 .pod_affinity(false, true, 0, exists_selector("service"), "region")
                                 .pod_affinity(false, true, 0, not_in, "node"))
            .code() == Code::UnschedulableAndUnresolvable);  // "node" is not a label of node1
  CHECK(filter_one(existing, PodBuilder("p")
                                 .pod_affinity(false, true, 0, exists_selector("service"), "region")
                                 .pod_affinity(false, true, 0, not_in, "zone"))
            .is_success());
}

TEST_CASE("affinity filter: required affinity that matches nothing", "[scheduler]") {
  PodBuilder existing = PodBuilder("e").label("service", "securityscan");
  // Different namespace.
  Status ns =
      filter_one(existing, PodBuilder("p").pod_affinity(false, true, 0, in_selector("service", {"securityscan"}),
                                                        "region", {"DiffNameSpace"}));
  CHECK(ns.code() == Code::UnschedulableAndUnresolvable);
  CHECK(ns.reasons() == kAffinityReason);
  // Unmatched selector.
  CHECK(filter_one(existing, PodBuilder("p").pod_affinity(
                                 false, true, 0, in_selector("service", {"antivirusscan", "value2"}), "region"))
            .code() == Code::UnschedulableAndUnresolvable);
  // Requirements are ANDed.
  api::LabelSelector anded = exists_selector("service");
  anded.match_expressions.push_back({"service", api::SelectorOperator::In, {"WrongValue"}});
  CHECK(filter_one(existing, PodBuilder("p").pod_affinity(false, true, 0, anded, "region")).code() ==
        Code::UnschedulableAndUnresolvable);
  // A missing labelSelector matches no pod.
  CHECK(filter_one(existing, PodBuilder("p").pod_affinity(false, true, 0, std::nullopt, "region")).code() ==
        Code::UnschedulableAndUnresolvable);
}

TEST_CASE("affinity filter: namespaceSelector matches on kubernetes.io/metadata.name", "[scheduler]") {
  PodBuilder existing = PodBuilder("e", "team1").label("service", "securityscan");
  api::LabelSelector ns_sel = in_selector("kubernetes.io/metadata.name", {"team1"});
  CHECK(filter_one(
            existing,
            PodBuilder("p", "team2").pod_affinity(false, true, 0, exists_selector("service"), "region", {}, ns_sel))
            .is_success());
  // An empty namespaceSelector selects every namespace.
  CHECK(filter_one(existing,
                   PodBuilder("p", "team2")
                       .pod_affinity(false, true, 0, exists_selector("service"), "region", {}, api::LabelSelector{}))
            .is_success());
  // Without any: the owner's namespace only.
  CHECK(
      filter_one(existing, PodBuilder("p", "team2").pod_affinity(false, true, 0, exists_selector("service"), "region"))
          .code() == Code::UnschedulableAndUnresolvable);
}

TEST_CASE("affinity filter: anti-affinity of the incoming and of existing pods", "[scheduler]") {
  PodBuilder existing = PodBuilder("e").label("service", "securityscan");
  // Satisfies affinity and anti-affinity.
  CHECK(filter_one(existing, PodBuilder("p")
                                 .pod_affinity(false, true, 0, in_selector("service", {"securityscan"}), "region")
                                 .pod_affinity(true, true, 0, in_selector("service", {"antivirusscan"}), "node"))
            .is_success());
  // Satisfies affinity but not anti-affinity.
  Status anti =
      filter_one(existing, PodBuilder("p")
                               .pod_affinity(false, true, 0, in_selector("service", {"securityscan"}), "region")
                               .pod_affinity(true, true, 0, in_selector("service", {"securityscan"}), "zone"));
  CHECK(anti.code() == Code::Unschedulable);
  CHECK(anti.reasons() == kAntiReason);
  // The existing pod's anti-affinity rejects the incoming pod (symmetry), even without its own terms.
  PodBuilder guarded = PodBuilder("e")
                           .label("service", "securityscan")
                           .pod_affinity(true, true, 0, in_selector("security", {"S1"}), "zone");
  Status sym = filter_one(guarded, PodBuilder("p").label("security", "S1"));
  CHECK(sym.code() == Code::Unschedulable);
  CHECK(sym.reasons() == kExistingReason);
  CHECK(filter_one(guarded, PodBuilder("p").label("security", "S2")).is_success());
  // A term whose key the node lacks cannot conflict.
  PodBuilder keyless = PodBuilder("e").pod_affinity(true, true, 0, in_selector("security", {"S1"}), "rack");
  CHECK(filter_one(keyless, PodBuilder("p").label("security", "S1")).is_success());
}

TEST_CASE("affinity filter: terms are checked per topology domain", "[scheduler]") {
  TopologyFakeHandle h;
  h.add_node("node1", {{"region", "r1"}, {"zone", "z11"}});
  h.add_node("node2", {{"region", "r1"}, {"zone", "z12"}});
  h.add_node("node3", {{"region", "r2"}, {"zone", "z21"}});
  h.add_node("node4", {{"zone", "z22"}});
  place(h, PodBuilder("e").label("app", "db"), "node1");
  auto results = run_filter(h, PodBuilder("p").pod_affinity(false, true, 0, in_selector("app", {"db"}), "region"));
  CHECK(results.at("node1").is_success());
  CHECK(results.at("node2").is_success());
  CHECK(results.at("node3").code() == Code::UnschedulableAndUnresolvable);
  CHECK(results.at("node4").code() == Code::UnschedulableAndUnresolvable);  // missing key

  auto anti = run_filter(h, PodBuilder("p").pod_affinity(true, true, 0, in_selector("app", {"db"}), "region"));
  CHECK(anti.at("node1").code() == Code::Unschedulable);
  CHECK(anti.at("node2").code() == Code::Unschedulable);
  CHECK(anti.at("node3").is_success());
  CHECK(anti.at("node4").is_success());
}

TEST_CASE("affinity filter: the first pod of a group may go to any node with the keys", "[scheduler]") {
  TopologyFakeHandle h;
  h.add_node("node1", {{"region", "r1"}});
  h.add_node("node2", {{"zone", "z1"}});
  place(h, PodBuilder("other").label("app", "web"), "node1");
  auto self = PodBuilder("p").label("app", "db").pod_affinity(false, true, 0, in_selector("app", {"db"}), "region");
  auto results = run_filter(h, self);
  CHECK(results.at("node1").is_success());
  CHECK(results.at("node2").code() == Code::UnschedulableAndUnresolvable);
  // Not matching its own terms: no exception.
  auto not_self = PodBuilder("p").label("app", "x").pod_affinity(false, true, 0, in_selector("app", {"db"}), "region");
  CHECK(run_filter(h, not_self).at("node1").code() == Code::UnschedulableAndUnresolvable);
  // A matching pod exists elsewhere: the exception no longer applies.
  h.add_node("node3", {{"region", "r3"}});
  place(h, PodBuilder("db-0").label("app", "db"), "node3");
  auto later = run_filter(h, self);
  CHECK(later.at("node1").code() == Code::UnschedulableAndUnresolvable);
  CHECK(later.at("node3").is_success());
  // Terminating pods still count for affinity (upstream counts every pod on the node).
  TopologyFakeHandle h2;
  h2.add_node("node1", {{"region", "r1"}});
  h2.add_node("node2", {{"region", "r2"}});
  h2.add_pod(PodBuilder("db-old").label("app", "db").node("node1").terminating().obj());
  auto with_terminating = run_filter(h2, self);
  CHECK(with_terminating.at("node1").is_success());
  CHECK(with_terminating.at("node2").code() == Code::UnschedulableAndUnresolvable);
}

// --- TestPreferredAffinity -------------------------------------------------------------------------

namespace {

TopologyFakeHandle three_nodes(const api::StringMap& l1, const api::StringMap& l2, const api::StringMap& l3) {
  TopologyFakeHandle h;
  h.add_node("node1", l1);
  h.add_node("node2", l2);
  h.add_node("node3", l3);
  return h;
}

}  // namespace

TEST_CASE("affinity score: no affinity anywhere is skipped", "[scheduler]") {
  TopologyFakeHandle h = three_nodes(kRgChina, kRgIndia, kAzAz1);
  CHECK(run_score(h, PodBuilder("p").label("security", "S1")).empty());
}

TEST_CASE("affinity score: preferred affinity of the incoming pod", "[scheduler]") {
  {
    TopologyFakeHandle h = three_nodes(kRgChina, kRgIndia, kAzAz1);
    place(h, PodBuilder("e1").label("security", "S1"), "node1");
    place(h, PodBuilder("e2").label("security", "S2"), "node2");
    place(h, PodBuilder("e3").label("security", "S1"), "node3");
    PodBuilder pod("p");
    pod.label("security", "S1");
    CHECK(run_score(h, stay_with_s1_in_region(pod)) == Scores{{"node1", 100}, {"node2", 0}, {"node3", 0}});
  }
  {
    TopologyFakeHandle h = three_nodes(kRgChina, kRgChinaAzAz1, kRgIndia);
    place(h, PodBuilder("e1").label("security", "S1"), "node1");
    PodBuilder pod("p");
    CHECK(run_score(h, stay_with_s1_in_region(pod)) == Scores{{"node1", 100}, {"node2", 100}, {"node3", 0}});
  }
  {
    TopologyFakeHandle h;
    h.add_node("node1", kRgChina);
    h.add_node("node2", kRgIndia);
    h.add_node("node3", kRgChina);
    h.add_node("node4", kRgChina);
    h.add_node("node5", kRgIndia);
    for (const char* n : {"node1", "node1", "node2", "node3", "node4", "node5"}) {
      place(h, PodBuilder(std::string("e-") + n + std::to_string(h.node(n).pod_count())).label("security", "S2"), n);
    }
    PodBuilder pod("p");
    pod.label("security", "S1");
    CHECK(run_score(h, stay_with_s2_in_region(pod)) ==
          Scores{{"node1", 100}, {"node2", 0}, {"node3", 100}, {"node4", 100}, {"node5", 0}});
  }
}

TEST_CASE("affinity score: different operators, including match failures", "[scheduler]") {
  TopologyFakeHandle h = three_nodes(kRgChina, kRgIndia, kAzAz1);
  place(h, PodBuilder("e1").label("security", "S1"), "node1");
  place(h, PodBuilder("e2").label("security", "S2"), "node2");
  place(h, PodBuilder("e3").label("security", "S1"), "node3");
  api::LabelSelector first;
  first.match_expressions.push_back({"security", api::SelectorOperator::NotIn, {"S1"}});
  first.match_expressions.push_back({"security", api::SelectorOperator::In, {"S2"}});
  api::LabelSelector second = exists_selector("security");
  second.match_expressions.push_back({"wrongkey", api::SelectorOperator::DoesNotExist, {}});
  auto pod = PodBuilder("p")
                 .label("security", "S1")
                 .pod_affinity(false, false, 8, first, "region")
                 .pod_affinity(false, false, 2, second, "region");
  // China: 2, India: 8 + 2 = 10, node3 has no region: 0 → (2 − 0)/(10 − 0) = 20.
  CHECK(run_score(h, pod) == Scores{{"node1", 20}, {"node2", 100}, {"node3", 0}});
}

TEST_CASE("affinity score: symmetry of existing pods' preferred and required terms", "[scheduler]") {
  {
    TopologyFakeHandle h = three_nodes(kRgChina, kRgIndia, kAzAz1);
    PodBuilder e1("e1");
    e1.label("security", "S1");
    PodBuilder e2("e2");
    e2.label("security", "S2");
    place(h, stay_with_s1_in_region(e1), "node1");
    place(h, stay_with_s2_in_region(e2), "node2");
    CHECK(run_score(h, PodBuilder("p").label("security", "S2")) == Scores{{"node1", 0}, {"node2", 100}, {"node3", 0}});
  }
  {
    TopologyFakeHandle h = three_nodes(kRgChina, kRgIndia, kAzAz1);
    PodBuilder e1("e1");
    e1.label("security", "S1");
    PodBuilder e2("e2");
    e2.label("security", "S2");
    place(h, hard_affinity(e1), "node1");
    place(h, hard_affinity(e2), "node2");
    auto pod = PodBuilder("p").label("security", "S1");
    CHECK(run_score(h, pod) == Scores{{"node1", 100}, {"node2", 100}, {"node3", 0}});
    // hardPodAffinityWeight 0 drops the required terms: nothing recorded, Skip.
    InterPodAffinityArgs args;
    args.hard_pod_affinity_weight = 0;
    CHECK(run_score(h, pod, args).empty());
  }
}

TEST_CASE("affinity score: preferred anti-affinity", "[scheduler]") {
  {
    TopologyFakeHandle h;
    h.add_node("node1", kAzAz1);
    h.add_node("node2", kRgChina);
    place(h, PodBuilder("e1").label("security", "S1"), "node1");
    place(h, PodBuilder("e2").label("security", "S2"), "node2");
    PodBuilder pod("p");
    pod.label("security", "S1");
    CHECK(run_score(h, away_from_s1_in_az(pod)) == Scores{{"node1", 0}, {"node2", 100}});
  }
  {
    TopologyFakeHandle h;
    h.add_node("node1", kAzAz1);
    h.add_node("node2", kAzAz2);
    PodBuilder e1("e1");
    e1.label("security", "S1");
    PodBuilder e2("e2");
    e2.label("security", "S2");
    place(h, away_from_s2_in_az(e1), "node1");
    place(h, away_from_s1_in_az(e2), "node2");
    CHECK(run_score(h, PodBuilder("p").label("security", "S2")) == Scores{{"node1", 0}, {"node2", 100}});
  }
}

TEST_CASE("affinity score: affinity, anti-affinity and symmetry together", "[scheduler]") {
  TopologyFakeHandle h;
  h.add_node("node1", kRgChina);
  h.add_node("node2", kAzAz1);
  h.add_node("node3", kRgIndia);
  h.add_node("node4", kAzAz2);
  place(h, PodBuilder("e1").label("security", "S1"), "node1");
  place(h, PodBuilder("e2").label("security", "S2"), "node2");
  PodBuilder e3("e3");
  stay_with_s1_in_region(e3, 8);
  away_from_s2_in_az(e3);
  place(h, e3, "node3");
  PodBuilder e4("e4");
  place(h, away_from_s1_in_az(e4), "node4");
  PodBuilder pod("p");
  pod.label("security", "S1");
  stay_with_s1_in_region(pod, 8);
  away_from_s2_in_az(pod);
  // Weights per node: 8, −5, 8, −5.
  CHECK(run_score(h, pod) == Scores{{"node1", 100}, {"node2", 0}, {"node3", 100}, {"node4", 0}});
}

TEST_CASE("affinity score: negative totals normalize over the true minimum", "[scheduler]") {
  TopologyFakeHandle h = three_nodes({{"zone", "a"}}, {{"zone", "b"}}, {{"zone", "c"}});
  place(h, PodBuilder("e1").label("app", "x"), "node1");
  place(h, PodBuilder("e2").label("app", "x"), "node1");
  place(h, PodBuilder("e3").label("app", "x"), "node2");
  auto pod = PodBuilder("p").pod_affinity(true, false, 10, in_selector("app", {"x"}), "zone");
  // Raw: −20, −10, 0 → 0, 50, 100.
  CHECK(run_score(h, pod) == Scores{{"node1", 0}, {"node2", 50}, {"node3", 100}});
}

TEST_CASE("affinity score: existing pods' terms, namespaces and ignorePreferredTermsOfExistingPods", "[scheduler]") {
  TopologyFakeHandle h;
  h.add_node("node1", kRgChina);
  h.add_node("node2", kRgIndia);
  // A preferred term of an existing pod in "team1" whose namespaceSelector picks "team2".
  place(h,
        PodBuilder("e1", "team1")
            .label("security", "S1")
            .pod_affinity(false, false, 5, in_selector("security", {"S1"}), "region", {},
                          in_selector("kubernetes.io/metadata.name", {"team2"})),
        "node1");
  auto pod = PodBuilder("p", "team2").label("security", "S1");
  CHECK(run_score(h, pod) == Scores{{"node1", 100}, {"node2", 0}});
  CHECK(run_score(h, PodBuilder("q", "team3").label("security", "S1")).empty());

  InterPodAffinityArgs ignore;
  ignore.ignore_preferred_terms_of_existing_pods = true;
  CHECK(run_score(h, pod, ignore).empty());
  // The option only short-cuts pods without preferred terms: once the pod has one, existing pods'
  // terms count again (upstream PreScore).
  auto own =
      PodBuilder("p", "team2").label("security", "S1").pod_affinity(true, false, 1, exists_selector("nope"), "region");
  CHECK(run_score(h, own, ignore) == Scores{{"node1", 100}, {"node2", 0}});
}

TEST_CASE("affinity score: nodes without labels contribute nothing", "[scheduler]") {
  TopologyFakeHandle h;
  h.add_node("node1", {});
  h.add_node("node2", kRgChina);
  place(h, PodBuilder("e1").label("security", "S1"), "node1");
  PodBuilder pod("p");
  CHECK(run_score(h, stay_with_s1_in_region(pod)).empty());
}

TEST_CASE("affinity args are validated like upstream", "[scheduler]") {
  TopologyFakeHandle h;
  CHECK(InterPodAffinity::create(std::monostate{}, h).has_value());
  InterPodAffinityArgs args;
  args.hard_pod_affinity_weight = 100;
  CHECK(InterPodAffinity::create(args, h).has_value());
  args.hard_pod_affinity_weight = 101;
  auto bad = InterPodAffinity::create(args, h);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error() == "hardPodAffinityWeight: Invalid value: 101: not in valid range [0, 100]");
  args.hard_pod_affinity_weight = -1;
  CHECK(InterPodAffinity::validate(args).has_value());
  CHECK_FALSE(InterPodAffinity::create(PodTopologySpreadArgs{}, h).has_value());
}

// --- PreFilterExtensions: AddPod / RemovePod (upstream TestPreFilterStateAddRemovePod) ---------------

namespace {

// node1 and node2 in region r1, node3 in region r2.
TopologyFakeHandle two_regions() {
  TopologyFakeHandle h;
  h.add_node("node1", {{"region", "r1"}, {"kubernetes.io/hostname", "node1"}});
  h.add_node("node2", {{"region", "r1"}, {"kubernetes.io/hostname", "node2"}});
  h.add_node("node3", {{"region", "r2"}, {"kubernetes.io/hostname", "node3"}});
  return h;
}

std::map<std::string, Code> filter_all(TopologyFakeHandle& h, InterPodAffinity& pl, const CycleState& state,
                                       const PodInfo& pod) {
  std::map<std::string, Code> out;
  for (const NodeInfo* n : h.snapshot().nodes()) {
    out[n->name()] = pl.filter(state, pod, *n).code();
  }
  return out;
}

using Codes = std::map<std::string, Code>;
constexpr Code kOk = Code::Success;

}  // namespace

TEST_CASE("affinity extensions: the incoming pod's anti-affinity follows added and removed pods", "[scheduler]") {
  TopologyFakeHandle h = two_regions();
  place(h, PodBuilder("db-0").label("app", "db"), "node1");
  auto plugin = make_plugin(h);
  InterPodAffinity& pl = as_ipa(plugin);
  PodInfo pod = PodBuilder("p").pod_affinity(true, true, 0, in_selector("app", {"db"}), "region").info();
  CycleState state;
  REQUIRE(pl.pre_filter(state, pod).is_success());
  CHECK(filter_all(h, pl, state, pod) ==
        Codes{{"node1", Code::Unschedulable}, {"node2", Code::Unschedulable}, {"node3", kOk}});

  CycleState clone = state.clone();
  REQUIRE(pl.remove_pod(clone, pod, h.node("node1").pods[0], h.node("node1")).is_success());
  CHECK(filter_all(h, pl, clone, pod) == Codes{{"node1", kOk}, {"node2", kOk}, {"node3", kOk}});
  REQUIRE(pl.add_pod(clone, pod, PodBuilder("db-1").label("app", "db").info(), h.node("node3")).is_success());
  CHECK(filter_all(h, pl, clone, pod) == Codes{{"node1", kOk}, {"node2", kOk}, {"node3", Code::Unschedulable}});
  // A pod that does not match the term changes nothing.
  REQUIRE(pl.add_pod(clone, pod, PodBuilder("web").label("app", "web").info(), h.node("node1")).is_success());
  CHECK(pl.filter(clone, pod, h.node("node1")).is_success());
  // The original state is untouched.
  CHECK(pl.filter(state, pod, h.node("node1")).code() == Code::Unschedulable);
  CHECK(pl.filter(state, pod, h.node("node3")).is_success());
}

TEST_CASE("affinity extensions: existing pods' anti-affinity follows added and removed pods", "[scheduler]") {
  TopologyFakeHandle h = two_regions();
  PodBuilder guard = PodBuilder("guard").pod_affinity(true, true, 0, in_selector("app", {"web"}), "region");
  place(h, guard, "node3");
  auto plugin = make_plugin(h);
  InterPodAffinity& pl = as_ipa(plugin);
  PodInfo pod = PodBuilder("p").label("app", "web").info();
  CycleState state;
  REQUIRE(pl.pre_filter(state, pod).is_success());  // an existing term matches: no Skip
  CHECK(pl.filter(state, pod, h.node("node3")).code() == Code::Unschedulable);

  REQUIRE(pl.remove_pod(state, pod, h.node("node3").pods[0], h.node("node3")).is_success());
  CHECK(filter_all(h, pl, state, pod) == Codes{{"node1", kOk}, {"node2", kOk}, {"node3", kOk}});
  REQUIRE(pl.add_pod(state, pod, PodBuilder(guard).info(), h.node("node2")).is_success());
  CHECK(filter_all(h, pl, state, pod) ==
        Codes{{"node1", Code::Unschedulable}, {"node2", Code::Unschedulable}, {"node3", kOk}});
}

TEST_CASE("affinity extensions: removing the last matching pod deletes its count", "[scheduler]") {
  // The pod has affinity to app=db and is itself a db pod. With db-0 on node1 it must join r1; once
  // db-0 is removed no pod matches, the count is deleted (as upstream, not left at 0), and the
  // first-pod-of-a-group exception lets it go anywhere.
  TopologyFakeHandle h = two_regions();
  place(h, PodBuilder("db-0").label("app", "db"), "node1");
  auto plugin = make_plugin(h);
  InterPodAffinity& pl = as_ipa(plugin);
  PodInfo pod =
      PodBuilder("p").label("app", "db").pod_affinity(false, true, 0, in_selector("app", {"db"}), "region").info();
  CycleState state;
  REQUIRE(pl.pre_filter(state, pod).is_success());
  CHECK(pl.filter(state, pod, h.node("node3")).code() == Code::UnschedulableAndUnresolvable);
  REQUIRE(pl.remove_pod(state, pod, h.node("node1").pods[0], h.node("node1")).is_success());
  CHECK(filter_all(h, pl, state, pod) == Codes{{"node1", kOk}, {"node2", kOk}, {"node3", kOk}});
  REQUIRE(pl.add_pod(state, pod, PodBuilder("db-1").label("app", "db").info(), h.node("node3")).is_success());
  CHECK(filter_all(h, pl, state, pod) == Codes{{"node1", Code::UnschedulableAndUnresolvable},
                                               {"node2", Code::UnschedulableAndUnresolvable},
                                               {"node3", kOk}});
}

TEST_CASE("affinity extensions: without PreFilter state AddPod is an error", "[scheduler]") {
  TopologyFakeHandle h = two_regions();
  auto plugin = make_plugin(h);
  CycleState empty;
  PodInfo pod = PodBuilder("p").info();
  Status s = as_ipa(plugin).add_pod(empty, pod, PodBuilder("q").info(), h.node("node1"));
  CHECK(s.code() == Code::Error);
  CHECK(s.reasons() == std::vector<std::string>{"reading \"PreFilterInterPodAffinity\" from cycleState: not found"});
}
