// MinCostFlow benchmark (docs/policies.md), two parts:
//
//  1. solver: MinCostFlow::assign alone on a 5,000-node snapshot (4 CPU / 32Gi / 110 pods, a random
//     load of 0..20 pods of 100m / 500Mi each) for a batch of 256 pods grouped as 1 class of 256,
//     16 classes of 16 and 256 classes of 1. Each class gets 500 feasible nodes with seeded random
//     scores, as the batch cycle would hand over at 5,000 nodes (numFeasibleNodesToFind = 500).
//  2. end to end: the real Scheduler through the API server, as scheduler_throughput_bench drives it
//     (5,000 nodes, 10,000 pods of scheduler_perf's pod-default shape, or of 8 shapes in turn), with
//     the default profile and with a MinCostFlow profile (batchSize 256). Reported: pods per
//     wall-clock second spent inside SchedulerCycle dispatches, and the pods per cycle.
//
// Wall-clock figures go to stdout; the machine is shared, so take the median of --reps runs.

#include "kubesim/apiserver/api_server.hpp"
#include "kubesim/client/client.hpp"
#include "kubesim/scheduler/plugins/min_cost_flow.hpp"
#include "kubesim/scheduler/scheduler.hpp"
#include "kubesim/sim/simulation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace api = kubesim::api;
namespace sched = kubesim::scheduler;
using kubesim::base::SimTime;
using kubesim::sim::Event;
using kubesim::sim::EventKind;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kGi = 1024LL * 1024 * 1024;
constexpr std::int64_t kMi = 1024LL * 1024;
constexpr std::int32_t kNodes = 5'000;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

