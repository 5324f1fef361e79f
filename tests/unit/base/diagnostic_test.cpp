// Tests for kubesim::base diagnostics: the "file:line:col: error: message (hint)" rendering, the
// error-count line, and the edit-distance "did you mean" helper.

#include "support/catch.hpp"

#include "kubesim/base/diagnostic.hpp"

#include <string>
#include <string_view>
#include <vector>

using kubesim::base::closest_match;
using kubesim::base::Diagnostic;
using kubesim::base::Diagnostics;
using kubesim::base::edit_distance;
using kubesim::base::Severity;
using kubesim::base::SourceLocation;

TEST_CASE("SourceLocation::str prints what is known", "[base][diagnostic]") {
  CHECK(SourceLocation{"scenarios/x.yaml", 12, 7}.str() == "scenarios/x.yaml:12:7");
  CHECK(SourceLocation{"scenarios/x.yaml", 12, 0}.str() == "scenarios/x.yaml:12");
  CHECK(SourceLocation{"scenarios/x.yaml", 0, 0}.str() == "scenarios/x.yaml");
  // A column without a line is not meaningful: only the file is printed.
  CHECK(SourceLocation{"scenarios/x.yaml", 0, 7}.str() == "scenarios/x.yaml");
  CHECK(SourceLocation{}.str().empty());
}

TEST_CASE("Diagnostic::str", "[base][diagnostic]") {
  SECTION("with location, severity and hint") {
    Diagnostic d{{"scenarios/x.yaml", 12, 7},
                 Severity::Error,
                 "unknown field 'replcas' in Deployment 'web'",
                 "did you mean 'replicas'?"};
    CHECK(d.str() == "scenarios/x.yaml:12:7: error: unknown field 'replcas' in Deployment 'web' (did you mean "
                     "'replicas'?)");
  }
  SECTION("without hint") {
    Diagnostic d{{"a.yaml", 3, 1}, Severity::Error, "bad value", {}};
    CHECK(d.str() == "a.yaml:3:1: error: bad value");
  }
  SECTION("severities") {
    CHECK(Diagnostic{{"a.yaml", 3, 0}, Severity::Warning, "ignored field", {}}.str() ==
          "a.yaml:3: warning: ignored field");
    CHECK(Diagnostic{{"a.yaml", 0, 0}, Severity::Note, "defined here", {}}.str() == "a.yaml: note: defined here");
  }
  SECTION("without file: no location prefix at all") {
    CHECK(Diagnostic{{}, Severity::Error, "--seed must be a number", "got 'x'"}.str() ==
          "error: --seed must be a number (got 'x')");
    CHECK(Diagnostic{{"", 4, 2}, Severity::Warning, "w", {}}.str() == "warning: w");
  }
  SECTION("default severity is error") {
    Diagnostic d;
    d.message = "m";
    CHECK(d.str() == "error: m");
  }
}

TEST_CASE("Diagnostics collects in order and counts errors", "[base][diagnostic]") {
  Diagnostics diags;
  CHECK(diags.empty());
  CHECK_FALSE(diags.has_errors());
  CHECK(diags.str().empty());

  diags.add(Diagnostic{{"a.yaml", 1, 1}, Severity::Warning, "first", {}});
  CHECK_FALSE(diags.has_errors());
  CHECK(diags.str() == "a.yaml:1:1: warning: first\n");  // no count line without errors

  diags.error({"a.yaml", 2, 5}, "second", "hint");
  CHECK(diags.has_errors());
  CHECK(diags.size() == 2);
  CHECK(diags.str() == "a.yaml:1:1: warning: first\n"
                       "a.yaml:2:5: error: second (hint)\n"
                       "1 error\n");

  Diagnostics more;
  more.error({"b.yaml", 9, 0}, "third");
  more.add(Diagnostic{{"b.yaml", 10, 0}, Severity::Note, "fourth", {}});
  diags.append(more);
  REQUIRE(diags.size() == 4);
  CHECK(diags.items()[2].message == "third");
  CHECK(diags.items()[3].severity == Severity::Note);
  CHECK(diags.str() == "a.yaml:1:1: warning: first\n"
                       "a.yaml:2:5: error: second (hint)\n"
                       "b.yaml:9: error: third\n"
                       "b.yaml:10: note: fourth\n"
                       "2 errors\n");

  std::vector<std::string> messages;
  for (const Diagnostic& d : diags) {
    messages.push_back(d.message);
  }
  CHECK(messages == std::vector<std::string>{"first", "second", "third", "fourth"});
}

TEST_CASE("edit_distance is the Levenshtein distance", "[base][diagnostic]") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("replicas", "replicas") == 0);
  CHECK(edit_distance("replcas", "replicas") == 1);    // insertion
  CHECK(edit_distance("replicass", "replicas") == 1);  // deletion
  CHECK(edit_distance("replicaz", "replicas") == 1);   // substitution
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("flaw", "lawn") == 2);
  CHECK(edit_distance("ab", "ba") == 2);  // a transposition is two edits in plain Levenshtein
  CHECK(edit_distance("sitting", "kitten") == edit_distance("kitten", "sitting"));
}

TEST_CASE("closest_match suggests plausible typos only", "[base][diagnostic]") {
  const std::vector<std::string_view> fields = {"replicas", "selector", "template", "strategy", "minReadySeconds"};
  SECTION("a typo is found") {
    CHECK(closest_match("replcas", fields) == "replicas");
    CHECK(closest_match("selecter", fields) == "selector");
    CHECK(closest_match("minReadySecond", fields) == "minReadySeconds");
    CHECK(closest_match("replicas", fields) == "replicas");
  }
  SECTION("a word too far from every candidate gives nothing") {
    CHECK(closest_match("foo", fields).empty());
    CHECK(closest_match("replicaCount", fields).empty());
    CHECK(closest_match("anything", {}).empty());
  }
  SECTION("the limit is max(1, |word| / 3)") {
    // |word| = 9 → up to 3 edits.
    CHECK(closest_match("rexlxcxsx", {"replicas"}) == "");          // 4 edits
    CHECK(closest_match("rexlxcasx", {"replicas"}) == "replicas");  // 3 edits
    // |word| = 2 → 1 edit still allowed.
    CHECK(closest_match("ab", {"ac"}) == "ac");
    CHECK(closest_match("ab", {"cd"}).empty());
    CHECK(closest_match("", {"a"}) == "a");  // limit 1 even for the empty word
  }
  SECTION("ties go to the earliest candidate") {
    CHECK(closest_match("cat", {"bat", "cab", "car"}) == "bat");
    CHECK(closest_match("cat", {"car", "bat", "cab"}) == "car");
    // A strictly closer later candidate still wins.
    CHECK(closest_match("cats", {"bat", "cats"}) == "cats");
  }
}
