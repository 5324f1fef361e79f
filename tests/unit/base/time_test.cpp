// Tests for kubesim::base::Duration, SimTime, parse_duration, format_duration and format_time. The
// parse and format tables follow Go's own tests (src/time/time_test.go: parseDurationTests,
// parseDurationErrorTests, durationTests), since scenario files use Go's duration syntax.

#include "support/catch.hpp"

#include "kubesim/base/time.hpp"

#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

using kubesim::base::Duration;
using kubesim::base::format_duration;
using kubesim::base::format_time;
using kubesim::base::parse_duration;
using kubesim::base::SimTime;
using namespace kubesim::base::literals;

namespace Catch {
template <> struct StringMaker<Duration> {
  static std::string convert(const Duration& d) { return std::to_string(d.nanos()) + "ns"; }
};
template <> struct StringMaker<SimTime> {
  static std::string convert(const SimTime& t) { return "t=" + std::to_string(t.nanos()) + "ns"; }
};
}  // namespace Catch

namespace {

constexpr std::int64_t kNs = 1;
constexpr std::int64_t kUs = 1'000;
constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kSec = 1'000'000'000;
constexpr std::int64_t kMin = 60 * kSec;
constexpr std::int64_t kHour = 60 * kMin;
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

struct ParseCase {
  std::string_view text;
  std::int64_t nanos;
};

// Cases the parser must accept, with the exact value in nanoseconds.
constexpr ParseCase kValid[] = {
    // simple
    {"0", 0},
    {"5s", 5 * kSec},
    {"30s", 30 * kSec},
    {"1478s", 1478 * kSec},
    {"250ms", 250 * kMs},
    {"10m", 10 * kMin},
    // sign
    {"-5s", -5 * kSec},
    {"+5s", 5 * kSec},
    {"-0", 0},
    {"+0", 0},
    // decimal
    {"5.0s", 5 * kSec},
    {"5.6s", 5 * kSec + 600 * kMs},
    {"5.s", 5 * kSec},
    {"1.s", 1 * kSec},
    {".5s", 500 * kMs},
    {"1.0s", 1 * kSec},
    {"1.00s", 1 * kSec},
    {"1.004s", 1 * kSec + 4 * kMs},
    {"1.0040s", 1 * kSec + 4 * kMs},
    {"100.00100s", 100 * kSec + 1 * kMs},
    {"1.5h", 90 * kMin},
    {"1.5ns", 1 * kNs},  // fractions of a nanosecond are truncated, as in Go
    // every unit
    {"100ns", 100 * kNs},
    {"10ns", 10 * kNs},
    {"10us", 10 * kUs},
    {"11us", 11 * kUs},
    {"12\xC2\xB5s", 12 * kUs},  // U+00B5 MICRO SIGN
    {"13ms", 13 * kMs},
    {"14s", 14 * kSec},
    {"15m", 15 * kMin},
    {"16h", 16 * kHour},
    // composite durations
    {"1h30m", 90 * kMin},
    {"3h30m", 3 * kHour + 30 * kMin},
    {"1h1m1.5s", kHour + kMin + 1500 * kMs},
    {"10.5s4m", 4 * kMin + 10 * kSec + 500 * kMs},
    {"-2m3.4s", -(2 * kMin + 3 * kSec + 400 * kMs)},
    {"1h2m3s4ms5us6ns", kHour + 2 * kMin + 3 * kSec + 4 * kMs + 5 * kUs + 6 * kNs},
    {"39h9m14.425s", 39 * kHour + 9 * kMin + 14 * kSec + 425 * kMs},
    {"1h.5m", kHour + 30 * kSec},
    // large values
    {"52763797000ns", 52763797000},
    {"9007199254740993ns", (std::int64_t{1} << 53) + 1},  // not exact in a double
    {"9223372036854775807ns", kInt64Max},
    {"9223372036854775.807us", kInt64Max},
    {"9223372036s854ms775us807ns", kInt64Max},
    {"2562047h47m16.854775807s", kInt64Max},
    // long fractions (Go issue 15011 and the first overflow check of leadingFraction)
    {"0.100000000000000000000h", 6 * kMin},
    {"0.830103483285477580700h", 49 * kMin + 48 * kSec + 372539827},
};

// Inputs Go rejects.
constexpr std::string_view kInvalid[] = {
    "",
    "5",  // missing unit
    "3",
    "00",
    "-",
    "+",
    "s",
    ".",
    "-.",
    ".s",
    "+.s",
    "1x",
    "1d",
    "1msx",
    "1sm",
    "5 s",
    " 5s",
    "5s ",
    "1h-5m",
    "--5s",
    "\x85\x85",
    "\xff"
    "ff",
    "\xEF\xBF\xBD",  // U+FFFD
    // overflow
    "9223372036854775808ns",
    "9223372036854775.808us",
    "9223372036854ms775us808ns",
    "-9223372036854775809ns",
    "-9223372036854775.809us",
    "3000000h",
    "99999999999999999999999s",
    "2562048h",
};

}  // namespace

