#include "kubesim/metrics/latency_cdf.hpp"

#include <algorithm>
#include <cmath>

namespace kubesim::metrics {

double nearest_rank(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) {
    return 0;
  }
  // ceil(p/100 · n), computed in integers where it matters: p·n is exact for the p we use.
  auto n = static_cast<double>(sorted.size());
  auto rank = static_cast<std::size_t>(std::ceil(p * n / 100.0));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

LatencyCdf latency_cdf(std::vector<double> samples, std::size_t max_points) {
  LatencyCdf cdf;
  std::sort(samples.begin(), samples.end());
  cdf.sorted = std::move(samples);
  const std::size_t n = cdf.sorted.size();
  if (n == 0) {
    return cdf;
  }
  cdf.p50 = nearest_rank(cdf.sorted, 50);
  cdf.p90 = nearest_rank(cdf.sorted, 90);
  cdf.p99 = nearest_rank(cdf.sorted, 99);
  // The upper vertex of each step: the last index of every run of equal values.
  std::vector<std::size_t> ends;
  for (std::size_t i = 0; i < n; ++i) {
    if (i + 1 == n || cdf.sorted[i + 1] != cdf.sorted[i]) {
      ends.push_back(i);
    }
  }
  max_points = std::max<std::size_t>(max_points, 2);
  if (ends.size() > max_points) {
    // Evenly spaced ranks, always ending at the maximum, so the curve still reaches 1.
    std::vector<std::size_t> picked;
    for (std::size_t k = 1; k <= max_points; ++k) {
      picked.push_back(ends[(ends.size() * k) / max_points - 1]);
    }
    ends = std::move(picked);
  }
  for (std::size_t i : ends) {
    cdf.points.push_back(CdfPoint{cdf.sorted[i], static_cast<double>(i + 1) / static_cast<double>(n)});
  }
  return cdf;
}

}  // namespace kubesim::metrics
