#include "kubesim/controllers/controller_manager_config.hpp"

#include <algorithm>

namespace kubesim::controllers {

const std::vector<std::string_view>& known_controllers() {
  static const std::vector<std::string_view> names = {
      "deployment", "disruption", "endpoint",   "endpointslice", "garbagecollector",
      "job",        "nodelifecycle", "replicaset", "taint-eviction-controller"};
  return names;
}

bool ControllerManagerConfig::enabled(std::string_view name) const {
  // Upstream IsControllerEnabled: an explicit "-name" disables, an explicit "name" enables, otherwise
  // "*" decides (all kubesim controllers are on by default).
  bool star = false;
  for (const std::string& c : controllers) {
    if (c.size() > 1 && c[0] == '-' && std::string_view(c).substr(1) == name) {
      return false;
    }
    if (c == name) {
      return true;
    }
    star = star || c == "*";
  }
  return star;
}

}  // namespace kubesim::controllers
