#include "kubesim/base/quantity.hpp"

#include <array>
#include <compare>
#include <cstddef>
#include <limits>
#include <optional>
#include <utility>

namespace kubesim::base {
namespace {

// Upstream's error texts, verbatim (quantity.go: ErrFormatWrong, ErrSuffix, ErrNumeric).
constexpr std::string_view kErrFormatWrong =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
constexpr std::string_view kErrSuffix = "unable to parse quantity's suffix";
constexpr std::string_view kErrNumeric = "unable to parse numeric part of quantity";

constexpr std::int64_t kNanoExponent = -9;
// Upstream maxInt64Factors: mantissas of at most this many digits take the int64 fast path, the only path
// that caches the input text. (A 2025 upstream change raised it to 19; this is the long-standing value.)
constexpr std::int64_t kMaxInt64Factors = 18;
constexpr std::string_view kMaxInt64Digits = "9223372036854775807";
constexpr std::uint64_t kInt64MaxMagnitude = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Go converts int64 to int32 by keeping the low 32 bits; C++20 defines the same for integral casts.
std::int32_t wrap32(std::int64_t v) { return static_cast<std::int32_t>(v); }

// The pieces parseQuantityString returns. `num` has its leading zeros stripped ("0" when none are left);
// `value` is the signed number as written, which inf.Dec.SetString reads on the slow path.
struct Scanned {
  bool positive = true;
  std::string_view value;
  std::string_view num;
  std::string_view denom;
  std::string_view suffix;
};

// Port of upstream parseQuantityString, a hand-written scanner that is laxer than the regular expression
// in its error message: it accepts a mantissa with no digits at all ("e3", "Ki", "-"). nullopt means
// ErrFormatWrong.
std::optional<Scanned> scan(std::string_view str) {
  Scanned out;
  std::size_t pos = 0;
  const std::size_t end = str.size();
  if (pos < end && (str[0] == '-' || str[0] == '+')) {
    out.positive = str[0] == '+';
    ++pos;
  }
  for (;; ++pos) {
    if (pos >= end) {
      out.num = "0";
      out.value = out.num;
      return out;
    }
    if (str[pos] != '0') {
      break;
    }
  }
  std::size_t i = pos;
  while (i < end && is_digit(str[i])) {
    ++i;
  }
  out.num = str.substr(pos, i - pos);
  if (i >= end) {
    out.value = str;
    return out;
  }
  pos = i;
  if (out.num.empty()) {
    out.num = "0";
  }
  if (str[pos] == '.') {
    ++pos;
    i = pos;
    while (i < end && is_digit(str[i])) {
      ++i;
    }
    out.denom = str.substr(pos, i - pos);
    if (i >= end) {
      out.value = str;
      return out;
    }
    pos = i;
  }
  out.value = str.substr(0, pos);

  const std::size_t suffix_start = pos;
  while (pos < end && std::string_view("eEinumkKMGTP").find(str[pos]) != std::string_view::npos) {
    ++pos;
  }
  if (pos < end && (str[pos] == '-' || str[pos] == '+')) {
    ++pos;
  }
  while (pos < end && is_digit(str[pos])) {
    ++pos;
  }
  if (pos < end) {
    return std::nullopt;
  }
  out.suffix = str.substr(suffix_start);
  return out;
}

// strconv.ParseInt(s, 10, 64): optional sign, at least one digit, nothing else, in range.
std::optional<std::int64_t> parse_go_int64(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) {
    return std::nullopt;
  }
  const std::uint64_t limit = negative ? kInt64MaxMagnitude + 1 : kInt64MaxMagnitude;
  std::uint64_t magnitude = 0;
  for (const char c : s) {
    if (!is_digit(c)) {
      return std::nullopt;
    }
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (magnitude > (limit - d) / 10) {
      return std::nullopt;
    }
    magnitude = magnitude * 10 + d;
  }
  if (!negative) {
    return static_cast<std::int64_t>(magnitude);
  }
  return magnitude == kInt64MaxMagnitude + 1 ? std::numeric_limits<std::int64_t>::min()
                                             : -static_cast<std::int64_t>(magnitude);
}

struct SuffixInfo {
  int base;
  std::int32_t exponent;
  QuantityFormat format;
};

constexpr std::array<std::string_view, 7> kBinarySuffixes = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

// Port of the suffixer's interpret. Exponents are narrowed to int32 the way upstream does, so
// "1e4294967296" means 1e0 (pinned by upstream TestQuantityOutOfInt32ExponentCompatibility).
std::optional<SuffixInfo> interpret(std::string_view s) {
  static constexpr std::array<std::pair<std::string_view, std::int32_t>, 10> kDecimal = {{
      {"", 0},
      {"n", -9},
      {"u", -6},
      {"m", -3},
      {"k", 3},
      {"M", 6},
      {"G", 9},
      {"T", 12},
      {"P", 15},
      {"E", 18},
  }};
  for (const auto& [name, exponent] : kDecimal) {
    if (s == name) {
      return SuffixInfo{10, exponent, QuantityFormat::DecimalSI};
    }
  }
  for (std::size_t i = 1; i < kBinarySuffixes.size(); ++i) {
    if (s == kBinarySuffixes[i]) {
      return SuffixInfo{2, static_cast<std::int32_t>(10 * i), QuantityFormat::BinarySI};
    }
  }
  if (s.size() > 1 && (s[0] == 'e' || s[0] == 'E')) {
    if (const auto parsed = parse_go_int64(s.substr(1))) {
      return SuffixInfo{10, wrap32(*parsed), QuantityFormat::DecimalExponent};
    }
  }
  return std::nullopt;
}

// --- exact arithmetic on (digit string, base-10 exponent) magnitudes ---

// Establishes the Quantity invariant: no leading or trailing zeros, zero is the empty string.
void normalize(std::string& digits, std::int64_t& exponent) {
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) {
    digits.clear();
    exponent = 0;
    return;
  }
  const std::size_t last = digits.find_last_not_of('0');
  exponent += static_cast<std::int64_t>(digits.size() - 1 - last);
  digits = digits.substr(first, last - first + 1);
}

