#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/scheduler/plugins/priority_sort.hpp"
#include "kubesim/scheduler/scheduling_queue.hpp"

using namespace kubesim;
using namespace kubesim::base::literals;
using namespace kubesim::scheduler;

namespace {

std::shared_ptr<const api::Pod> pod(std::string name, std::int32_t priority = 0) {
  auto p = std::make_shared<api::Pod>();
  p->metadata.name = std::move(name);
  p->metadata.namespace_ = "default";
  p->spec.priority = priority;
  return p;
}

base::SimTime at(base::Duration d) { return base::SimTime::zero() + d; }

}  // namespace

TEST_CASE("backoff doubles from 1s and caps at 10s", "[scheduler]") {
  PrioritySort sort;
  SchedulerConfig cfg;
  SchedulingQueue q(sort, cfg);
  CHECK(q.backoff_duration(1) == 1_s);
  CHECK(q.backoff_duration(2) == 2_s);
  CHECK(q.backoff_duration(3) == 4_s);
  CHECK(q.backoff_duration(4) == 8_s);
  CHECK(q.backoff_duration(5) == 10_s);
  CHECK(q.backoff_duration(30) == 10_s);
}

TEST_CASE("activeQ pops higher priority first, then first in", "[scheduler]") {
  PrioritySort sort;
  SchedulerConfig cfg;
  SchedulingQueue q(sort, cfg);
  q.add(pod("low", 1), at(0_s));
  q.add(pod("high", 100), at(1_s));
  q.add(pod("low2", 1), at(2_s));
  q.add(pod("high", 100), at(3_s));  // duplicate add is ignored
  CHECK(q.size() == 3);
  CHECK(q.pop()->pod->metadata.name == "high");
  CHECK(q.pop()->pod->metadata.name == "low");
  auto last = q.pop();
  CHECK(last->pod->metadata.name == "low2");
  CHECK(last->attempts == 1);
  CHECK_FALSE(q.pop().has_value());
}

TEST_CASE("unschedulable pods wait for a cluster event, respecting backoff", "[scheduler]") {
  PrioritySort sort;
  SchedulerConfig cfg;
  SchedulingQueue q(sort, cfg);
  q.add(pod("a"), at(0_s));
  q.add(pod("b"), at(0_s));
  auto a = *q.pop();
  auto b = *q.pop();
  q.add_unschedulable(a, at(0_s));
  q.add_unschedulable(b, at(5_s));
  CHECK(q.unschedulable_size() == 2);
  // At 3 s, a's 1 s backoff is over but b's (until 6 s) is not.
  q.move_all_to_active_or_backoff(at(3_s));
  CHECK(q.active_size() == 1);
  CHECK(q.backoff_size() == 1);
  CHECK(q.pop()->pod->metadata.name == "a");
  q.flush_backoff_completed(at(5_s));
  CHECK(q.active_size() == 0);
  q.flush_backoff_completed(at(6_s));
  CHECK(q.active_size() == 1);
}

TEST_CASE("leftover unschedulable pods are retried after 5 minutes", "[scheduler]") {
  PrioritySort sort;
  SchedulerConfig cfg;
  SchedulingQueue q(sort, cfg);
  q.add(pod("a"), at(0_s));
  q.add_unschedulable(*q.pop(), at(0_s));
  q.flush_unschedulable_leftover(at(300_s));
  CHECK(q.unschedulable_size() == 1);  // not longer than 5 min yet
  q.flush_unschedulable_leftover(at(301_s));
  CHECK(q.active_size() == 1);
}

TEST_CASE("a spec change moves an unschedulable pod back; a status change does not", "[scheduler]") {
  PrioritySort sort;
  SchedulerConfig cfg;
  SchedulingQueue q(sort, cfg);
  q.add(pod("a"), at(0_s));
  q.add_unschedulable(*q.pop(), at(0_s));
  auto status_only = std::make_shared<api::Pod>(*pod("a"));
  status_only->status.reason = "x";
  q.update(status_only, at(10_s));
  CHECK(q.unschedulable_size() == 1);
  auto relabelled = std::make_shared<api::Pod>(*pod("a"));
  relabelled->metadata.labels.set("fixed", "yes");
  q.update(relabelled, at(10_s));
  CHECK(q.active_size() == 1);
  q.remove("default/a");
  CHECK(q.size() == 0);
}
