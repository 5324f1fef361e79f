#include "kubesim/cluster/history_log.hpp"

#include "kubesim/metrics/run_summary.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace kubesim::cluster {

void HistoryLog::record(base::SimTime now, apiserver::Verb verb, const std::string& client,
                        const store::Change& change) {
  const api::ObjectMeta& meta = change.object.meta();
  fmt::format_to(std::back_inserter(file_.buffer()),
                 "{{\"time_seconds\":{},\"resourceVersion\":{},\"verb\":\"{}\",\"client\":{},\"type\":\"{}\","
                 "\"kind\":\"{}\",\"namespace\":{},\"name\":{}}}\n",
                 metrics::format_seconds(now.since_start()), change.rv, apiserver::verb_name(verb),
                 metrics::json_quote(client), store::change_type_name(change.type), api::kind_name(change.object.kind),
                 metrics::json_quote(meta.namespace_), metrics::json_quote(meta.name));
  file_.wrote();
}

}  // namespace kubesim::cluster
