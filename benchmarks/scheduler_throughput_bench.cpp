// Scheduling-throughput benchmark: the real kubesim::scheduler::Scheduler with the default profile,
// driven through sim::Simulation and apiserver::ApiServer exactly as a cluster run drives it, on
// upstream scheduler_perf's "SchedulingBasic" shapes (N nodes of 4 CPU / 32Gi / 110 pods, pods asking
// for 100m / 500Mi). The figure is pods per wall-clock second *of scheduling*: the time spent inside
// EventKind::SchedulerCycle dispatches (pop, PreFilter, Filter over numFeasibleNodesToFind nodes,
// Score, selectHost, assume, Reserve, the bind request), summed with std::chrono::steady_clock around
// each cycle. The whole run (creating the objects through the API server, watch fan-out, bind
// confirmations) is timed too and printed separately.
//
// Flow of one repetition (simulated time): at t = 0 the scheduler starts its informers and the bench
// creates every node, then every pod, through the API server (3 ms create latency, 1 ms watch delay),
// so the scheduler sees all nodes before the first pod and then schedules the pods back to back
// (cycle_cost is 0), each cycle seeing the pods assumed by the earlier ones. Binds complete 3 ms later
// and come back through the watch. The run must end with every pod scheduled: the bench checks the
// scheduler's attempt results and the store (every pod has spec.nodeName) and exits with status 1
// otherwise.
//
// CPU time: the machine is shared, so the bench also reads CLOCK_THREAD_CPUTIME_ID around each run of
// consecutive cycles (the cycles of a repetition run back to back, so that is a handful of reads, not
// two per cycle) and reports pods per CPU-second beside pods per wall-second.

#include "kubesim/apiserver/api_server.hpp"
#include "kubesim/client/client.hpp"
#include "kubesim/scheduler/scheduler.hpp"
#include "kubesim/sim/simulation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace api = kubesim::api;
namespace sched = kubesim::scheduler;
using kubesim::apiserver::ApiServer;
using kubesim::apiserver::ApiServerConfig;
using kubesim::base::SimTime;
using kubesim::sim::Event;
using kubesim::sim::EventKind;
using kubesim::sim::Simulation;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kGi = 1024LL * 1024 * 1024;
constexpr std::int64_t kMi = 1024LL * 1024;

struct Case {
  std::int32_t nodes = 0;
  std::int32_t pods = 0;
};

