#pragma once

/// Integer resource units. CPU is held in milli-CPU and memory in bytes, as kube-scheduler's
/// `Resource{MilliCPU, Memory int64}`: no floating point in resource accounting. Quantities from YAML are
/// parsed once at load time (quantity.hpp) and converted to these.

#include <compare>
#include <cstdint>

namespace kubesim::base {

/// A strong int64 so that milli-CPU and bytes cannot be mixed up. Supports the arithmetic that resource
/// accounting needs (sums, differences, comparisons) and exposes the raw count for formulas.
template <class Tag> class ResourceAmount {
 public:
  constexpr ResourceAmount() = default;
  constexpr explicit ResourceAmount(std::int64_t v) : v_(v) {}
  [[nodiscard]] constexpr std::int64_t count() const { return v_; }
  constexpr auto operator<=>(const ResourceAmount&) const = default;
  constexpr ResourceAmount operator+(ResourceAmount o) const { return ResourceAmount(v_ + o.v_); }
  constexpr ResourceAmount operator-(ResourceAmount o) const { return ResourceAmount(v_ - o.v_); }
  constexpr ResourceAmount& operator+=(ResourceAmount o) {
    v_ += o.v_;
    return *this;
  }
  constexpr ResourceAmount& operator-=(ResourceAmount o) {
    v_ -= o.v_;
    return *this;
  }

 private:
  std::int64_t v_ = 0;
};

struct MilliCpuTag {};
struct BytesTag {};
/// Thousandths of a CPU core ("500m" = 500, "2" = 2000).
using MilliCpu = ResourceAmount<MilliCpuTag>;
/// Bytes of memory or storage ("1Gi" = 1073741824).
using Bytes = ResourceAmount<BytesTag>;

}  // namespace kubesim::base
