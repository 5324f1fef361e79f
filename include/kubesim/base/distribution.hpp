#pragma once

/// A distribution of durations, as used for latencies (API requests, image pulls, container starts)
/// and run times. Sampling draws from a caller-owned Rng stream and returns whole nanoseconds, so that
/// the floating-point inside a distribution never leaks into the model's state.

#include "kubesim/base/rng.hpp"
#include "kubesim/base/time.hpp"

#include <cstdint>
#include <string>

namespace kubesim::base {

class DurationDistribution {
 public:
  enum class Kind : std::uint8_t { Constant, Uniform, Exponential, Normal, LogNormal };

  /// Always `value`.
  static DurationDistribution constant(Duration value);
  /// Uniform on [min, max] (whole nanoseconds, inclusive).
  static DurationDistribution uniform(Duration min, Duration max);
  /// Exponential with the given mean (memoryless; e.g. Poisson inter-arrival times).
  static DurationDistribution exponential(Duration mean);
  /// Normal with mean and standard deviation, truncated below at zero (re-drawn, not clamped).
  static DurationDistribution normal(Duration mean, Duration stddev);
  /// Log-normal given by its median and the standard deviation `sigma` of the underlying normal; a
  /// common fit for request latencies and task run times (heavy right tail).
  static DurationDistribution lognormal(Duration median, double sigma);

  /// One sample. Never negative. Constant distributions draw nothing from `rng`.
  Duration sample(Rng& rng) const;
  /// The mean of the distribution (exact for all kinds; truncation of Normal ignored).
  [[nodiscard]] Duration mean() const;
  [[nodiscard]] Kind kind() const { return kind_; }
  /// Human-readable form, e.g. "exponential(mean=2ms)".
  [[nodiscard]] std::string str() const;

 private:
  Kind kind_ = Kind::Constant;
  Duration a_;  // constant value, uniform min, mean, or median
  Duration b_;  // uniform max or normal stddev
  double sigma_ = 0;
};

}  // namespace kubesim::base
