// Tests for kubesim::api selectors: SelectorRequirement, LabelSelector (metav1) and NodeSelector /
// NodeSelectorTerm (core/v1), with upstream's matching rules (K8S-SEMANTICS §2.7; apimachinery
// labels.Requirement.Matches, component-helpers nodeaffinity).

#include "support/catch.hpp"

#include "kubesim/api/object_meta.hpp"
#include "kubesim/api/selector.hpp"

#include <string>
#include <vector>

using kubesim::api::LabelSelector;
using kubesim::api::NodeSelector;
using kubesim::api::NodeSelectorTerm;
using kubesim::api::SelectorOperator;
using kubesim::api::SelectorRequirement;
using kubesim::api::StringMap;

namespace {

SelectorRequirement req(std::string key, SelectorOperator op, std::vector<std::string> values = {}) {
  return SelectorRequirement{std::move(key), op, std::move(values)};
}

}  // namespace

TEST_CASE("SelectorRequirement In / NotIn", "[api][selector]") {
  const StringMap labels{{"app", "web"}, {"tier", "frontend"}};
  SECTION("In") {
    CHECK(req("app", SelectorOperator::In, {"web"}).matches(labels));
    CHECK(req("app", SelectorOperator::In, {"db", "web"}).matches(labels));
    CHECK_FALSE(req("app", SelectorOperator::In, {"db"}).matches(labels));
    CHECK_FALSE(req("zone", SelectorOperator::In, {"a"}).matches(labels));   // absent key never matches In
    CHECK_FALSE(req("app", SelectorOperator::In, {"Web"}).matches(labels));  // case-sensitive
  }
  SECTION("NotIn") {
    CHECK_FALSE(req("app", SelectorOperator::NotIn, {"web"}).matches(labels));
    CHECK(req("app", SelectorOperator::NotIn, {"db", "cache"}).matches(labels));
    CHECK(req("zone", SelectorOperator::NotIn, {"a"}).matches(labels));  // absent key matches NotIn
  }
}

TEST_CASE("SelectorRequirement Exists / DoesNotExist", "[api][selector]") {
  const StringMap labels{{"app", "web"}, {"empty", ""}};
  CHECK(req("app", SelectorOperator::Exists).matches(labels));
  CHECK(req("empty", SelectorOperator::Exists).matches(labels));  // an empty value is still present
  CHECK_FALSE(req("zone", SelectorOperator::Exists).matches(labels));
  CHECK(req("zone", SelectorOperator::DoesNotExist).matches(labels));
  CHECK_FALSE(req("app", SelectorOperator::DoesNotExist).matches(labels));
  CHECK_FALSE(req("empty", SelectorOperator::DoesNotExist).matches(labels));
}

