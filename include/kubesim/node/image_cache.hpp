#pragma once

/// ImageCache: the images on one node's image filesystem, with the bookkeeping of upstream's image
/// garbage collector (pkg/kubelet/images/image_gc_manager.go) and the node status images setter
/// (pkg/kubelet/nodestatus/setters.go, Images).
///
/// Each image has a size, the time it was first detected on the node (pulled, or present at kubelet
/// start), the time it was last used, and the number of pods on the node that use it. A pod uses
/// its images from the moment the kubelet resolves them for its containers (the pull stage) until its
/// containers are stopped; while any pod uses an image it is never collected.
///
/// Garbage collection (collect_garbage), as realImageGCManager.GarbageCollect:
///   usagePercent = 100 - available*100/capacity (integer division);
///   if usagePercent >= highThresholdPercent, free capacity*(100-lowThresholdPercent)/100 - available
///   bytes by deleting images in eviction order — least recently used first, ties by first detected
///   (byLastUsedAndDetected), then by name for determinism — skipping pinned images, images in use and
///   images detected less than minAge ago, until enough is freed. Freeing less than asked is a failure
///   (FreeDiskSpaceFailed).
///
/// Sizes are bytes; an image is stored under its normalized names (normalize_image_name). A node
/// holds tens of images, so lookups scan a vector sorted by name: no hashing, no allocation.

#include "kubesim/api/node.hpp"
#include "kubesim/base/time.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::node {

/// Size assumed for an image that neither spec.cluster.images nor any Node template's status.images
/// gives a size for: 100 MiB, about the median of public application images.
inline constexpr std::int64_t kDefaultImageSizeBytes = std::int64_t{100} << 20;
/// MaxNamesPerImageInNodeStatus (pkg/kubelet/nodestatus/setters.go).
inline constexpr std::size_t kMaxNamesPerImageInNodeStatus = 5;

/// The kubelet's image name normalization: ":latest" is appended to a name with neither a tag nor a
/// digest ("redis" → "redis:latest", "reg:5000/app" → "reg:5000/app:latest").
std::string normalize_image_name(std::string_view image);

/// One image on the node.
struct CachedImage {
  /// Normalized names (the first is the one it was pulled as); at least one.
  std::vector<std::string> names;
  std::int64_t size_bytes = 0;
  /// When the image is on disk: its pull's end (the pull is in flight before that).
  base::SimTime available_at;
  /// imageRecord.firstDetected: when the kubelet first saw it (pull end, or kubelet start).
  base::SimTime first_detected;
  /// imageRecord.lastUsed: the last time a pod started or stopped using it.
  base::SimTime last_used;
  /// Pods on the node using it now.
  std::int32_t users = 0;
  /// The runtime pins its sandbox (pause) image; image GC never deletes a pinned image (upstream
  /// skips images the CRI reports as pinned).
  bool pinned = false;
};

/// Whether `name` (normalized) is a sandbox image the runtime pins: any registry.k8s.io/pause tag
/// (containerd's sandbox_image and CRI-O's pause_image default to one).
bool is_sandbox_image(std::string_view name);

/// The image GC policy (ImageGCPolicy): thresholds in percent of the image filesystem's capacity.
struct ImageGcPolicy {
  std::int32_t high_threshold_percent = 85;
  std::int32_t low_threshold_percent = 80;
  base::Duration min_age = base::Duration::from_seconds(120);
};

/// What one garbage collection pass did.
struct ImageGcResult {
  /// Usage was at or above the high threshold, so the pass tried to free bytes_to_free.
  bool triggered = false;
  std::int64_t bytes_to_free = 0;
  std::int64_t bytes_freed = 0;
  /// First names of the images deleted, in deletion order.
  std::vector<std::string> removed;
  /// upstream's FreeDiskSpaceFailed: it could not free enough.
  [[nodiscard]] bool failed() const { return triggered && bytes_freed < bytes_to_free; }
};

class ImageCache {
 public:
  /// The image with `name` among its names (a normalized name), or nullptr. O(images × names).
  [[nodiscard]] const CachedImage* find(std::string_view name) const;
  [[nodiscard]] CachedImage* find(std::string_view name);
  /// Adds an image not yet present under any of `names` (normalized). It is on disk from
  /// `available_at` on and counts as first detected then.
  CachedImage& add(std::vector<std::string> names, std::int64_t size_bytes, base::SimTime available_at);
  /// A pod starts using the image named `name` (which must be present).
  void acquire(std::string_view name, base::SimTime now);
  /// A pod stops using it. No-op when the image is gone.
  void release(std::string_view name, base::SimTime now);

  /// Bytes the images take on the image filesystem.
  [[nodiscard]] std::int64_t usage_bytes() const { return usage_bytes_; }
  [[nodiscard]] const std::vector<CachedImage>& images() const { return images_; }

  /// One garbage collection pass at `now` on an image filesystem of `capacity_bytes` (> 0).
  ImageGcResult collect_garbage(std::int64_t capacity_bytes, const ImageGcPolicy& policy, base::SimTime now);

  /// status.images as the Images setter writes it: the images on disk, largest first (ties by name),
  /// at most `max_images` (upstream nodeStatusMaxImages, 50; negative = all), each with at most
  /// kMaxNamesPerImageInNodeStatus names.
  [[nodiscard]] std::vector<api::ContainerImage> status_images(std::int32_t max_images, base::SimTime now) const;

 private:
  /// Sorted by names[0].
  std::vector<CachedImage> images_;
  std::int64_t usage_bytes_ = 0;
};

}  // namespace kubesim::node
