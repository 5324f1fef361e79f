#pragma once

// A FrameworkHandle test double for plugin unit tests: it owns a Snapshot the test fills with
// add_node(), records bind requests, and hands out a fixed-seed Rng.

#include "kubesim/scheduler/framework/framework.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kubesim::scheduler::testing {

class FakeHandle final : public FrameworkHandle {
 public:
  [[nodiscard]] const Snapshot& snapshot() const override { return snapshot_; }
  [[nodiscard]] const ClusterObjects& objects() const override { return objects_; }
  base::Rng& rng() override { return rng_; }
  void bind_pod(const api::Pod& pod, const std::string& node_name) override {
    binds.emplace_back(pod.metadata.name, node_name);
  }

  /// Adds (or updates) a node in the snapshot and returns its NodeInfo.
  NodeInfo& add_node(std::shared_ptr<const api::Node> node) { return snapshot_.upsert_node(std::move(node)); }
  Snapshot& mutable_snapshot() { return snapshot_; }
  ClusterObjects& mutable_objects() { return objects_; }

  std::vector<std::pair<std::string, std::string>> binds;

 private:
  Snapshot snapshot_;
  ClusterObjects objects_;
  base::Rng rng_{42};
};

}  // namespace kubesim::scheduler::testing
