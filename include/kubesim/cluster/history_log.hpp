#pragma once

/// HistoryLog: writes every store change as one JSON line (`--history FILE`):
///
///   {"time_seconds":0.003,"resourceVersion":12,"verb":"create","client":"scenario","type":"ADDED",
///    "kind":"Pod","namespace":"default","name":"web-1"}
///
/// Lines go to FILE.tmp as the run proceeds (buffered), and commit() renames it to FILE at the end, so
/// a failed run never leaves a half-written history behind.

#include "kubesim/apiserver/api_server.hpp"
#include "kubesim/cluster/jsonl_file.hpp"

#include <string>

namespace kubesim::cluster {

class HistoryLog {
 public:
  /// Opens PATH.tmp for writing; check is_open().
  explicit HistoryLog(std::string path) : file_(std::move(path)) {}

  [[nodiscard]] bool is_open() const { return file_.is_open(); }
  /// Appends one change.
  void record(base::SimTime now, apiserver::Verb verb, const std::string& client, const store::Change& change);
  /// Flushes and renames PATH.tmp to PATH; returns false (with errno set) on failure.
  bool commit() { return file_.commit(); }

 private:
  JsonLinesFile file_;
};

}  // namespace kubesim::cluster
