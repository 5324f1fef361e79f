#pragma once

/// core/v1 Event: what a component reports about an object ("Scheduled", "FailedScheduling",
/// "SuccessfulCreate", "NodeNotReady", ...). Components create them through their EventRecorder
/// (client/event_recorder.hpp), which deduplicates repeats into `count` as client-go's EventCorrelator
/// does.

#include "kubesim/api/object_meta.hpp"

#include <string>

namespace kubesim::api {

/// core/v1 ObjectReference: the object an Event is about.
struct ObjectReference {
  std::string kind;
  std::string namespace_;
  std::string name;
  std::string uid;
  std::string api_version;
  bool operator==(const ObjectReference&) const = default;
};

/// core/v1 EventSource.
struct EventSource {
  std::string component;  // "default-scheduler", "kubelet", "replicaset-controller", ...
  std::string host;       // the node, for kubelet events
  bool operator==(const EventSource&) const = default;
};

inline constexpr std::string_view kEventTypeNormal = "Normal";
inline constexpr std::string_view kEventTypeWarning = "Warning";

struct Event {
  ObjectMeta metadata;
  ObjectReference involved_object;
  std::string reason;
  std::string message;
  std::string type;  // Normal or Warning
  EventSource source;
  SimTime first_timestamp;
  SimTime last_timestamp;
  std::int32_t count = 1;
  std::string reporting_controller;
  std::string reporting_instance;
};

}  // namespace kubesim::api
