#include "support/catch.hpp"

#include "kubesim/api/usage_profile.hpp"

using namespace kubesim;
using namespace kubesim::base::literals;
using api::UsageProfile;
using api::UsageResource;

namespace {

constexpr std::int64_t kMi = 1024 * 1024;

UsageProfile memory(std::string_view text) {
  auto p = UsageProfile::parse(text, UsageResource::Memory);
  if (!p) {
    FAIL(p.error());
  }
  return p.value();
}

std::string error_of(std::string_view text, UsageResource r = UsageResource::Memory) {
  auto p = UsageProfile::parse(text, r);
  REQUIRE_FALSE(p.has_value());
  return p.error();
}

}  // namespace

TEST_CASE("a constant usage level holds forever", "[api][usage]") {
  UsageProfile p = memory("512Mi");
  CHECK(p.at(0_s) == 512 * kMi);
  CHECK(p.at(10000_s) == 512 * kMi);
  CHECK(p.peak() == 512 * kMi);
  CHECK_FALSE(p.first_above(512 * kMi).has_value());
  CHECK(p.first_above(512 * kMi - 1) == 0_s);
}

TEST_CASE("levels held for a while, then a ramp", "[api][usage]") {
  UsageProfile p = memory("100Mi for 30s, ramp to 400Mi over 60s");
  CHECK(p.at(0_s) == 100 * kMi);
  CHECK(p.at(29_s) == 100 * kMi);
  CHECK(p.at(30_s) == 100 * kMi);
  CHECK(p.at(60_s) == 250 * kMi);  // half way up the ramp
  CHECK(p.at(90_s) == 400 * kMi);
  CHECK(p.at(1000_s) == 400 * kMi);  // the last level holds
  // 300Mi is crossed two thirds up the ramp: 30 s + 40 s; first_above is the first nanosecond above.
  std::optional<base::Duration> t = p.first_above(300 * kMi);
  REQUIRE(t.has_value());
  CHECK(p.at(*t) > 300 * kMi);
  CHECK(p.at(*t - base::Duration::from_nanos(1)) <= 300 * kMi);
  CHECK(*t > 70_s - 1_ms);
  CHECK(*t <= 70_s + 1_ms);
  CHECK_FALSE(p.first_above(400 * kMi).has_value());
}

TEST_CASE("steps and ramps down", "[api][usage]") {
  UsageProfile p = memory("1Gi for 10s, 2Gi for 10s, ramp to 0 over 10s");
  CHECK(p.at(9_s) == 1024 * kMi);
  CHECK(p.at(10_s) == 2048 * kMi);  // the step happens at 10 s
  CHECK(p.at(25_s) == 1024 * kMi);
  CHECK(p.at(40_s) == 0);
  CHECK(p.first_above(1536 * kMi) == 10_s);
  CHECK(p.peak() == 2048 * kMi);
}

TEST_CASE("a profile that starts with a ramp ramps from zero; CPU is in millicores", "[api][usage]") {
  auto cpu = UsageProfile::parse("ramp to 2 over 20s, 500m", UsageResource::Cpu);
  REQUIRE(cpu.has_value());
  CHECK(cpu->at(0_s) == 0);
  CHECK(cpu->at(10_s) == 1000);
  CHECK(cpu->at(20_s) == 500);  // the bare level after the ramp is a step down
  CHECK(cpu->at(1_h) == 500);
}

TEST_CASE("bad usage profiles are rejected with a reason", "[api][usage]") {
  CHECK(error_of("lots").starts_with("lots: "));
  CHECK(error_of("2Gb").starts_with("2Gb: "));
  CHECK(error_of("-1Gi") == "-1Gi: must not be negative");
  CHECK(error_of("1Gi for soon") == "soon: must be a positive duration such as 30s or 5m");
  CHECK(error_of("1Gi for 0s") == "0s: must be a positive duration such as 30s or 5m");
  CHECK(error_of("1Gi, 2Gi") == "segment 2 (\"2Gi\") follows a level without \"for\", which holds forever");
  CHECK(error_of("ramp to 1Gi in 5s") ==
        "segment 1 (\"ramp to 1Gi in 5s\") is not a usage level such as \"512Mi\", \"100Mi for 30s\" or \"ramp to "
        "2Gi over 60s\"");
}

TEST_CASE("usage annotations: the container's own, else the pod-wide one", "[api][usage]") {
  api::ObjectMeta meta;
  meta.annotations.set("kubesim.io/memory", "1Gi");
  meta.annotations.set("kubesim.io/memory.web", "2Gi");
  REQUIRE(api::usage_annotation(meta, UsageResource::Memory, "web") != nullptr);
  CHECK(*api::usage_annotation(meta, UsageResource::Memory, "web") == "2Gi");
  CHECK(*api::usage_annotation(meta, UsageResource::Memory, "sidecar") == "1Gi");
  CHECK(api::usage_annotation(meta, UsageResource::Cpu, "web") == nullptr);
}
