#include "kubesim/sim/event_queue.hpp"

namespace kubesim::sim {

void EventQueue::ring_grow() {
  std::size_t new_cap = ring_.empty() ? 64 : ring_.size() * 2;
  std::vector<Event> grown(new_cap);
  for (std::size_t i = 0; i < ring_size_; ++i) {
    grown[i] = ring_[(ring_head_ + i) & (ring_.size() - 1)];
  }
  ring_ = std::move(grown);
  ring_head_ = 0;
}

}  // namespace kubesim::sim
