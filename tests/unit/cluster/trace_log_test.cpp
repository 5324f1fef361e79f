#include "support/catch.hpp"

#include "kubesim/cluster/trace_log.hpp"

using namespace kubesim;
using namespace kubesim::base::literals;
using cluster::TraceLog;
using cluster::TraceSubject;

namespace {

base::SimTime at(base::Duration d) { return base::SimTime::zero() + d; }

TraceSubject component(std::string_view c) {
  TraceSubject s;
  s.component = c;
  return s;
}

}  // namespace

TEST_CASE("trace lines: millisecond timestamps and a padded component column", "[cluster]") {
  TraceLog log(nullptr);
  log.print(at(0_s), component("api-server"), "accepted create Pod default/a from scenario (rv 3)");
  log.print(at(2_s + 105_ms), component("kubelet/worker-1"), "default/a: pod Ready");
  log.print(at(1234_s + 5_ms + 999'999_ns), component("timeline"), "crashNode worker-1");
  CHECK(log.text() == "[   0.000s] api-server      accepted create Pod default/a from scenario (rv 3)\n"
                      "[   2.105s] kubelet/worker-1 default/a: pod Ready\n"
                      "[1234.005s] timeline        crashNode worker-1\n");
  CHECK(log.lines() == 3);
}

TEST_CASE("deferred lines come out in time order before later lines, or at finish", "[cluster]") {
  TraceLog log(nullptr);
  log.print_later(at(3_s), component("kube-proxy/b"), "second");
  log.print_later(at(2_s), component("kube-proxy/a"), "first");
  log.print_later(at(3_s), component("kube-proxy/c"), "third (same time, later call)");
  log.print_later(at(90_s), component("kube-proxy/d"), "after the horizon");
  log.print(at(1_s), component("scheduler"), "now");
  log.print(at(3_s), component("scheduler"), "at 3 s, after the lines due then");
  log.finish(at(60_s));
  CHECK(log.text() == "[   1.000s] scheduler       now\n"
                      "[   2.000s] kube-proxy/a    first\n"
                      "[   3.000s] kube-proxy/b    second\n"
                      "[   3.000s] kube-proxy/c    third (same time, later call)\n"
                      "[   3.000s] scheduler       at 3 s, after the lines due then\n");
}

TEST_CASE("the filter applies to printed and deferred lines", "[cluster]") {
  auto f = cluster::TraceFilter::parse("component=kube-proxy");
  REQUIRE(f.has_value());
  TraceLog log(nullptr, std::move(f.value()));
  CHECK_FALSE(log.wants(component("scheduler")));
  CHECK(log.wants(component("kube-proxy/a")));
  log.print(at(1_s), component("scheduler"), "hidden");
  log.print_later(at(2_s), component("kube-proxy/a"), "shown");
  log.print_later(at(2_s), component("kubelet/a"), "hidden");
  log.finish(at(10_s));
  CHECK(log.text() == "[   2.000s] kube-proxy/a    shown\n");
}

TEST_CASE("a trace to a file is buffered and complete after finish", "[cluster]") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  {
    TraceLog log(f);
    for (int i = 0; i < 5000; ++i) {
      log.print(at(1_s), component("scheduler"), "a line long enough to fill the 64 KiB buffer more than once");
    }
    log.finish(at(1_s));
    CHECK(log.text().empty());  // everything went out
  }
  long size = std::ftell(f);
  std::fclose(f);
  CHECK(size == 5000L * static_cast<long>(
                            std::string_view("[   1.000s] scheduler       ").size() +
                            std::string_view("a line long enough to fill the 64 KiB buffer more than once\n").size()));
}
