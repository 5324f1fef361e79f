// Tests for kubesim::api::IntOrString, after upstream intstr GetScaledValueFromIntOrPercent and its
// tests (k8s.io/apimachinery/pkg/util/intstr/intstr_test.go).

#include "support/catch.hpp"

#include "kubesim/api/int_or_string.hpp"

#include <cstdint>
#include <optional>
#include <string>

using kubesim::api::IntOrString;

TEST_CASE("IntOrString constructors and str()", "[api][int_or_string]") {
  IntOrString i = IntOrString::from_int(5);
  CHECK_FALSE(i.is_string);
  CHECK(i.int_value == 5);
  CHECK(i.str() == "5");
  CHECK(IntOrString::from_int(-3).str() == "-3");

  IntOrString s = IntOrString::from_string("25%");
  CHECK(s.is_string);
  CHECK(s.str_value == "25%");
  CHECK(s.str() == "25%");

  CHECK(i == IntOrString::from_int(5));
  CHECK_FALSE(i == IntOrString::from_int(6));
  CHECK_FALSE(IntOrString::from_string("5") == IntOrString::from_int(5));

  IntOrString def;
  CHECK_FALSE(def.is_string);
  CHECK(def.int_value == 0);
}

TEST_CASE("scaled_value: integers pass through", "[api][int_or_string]") {
  CHECK(IntOrString::from_int(3).scaled_value(10, true) == 3);
  CHECK(IntOrString::from_int(3).scaled_value(10, false) == 3);
  CHECK(IntOrString::from_int(0).scaled_value(10, true) == 0);
  CHECK(IntOrString::from_int(50).scaled_value(10, false) == 50);  // not capped at total
}

TEST_CASE("scaled_value: percentages round up or down as asked", "[api][int_or_string]") {
  const IntOrString pct25 = IntOrString::from_string("25%");
  CHECK(pct25.scaled_value(10, true) == 3);   // 2.5 → 3 (maxSurge)
  CHECK(pct25.scaled_value(10, false) == 2);  // 2.5 → 2 (maxUnavailable)
  CHECK(pct25.scaled_value(4, true) == 1);    // exact: 1 either way
  CHECK(pct25.scaled_value(4, false) == 1);
  CHECK(pct25.scaled_value(1, true) == 1);  // 0.25 → 1
  CHECK(pct25.scaled_value(1, false) == 0);
  CHECK(pct25.scaled_value(0, true) == 0);
  CHECK(pct25.scaled_value(0, false) == 0);

  // intstr_test.go TestGetScaledValueFromIntOrPercent cases.
  CHECK(IntOrString::from_string("10%").scaled_value(100, false) == 10);
  CHECK(IntOrString::from_string("100%").scaled_value(100, false) == 100);
  CHECK(IntOrString::from_string("100%").scaled_value(5, true) == 5);
  CHECK(IntOrString::from_string("0%").scaled_value(100, true) == 0);
  CHECK(IntOrString::from_string("33%").scaled_value(10, true) == 4);   // 3.3 → 4
  CHECK(IntOrString::from_string("33%").scaled_value(10, false) == 3);  // 3.3 → 3
  CHECK(IntOrString::from_string("1%").scaled_value(1, true) == 1);
  CHECK(IntOrString::from_string("150%").scaled_value(10, false) == 15);  // over 100% allowed here
}

TEST_CASE("scaled_value: strings that are not percentages", "[api][int_or_string]") {
  CHECK(IntOrString::from_string("abc").scaled_value(10, true) == std::nullopt);
  CHECK(IntOrString::from_string("10").scaled_value(10, true) == std::nullopt);  // no '%'
  CHECK(IntOrString::from_string("%").scaled_value(10, true) == std::nullopt);
  CHECK(IntOrString::from_string("").scaled_value(10, true) == std::nullopt);
  CHECK(IntOrString::from_string("abc%").scaled_value(10, true) == std::nullopt);
  CHECK(IntOrString::from_string("1.5%").scaled_value(10, true) == std::nullopt);
  CHECK(IntOrString::from_string("10%%").scaled_value(10, true) == std::nullopt);
  CHECK(IntOrString::from_string(" 10%").scaled_value(10, true) == std::nullopt);
  CHECK(IntOrString::from_string("10 %").scaled_value(10, true) == std::nullopt);
}
