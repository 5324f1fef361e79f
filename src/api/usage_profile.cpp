#include "kubesim/api/usage_profile.hpp"

#include "kubesim/base/quantity.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kubesim::api {
namespace {

// 128-bit products: level differences (bytes) times durations (ns) overflow int64.
__extension__ using Int128 = __int128;

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == ' ') {
    s.remove_suffix(1);
  }
  return s;
}

// Splits "a b  c" into words.
std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') {
      ++i;
    }
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ') {
      ++j;
    }
    if (j > i) {
      out.push_back(s.substr(i, j - i));
    }
    i = j;
  }
  return out;
}

constexpr std::string_view kGrammarHint = R"(such as "512Mi", "100Mi for 30s" or "ramp to 2Gi over 60s")";

base::Expected<std::int64_t, std::string> level(std::string_view text, UsageResource resource) {
  auto q = base::Quantity::parse(text);
  if (!q) {
    return base::unexpected(fmt::format("{}: {}", text, q.error()));
  }
  if (q->sign() < 0) {
    return base::unexpected(fmt::format("{}: must not be negative", text));
  }
  return resource == UsageResource::Cpu ? q->milli_value() : q->value();
}

base::Expected<base::Duration, std::string> length(std::string_view text) {
  std::optional<base::Duration> d = base::parse_duration(text);
  if (!d || *d <= base::Duration::zero()) {
    return base::unexpected(fmt::format("{}: must be a positive duration such as 30s or 5m", text));
  }
  return *d;
}

// floor(a * b / c) for c > 0 without overflow.
std::int64_t mul_div_floor(std::int64_t a, std::int64_t b, std::int64_t c) {
  Int128 p = static_cast<Int128>(a) * b;
  Int128 q = p / c;
  if (p % c != 0 && (p < 0) != (c < 0)) {
    --q;
  }
  return static_cast<std::int64_t>(q);
}

}  // namespace

UsageProfile UsageProfile::constant(std::int64_t value) {
  UsageProfile p;
  p.points_.push_back(Point{base::Duration::zero(), value});
  return p;
}

base::Expected<UsageProfile, std::string> UsageProfile::parse(std::string_view text, UsageResource resource) {
  UsageProfile out;
  base::Duration t = base::Duration::zero();
  std::int64_t current = 0;
  bool open_ended = false;  // a bare level was read: nothing may follow
  std::string_view rest = text;
  std::size_t index = 0;
  while (true) {
    std::size_t comma = rest.find(',');
    std::string_view segment = trim(rest.substr(0, comma));
    std::vector<std::string_view> w = words(segment);
    if (open_ended) {
      return base::unexpected(
          fmt::format("segment {} (\"{}\") follows a level without \"for\", which holds forever", index + 1, segment));
    }
    if (w.size() == 5 && w[0] == "ramp" && w[1] == "to" && w[3] == "over") {
      auto to = level(w[2], resource);
      if (!to) {
        return base::unexpected(to.error());
      }
      auto d = length(w[4]);
      if (!d) {
        return base::unexpected(d.error());
      }
      if (out.points_.empty()) {
        out.points_.push_back(Point{t, 0});
      }
      t += *d;
      current = *to;
      out.points_.push_back(Point{t, current});
    } else if (w.size() == 3 && w[1] == "for") {
      auto v = level(w[0], resource);
      if (!v) {
        return base::unexpected(v.error());
      }
      auto d = length(w[2]);
      if (!d) {
        return base::unexpected(d.error());
      }
      current = *v;
      out.points_.push_back(Point{t, current});
      t += *d;
      out.points_.push_back(Point{t, current});
    } else if (w.size() == 1) {
      auto v = level(w[0], resource);
      if (!v) {
        return base::unexpected(v.error());
      }
      current = *v;
      out.points_.push_back(Point{t, current});
      open_ended = true;
    } else {
      return base::unexpected(
          fmt::format("segment {} (\"{}\") is not a usage level {}", index + 1, segment, kGrammarHint));
    }
    if (comma == std::string_view::npos) {
      break;
    }
    rest = rest.substr(comma + 1);
    ++index;
  }
  // Drop repeated points (a level held, then the same level again) so that lookups stay short.
  out.points_.erase(std::unique(out.points_.begin(), out.points_.end()), out.points_.end());
  return out;
}

std::int64_t UsageProfile::at(base::Duration since_start) const {
  // The last breakpoint at or before since_start, then interpolate towards the next one.
  auto it = std::upper_bound(points_.begin(), points_.end(), since_start,
                             [](base::Duration t, const Point& p) { return t < p.at; });
  if (it == points_.begin()) {
    return points_.front().value;
  }
  const Point& a = *std::prev(it);
  if (it == points_.end()) {
    return a.value;
  }
  const Point& b = *it;
  return a.value + mul_div_floor(b.value - a.value, (since_start - a.at).nanos(), (b.at - a.at).nanos());
}

std::optional<base::Duration> UsageProfile::first_above(std::int64_t limit) const {
  for (std::size_t i = 0; i < points_.size(); ++i) {
    const Point& a = points_[i];
    if (a.value > limit) {
      return a.at;
    }
    if (i + 1 == points_.size()) {
      break;
    }
    const Point& b = points_[i + 1];
    if (b.value > limit && b.at > a.at) {
      // Smallest t' in (0, dt] with a + floor(dv·t'/dt) > limit, i.e. dv·t' >= k·dt with k = limit − a + 1.
      std::int64_t dv = b.value - a.value;
      std::int64_t dt = (b.at - a.at).nanos();
      std::int64_t k = limit - a.value + 1;
      std::int64_t t = mul_div_floor(k, dt, dv);
      if (static_cast<Int128>(t) * dv < static_cast<Int128>(k) * dt) {
        ++t;
      }
      return a.at + base::Duration::from_nanos(t);
    }
  }
  return std::nullopt;
}

std::int64_t UsageProfile::peak() const {
  std::int64_t m = 0;
  for (const Point& p : points_) {
    m = std::max(m, p.value);
  }
  return m;
}

const std::string* usage_annotation(const ObjectMeta& meta, UsageResource resource, std::string_view container) {
  std::string_view base = resource == UsageResource::Cpu ? kCpuUsageAnnotation : kMemoryUsageAnnotation;
  std::string key;
  key.reserve(base.size() + 1 + container.size());
  key.append(base).push_back('.');
  key.append(container);
  if (const std::string* v = meta.annotations.find(key)) {
    return v;
  }
  return meta.annotations.find(base);
}

}  // namespace kubesim::api
