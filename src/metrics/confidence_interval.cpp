#include "kubesim/metrics/confidence_interval.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>

namespace kubesim::metrics {

double t_quantile_975(std::size_t df) {
  boost::math::students_t dist(static_cast<double>(df));
  return boost::math::quantile(dist, 0.975);
}

MeanInterval mean_interval95(std::span<const double> values) {
  MeanInterval r;
  r.n = values.size();
  if (r.n == 0) {
    return r;
  }
  double sum = 0;
  for (double v : values) {
    sum += v;
  }
  r.mean = sum / static_cast<double>(r.n);
  if (r.n < 2) {
    return r;
  }
  // Equal values have no spread; the rounding of their mean must not invent one (1e-19, not 0).
  if (std::all_of(values.begin(), values.end(), [&](double v) { return v == values.front(); })) {
    r.mean = values.front();
    r.half_width = 0.0;
    return r;
  }
  double squares = 0;
  for (double v : values) {
    squares += (v - r.mean) * (v - r.mean);
  }
  r.stddev = std::sqrt(squares / static_cast<double>(r.n - 1));
  r.half_width = t_quantile_975(r.n - 1) * r.stddev / std::sqrt(static_cast<double>(r.n));
  return r;
}

}  // namespace kubesim::metrics
