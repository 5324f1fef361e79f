#include "kubesim/api/int_or_string.hpp"

#include <charconv>

namespace kubesim::api {

std::optional<std::int32_t> IntOrString::scaled_value(std::int32_t total, bool round_up) const {
  if (!is_string) {
    return int_value;
  }
  if (str_value.size() < 2 || str_value.back() != '%') {
    return std::nullopt;
  }
  std::int64_t pct = 0;
  const char* end = str_value.data() + str_value.size() - 1;
  auto [ptr, ec] = std::from_chars(str_value.data(), end, pct);
  if (ec != std::errc() || ptr != end || pct < 0) {
    return std::nullopt;
  }
  std::int64_t product = pct * total;
  std::int64_t v = round_up ? (product + 99) / 100 : product / 100;
  return static_cast<std::int32_t>(v);
}

}  // namespace kubesim::api