void multiply_small(std::string& digits, std::uint32_t factor) {
  std::uint64_t carry = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    const std::uint64_t v = static_cast<std::uint64_t>(*it - '0') * factor + carry;
    *it = static_cast<char>('0' + v % 10);
    carry = v / 10;
  }
  while (carry > 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + carry % 10));
    carry /= 10;
  }
}

// Long division by a small divisor; returns the remainder. Leaves leading zeros in `digits`.
std::uint32_t divide_small(std::string& digits, std::uint32_t divisor) {
  std::uint64_t rem = 0;
  for (char& c : digits) {
    const std::uint64_t v = rem * 10 + static_cast<std::uint64_t>(c - '0');
    c = static_cast<char>('0' + v / divisor);
    rem = v % divisor;
  }
  return static_cast<std::uint32_t>(rem);
}

void increment(std::string& digits) {
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (*it != '9') {
      ++*it;
      return;
    }
    *it = '0';
  }
  digits.insert(digits.begin(), '1');
}

// Magnitude comparison of two normalized non-zero values: first by the position of the leading digit,
// then digit by digit (lexicographic order is right because neither string has trailing zeros).
std::strong_ordering compare_magnitude(const std::string& a, std::int64_t a_exp, std::string_view b,
                                       std::int64_t b_exp) {
  const std::int64_t a_lead = static_cast<std::int64_t>(a.size()) + a_exp;
  const std::int64_t b_lead = static_cast<std::int64_t>(b.size()) + b_exp;
  if (a_lead != b_lead) {
    return a_lead <=> b_lead;
  }
  const int c = std::string_view(a).compare(b);
  return c <=> 0;
}

// inf.Dec.Round(amount, 9, inf.RoundUp) on a magnitude: anything finer than 1n rounds away from zero.
// Works on the digit count, so "1e-2147483647" costs nothing (upstream once hung on it).
void round_up_to_nano(std::string& digits, std::int64_t& exponent) {
  if (digits.empty() || exponent >= kNanoExponent) {
    return;
  }
  const std::int64_t keep = static_cast<std::int64_t>(digits.size()) + exponent - kNanoExponent;
  if (keep <= 0) {
    digits = "1";
  } else {
    // The dropped tail ends in a non-zero digit (normalized), so the result is never exact.
    digits.resize(static_cast<std::size_t>(keep));
    increment(digits);
  }
  exponent = kNanoExponent;
  normalize(digits, exponent);
}

// The suffix for a canonical base-10 exponent (a multiple of 3), as suffix.go constructBytes builds it.
std::string decimal_suffix(std::int64_t exponent, QuantityFormat format) {
  if (format == QuantityFormat::DecimalSI && exponent >= -9 && exponent <= 18) {
    static constexpr std::array<std::string_view, 10> kSi = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    return std::string(kSi[static_cast<std::size_t>((exponent + 9) / 3)]);
  }
  // DecimalExponent, and DecimalSI beyond "E" or below "n", which upstream writes as an exponent so the
  // magnitude is not dropped ("1000E" -> "1e21").
  return exponent == 0 ? std::string() : "e" + std::to_string(exponent);
}