TEST_CASE("SelectorRequirement Gt / Lt compare integers", "[api][selector]") {
  const StringMap labels{{"cores", "16"},  {"neg", "-3"},    {"name", "abc"}, {"big", "9223372036854775807"},
                         {"mixed", "16x"}, {"spaced", " 16"}};
  SECTION("Gt") {
    CHECK(req("cores", SelectorOperator::Gt, {"8"}).matches(labels));
    CHECK_FALSE(req("cores", SelectorOperator::Gt, {"16"}).matches(labels));  // strict
    CHECK_FALSE(req("cores", SelectorOperator::Gt, {"32"}).matches(labels));
    CHECK(req("cores", SelectorOperator::Gt, {"9"}).matches(labels));  // numeric, not lexicographic ("16" < "9")
    CHECK(req("neg", SelectorOperator::Gt, {"-4"}).matches(labels));
    CHECK_FALSE(req("neg", SelectorOperator::Gt, {"0"}).matches(labels));
    CHECK(req("big", SelectorOperator::Gt, {"9223372036854775806"}).matches(labels));
  }
  SECTION("Lt") {
    CHECK(req("cores", SelectorOperator::Lt, {"32"}).matches(labels));
    CHECK_FALSE(req("cores", SelectorOperator::Lt, {"16"}).matches(labels));
    CHECK(req("cores", SelectorOperator::Lt, {"100"}).matches(labels));  // numeric ("100" < "16" as text)
    CHECK(req("neg", SelectorOperator::Lt, {"0"}).matches(labels));
  }
  SECTION("absent or non-integer labels never match") {
    CHECK_FALSE(req("missing", SelectorOperator::Gt, {"0"}).matches(labels));
    CHECK_FALSE(req("missing", SelectorOperator::Lt, {"0"}).matches(labels));
    CHECK_FALSE(req("name", SelectorOperator::Gt, {"0"}).matches(labels));
    CHECK_FALSE(req("name", SelectorOperator::Lt, {"0"}).matches(labels));
    CHECK_FALSE(req("mixed", SelectorOperator::Gt, {"0"}).matches(labels));
    CHECK_FALSE(req("spaced", SelectorOperator::Gt, {"0"}).matches(labels));
  }
  SECTION("the requirement needs exactly one integer value") {
    CHECK_FALSE(req("cores", SelectorOperator::Gt, {}).matches(labels));
    CHECK_FALSE(req("cores", SelectorOperator::Gt, {"1", "2"}).matches(labels));
    CHECK_FALSE(req("cores", SelectorOperator::Gt, {"eight"}).matches(labels));
    CHECK_FALSE(req("cores", SelectorOperator::Lt, {"99999999999999999999"}).matches(labels));  // overflows int64
  }
}

TEST_CASE("LabelSelector", "[api][selector]") {
  const StringMap labels{{"app", "web"}, {"tier", "frontend"}, {"env", "prod"}};
  SECTION("an empty selector matches everything") {
    LabelSelector empty;
    CHECK(empty.empty());
    CHECK(empty.matches(labels));
    CHECK(empty.matches(StringMap{}));
  }
  SECTION("matchLabels: every pair must be present and equal") {
    LabelSelector s{{{"app", "web"}}, {}};
    CHECK_FALSE(s.empty());
    CHECK(s.matches(labels));
    CHECK_FALSE(s.matches(StringMap{{"app", "db"}}));
    CHECK_FALSE(s.matches(StringMap{}));
    LabelSelector two{{{"app", "web"}, {"env", "dev"}}, {}};
    CHECK_FALSE(two.matches(labels));
  }
  SECTION("matchExpressions are ANDed") {
    LabelSelector s{{},
                    {req("tier", SelectorOperator::In, {"frontend", "backend"}),
                     req("env", SelectorOperator::NotIn, {"dev"}), req("canary", SelectorOperator::DoesNotExist)}};
    CHECK(s.matches(labels));
    StringMap canary = labels;
    canary.set("canary", "true");
    CHECK_FALSE(s.matches(canary));
    StringMap dev = labels;
    dev.set("env", "dev");
    CHECK_FALSE(s.matches(dev));
  }
  SECTION("matchLabels AND matchExpressions") {
    LabelSelector s{{{"app", "web"}}, {req("env", SelectorOperator::In, {"prod"})}};
    CHECK(s.matches(labels));
    CHECK_FALSE(s.matches(StringMap{{"app", "web"}, {"env", "dev"}}));         // expression fails
    CHECK_FALSE(s.matches(StringMap{{"app", "db"}, {"env", "prod"}}));         // labels fail
    CHECK(s.matches(StringMap{{"app", "web"}, {"env", "prod"}, {"x", "y"}}));  // extra labels are fine
  }
  SECTION("NotIn / DoesNotExist alone match objects without the key") {
    LabelSelector s{{}, {req("track", SelectorOperator::NotIn, {"canary"})}};
    CHECK(s.matches(StringMap{}));
    LabelSelector d{{}, {req("track", SelectorOperator::DoesNotExist)}};
    CHECK(d.matches(StringMap{{"app", "web"}}));
  }
}

