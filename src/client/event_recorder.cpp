#include "kubesim/client/event_recorder.hpp"

#include <fmt/format.h>

namespace kubesim::client {
namespace {

constexpr std::size_t kLruEntries = 4096;
constexpr std::size_t kAggregateMaxEvents = 10;
constexpr base::Duration kAggregateInterval = base::Duration::from_seconds(600);
constexpr std::int32_t kSpamBurst = 25;
constexpr double kSpamQps = 1.0 / 300.0;

// Upstream joins the fields with "" (no separator); a separator that cannot occur in names keeps
// distinct field splits from colliding.
std::string join_key(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) {
    out.append(p).push_back('\x1f');
  }
  return out;
}

}  // namespace

EventRecorder::EventRecorder(sim::Simulation& sim, Client& client, std::string component)
    : sim_(sim), client_(client), component_(std::move(component)), spam_(kLruEntries), aggregates_(kLruEntries),
      observed_(kLruEntries) {}

std::string EventRecorder::next_name(const std::string& object_name) {
  // Unique per recorder even when two events share a simulated instant.
  std::int64_t stamp = std::max(sim_.now().nanos(), last_stamp_ + 1);
  last_stamp_ = stamp;
  return fmt::format("{}.{:x}", object_name, stamp);
}

void EventRecorder::record(const api::ObjectReference& object, std::string_view type, std::string_view reason,
                           std::string message, std::string_view host) {
  const base::SimTime now = sim_.now();
  const api::ObjectReference& o = object;

  // 1. EventAggregate (EventAggregatorByReasonFunc): the message is the local key.
  std::string aggregate_key = join_key({component_, host, o.kind, o.namespace_, o.name, o.uid, o.api_version, type,
                                        reason, /*reportingController*/ "", /*reportingInstance*/ ""});
  std::string event_key = join_key(
      {component_, host, o.kind, o.namespace_, o.name, /*fieldPath*/ "", o.uid, o.api_version, type, reason, message});
  Aggregate* agg = aggregates_.find(aggregate_key);
  if (agg == nullptr || now - agg->last > kAggregateInterval) {
    agg = &aggregates_.put(aggregate_key, Aggregate{});
  }
  agg->messages.insert(message);
  agg->last = now;
  std::string key = std::move(event_key);
  if (agg->messages.size() >= kAggregateMaxEvents) {
    // Keep the set at the threshold (upstream PopAny; which one goes does not matter once aggregating).
    agg->messages.erase(agg->messages.begin());
    message = "(combined from similar events): " + message;
    key = aggregate_key;
  }

  // 2. eventObserve: a repeat counts up the Event already written.
  api::Event ev;
  ev.involved_object = o;
  ev.reason = std::string(reason);
  ev.message = std::move(message);
  ev.type = std::string(type);
  ev.source = api::EventSource{component_, std::string(host)};
  ev.last_timestamp = now;
  ev.metadata.namespace_ = o.namespace_.empty() ? std::string("default") : o.namespace_;
  Observation* seen = observed_.find(key);
  bool repeat = seen != nullptr && seen->count > 0;
  bool exists = repeat && seen->written;
  if (repeat) {
    ev.metadata.name = seen->name;
    ev.first_timestamp = seen->first;
    ev.count = seen->count + 1;
  } else {
    ev.metadata.name = next_name(o.name);
    ev.first_timestamp = now;
    ev.count = 1;
  }

  // 3. The spam filter sees every observed event, repeats included.
  std::string spam_key = join_key({component_, host, o.kind, o.namespace_, o.name, o.uid, o.api_version});
  base::TokenBucket* bucket = spam_.find(spam_key);
  if (bucket == nullptr) {
    bucket = &spam_.put(spam_key, base::TokenBucket(kSpamQps, kSpamBurst));
  }
  Observation& obs = observed_.put(key, Observation{ev.count, ev.first_timestamp, ev.metadata.name, exists});
  if (!bucket->try_accept(now)) {
    ++dropped_;
    return;
  }
  ++written_;
  obs.written = true;
  if (exists) {
    client_.update(api::AnyObject(std::move(ev)));
  } else {
    client_.create(api::AnyObject(std::move(ev)));
  }
}

}  // namespace kubesim::client
