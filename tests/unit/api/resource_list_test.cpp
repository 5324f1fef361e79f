// Tests for kubesim::api::ResourceList: presence-preserving get/set, sorted iteration, the cpu/memory
// accessors, and the native/extended resource split (upstream v1helper.IsNativeResource).

#include "support/catch.hpp"

#include "kubesim/api/resource_list.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

using kubesim::api::ResourceList;

TEST_CASE("ResourceList get / set / contains", "[api][resource_list]") {
  ResourceList list;
  CHECK(list.empty());
  CHECK(list.get("cpu") == std::nullopt);
  CHECK_FALSE(list.contains("cpu"));
  CHECK(list.value_or_zero("cpu") == 0);

  list.set("cpu", 500);
  list.set("memory", 256LL * 1024 * 1024);
  CHECK_FALSE(list.empty());
  CHECK(list.get("cpu") == 500);
  CHECK(list.get("memory") == 268'435'456);
  CHECK(list.contains("cpu"));
  CHECK_FALSE(list.contains("cp"));

  list.set("cpu", 750);  // replaces
  CHECK(list.get("cpu") == 750);

  // An explicit zero is present, unlike a missing entry (the scheduler's non-zero defaults rely on it).
  list.set("ephemeral-storage", 0);
  CHECK(list.contains("ephemeral-storage"));
  CHECK(list.get("ephemeral-storage") == 0);
  CHECK(list.value_or_zero("ephemeral-storage") == 0);
  CHECK_FALSE(list.contains("pods"));
}

TEST_CASE("ResourceList iterates sorted by name without duplicates", "[api][resource_list]") {
  ResourceList list;
  list.set("nvidia.com/gpu", 2);
  list.set("memory", 1);
  list.set("cpu", 3);
  list.set("hugepages-2Mi", 4);
  list.set("memory", 5);
  std::vector<std::string> names;
  std::vector<std::int64_t> amounts;
  for (const auto& [name, amount] : list) {
    names.push_back(name);
    amounts.push_back(amount);
  }
  CHECK(names == std::vector<std::string>{"cpu", "hugepages-2Mi", "memory", "nvidia.com/gpu"});
  CHECK(amounts == std::vector<std::int64_t>{3, 4, 5, 2});
}

TEST_CASE("ResourceList cpu() and memory()", "[api][resource_list]") {
  ResourceList list;
  CHECK(list.cpu().count() == 0);
  CHECK(list.memory().count() == 0);
  list.set("cpu", 1500);
  list.set("memory", 2LL * 1024 * 1024 * 1024);
  CHECK(list.cpu().count() == 1500);
  CHECK(list.memory().count() == 2'147'483'648);
}

TEST_CASE("ResourceList equality is by content", "[api][resource_list]") {
  ResourceList a;
  a.set("cpu", 1);
  a.set("memory", 2);
  ResourceList b;
  b.set("memory", 2);
  b.set("cpu", 1);
  CHECK(a == b);
  b.set("cpu", 0);
  CHECK_FALSE(a == b);
  ResourceList c;
  c.set("cpu", 1);
  CHECK_FALSE(a == c);
}

TEST_CASE("ResourceList::is_native", "[api][resource_list]") {
  for (const char* native : {"cpu", "memory", "ephemeral-storage", "pods", "hugepages-2Mi", "hugepages-1Gi",
                             "kubernetes.io/foo", "storage"}) {
    INFO(native);
    CHECK(ResourceList::is_native(native));
  }
  for (const char* extended : {"nvidia.com/gpu", "example.com/foo", "amd.com/gpu", "kubernetes.io.evil.com/foo"}) {
    INFO(extended);
    CHECK_FALSE(ResourceList::is_native(extended));
  }
}

// Upstream IsNativeResource checks strings.Contains(name, "kubernetes.io/"), so a resource in a
// subdomain of kubernetes.io (e.g. "node.kubernetes.io/foo") is native there; kubesim only accepts the
// exact "kubernetes.io/" prefix.
TEST_CASE("ResourceList::is_native: kubernetes.io subdomains, as upstream", "[api][resource_list]") {
  CHECK(ResourceList::is_native("node.kubernetes.io/foo"));
}