TEST_CASE("NodeSelectorTerm", "[api][selector]") {
  const StringMap node_labels{
      {"kubernetes.io/hostname", "node-1"}, {"topology.kubernetes.io/zone", "zone-a"}, {"cpu-count", "32"}};
  const std::string node_name = "node-1";
  SECTION("an empty term matches nothing") {
    NodeSelectorTerm empty;
    CHECK_FALSE(empty.matches(node_labels, node_name));
    CHECK_FALSE(empty.matches(StringMap{}, ""));
  }
  SECTION("matchExpressions are ANDed") {
    NodeSelectorTerm t{{req("topology.kubernetes.io/zone", SelectorOperator::In, {"zone-a", "zone-b"}),
                        req("cpu-count", SelectorOperator::Gt, {"16"})},
                       {}};
    CHECK(t.matches(node_labels, node_name));
    NodeSelectorTerm t2{{req("topology.kubernetes.io/zone", SelectorOperator::In, {"zone-a"}),
                         req("cpu-count", SelectorOperator::Lt, {"16"})},
                        {}};
    CHECK_FALSE(t2.matches(node_labels, node_name));
  }
  SECTION("matchFields on metadata.name") {
    NodeSelectorTerm in{{}, {req("metadata.name", SelectorOperator::In, {"node-1", "node-2"})}};
    CHECK(in.matches(node_labels, "node-1"));
    CHECK(in.matches(StringMap{}, "node-2"));  // fields do not look at labels
    CHECK_FALSE(in.matches(node_labels, "node-3"));
    NodeSelectorTerm not_in{{}, {req("metadata.name", SelectorOperator::NotIn, {"node-1"})}};
    CHECK_FALSE(not_in.matches(node_labels, "node-1"));
    CHECK(not_in.matches(node_labels, "node-9"));
    // The field is the node's name, not a label of the same key.
    NodeSelectorTerm label_named_like_field{{}, {req("metadata.name", SelectorOperator::In, {"x"})}};
    CHECK_FALSE(label_named_like_field.matches(StringMap{{"metadata.name", "x"}}, "node-1"));
    // Any other field key is absent.
    NodeSelectorTerm other{{}, {req("metadata.uid", SelectorOperator::In, {"node-1"})}};
    CHECK_FALSE(other.matches(node_labels, "node-1"));
  }
  SECTION("matchExpressions AND matchFields") {
    NodeSelectorTerm t{{req("topology.kubernetes.io/zone", SelectorOperator::In, {"zone-a"})},
                       {req("metadata.name", SelectorOperator::In, {"node-1"})}};
    CHECK(t.matches(node_labels, "node-1"));
    CHECK_FALSE(t.matches(node_labels, "node-2"));
    CHECK_FALSE(t.matches(StringMap{{"topology.kubernetes.io/zone", "zone-b"}}, "node-1"));
  }
}

TEST_CASE("NodeSelector ORs its terms", "[api][selector]") {
  const StringMap labels{{"zone", "a"}, {"disk", "ssd"}};
  NodeSelector none;
  CHECK_FALSE(none.matches(labels, "n1"));  // no terms: nothing matches

  NodeSelectorTerm zone_b{{req("zone", SelectorOperator::In, {"b"})}, {}};
  NodeSelectorTerm ssd{{req("disk", SelectorOperator::In, {"ssd"})}, {}};
  NodeSelectorTerm empty;

  CHECK_FALSE(NodeSelector{{zone_b}}.matches(labels, "n1"));
  CHECK(NodeSelector{{zone_b, ssd}}.matches(labels, "n1"));
  CHECK(NodeSelector{{ssd, zone_b}}.matches(labels, "n1"));
  // An empty term contributes nothing to the OR.
  CHECK_FALSE(NodeSelector{{empty}}.matches(labels, "n1"));
  CHECK(NodeSelector{{empty, ssd}}.matches(labels, "n1"));
}

TEST_CASE("selector equality", "[api][selector]") {
  LabelSelector a{{{"app", "web"}}, {req("env", SelectorOperator::In, {"prod"})}};
  LabelSelector b = a;
  CHECK(a == b);
  b.match_expressions[0].values.push_back("dev");
  CHECK_FALSE(a == b);
}
