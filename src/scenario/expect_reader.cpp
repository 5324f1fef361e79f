#include "expect_reader_internal.hpp"

#include <fmt/format.h>

namespace kubesim::scenario::internal {
namespace {

// One check string at `v`: parsed into `e`, errors reported at the string.
bool read_check(Reader& r, const Value& v, Expectation& e) {
  if (!expect_scalar(r, v)) {
    return false;
  }
  if (std::optional<CheckError> err = parse_check(v.node.Scalar(), e)) {
    r.error(v.loc, err->message, err->hint);
    return false;
  }
  e.loc = v.loc;
  return true;
}

}  // namespace

void read_expectations(Reader& r, const Value& v, Duration duration, std::vector<Expectation>& out) {
  for (const Value& item : sequence_items(r, v)) {
    Expectation e;
    if (item.node.IsScalar()) {
      // The short form: "- pods.pending == 0", checked at the end.
      if (read_check(r, item, e)) {
        out.push_back(std::move(e));
      }
      continue;
    }
    if (!expect_mapping(r, item)) {
      continue;
    }
    MapReader m(r, item, item.path);
    bool ok = false;
    if (std::optional<Value> check = m.require("check")) {
      ok = read_check(r, *check, e);
    }
    m.read("name", e.name);
    std::optional<Value> at = m.get("at");
    std::optional<Value> by = m.get("by");
    if (at && by) {
      r.error(by->key_loc, fmt::format("{} has both 'at' and 'by'", display_path(item.path)),
              "'at' checks one moment; 'by' checks the deadline and reports since when it held: use one");
      ok = false;
    } else if (at || by) {
      const Value& when = at ? *at : *by;
      if (std::optional<Duration> d = read_nonnegative_duration(r, when)) {
        if (*d > duration) {
          r.error(when.loc,
                  fmt::format("'{}: {}' is after the end of the run ({})", at ? "at" : "by", when.node.Scalar(),
                              base::format_duration(duration)),
                  "a check must fall within spec.duration; raise the duration or move the check");
          ok = false;
        }
        e.when = at ? CheckTime::At : CheckTime::By;
        e.time = base::SimTime::from_nanos(d->nanos());
      } else {
        ok = false;
      }
    }
    m.finish();
    if (ok) {
      out.push_back(std::move(e));
    }
  }
}

}  // namespace kubesim::scenario::internal
