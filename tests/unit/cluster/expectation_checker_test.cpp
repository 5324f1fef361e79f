#include "support/catch.hpp"

#include "kubesim/cluster/expectation_checker.hpp"

using namespace kubesim;
using namespace kubesim::base::literals;
using cluster::ExpectationChecker;
using cluster::Measurement;
using scenario::CheckTime;
using scenario::Expectation;

namespace {

base::SimTime at(base::Duration d) { return base::SimTime::zero() + d; }

Expectation check(std::string_view text, CheckTime when = CheckTime::End, base::Duration t = {}) {
  Expectation e;
  REQUIRE_FALSE(scenario::parse_check(text, e).has_value());
  e.when = when;
  e.time = at(t);
  e.loc = base::SourceLocation{"s.yaml", 3, 7};
  return e;
}

}  // namespace

TEST_CASE("end, at and by checks are decided at their moments", "[cluster][expect]") {
  // The "metric" is a value that changes over time: 0 until 20 s, 3 from 20 s to 40 s, 1 after.
  base::SimTime now = at(0_s);
  auto measure = [&](const Expectation&) {
    std::int64_t v = now < at(20_s) ? 0 : now < at(40_s) ? 3 : 1;
    return Measurement{v, {}};
  };
  ExpectationChecker checker({check("pods.running >= 1"),                       // end: 1
                              check("pods.running == 3", CheckTime::At, 30_s),  // 3 at 30 s
                              check("pods.running >= 3", CheckTime::By, 30_s),  // holds since 20 s
                              check("pods.running >= 3", CheckTime::By, 50_s),  // dropped at 40 s
                              check("pods.running == 0", CheckTime::At, 5_s),
                              check("pods.running >= 1", CheckTime::By, 2_min)});  // the run ends first
  CHECK(checker.next_time() == at(5_s));
  for (base::Duration t : {5_s, 10_s, 20_s, 30_s, 40_s, 50_s, 60_s}) {
    now = at(t);
    checker.check(now, measure);
  }
  CHECK(checker.next_time() == at(2_min));
  now = at(60_s);
  checker.finish(now, measure);
  std::vector<metrics::ExpectationResult> r = checker.results();
  REQUIRE(r.size() == 6);
  CHECK(r[0].passed);
  CHECK(r[0].check == "pods.running >= 1");
  CHECK(r[0].measured == "1");
  CHECK(r[0].measured_at == at(60_s));
  CHECK(r[0].location == "s.yaml:3:7");
  CHECK(r[1].passed);
  CHECK(r[1].check == "pods.running == 3 at 30s");
  CHECK(r[2].passed);
  CHECK(r[2].held_since);
  CHECK(r[2].measured_at == at(20_s));
  CHECK_FALSE(r[3].passed);
  CHECK(r[3].measured == "1");
  CHECK(r[3].measured_at == at(50_s));
  CHECK(r[4].passed);
  CHECK_FALSE(r[5].passed);
  CHECK(r[5].note == "the run ended at 1m0s, before 2m0s");
}

TEST_CASE("a check with nothing to measure fails with the reason", "[cluster][expect]") {
  ExpectationChecker checker({check("deployment/web.replicas == 1")});
  checker.finish(at(1_min), [](const Expectation&) {
    return Measurement{std::nullopt, "deployment default/web does not exist"};
  });
  std::vector<metrics::ExpectationResult> r = checker.results();
  REQUIRE(r.size() == 1);
  CHECK_FALSE(r[0].passed);
  CHECK(r[0].measured.empty());
  CHECK(metrics::format_expectation_failures(r) ==
        "s.yaml:3:7: expectation failed: deployment/web.replicas == 1: nothing measured (deployment default/web "
        "does not exist)\n");
}

TEST_CASE("junit.xml lists every expectation, with failures and escaped text", "[cluster][expect]") {
  std::vector<metrics::ExpectationResult> r(2);
  r[0] = metrics::ExpectationResult{"scheduling_latency.p99 < 2s", "", "s.yaml:8:7", true, "4ms", at(3_min), false, ""};
  r[1] = metrics::ExpectationResult{
      "pods.pending == 0 by 1m0s", "all <placed>", "s.yaml:9:14", false, "2", at(1_min), false, ""};
  std::string xml = metrics::format_junit_xml("demo & co", r);
  CHECK(xml ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"kubesim\" tests=\"2\" failures=\"1\">\n"
        "  <testsuite name=\"demo &amp; co\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\">\n"
        "    <testcase classname=\"demo &amp; co\" name=\"scheduling_latency.p99 &lt; 2s\" file=\"s.yaml\" "
        "time=\"0\">\n"
        "      <system-out>measured 4ms at 3m0s</system-out>\n"
        "    </testcase>\n"
        "    <testcase classname=\"demo &amp; co\" name=\"all &lt;placed&gt;: pods.pending == 0 by 1m0s\" "
        "file=\"s.yaml\" time=\"0\">\n"
        "      <failure message=\"measured 2 at 1m0s\" type=\"ExpectationFailed\">s.yaml:9:14: expected pods.pending "
        "== 0 by 1m0s, measured 2 at 1m0s</failure>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n");
  CHECK(metrics::format_expectations_text(r) ==
        "expectations:          1 passed, 1 failed\n"
        "  PASS  scheduling_latency.p99 < 2s              measured 4ms at 3m0s\n"
        "  FAIL  all <placed>: pods.pending == 0 by 1m0s  measured 2 at 1m0s\n");
}