api::Node make_node(std::int32_t i) {
  api::Node n;
  n.metadata.name = fmt::format("node-{}", i);
  n.metadata.labels.set(std::string(api::kLabelHostname), n.metadata.name);
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

// `shapes` > 1: pod i asks for (100 + 50·(i % shapes))m and 500Mi, so a batch holds `shapes` classes.
api::Pod make_pod(std::int32_t i, std::int32_t shapes) {
  api::Pod p;
  p.metadata.name = fmt::format("pod-{}", i);
  p.metadata.namespace_ = "default";
  api::Container c;
  c.name = "pause";
  c.image = "registry.k8s.io/pause:3.10";
  c.resources.requests.set(std::string(api::kResourceCpu), 100 + 50 * (i % shapes));
  c.resources.requests.set(std::string(api::kResourceMemory), 500 * kMi);
  p.spec.containers.push_back(std::move(c));
  return p;
}

// --- 1. the solver alone -----------------------------------------------------------------------------

void bench_solver(int reps) {
  sched::Snapshot snapshot;
  kubesim::base::Rng rng(7);
  for (std::int32_t i = 0; i < kNodes; ++i) {
    sched::NodeInfo& n = snapshot.upsert_node(std::make_shared<const api::Node>(make_node(i)));
    const auto load = static_cast<std::int32_t>(rng.uniform_below(21));
    for (std::int32_t k = 0; k < load; ++k) {
      n.add_pod(sched::PodInfo::from(std::make_shared<const api::Pod>(make_pod(k, 1))));
    }
  }
  const auto nodes = snapshot.nodes();
  fmt::print("solver: MinCostFlow::assign, {} nodes, batch of 256 pods, 500 candidates per class\n", kNodes);
  fmt::print("  {:>18} {:>10} {:>10} {:>10} {:>12} {:>12}\n", "classes x pods", "vertices", "arcs", "placed",
             "median ms", "pods/s");
  for (const auto& [classes, per_class] : {std::pair{1, 256}, std::pair{16, 16}, std::pair{256, 1}}) {
    std::vector<sched::PodInfo> pods;
    std::vector<std::vector<const sched::NodeInfo*>> cand(static_cast<std::size_t>(classes));
    std::vector<std::vector<std::int64_t>> scores(static_cast<std::size_t>(classes));
    pods.reserve(static_cast<std::size_t>(classes));
    for (std::int32_t c = 0; c < classes; ++c) {
      pods.push_back(sched::PodInfo::from(std::make_shared<const api::Pod>(make_pod(c, classes))));
      // 500 consecutive nodes from a per-class start, as the round-robin filter hands them over.
      const auto start = static_cast<std::size_t>(c) * 500 % nodes.size();
      for (std::size_t k = 0; k < 500; ++k) {
        cand[static_cast<std::size_t>(c)].push_back(nodes[(start + k) % nodes.size()]);
        scores[static_cast<std::size_t>(c)].push_back(static_cast<std::int64_t>(rng.uniform_below(701)));
      }
    }
    std::vector<sched::BatchClass> batch;
    for (std::size_t c = 0; c < pods.size(); ++c) {
      batch.push_back(sched::BatchClass{&pods[c], per_class, cand[c], scores[c]});
    }
    std::vector<const sched::NodeInfo*> placements(256);
    sched::MinCostFlow plugin{sched::MinCostFlowArgs{}};
    std::vector<double> ms;
    for (int r = 0; r < reps; ++r) {
      const Clock::time_point t0 = Clock::now();
      (void)plugin.assign(batch, 700, placements);
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    const double m = median(ms);
    const auto& st = plugin.last_stats();
    fmt::print("  {:>18} {:>10} {:>10} {:>10} {:>12.2f} {:>12.0f}\n", fmt::format("{} x {}", classes, per_class),
               st.vertices, st.arcs, st.placed, m, 256.0 / (m / 1000.0));
  }
}

// --- 2. end to end -----------------------------------------------------------------------------------

struct EndToEnd {
  double cycle_wall_s = 0;
  std::uint64_t cycles = 0;
  std::uint64_t scheduled = 0;
  std::uint64_t failed = 0;
};

class Run {
 public:
  Run(const sched::ProfileConfig& profile, std::int32_t pods, std::int32_t shapes)
      : pods_(pods), shapes_(shapes), sim_(1), api_(sim_, kubesim::apiserver::ApiServerConfig{}),
        creator_(api_, "bench", kubesim::client::Endpoint{EventKind::ScenarioReply, 0}) {
    auto s = sched::Scheduler::create(sim_, api_, sched::SchedulerConfig{}, {profile});
    if (!s) {
      std::fprintf(stderr, "scheduler: %s\n", s.error().c_str());
      std::exit(1);
    }
    scheduler_ = std::move(s.value());
    scheduler_->on_attempt.connect([this](SimTime, const api::Pod&, const sched::AttemptResult& r) {
      ++(r.node.empty() ? result_.failed : result_.scheduled);
    });
    sim_.reserve_events(static_cast<std::size_t>(kNodes + pods) * 4 + 1024);
  }
  EndToEnd run() {
    scheduler_->start();
    for (std::int32_t i = 0; i < kNodes; ++i) {
      creator_.create(api::AnyObject(make_node(i)));
    }
    for (std::int32_t i = 0; i < pods_; ++i) {
      creator_.create(api::AnyObject(make_pod(i, shapes_)));
    }
    sim_.run_until(SimTime::max(), *this);
    return result_;
  }
  void dispatch(const Event& e) {
    switch (e.kind) {
    case EventKind::ApiRequest:
      api_.handle_request(e.arg);
      break;
    case EventKind::SchedulerWatch:
      scheduler_->handle_watch(e.target, e.arg);
      break;
    case EventKind::SchedulerReply:
      scheduler_->handle_reply(e.arg);
      break;
    case EventKind::SchedulerCycle: {
      const Clock::time_point a = Clock::now();
      scheduler_->run_cycle();
      result_.cycle_wall_s += std::chrono::duration<double>(Clock::now() - a).count();
      ++result_.cycles;
      break;
    }
    case EventKind::SchedulerFlushBackoff:
      scheduler_->flush_backoff();
      break;
    case EventKind::SchedulerFlushUnschedulable:
      scheduler_->flush_unschedulable();
      break;
    case EventKind::ScenarioReply:
      (void)creator_.take_reply(e.arg);
      break;
    default:
      std::fprintf(stderr, "unexpected event\n");
      std::exit(1);
    }
  }

 private:
  std::int32_t pods_;
  std::int32_t shapes_;
  kubesim::sim::Simulation sim_;
  kubesim::apiserver::ApiServer api_;
  kubesim::client::Client creator_;
  std::unique_ptr<sched::Scheduler> scheduler_;
  EndToEnd result_;
};

sched::ProfileConfig batch_profile(std::int32_t load_cost) {
  sched::ProfileConfig p;
  p.at(sched::ExtensionPoint::MultiPoint).enabled.push_back({std::string(sched::MinCostFlow::kName), 0});
  sched::MinCostFlowArgs args;
  args.load_cost = load_cost;
  p.plugin_config.emplace(std::string(sched::MinCostFlow::kName), args);
  return sched::merge_with_defaults(p);
}

bool bench_end_to_end(int reps, std::int32_t pods) {
  fmt::print("end to end: Scheduler, {} nodes, {} pods, pods per wall-second inside scheduling cycles\n", kNodes, pods);
  fmt::print("  {:<32} {:>7} {:>10} {:>12} {:>12} {:>10}\n", "profile", "shapes", "cycles", "median s", "pods/s",
             "scheduled");
  bool ok = true;
  struct Variant {
    std::string_view name;
    sched::ProfileConfig profile;
  };
  const std::vector<Variant> variants = {{"default", sched::default_profile()},
                                         {"MinCostFlow batchSize 256", batch_profile(0)},
                                         {"MinCostFlow + loadCost 10", batch_profile(10)}};
  for (const std::int32_t shapes : {1, 8}) {
    for (const Variant& v : variants) {
      std::vector<double> secs;
      EndToEnd last;
      for (int r = 0; r < reps; ++r) {
        Run run(v.profile, pods, shapes);
        last = run.run();
        secs.push_back(last.cycle_wall_s);
        ok = ok && last.scheduled == static_cast<std::uint64_t>(pods);
      }
      const double s = median(secs);
      fmt::print("  {:<32} {:>7} {:>10} {:>12.3f} {:>12.0f} {:>10}\n", v.name, shapes, last.cycles, s,
                 static_cast<double>(pods) / s, last.scheduled);
    }
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 3;
  std::int32_t pods = 10'000;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--quick") {
      reps = 1;
      pods = 2'560;
    } else if (a == "--reps" && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fputs("usage: min_cost_flow_bench [--reps R] [--quick]\n", a == "-h" || a == "--help" ? stdout : stderr);
      return a == "-h" || a == "--help" ? 0 : 2;
    }
  }
  bench_solver(std::max(reps, 5));
  return bench_end_to_end(reps, pods) ? 0 : 1;
}
