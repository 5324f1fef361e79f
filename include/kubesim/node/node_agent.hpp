#pragma once

/// NodeAgent: the kubelets (with their container runtimes) of every node in a NodePool.
///
/// Each kubelet registers its Node through the API server and watches the pods bound to it
/// (spec.nodeName=<node>). A new pod goes through the start-up stages as one chain of events, each
/// scheduled only when the previous stage is done:
///
///   admission → sandbox → image pulls (serialized per node; cached images are skipped)
///             → init containers in order → app containers started → Running and Ready
///             → (after its run time, if it has one) Succeeded
///
/// Stage latencies come from KubeletConfig distributions drawn from the node's own random stream. A pod's
/// run time is its kubesim.io/duration annotation; without one it runs until deleted. Admission rejects
/// pods that do not fit in what is left of the node's allocatable (Failed, reason OutOfcpu /
/// OutOfmemory / OutOfpods, with upstream's message). A pod marked for deletion has its containers
/// stopped and is then removed with a grace-0 delete, as the kubelet confirms deletions upstream.
///
/// Agent state is data: one row per pod in a slab, events carry (NodeIndex, row).

#include "kubesim/client/client.hpp"
#include "kubesim/node/kubelet_config.hpp"
#include "kubesim/node/node_pool.hpp"
#include "kubesim/sim/simulation.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace kubesim::node {

class NodeAgent {
 public:
  NodeAgent(sim::Simulation& sim, apiserver::ApiServer& server, KubeletConfig config);

  /// Adds a node whose kubelet will register `node` when started.
  NodeIndex add_node(api::Node node);
  /// Starts every kubelet added so far: registers its Node and starts its pod watch.
  void start();

  // Dispatcher entry points.
  void handle_watch(NodeIndex node, std::uint32_t slot);
  void handle_pod_step(NodeIndex node, std::uint32_t row);

  [[nodiscard]] const NodePool& pool() const { return pool_; }
  /// Image pulls performed so far (one per node and image, unless evicted).
  [[nodiscard]] std::uint64_t image_pulls() const { return image_pulls_; }

 private:
  enum class Stage : std::uint8_t { Sandbox, Pulling, Starting, Running, Stopping };
  struct PodRow {
    std::shared_ptr<const api::Pod> pod;
    NodeIndex node = 0;
    Stage stage = Stage::Sandbox;
    sim::EventId pending = 0;
    bool has_pending = false;
    base::SimTime acknowledged;
    std::string key;
  };

  void on_pod_added(NodeIndex node, std::shared_ptr<const api::Pod> pod);
  void on_pod_modified(NodeIndex node, std::shared_ptr<const api::Pod> pod);
  void on_pod_deleted(const api::Pod& pod);
  void schedule_step(std::uint32_t row, base::SimTime at);
  void release(std::uint32_t row);
  void free_row(std::uint32_t row);
  void send_status(const api::Pod& pod);
  [[nodiscard]] base::Duration pull_images(std::uint32_t row);

  sim::Simulation& sim_;
  client::Client client_;
  KubeletConfig config_;
  NodePool pool_;
  std::vector<PodRow> rows_;
  std::vector<std::uint32_t> free_rows_;
  std::unordered_map<std::string, std::uint32_t> row_by_key_;  // lookup only, never iterated
  /// UIDs of pods this kubelet has finished or stopped: late watch events about them (our own status
  /// updates echoing back) must not start them again. Forgotten when the pod is deleted.
  std::unordered_set<std::string> finished_uids_;
  std::uint64_t image_pulls_ = 0;
  std::size_t started_nodes_ = 0;
};

}  // namespace kubesim::node
