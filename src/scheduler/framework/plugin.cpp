#include "kubesim/scheduler/framework/plugin.hpp"

#include <algorithm>

namespace kubesim::scheduler {

void default_normalize_score(std::int64_t max_priority, bool reverse, std::span<std::int64_t> scores) {
  std::int64_t max = 0;
  for (std::int64_t s : scores) {
    max = std::max(max, s);
  }
  if (max == 0) {
    if (reverse) {
      std::fill(scores.begin(), scores.end(), max_priority);
    }
    return;
  }
  for (std::int64_t& s : scores) {
    s = max_priority * s / max;
    if (reverse) {
      s = max_priority - s;
    }
  }
}

}  // namespace kubesim::scheduler
