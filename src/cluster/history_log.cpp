#include "kubesim/cluster/history_log.hpp"

#include "kubesim/metrics/run_summary.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace kubesim::cluster {

HistoryLog::HistoryLog(std::string path) : path_(std::move(path)), tmp_path_(path_ + ".tmp") {
  file_ = std::fopen(tmp_path_.c_str(), "wb");
}

HistoryLog::~HistoryLog() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::remove(tmp_path_.c_str());
  }
}

void HistoryLog::record(base::SimTime now, apiserver::Verb verb, const std::string& client,
                        const store::Change& change) {
  const api::ObjectMeta& meta = change.object.meta();
  fmt::format_to(std::back_inserter(buffer_),
                 "{{\"time_seconds\":{},\"resourceVersion\":{},\"verb\":\"{}\",\"client\":{},\"type\":\"{}\","
                 "\"kind\":\"{}\",\"namespace\":{},\"name\":{}}}\n",
                 metrics::format_seconds(now.since_start()), change.rv, apiserver::verb_name(verb),
                 metrics::json_quote(client), store::change_type_name(change.type), api::kind_name(change.object.kind),
                 metrics::json_quote(meta.namespace_), metrics::json_quote(meta.name));
  if (buffer_.size() > (1U << 20)) {
    flush();
  }
}

void HistoryLog::flush() {
  if (file_ != nullptr && !buffer_.empty()) {
    std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
  }
  buffer_.clear();
}

bool HistoryLog::commit() {
  if (file_ == nullptr) {
    return false;
  }
  flush();
  bool ok = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok || std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    std::remove(tmp_path_.c_str());
    return false;
  }
  return true;
}

}  // namespace kubesim::cluster
