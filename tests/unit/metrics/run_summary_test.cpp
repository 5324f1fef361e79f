#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/metrics/run_summary.hpp"

using namespace kubesim;
using namespace kubesim::base::literals;
using namespace kubesim::metrics;

TEST_CASE("nearest-rank percentiles on a hand-computed sample", "[metrics]") {
  std::vector<base::Duration> sample;
  for (int i = 1; i <= 10; ++i) {
    sample.push_back(base::Duration::from_millis(i * 10));  // 10 ms … 100 ms, shuffled below
  }
  std::swap(sample[0], sample[9]);
  LatencyStats s = latency_stats(sample);
  CHECK(s.count == 10);
  CHECK(s.p50 == 50_ms);   // rank ceil(0.5·10) = 5
  CHECK(s.p90 == 90_ms);   // rank 9
  CHECK(s.p99 == 100_ms);  // rank ceil(9.9) = 10
  CHECK(s.max == 100_ms);
  CHECK(latency_stats({}).count == 0);
  CHECK(latency_stats({7_ms}).p50 == 7_ms);
}

TEST_CASE("format_seconds is exact and trims zeros", "[metrics]") {
  CHECK(format_seconds(0_s) == "0");
  CHECK(format_seconds(1500_ms) == "1.5");
  CHECK(format_seconds(3_ms) == "0.003");
  CHECK(format_seconds(base::Duration::from_nanos(1)) == "0.000000001");
  CHECK(format_seconds(-2_s) == "-2");
}

TEST_CASE("json_quote escapes", "[metrics]") {
  CHECK(json_quote("a\"b\\c\nd") == R"("a\"b\\c\nd")");
  CHECK(json_quote(std::string(1, '\x01')) == R"("\u0001")");
}

TEST_CASE("pod lifecycle milestones and counts", "[metrics]") {
  PodLifecycle life;
  api::Pod p;
  p.metadata.name = "a";
  p.metadata.namespace_ = "default";
  p.metadata.uid = "uid-1";
  life.observe(base::SimTime::zero() + 1_s, nullptr, &p);
  api::Pod bound = p;
  bound.spec.node_name = "n1";
  life.observe(base::SimTime::zero() + 2_s, &p, &bound);
  life.observe_queued(base::SimTime::zero() + 1_s, p);
  life.observe_attempt(base::SimTime::zero() + 1500_ms, bound, "n1", "");
  api::Pod running = bound;
  running.status.phase = api::PodPhase::Running;
  life.observe(base::SimTime::zero() + 5_s, &bound, &running);

  api::Pod q;
  q.metadata.name = "b,c";  // needs CSV quoting
  q.metadata.namespace_ = "default";
  q.metadata.uid = "uid-2";
  life.observe(base::SimTime::zero() + 3_s, nullptr, &q);
  life.observe_attempt(base::SimTime::zero() + 3_s, q, "", "0/1 nodes are available: 1 Insufficient cpu.");

  RunSummary s;
  summarize_pods(life.records(), s);
  CHECK(s.pods.created == 2);
  CHECK(s.pods.scheduled == 1);
  CHECK(s.pods.running == 1);
  CHECK(s.pods.pending == 1);
  CHECK(s.scheduling_latency.p50 == 1_s);
  CHECK(s.startup_latency.max == 4_s);

  // Two usage samples of a: the mean CPU (integer milli-CPU) and the peak memory.
  life.observe_usage(running, 250, 100);
  life.observe_usage(running, 501, 300);
  CHECK(format_pods_csv(life.records()) ==
        "namespace,name,node,phase,created_seconds,queued_seconds,scheduled_seconds,bound_seconds,running_seconds,"
        "ready_seconds,finished_seconds,deleted_seconds,scheduling_attempts,cpu_used_millicpu_mean,"
        "memory_used_bytes_peak,message\n"
        "default,a,n1,Running,1,1,1.5,2,5,,,,1,375,300,\n"
        "default,\"b,c\",,Pending,3,,,,,,,,1,,,0/1 nodes are available: 1 Insufficient cpu.\n");
}