// Value rounded away from zero to an integer, saturating at the int64 limits. `exponent` already includes
// the requested scale (3 for milli).
std::int64_t to_int64_away_from_zero(bool negative, const std::string& digits, std::int64_t exponent) {
  if (digits.empty()) {
    return 0;
  }
  const std::uint64_t limit = negative ? kInt64MaxMagnitude + 1 : kInt64MaxMagnitude;
  const std::int64_t int_digits = static_cast<std::int64_t>(digits.size()) + exponent;
  bool overflow = int_digits > 20;
  std::uint64_t magnitude = 0;
  for (std::int64_t i = 0; !overflow && i < int_digits; ++i) {
    const auto idx = static_cast<std::size_t>(i);
    const auto d = idx < digits.size() ? static_cast<std::uint64_t>(digits[idx] - '0') : 0;
    if (magnitude > (limit - d) / 10) {
      overflow = true;
    } else {
      magnitude = magnitude * 10 + d;
    }
  }
  if (!overflow && exponent < 0) {
    // A fractional part is left (it ends in a non-zero digit): round away from zero.
    overflow = magnitude == limit;
    ++magnitude;
  }
  if (overflow) {
    return negative ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
  }
  if (!negative) {
    return static_cast<std::int64_t>(magnitude);
  }
  return magnitude == kInt64MaxMagnitude + 1 ? std::numeric_limits<std::int64_t>::min()
                                             : -static_cast<std::int64_t>(magnitude);
}

}  // namespace

// Port of upstream ParseQuantity. It has two paths, and which one a text takes is observable: only the
// int64 fast path caches the input as String(), and only the slow (inf.Dec) path rounds to nano, caps
// binarySI values and can fail with ErrNumeric.
Expected<Quantity, std::string> Quantity::parse(std::string_view text) {
  if (text.empty()) {
    return unexpected(std::string(kErrFormatWrong));
  }
  Quantity q;
  if (text == "0") {
    q.text_ = "0";
    return q;
  }
  const auto scanned = scan(text);
  if (!scanned) {
    return unexpected(std::string(kErrFormatWrong));
  }
  const Scanned& s = *scanned;
  const auto suffix = interpret(s.suffix);
  if (!suffix) {
    return unexpected(std::string(kErrSuffix));
  }
  q.format_ = suffix->format;
  q.negative_ = !s.positive;
  const auto num_len = static_cast<std::int64_t>(s.num.size());
  const auto denom_len = static_cast<std::int64_t>(s.denom.size());

  std::int64_t precision = 0;
  std::int32_t scale = 0;
  std::int64_t multiplier = 1;
  if (suffix->base == 10) {
    scale = suffix->exponent;
    precision = kMaxInt64Factors - (num_len + denom_len);
  } else if (s.denom.empty()) {
    // Upstream estimates the decimal digits of 2^exponent as exponent*3/10 (exact for 10, 20, ... 60).
    multiplier = std::int64_t{1} << suffix->exponent;
    precision = 15 - num_len - suffix->exponent * 3 / 10 - 1;
  } else {
    precision = -1;
  }

  if (precision >= 0) {
    scale = wrap32(std::int64_t{scale} - denom_len);
    if (scale >= kNanoExponent) {
      const std::string shifted = std::string(s.num) + std::string(s.denom);
      std::int64_t value = 0;
      for (const char c : shifted) {
        value = value * 10 + (c - '0');  // at most 18 digits: cannot overflow
      }
      if (value <= std::numeric_limits<std::int64_t>::max() / multiplier) {
        q.digits_ = std::to_string(value * multiplier);
        q.exponent_ = scale;
        normalize(q.digits_, q.exponent_);
        if (q.digits_.empty()) {
          q.negative_ = false;
        }
        // Upstream treats these spellings as already canonical and keeps the text (kubernetes#138165:
        // "1.441" is kept although its canonical form is "1441m").
        const bool canonical =
            suffix->base == 2 ? (value & 0x07) != 0 : scale % 3 == 0 && !shifted.ends_with("000") && shifted[0] != '0';
        if (canonical) {
          q.text_ = std::string(text);
        }
        return q;
      }
    }
  }

  // inf.Dec.SetString needs at least one digit in the number as written.
  if (s.value.find_first_of("0123456789") == std::string_view::npos) {
    return unexpected(std::string(kErrNumeric));
  }
  q.digits_ = std::string(s.num) + std::string(s.denom);
  if (suffix->base == 10) {
    // amount.SetScale(len(denom) + (-exponent)), both in int32 arithmetic as upstream does.
    q.exponent_ = -std::int64_t{wrap32(denom_len + wrap32(-std::int64_t{suffix->exponent}))};
  } else {
    for (std::int32_t i = 0; i < suffix->exponent; i += 10) {
      multiply_small(q.digits_, 1024);
    }
    q.exponent_ = -denom_len;
  }
  normalize(q.digits_, q.exponent_);
  if (q.digits_.empty()) {
    q.negative_ = false;
    return q;
  }
  round_up_to_nano(q.digits_, q.exponent_);
  if (q.format_ == QuantityFormat::BinarySI) {
    if (std::is_gt(compare_magnitude(q.digits_, q.exponent_, kMaxInt64Digits, 0))) {
      q.digits_ = std::string(kMaxInt64Digits);
      q.exponent_ = 0;
    }
    if (std::is_lt(compare_magnitude(q.digits_, q.exponent_, "1", 0))) {
      q.format_ = QuantityFormat::DecimalSI;
    }
  }
  return q;
}

