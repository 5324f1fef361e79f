#include "kubesim/controllers/expectations.hpp"

namespace kubesim::controllers {

void Expectations::expect_creations(const std::string& key, std::int32_t n, base::SimTime now) {
  Entry& e = entries_[key];
  e.add = n;
  e.del = 0;
  e.deleting.clear();
  e.timestamp = now;
}

void Expectations::expect_deletions(const std::string& key, const std::vector<std::string>& pod_keys,
                                    base::SimTime now) {
  Entry& e = entries_[key];
  e.add = 0;
  e.deleting = std::set<std::string>(pod_keys.begin(), pod_keys.end());
  e.del = static_cast<std::int32_t>(e.deleting.size());
  e.timestamp = now;
}

void Expectations::creation_observed(const std::string& key) {
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    --it->second.add;
  }
}

void Expectations::deletion_observed(const std::string& key, const std::string& pod_key) {
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.deleting.erase(pod_key) != 0) {
    --it->second.del;
  }
}

bool Expectations::satisfied(const std::string& key, base::SimTime now) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    return true;
  }
  const Entry& e = it->second;
  return (e.add <= 0 && e.del <= 0) || now - e.timestamp > kExpectationsTimeout;
}

void Expectations::forget(const std::string& key) { entries_.erase(key); }

}  // namespace kubesim::controllers
