#pragma once
// Min-max and z-score scaling of one numeric feature, fitted on training values only.
// Standard library only.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "dlrm/error.hpp"
#include "dlrm/preprocessing/schema.hpp"

namespace dlrm::prep {

// y = (x - center) / spread, computed in double and rounded to float once.
//  - minmax: center = training min, spread = max - min (training values map to [0, 1]);
//  - zscore: center = mean, spread = population standard deviation (divide by n).
// A constant training column has spread 0: it is given spread 1 instead, so that its
// training value maps to 0 and never divides by zero (a later value x maps to x - center).
// With clip, x is first clamped to the training [min, max], so nothing leaves the range
// seen in training (minmax output stays in [0, 1]).
struct Scaler {
  ScalerKind kind = ScalerKind::zscore;
  double center = 0;
  double spread = 1;
  double min = 0;
  double max = 0;
  bool clip = false;

  // NaN values are ignored. `what` names the feature in the error for no values at all.
  static Scaler fit(ScalerKind kind, const std::vector<double>& values, bool clip,
                    const std::string& what) {
    Scaler s;
    s.kind = kind;
    s.clip = clip;
    std::size_t n = 0;
    double sum = 0;
    bool first = true;
    for (double x : values) {
      if (std::isnan(x)) continue;
      if (first) {
        s.min = s.max = x;
        first = false;
      }
      s.min = std::min(s.min, x);
      s.max = std::max(s.max, x);
      sum += x;
      ++n;
    }
    if (n == 0)
      throw Error("scaler for '" + what +
                  "': no value in the training rows; drop the column or give it a constant fill");
    if (kind == ScalerKind::minmax) {
      s.center = s.min;
      s.spread = s.max - s.min;
    } else {
      const double mean = sum / static_cast<double>(n);
      double squares = 0;
      for (double x : values)
        if (!std::isnan(x)) squares += (x - mean) * (x - mean);
      s.center = mean;
      s.spread = std::sqrt(squares / static_cast<double>(n));
    }
    if (!(s.spread > 0) || !std::isfinite(s.spread)) s.spread = 1;
    return s;
  }

  float apply(double x) const noexcept {
    if (clip) x = std::min(std::max(x, min), max);
    return static_cast<float>((x - center) / spread);
  }
};

}  // namespace dlrm::prep
