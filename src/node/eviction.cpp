#include "kubesim/node/eviction.hpp"

#include "kubesim/base/quantity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace kubesim::node {
namespace {

std::string binary_si(std::int64_t bytes) {
  return base::Quantity::from_scaled(bytes, 0, base::QuantityFormat::BinarySI).str();
}

}  // namespace

void rank_for_memory_pressure(std::vector<EvictionCandidate>& pods) {
  std::sort(pods.begin(), pods.end(), [](const EvictionCandidate& a, const EvictionCandidate& b) {
    bool a_exceeds = a.usage > a.request;
    bool b_exceeds = b.usage > b.request;
    return std::make_tuple(!a_exceeds, a.priority, -(a.usage - a.request), a.key) <
           std::make_tuple(!b_exceeds, b.priority, -(b.usage - b.request), b.key);
  });
}

std::string memory_eviction_message(std::int64_t threshold, std::int64_t available,
                                    const std::vector<ContainerMemory>& containers) {
  std::string message = fmt::format("The node was low on resource: memory. Threshold quantity: {}, available: {}. ",
                                    binary_si(threshold), binary_si(available));
  for (const ContainerMemory& c : containers) {
    if (c.usage > c.request) {
      message += fmt::format("Container {} was using {}, request is {}, has larger consumption of memory. ", c.name,
                             binary_si(c.usage), binary_si(c.request));
    }
  }
  return message;
}

}  // namespace kubesim::node
