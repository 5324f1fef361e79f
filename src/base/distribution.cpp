#include "kubesim/base/distribution.hpp"

#include <fmt/format.h>

#include <cmath>

namespace kubesim::base {
namespace {

Duration to_duration(double ns) {
  if (!(ns > 0)) {
    return Duration::zero();
  }
  if (ns >= 9.2e18) {
    return Duration::max();
  }
  return Duration::from_nanos(std::llround(ns));
}

}  // namespace

DurationDistribution DurationDistribution::constant(Duration value) {
  DurationDistribution d;
  d.kind_ = Kind::Constant;
  d.a_ = value;
  return d;
}

DurationDistribution DurationDistribution::uniform(Duration min, Duration max) {
  DurationDistribution d;
  d.kind_ = Kind::Uniform;
  d.a_ = min;
  d.b_ = max;
  return d;
}

DurationDistribution DurationDistribution::exponential(Duration mean) {
  DurationDistribution d;
  d.kind_ = Kind::Exponential;
  d.a_ = mean;
  return d;
}

DurationDistribution DurationDistribution::normal(Duration mean, Duration stddev) {
  DurationDistribution d;
  d.kind_ = Kind::Normal;
  d.a_ = mean;
  d.b_ = stddev;
  return d;
}

DurationDistribution DurationDistribution::lognormal(Duration median, double sigma) {
  DurationDistribution d;
  d.kind_ = Kind::LogNormal;
  d.a_ = median;
  d.sigma_ = sigma;
  return d;
}

Duration DurationDistribution::sample(Rng& rng) const {
  switch (kind_) {
  case Kind::Constant:
    return a_;
  case Kind::Uniform:
    return Duration::from_nanos(rng.uniform_int(a_.nanos(), b_.nanos()));
  case Kind::Exponential:
    return to_duration(rng.exponential(static_cast<double>(a_.nanos())));
  case Kind::Normal: {
    // Re-draw negative samples (bounded: a mean far below zero would otherwise spin).
    for (int i = 0; i < 64; ++i) {
      double v = static_cast<double>(a_.nanos()) + rng.normal01() * static_cast<double>(b_.nanos());
      if (v >= 0) {
        return to_duration(v);
      }
    }
    return Duration::zero();
  }
  case Kind::LogNormal:
    return to_duration(static_cast<double>(a_.nanos()) * std::exp(sigma_ * rng.normal01()));
  }
  return a_;
}

Duration DurationDistribution::mean() const {
  switch (kind_) {
  case Kind::Uniform:
    return Duration::from_nanos(a_.nanos() + (b_.nanos() - a_.nanos()) / 2);
  case Kind::LogNormal:
    return to_duration(static_cast<double>(a_.nanos()) * std::exp(sigma_ * sigma_ / 2));
  case Kind::Constant:
  case Kind::Exponential:
  case Kind::Normal:
    return a_;
  }
  return a_;
}

std::string DurationDistribution::str() const {
  switch (kind_) {
  case Kind::Constant:
    return format_duration(a_);
  case Kind::Uniform:
    return fmt::format("uniform(min={}, max={})", format_duration(a_), format_duration(b_));
  case Kind::Exponential:
    return fmt::format("exponential(mean={})", format_duration(a_));
  case Kind::Normal:
    return fmt::format("normal(mean={}, stddev={})", format_duration(a_), format_duration(b_));
  case Kind::LogNormal:
    return fmt::format("lognormal(median={}, sigma={})", format_duration(a_), sigma_);
  }
  return {};
}

}  // namespace kubesim::base
