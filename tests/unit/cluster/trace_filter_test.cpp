#include "support/catch.hpp"

#include "kubesim/cluster/trace_filter.hpp"

#include <string>
#include <vector>

using namespace kubesim;
using cluster::TraceFilter;
using cluster::TraceSubject;

namespace {

TraceFilter parse_ok(std::string_view text) {
  auto f = TraceFilter::parse(text);
  REQUIRE(f.has_value());
  return std::move(f.value());
}

cluster::TraceFilterError parse_error(std::string_view text) {
  auto f = TraceFilter::parse(text);
  REQUIRE_FALSE(f.has_value());
  return f.error();
}

TraceSubject pod_line(std::string_view component, std::string_view name, std::string_view node = "") {
  TraceSubject s;
  s.component = component;
  s.kind = "Pod";
  s.namespace_ = "default";
  s.name = name;
  s.pod_namespace = "default";
  s.pod_name = name;
  s.node = node;
  return s;
}

}  // namespace

TEST_CASE("glob_match: * and ? against whole strings", "[cluster]") {
  using cluster::glob_match;
  CHECK(glob_match("web-*", "web-7c9f5-abcde"));
  CHECK(glob_match("*", ""));
  CHECK(glob_match("", ""));
  CHECK_FALSE(glob_match("", "a"));
  CHECK(glob_match("web-?", "web-1"));
  CHECK_FALSE(glob_match("web-?", "web-12"));
  CHECK(glob_match("*-abc*", "web-7c9f5-abcde"));
  CHECK(glob_match("a*b*c", "aXbYbZc"));
  CHECK_FALSE(glob_match("a*b*c", "aXbYbZ"));
  CHECK_FALSE(glob_match("web", "web-1"));
  CHECK(glob_match("**x", "abx"));
}

TEST_CASE("an empty filter matches everything", "[cluster]") {
  TraceFilter f;
  CHECK(f.empty());
  CHECK(f.matches(pod_line("scheduler", "web-1")));
  CHECK(f.matches(TraceSubject{}));
}

TEST_CASE("pod= matches the pod's name or namespace/name, never lines without a pod", "[cluster]") {
  TraceFilter f = parse_ok("pod=web-*");
  CHECK_FALSE(f.empty());
  CHECK(f.matches(pod_line("scheduler", "web-1")));
  CHECK_FALSE(f.matches(pod_line("scheduler", "batch-1")));
  TraceSubject timeline;
  timeline.component = "timeline";
  CHECK_FALSE(f.matches(timeline));
  CHECK(parse_ok("pod=default/web-?").matches(pod_line("kubelet/n-0", "web-1")));
  CHECK_FALSE(parse_ok("pod=kube-system/*").matches(pod_line("kubelet/n-0", "web-1")));
}

TEST_CASE("component= matches exactly, kubelet and kube-proxy cover their per-node lines", "[cluster]") {
  TraceFilter f = parse_ok("component=kubelet");
  CHECK(f.matches(pod_line("kubelet/worker-1", "a")));
  CHECK_FALSE(f.matches(pod_line("kube-proxy/worker-1", "a")));
  CHECK_FALSE(f.matches(pod_line("scheduler", "a")));
  CHECK(parse_ok("component=kube-proxy").matches(pod_line("kube-proxy/worker-1", "a")));
  CHECK(parse_ok("component=kubelet/worker-1").matches(pod_line("kubelet/worker-1", "a")));
  CHECK_FALSE(parse_ok("component=kubelet/worker-1").matches(pod_line("kubelet/worker-10", "a")));
  CHECK(parse_ok("component=replica*").matches(pod_line("replicaset", "a")));
  CHECK_FALSE(parse_ok("component=scheduler").matches(pod_line("api-server", "a")));
}

TEST_CASE("node= and kind= filter on the line's node and object kind", "[cluster]") {
  CHECK(parse_ok("node=worker-?").matches(pod_line("kubelet/worker-1", "a", "worker-1")));
  CHECK_FALSE(parse_ok("node=worker-?").matches(pod_line("api-server", "a")));  // no node yet
  CHECK(parse_ok("kind=pod").matches(pod_line("api-server", "a")));
  CHECK(parse_ok("kind=Pod").matches(pod_line("api-server", "a")));
  TraceSubject rs;
  rs.component = "deployment";
  rs.kind = "ReplicaSet";
  CHECK(parse_ok("kind=replicaset").matches(rs));
  CHECK_FALSE(parse_ok("kind=Pod").matches(rs));
}

TEST_CASE("node= matches any of the nodes a timeline action names", "[cluster]") {
  const std::vector<std::string> nodes = {"worker-1", "worker-2"};
  TraceSubject partition;
  partition.component = "timeline";
  partition.nodes = nodes;
  CHECK(parse_ok("node=worker-2").matches(partition));
  CHECK(parse_ok("node=worker-1,component=timeline").matches(partition));
  CHECK_FALSE(parse_ok("node=worker-3").matches(partition));
  TraceSubject none;
  none.component = "timeline";
  CHECK_FALSE(parse_ok("node=*").matches(none));
}

TEST_CASE("different keys AND together, repeated keys OR", "[cluster]") {
  TraceFilter f = parse_ok("component=scheduler,component=kubelet,pod=web-*");
  CHECK(f.matches(pod_line("scheduler", "web-1")));
  CHECK(f.matches(pod_line("kubelet/n-0", "web-2")));
  CHECK_FALSE(f.matches(pod_line("api-server", "web-1")));   // component fails
  CHECK_FALSE(f.matches(pod_line("scheduler", "batch-1")));  // pod fails
  TraceFilter g = parse_ok("pod=a,pod=b");
  CHECK(g.matches(pod_line("scheduler", "a")));
  CHECK(g.matches(pod_line("scheduler", "b")));
  CHECK_FALSE(g.matches(pod_line("scheduler", "c")));
}

TEST_CASE("bad filter syntax is an error with a hint", "[cluster]") {
  auto e = parse_error("");
  CHECK(e.message == "the filter is empty");
  CHECK(e.hint == "keys are pod, component, node and kind, e.g. pod=web-*,component=scheduler");

  e = parse_error("web-*");
  CHECK(e.message == "term 'web-*' is not key=value");
  CHECK(e.hint == "keys are pod, component, node and kind, e.g. pod=web-*,component=scheduler");

  e = parse_error("pods=web-*");
  CHECK(e.message == "unknown key 'pods'");

  e = parse_error("pod=");
  CHECK(e.message == "term 'pod=' has no value");
  CHECK(e.hint == "give a value, e.g. pod=web-*");

  e = parse_error("pod=a,,node=b");
  CHECK(e.message == "empty term");
  CHECK(parse_error("pod=a,").message == "empty term");

  e = parse_error("component=schedular");
  CHECK(e.message == "unknown component 'schedular'");
  CHECK(e.hint.find("components are api-server, scheduler, ") == 0);
  CHECK(parse_error("component=kubelet/").message == "unknown component 'kubelet/'");

  e = parse_error("kind=Pods");
  CHECK(e.message == "unknown kind 'Pods'");
  CHECK(e.hint.find("kinds are Node, Pod, ") == 0);
}