TEST_CASE("parse_duration accepts Go's duration syntax", "[base][time]") {
  for (const ParseCase& c : kValid) {
    INFO("parse_duration(\"" << std::string(c.text) << "\")");
    std::optional<Duration> d = parse_duration(c.text);
    REQUIRE(d.has_value());
    CHECK(d->nanos() == c.nanos);
  }
}

TEST_CASE("parse_duration rejects what Go rejects", "[base][time]") {
  for (std::string_view text : kInvalid) {
    INFO("parse_duration(\"" << std::string(text) << "\")");
    CHECK_FALSE(parse_duration(text).has_value());
  }
}

TEST_CASE("parse_duration: longest unit suffix wins", "[base][time]") {
  // "ms" must not be read as minutes followed by a stray "s", nor "ns" as anything else.
  CHECK(parse_duration("1ms") == Duration::from_millis(1));
  CHECK(parse_duration("1m1ms") == Duration::from_millis(60'001));
  CHECK(parse_duration("2m3s") == Duration::from_seconds(123));
  CHECK(parse_duration("1ns1us") == Duration::from_nanos(1'001));
}

// Go accepts U+03BC GREEK SMALL LETTER MU as well as U+00B5 MICRO SIGN for microseconds (unitMap in
// src/time/format.go); kubesim only knows the latter.
TEST_CASE("parse_duration accepts the Greek mu spelling of microseconds, as Go does", "[base][time]") {
  CHECK(parse_duration("12\xCE\xBCs") == Duration::from_micros(12));
}

// Go's ParseDuration accepts the most negative int64 ("-9223372036854775808ns"); its test table lists
// it, and format_duration(min) produces "-2562047h47m16.854775808s", which then must parse back.
TEST_CASE("parse_duration accepts the most negative duration, as Go does", "[base][time]") {
  CHECK(parse_duration("-9223372036854775808ns") == Duration::from_nanos(kInt64Min));
  CHECK(parse_duration("-9223372036854775.808us") == Duration::from_nanos(kInt64Min));
  CHECK(parse_duration("-2562047h47m16.854775808s") == Duration::from_nanos(kInt64Min));
}

// Go computes the fraction in float64 ("0.3333333333333333333h" → exactly 20m in its test table);
// kubesim computes it exactly and truncates, giving 1ns less.
TEST_CASE("parse_duration matches Go on fractions that are inexact in float64", "[base][time]") {
  CHECK(parse_duration("0.3333333333333333333h") == Duration::from_seconds(20 * 60));
}

TEST_CASE("format_duration renders like Go's Duration.String", "[base][time]") {
  CHECK(format_duration(Duration::zero()) == "0s");
  CHECK(format_duration(Duration::from_nanos(1)) == "1ns");
  CHECK(format_duration(Duration::from_nanos(999)) == "999ns");
  CHECK(format_duration(Duration::from_millis(2) + Duration::from_micros(200)) == "2.2ms");
  CHECK(format_duration(Duration::from_millis(250)) == "250ms");
  CHECK(format_duration(Duration::from_millis(3300)) == "3.3s");
  CHECK(format_duration(Duration::from_millis(1500)) == "1.5s");
  CHECK(format_duration(Duration::from_seconds(1)) == "1s");
  CHECK(format_duration(Duration::from_seconds(60)) == "1m0s");
  CHECK(format_duration(Duration::from_seconds(4 * 60 + 5)) == "4m5s");
  CHECK(format_duration(Duration::from_millis(4 * 60'000 + 5001)) == "4m5.001s");
  CHECK(format_duration(Duration::from_seconds(3600)) == "1h0m0s");
  CHECK(format_duration(Duration::from_seconds(5400)) == "1h30m0s");
  CHECK(format_duration(Duration::from_millis(5 * 3'600'000 + 6 * 60'000 + 7001)) == "5h6m7.001s");
  CHECK(format_duration(Duration::from_seconds(8 * 60) + Duration::from_nanos(1)) == "8m0.000000001s");
  CHECK(format_duration(Duration::from_nanos(kInt64Max)) == "2562047h47m16.854775807s");
  CHECK(format_duration(Duration::from_nanos(kInt64Min)) == "-2562047h47m16.854775808s");
  CHECK(format_duration(Duration::from_seconds(-5)) == "-5s");
  CHECK(format_duration(Duration::from_nanos(-1)) == "-1ns");
  CHECK(format_duration(Duration::from_millis(-1500)) == "-1.5s");
}

// Go prints microseconds with U+00B5 ("1.1µs"); kubesim prints the ASCII "us".
TEST_CASE("format_duration uses Go's micro sign for microseconds", "[base][time]") {
  CHECK(format_duration(Duration::from_nanos(1100)) == "1.1\xC2\xB5s");
}

TEST_CASE("format_duration prints microseconds with a fraction", "[base][time]") {
  // Whatever the unit spelling, the number part follows Go: 1.1 units of 1000ns, trailing zeros dropped.
  std::string s = format_duration(Duration::from_nanos(1100));
  CHECK(s.starts_with("1.1"));
  CHECK(s.ends_with("s"));
  CHECK(parse_duration(s) == Duration::from_nanos(1100));
  CHECK(format_duration(Duration::from_micros(10)).starts_with("10"));
  CHECK_FALSE(format_duration(Duration::from_micros(10)).starts_with("10."));
}

TEST_CASE("format_duration and parse_duration round-trip", "[base][time]") {
  SECTION("canonical strings survive parse then format") {
    for (std::string_view text : {"1h30m0s", "1.5s", "250ms", "0s", "1ns", "2.2ms", "4m5.001s", "5h6m7.001s",
                                  "8m0.000000001s", "2562047h47m16.854775807s", "-5s", "-1h0m0s"}) {
      INFO(std::string(text));
      std::optional<Duration> d = parse_duration(text);
      REQUIRE(d.has_value());
      CHECK(format_duration(*d) == text);
    }
  }
  SECTION("values survive format then parse") {
    for (std::int64_t ns : {std::int64_t{0}, std::int64_t{1}, std::int64_t{999}, std::int64_t{1000}, std::int64_t{1001},
                            std::int64_t{123'456'789}, std::int64_t{1'000'000'001}, 7 * kHour + 3 * kMs + 5, kInt64Max,
                            -kSec, -kInt64Max}) {
      INFO(ns);
      std::optional<Duration> d = parse_duration(format_duration(Duration::from_nanos(ns)));
      REQUIRE(d.has_value());
      CHECK(d->nanos() == ns);
    }
  }
}

TEST_CASE("format_time prints seconds with millisecond precision", "[base][time]") {
  CHECK(format_time(SimTime::zero()) == "0.000s");
  CHECK(format_time(SimTime::from_nanos(12'345'000'000)) == "12.345s");
  CHECK(format_time(SimTime::from_nanos(12'345'999'999)) == "12.345s");  // truncated, not rounded
  CHECK(format_time(SimTime::from_nanos(999'999)) == "0.000s");
  CHECK(format_time(SimTime::from_nanos(1'000'000)) == "0.001s");
  CHECK(format_time(SimTime::from_nanos(3600 * kSec + 7 * kMs)) == "3600.007s");
}

TEST_CASE("duration literals", "[base][time]") {
  STATIC_REQUIRE((5_s).nanos() == 5'000'000'000);
  STATIC_REQUIRE((250_ms).nanos() == 250'000'000);
  STATIC_REQUIRE((10_us).nanos() == 10'000);
  STATIC_REQUIRE((100_ns).nanos() == 100);
  STATIC_REQUIRE((10_min).nanos() == 600'000'000'000);
  STATIC_REQUIRE((2_h).nanos() == 7'200'000'000'000);
  CHECK(1_h + 30_min == parse_duration("1h30m"));
  CHECK(250_ms == parse_duration("250ms"));
}

TEST_CASE("Duration arithmetic and comparison", "[base][time]") {
  CHECK(Duration() == Duration::zero());
  CHECK(Duration::from_micros(3).nanos() == 3'000);
  CHECK(Duration::from_millis(3).nanos() == 3'000'000);
  CHECK(Duration::from_seconds(3).nanos() == 3'000'000'000);
  CHECK(Duration::max().nanos() == kInt64Max);
  CHECK(1_s + 500_ms == Duration::from_millis(1500));
  CHECK(1_s - 1500_ms == Duration::from_millis(-500));
  CHECK(-(2_s) == Duration::from_seconds(-2));
  CHECK(3_s * 4 == 12_s);
  CHECK(10_s / 4 == 2500_ms);
  CHECK(Duration::from_nanos(7) / 2 == Duration::from_nanos(3));  // integer division truncates
  CHECK(1_s < 1001_ms);
  CHECK(1_min > 59_s);
  CHECK(60_s == 1_min);
  CHECK((1_s <=> 1_s) == std::strong_ordering::equal);
  Duration d = 1_s;
  d += 2_s;
  CHECK(d == 3_s);
  d -= 500_ms;
  CHECK(d == 2500_ms);
  CHECK((1500_ms).seconds() == 1.5);
}

TEST_CASE("SimTime arithmetic and comparison", "[base][time]") {
  SimTime t0 = SimTime::zero();
  CHECK(SimTime() == t0);
  CHECK(SimTime::max().nanos() == kInt64Max);
  CHECK(t0 < SimTime::max());
  SimTime t1 = t0 + 5_s;
  CHECK(t1.nanos() == 5 * kSec);
  CHECK(t1 - t0 == 5_s);
  CHECK(t0 - t1 == -(5_s));
  CHECK(t1 - 2_s == SimTime::from_nanos(3 * kSec));
  CHECK(t1.since_start() == 5_s);
  CHECK(t1.seconds() == 5.0);
  CHECK(t1 > t0);
  SimTime t2 = t1;
  t2 += 250_ms;
  CHECK(t2 == SimTime::from_nanos(5 * kSec + 250 * kMs));
  CHECK(t2 - t1 == 250_ms);
}
