#pragma once

/// TraceFilter: which lines of `kubesim run --trace` to print (`--trace-filter`).
///
/// The filter is comma-separated `key=value` terms. Keys:
///   - `pod=GLOB`: lines about a pod whose name, or namespace/name, matches (`web-*`, `default/web-?`);
///   - `component=NAME`: lines of that component (api-server, scheduler, deployment, replicaset,
///     kubelet, kube-proxy, endpoints, endpointslice, node-lifecycle, taint-eviction, ..., timeline);
///     `kubelet` matches every `kubelet/<node>` line and `kube-proxy` every `kube-proxy/<node>` line;
///   - `node=GLOB`: lines about a node (a kubelet's or kube-proxy's own node, the node a pod is bound
///     to, also for Events about the pod, a Node object, the nodes a timeline action names);
///   - `kind=KIND`: lines about an object of that kind (Pod, Deployment, EndpointSlice, ...; any case).
/// Terms with the same key are alternatives (OR); terms with different keys must all hold (AND). A glob
/// has `*` (any run of characters) and `?` (one character); NAME may be a glob too. An empty filter
/// matches every line.
///
/// Parsing is strict: an unknown key, a term without `=`, an empty value, an unknown component or kind
/// is an error with a message and a hint, reported by the CLI as bad input (exit 2).

#include "kubesim/base/expected.hpp"

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::cluster {

/// What one trace line is about; empty fields are "not applicable". Views are valid for one call.
struct TraceSubject {
  /// "api-server", "scheduler", "kubelet/worker-1", ...
  std::string_view component;
  /// The node the line concerns: a kubelet's or kube-proxy's own node, the node a pod is bound to
  /// (Events about a pod included), a Node object.
  std::string_view node;
  /// Further nodes the line concerns (a timeline action that names several nodes); `node=` matches
  /// when it matches `node` or any of these.
  std::span<const std::string> nodes;
  /// The object's kind name ("Pod") and namespace/name.
  std::string_view kind;
  std::string_view namespace_;
  std::string_view name;
  /// The pod the line concerns (the object itself for Pod lines, the endpoint's pod for endpoint lines).
  std::string_view pod_namespace;
  std::string_view pod_name;
};

/// A parse error: what is wrong, and how to write it instead.
struct TraceFilterError {
  std::string message;
  std::string hint;
};

/// True when `text` matches the glob `pattern` (`*`: any run of characters, `?`: one character; no
/// escapes). Linear time in practice (greedy star with backtracking to the last star).
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view text);

/// The component names a trace prints (without the `/<node>` of kubelet and kube-proxy lines).
[[nodiscard]] const std::vector<std::string_view>& trace_components();

class TraceFilter {
 public:
  /// The filter that matches everything.
  TraceFilter() = default;
  /// Parses `--trace-filter` text (see the file comment).
  static base::Expected<TraceFilter, TraceFilterError> parse(std::string_view text);

  /// True when no term was given.
  [[nodiscard]] bool empty() const;
  /// True when `s` passes every key's terms. O(terms × length of the fields).
  [[nodiscard]] bool matches(const TraceSubject& s) const;

 private:
  enum Key : std::size_t { kPod, kComponent, kNode, kKind, kKeyCount };
  std::array<std::vector<std::string>, kKeyCount> terms_;
};

}  // namespace kubesim::cluster
