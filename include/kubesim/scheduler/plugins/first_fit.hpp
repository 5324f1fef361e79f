#pragma once

/// FirstFit (Score, research policy): prefers the feasible node that comes first in the snapshot's
/// node-tree order (Snapshot::nodes(): zones interleaved round-robin, nodes of a zone in the order
/// they were added), as the classic first-fit bin-packing heuristic does.
///
///   raw(n)   = position of n in Snapshot::nodes()            (0-based; lower is better)
///   score(n) = floor(100 · (max − raw(n)) / (max − min))      over the scored nodes; 100 when max == min
///
/// Only the earliest node scores 100, so a profile with FirstFit as its only Score plugin binds the
/// pod exactly there. That is exact first fit when percentageOfNodesToScore is 100 (every node is
/// filtered); otherwise Filter stops after enough feasible nodes, starting from a rotating index, and
/// the pod goes to the earliest node among those sampled.
///
/// The position of a node is found in O(1) through a node → position table that is rebuilt (O(N))
/// only when a lookup misses or no longer matches the snapshot (nodes added or removed). The table
/// is keyed by NodeInfo address for lookup only; no decision depends on its iteration order. A node
/// not in the handle's snapshot ranks after every node that is. No args.

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace kubesim::scheduler {

class FirstFit final : public ScorePlugin {
 public:
  static constexpr std::string_view kName = "FirstFit";

  /// Takes no args: anything but monostate is rejected ("plugin FirstFit takes no arguments").
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);

  /// Reads the snapshot through `handle` at every Score; `handle` must outlive the plugin.
  explicit FirstFit(const FrameworkHandle& handle) : handle_(handle) {}

  [[nodiscard]] std::string_view name() const override { return kName; }
  /// The node's 0-based position in Snapshot::nodes() (Snapshot::size() when absent).
  std::int64_t score(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  [[nodiscard]] bool has_normalize() const override { return true; }
  /// Reversed min-max scaling: the earliest node 100, the latest 0.
  void normalize_score(const CycleState& state, const PodInfo& pod, std::span<std::int64_t> scores) override;

 private:
  const FrameworkHandle& handle_;
  std::unordered_map<const NodeInfo*, std::uint32_t> positions_;
};

}  // namespace kubesim::scheduler
