#pragma once

/// The event record and the list of every event kind in kubesim.
///
/// An Event is a 32-byte trivially copyable record: when it fires, who it is for (`target`, a 32-bit
/// index such as a NodeIndex or a watcher id) and one 32-bit argument (usually a slot in the owner's
/// table). Events carry no pointers and no closures, so the queue never allocates per event and the loop
/// dispatches with one `switch` (see Simulation::run_until and cluster/cluster.cpp).

#include "kubesim/base/time.hpp"

#include <cstdint>
#include <string_view>
#include <type_traits>

namespace kubesim::sim {

using base::Duration;
using base::SimTime;

/// Every kind of event, grouped by the component that handles it. The enumerator order is part of the
/// run fingerprint: append new kinds at the end of their group only when it does not matter, or accept
/// that golden fingerprints change.
enum class EventKind : std::uint16_t {
  None = 0,
  // API server: a request reaches the server (arg: request slot).
  ApiRequest,
  // Watch deliveries and request replies, one kind per consumer (target: consumer-defined index,
  // arg: delivery or reply slot in the API server).
  SchedulerWatch,
  SchedulerReply,
  KubeletWatch,
  KubeletReply,
  // Scheduler: run one scheduling cycle; periodic queue flushes.
  SchedulerCycle,
  SchedulerFlushBackoff,
  SchedulerFlushUnschedulable,
  // Kubelet: the next start-up or run stage of a pod is due (target: node index, arg: pod row).
  KubeletPodStep,
  // Scenario driver: a timeline entry is due (arg: entry index); the next pod of an arrivals
  // generator is due (target: entry index, arg: pod ordinal).
  TimelineAction,
  PodArrival,
  // Scenario driver: reply to one of its sequential create requests (arg: reply slot).
  ScenarioReply,
  // Controller manager: a shared informer's watch event (target: informer index, arg: delivery slot);
  // the reply to a controller's request (target: controller index, arg: reply slot);
  // a controller's work item finished or its work queue's delay timer fired (target: controller
  // index, arg: in-flight slot or kQueueTimer); a controller's own periodic timer (target: controller
  // index, arg: controller-defined).
  ControllerWatch,
  ControllerReply,
  ControllerWake,
  ControllerTimer,
  // API server housekeeping: expire Events whose TTL has passed.
  ApiEventTtl,
  // Kubelet: renew the node Lease / compute node status (target: node index).
  KubeletHeartbeat,
  // kube-proxy: an event of the proxies' shared EndpointSlice watch (arg: delivery slot); the next
  // 100 ms batch of a traffic stream (target: stream index).
  ProxyWatch,
  TrafficTick,
  // Kubelet: the eviction manager's next pass on a node (target: node index).
  KubeletHousekeeping,
  // Kubelet: the periodic image garbage collection check (target: node index). Last so that adding
  // it left the fingerprints of runs without image GC unchanged.
  KubeletImageGc,
};

/// Name of the kind for traces and debugging.
std::string_view event_kind_name(EventKind k);

/// Identifies a scheduled event for cancellation: its sequence number, unique in a run.
using EventId = std::uint64_t;

struct Event {
  SimTime at;
  /// Scheduling order; ties in `at` run in increasing `seq` (first in, first out).
  std::uint64_t seq;
  std::uint32_t target;
  EventKind kind;
  std::uint32_t arg;
};

static_assert(std::is_trivially_copyable_v<Event>);
static_assert(sizeof(Event) <= 32, "Event must stay a compact 32-byte record");

/// Strict (at, seq) ordering.
constexpr bool precedes(const Event& a, const Event& b) { return a.at < b.at || (a.at == b.at && a.seq < b.seq); }

}  // namespace kubesim::sim
