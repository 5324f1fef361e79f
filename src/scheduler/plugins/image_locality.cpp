#include "kubesim/scheduler/plugins/image_locality.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace kubesim::scheduler {
namespace {

const ImageState* find_image(const NodeInfo& node, const std::string& name) {
  auto it = std::lower_bound(node.images.begin(), node.images.end(), name,
                             [](const ImageState& s, const std::string& n) { return s.name < n; });
  return it != node.images.end() && it->name == name ? &*it : nullptr;
}

}  // namespace

base::Expected<std::unique_ptr<Plugin>, std::string> ImageLocality::create(const PluginArgs& args,
                                                                           FrameworkHandle& handle) {
  if (!std::holds_alternative<std::monostate>(args)) {
    return base::unexpected(fmt::format("plugin {} takes no arguments", kName));
  }
  return std::unique_ptr<Plugin>(std::make_unique<ImageLocality>(handle));
}

std::int64_t ImageLocality::sum_image_scores(const NodeInfo& node, const api::PodSpec& spec, const Snapshot& snapshot) {
  if (!node.has_images) {
    return 0;  // nothing cached here: skip building normalized names
  }
  return sum_wanted(node, wanted_images(spec, snapshot));
}

std::vector<ImageLocality::WantedImage> ImageLocality::wanted_images(const api::PodSpec& spec,
                                                                     const Snapshot& snapshot) {
  const auto total_nodes = static_cast<double>(snapshot.size());
  std::vector<WantedImage> out;
  out.reserve(spec.init_containers.size() + spec.containers.size());
  auto add = [&](const api::Container& c) {
    std::string image = normalized_image_name(c.image);
    // scaledImageScore's spread: the fraction of nodes that have the image.
    const double spread = static_cast<double>(snapshot.num_nodes_with_image(image)) / total_nodes;
    out.push_back(WantedImage{std::move(image), spread});
  };
  std::for_each(spec.init_containers.begin(), spec.init_containers.end(), add);
  std::for_each(spec.containers.begin(), spec.containers.end(), add);
  return out;
}

std::int64_t ImageLocality::sum_wanted(const NodeInfo& node, std::span<const WantedImage> wanted) {
  std::int64_t sum = 0;
  for (const WantedImage& w : wanted) {
    if (const ImageState* state = find_image(node, w.name)) {
      // scaledImageScore: the image size scaled by the fraction of nodes that have it.
      sum += static_cast<std::int64_t>(static_cast<double>(state->size_bytes) * w.spread);
    }
  }
  return sum;
}

std::int64_t ImageLocality::calculate_priority(std::int64_t sum, std::int64_t num_containers) {
  const std::int64_t max_threshold = kMaxContainerThreshold * num_containers;
  if (sum < kMinThreshold) {
    sum = kMinThreshold;
  } else if (sum > max_threshold) {
    sum = max_threshold;
  }
  // With no containers max_threshold is 0 and sum is kMinThreshold: 0 / negative = 0, as upstream.
  return kMaxNodeScore * (sum - kMinThreshold) / (max_threshold - kMinThreshold);
}

std::int64_t ImageLocality::score(const CycleState& /*state*/, const PodInfo& pod, const NodeInfo& node) {
  const api::PodSpec& spec = pod.get().spec;
  const std::int64_t sum = sum_image_scores(node, spec, handle_.snapshot());
  return calculate_priority(sum, static_cast<std::int64_t>(spec.init_containers.size() + spec.containers.size()));
}

void ImageLocality::score_nodes(const CycleState& /*state*/, const PodInfo& pod, std::span<const NodeInfo* const> nodes,
                                std::span<std::int64_t> scores) {
  const api::PodSpec& spec = pod.get().spec;
  const auto num_containers = static_cast<std::int64_t>(spec.init_containers.size() + spec.containers.size());
  // sum_image_scores is 0 on a node without images.
  const std::int64_t without_images = calculate_priority(0, num_containers);
  // The pod's normalized image names and their spread are the same on every node: computed once per
  // call, not per node.
  std::vector<WantedImage> wanted;
  bool computed = false;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const NodeInfo& node = *nodes[i];
    if (!node.has_images) {
      scores[i] = without_images;
      continue;
    }
    if (!computed) {
      wanted = wanted_images(spec, handle_.snapshot());
      computed = true;
    }
    scores[i] = calculate_priority(sum_wanted(node, wanted), num_containers);
  }
}

}  // namespace kubesim::scheduler
