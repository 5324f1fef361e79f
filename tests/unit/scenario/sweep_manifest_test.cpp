#include "support/catch.hpp"

#include "kubesim/scenario/sweep_manifest.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace kubesim;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  std::filesystem::path p = std::filesystem::temp_directory_path() / ("kubesim-sweep-test-" + name);
  std::ofstream(p) << text;
  return p.string();
}

}  // namespace

TEST_CASE("a sweep manifest is written and read back", "[scenario][sweep]") {
  scenario::SweepManifest m;
  m.scenario = "demo \"quoted\"";
  m.scenario_file = "scenarios/demo.yaml";
  m.inputs = "00ff00ff00ff00ff";
  m.horizon_seconds = "120";
  m.profiles = {"default-scheduler", "best-fit"};
  m.seeds = {1, 2, 3};
  m.shard_index = 1;
  m.shard_count = 2;
  m.cells = {{"best-fit", 1, "runs/best-fit/seed-1/summary.json"},
             {"default-scheduler", 3, "runs/default-scheduler/seed-3/summary.json"}};
  std::string text = scenario::format_sweep_manifest(m);
  CHECK_THAT(text, Catch::StartsWith("{\n  \"kind\": \"kubesim-sweep\",\n  \"scenario\": \"demo \\\"quoted\\\"\",\n"));
  auto back = scenario::load_sweep_manifest(write_temp("roundtrip.json", text));
  REQUIRE(back);
  CHECK(back.value().scenario == m.scenario);
  CHECK(back.value().inputs == "00ff00ff00ff00ff");
  CHECK(back.value().horizon_seconds == "120");
  CHECK(back.value().profiles == m.profiles);
  CHECK(back.value().seeds == m.seeds);
  CHECK(back.value().shard_index == 1);
  CHECK(back.value().shard_count == 2);
  REQUIRE(back.value().cells.size() == 2);
  CHECK(back.value().cells[1].profile == "default-scheduler");
  CHECK(back.value().cells[1].seed == 3);
  CHECK(back.value().cells[1].summary == "runs/default-scheduler/seed-3/summary.json");
}

TEST_CASE("cell folders are safe path segments", "[scenario][sweep]") {
  CHECK(scenario::cell_folder("best-fit", 7) == "runs/best-fit/seed-7");
  CHECK(scenario::cell_folder("a/b c", 1) == "runs/a_b_c/seed-1");
  CHECK(scenario::cell_folder("..", 1) == "runs/_../seed-1");
}

TEST_CASE("what is not a sweep manifest", "[scenario][sweep]") {
  auto missing = scenario::load_sweep_manifest("/nonexistent/sweep.json");
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().str(), Catch::Contains("cannot read '/nonexistent/sweep.json'"));

  auto other = scenario::load_sweep_manifest(write_temp("other.json", "{\"scenario\": \"x\"}\n"));
  REQUIRE_FALSE(other);
  CHECK_THAT(other.error().str(), Catch::Contains("1:1: error: not a kubesim sweep manifest"));

  auto bad = scenario::load_sweep_manifest(
      write_temp("bad.json", "{\"kind\": \"kubesim-sweep\", \"scenario\": \"x\", \"scenario_file\": \"x.yaml\", \"inputs\": \"0\", \"horizon_seconds\": 1,\n"
                             " \"profiles\": [\"a\"], \"seeds\": [\"one\"], \"shard\": {\"index\": 2, \"count\": 2},\n"
                             " \"cells\": []}\n"));
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().str(), Catch::Contains("2:31: error: 'seeds[]' must be a non-negative integer"));
  CHECK_THAT(bad.error().str(), Catch::Contains("error: 'shard.index' must be below 'shard.count'"));
  CHECK_THAT(bad.error().str(), Catch::Contains("rerun that shard instead of editing it"));
}
