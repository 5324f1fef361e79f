#include "support/catch.hpp"

#include "kubesim/scenario/summary_reader.hpp"

using namespace kubesim;

TEST_CASE("a summary is read back as named numeric leaves", "[scenario][diff]") {
  auto s = scenario::parse_summary(R"({
  "scenario": "demo",
  "seed": 7,
  "pods": {"created": 3, "pending": 0},
  "scheduling_latency": {"count": 3, "p99_seconds": 0.004},
  "api_requests": [
    {"client": "kubelet", "verb": "get", "resource": "nodes", "count": 36, "failed": 0}],
  "traffic": [
    {"namespace": "default", "service": "web", "requests": 10, "success_rate": 0.9,
     "error_windows": [{"start_seconds": 1, "end_seconds": 2, "errors": 1}]}],
  "expectations": [
    {"check": "pods.pending == 0", "name": "", "passed": true, "measured": "0", "measured_at_seconds": 60}],
  "fingerprint": "00ff"
}
)",
                                   "s.json");
  REQUIRE(s.has_value());
  CHECK(s->fingerprint == "00ff");
  CHECK(s->values == std::vector<std::pair<std::string, double>>{
                         {"seed", 7},
                         {"pods.created", 3},
                         {"pods.pending", 0},
                         {"scheduling_latency.count", 3},
                         {"scheduling_latency.p99_seconds", 0.004},
                         {"api_requests[kubelet get nodes].count", 36},
                         {"api_requests[kubelet get nodes].failed", 0},
                         {"traffic[default web].requests", 10},
                         {"traffic[default web].success_rate", 0.9},
                         {"expectations[pods.pending == 0].passed", 1},
                     });
}

TEST_CASE("something that is not a summary is an error", "[scenario][diff]") {
  auto s = scenario::parse_summary("apiVersion: v1\nkind: Pod\n", "pod.yaml");
  REQUIRE_FALSE(s.has_value());
  CHECK(s.error().str() ==
        "pod.yaml:1:1: error: not a kubesim run summary (compare the summary.json files that `kubesim run --out "
        "DIR` writes)\n1 error\n");
  auto broken = scenario::parse_summary("{\"pods\": [1, 2", "broken.json");
  REQUIRE_FALSE(broken.has_value());
  // yaml-cpp's words alone ("end of ... flow not found") do not say what the file should be.
  CHECK(broken.error().str().find("broken.json:1:") == 0);
  CHECK(broken.error().str().find("(summary.json must be the JSON that `kubesim run --out DIR` writes") !=
        std::string::npos);
  auto missing = scenario::load_summary("no/such/summary.json");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().str().find("cannot read summary file 'no/such/summary.json'") != std::string::npos);
}

TEST_CASE("a summary keeps the scenario name and the expectations' text", "[scenario][report]") {
  auto s = scenario::parse_summary(R"({
  "scenario": "demo <1>",
  "pods": {"created": 3},
  "expectations": [
    {"check": "pods.pending == 0", "name": "drained", "location": "s.yaml:9:5", "passed": true, "measured": "0"},
    {"check": "scheduling_latency.p99 < 1s", "name": "", "location": "s.yaml:10:5", "passed": false,
     "measured": "", "note": "no pod was bound"}],
  "fingerprint": "00ff"
}
)",
                                   "s.json");
  REQUIRE(s.has_value());
  CHECK(s->scenario == "demo <1>");
  REQUIRE(s->expectations.size() == 2);
  CHECK(s->expectations[0].check == "pods.pending == 0");
  CHECK(s->expectations[0].name == "drained");
  CHECK(s->expectations[0].location == "s.yaml:9:5");
  CHECK(s->expectations[0].passed);
  CHECK(s->expectations[0].measured == "0");
  CHECK_FALSE(s->expectations[1].passed);
  CHECK(s->expectations[1].measured.empty());
  CHECK(s->expectations[1].note == "no pod was bound");
}

TEST_CASE("a summary keeps its arrays of objects as records, and when each expectation was measured",
          "[scenario][report]") {
  auto s = scenario::parse_summary(R"({
  "scenario": "demo",
  "pods": {"created": 3},
  "rollouts": [
    {"rollout": "default/web generation 1", "deployment": "web", "replicas": 3, "completed_seconds": null,
     "superseded": false}],
  "traffic": [
    {"namespace": "default", "service": "web", "requests": 10, "error_windows": [
      {"start_seconds": 1.5, "end_seconds": 2, "errors": 4}]}],
  "expectations": [
    {"check": "pods.pending == 0 by 1m", "passed": true, "measured": "0", "measured_at_seconds": 42.5},
    {"check": "nodes == 3", "passed": true, "measured": "3"}],
  "fingerprint": "00ff"
}
)",
                                   "s.json");
  REQUIRE(s.has_value());
  REQUIRE(s->tables.size() == 3);
  CHECK(s->tables[0].first == "rollouts");
  const scenario::SummaryRecord& r = s->tables[0].second.at(0);
  using Fields = std::vector<std::pair<std::string, std::string>>;
  CHECK(r.fields == Fields{{"rollout", "default/web generation 1"},
                           {"deployment", "web"},
                           {"replicas", "3"},
                           {"completed_seconds", "null"},
                           {"superseded", "false"}});
  CHECK(s->tables[1].first == "traffic");
  const scenario::SummaryRecord& t = s->tables[1].second.at(0);
  REQUIRE(t.lists.size() == 1);
  CHECK(t.lists[0].first == "error_windows");
  REQUIRE(t.lists[0].second.size() == 1);
  CHECK(t.lists[0].second[0].fields == Fields{{"start_seconds", "1.5"}, {"end_seconds", "2"}, {"errors", "4"}});
  CHECK(s->tables[2].first == "expectations");
  REQUIRE(s->expectations.size() == 2);
  CHECK(s->expectations[0].measured_at_seconds == 42.5);
  CHECK_FALSE(s->expectations[1].measured_at_seconds.has_value());
}
