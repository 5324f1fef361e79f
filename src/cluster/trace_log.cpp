#include "kubesim/cluster/trace_log.hpp"

#include <fmt/format.h>

#include <iterator>

namespace kubesim::cluster {
namespace {

// Large enough that a huge trace costs a write per 64 KiB, small enough to show progress on a terminal.
constexpr std::size_t kFlushBytes = 64 * 1024;

}  // namespace

TraceLog::TraceLog(std::FILE* out, TraceFilter filter) : out_(out), filter_(std::move(filter)), all_(filter_.empty()) {}

TraceLog::~TraceLog() { flush(); }

void TraceLog::append(base::SimTime at, std::string_view component, std::string_view text, std::string& to) {
  // Integer milliseconds (no floating point in what tests compare byte for byte).
  std::int64_t ms = at.since_start().nanos() / 1'000'000;
  fmt::format_to(std::back_inserter(to), "[{:4}.{:03}s] {:<15} {}\n", ms / 1000, ms % 1000, component, text);
}

void TraceLog::release_until(base::SimTime at) {
  while (!deferred_.empty() && !(at < deferred_.top().at)) {
    buffer_ += deferred_.top().line;
    deferred_.pop();
    ++lines_;
    wrote();
  }
}

void TraceLog::print(base::SimTime at, const TraceSubject& s, std::string_view text) {
  if (!wants(s)) {
    return;
  }
  release_until(at);
  append(at, s.component, text, buffer_);
  ++lines_;
  wrote();
}

void TraceLog::print_later(base::SimTime at, const TraceSubject& s, std::string_view text) {
  if (!wants(s)) {
    return;
  }
  Deferred d{at, next_seq_++, {}};
  append(at, s.component, text, d.line);
  deferred_.push(std::move(d));
}

void TraceLog::finish(base::SimTime until) {
  release_until(until);
  deferred_ = {};
  flush();
}

void TraceLog::wrote() {
  if (out_ != nullptr && buffer_.size() >= kFlushBytes) {
    flush();
  }
}

void TraceLog::flush() {
  if (out_ == nullptr || buffer_.empty()) {
    return;
  }
  std::fwrite(buffer_.data(), 1, buffer_.size(), out_);
  buffer_.clear();
}

}  // namespace kubesim::cluster
