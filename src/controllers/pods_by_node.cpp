#include "kubesim/controllers/pods_by_node.hpp"

#include "kubesim/client/informer.hpp"

namespace kubesim::controllers {

void PodsByNode::on_add(const api::Pod& pod) {
  if (!pod.spec.node_name.empty()) {
    by_node_[pod.spec.node_name].insert(client::cache_key(pod.metadata));
  }
}

void PodsByNode::on_update(const api::Pod& old_pod, const api::Pod& pod) {
  if (old_pod.spec.node_name != pod.spec.node_name) {
    on_delete(old_pod);
    on_add(pod);
  }
}

void PodsByNode::on_delete(const api::Pod& pod) {
  auto it = by_node_.find(pod.spec.node_name);
  if (it == by_node_.end()) {
    return;
  }
  it->second.erase(client::cache_key(pod.metadata));
  if (it->second.empty()) {
    by_node_.erase(it);
  }
}

const std::set<std::string>* PodsByNode::pods_on(std::string_view node) const {
  auto it = by_node_.find(node);
  return it == by_node_.end() ? nullptr : &it->second;
}

}  // namespace kubesim::controllers
