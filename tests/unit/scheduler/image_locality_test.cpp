#include "support/catch.hpp"
#include "unit/scheduler/fake_handle.hpp"

#include "kubesim/scheduler/plugins/image_locality.hpp"

using namespace kubesim;
using namespace kubesim::scheduler;

namespace {

constexpr std::int64_t kMb = 1024LL * 1024;

std::shared_ptr<api::Node> node(const std::string& name, std::vector<api::ContainerImage> images) {
  auto n = std::make_shared<api::Node>();
  n->metadata.name = name;
  n->status.images = std::move(images);
  return n;
}

PodInfo pod_with(const std::vector<std::string>& images, const std::vector<std::string>& init_images = {}) {
  auto p = std::make_shared<api::Pod>();
  for (const std::string& i : init_images) {
    api::Container c;
    c.image = i;
    p->spec.init_containers.push_back(c);
  }
  for (const std::string& i : images) {
    api::Container c;
    c.image = i;
    p->spec.containers.push_back(c);
  }
  return PodInfo::from(p);
}

// Upstream's node image lists.
std::vector<api::ContainerImage> node403002000() {
  return {{{"gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1"}, 40 * kMb},
          {{"gcr.io/300:latest", "gcr.io/300:v1"}, 300 * kMb},
          {{"gcr.io/2000:latest"}, 2000 * kMb}};
}
std::vector<api::ContainerImage> node25010() {
  return {{{"gcr.io/250:latest"}, 250 * kMb}, {{"gcr.io/10:latest", "gcr.io/10:v1"}, 10 * kMb}};
}
std::vector<api::ContainerImage> node60040900() {
  return {{{"gcr.io/600:latest"}, 600 * kMb}, {{"gcr.io/40:latest"}, 40 * kMb}, {{"gcr.io/900:latest"}, 900 * kMb}};
}
std::vector<api::ContainerImage> node300600900() {
  return {{{"gcr.io/300:latest"}, 300 * kMb}, {{"gcr.io/600:latest"}, 600 * kMb}, {{"gcr.io/900:latest"}, 900 * kMb}};
}
std::vector<api::ContainerImage> node400030() {
  return {{{"gcr.io/4000:latest"}, 4000 * kMb}, {{"gcr.io/30:latest"}, 30 * kMb}};
}
std::vector<api::ContainerImage> node203040() {
  return {{{"gcr.io/20:latest"}, 20 * kMb}, {{"gcr.io/30:latest"}, 30 * kMb}, {{"gcr.io/40:latest"}, 40 * kMb}};
}

std::vector<std::int64_t> scores(const PodInfo& pod, const std::vector<std::vector<api::ContainerImage>>& nodes) {
  testing::FakeHandle handle;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    handle.add_node(node("machine" + std::to_string(i + 1), nodes[i]));
  }
  auto created = ImageLocality::create(PluginArgs{}, handle);
  REQUIRE(created.has_value());
  auto* plugin = dynamic_cast<ScorePlugin*>(created.value().get());
  REQUIRE(plugin != nullptr);
  CHECK_FALSE(plugin->has_normalize());
  CycleState state;
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const NodeInfo* n = handle.snapshot().find("machine" + std::to_string(i + 1));
    REQUIRE(n != nullptr);
    out.push_back(plugin->score(state, pod, *n));
  }
  // The Framework scores through score_nodes: it must agree with score() node by node.
  std::vector<const NodeInfo*> ptrs;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    ptrs.push_back(handle.snapshot().find("machine" + std::to_string(i + 1)));
  }
  std::vector<std::int64_t> batch(ptrs.size());
  plugin->score_nodes(state, pod, ptrs, batch);
  CHECK(batch == out);
  return out;
}

}  // namespace

