#pragma once

/// Expectations (pkg/controller/controller_utils.go UIDTrackingControllerExpectations): a controller
/// that has just asked for n creations or deletions does not act on the same key again until its
/// informer has observed them (or ExpectationsTimeout = 5 min has passed), so it never acts twice on a
/// stale cache. Deletions are tracked by pod key, so a pod seen terminating and then deleted counts once.

#include "kubesim/base/time.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace kubesim::controllers {

inline constexpr base::Duration kExpectationsTimeout = base::Duration::from_seconds(300);

class Expectations {
 public:
  void expect_creations(const std::string& key, std::int32_t n, base::SimTime now);
  void expect_deletions(const std::string& key, const std::vector<std::string>& pod_keys, base::SimTime now);
  void creation_observed(const std::string& key);
  void deletion_observed(const std::string& key, const std::string& pod_key);
  /// Satisfied when nothing is expected, everything expected was seen, or the expectation expired.
  [[nodiscard]] bool satisfied(const std::string& key, base::SimTime now) const;
  void forget(const std::string& key);

 private:
  struct Entry {
    std::int32_t add = 0;
    std::int32_t del = 0;
    std::set<std::string> deleting;
    base::SimTime timestamp;
  };
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace kubesim::controllers
