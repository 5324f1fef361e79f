#pragma once

/// Kubernetes resource quantities ("500m", "1.5Gi", "12e6"), parsed and printed exactly as upstream
/// k8s.io/apimachinery/pkg/api/resource does (ParseQuantity, Quantity.String, Value, MilliValue, Cmp).
///
/// Grammar (from the upstream doc comment):
///
///     <quantity>        ::= <signedNumber><suffix>
///     <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
///     <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
///     <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei                  (powers of 1024)
///     <decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E       (powers of 1000)
///     <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>
///
/// The value is held exactly: a sign, a decimal digit string and a base-10 exponent. There is no floating
/// point anywhere and no limit on the number of digits, as with upstream's inf.Dec. Parsing applies the
/// two adjustments upstream applies:
///   - a non-zero value finer than 1n is rounded away from zero to a whole number of nanos
///     ("0.1n" -> 1n, "-1.5n" -> -2n);
///   - a binarySI value is capped at 2^63-1 in magnitude ("9Ei" -> 9223372036854775807), and a binarySI
///     value of magnitude below 1 becomes DecimalSI ("0.5Ki" -> 512, still BinarySI; ".0001Ki" -> DecimalSI).
///
/// Upstream quirks that are reproduced on purpose, because a manifest accepted (or printed) by a real
/// apiserver must behave the same here:
///   - The scanner accepts a mantissa with no digits as 0: "e3", "Ki", "m", "-", "+" and "." all parse to
///     zero (kubernetes/apimachinery#165, never fixed). "Pi", "Ei" and "e-10" on their own are rejected
///     with "unable to parse numeric part of quantity", as upstream does.
///   - str() returns the input text verbatim when upstream's fast path caches it as already canonical:
///     "1.441" stays "1.441" (kubernetes#138165), "+1" stays "+1", "1E3" stays "1E3", "5." stays "5.".
///     Everything else prints in canonical form.
///   - An "e" exponent is narrowed to int32 as upstream does: "1e4294967296" is 1.
///
/// Quantities are parsed once, at load time (see STYLE.md: resources in the model are integers such as
/// MilliCpu and Bytes); a Quantity allocates and is not meant for the hot path.

#include "kubesim/base/expected.hpp"

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace kubesim::base {

/// How a quantity prints (upstream resource.Format). Parsing remembers the kind of suffix it saw, and
/// str() uses the same kind again.
enum class QuantityFormat : std::uint8_t {
  /// Powers of 1000 with SI suffixes: "500m", "1G". Also the format of a plain number.
  DecimalSI,
  /// Powers of 1024: "1Gi", "1536Mi". Prints as DecimalSI when the value is not an integer or its
  /// magnitude is below 1024 ("500m", "1023").
  BinarySI,
  /// Powers of ten written as an exponent: "1e3", "12e6", "1e-3".
  DecimalExponent,
};

/// An exact fixed-point quantity, value semantics. Comparison (<=>, ==) is numeric, like upstream Cmp:
/// "1k" == "1000" == "1e3", whatever the format or spelling.
class Quantity {
 public:
  /// Zero, DecimalSI (upstream's zero Quantity). Prints as "0".
  Quantity() = default;

  /// Parses like upstream ParseQuantity. On failure returns upstream's reason, one of
  ///   "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
  ///   "unable to parse quantity's suffix"
  ///   "unable to parse numeric part of quantity"
  /// No whitespace is allowed anywhere ("1 Gi", " 1", "1 " fail). O(length of text).
  static Expected<Quantity, std::string> parse(std::string_view text);

  /// The exact value unscaled * 10^exponent in the given format, with no rounding or capping (upstream
  /// NewScaledQuantity / NewDecimalQuantity, which do not round either). from_scaled(1500, -3, DecimalSI)
  /// is 1.5 and prints "1500m".
  static Quantity from_scaled(std::int64_t unscaled, std::int32_t exponent, QuantityFormat format);

  /// Upstream MilliValue(): the value in thousandths, rounded away from zero to an integer. That is ceil for
  /// positive values; "-0.1m" gives -1, as upstream's int64 path always did and its inf.Dec path does since
  /// kubernetes#138510. Saturates at the int64 limits (older upstream releases overflowed silently).
  [[nodiscard]] std::int64_t milli_value() const;

  /// Upstream Value(): the value rounded away from zero to an integer ("1n" -> 1, "-1.5" -> -2),
  /// saturating at the int64 limits.
  [[nodiscard]] std::int64_t value() const;

  /// Upstream Quantity.String(): the canonical form, the largest suffix (or exponent, a multiple of 3)
  /// that leaves no fractional digits: "100m", "1Gi", "1536Mi", "1500M", "1e3", "0". DecimalSI falls back
  /// to an exponent above "E" ("1e21"). Also the verbatim input in the cases upstream caches, see above.
  [[nodiscard]] std::string str() const;

  /// The format remembered from parsing, after upstream's BinarySI -> DecimalSI switch for magnitudes
  /// below 1. str() still prints a BinarySI value below 1024 or with a fraction in DecimalSI form.
  [[nodiscard]] QuantityFormat format() const { return format_; }

  /// True for every spelling of zero ("0", "0Ki", "-0.0", "0e9").
  [[nodiscard]] bool is_zero() const { return digits_.empty(); }

  /// -1, 0 or 1.
  [[nodiscard]] int sign() const;

  /// Numeric three-way comparison (upstream Cmp), exact for any magnitude.
  friend std::strong_ordering operator<=>(const Quantity& a, const Quantity& b);
  /// Numeric equality: format and spelling are ignored.
  friend bool operator==(const Quantity& a, const Quantity& b);

 private:
  /// Value = (negative_ ? -1 : 1) * digits_ * 10^exponent_. Invariant: digits_ holds decimal digits with
  /// no leading or trailing '0' (trailing zeros live in exponent_); zero is digits_ empty, exponent_ 0,
  /// negative_ false.
  bool negative_ = false;
  std::string digits_;
  std::int64_t exponent_ = 0;
  QuantityFormat format_ = QuantityFormat::DecimalSI;
  /// The input text when upstream would cache it as String(); empty otherwise.
  std::string text_;
};

}  // namespace kubesim::base