// Rows of upstream TestImageLocalityPriority.
TEST_CASE("ImageLocality scores image sizes scaled by their spread", "[scheduler]") {
  SECTION("two images spread on two nodes, prefer the larger image one") {
    // Node1: 40MB/2 < 23MB → 0. Node2: 100·(250MB/2 − 23MB)/(2000MB − 23MB) = 5.
    CHECK(scores(pod_with({"gcr.io/40", "gcr.io/250"}), {node403002000(), node25010()}) ==
          std::vector<std::int64_t>{0, 5});
  }
  SECTION("two images on one node, prefer this node") {
    // Node1: 100·((40MB + 300MB)/2 − 23MB)/(2000MB − 23MB) = 7.
    CHECK(scores(pod_with({"gcr.io/40", "gcr.io/300"}), {node403002000(), node25010()}) ==
          std::vector<std::int64_t>{7, 0});
  }
  SECTION("if exceed limit, use limit") {
    // Node1: 4000MB/2 = 2000MB ≥ the 2-container limit → 100. Node2: 10MB/2 → 0.
    CHECK(scores(pod_with({"gcr.io/10", "gcr.io/4000"}), {node400030(), node25010()}) ==
          std::vector<std::int64_t>{100, 0});
  }
  SECTION("the image is distributed across more nodes, the score is higher") {
    // Node1: 100·(600MB·2/3 + 900MB·2/3 − 23MB)/(3000MB − 23MB) = 32.
    // Node2: 100·(300MB·1/3 + 600MB·2/3 + 900MB·2/3 − 23MB)/(3000MB − 23MB) = 36.
    CHECK(scores(pod_with({"gcr.io/300", "gcr.io/600", "gcr.io/900"}),
                 {node60040900(), node300600900(), node400030()}) == std::vector<std::int64_t>{32, 36, 0});
  }
  SECTION("pod with multiple small images") {
    // Node1: 100·(30MB·2/2 + 40MB·1/2 − 23MB)/(2000MB − 23MB) = 1. Node2: (30MB − 23MB) → 0.
    CHECK(scores(pod_with({"gcr.io/30", "gcr.io/40"}), {node203040(), node400030()}) ==
          std::vector<std::int64_t>{1, 0});
  }
  SECTION("init containers count, in images and in the threshold") {
    CHECK(scores(pod_with({"gcr.io/40"}, {"gcr.io/30"}), {node203040(), node400030()}) ==
          std::vector<std::int64_t>{1, 0});
  }
  SECTION("image names are normalized; a tag or digest is kept") {
    CHECK(scores(pod_with({"gcr.io/4000:latest", "gcr.io/10"}), {node400030(), node25010()}) ==
          std::vector<std::int64_t>{100, 0});
    CHECK(scores(pod_with({"gcr.io/4000:v2", "gcr.io/10"}), {node400030(), node25010()}) ==
          std::vector<std::int64_t>{0, 0});
  }
  SECTION("a pod with no containers scores 0") {
    CHECK(scores(pod_with({}), {node400030(), node25010()}) == std::vector<std::int64_t>{0, 0});
  }
}

TEST_CASE("ImageLocality thresholds", "[scheduler]") {
  CHECK(ImageLocality::calculate_priority(0, 1) == 0);
  CHECK(ImageLocality::calculate_priority(23 * kMb, 1) == 0);
  CHECK(ImageLocality::calculate_priority(1000 * kMb, 1) == 100);
  CHECK(ImageLocality::calculate_priority(5000 * kMb, 2) == 100);
  CHECK(ImageLocality::calculate_priority(511 * kMb + kMb / 2, 1) == 50);  // 100·488.5/977
  CHECK(ImageLocality::calculate_priority(0, 0) == 0);                     // no containers: nothing to sum
}

TEST_CASE("ImageLocality::create takes no args", "[scheduler]") {
  testing::FakeHandle handle;
  auto bad = ImageLocality::create(PluginArgs{NodeAffinityArgs{}}, handle);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error() == "plugin ImageLocality takes no arguments");
}
