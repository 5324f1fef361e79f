#include "kubesim/base/time.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>

namespace kubesim::base {
namespace {

struct Unit {
  std::string_view name;
  std::uint64_t nanos;
};

// Go's unitMap: both micro spellings (U+00B5 micro sign and U+03BC Greek mu) are accepted.
constexpr std::array<Unit, 8> kUnits = {{{"ns", 1},
                                         {"us", 1'000},
                                         {"\xC2\xB5s", 1'000},
                                         {"\xCE\xBCs", 1'000},
                                         {"ms", 1'000'000},
                                         {"s", 1'000'000'000},
                                         {"m", 60'000'000'000},
                                         {"h", 3'600'000'000'000}}};

constexpr std::uint64_t kLimit = 1ULL << 63;  // |min int64|

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

// A port of Go's time.ParseDuration, including its float64 arithmetic for fractions, so that every
// duration Go accepts parses to the same nanosecond count.
std::optional<Duration> parse_duration(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    return Duration::zero();
  }
  if (s.empty()) {
    return std::nullopt;
  }
  std::uint64_t d = 0;
  while (!s.empty()) {
    if (!(s.front() == '.' || is_digit(s.front()))) {
      return std::nullopt;
    }
    // [0-9]*
    std::uint64_t v = 0;
    std::size_t i = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) {
      if (v > kLimit / 10) {
        return std::nullopt;  // overflow
      }
      v = v * 10 + static_cast<std::uint64_t>(s[i] - '0');
      if (v > kLimit) {
        return std::nullopt;
      }
    }
    bool pre = i > 0;
    s.remove_prefix(i);
    // (\.[0-9]*)?
    std::uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s.front() == '.') {
      s.remove_prefix(1);
      bool overflow = false;
      std::size_t j = 0;
      for (; j < s.size() && is_digit(s[j]); ++j) {
        if (overflow) {
          continue;
        }
        if (f > (UINT64_MAX - 9) / 10) {
          overflow = true;  // Go's leadingFraction: ignore digits past what fits
          continue;
        }
        f = f * 10 + static_cast<std::uint64_t>(s[j] - '0');
        scale *= 10;
      }
      post = j > 0;
      s.remove_prefix(j);
    }
    if (!pre && !post) {
      return std::nullopt;
    }
    // The unit runs to the next '.' or digit.
    std::size_t u = 0;
    while (u < s.size() && s[u] != '.' && !is_digit(s[u])) {
      ++u;
    }
    if (u == 0) {
      return std::nullopt;
    }
    std::string_view unit_name = s.substr(0, u);
    s.remove_prefix(u);
    const Unit* unit = nullptr;
    for (const Unit& cand : kUnits) {
      if (cand.name == unit_name) {
        unit = &cand;
      }
    }
    if (unit == nullptr || v > kLimit / unit->nanos) {
      return std::nullopt;
    }
    v *= unit->nanos;
    if (f > 0) {
      v += static_cast<std::uint64_t>(static_cast<double>(f) * (static_cast<double>(unit->nanos) / scale));
      if (v > kLimit) {
        return std::nullopt;
      }
    }
    d += v;
    if (d > kLimit) {
      return std::nullopt;
    }
  }
  if (neg) {
    return Duration::from_nanos(static_cast<std::int64_t>(0 - d));  // two's complement: -2^63 fits
  }
  if (d > kLimit - 1) {
    return std::nullopt;
  }
  return Duration::from_nanos(static_cast<std::int64_t>(d));
}

namespace {

// Appends v / 10^prec with trailing zeros of the fraction removed, like Go's fmtFrac + fmtInt.
void append_fraction(std::string& out, std::uint64_t v, int prec) {
  std::uint64_t scale = 1;
  for (int i = 0; i < prec; ++i) {
    scale *= 10;
  }
  out += fmt::format("{}", v / scale);
  std::uint64_t frac = v % scale;
  if (frac == 0) {
    return;
  }
  std::string digits = fmt::format("{:0{}}", frac, prec);
  while (!digits.empty() && digits.back() == '0') {
    digits.pop_back();
  }
  out += '.';
  out += digits;
}

}  // namespace

std::string format_duration(Duration d) {
  std::int64_t ns = d.nanos();
  std::string out;
  if (ns == 0) {
    return "0s";
  }
  std::uint64_t u = ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  if (ns < 0) {
    out += '-';
  }
  if (u < 1'000'000'000ULL) {
    // Sub-second: the largest unit that keeps a leading non-zero digit (Go prints "µs").
    if (u < 1'000ULL) {
      out += fmt::format("{}ns", u);
    } else if (u < 1'000'000ULL) {
      append_fraction(out, u, 3);
      out += "\xC2\xB5s";
    } else {
      append_fraction(out, u, 6);
      out += "ms";
    }
    return out;
  }
  std::uint64_t hours = u / 3'600'000'000'000ULL;
  u %= 3'600'000'000'000ULL;
  std::uint64_t minutes = u / 60'000'000'000ULL;
  u %= 60'000'000'000ULL;
  if (hours > 0) {
    out += fmt::format("{}h", hours);
  }
  if (hours > 0 || minutes > 0) {
    out += fmt::format("{}m", minutes);
  }
  append_fraction(out, u, 9);
  out += 's';
  return out;
}

std::string format_time(SimTime t) {
  std::int64_t ms = t.nanos() / 1'000'000;
  std::string sign = ms < 0 ? "-" : "";
  std::uint64_t abs_ms = ms < 0 ? 0 - static_cast<std::uint64_t>(ms) : static_cast<std::uint64_t>(ms);
  return fmt::format("{}{}.{:03}s", sign, abs_ms / 1000, abs_ms % 1000);
}

}  // namespace kubesim::base
