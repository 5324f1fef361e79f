#include "kubesim/cluster/expectation_checker.hpp"

#include <fmt/format.h>

namespace kubesim::cluster {

using scenario::CheckTime;
using scenario::Expectation;

ExpectationChecker::ExpectationChecker(std::vector<Expectation> expectations)
    : expectations_(std::move(expectations)), states_(expectations_.size()), holding_since_(expectations_.size()) {
  update_next_time();
}

void ExpectationChecker::decide(std::size_t i, base::SimTime now, Measurement m, bool passed) {
  states_[i] = State{true, passed, std::move(m), now};
}

void ExpectationChecker::check(base::SimTime now, const Measure& measure) {
  for (std::size_t i = 0; i < expectations_.size(); ++i) {
    const Expectation& e = expectations_[i];
    if (states_[i].decided || e.when == CheckTime::End || now > e.time || (e.when == CheckTime::At && now < e.time)) {
      continue;
    }
    Measurement m = measure(e);
    bool holds = m.value && scenario::compare(*m.value, e.op, e.value);
    if (e.when == CheckTime::By) {
      // The current streak of checkpoints at which the check held began here (or earlier).
      if (!holds) {
        holding_since_[i].reset();
      } else if (!holding_since_[i]) {
        holding_since_[i] = now;
      }
    }
    if (now == e.time) {
      decide(i, holds && e.when == CheckTime::By ? *holding_since_[i] : now, std::move(m), holds);
    }
  }
  update_next_time();
}

void ExpectationChecker::finish(base::SimTime end, const Measure& measure) {
  for (std::size_t i = 0; i < expectations_.size(); ++i) {
    const Expectation& e = expectations_[i];
    if (states_[i].decided) {
      continue;
    }
    if (e.when != CheckTime::End && e.time > end) {
      Measurement m = measure(e);
      m.note = fmt::format("the run ended at {}, before {}", base::format_duration(end.since_start()),
                           base::format_duration(e.time.since_start()));
      decide(i, end, std::move(m), false);
      continue;
    }
    Measurement m = measure(e);
    bool holds = m.value && scenario::compare(*m.value, e.op, e.value);
    decide(i, end, std::move(m), holds);
  }
  update_next_time();
}

void ExpectationChecker::update_next_time() {
  next_time_ = base::SimTime::max();
  for (std::size_t i = 0; i < expectations_.size(); ++i) {
    if (!states_[i].decided && expectations_[i].when != CheckTime::End) {
      next_time_ = std::min(next_time_, expectations_[i].time);
    }
  }
}

std::vector<metrics::ExpectationResult> ExpectationChecker::results() const {
  std::vector<metrics::ExpectationResult> out;
  out.reserve(expectations_.size());
  for (std::size_t i = 0; i < expectations_.size(); ++i) {
    const Expectation& e = expectations_[i];
    const State& s = states_[i];
    metrics::ExpectationResult& r = out.emplace_back();
    r.check = e.text;
    if (e.when != CheckTime::End) {
      r.check +=
          fmt::format(" {} {}", e.when == CheckTime::At ? "at" : "by", base::format_duration(e.time.since_start()));
    }
    r.name = e.name;
    r.location = e.loc.str();
    r.passed = s.passed;
    if (s.measured.value) {
      r.measured = scenario::format_metric_value(*s.measured.value, scenario::metric_info(e.metric).unit);
    }
    r.measured_at = s.at;
    r.held_since = e.when == CheckTime::By && s.passed;
    r.note = s.measured.note;
  }
  return out;
}

}  // namespace kubesim::cluster
