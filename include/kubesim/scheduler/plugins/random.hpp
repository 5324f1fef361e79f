#pragma once

/// Random (Score, research policy): every feasible node gets a score drawn uniformly from [0, 100]
/// with the scheduler's seeded stream (FrameworkHandle::rng()), so placements are random yet
/// byte-identical for a given seed. A profile with Random as its only Score plugin places each pod
/// on a uniformly random feasible node: the maximum is unique or tied, and ties are broken with the
/// same stream. Not an upstream plugin; see docs/policies.md.
///
/// Draws one number per scored node, in the order the framework scores them (the feasible nodes in
/// the order Filter found them). No NormalizeScore, no args. O(1) per node.

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace kubesim::scheduler {

class Random final : public ScorePlugin {
 public:
  static constexpr std::string_view kName = "Random";

  /// Takes no args: anything but monostate is rejected ("plugin Random takes no arguments").
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);

  /// Draws from `handle.rng()` at every Score; `handle` must outlive the plugin.
  explicit Random(FrameworkHandle& handle) : handle_(handle) {}

  [[nodiscard]] std::string_view name() const override { return kName; }
  /// A uniform integer in [kMinNodeScore, kMaxNodeScore].
  std::int64_t score(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;

 private:
  FrameworkHandle& handle_;
};

}  // namespace kubesim::scheduler
