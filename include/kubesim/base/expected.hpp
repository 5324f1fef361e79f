#pragma once

/// `Expected<T, E>`: either a value or an error, for operations whose failure is an ordinary outcome
/// (bad user input returns Expected<Spec, Diagnostics>; a watch from a compacted resourceVersion returns
/// an error code). A small stand-in for C++23 std::expected with the same spelling of the common calls,
/// so that switching later is a rename.

#include "kubesim/base/assert.hpp"

#include <utility>
#include <variant>

namespace kubesim::base {

/// Wraps an error value so that Expected<T, E> can be built from it even when T and E are the same type.
template <class E> struct Unexpected { E error; };

template <class E> Unexpected<std::decay_t<E>> unexpected(E&& e) { return {std::forward<E>(e)}; }

template <class T, class E> class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  template <class U> Expected(Unexpected<U> e) : v_(std::in_place_index<1>, std::move(e.error)) {}  // NOLINT

  [[nodiscard]] bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    KUBESIM_ASSERT(has_value(), "Expected::value() on an error");
    return std::get<0>(v_);
  }
  const T& value() const& {
    KUBESIM_ASSERT(has_value(), "Expected::value() on an error");
    return std::get<0>(v_);
  }
  T&& value() && {
    KUBESIM_ASSERT(has_value(), "Expected::value() on an error");
    return std::get<0>(std::move(v_));
  }
  E& error() & {
    KUBESIM_ASSERT(!has_value(), "Expected::error() on a value");
    return std::get<1>(v_);
  }
  const E& error() const& {
    KUBESIM_ASSERT(!has_value(), "Expected::error() on a value");
    return std::get<1>(v_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, E> v_;
};

}  // namespace kubesim::base
