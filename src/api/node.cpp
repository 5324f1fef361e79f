#include "kubesim/api/node.hpp"

namespace kubesim::api {

const NodeCondition* NodeStatus::condition(std::string_view type) const {
  for (const NodeCondition& c : conditions) {
    if (c.type == type) {
      return &c;
    }
  }
  return nullptr;
}

bool Node::is_ready() const {
  const NodeCondition* c = status.condition("Ready");
  return c != nullptr && c->status == ConditionStatus::True;
}

}  // namespace kubesim::api
