#include "kubelet_harness.hpp"
#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/node/image_cache.hpp"

#include <algorithm>

using namespace kubesim;
using namespace kubesim::base::literals;
using test::at;
using Harness = test::KubeletHarness;

namespace {

constexpr std::int64_t kMi = std::int64_t{1} << 20;

std::vector<std::string> status_image_names(const Harness& h) {
  std::vector<std::string> out;
  for (const api::ContainerImage& img : h.api.store().get<api::Node>("", "node-0")->status.images) {
    out.push_back(img.names.front());
  }
  return out;
}

}  // namespace

// Every pod below is created at 0, lands at 3 ms and reaches the kubelet at 5 ms (its watch is live once
// its LIST returns); the sandbox takes 100 ms with fixed_config(), so pulls start at 105 ms, and the
// Running status lands 300 ms (container start) + 3 ms after the pull ends.

TEST_CASE("a pull takes the runtime's overhead plus size over bandwidth", "[node][images]") {
  node::KubeletConfig cfg = test::fixed_config();
  cfg.image_pull_bandwidth = 10 * kMi;  // 10 MiB/s
  cfg.image_sizes["big:1"] = 100 * kMi;
  Harness h(cfg);
  h.bound_pod("a", "big:1", 100);
  h.bound_pod("b", "small:1", 100);  // no size given: kDefaultImageSizeBytes, 100 MiB as well
  h.run();
  // big: 105 ms + 2 s + 10 s; small waits for the serialized puller and takes as long.
  CHECK(h.when("a Running") == at(12'105_ms + 303_ms));
  CHECK(h.when("b Running") == at(24'105_ms + 303_ms));
  CHECK(h.nodes.image_pulls() == 2);
}

TEST_CASE("a zero-size image pulls in the overhead alone", "[node][images]") {
  node::KubeletConfig cfg = test::fixed_config();
  cfg.image_pull_bandwidth = 1 * kMi;
  cfg.image_sizes["scratch:1"] = 0;
  Harness h(cfg);
  h.bound_pod("a", "scratch:1", 100);
  h.run();
  CHECK(h.when("a Running") == at(2'105_ms + 303_ms));
}

TEST_CASE("pods that need an image being pulled wait for that pull instead of pulling again", "[node][images]") {
  Harness h;
  h.bound_pod("a", "nginx:1.25", 100);
  h.bound_pod("b", "nginx", 100);  // a different image: nginx:latest
  h.bound_pod("c", "nginx:1.25", 100);
  h.run();
  CHECK(h.nodes.image_pulls() == 2);
  CHECK(h.when("a Running") == at(2'105_ms + 303_ms));
  CHECK(h.when("b Running") == at(4'105_ms + 303_ms));
  // c's pull request finds a's in flight and is done when it is.
  CHECK(h.when("c Running") == at(2'105_ms + 303_ms));
}

TEST_CASE("runtime profiles differ in sandbox, pull and start latency and report their version",
          "[node][images][runtime]") {
  struct Case {
    node::ContainerRuntimeKind kind;
    base::Duration running;  // 5 ms + sandbox + pull + start + 3 ms
    std::string version;
  };
  for (const Case& c : {Case{node::ContainerRuntimeKind::Containerd, 2'508_ms, "containerd://1.7.22"},
                        Case{node::ContainerRuntimeKind::CriO, 2'608_ms, "cri-o://1.30.4"},
                        Case{node::ContainerRuntimeKind::Docker, 3'308_ms, "docker://26.1.4"}}) {
    CAPTURE(c.version);
    Harness h(node::KubeletConfig{}, test::default_node(), c.kind);
    h.bound_pod("a", "nginx:1.25", 100);
    h.run(1_min);
    CHECK(h.when("a Running") == at(c.running));
    const api::NodeSystemInfo& info = h.api.store().get<api::Node>("", "node-0")->status.node_info;
    CHECK(info.container_runtime_version == c.version);
    CHECK(info.kubelet_version == "v1.30.4");
    CHECK(info.operating_system == "linux");
    CHECK(info.architecture == "amd64");
  }
}

TEST_CASE("explicit kubelet latencies override the runtime profile's", "[node][images][runtime]") {
  Harness h(test::fixed_config(), test::default_node(), node::ContainerRuntimeKind::Docker);
  h.bound_pod("a", "nginx:1.25", 100);
  h.run(1_min);
  CHECK(h.when("a Running") == at(2'408_ms));
}

TEST_CASE("registryPullQPS spaces pull starts once the burst is spent", "[node][images]") {
  node::KubeletConfig cfg = test::fixed_config();
  cfg.image_pull_latency = base::DurationDistribution::constant(1_s);
  cfg.registry_pull_qps = 0.1;  // one token per 10 s
  cfg.registry_burst = 1;
  Harness h(cfg);
  h.bound_pod("a", "one:1", 100);
  h.bound_pod("b", "two:1", 100);
  h.bound_pod("c", "three:1", 100);
  h.run();
  // a takes the only token at 105 ms; b's token is earned at 10.105 s, c's at 20.105 s.
  CHECK(h.when("a Running") == at(1'105_ms + 303_ms));
  CHECK(h.when("b Running") == at(11'105_ms + 303_ms));
  CHECK(h.when("c Running") == at(21'105_ms + 303_ms));
}

TEST_CASE("the node reports its images in status, largest first, with template images from the start",
          "[node][images]") {
  node::KubeletConfig cfg = test::fixed_config();
  cfg.image_sizes["redis:latest"] = 50 * kMi;
  api::Node n = test::default_node();
  n.status.images.push_back(api::ContainerImage{{"registry.k8s.io/pause:3.9"}, 300 * 1024});
  Harness h(cfg, n);
  h.run(1_s);
  // Registration already lists the machine image's contents.
  CHECK(status_image_names(h) == std::vector<std::string>{"registry.k8s.io/pause:3.9"});
  h.bound_pod("a", "nginx:1.25", 100);  // 100 MiB by default
  h.bound_pod("b", "redis", 100);
  h.bound_pod("c", "registry.k8s.io/pause:3.9", 100);  // present: no pull
  base::SimTime created = h.sim.now();
  h.run(1_min);
  CHECK(h.nodes.image_pulls() == 2);
  CHECK(status_image_names(h) == std::vector<std::string>{"nginx:1.25", "redis:latest", "registry.k8s.io/pause:3.9"});
  const auto& images = h.api.store().get<api::Node>("", "node-0")->status.images;
  CHECK(images[0].size_bytes == node::kDefaultImageSizeBytes);
  CHECK(images[1].size_bytes == 50 * kMi);
  // The status change is reported at the first 10 s status computation after the pull (a changed
  // status does not wait for nodeStatusReportFrequency).
  auto after =
      std::find_if(h.status_reports.begin(), h.status_reports.end(), [&](base::SimTime t) { return t > created; });
  REQUIRE(after != h.status_reports.end());
  CHECK(*after - created < 15_s);
}

TEST_CASE("image GC deletes unused images, least recently used first, down to the low threshold",
          "[node][images][gc]") {
  node::KubeletConfig cfg = test::fixed_config();
  cfg.image_fs_capacity = 1000 * kMi;
  for (int i = 1; i <= 5; ++i) {
    cfg.image_sizes[fmt::format("img-{}:1", i)] = 180 * kMi;
  }
  Harness h(cfg);
  // Pulls end at 2.105, 4.105, ... 10.105 s; the first four pods stop using their images after
  // 1, 2, 3 and 4 minutes; the fifth runs on.
  h.bound_pod("p1", "img-1:1", 100, "1m");
  h.bound_pod("p2", "img-2:1", 100, "2m");
  h.bound_pod("p3", "img-3:1", 100, "3m");
  h.bound_pod("p4", "img-4:1", 100, "4m");
  h.bound_pod("p5", "img-5:1", 100);
  h.run(4_min + 59_s);
  CHECK(h.nodes.images_collected() == 0);  // the pass at 0 found an empty disk
  h.run(2_s);
  // The pass at 5 m: 900 of 1000 MiB used is 90 % >= 85 %; freeing down to 80 % needs 100 MiB, and the
  // least recently used image (img-1, released at 1 m) is enough.
  CHECK(h.nodes.images_collected() == 1);
  h.run(30_s);
  CHECK(status_image_names(h) == std::vector<std::string>{"img-2:1", "img-3:1", "img-4:1", "img-5:1"});
  // 720 MiB is 72 %: the next pass deletes nothing.
  h.run(5_min);
  CHECK(h.nodes.images_collected() == 1);
  // A pod that needs img-1 again pulls it again.
  h.bound_pod("p6", "img-1:1", 100);
  h.run(1_min);
  CHECK(h.nodes.image_pulls() == 6);
}

TEST_CASE("image GC that cannot free enough records FreeDiskSpaceFailed, then ImageGCFailed", "[node][images][gc]") {
  node::KubeletConfig cfg = test::fixed_config();
  cfg.image_fs_capacity = 1000 * kMi;
  cfg.image_sizes["huge:1"] = 900 * kMi;
  Harness h(cfg);
  h.bound_pod("a", "huge:1", 100);  // in use for ever
  h.run(10_min + 1_s);
  std::vector<std::string> events = h.events_about("node-0");
  const std::string message =
      "Failed to garbage collect required amount of images. Attempted to free 104857600 bytes, but only found "
      "0 bytes eligible to free.";
  CHECK(std::count(events.begin(), events.end(), "FreeDiskSpaceFailed: " + message) == 1);  // aggregated
  CHECK(std::count(events.begin(), events.end(), "ImageGCFailed: " + message) == 1);        // the 2nd failure
  CHECK(h.nodes.images_collected() == 0);
}

TEST_CASE("the node's ephemeral-storage capacity is the image filesystem when none is configured",
          "[node][images][gc]") {
  node::KubeletConfig cfg = test::fixed_config();
  cfg.image_sizes["a:1"] = 900 * kMi;
  api::Node n = test::default_node();
  n.status.capacity.set("ephemeral-storage", 1000 * kMi);
  Harness h(cfg, n);
  h.bound_pod("a", "a:1", 100, "1m");
  h.run(5_min + 1_s);
  CHECK(h.nodes.images_collected() == 1);
  // Without either size there is no image GC at all.
  Harness none(cfg);
  none.bound_pod("a", "a:1", 100, "1m");
  none.run(5_min + 1_s);
  CHECK(none.nodes.images_collected() == 0);
}
