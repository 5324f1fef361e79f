#pragma once

/// Label selectors (metav1.LabelSelector) and node selectors (core/v1 NodeSelector), with upstream's
/// matching rules. Both use the same requirement shape; node selectors also allow Gt/Lt.

#include "kubesim/api/object_meta.hpp"

#include <string>
#include <vector>

namespace kubesim::api {

enum class SelectorOperator : std::uint8_t { In, NotIn, Exists, DoesNotExist, Gt, Lt };

/// One requirement: `key operator values`. In/NotIn take one or more values, Exists/DoesNotExist none,
/// Gt/Lt exactly one integer (node selectors only).
struct SelectorRequirement {
  std::string key;
  SelectorOperator op = SelectorOperator::In;
  std::vector<std::string> values;
  bool operator==(const SelectorRequirement&) const = default;

  /// Upstream semantics: NotIn and DoesNotExist match when the key is absent; Gt/Lt compare the label
  /// parsed as an integer and fail when it is absent or not an integer.
  [[nodiscard]] bool matches(const StringMap& labels) const;
};

/// metav1.LabelSelector: matchLabels AND every matchExpression. An empty selector matches everything;
/// a *missing* selector (std::nullopt at the use site) matches nothing, as upstream.
struct LabelSelector {
  StringMap match_labels;
  std::vector<SelectorRequirement> match_expressions;
  bool operator==(const LabelSelector&) const = default;

  [[nodiscard]] bool matches(const StringMap& labels) const;
  [[nodiscard]] bool empty() const { return match_labels.empty() && match_expressions.empty(); }
};

/// core/v1 NodeSelectorTerm: every matchExpression (on labels) AND every matchField (only the field
/// `metadata.name` exists upstream). A term with neither matches nothing.
struct NodeSelectorTerm {
  std::vector<SelectorRequirement> match_expressions;
  std::vector<SelectorRequirement> match_fields;
  bool operator==(const NodeSelectorTerm&) const = default;

  [[nodiscard]] bool matches(const StringMap& node_labels, const std::string& node_name) const;
};

/// core/v1 NodeSelector: the terms are ORed.
struct NodeSelector {
  std::vector<NodeSelectorTerm> terms;
  bool operator==(const NodeSelector&) const = default;

  [[nodiscard]] bool matches(const StringMap& node_labels, const std::string& node_name) const;
};

}  // namespace kubesim::api
