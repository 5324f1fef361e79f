#pragma once

/// EventLog: events.jsonl (`kubesim run --out DIR`), one JSON line per event in simulated-time order:
///
///   - every Kubernetes Event occurrence (an Event created, or its count raised by a repeat), with
///     "source":"kubernetes", its type, reason, involved object, message, count and reporting component;
///   - the simulator's own events, "source":"simulator": each timeline action as it fires (reason
///     "TimelineAction") and each run warning ("RunWarning").
///
///   {"time_seconds":0.008,"source":"kubernetes","type":"Normal","reason":"Scheduled","kind":"Pod",
///    "namespace":"default","name":"web-1","message":"Successfully assigned default/web-1 to n-0",
///    "count":1,"component":"default-scheduler"}
///
/// Lines go to PATH.tmp as the run proceeds and commit() renames the file, as HistoryLog does.

#include "kubesim/base/time.hpp"
#include "kubesim/cluster/jsonl_file.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace kubesim::cluster {

class EventLog {
 public:
  /// Opens PATH.tmp for writing; check is_open().
  explicit EventLog(std::string path) : file_(std::move(path)) {}

  [[nodiscard]] bool is_open() const { return file_.is_open(); }
  struct Line {
    std::string_view source;  // "kubernetes" or "simulator"
    std::string_view type;    // Normal, Warning
    std::string_view reason;
    std::string_view kind;
    std::string_view namespace_;
    std::string_view name;
    std::string_view message;
    std::int32_t count = 1;
    std::string_view component;
  };
  void record(base::SimTime now, const Line& line);
  /// Flushes and renames PATH.tmp to PATH; false (errno set) on failure.
  bool commit() { return file_.commit(); }

 private:
  JsonLinesFile file_;
};

}  // namespace kubesim::cluster
