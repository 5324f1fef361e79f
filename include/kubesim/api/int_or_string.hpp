#pragma once

/// intstr.IntOrString: an integer or a string such as "25%" (maxSurge, maxUnavailable, minAvailable,
/// targetPort).

#include <cstdint>
#include <optional>
#include <string>

namespace kubesim::api {

struct IntOrString {
  bool is_string = false;
  std::int32_t int_value = 0;
  std::string str_value;

  static IntOrString from_int(std::int32_t v) { return IntOrString{false, v, {}}; }
  static IntOrString from_string(std::string s) { return IntOrString{true, 0, std::move(s)}; }
  bool operator==(const IntOrString&) const = default;

  /// Upstream GetScaledValueFromIntOrPercent: an integer is returned as is; "N%" gives
  /// total*N/100 rounded up or down as asked. nullopt for a string that is not a percentage.
  [[nodiscard]] std::optional<std::int32_t> scaled_value(std::int32_t total, bool round_up) const;
  [[nodiscard]] std::string str() const { return is_string ? str_value : std::to_string(int_value); }
};

}  // namespace kubesim::api
