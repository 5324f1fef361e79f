#pragma once

/// ImageLocality (Score): favours nodes that already have the pod's container images, weighted by how
/// widely each image is spread (to avoid piling pods onto the few nodes holding an image). Upstream
/// plugins/imagelocality/image_locality.go; formula in K8S-SEMANTICS §2.5.
///
/// For every init and regular container whose normalized image (normalized_image_name: ":latest"
/// appended when untagged) is in NodeInfo::images:
///   sum += int64(size_bytes · numNodesWithImage / totalNumNodes)   (double product, truncated)
/// with both counts over *all* nodes of the handle's snapshot (Snapshot::num_nodes_with_image,
/// Snapshot::size()). Then, with numContainers = #init + #regular containers, sum is clamped to
/// [23 MiB, 1000 MiB · numContainers] and score = 100·(sum − 23 MiB) / (1000 MiB·numContainers − 23 MiB)
/// (integer). A pod with no containers scores 0. No NormalizeScore.
///
/// No args. The node being scored must be in the snapshot's image counts (it is, when it comes from
/// the same snapshot).

#include "kubesim/base/expected.hpp"
#include "kubesim/scheduler/framework/framework.hpp"

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::scheduler {

class ImageLocality final : public ScorePlugin {
 public:
  static constexpr std::string_view kName = "ImageLocality";
  static constexpr std::int64_t kMb = 1024LL * 1024;
  /// Below this sum every node scores 0 (upstream minThreshold).
  static constexpr std::int64_t kMinThreshold = 23 * kMb;
  /// Per container: above numContainers times this every node scores 100 (maxContainerThreshold).
  static constexpr std::int64_t kMaxContainerThreshold = 1000 * kMb;

  /// Takes no args: anything but monostate is rejected ("plugin ImageLocality takes no arguments").
  static base::Expected<std::unique_ptr<Plugin>, std::string> create(const PluginArgs& args, FrameworkHandle& handle);

  /// Reads the snapshot through `handle` at every Score; `handle` must outlive the plugin.
  explicit ImageLocality(const FrameworkHandle& handle) : handle_(handle) {}

  [[nodiscard]] std::string_view name() const override { return kName; }
  std::int64_t score(const CycleState& state, const PodInfo& pod, const NodeInfo& node) override;
  /// score() for every node; nodes without images all get calculate_priority(0, containers), computed
  /// once.
  void score_nodes(const CycleState& state, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                   std::span<std::int64_t> scores) override;

  /// Upstream sumImageScores: the spread-scaled sizes of the pod's images present on `node`.
  static std::int64_t sum_image_scores(const NodeInfo& node, const api::PodSpec& spec, const Snapshot& snapshot);
  /// Upstream calculatePriority: clamps `sum` and maps it to 0..100.
  static std::int64_t calculate_priority(std::int64_t sum, std::int64_t num_containers);

 private:
  /// One of the pod's images: its normalized name and the fraction of nodes that have it.
  struct WantedImage {
    std::string name;
    double spread = 0;
  };
  static std::vector<WantedImage> wanted_images(const api::PodSpec& spec, const Snapshot& snapshot);
  /// sum_image_scores with the pod's images prepared by wanted_images.
  static std::int64_t sum_wanted(const NodeInfo& node, std::span<const WantedImage> wanted);

  const FrameworkHandle& handle_;
};

}  // namespace kubesim::scheduler
