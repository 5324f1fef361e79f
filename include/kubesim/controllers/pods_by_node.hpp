#pragma once

/// PodsByNode: the pods bound to each node, as cache keys — upstream's "spec.nodeName" pod indexer
/// (getPodsAssignedToNode in the node lifecycle and taint-eviction controllers). A controller feeds it
/// from its pod informer handler; lookups are O(log nodes) and listing a node's pods is in key order.

#include "kubesim/api/pod.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>

namespace kubesim::controllers {

class PodsByNode {
 public:
  void on_add(const api::Pod& pod);
  void on_update(const api::Pod& old_pod, const api::Pod& pod);
  void on_delete(const api::Pod& pod);

  /// The cache keys ("namespace/name") of the pods bound to `node`, or nullptr when there are none.
  [[nodiscard]] const std::set<std::string>* pods_on(std::string_view node) const;

 private:
  std::map<std::string, std::set<std::string>, std::less<>> by_node_;
};

}  // namespace kubesim::controllers
