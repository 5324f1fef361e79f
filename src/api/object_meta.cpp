#include "kubesim/api/object_meta.hpp"

#include <algorithm>

namespace kubesim::api {
namespace {

auto lower(const std::vector<StringMap::Entry>& v, std::string_view key) {
  return std::lower_bound(v.begin(), v.end(), key,
                          [](const StringMap::Entry& e, std::string_view k) { return std::string_view(e.first) < k; });
}

}  // namespace

StringMap::StringMap(std::initializer_list<Entry> entries) {
  for (const Entry& e : entries) {
    set(e.first, e.second);
  }
}

const std::string* StringMap::find(std::string_view key) const {
  auto it = lower(entries_, key);
  if (it != entries_.end() && it->first == key) {
    return &it->second;
  }
  return nullptr;
}

void StringMap::set(std::string key, std::string value) {
  auto it = lower(entries_, key);
  if (it != entries_.end() && it->first == key) {
    entries_[static_cast<std::size_t>(it - entries_.begin())].second = std::move(value);
    return;
  }
  entries_.insert(it, Entry{std::move(key), std::move(value)});
}

bool StringMap::erase(std::string_view key) {
  auto it = lower(entries_, key);
  if (it != entries_.end() && it->first == key) {
    entries_.erase(it);
    return true;
  }
  return false;
}

bool StringMap::contains_all(const StringMap& subset) const {
  return std::all_of(subset.begin(), subset.end(), [this](const Entry& e) {
    const std::string* v = find(e.first);
    return v != nullptr && *v == e.second;
  });
}

const OwnerReference* ObjectMeta::controller_ref() const {
  for (const OwnerReference& ref : owner_references) {
    if (ref.controller) {
      return &ref;
    }
  }
  return nullptr;
}

std::string object_key(const ObjectMeta& meta) {
  if (meta.namespace_.empty()) {
    return meta.name;
  }
  return meta.namespace_ + "/" + meta.name;
}

}  // namespace kubesim::api