struct Options {
  std::vector<Case> cases = {{5'000, 10'000}, {15'000, 30'000}};
  int reps = 3;
  std::uint64_t seed = 1;
  std::optional<std::int32_t> zones;  // topology.kubernetes.io/zone values; none = no zone label
};

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// upstream test/integration/scheduler_perf/templates/node-default.yaml: 4 CPU, 32Gi, 110 pods, Ready.
api::Node make_node(std::int32_t i, const Options& opt) {
  api::Node n;
  n.metadata.name = fmt::format("node-{}", i);
  n.metadata.labels.set(std::string(api::kLabelHostname), n.metadata.name);
  if (opt.zones) {
    n.metadata.labels.set(std::string(api::kLabelZone), fmt::format("zone-{}", i % *opt.zones));
  }
  for (api::ResourceList* list : {&n.status.capacity, &n.status.allocatable}) {
    list->set(std::string(api::kResourceCpu), 4'000);
    list->set(std::string(api::kResourceMemory), 32 * kGi);
    list->set(std::string(api::kResourcePods), 110);
  }
  api::NodeCondition ready;
  ready.type = "Ready";
  ready.status = api::ConditionStatus::True;
  n.status.conditions.push_back(ready);
  return n;
}

// upstream templates/pod-default.yaml: one pause container, requests (= limits) 100m / 500Mi, a
// containerPort without hostPort (so NodePorts has nothing to check).
api::Pod make_pod(std::int32_t i) {
  api::Pod p;
  p.metadata.name = fmt::format("pod-{}", i);
  p.metadata.namespace_ = "default";
  api::Container c;
  c.name = "pause";
  c.image = "registry.k8s.io/pause:3.10";
  c.resources.requests.set(std::string(api::kResourceCpu), 100);
  c.resources.requests.set(std::string(api::kResourceMemory), 500 * kMi);
  c.resources.limits.set(std::string(api::kResourceCpu), 100);
  c.resources.limits.set(std::string(api::kResourceMemory), 500 * kMi);
  api::ContainerPort port;
  port.container_port = 80;
  c.ports.push_back(port);
  p.spec.containers.push_back(std::move(c));
  return p;
}

struct RepResult {
  double cycle_wall_s = 0;  // Σ wall time inside SchedulerCycle dispatches
  double cycle_cpu_s = 0;   // thread CPU time over the runs of consecutive cycles
  double burst_wall_s = 0;  // wall time over the same runs (includes the event pops between cycles)
  double sched_wall_s = 0;  // Σ wall time inside every scheduler dispatch (watch, reply, cycle)
  double run_wall_s = 0;    // whole simulation (object creation, API server, scheduler)
  double run_cpu_s = 0;
  std::uint64_t cycles = 0;
  std::uint64_t scheduled = 0;      // attempts that chose a node
  std::uint64_t unschedulable = 0;  // attempts that did not
  std::uint64_t bound = 0;          // pods with spec.nodeName in the store at the end
  std::uint64_t events = 0;
};

// The bench's dispatcher: forwards every event as cluster::Cluster::dispatch does (there are no
// kubelets here, so no Kubelet* events occur) and times the scheduler's.
class Bench {
 public:
  Bench(const Options& opt, const Case& c)
      : opt_(opt), case_(c), sim_(opt.seed), api_(sim_, ApiServerConfig{}),
        creator_(api_, "bench", kubesim::client::Endpoint{EventKind::ScenarioReply, 0}) {
    auto s = sched::Scheduler::create(sim_, api_, sched::SchedulerConfig{}, {sched::default_profile()});
    if (!s) {
      std::fprintf(stderr, "scheduler: %s\n", s.error().c_str());
      std::exit(1);
    }
    scheduler_ = std::move(s.value());
    scheduler_->on_attempt.connect([this](SimTime, const api::Pod&, const sched::AttemptResult& r) {
      if (r.node.empty()) {
        ++result_.unschedulable;
        if (first_failure_.empty()) {
          first_failure_ = r.message;
        }
      } else {
        ++result_.scheduled;
      }
    });
    sim_.reserve_events(static_cast<std::size_t>(c.nodes + c.pods) * 4 + 1024);
  }

  RepResult run() {
    const double cpu0 = thread_cpu_seconds();
    const Clock::time_point t0 = Clock::now();
    scheduler_->start();
    for (std::int32_t i = 0; i < case_.nodes; ++i) {
      creator_.create(api::AnyObject(make_node(i, opt_)));
    }
    for (std::int32_t i = 0; i < case_.pods; ++i) {
      creator_.create(api::AnyObject(make_pod(i)));
    }
    sim_.run_until(SimTime::max(), *this);
    end_burst();
    result_.run_wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
    result_.run_cpu_s = thread_cpu_seconds() - cpu0;
    result_.events = sim_.events_processed();
    for (const auto& ref : api_.store().list(api::Kind::Pod)) {
      if (!ref.as<api::Pod>()->spec.node_name.empty()) {
        ++result_.bound;
      }
    }
    return result_;
  }

  [[nodiscard]] const std::string& first_failure() const { return first_failure_; }

  void dispatch(const Event& e) {
    if (e.kind != EventKind::SchedulerCycle) {
      end_burst();
    }
    switch (e.kind) {
    case EventKind::ApiRequest:
      api_.handle_request(e.arg);
      break;
    case EventKind::SchedulerWatch:
      timed([&] { scheduler_->handle_watch(e.target, e.arg); });
      break;
    case EventKind::SchedulerReply:
      timed([&] { scheduler_->handle_reply(e.arg); });
      break;
    case EventKind::SchedulerCycle: {
      if (!in_burst_) {
        in_burst_ = true;
        burst_cpu0_ = thread_cpu_seconds();
        burst_wall0_ = Clock::now();
      }
      const Clock::time_point a = Clock::now();
      scheduler_->run_cycle();
      const double dt = std::chrono::duration<double>(Clock::now() - a).count();
      result_.cycle_wall_s += dt;
      result_.sched_wall_s += dt;
      ++result_.cycles;
      break;
    }
    case EventKind::SchedulerFlushBackoff:
      timed([&] { scheduler_->flush_backoff(); });
      break;
    case EventKind::SchedulerFlushUnschedulable:
      timed([&] { scheduler_->flush_unschedulable(); });
      break;
    case EventKind::ScenarioReply:
      (void)creator_.take_reply(e.arg);
      break;
    default:
      std::fprintf(stderr, "unexpected event kind %s\n", std::string(kubesim::sim::event_kind_name(e.kind)).c_str());
      std::exit(1);
    }
  }

 private:
  template <class F> void timed(F&& f) {
    const Clock::time_point a = Clock::now();
    f();
    result_.sched_wall_s += std::chrono::duration<double>(Clock::now() - a).count();
  }
  void end_burst() {
    if (in_burst_) {
      in_burst_ = false;
      result_.cycle_cpu_s += thread_cpu_seconds() - burst_cpu0_;
      result_.burst_wall_s += std::chrono::duration<double>(Clock::now() - burst_wall0_).count();
    }
  }

  const Options& opt_;
  Case case_;
  Simulation sim_;
  ApiServer api_;
  kubesim::client::Client creator_;
  std::unique_ptr<sched::Scheduler> scheduler_;
  RepResult result_;
  std::string first_failure_;
  bool in_burst_ = false;
  double burst_cpu0_ = 0;
  Clock::time_point burst_wall0_;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

std::optional<std::vector<std::int64_t>> parse_list(std::string_view s) {
  std::vector<std::int64_t> out;
  while (!s.empty()) {
    const auto comma = s.find(',');
    auto v = parse_int(s.substr(0, comma));
    if (!v || *v <= 0) {
      return std::nullopt;
    }
    out.push_back(*v);
    s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
  }
  return out.empty() ? std::nullopt : std::optional(out);
}

void usage(std::FILE* f) {
  std::fputs("usage: scheduler_throughput_bench [--nodes A,B,...] [--pods A,B,...] [--reps R] [--seed S]\n"
             "                                  [--zones Z] [--quick]\n"
             "Schedules pods with the real Scheduler (default profile) through the API server and reports pods per\n"
             "wall-clock second spent in scheduling cycles (median of R repetitions).\n"
             "  --nodes A,B,...  node counts, one case each (default 5000,15000)\n"
             "  --pods A,B,...   pod counts, one per node count or one for all (default 10000,30000)\n"
             "  --reps R         repetitions per case (default 3; the median is reported)\n"
             "  --seed S         simulation seed (default 1)\n"
             "  --zones Z        label nodes with Z topology.kubernetes.io/zone values (default: no zone label)\n"
             "  --quick          5000 nodes x 10000 pods, 1 repetition\n"
             "Exit status: 0 when every pod was scheduled in every repetition, 1 otherwise, 2 for bad options.\n",
             f);
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  std::vector<std::int64_t> nodes = {5'000, 15'000};
  std::vector<std::int64_t> pods = {10'000, 30'000};
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", argv[i]);
        std::exit(2);
      }
      return argv[++i];
    };
    auto bad = [&](std::string_view what) {
      std::fprintf(stderr, "bad value for %.*s\n", static_cast<int>(what.size()), what.data());
      usage(stderr);
      std::exit(2);
    };
    if (a == "-h" || a == "--help") {
      usage(stdout);
      return 0;
    }
    if (a == "--nodes") {
      auto v = parse_list(value());
      if (!v) {
        bad(a);
      }
      nodes = *v;
    } else if (a == "--pods") {
      auto v = parse_list(value());
      if (!v) {
        bad(a);
      }
      pods = *v;
    } else if (a == "--reps") {
      auto v = parse_int(value());
      if (!v || *v <= 0) {
        bad(a);
      }
      opt.reps = static_cast<int>(*v);
    } else if (a == "--seed") {
      auto v = parse_int(value());
      if (!v) {
        bad(a);
      }
      opt.seed = static_cast<std::uint64_t>(*v);
    } else if (a == "--zones") {
      auto v = parse_int(value());
      if (!v || *v <= 0) {
        bad(a);
      }
      opt.zones = static_cast<std::int32_t>(*v);
    } else if (a == "--quick") {
      nodes = {5'000};
      pods = {10'000};
      opt.reps = 1;
    } else {
      std::fprintf(stderr, "unknown option '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    }
  }
  if (pods.size() != 1 && pods.size() != nodes.size()) {
    std::fprintf(stderr, "--pods needs one value or one per node count\n");
    return 2;
  }
  opt.cases.clear();
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    opt.cases.push_back(
        {static_cast<std::int32_t>(nodes[i]), static_cast<std::int32_t>(pods.size() == 1 ? pods[0] : pods[i])});
  }

  std::printf("scheduler throughput: default profile, nodes 4 CPU / 32Gi / 110 pods, pods 100m / 500Mi; "
              "median of %d rep(s)\n",
              opt.reps);
  std::printf("%7s %7s %6s %11s %8s %11s %11s %10s %9s %9s %10s\n", "nodes", "pods", "rep", "pods/s", "us/pod",
              "pods/cpu-s", "cpu us/pod", "scheduled", "cycle s", "run s", "run cpu s");
  bool ok = true;
  for (const Case& c : opt.cases) {
    std::vector<double> rate;
    std::vector<double> us;
    std::vector<double> cpu_rate;
    std::vector<double> cpu_us;
    std::vector<double> run_s;
    std::vector<double> run_cpu;
    std::vector<double> cycle_s;
    std::uint64_t scheduled = 0;
    for (int r = 0; r < opt.reps; ++r) {
      RepResult res;
      std::string failure;
      {
        Bench bench(opt, c);
        res = bench.run();
        failure = bench.first_failure();
      }
      const double n = static_cast<double>(res.scheduled);
      rate.push_back(n / res.cycle_wall_s);
      us.push_back(res.cycle_wall_s / n * 1e6);
      cpu_rate.push_back(n / res.cycle_cpu_s);
      cpu_us.push_back(res.cycle_cpu_s / n * 1e6);
      run_s.push_back(res.run_wall_s);
      run_cpu.push_back(res.run_cpu_s);
      cycle_s.push_back(res.cycle_wall_s);
      scheduled = res.scheduled;
      std::printf("%7d %7d %6d %11.0f %8.2f %11.0f %11.2f %10llu %9.3f %9.3f %10.3f\n", c.nodes, c.pods, r + 1,
                  rate.back(), us.back(), cpu_rate.back(), cpu_us.back(),
                  static_cast<unsigned long long>(res.scheduled), res.cycle_wall_s, res.run_wall_s, res.run_cpu_s);
      std::printf("%7s %7s %6s   (%llu cycles, %llu unschedulable attempts, %llu bound in the store, %llu events; "
                  "all scheduler dispatches %.3f s)\n",
                  "", "", "", static_cast<unsigned long long>(res.cycles),
                  static_cast<unsigned long long>(res.unschedulable), static_cast<unsigned long long>(res.bound),
                  static_cast<unsigned long long>(res.events), res.sched_wall_s);
      if (res.scheduled != static_cast<std::uint64_t>(c.pods) || res.bound != static_cast<std::uint64_t>(c.pods) ||
          res.unschedulable != 0) {
        std::fprintf(stderr, "FAILED: %d nodes x %d pods: %llu scheduled, %llu bound, %llu unschedulable (%s)\n",
                     c.nodes, c.pods, static_cast<unsigned long long>(res.scheduled),
                     static_cast<unsigned long long>(res.bound), static_cast<unsigned long long>(res.unschedulable),
                     failure.c_str());
        ok = false;
      }
    }
    std::printf("%7d %7d %6s %11.0f %8.2f %11.0f %11.2f %10llu %9.3f %9.3f %10.3f\n", c.nodes, c.pods, "median",
                median(rate), median(us), median(cpu_rate), median(cpu_us), static_cast<unsigned long long>(scheduled),
                median(cycle_s), median(run_s), median(run_cpu));
  }
  return ok ? 0 : 1;
}
