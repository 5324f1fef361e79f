#include "kubesim/cluster/event_log.hpp"

#include "kubesim/metrics/run_summary.hpp"

#include <fmt/format.h>

namespace kubesim::cluster {

void EventLog::record(base::SimTime now, const Line& l) {
  using metrics::json_quote;
  fmt::format_to(std::back_inserter(file_.buffer()),
                 "{{\"time_seconds\":{},\"source\":{},\"type\":{},\"reason\":{},\"kind\":{},\"namespace\":{},"
                 "\"name\":{},\"message\":{},\"count\":{},\"component\":{}}}\n",
                 metrics::format_seconds(now.since_start()), json_quote(l.source), json_quote(l.type),
                 json_quote(l.reason), json_quote(l.kind), json_quote(l.namespace_), json_quote(l.name),
                 json_quote(l.message), l.count, json_quote(l.component));
  file_.wrote();
}

}  // namespace kubesim::cluster
