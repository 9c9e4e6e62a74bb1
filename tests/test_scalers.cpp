#include "dlrm/preprocessing/scalers.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

using namespace dlrm::prep;
static const double nan_ = std::numeric_limits<double>::quiet_NaN();

TEST_CASE("minmax maps the training range to [0, 1]") {
  const auto s = Scaler::fit(ScalerKind::minmax, {2, nan_, 10, 4, 6}, false, "x");
  CHECK(s.center == 2);
  CHECK(s.spread == 8);
  CHECK(s.min == 2);
  CHECK(s.max == 10);
  CHECK(s.apply(2) == 0.0f);
  CHECK(s.apply(4) == 0.25f);
  CHECK(s.apply(10) == 1.0f);
  CHECK(s.apply(14) == 1.5f);  // no clip: extrapolates
  CHECK(s.apply(0) == -0.25f);
}

TEST_CASE("zscore uses the population standard deviation") {
  // mean 5, squared deviations 9+1+1+9 = 20, /4 = 5 -> sd sqrt(5)
  const auto s = Scaler::fit(ScalerKind::zscore, {2, 4, 6, 8}, false, "x");
  CHECK(s.center == 5);
  CHECK(s.spread == std::sqrt(5.0));
  CHECK(s.apply(5) == 0.0f);
  CHECK(s.apply(8) == static_cast<float>(3 / std::sqrt(5.0)));
  // scalar twin
  for (double x : {-3.0, 0.0, 2.0, 11.5}) CHECK(s.apply(x) == static_cast<float>((x - 5) / std::sqrt(5.0)));
}

TEST_CASE("a constant column gets spread 1: training value -> 0, no division by zero") {
  for (auto kind : {ScalerKind::minmax, ScalerKind::zscore}) {
    const auto s = Scaler::fit(kind, {3, 3, nan_, 3}, false, "x");
    CHECK(s.spread == 1);
    CHECK(s.center == 3);
    CHECK(s.apply(3) == 0.0f);
    CHECK(s.apply(5) == 2.0f);
  }
}

TEST_CASE("clip clamps to the training range before scaling") {
  const auto m = Scaler::fit(ScalerKind::minmax, {0, 10}, true, "x");
  CHECK(m.apply(-5) == 0.0f);
  CHECK(m.apply(15) == 1.0f);
  CHECK(m.apply(5) == 0.5f);
  const auto z = Scaler::fit(ScalerKind::zscore, {0, 10}, true, "x");  // mean 5, sd 5
  CHECK(z.apply(100) == 1.0f);
  CHECK(z.apply(-100) == -1.0f);
  CHECK(z.apply(7.5) == 0.5f);
}

TEST_CASE("no training value is an error naming the feature") {
  CHECK_THROWS_WITH_AS(Scaler::fit(ScalerKind::zscore, {nan_, nan_}, false, "temperature"),
                       "scaler for 'temperature': no value in the training rows; drop the column or give it a constant fill",
                       dlrm::Error);
}
