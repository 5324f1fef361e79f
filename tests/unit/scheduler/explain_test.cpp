#include "support/catch.hpp"

#include "kubesim/apiserver/validation.hpp"
#include "kubesim/scheduler/explain.hpp"

#include <memory>

namespace kubesim::scheduler {
namespace {

std::shared_ptr<const api::Node> make_node(const std::string& name, std::int64_t mcpu, bool unschedulable = false) {
  api::Node n;
  n.metadata.name = name;
  n.metadata.labels.set("kubernetes.io/hostname", name);
  n.spec.unschedulable = unschedulable;
  n.status.capacity.set("cpu", mcpu);
  n.status.capacity.set("memory", 16LL << 30);
  n.status.capacity.set("pods", 110);
  api::AnyObject o = std::move(n);
  apiserver::apply_defaults(o);
  return std::make_shared<const api::Node>(std::get<api::Node>(std::move(o)));
}

api::Pod make_pod(const std::string& name, std::int64_t mcpu, const std::string& node = {}) {
  api::Pod p;
  p.metadata.name = name;
  p.metadata.namespace_ = "default";
  p.metadata.uid = "uid-" + name;
  p.spec.scheduler_name = "default-scheduler";
  p.spec.node_name = node;
  api::Container c;
  c.name = "c";
  c.image = "busybox:1.36";
  c.resources.requests.set("cpu", mcpu);
  c.resources.requests.set("memory", 1LL << 30);
  p.spec.containers.push_back(std::move(c));
  api::AnyObject o = std::move(p);
  apiserver::apply_defaults(o);
  return std::get<api::Pod>(std::move(o));
}

}  // namespace

TEST_CASE("explain evaluates every node and picks the best total", "[scheduler][explain]") {
  ExplainInput in;
  in.nodes = {make_node("a", 4000), make_node("b", 4000), make_node("tiny", 500), make_node("off", 8000, true)};
  in.bound_pods.push_back(std::make_shared<const api::Pod>(make_pod("busy", 3000, "a")));
  auto r = explain_schedule(make_pod("web", 1000), in, default_profile());
  REQUIRE(r);
  REQUIRE(r->nodes.size() == 4);
  CHECK(r->pod == "default/web");
  CHECK(r->profile == "default-scheduler");
  CHECK(r->pre_filter.is_success());
  CHECK(r->nodes[0].filter.is_success());
  CHECK(r->nodes[1].filter.is_success());
  CHECK(r->nodes[2].filter.code() == Code::Unschedulable);
  CHECK(r->nodes[2].filter.plugin() == "NodeResourcesFit");
  CHECK(r->nodes[3].filter.code() == Code::UnschedulableAndUnresolvable);
  CHECK(r->nodes[3].filter.plugin() == "NodeUnschedulable");
  CHECK(r->nodes[2].scores.empty());
  CHECK_FALSE(r->nodes[0].scores.empty());
  CHECK(r->nodes[1].total > r->nodes[0].total);  // LeastAllocated prefers the empty node
  CHECK(r->selected == "b");
  CHECK(r->message.empty());
}

TEST_CASE("explain scores a single feasible node", "[scheduler][explain]") {
  ExplainInput in;
  in.nodes = {make_node("only", 4000), make_node("tiny", 100)};
  auto r = explain_schedule(make_pod("web", 1000), in, default_profile());
  REQUIRE(r);
  CHECK(r->selected == "only");
  CHECK_FALSE(r->nodes[0].scores.empty());
}

TEST_CASE("explain breaks ties by input order", "[scheduler][explain]") {
  ExplainInput in;
  in.nodes = {make_node("z", 4000), make_node("a", 4000)};
  auto r = explain_schedule(make_pod("web", 1000), in, default_profile());
  REQUIRE(r);
  CHECK(r->nodes[0].total == r->nodes[1].total);
  CHECK(r->selected == "z");
}

TEST_CASE("explain reports the FitError when nothing fits", "[scheduler][explain]") {
  ExplainInput in;
  in.nodes = {make_node("a", 500), make_node("b", 500)};
  auto r = explain_schedule(make_pod("web", 1000), in, default_profile());
  REQUIRE(r);
  CHECK(r->selected.empty());
  CHECK(r->message == "0/2 nodes are available: 2 Insufficient cpu.");

  ExplainInput none;
  auto empty = explain_schedule(make_pod("web", 1000), none, default_profile());
  REQUIRE(empty);
  CHECK(empty->message == "no nodes available to schedule pods");
}

TEST_CASE("explain ignores terminal pods and resolves priorities", "[scheduler][explain]") {
  ExplainInput in;
  in.nodes = {make_node("a", 2000)};
  api::Pod done = make_pod("done", 2000, "a");
  done.status.phase = api::PodPhase::Succeeded;
  in.bound_pods.push_back(std::make_shared<const api::Pod>(done));
  auto r = explain_schedule(make_pod("web", 1000), in, default_profile());
  REQUIRE(r);
  CHECK(r->selected == "a");

  api::Pod p = make_pod("web", 1000);
  p.spec.priority_class_name = "missing";
  auto bad = explain_schedule(p, in, default_profile());
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == "pod 'default/web': no PriorityClass with name missing was found");

  api::PriorityClass high;
  high.metadata.name = "high";
  high.value = 1000;
  high.global_default = true;
  std::vector<std::shared_ptr<const api::PriorityClass>> classes = {std::make_shared<const api::PriorityClass>(high)};
  api::Pod q = make_pod("q", 1);
  CHECK_FALSE(resolve_priority(q, classes).has_value());
  CHECK(q.spec.priority == 1000);
  CHECK(q.spec.priority_class_name == "high");
}

TEST_CASE("explain rejects an invalid profile", "[scheduler][explain]") {
  ProfileConfig p;
  p.at(ExtensionPoint::MultiPoint).disabled = {"*"};
  ExplainInput in;
  auto r = explain_schedule(make_pod("web", 1), in, merge_with_defaults(p));
  CHECK_FALSE(r);
}

}  // namespace kubesim::scheduler
