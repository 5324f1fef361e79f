#include "kubesim/node/image_cache.hpp"

#include "kubesim/base/assert.hpp"

#include <algorithm>

namespace kubesim::node {

std::string normalize_image_name(std::string_view image) {
  auto slash = image.rfind('/');
  auto colon = image.rfind(':');
  bool has_tag = colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash);
  bool has_digest = image.find('@') != std::string_view::npos;
  std::string out(image);
  if (!has_tag && !has_digest) {
    out += ":latest";
  }
  return out;
}

bool is_sandbox_image(std::string_view name) { return name.starts_with("registry.k8s.io/pause:"); }

const CachedImage* ImageCache::find(std::string_view name) const {
  for (const CachedImage& img : images_) {
    if (std::find(img.names.begin(), img.names.end(), name) != img.names.end()) {
      return &img;
    }
  }
  return nullptr;
}

CachedImage* ImageCache::find(std::string_view name) {
  return const_cast<CachedImage*>(static_cast<const ImageCache*>(this)->find(name));
}

CachedImage& ImageCache::add(std::vector<std::string> names, std::int64_t size_bytes, base::SimTime available_at) {
  KUBESIM_ASSERT(!names.empty(), "an image needs a name");
  CachedImage img;
  img.names = std::move(names);
  img.size_bytes = std::max<std::int64_t>(0, size_bytes);
  img.available_at = available_at;
  img.first_detected = available_at;
  img.last_used = available_at;
  img.pinned =
      std::any_of(img.names.begin(), img.names.end(), [](const std::string& n) { return is_sandbox_image(n); });
  usage_bytes_ += img.size_bytes;
  auto at = std::lower_bound(images_.begin(), images_.end(), img.names.front(),
                             [](const CachedImage& a, const std::string& n) { return a.names.front() < n; });
  return *images_.insert(at, std::move(img));
}

void ImageCache::acquire(std::string_view name, base::SimTime now) {
  CachedImage* img = find(name);
  KUBESIM_ASSERT(img != nullptr, "acquiring image {} that is not on the node", name);
  ++img->users;
  img->last_used = std::max(img->last_used, now);
}

void ImageCache::release(std::string_view name, base::SimTime now) {
  if (CachedImage* img = find(name); img != nullptr && img->users > 0) {
    --img->users;
    img->last_used = std::max(img->last_used, now);
  }
}

ImageGcResult ImageCache::collect_garbage(std::int64_t capacity_bytes, const ImageGcPolicy& policy, base::SimTime now) {
  KUBESIM_ASSERT(capacity_bytes > 0, "image filesystem capacity {} must be positive", capacity_bytes);
  ImageGcResult result;
  // Images still being pulled are not on disk yet (the runtime does not list them).
  std::int64_t used = 0;
  for (const CachedImage& img : images_) {
    if (img.available_at <= now) {
      used += img.size_bytes;
    }
  }
  std::int64_t available = std::max<std::int64_t>(0, capacity_bytes - used);
  auto usage_percent = static_cast<std::int32_t>(100 - available * 100 / capacity_bytes);
  if (usage_percent < policy.high_threshold_percent) {
    return result;
  }
  result.triggered = true;
  result.bytes_to_free = capacity_bytes * (100 - policy.low_threshold_percent) / 100 - available;

  // imagesInEvictionOrder: unused images, least recently used first.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < images_.size(); ++i) {
    if (images_[i].users == 0 && !images_[i].pinned && images_[i].available_at <= now) {
      order.push_back(i);
    }
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const CachedImage& x = images_[a];
    const CachedImage& y = images_[b];
    if (x.last_used != y.last_used) {
      return x.last_used < y.last_used;
    }
    if (x.first_detected != y.first_detected) {
      return x.first_detected < y.first_detected;
    }
    return x.names.front() < y.names.front();
  });
  std::vector<std::uint8_t> doomed(images_.size(), 0);
  for (std::size_t i : order) {
    const CachedImage& img = images_[i];
    // freeSpace: used at freeTime, or younger than minAge (just pulled, about to be used): skip.
    if (img.last_used >= now || now - img.first_detected < policy.min_age) {
      continue;
    }
    doomed[i] = 1;
    result.removed.push_back(img.names.front());
    result.bytes_freed += img.size_bytes;
    if (result.bytes_freed >= result.bytes_to_free) {
      break;
    }
  }
  std::size_t out = 0;
  for (std::size_t i = 0; i < images_.size(); ++i) {
    if (doomed[i] != 0) {
      usage_bytes_ -= images_[i].size_bytes;
      continue;
    }
    if (out != i) {
      images_[out] = std::move(images_[i]);
    }
    ++out;
  }
  images_.resize(out);
  return result;
}

std::vector<api::ContainerImage> ImageCache::status_images(std::int32_t max_images, base::SimTime now) const {
  std::vector<const CachedImage*> on_disk;
  for (const CachedImage& img : images_) {
    if (img.available_at <= now) {
      on_disk.push_back(&img);
    }
  }
  // GetImageList sorted by sliceutils.ByImageSize (largest first); the name breaks ties.
  std::sort(on_disk.begin(), on_disk.end(), [](const CachedImage* a, const CachedImage* b) {
    return a->size_bytes != b->size_bytes ? a->size_bytes > b->size_bytes : a->names.front() < b->names.front();
  });
  if (max_images >= 0 && on_disk.size() > static_cast<std::size_t>(max_images)) {
    on_disk.resize(static_cast<std::size_t>(max_images));
  }
  std::vector<api::ContainerImage> out;
  out.reserve(on_disk.size());
  for (const CachedImage* img : on_disk) {
    api::ContainerImage& c = out.emplace_back();
    std::size_t n = std::min(img->names.size(), kMaxNamesPerImageInNodeStatus);
    c.names.assign(img->names.begin(), img->names.begin() + static_cast<std::ptrdiff_t>(n));
    c.size_bytes = img->size_bytes;
  }
  return out;
}

}  // namespace kubesim::node
