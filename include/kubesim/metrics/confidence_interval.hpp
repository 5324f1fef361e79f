#pragma once

/// Means with 95% confidence intervals for `kubesim compare`: the Student-t interval of a sample of
/// independent runs (one per seed), mean ± t(0.975, n−1) · s / √n. With paired samples (two profiles
/// run on the same seeds) the interval of the mean difference is the same formula applied to the
/// per-seed differences, which removes the seed-to-seed variation both profiles share.

#include <cstddef>
#include <optional>
#include <span>

namespace kubesim::metrics {

struct MeanInterval {
  std::size_t n = 0;
  double mean = 0;
  /// Sample standard deviation (n − 1 in the denominator); 0 when n < 2.
  double stddev = 0;
  /// t(0.975, n − 1) · s / √n; nullopt when n < 2 (one run says nothing about the spread).
  std::optional<double> half_width;

  [[nodiscard]] double low() const { return mean - half_width.value_or(0); }
  [[nodiscard]] double high() const { return mean + half_width.value_or(0); }
  /// Whether the interval excludes 0 (a difference that is not noise at the 5% level).
  [[nodiscard]] bool excludes_zero() const { return half_width && (low() > 0 || high() < 0); }
};

/// The two-sided 95% Student-t quantile t(0.975, df); df >= 1.
double t_quantile_975(std::size_t df);

/// Mean and 95% interval of `values` (summed in order, so the result is the same on every machine).
MeanInterval mean_interval95(std::span<const double> values);

}  // namespace kubesim::metrics