Quantity Quantity::from_scaled(std::int64_t unscaled, std::int32_t exponent, QuantityFormat format) {
  Quantity q;
  q.format_ = format;
  q.negative_ = unscaled < 0;
  const std::uint64_t magnitude =
      unscaled < 0 ? static_cast<std::uint64_t>(-(unscaled + 1)) + 1 : static_cast<std::uint64_t>(unscaled);
  q.digits_ = std::to_string(magnitude);
  q.exponent_ = exponent;
  normalize(q.digits_, q.exponent_);
  if (q.digits_.empty()) {
    q.negative_ = false;
  }
  return q;
}

std::int64_t Quantity::milli_value() const { return to_int64_away_from_zero(negative_, digits_, exponent_ + 3); }

std::int64_t Quantity::value() const { return to_int64_away_from_zero(negative_, digits_, exponent_); }

int Quantity::sign() const {
  if (is_zero()) {
    return 0;
  }
  return negative_ ? -1 : 1;
}

// Port of CanonicalizeBytes: keep the value exact, print no fractional digits, and use the largest
// suffix (base-10 exponent a multiple of 3, or power of 1024) that allows it.
std::string Quantity::str() const {
  if (!text_.empty()) {
    return text_;
  }
  if (is_zero()) {
    return "0";
  }
  QuantityFormat format = format_;
  // BinarySI only for whole numbers of magnitude >= 1024. The 64-digit guard never triggers for parsed
  // values (capped at 2^63-1); it keeps a huge from_scaled value from being expanded digit by digit.
  if (format == QuantityFormat::BinarySI &&
      (exponent_ < 0 || std::is_lt(compare_magnitude(digits_, exponent_, "1024", 0)) ||
       static_cast<std::int64_t>(digits_.size()) + exponent_ > 64)) {
    format = QuantityFormat::DecimalSI;
  }
  std::string out = negative_ ? "-" : "";
  if (format == QuantityFormat::BinarySI) {
    std::string number = digits_ + std::string(static_cast<std::size_t>(exponent_), '0');
    std::size_t power = 0;
    // Stop at "Ei": upstream has no larger suffix (and would drop it); only from_scaled gets there.
    while (power + 1 < kBinarySuffixes.size() && std::is_gteq(compare_magnitude(number, 0, "1024", 0))) {
      std::string quotient = number;
      if (divide_small(quotient, 1024) != 0) {
        break;
      }
      number = quotient.substr(quotient.find_first_not_of('0'));
      ++power;
    }
    return out + number + std::string(kBinarySuffixes[power]);
  }
  // Lower the exponent to a multiple of 3 (towards -infinity), padding the mantissa with zeros.
  const std::int64_t pad = ((exponent_ % 3) + 3) % 3;
  out += digits_;
  out.append(static_cast<std::size_t>(pad), '0');
  return out + decimal_suffix(exponent_ - pad, format);
}

std::strong_ordering operator<=>(const Quantity& a, const Quantity& b) {
  const int sa = a.sign();
  const int sb = b.sign();
  if (sa != sb || sa == 0) {
    return sa <=> sb;
  }
  return sa > 0 ? compare_magnitude(a.digits_, a.exponent_, b.digits_, b.exponent_)
                : compare_magnitude(b.digits_, b.exponent_, a.digits_, a.exponent_);
}

bool operator==(const Quantity& a, const Quantity& b) { return std::is_eq(a <=> b); }

}  // namespace kubesim::base
