#pragma once

/// A FrameworkHandle test double for the topology plugins (PodTopologySpread, InterPodAffinity): it
/// owns a Snapshot and ClusterObjects that tests fill, and small builders for pods and nodes in the
/// style of upstream's st.MakePod()/st.MakeNode().

#include "kubesim/base/rng.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kubesim::scheduler::testing {

class TopologyFakeHandle final : public FrameworkHandle {
 public:
  [[nodiscard]] const Snapshot& snapshot() const override { return snapshot_; }
  [[nodiscard]] const ClusterObjects& objects() const override { return objects_; }
  base::Rng& rng() override { return rng_; }
  void bind_pod(const api::Pod& /*pod*/, const std::string& /*node_name*/) override {}

  /// Adds a node named `name` with `labels` (and optional taints).
  NodeInfo& add_node(const std::string& name, api::StringMap labels, std::vector<api::Taint> taints = {}) {
    auto n = std::make_shared<api::Node>();
    n->metadata.name = name;
    n->metadata.labels = std::move(labels);
    n->spec.taints = std::move(taints);
    n->status.allocatable.set("pods", 110);
    return snapshot_.upsert_node(n);
  }
  /// Places `pod` on the node named in pod.spec.node_name.
  void add_pod(const api::Pod& pod) {
    NodeInfo* n = snapshot_.find(pod.spec.node_name);
    n->add_pod(PodInfo::from(std::make_shared<const api::Pod>(pod)));
  }
  void add_service(const std::string& ns, const std::string& name, api::StringMap selector) {
    auto s = std::make_shared<api::Service>();
    s->metadata.namespace_ = ns;
    s->metadata.name = name;
    s->spec.selector = std::move(selector);
    objects_.services[ns + "/" + name] = std::move(s);
  }
  void add_replica_set(const std::string& ns, const std::string& name, api::LabelSelector selector) {
    auto rs = std::make_shared<api::ReplicaSet>();
    rs->metadata.namespace_ = ns;
    rs->metadata.name = name;
    rs->spec.selector = std::move(selector);
    objects_.replica_sets[ns + "/" + name] = std::move(rs);
  }

  /// The snapshot's nodes as the const list PreScore receives (every node feasible).
  [[nodiscard]] std::vector<const NodeInfo*> all_nodes() const {
    return {snapshot_.nodes().begin(), snapshot_.nodes().end()};
  }
  [[nodiscard]] const NodeInfo& node(const std::string& name) const { return *snapshot_.find(name); }

 private:
  Snapshot snapshot_;
  ClusterObjects objects_;
  base::Rng rng_{42};
};

/// Builds pods fluently: PodBuilder("p").label("foo", "").node("node-a").obj().
class PodBuilder {
 public:
  explicit PodBuilder(std::string name, std::string ns = "default") {
    pod_.metadata.name = std::move(name);
    pod_.metadata.namespace_ = std::move(ns);
    pod_.metadata.uid = "uid-" + pod_.metadata.name;
  }
  PodBuilder& label(const std::string& k, const std::string& v) {
    pod_.metadata.labels.set(k, v);
    return *this;
  }
  PodBuilder& node(const std::string& n) {
    pod_.spec.node_name = n;
    return *this;
  }
  PodBuilder& terminating() {
    pod_.metadata.deletion_timestamp = base::SimTime{};
    return *this;
  }
  PodBuilder& node_selector(const std::string& k, const std::string& v) {
    pod_.spec.node_selector.set(k, v);
    return *this;
  }
  PodBuilder& node_affinity_in(const std::string& key, std::vector<std::string> values) {
    api::NodeSelectorTerm term;
    term.match_expressions.push_back({key, api::SelectorOperator::In, std::move(values)});
    affinity().node_affinity.emplace().required.emplace().terms.push_back(std::move(term));
    return *this;
  }
  PodBuilder& toleration(const std::string& key) {
    api::Toleration t;
    t.key = key;
    t.op = api::TolerationOperator::Exists;
    pod_.spec.tolerations.push_back(t);
    return *this;
  }
  PodBuilder& owner(const std::string& kind, const std::string& name, const std::string& api_version = "apps/v1") {
    api::OwnerReference ref;
    ref.api_version = api_version;
    ref.kind = kind;
    ref.name = name;
    ref.controller = true;
    pod_.metadata.owner_references.push_back(ref);
    return *this;
  }
  PodBuilder& spread(std::int32_t max_skew, const std::string& key, api::UnsatisfiableConstraintAction action,
                     std::optional<api::LabelSelector> selector, std::optional<std::int32_t> min_domains = {},
                     std::optional<api::NodeInclusionPolicy> affinity_policy = {},
                     std::optional<api::NodeInclusionPolicy> taints_policy = {},
                     std::vector<std::string> match_label_keys = {}) {
    api::TopologySpreadConstraint c;
    c.max_skew = max_skew;
    c.topology_key = key;
    c.when_unsatisfiable = action;
    c.label_selector = std::move(selector);
    c.min_domains = min_domains;
    c.node_affinity_policy = affinity_policy;
    c.node_taints_policy = taints_policy;
    c.match_label_keys = std::move(match_label_keys);
    pod_.spec.topology_spread_constraints.push_back(std::move(c));
    return *this;
  }
  /// Required (weight 0) or preferred pod (anti-)affinity term.
  PodBuilder& pod_affinity(bool anti, bool required, std::int32_t weight, std::optional<api::LabelSelector> selector,
                           const std::string& topology_key, std::vector<std::string> namespaces = {},
                           std::optional<api::LabelSelector> namespace_selector = {}) {
    api::PodAffinityTerm term;
    term.label_selector = std::move(selector);
    term.topology_key = topology_key;
    term.namespaces = std::move(namespaces);
    term.namespace_selector = std::move(namespace_selector);
    auto& slot = anti ? affinity().pod_anti_affinity : affinity().pod_affinity;
    if (!slot) {
      slot.emplace();
    }
    if (required) {
      slot->required.push_back(std::move(term));
    } else {
      slot->preferred.push_back({weight, std::move(term)});
    }
    return *this;
  }
  [[nodiscard]] const api::Pod& obj() const { return pod_; }
  [[nodiscard]] PodInfo info() const { return PodInfo::from(std::make_shared<const api::Pod>(pod_)); }

 private:
  api::Affinity& affinity() {
    if (!pod_.spec.affinity) {
      pod_.spec.affinity.emplace();
    }
    return *pod_.spec.affinity;
  }
  api::Pod pod_;
};

/// Selectors: `key` Exists, and `key` In `values`.
inline api::LabelSelector exists_selector(const std::string& key) {
  api::LabelSelector s;
  s.match_expressions.push_back({key, api::SelectorOperator::Exists, {}});
  return s;
}
inline api::LabelSelector in_selector(const std::string& key, std::vector<std::string> values) {
  api::LabelSelector s;
  s.match_expressions.push_back({key, api::SelectorOperator::In, std::move(values)});
  return s;
}

}  // namespace kubesim::scheduler::testing
