#pragma once
// Imputation of missing values, in time order: forward fill (the smart-home data carries
// sensor readings forward to the packet rate), a constant, or nothing; what is still
// missing (before the first reading) falls back to the training median for a numeric
// column and to the unknown category (index 0) for a text column. The running state is
// tiny and shared by the batch transform and the live stream. Standard library only.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "dlrm/error.hpp"
#include "dlrm/preprocessing/schema.hpp"

namespace dlrm::prep {

// The median of the non-missing (non-NaN) values: the middle one, or the mean of the two
// middle ones for an even count. Throws when there is none; `what` names the column.
inline double median(std::vector<double> values, const std::string& what) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double x) { return std::isnan(x); }),
               values.end());
  if (values.empty())
    throw Error("impute '" + what +
                "': no value in the training rows to take the median of; drop the column or give it a constant fill");
  const std::size_t n = values.size();
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(n / 2), values.end());
  const double upper = values[n / 2];
  if (n % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(n / 2));
  return lower + (upper - lower) / 2;
}

// One numeric column. fill() applies the declared method (NaN if still missing); value()
// also applies the median fallback, so it is never NaN.
class NumericImputer {
 public:
  NumericImputer() = default;
  NumericImputer(Impute method, double constant, double fallback)
      : method_(method), constant_(constant), fallback_(fallback) {}

  double fill(double raw) noexcept {
    if (!std::isnan(raw)) {
      last_ = raw;
      return raw;
    }
    if (method_ == Impute::ffill) return last_;
    if (method_ == Impute::constant) return constant_;
    return raw;
  }
  double fallback() const noexcept { return fallback_; }
  double value(double raw) noexcept {
    const double v = fill(raw);
    return std::isnan(v) ? fallback_ : v;
  }
  void reset() noexcept { last_ = std::numeric_limits<double>::quiet_NaN(); }

 private:
  Impute method_ = Impute::none;
  double constant_ = 0;
  double fallback_ = 0;
  double last_ = std::numeric_limits<double>::quiet_NaN();
};

// One text column (categorical or hashed); "" is missing. The returned view is valid until
// the next call (it may point into the imputer's copy of the last reading). The copy
// reuses its capacity, so steady state does not allocate.
class TextImputer {
 public:
  TextImputer() = default;
  TextImputer(Impute method, std::string constant)
      : method_(method), constant_(std::move(constant)) {}

  std::string_view fill(std::string_view raw) {
    if (!raw.empty()) {
      if (method_ == Impute::ffill) last_.assign(raw.data(), raw.size());
      return raw;
    }
    if (method_ == Impute::ffill) return last_;
    if (method_ == Impute::constant) return constant_;
    return raw;
  }
  void reset() noexcept { last_.clear(); }

 private:
  Impute method_ = Impute::none;
  std::string constant_;
  std::string last_;
};

}  // namespace dlrm::prep