TEST_CASE("the text summary has a stable layout", "[metrics]") {
  RunSummary s;
  s.scenario = "demo";
  s.seed = 9;
  s.horizon = 10_min;
  s.last_event = base::SimTime::zero() + 90_s;
  s.events = 1234;
  s.fingerprint = 0xABCDEF;
  s.nodes = 3;
  s.requests.push_back({"scheduler", "create", "pods/binding", 5, 1, 5, 3_ms, 7_ms});
  s.requests.push_back({"scheduler", "list", "nodes", 1, 0, 0, {}, {}});
  s.watch_lags.push_back({"kubelet", "pods", 40, 1_ms, 2_ms});
  s.rollouts.push_back({"default", "web", 2, 3, base::SimTime::zero() + 60_s, base::SimTime::zero() + 72_s, false});
  s.rollouts.push_back({"default", "web", 3, 3, base::SimTime::zero() + 80_s, std::nullopt, false});
  s.node_faults.push_back({"n1", "crashNode", base::SimTime::zero() + 30_s, 2, 1, 0, std::nullopt});
  std::string text = format_summary_text(s);
  CHECK(text.find("scenario:              demo (seed 9)\n") == 0);
  CHECK(text.find("simulated time:        10m0s (last event at 1m30s)\n") != std::string::npos);
  CHECK(text.find("scheduling latency:    n/a (no samples)\n") != std::string::npos);
  CHECK(text.find("  scheduler  create        pods/binding                  5  latency mean 3ms, max 7ms  (1 failed)\n"
                  "  scheduler  list          nodes                         1\n") != std::string::npos);
  CHECK(text.find("watch delivery:        changes delivered to watchers, commit -> delivery\n"
                  "  kubelet    pods                                       40  lag mean 1ms, max 2ms\n") !=
        std::string::npos);
  CHECK(text.find("rollouts:              default/web generation 2 (3 replicas), started at 1m0s: available after 12s\n"
                  "                       default/web generation 3 (3 replicas), started at 1m20s: not complete at the "
                  "end\n") != std::string::npos);
  CHECK(text.find("node faults:           crashNode n1 at 30s: 2 controller-owned pod(s) lost, 1 of them replaced and "
                  "Running by the end\n") != std::string::npos);
  CHECK(text.find("fingerprint:           0000000000abcdef\n") != std::string::npos);
  std::string json = format_summary_json(s);
  CHECK(json.find("\"horizon_seconds\": 600,") != std::string::npos);
  CHECK(json.find("{\"client\": \"scheduler\", \"verb\": \"create\", \"resource\": \"pods/binding\", \"count\": 5, "
                  "\"failed\": 1, \"latency_mean_seconds\": 0.003, \"latency_max_seconds\": 0.007}") !=
        std::string::npos);
  CHECK(json.find("\"watch_delivery\": [\n    {\"client\": \"kubelet\", \"resource\": \"pods\", \"events\": 40, "
                  "\"lag_mean_seconds\": 0.001, \"lag_max_seconds\": 0.002}\n  ],") != std::string::npos);
  CHECK(json.find("{\"rollout\": \"default/web generation 2\", \"namespace\": \"default\", \"deployment\": \"web\", "
                  "\"generation\": 2, \"replicas\": 3, \"started_seconds\": 60, \"completed_seconds\": 72, "
                  "\"duration_seconds\": 12, \"superseded\": false}") != std::string::npos);
  CHECK(json.find("\"completed_seconds\": null, \"duration_seconds\": null") != std::string::npos);
  CHECK(
      json.find("{\"fault\": \"crashNode n1 at 30s\", \"node\": \"n1\", \"action\": \"crashNode\", \"at_seconds\": 30, "
                "\"pods_lost\": 2, \"replaced\": 1, \"returned\": 0, \"recovered_seconds\": null, "
                "\"duration_seconds\": null}") != std::string::npos);
  CHECK(json.find("\"fingerprint\": \"0000000000abcdef\"") != std::string::npos);
}

TEST_CASE("the traffic section appears only with traffic", "[metrics]") {
  RunSummary s;
  s.scenario = "demo";
  CHECK(format_summary_text(s).find("traffic") == std::string::npos);
  CHECK(format_summary_json(s).find("traffic") == std::string::npos);

  ServiceTrafficRow& t = s.traffic.emplace_back();
  t.namespace_ = "default";
  t.name = "web";
  t.requests = 3000;
  t.successes = 2987;
  t.errors = 13;
  t.error_windows.push_back({base::SimTime::zero() + 60_s, base::SimTime::zero() + 60_s + 300_ms, 3});
  t.error_windows.push_back({base::SimTime::zero() + 90_s, base::SimTime::zero() + 91_s, 10});
  ServiceTrafficRow idle;  // (not a reference: emplace_back would invalidate `t`)
  idle.namespace_ = "shop";
  idle.name = "api";
  s.traffic.push_back(idle);
  std::string text = format_summary_text(s);
  CHECK(text.find("traffic:               2 services\n"
                  "  default/web: requests 3000, successes 2987, errors 13, success rate 99.566%\n"
                  "    errors from 1m0s to 1m0.3s: 3\n"
                  "    errors from 1m30s to 1m31s: 10\n"
                  "  shop/api: requests 0, successes 0, errors 0, success rate n/a\n"
                  "events processed:") != std::string::npos);
  std::string json = format_summary_json(s);
  CHECK(json.find("  \"traffic\": [\n"
                  "    {\"namespace\": \"default\", \"service\": \"web\", \"requests\": 3000, \"successes\": 2987, "
                  "\"errors\": 13, \"success_rate\": 0.995666, \"error_windows\": [{\"start_seconds\": 60, "
                  "\"end_seconds\": 60.3, \"errors\": 3}, {\"start_seconds\": 90, \"end_seconds\": 91, \"errors\": "
                  "10}]},\n"
                  "    {\"namespace\": \"shop\", \"service\": \"api\", \"requests\": 0, \"successes\": 0, \"errors\": "
                  "0, \"success_rate\": null, \"error_windows\": []}\n"
                  "  ],\n"
                  "  \"events\":") != std::string::npos);

  for (int i = 0; i < 12; ++i) {
    s.traffic[0].error_windows.push_back({base::SimTime::zero() + 100_s, base::SimTime::zero() + 100_s, 1});
  }
  CHECK(format_summary_text(s).find("    ... 4 more error windows (all of them in summary.json)\n") !=
        std::string::npos);
}
