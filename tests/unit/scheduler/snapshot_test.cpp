#include "support/catch.hpp"

#include "kubesim/scheduler/framework/snapshot.hpp"

#include <string>
#include <vector>

using namespace kubesim;
using namespace kubesim::scheduler;

namespace {

std::shared_ptr<api::Node> node(const std::string& name, const std::string& zone = "") {
  auto n = std::make_shared<api::Node>();
  n->metadata.name = name;
  if (!zone.empty()) {
    n->metadata.labels.set(std::string(api::kLabelZone), zone);
  }
  n->status.allocatable.set("cpu", 4000);
  n->status.allocatable.set("pods", 110);
  return n;
}

std::vector<std::string> order(const Snapshot& s) {
  std::vector<std::string> out;
  for (const NodeInfo* n : s.nodes()) {
    out.push_back(n->name());
  }
  return out;
}

}  // namespace

TEST_CASE("Snapshot lists nodes in node-tree order, zones interleaved", "[scheduler]") {
  Snapshot s;
  s.upsert_node(node("a1", "a"));
  s.upsert_node(node("a2", "a"));
  s.upsert_node(node("b1", "b"));
  s.upsert_node(node("a3", "a"));
  s.upsert_node(node("c1", "c"));
  CHECK(order(s) == std::vector<std::string>{"a1", "b1", "c1", "a2", "a3"});
  s.remove_node("b1");
  CHECK(order(s) == std::vector<std::string>{"a1", "c1", "a2", "a3"});
  // A removed node's slot is reused; the new node goes to the end of its zone.
  s.upsert_node(node("b2", "b"));
  CHECK(order(s) == std::vector<std::string>{"a1", "b2", "c1", "a2", "a3"});
  REQUIRE(s.find("b2") != nullptr);
  CHECK(s.find("b1") == nullptr);
  CHECK(s.size() == 5);
}

TEST_CASE("Snapshot counts the nodes with each NodeInfo flag", "[scheduler]") {
  Snapshot s;
  CHECK(s.nodes_flagged(&NodeInfo::unschedulable) == 0);
  s.upsert_node(node("n1"));
  s.upsert_node(node("n2"));
  CHECK(s.nodes_flagged(&NodeInfo::unschedulable) == 0);
  CHECK(s.nodes_flagged(&NodeInfo::has_taints) == 0);

  auto cordoned = node("n1");
  cordoned->spec.unschedulable = true;
  cordoned->spec.taints.push_back(api::Taint{"dedicated", "gpu", api::TaintEffect::NoSchedule, std::nullopt});
  cordoned->status.images.push_back(api::ContainerImage{{"nginx:1.27"}, 100});
  s.upsert_node(cordoned);  // an update: counted once, not twice
  CHECK(s.nodes_flagged(&NodeInfo::unschedulable) == 1);
  CHECK(s.nodes_flagged(&NodeInfo::has_taints) == 1);
  CHECK(s.nodes_flagged(&NodeInfo::has_images) == 2);  // not counted: every node
  CHECK(s.find("n1")->has_images);
  CHECK(s.num_nodes_with_image("nginx:1.27") == 1);

  s.upsert_node(node("n1"));  // uncordoned, untainted, no images
  CHECK(s.nodes_flagged(&NodeInfo::unschedulable) == 0);
  CHECK(s.nodes_flagged(&NodeInfo::has_taints) == 0);
  CHECK_FALSE(s.find("n1")->has_images);
  CHECK(s.num_nodes_with_image("nginx:1.27") == 0);

  s.upsert_node(cordoned);
  s.remove_node("n1");
  CHECK(s.nodes_flagged(&NodeInfo::unschedulable) == 0);
  CHECK(s.nodes_flagged(&NodeInfo::has_taints) == 0);
  CHECK(s.num_nodes_with_image("nginx:1.27") == 0);
  // A flag the snapshot does not count: every node may have it.
  CHECK(s.nodes_flagged(&NodeInfo::has_images) == 1);
}
