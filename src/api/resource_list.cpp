#include "kubesim/api/resource_list.hpp"

#include <algorithm>

namespace kubesim::api {

std::optional<std::int64_t> ResourceList::get(std::string_view name) const {
  for (const Entry& e : entries_) {
    if (e.first == name) {
      return e.second;
    }
  }
  return std::nullopt;
}

void ResourceList::set(std::string name, std::int64_t amount) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                             [](const Entry& e, const std::string& n) { return e.first < n; });
  if (it != entries_.end() && it->first == name) {
    entries_[static_cast<std::size_t>(it - entries_.begin())].second = amount;
    return;
  }
  entries_.insert(it, Entry{std::move(name), amount});
}

bool ResourceList::is_native(std::string_view name) {
  if (name == kResourceCpu || name == kResourceMemory || name == kResourceEphemeralStorage || name == kResourcePods ||
      name.starts_with("hugepages-")) {
    return true;
  }
  // Upstream IsNativeResource: no domain prefix at all, or one containing "kubernetes.io/".
  return name.find('/') == std::string_view::npos || name.find("kubernetes.io/") != std::string_view::npos;
}

}  // namespace kubesim::api
