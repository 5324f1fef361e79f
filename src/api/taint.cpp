#include "kubesim/api/taint.hpp"

#include <algorithm>

namespace kubesim::api {

std::string_view taint_effect_name(TaintEffect e) {
  switch (e) {
  case TaintEffect::None:
    return "";
  case TaintEffect::NoSchedule:
    return "NoSchedule";
  case TaintEffect::PreferNoSchedule:
    return "PreferNoSchedule";
  case TaintEffect::NoExecute:
    return "NoExecute";
  }
  return "";
}

bool Toleration::tolerates(const Taint& taint) const {
  if (effect != TaintEffect::None && effect != taint.effect) {
    return false;
  }
  if (!key.empty() && key != taint.key) {
    return false;
  }
  switch (op) {
  case TolerationOperator::Exists:
    return true;
  case TolerationOperator::Equal:
    // An empty key is only valid with Exists; with Equal it matches nothing but an empty-key taint.
    return key == taint.key && value == taint.value;
  }
  return false;
}

bool tolerates_taint(const std::vector<Toleration>& tolerations, const Taint& taint) {
  return std::any_of(tolerations.begin(), tolerations.end(), [&](const Toleration& t) { return t.tolerates(taint); });
}

}  // namespace kubesim::api
