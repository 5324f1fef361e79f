#pragma once

// Catch2 printers for kubesim value types, so failed checks show "2.408s" instead of "{?}".
#include "support/catch.hpp"

#include "kubesim/base/time.hpp"

namespace Catch {

template <> struct StringMaker<kubesim::base::Duration> {
  static std::string convert(kubesim::base::Duration d) { return kubesim::base::format_duration(d); }
};

template <> struct StringMaker<kubesim::base::SimTime> {
  static std::string convert(kubesim::base::SimTime t) {
    return "t=" + kubesim::base::format_duration(t.since_start());
  }
};

}  // namespace Catch
