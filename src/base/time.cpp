#include "kubesim/base/time.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>

namespace kubesim::base {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t nanos;
};

// Longest suffixes first so that "ms" is not read as "m" followed by garbage.
constexpr std::array<Unit, 7> kUnits = {{{"ns", 1},
                                         {"us", 1'000},
                                         {"\xC2\xB5s", 1'000},  // µs
                                         {"ms", 1'000'000},
                                         {"s", 1'000'000'000},
                                         {"m", 60'000'000'000},
                                         {"h", 3'600'000'000'000}}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Wide enough to detect int64 overflow while accumulating.
__extension__ using Int128 = __int128;

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text == "0") {
    return Duration::zero();
  }
  if (text.empty()) {
    return std::nullopt;
  }
  // Go's parser: each component is [digits][.digits]unit. We accumulate integer nanoseconds, keeping
  // the fraction exact by scaling it with the unit (at most 18 fractional digits are significant).
  Int128 total = 0;
  while (!text.empty()) {
    std::size_t i = 0;
    Int128 whole = 0;
    while (i < text.size() && is_digit(text[i])) {
      whole = whole * 10 + (text[i] - '0');
      if (whole > INT64_MAX) {
        return std::nullopt;
      }
      ++i;
    }
    bool had_whole = i > 0;
    Int128 frac = 0;
    Int128 frac_scale = 1;
    bool had_frac = false;
    if (i < text.size() && text[i] == '.') {
      ++i;
      while (i < text.size() && is_digit(text[i])) {
        if (frac_scale < 1'000'000'000'000'000'000LL) {
          frac = frac * 10 + (text[i] - '0');
          frac_scale *= 10;
        }
        had_frac = true;
        ++i;
      }
    }
    if (!had_whole && !had_frac) {
      return std::nullopt;
    }
    text.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (text.starts_with(u.suffix)) {
        // "m" must not swallow the "m" of "ms": the array order already prefers "ms".
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) {
      return std::nullopt;
    }
    text.remove_prefix(unit->suffix.size());
    total += whole * unit->nanos + frac * unit->nanos / frac_scale;
    if (total > INT64_MAX) {
      return std::nullopt;
    }
  }
  auto ns = static_cast<std::int64_t>(total);
  return Duration::from_nanos(negative ? -ns : ns);
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
  std::uint64_t u = ns < 0 ? static_cast<std::uint64_t>(-(ns + 1)) + 1 : static_cast<std::uint64_t>(ns);
  if (ns < 0) {
    out += '-';
  }
  if (u < 1'000'000'000ULL) {
    // Sub-second: pick the largest unit that keeps a leading non-zero digit.
    if (u < 1'000ULL) {
      out += fmt::format("{}ns", u);
    } else if (u < 1'000'000ULL) {
      append_fraction(out, u, 3);
      out += "us";
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
  return fmt::format("{}.{:03}s", ms / 1000, ms % 1000);
}

}  // namespace kubesim::base
