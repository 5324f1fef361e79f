#include "support/catch.hpp"

#include "kubesim/scenario/expectation.hpp"

using namespace kubesim;
using scenario::Comparison;
using scenario::Expectation;
using scenario::MetricKind;

namespace {

Expectation parsed(std::string_view text) {
  Expectation e;
  std::optional<scenario::CheckError> err = scenario::parse_check(text, e);
  if (err) {
    FAIL(err->message);
  }
  return e;
}

std::string error_of(std::string_view text) {
  Expectation e;
  std::optional<scenario::CheckError> err = scenario::parse_check(text, e);
  REQUIRE(err.has_value());
  return err->message;
}

}  // namespace

TEST_CASE("checks are parsed into metric, comparison and an integer threshold", "[scenario][expect]") {
  Expectation p99 = parsed("  scheduling_latency.p99 < 2s ");
  CHECK(p99.metric == MetricKind::SchedulingLatencyP99);
  CHECK(p99.op == Comparison::Less);
  CHECK(p99.value == 2'000'000'000);
  CHECK(p99.text == "scheduling_latency.p99 < 2s");
  CHECK(parsed("startup_latency.max<=0.25").value == 250'000'000);  // bare seconds, no spaces needed
  CHECK(parsed("startup_latency.p50 >= 1m30s").value == 90'000'000'000);

  Expectation pending = parsed("pods.pending == 0");
  CHECK(pending.metric == MetricKind::PodsPending);
  CHECK(pending.op == Comparison::Equal);
  CHECK(parsed("pods.failed != 0").op == Comparison::NotEqual);
  CHECK(parsed("pods.running > 10").op == Comparison::Greater);

  // Ratios in parts per million, written as fractions or percentages, exactly.
  CHECK(parsed("cpu.requested_ratio <= 0.75").value == 750'000);
  CHECK(parsed("cpu.requested_ratio <= 99.95%").value == 999'500);
  CHECK(parsed("memory.used_ratio < 1").value == 1'000'000);
  // Quantities.
  CHECK(parsed("memory.used < 2Gi").value == 2LL << 30);
  CHECK(parsed("cpu.used >= 1500m").value == 1500);
  CHECK(parsed("cpu.used >= 2").value == 2000);

  Expectation web = parsed("deployment/web.available_replicas >= 3");
  CHECK(web.metric == MetricKind::DeploymentAvailableReplicas);
  CHECK(web.object_namespace == "default");
  CHECK(web.object_name == "web");
  Expectation svc = parsed("service/shop/frontend.success_rate >= 0.999");
  CHECK(svc.metric == MetricKind::ServiceSuccessRate);
  CHECK(svc.object_namespace == "shop");
  CHECK(svc.object_name == "frontend");
  CHECK(parsed("job/etl.succeeded == 10").metric == MetricKind::JobSucceeded);
  CHECK(parsed("replicaset/web-abc.ready_replicas == 3").metric == MetricKind::ReplicaSetReadyReplicas);
}

TEST_CASE("bad checks say what is wrong", "[scenario][expect]") {
  CHECK(error_of("pods.pending") == "check 'pods.pending' has no comparison");
  CHECK(error_of("pods.pending => 0") == "check 'pods.pending => 0' has an unknown comparison '=>'");
  CHECK(error_of("== 0") == "check '== 0' names no metric");
  CHECK(error_of("pods.pending ==") == "check 'pods.pending ==' has no value after '=='");
  CHECK(error_of("pods.pending == -1") == "'-1' is not a count for pods.pending");
  CHECK(error_of("pods.pending == 1.5") == "'1.5' is not a count for pods.pending");
  CHECK(error_of("cpu.used_ratio < 101%") == "'101%' is not a ratio between 0 and 1 for cpu.used_ratio");
  CHECK(error_of("cpu.used_ratio < 0.1234567") == "'0.1234567' is not a ratio between 0 and 1 for cpu.used_ratio");
  CHECK(error_of("scheduling_latency.p99 < soon") == "'soon' is not a duration for scheduling_latency.p99");
  CHECK(error_of("memory.used < -1Gi") == "'-1Gi' is not a quantity for memory.used");
  CHECK(error_of("latency < 1s") == "unknown metric 'latency'");
  CHECK(error_of("deployment.replicas == 3") == "unknown metric 'deployment.replicas'");
  CHECK(error_of("deployment/web.ready < 1") == "'ready' is not a metric of a deployment");
  CHECK(error_of("deployment/web < 1") == "'' is not a metric of a deployment");
  CHECK(error_of("pod/web.ready < 1") == "unknown object kind 'pod' in metric 'pod/web.ready'");
  CHECK(error_of("deployment/.replicas == 1") == "metric 'deployment/.replicas' does not name one object");
}

TEST_CASE("comparisons and value formatting", "[scenario][expect]") {
  CHECK(scenario::compare(1, Comparison::Less, 2));
  CHECK_FALSE(scenario::compare(2, Comparison::Less, 2));
  CHECK(scenario::compare(2, Comparison::LessEqual, 2));
  CHECK(scenario::compare(2, Comparison::Equal, 2));
  CHECK(scenario::compare(3, Comparison::NotEqual, 2));
  CHECK(scenario::compare(2, Comparison::GreaterEqual, 2));
  CHECK_FALSE(scenario::compare(2, Comparison::Greater, 2));
  CHECK(scenario::comparison_symbol(Comparison::GreaterEqual) == ">=");
  CHECK(scenario::format_metric_value(999'500, scenario::MetricUnit::Ratio) == "0.9995");
  CHECK(scenario::format_metric_value(1'000'000, scenario::MetricUnit::Ratio) == "1");
  CHECK(scenario::format_metric_value(0, scenario::MetricUnit::Ratio) == "0");
  CHECK(scenario::format_metric_value(1'234'000'000, scenario::MetricUnit::Duration) == "1.234s");
  CHECK(scenario::format_metric_value(1500, scenario::MetricUnit::MilliCpu) == "1500m");
  CHECK(scenario::format_metric_value(1LL << 30, scenario::MetricUnit::Bytes) == "1Gi");
  CHECK(scenario::format_metric_value(1536LL << 20, scenario::MetricUnit::Bytes) == "1536Mi");
  CHECK(scenario::format_metric_value(1000, scenario::MetricUnit::Bytes) == "1000");
  CHECK(scenario::format_metric_value(0, scenario::MetricUnit::Bytes) == "0");
  // Every catalogue entry resolves to itself.
  for (const scenario::MetricInfo& m : scenario::metric_catalogue()) {
    CHECK(scenario::metric_info(m.kind).name == m.name);
  }
}
