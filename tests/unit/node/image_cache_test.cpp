#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/node/container_runtime.hpp"
#include "kubesim/node/image_cache.hpp"
#include "kubesim/node/kubelet_config.hpp"

using namespace kubesim;
using namespace kubesim::base::literals;
using node::ImageCache;
using node::ImageGcPolicy;

namespace {

constexpr std::int64_t kMi = std::int64_t{1} << 20;

base::SimTime at(base::Duration d) { return base::SimTime::zero() + d; }

}  // namespace

TEST_CASE("image names are normalized with :latest unless tagged or pinned by digest", "[node][images]") {
  CHECK(node::normalize_image_name("redis") == "redis:latest");
  CHECK(node::normalize_image_name("nginx:1.25") == "nginx:1.25");
  CHECK(node::normalize_image_name("registry:5000/team/app") == "registry:5000/team/app:latest");
  CHECK(node::normalize_image_name("registry:5000/team/app:v2") == "registry:5000/team/app:v2");
  CHECK(node::normalize_image_name("app@sha256:0123abcd") == "app@sha256:0123abcd");
}

TEST_CASE("image GC triggers at the high threshold and frees down to the low one", "[node][images][gc]") {
  ImageGcPolicy policy;  // 85 / 80, min age 2 m
  base::SimTime now = at(10_min);
  SECTION("84 % used: nothing happens") {
    ImageCache cache;
    cache.add({"a:1"}, 840 * kMi, at(0_s));
    node::ImageGcResult r = cache.collect_garbage(1000 * kMi, policy, now);
    CHECK_FALSE(r.triggered);
    CHECK(cache.images().size() == 1);
  }
  SECTION("85 % used: free 1000 * 20 % - 150 = 50 MiB, least recently used first") {
    ImageCache cache;
    cache.add({"old:1"}, 30 * kMi, at(0_s));
    cache.add({"older:1"}, 30 * kMi, at(0_s));
    cache.add({"big:1"}, 790 * kMi, at(0_s));
    cache.acquire("old:1", at(3_min));
    cache.release("old:1", at(4_min));
    cache.acquire("older:1", at(1_min));
    cache.release("older:1", at(2_min));
    cache.acquire("big:1", at(1_min));  // still in use
    node::ImageGcResult r = cache.collect_garbage(1000 * kMi, policy, now);
    CHECK(r.triggered);
    CHECK(r.bytes_to_free == 50 * kMi);
    CHECK(r.removed == std::vector<std::string>{"older:1", "old:1"});
    CHECK(r.bytes_freed == 60 * kMi);
    CHECK_FALSE(r.failed());
    CHECK(cache.usage_bytes() == 790 * kMi);
    REQUIRE(cache.images().size() == 1);
    CHECK(cache.images()[0].names.front() == "big:1");
  }
  SECTION("ties in last use go to the image detected first, then by name") {
    ImageCache cache;
    cache.add({"b:1"}, 300 * kMi, at(1_min));
    cache.add({"a:1"}, 300 * kMi, at(1_min));
    cache.add({"c:1"}, 300 * kMi, at(0_s));
    cache.find("c:1")->last_used = at(1_min);  // used when b and a arrived
    node::ImageGcResult r = cache.collect_garbage(1000 * kMi, policy, now);
    CHECK(r.bytes_to_free == 100 * kMi);
    CHECK(r.removed == std::vector<std::string>{"c:1"});
  }
  SECTION("images younger than the minimum age, in use, or still being pulled are kept; failing is reported") {
    ImageCache cache;
    cache.add({"young:1"}, 500 * kMi, now - 1_min);
    cache.add({"used:1"}, 400 * kMi, at(0_s));
    cache.acquire("used:1", at(1_s));
    cache.add({"pulling:1"}, 50 * kMi, now + 5_s);                // on disk only from then
    cache.add({"registry.k8s.io/pause:3.9"}, 50 * kMi, at(0_s));  // the pinned sandbox image
    node::ImageGcResult r = cache.collect_garbage(1000 * kMi, policy, now);
    CHECK(r.triggered);  // 900 MiB on disk
    CHECK(r.removed.empty());
    CHECK(r.failed());
    CHECK(cache.images().size() == 4);
  }
}

TEST_CASE("status.images: on disk only, largest first, capped in count and names", "[node][images]") {
  ImageCache cache;
  cache.add({"small:1"}, 10 * kMi, at(0_s));
  cache.add({"b-big:1"}, 90 * kMi, at(0_s));
  cache.add({"a-big:1", "a:1", "a:2", "a:3", "a:4", "a:5"}, 90 * kMi, at(0_s));
  cache.add({"later:1"}, 500 * kMi, at(1_min));
  std::vector<api::ContainerImage> all = cache.status_images(-1, at(1_s));
  REQUIRE(all.size() == 3);
  CHECK(all[0].names.size() == node::kMaxNamesPerImageInNodeStatus);
  CHECK(all[0].names.front() == "a-big:1");
  CHECK(all[1].names == std::vector<std::string>{"b-big:1"});
  CHECK(all[2].size_bytes == 10 * kMi);
  std::vector<api::ContainerImage> two = cache.status_images(2, at(2_min));
  REQUIRE(two.size() == 2);
  CHECK(two[0].names.front() == "later:1");
}

TEST_CASE("transfer time is size over bandwidth, rounded up to the nanosecond", "[node][images][runtime]") {
  CHECK(node::transfer_time(100 * kMi, 10 * kMi) == 10_s);
  CHECK(node::transfer_time(1, 3) == base::Duration::from_nanos(333'333'334));
  CHECK(node::transfer_time(100 * kMi, 0) == base::Duration::zero());
  CHECK(node::transfer_time(0, 10) == base::Duration::zero());
  // 8 EiB at 1 B/s does not overflow: it saturates.
  CHECK(node::transfer_time(INT64_MAX, 1) == base::Duration::from_nanos(INT64_MAX));
}

TEST_CASE("runtime profiles are found by name and resolved against explicit latencies", "[node][runtime]") {
  CHECK(node::find_container_runtime("containerd") == node::ContainerRuntimeKind::Containerd);
  CHECK(node::find_container_runtime("cri-o") == node::ContainerRuntimeKind::CriO);
  CHECK(node::find_container_runtime("docker") == node::ContainerRuntimeKind::Docker);
  CHECK_FALSE(node::find_container_runtime("rkt").has_value());
  node::KubeletConfig cfg;
  cfg.image_pull_latency = base::DurationDistribution::constant(7_s);
  node::ContainerRuntime crio = node::resolve_runtime(node::ContainerRuntimeKind::CriO, cfg);
  CHECK(crio.sandbox_latency.mean() == 250_ms);
  CHECK(crio.image_pull_overhead.mean() == 7_s);
  CHECK(crio.container_start_latency.mean() == 350_ms);
  CHECK(crio.version == "cri-o://1.30.4");
}
