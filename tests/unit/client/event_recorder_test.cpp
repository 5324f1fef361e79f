#include "support/catch.hpp"
#include "support/printers.hpp"

#include "kubesim/client/event_recorder.hpp"

using namespace kubesim;
using namespace kubesim::base::literals;

namespace {

struct Harness {
  sim::Simulation sim{1};
  apiserver::ApiServer api{sim, {}};
  client::Client client{api, "test-controller"};
  client::EventRecorder recorder{sim, client, "test-controller"};

  void dispatch(const sim::Event& e) {
    REQUIRE(e.kind == sim::EventKind::ApiRequest);
    api.handle_request(e.arg);
  }
  void run() { sim.run_until(base::SimTime::max(), *this); }
  std::vector<std::shared_ptr<const api::Event>> events() {
    std::vector<std::shared_ptr<const api::Event>> out;
    for (const store::ObjectRef& r : api.list(client.id(), api::Kind::Event)) {
      out.push_back(r.as<api::Event>());
    }
    return out;
  }
};

api::ObjectReference pod_ref(std::string name) {
  return api::ObjectReference{"Pod", "default", std::move(name), "uid-000001", "v1"};
}

}  // namespace

TEST_CASE("an event is written once and repeats count up", "[client][event_recorder]") {
  Harness h;
  h.recorder.record(pod_ref("web-1"), api::kEventTypeWarning, "FailedScheduling", "0/3 nodes are available.");
  h.run();
  h.recorder.record(pod_ref("web-1"), api::kEventTypeWarning, "FailedScheduling", "0/3 nodes are available.");
  h.run();
  auto evs = h.events();
  REQUIRE(evs.size() == 1);
  const api::Event& e = *evs[0];
  CHECK(e.count == 2);
  CHECK(e.reason == "FailedScheduling");
  CHECK(e.type == "Warning");
  CHECK(e.source.component == "test-controller");
  CHECK(e.involved_object.name == "web-1");
  CHECK(e.metadata.namespace_ == "default");
  CHECK(e.metadata.name.starts_with("web-1."));
  CHECK(e.first_timestamp < e.last_timestamp);
  CHECK(h.recorder.written() == 2);
}

TEST_CASE("events with different messages are separate until the tenth, which aggregates", "[client][event_recorder]") {
  Harness h;
  for (int i = 0; i < 12; ++i) {
    h.recorder.record(pod_ref("web-1"), api::kEventTypeNormal, "Pulling", fmt::format("message {}", i));
    h.run();
  }
  auto evs = h.events();
  // Messages 0..8 are nine events; from the tenth on they fold into one "(combined ...)" event.
  REQUIRE(evs.size() == 10);
  int combined = 0;
  for (const auto& e : evs) {
    if (e->message.starts_with("(combined from similar events): ")) {
      ++combined;
      CHECK(e->count == 3);
      CHECK(e->message == "(combined from similar events): message 11");
    }
  }
  CHECK(combined == 1);
}

TEST_CASE("the spam filter lets 25 events about one object through, then one per 5 minutes",
          "[client][event_recorder]") {
  Harness h;
  for (int i = 0; i < 30; ++i) {
    h.recorder.record(pod_ref("web-1"), api::kEventTypeNormal, "Tick", "same");
  }
  h.run();
  CHECK(h.recorder.written() == 25);
  CHECK(h.recorder.dropped() == 5);
  // Another object has its own budget.
  h.recorder.record(pod_ref("web-2"), api::kEventTypeNormal, "Tick", "same");
  CHECK(h.recorder.written() == 26);
  h.run();
  auto evs = h.events();
  REQUIRE(evs.size() == 2);
  CHECK(evs[0]->count == 25);  // the written repeats of web-1's event
}
