// The classroom view (`kubesim run --trace`): trace lines derived from what Cluster already observes.
// Nothing here feeds back into the model; without attach_trace() none of it runs.

#include "kubesim/cluster/cluster.hpp"
#include "kubesim/cluster/trace_log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace kubesim::cluster {
namespace {

using store::Change;
using store::ChangeType;

// Client identity → trace component: controllers lose their "-controller" suffix, a few take the name
// instructors know them by.
std::string_view component_of(std::string_view client) {
  if (client == "node-controller") {
    return "node-lifecycle";
  }
  if (client == "endpoint-controller") {
    return "endpoints";
  }
  if (client == "generic-garbage-collector") {
    return "garbage-collector";
  }
  if (client == "default-scheduler") {
    return "scheduler";
  }
  constexpr std::string_view kSuffix = "-controller";
  if (client.size() > kSuffix.size() && client.substr(client.size() - kSuffix.size()) == kSuffix) {
    return client.substr(0, client.size() - kSuffix.size());
  }
  return client;
}

std::string object_name(std::string_view ns, std::string_view name) {
  return ns.empty() ? std::string(name) : fmt::format("{}/{}", ns, name);
}

std::string object_name(const api::ObjectMeta& m) { return object_name(m.namespace_, m.name); }

// "1 node", "2 nodes".
std::string count_of(std::int64_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

TraceSubject subject_of(std::string_view component, const Change& c) {
  TraceSubject s;
  s.component = component;
  const api::ObjectMeta& m = c.object.meta();
  s.kind = api::kind_name(c.object.kind);
  s.namespace_ = m.namespace_;
  s.name = m.name;
  if (c.object.kind == api::Kind::Pod) {
    s.pod_namespace = m.namespace_;
    s.pod_name = m.name;
    s.node = c.object.get<api::Pod>().spec.node_name;
  } else if (c.object.kind == api::Kind::Node) {
    s.node = m.name;
  }
  return s;
}

// Writes that repeat every few seconds and change nothing a student would look at: Lease renewals
// and node status reports that only move heartbeat times.
bool is_heartbeat(const Change& c) {
  if (c.object.kind == api::Kind::Lease) {
    return c.type == ChangeType::Modified;
  }
  if (c.object.kind != api::Kind::Node || c.type != ChangeType::Modified || !c.previous) {
    return false;
  }
  const auto& a = c.previous.get<api::Node>();
  const auto& b = c.object.get<api::Node>();
  if (!(a.spec == b.spec) || a.status.conditions.size() != b.status.conditions.size() ||
      a.status.images.size() != b.status.images.size() || a.metadata.labels != b.metadata.labels) {
    return false;
  }
  for (std::size_t i = 0; i < a.status.conditions.size(); ++i) {
    const api::NodeCondition& x = a.status.conditions[i];
    const api::NodeCondition& y = b.status.conditions[i];
    if (x.type != y.type || x.status != y.status || x.reason != y.reason) {
      return false;
    }
  }
  return true;
}

bool deletion_started(const Change& c) {
  const api::ObjectMeta& m = c.object.meta();
  if (c.type == ChangeType::Deleted) {
    // A delete without grace (or the end of a graceful one, which the first write already showed).
    return !m.deletion_timestamp.has_value();
  }
  return c.type == ChangeType::Modified && m.deletion_timestamp && c.previous && !c.previous.meta().deletion_timestamp;
}

std::string verb_text(apiserver::Verb verb, const Change& c) {
  if (c.object.kind == api::Kind::Pod && c.type == ChangeType::Modified && c.previous &&
      c.previous.get<api::Pod>().spec.node_name.empty() && !c.object.get<api::Pod>().spec.node_name.empty()) {
    return "binding";
  }
  if (verb == apiserver::Verb::Delete && c.type == ChangeType::Modified) {
    return "delete (graceful)";
  }
  return std::string(apiserver::verb_name(verb));
}

std::string taint_text(const api::Taint& t) {
  return t.value.empty() ? fmt::format("{}:{}", t.key, api::taint_effect_name(t.effect))
                         : fmt::format("{}={}:{}", t.key, t.value, api::taint_effect_name(t.effect));
}

// One endpoint per pod, by targetRef: (pod namespace/name) → "ready" / "not ready" / "terminating".
using EndpointStates = std::map<std::pair<std::string, std::string>, std::string_view>;

std::string_view endpoint_state(const api::EndpointConditions& c) {
  if (c.terminating.value_or(false)) {
    return "terminating";
  }
  return c.ready.value_or(true) ? "ready" : "not ready";
}

EndpointStates slice_states(const store::ObjectRef& ref) {
  EndpointStates out;
  if (!ref) {
    return out;
  }
  for (const api::Endpoint& ep : ref.get<api::EndpointSlice>().endpoints) {
    if (ep.target_ref && ep.target_ref->kind == "Pod") {
      out.emplace(std::make_pair(ep.target_ref->namespace_, ep.target_ref->name), endpoint_state(ep.conditions));
    }
  }
  return out;
}

EndpointStates endpoints_states(const store::ObjectRef& ref) {
  EndpointStates out;
  if (!ref) {
    return out;
  }
  for (const api::EndpointSubset& s : ref.get<api::Endpoints>().subsets) {
    for (const auto* list : {&s.addresses, &s.not_ready_addresses}) {
      for (const api::EndpointAddress& a : *list) {
        if (a.target_ref && a.target_ref->kind == "Pod") {
          out.emplace(std::make_pair(a.target_ref->namespace_, a.target_ref->name),
                      list == &s.addresses ? "ready" : "not ready");
        }
      }
    }
  }
  return out;
}

}  // namespace

void Cluster::attach_trace(TraceLog& log) {
  trace_ = &log;
  api_.on_change.connect([this](base::SimTime now, apiserver::Verb verb, apiserver::ClientId client,
                                const store::Change& change) { trace_change(now, verb, client, change); });
  scheduler_->on_attempt.connect([this](base::SimTime now, const api::Pod& pod, const scheduler::AttemptResult& r) {
    trace_attempt(now, pod, r);
  });
  proxies_.on_endpoints_changed.connect([this](base::SimTime at, std::string_view ns, std::string_view service,
                                               std::size_t endpoints) { trace_proxies(at, ns, service, endpoints); });
}

void Cluster::trace_change(base::SimTime now, apiserver::Verb verb, apiserver::ClientId client_id,
                           const store::Change& c) {
  TraceLog& log = *trace_;
  if (is_heartbeat(c)) {
    return;
  }
  const std::string& client = api_.client_name(client_id);
  const api::ObjectMeta& meta = c.object.meta();
  if (c.object.kind == api::Kind::Event) {
    trace_event(now, c);
    return;
  }
  // The request path: every accepted write.
  if (TraceSubject s = subject_of("api-server", c); log.wants(s)) {
    std::string where;
    if (verb_text(verb, c) == "binding") {
      where = fmt::format(" to {}", c.object.get<api::Pod>().spec.node_name);
    }
    log.print(now, s,
              fmt::format("accepted {} {} {}{} from {} (rv {})", verb_text(verb, c), api::kind_name(c.object.kind),
                          object_name(meta), where, client, c.rv));
  }

  // What the write means, as the component that made it would say it.
  std::string_view component = component_of(client);
  std::string kubelet_component;
  if (client == "kubelet") {
    std::string_view node =
        c.object.kind == api::Kind::Pod ? std::string_view(c.object.get<api::Pod>().spec.node_name) : meta.name;
    kubelet_component = fmt::format("kubelet/{}", node);
    component = kubelet_component;
  }
  TraceSubject s = subject_of(component, c);
  auto say = [&](std::string_view text) { log.print(now, s, text); };
  if (!log.wants(s)) {
    // Endpoint lines are about other pods than the object itself; check them one by one below.
    if (c.object.kind != api::Kind::EndpointSlice && c.object.kind != api::Kind::Endpoints) {
      return;
    }
  }
  const bool is_user = client == "scenario" || client == "kubectl";
  switch (c.object.kind) {
  case api::Kind::Pod: {
    const auto& pod = c.object.get<api::Pod>();
    const api::Pod* before = c.previous ? &c.previous.get<api::Pod>() : nullptr;
    if (client == "scheduler") {
      if (before != nullptr && before->spec.node_name.empty() && !pod.spec.node_name.empty()) {
        say(fmt::format("bound {} to {}", object_name(meta), pod.spec.node_name));
      } else if (deletion_started(c)) {
        auto by = preemptors_.find({meta.namespace_, meta.name});
        if (by != preemptors_.end()) {
          say(fmt::format("deleted Pod {} (preemption victim of {})", object_name(meta), by->second));
          preemptors_.erase(by);
        } else {
          say(fmt::format("deleted Pod {} (preemption victim)", object_name(meta)));
        }
      } else if (before != nullptr && pod.status.nominated_node_name != before->status.nominated_node_name) {
        say(pod.status.nominated_node_name.empty()
                ? fmt::format("{}: cleared nominated node", object_name(meta))
                : fmt::format("{}: nominated node {} (preemption)", object_name(meta), pod.status.nominated_node_name));
      }
      return;
    }
    if (client == "kubelet" || client == "node-controller") {
      if (c.type == ChangeType::Deleted) {
        say(fmt::format("{}: containers stopped, pod deleted", object_name(meta)));
        return;
      }
      if (before == nullptr) {
        return;
      }
      if (before->status.phase != pod.status.phase) {
        std::string why =
            pod.status.reason.empty() ? std::string() : fmt::format(" ({}: {})", pod.status.reason, pod.status.message);
        say(fmt::format("{}: phase {} -> {}{}", object_name(meta), api::pod_phase_name(before->status.phase),
                        api::pod_phase_name(pod.status.phase), why));
      }
      for (const api::ContainerStatus& cs : pod.status.container_statuses) {
        const api::ContainerStatus* old = nullptr;
        for (const api::ContainerStatus& o : before->status.container_statuses) {
          if (o.name == cs.name) {
            old = &o;
          }
        }
        using StateKind = api::ContainerState::Kind;
        const bool ended_now =
            cs.state.kind == StateKind::Terminated && (old == nullptr || old->state.kind != StateKind::Terminated);
        // A container that restarts (or waits in back-off) reports its end in lastState instead.
        const bool ended_before = !ended_now && cs.last_state.kind == StateKind::Terminated &&
                                  (old == nullptr || !(old->last_state == cs.last_state)) &&
                                  (old == nullptr || old->state.kind != StateKind::Terminated);
        if (ended_now || ended_before) {
          const api::ContainerState& end = ended_now ? cs.state : cs.last_state;
          say(fmt::format("{}: container {} ended ({}, exit code {})", object_name(meta), cs.name, end.reason,
                          end.exit_code));
        }
        if (old != nullptr && cs.restart_count > old->restart_count) {
          say(fmt::format("{}: container {} restarted (restart {})", object_name(meta), cs.name, cs.restart_count));
        }
        if (cs.state.kind == StateKind::Waiting && cs.state.reason == "CrashLoopBackOff" &&
            (old == nullptr || old->state.reason != cs.state.reason)) {
          say(fmt::format("{}: container {} waiting (CrashLoopBackOff)", object_name(meta), cs.name));
        }
      }
      if (before->is_ready() != pod.is_ready()) {
        say(fmt::format("{}: pod {}", object_name(meta), pod.is_ready() ? "Ready" : "not Ready"));
      }
      return;
    }
    if (is_user) {
      return;  // the api-server line and the timeline line say it
    }
    if (c.type == ChangeType::Added) {
      say(fmt::format("created Pod {}", object_name(meta)));
    } else if (deletion_started(c)) {
      say(fmt::format("deleted Pod {}", object_name(meta)));
    }
    return;
  }
  case api::Kind::ReplicaSet: {
    if (is_user) {
      return;
    }
    const auto& rs = c.object.get<api::ReplicaSet>();
    if (c.type == ChangeType::Added) {
      say(fmt::format("created ReplicaSet {} ({})", object_name(meta), count_of(rs.spec.replicas, "replica")));
    } else if (deletion_started(c)) {
      say(fmt::format("deleted ReplicaSet {}", object_name(meta)));
    } else if (c.previous && c.previous.get<api::ReplicaSet>().spec.replicas != rs.spec.replicas) {
      say(fmt::format("scaled ReplicaSet {} from {} to {}", object_name(meta),
                      c.previous.get<api::ReplicaSet>().spec.replicas, count_of(rs.spec.replicas, "replica")));
    }
    return;
  }
  case api::Kind::Node: {
    const auto& node = c.object.get<api::Node>();
    if (c.type == ChangeType::Added) {
      say(fmt::format("registered Node {}", meta.name));
      return;
    }
    if (c.type == ChangeType::Deleted || !c.previous || is_user) {
      return;
    }
    const auto& old = c.previous.get<api::Node>();
    for (const api::Taint& t : node.spec.taints) {
      if (std::find(old.spec.taints.begin(), old.spec.taints.end(), t) == old.spec.taints.end()) {
        say(fmt::format("tainted Node {} with {}", meta.name, taint_text(t)));
      }
    }
    for (const api::Taint& t : old.spec.taints) {
      if (std::find(node.spec.taints.begin(), node.spec.taints.end(), t) == node.spec.taints.end()) {
        say(fmt::format("removed taint {} from Node {}", taint_text(t), meta.name));
      }
    }
    for (const api::NodeCondition& nc : node.status.conditions) {
      auto it = std::find_if(old.status.conditions.begin(), old.status.conditions.end(),
                             [&](const api::NodeCondition& o) { return o.type == nc.type; });
      if (it == old.status.conditions.end() || it->status != nc.status) {
        say(fmt::format("Node {}: {}={} ({})", meta.name, nc.type, api::condition_status_name(nc.status), nc.reason));
      }
    }
    return;
  }
  case api::Kind::EndpointSlice:
  case api::Kind::Endpoints: {
    bool slice = c.object.kind == api::Kind::EndpointSlice;
    EndpointStates now_states;
    EndpointStates old_states;
    if (c.type != ChangeType::Deleted) {
      now_states = slice ? slice_states(c.object) : endpoints_states(c.object);
      old_states = slice ? slice_states(c.previous) : endpoints_states(c.previous);
    } else {
      old_states = slice ? slice_states(c.object) : endpoints_states(c.object);  // every endpoint goes
    }
    const std::string* service = slice ? meta.labels.find(api::kLabelServiceName) : &meta.name;
    std::string svc = object_name(meta.namespace_, service != nullptr ? *service : meta.name);
    std::string holder = fmt::format("{} {}", api::kind_name(c.object.kind), object_name(meta));
    auto about = [&](const std::pair<std::string, std::string>& pod, std::string_view text) {
      TraceSubject p = s;
      p.pod_namespace = pod.first;
      p.pod_name = pod.second;
      log.print(now, p, text);
    };
    for (const auto& [pod, state] : now_states) {
      auto it = old_states.find(pod);
      if (it == old_states.end()) {
        about(pod,
              fmt::format("added {} to Service {} ({}, {})", object_name(pod.first, pod.second), svc, state, holder));
      } else if (it->second != state) {
        about(pod,
              fmt::format("{} in Service {} is now {} ({})", object_name(pod.first, pod.second), svc, state, holder));
      }
    }
    for (const auto& [pod, state] : old_states) {
      if (!now_states.contains(pod)) {
        about(pod, fmt::format("removed {} from Service {} ({})", object_name(pod.first, pod.second), svc, holder));
      }
    }
    return;
  }
  default:
    if (is_user || client == "kubelet") {
      return;
    }
    if (c.type == ChangeType::Added) {
      say(fmt::format("created {} {}", api::kind_name(c.object.kind), object_name(meta)));
    } else if (deletion_started(c)) {
      say(fmt::format("deleted {} {}", api::kind_name(c.object.kind), object_name(meta)));
    }
    return;
  }
}

void Cluster::trace_event(base::SimTime now, const store::Change& c) {
  if (c.type == ChangeType::Deleted) {
    return;
  }
  const auto& ev = c.object.get<api::Event>();
  if (c.previous && c.previous.get<api::Event>().count >= ev.count) {
    return;  // not a new occurrence
  }
  // These repeat what the trace already shows from the writes themselves.
  static constexpr std::string_view kShownElsewhere[] = {"Scheduled", "FailedScheduling", "SuccessfulCreate",
                                                         "SuccessfulDelete", "ScalingReplicaSet"};
  if (std::find(std::begin(kShownElsewhere), std::end(kShownElsewhere), ev.reason) != std::end(kShownElsewhere)) {
    return;
  }
  std::string_view source = ev.source.component.empty() ? ev.reporting_controller : ev.source.component;
  std::string component = source == "kubelet" && !ev.source.host.empty() ? fmt::format("kubelet/{}", ev.source.host)
                                                                         : std::string(component_of(source));
  const api::ObjectReference& o = ev.involved_object;
  TraceSubject s;
  s.component = component;
  s.kind = o.kind;
  s.namespace_ = o.namespace_;
  s.name = o.name;
  s.node = o.kind == "Node" ? std::string_view(o.name) : std::string_view(ev.source.host);
  store::ObjectRef pod;  // keeps the node name alive while s points at it
  if (o.kind == "Pod") {
    s.pod_namespace = o.namespace_;
    s.pod_name = o.name;
    // A controller's Event about a pod (NodeNotReady, TaintManagerEviction, Preempted) has no host:
    // the line is about the node the pod is bound to.
    pod = api_.store().get(api::Kind::Pod, o.namespace_, o.name);
    if (pod && !pod.get<api::Pod>().spec.node_name.empty()) {
      s.node = pod.get<api::Pod>().spec.node_name;
    }
  }
  if (!trace_->wants(s)) {
    return;
  }
  std::string object = o.kind == "Pod" ? object_name(o.namespace_, o.name) : fmt::format("{} {}", o.kind, o.name);
  trace_->print(now, s,
                ev.type == api::kEventTypeWarning ? fmt::format("{}: {} (Warning {})", object, ev.message, ev.reason)
                                                  : fmt::format("{}: {} ({})", object, ev.message, ev.reason));
}

void Cluster::trace_attempt(base::SimTime now, const api::Pod& pod, const scheduler::AttemptResult& r) {
  // The victims' delete writes come later; they are traced with the preemptor's name (the Preempted
  // Event names it only by uid, as upstream's does).
  for (const auto& victim : r.victims) {
    preemptors_[{victim->metadata.namespace_, victim->metadata.name}] = object_name(pod.metadata);
  }
  TraceSubject s;
  s.component = "scheduler";
  s.kind = "Pod";
  s.namespace_ = pod.metadata.namespace_;
  s.name = pod.metadata.name;
  s.pod_namespace = pod.metadata.namespace_;
  s.pod_name = pod.metadata.name;
  s.node = r.node;
  if (!trace_->wants(s)) {
    return;
  }
  std::string text = fmt::format("{}: ", object_name(pod.metadata));
  if (r.rejections == nullptr && !r.node.empty()) {
    text += fmt::format("placed on {} by the batch policy", r.node);
    trace_->print(now, s, text);
    return;
  }
  fmt::format_to(std::back_inserter(text), "{} evaluated, {} feasible", count_of(r.nodes_evaluated, "node"),
                 r.nodes_feasible);
  if (r.rejections != nullptr && !r.rejections->empty() && !r.node.empty()) {
    text += " (";
    bool first = true;
    for (const auto& [reason, nodes] : *r.rejections) {
      fmt::format_to(std::back_inserter(text), "{}{} {}", first ? "" : ", ", nodes, reason);
      first = false;
    }
    text += ")";
  }
  if (!r.node.empty()) {
    if (r.nodes_scored > 0) {
      fmt::format_to(std::back_inserter(text), ", scored {}, chose {} (score {})", r.nodes_scored, r.node, r.score);
    } else {
      fmt::format_to(std::back_inserter(text), ", chose {}", r.node);
    }
  } else if (r.nodes_feasible > 0) {
    fmt::format_to(std::back_inserter(text), "; reserve failed: {}", r.message);
  } else {
    fmt::format_to(std::back_inserter(text), ": {}", r.message);
    if (!r.nominated_node.empty()) {
      fmt::format_to(std::back_inserter(text), "; preemption nominated {}", r.nominated_node);
      for (std::size_t i = 0; i < r.victims.size(); ++i) {
        fmt::format_to(std::back_inserter(text), "{}{}", i == 0 ? ", victims " : ", ",
                       object_name(r.victims[i]->metadata));
      }
    }
  }
  trace_->print(now, s, text);
}

void Cluster::trace_timeline(base::SimTime now, const scenario::TimelineAction& action) {
  TraceSubject s;
  s.component = "timeline";
  std::vector<std::string> nodes;
  bool listed = false;  // the action's own words name its nodes
  if (const auto* a = std::get_if<scenario::NodeAction>(&action)) {
    nodes = select_nodes(a->target);  // a pool or zone selector: its nodes at this moment
    listed = !a->target.nodes.empty();
  } else if (const auto* add = std::get_if<scenario::AddNodesAction>(&action)) {
    // The names add_nodes will hand out (it runs right after this line).
    for (std::size_t p = 0; p < spec_.cluster.node_pools.size(); ++p) {
      if (spec_.cluster.node_pools[p].name == add->pool) {
        for (std::int32_t k = 0; k < add->count; ++k) {
          nodes.push_back(fmt::format("{}-{}", add->pool, pool_nodes_[p].next_index + k));
        }
      }
    }
  } else if (const auto* remove = std::get_if<scenario::RemoveNodesAction>(&action)) {
    // remove_nodes takes the highest-numbered nodes that still exist, highest first.
    for (std::size_t p = 0; p < spec_.cluster.node_pools.size(); ++p) {
      if (spec_.cluster.node_pools[p].name == remove->pool) {
        const std::vector<std::int32_t>& live = pool_nodes_[p].live;
        for (std::size_t k = 0; k < live.size() && k < static_cast<std::size_t>(remove->count); ++k) {
          nodes.push_back(fmt::format("{}-{}", remove->pool, live[live.size() - 1 - k]));
        }
      }
    }
  }
  if (!nodes.empty()) {
    s.kind = "Node";
  }
  s.nodes = nodes;
  if (!trace_->wants(s)) {
    return;
  }
  std::string text = describe_action(action);
  if (!listed && !nodes.empty()) {
    text += " (";
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      text += i == 0 ? nodes[i] : ", " + nodes[i];
    }
    text += ")";
  }
  trace_->print(now, s, text);
}

void Cluster::trace_proxies(base::SimTime at, std::string_view ns, std::string_view service, std::size_t endpoints) {
  for (node::NodeIndex n = 0; n < proxies_.proxy_count(); ++n) {
    base::SimTime when = proxies_.programmed_at(n, at);
    if (when == base::SimTime::max()) {
      continue;  // disconnected: it re-lists when it is back, which a later change will show
    }
    const std::string& node = nodes_.pool().name(n);
    std::string component = fmt::format("kube-proxy/{}", node);
    TraceSubject s;
    s.component = component;
    s.node = node;
    s.kind = "Service";
    s.namespace_ = ns;
    s.name = service;
    if (!trace_->wants(s)) {
      continue;
    }
    trace_->print_later(when, s,
                        fmt::format("programmed Service {}: {} endpoint{}", object_name(ns, service), endpoints,
                                    endpoints == 1 ? "" : "s"));
  }
}

}  // namespace kubesim::cluster
