#pragma once

/// Simulated time. Both types are a strong 64-bit count of nanoseconds: there is no floating-point time
/// anywhere in kubesim (as with ns-3's Time and OMNeT++'s SimTime), so runs are exact and repeatable.
///
/// `Duration` is a span, `SimTime` a point measured from the start of the simulation (t = 0). The
/// arithmetic that makes sense is defined (time + duration, time - time, duration * int, ...); the
/// arithmetic that does not (time + time) does not compile.

#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace kubesim::base {

/// A signed span of simulated time in nanoseconds. Range: about ±292 years.
class Duration {
 public:
  constexpr Duration() = default;
  /// Wraps a nanosecond count; prefer the literals (`5_s`) or the from_* helpers.
  static constexpr Duration from_nanos(std::int64_t ns) { return Duration(ns); }
  static constexpr Duration from_micros(std::int64_t us) { return Duration(us * 1'000); }
  static constexpr Duration from_millis(std::int64_t ms) { return Duration(ms * 1'000'000); }
  static constexpr Duration from_seconds(std::int64_t s) { return Duration(s * 1'000'000'000); }
  static constexpr Duration zero() { return Duration(0); }
  static constexpr Duration max() { return Duration(std::numeric_limits<std::int64_t>::max()); }

  [[nodiscard]] constexpr std::int64_t nanos() const { return ns_; }
  /// Seconds as a double: for reporting only, never for model decisions.
  [[nodiscard]] constexpr double seconds() const { return static_cast<double>(ns_) / 1e9; }

  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return Duration(ns_ + o.ns_); }
  constexpr Duration operator-(Duration o) const { return Duration(ns_ - o.ns_); }
  constexpr Duration operator-() const { return Duration(-ns_); }
  constexpr Duration operator*(std::int64_t k) const { return Duration(ns_ * k); }
  constexpr Duration operator/(std::int64_t k) const { return Duration(ns_ / k); }
  constexpr Duration& operator+=(Duration o) {
    ns_ += o.ns_;
    return *this;
  }
  constexpr Duration& operator-=(Duration o) {
    ns_ -= o.ns_;
    return *this;
  }

 private:
  constexpr explicit Duration(std::int64_t ns) : ns_(ns) {}
  std::int64_t ns_ = 0;
};

/// A point in simulated time: nanoseconds since the simulation started.
class SimTime {
 public:
  constexpr SimTime() = default;
  static constexpr SimTime from_nanos(std::int64_t ns) { return SimTime(ns); }
  static constexpr SimTime zero() { return SimTime(0); }
  /// "Never": later than any reachable time. Used for unbounded runs and unset deadlines.
  static constexpr SimTime max() { return SimTime(std::numeric_limits<std::int64_t>::max()); }

  [[nodiscard]] constexpr std::int64_t nanos() const { return ns_; }
  /// Time since start as a Duration.
  [[nodiscard]] constexpr Duration since_start() const { return Duration::from_nanos(ns_); }
  [[nodiscard]] constexpr double seconds() const { return static_cast<double>(ns_) / 1e9; }

  constexpr auto operator<=>(const SimTime&) const = default;
  constexpr SimTime operator+(Duration d) const { return SimTime(ns_ + d.nanos()); }
  constexpr SimTime operator-(Duration d) const { return SimTime(ns_ - d.nanos()); }
  constexpr Duration operator-(SimTime o) const { return Duration::from_nanos(ns_ - o.ns_); }
  constexpr SimTime& operator+=(Duration d) {
    ns_ += d.nanos();
    return *this;
  }

 private:
  constexpr explicit SimTime(std::int64_t ns) : ns_(ns) {}
  std::int64_t ns_ = 0;
};

/// Parses a Go-style duration: a sequence of decimal numbers, each with an optional fraction and a
/// unit suffix, e.g. "250ms", "5s", "1.5h", "1h30m", "10us", "100ns". Units: ns, us (or µs), ms, s, m, h.
/// A bare "0" is accepted. Returns nullopt for anything else (the caller turns that into a Diagnostic)
/// and for values that overflow int64 nanoseconds.
std::optional<Duration> parse_duration(std::string_view text);

/// Formats a duration the way Go's time.Duration.String() does: "1h30m0s", "250ms", "1.5s", "0s".
std::string format_duration(Duration d);

/// Formats a point in time as seconds with millisecond precision, e.g. "12.345s"; used by traces.
std::string format_time(SimTime t);

namespace literals {
constexpr Duration operator""_ns(unsigned long long v) { return Duration::from_nanos(static_cast<std::int64_t>(v)); }
constexpr Duration operator""_us(unsigned long long v) { return Duration::from_micros(static_cast<std::int64_t>(v)); }
constexpr Duration operator""_ms(unsigned long long v) { return Duration::from_millis(static_cast<std::int64_t>(v)); }
constexpr Duration operator""_s(unsigned long long v) { return Duration::from_seconds(static_cast<std::int64_t>(v)); }
constexpr Duration operator""_min(unsigned long long v) {
  return Duration::from_seconds(static_cast<std::int64_t>(v) * 60);
}
constexpr Duration operator""_h(unsigned long long v) {
  return Duration::from_seconds(static_cast<std::int64_t>(v) * 3600);
}
}  // namespace literals

}  // namespace kubesim::base
