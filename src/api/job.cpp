#include "kubesim/api/job.hpp"

namespace kubesim::api {

bool JobStatus::finished() const {
  for (const JobCondition& c : conditions) {
    if ((c.type == "Complete" || c.type == "Failed") && c.status == ConditionStatus::True) {
      return true;
    }
  }
  return false;
}

}  // namespace kubesim::api
