#pragma once

/// TraceLog: the sink of `kubesim run --trace`, the classroom view. One line per step of the flow of
/// control, in simulated-time order:
///
///   [   0.013s] kubelet/worker-1 default/web-7c9f5-abcde: Pulling image "nginx:1.25"
///
/// i.e. `[<seconds, millisecond resolution, width 8>s] <component padded to 15> <text>`. Cluster derives
/// the lines from signals it already observes (API writes, scheduling attempts, kube-proxy endpoint
/// changes, timeline actions) and calls this sink only when tracing is on; a run without --trace has
/// no TraceLog and pays one null-pointer check per timeline action, nothing per event.
///
/// Lines pass the TraceFilter first, so callers ask wants() before formatting a line's text. A line
/// that is due later than now (a kube-proxy applying a change once its sync lag has passed) is held
/// by print_later() and comes out before the first line at or after its time, or from finish().
/// Output is buffered (64 KiB writes), never flushed per line.

#include "kubesim/base/time.hpp"
#include "kubesim/cluster/trace_filter.hpp"

#include <cstdint>
#include <cstdio>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

namespace kubesim::cluster {

class TraceLog {
 public:
  /// Writes to `out` (not owned; stdout for the CLI), or keeps all text in memory when `out` is null
  /// (tests read it with text()).
  explicit TraceLog(std::FILE* out, TraceFilter filter = {});
  /// Flushes what is buffered (deferred lines that are not due are dropped: call finish() first).
  ~TraceLog();
  TraceLog(const TraceLog&) = delete;
  TraceLog& operator=(const TraceLog&) = delete;

  /// True when a line about `s` passes the filter.
  [[nodiscard]] bool wants(const TraceSubject& s) const { return all_ || filter_.matches(s); }
  /// Prints one line at `at` (never earlier than a previous line's time) if `s` passes the filter;
  /// deferred lines due at or before `at` come out first.
  void print(base::SimTime at, const TraceSubject& s, std::string_view text);
  /// Holds a line until the trace reaches `at` (>= the time of the latest line), if `s` passes the filter.
  void print_later(base::SimTime at, const TraceSubject& s, std::string_view text);
  /// End of run: prints the deferred lines due at or before `until`, drops the later ones, flushes.
  void finish(base::SimTime until);
  /// Writes the buffer out (no-op in memory mode).
  void flush();
  /// Everything printed so far, in memory mode.
  [[nodiscard]] const std::string& text() const { return buffer_; }
  /// Lines printed so far (deferred ones count once they come out).
  [[nodiscard]] std::uint64_t lines() const { return lines_; }

 private:
  struct Deferred {
    base::SimTime at;
    std::uint64_t seq = 0;
    std::string line;
  };
  struct Later {
    bool operator()(const Deferred& a, const Deferred& b) const { return a.at != b.at ? b.at < a.at : a.seq > b.seq; }
  };
  void append(base::SimTime at, std::string_view component, std::string_view text, std::string& to);
  void release_until(base::SimTime at);
  void wrote();

  std::FILE* out_;
  TraceFilter filter_;
  bool all_;
  std::string buffer_;
  std::priority_queue<Deferred, std::vector<Deferred>, Later> deferred_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t lines_ = 0;
};

}  // namespace kubesim::cluster
