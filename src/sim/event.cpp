#include "kubesim/sim/event.hpp"

namespace kubesim::sim {

std::string_view event_kind_name(EventKind k) {
  switch (k) {
  case EventKind::None:
    return "None";
  case EventKind::ApiRequest:
    return "ApiRequest";
  case EventKind::SchedulerWatch:
    return "SchedulerWatch";
  case EventKind::SchedulerReply:
    return "SchedulerReply";
  case EventKind::KubeletWatch:
    return "KubeletWatch";
  case EventKind::KubeletReply:
    return "KubeletReply";
  case EventKind::SchedulerCycle:
    return "SchedulerCycle";
  case EventKind::SchedulerFlushBackoff:
    return "SchedulerFlushBackoff";
  case EventKind::SchedulerFlushUnschedulable:
    return "SchedulerFlushUnschedulable";
  case EventKind::KubeletPodStep:
    return "KubeletPodStep";
  case EventKind::TimelineAction:
    return "TimelineAction";
  case EventKind::PodArrival:
    return "PodArrival";
  case EventKind::ScenarioReply:
    return "ScenarioReply";
  case EventKind::ControllerWatch:
    return "ControllerWatch";
  case EventKind::ControllerReply:
    return "ControllerReply";
  case EventKind::ControllerWake:
    return "ControllerWake";
  case EventKind::ControllerTimer:
    return "ControllerTimer";
  case EventKind::ApiEventTtl:
    return "ApiEventTtl";
  case EventKind::KubeletHeartbeat:
    return "KubeletHeartbeat";
  case EventKind::ProxyWatch:
    return "ProxyWatch";
  case EventKind::TrafficTick:
    return "TrafficTick";
  case EventKind::KubeletHousekeeping:
    return "KubeletHousekeeping";
  case EventKind::KubeletImageGc:
    return "KubeletImageGc";
  }
  return "Unknown";
}

}  // namespace kubesim::sim
