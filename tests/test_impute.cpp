#include "dlrm/preprocessing/impute.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace dlrm::prep;
static const double nan_ = std::numeric_limits<double>::quiet_NaN();

TEST_CASE("median: middle value, mean of the two middles, NaN ignored") {
  CHECK(median({5, 1, 3}, "x") == 3);
  CHECK(median({4, nan_, 1, 3, 2}, "x") == 2.5);
  CHECK(median({7}, "x") == 7);
  CHECK(median({-1, -2}, "x") == -1.5);
  CHECK_THROWS_WITH_AS(median({nan_}, "humidity"),
                       "impute 'humidity': no value in the training rows to take the median of; drop the "
                       "column or give it a constant fill",
                       dlrm::Error);
}

TEST_CASE("numeric forward fill, median before the first reading") {
  NumericImputer imp(Impute::ffill, 0, 20.5);
  std::vector<double> raw = {nan_, nan_, 18, nan_, nan_, 19, nan_};
  std::vector<double> fill, value;
  for (double x : raw) {
    const double f = imp.fill(x);
    fill.push_back(f);
  }
  imp.reset();
  for (double x : raw) value.push_back(imp.value(x));
  CHECK(std::isnan(fill[0]));
  CHECK(std::isnan(fill[1]));
  CHECK(fill[2] == 18);
  CHECK(fill[3] == 18);
  CHECK(fill[6] == 19);
  CHECK(value == std::vector<double>{20.5, 20.5, 18, 18, 18, 19, 19});
}

TEST_CASE("numeric constant and none") {
  NumericImputer c(Impute::constant, -1, 5);
  CHECK(c.value(nan_) == -1);
  CHECK(c.value(3) == 3);
  CHECK(c.value(nan_) == -1);  // a constant, not the last reading
  NumericImputer n(Impute::none, 0, 5);
  CHECK(n.value(3) == 3);
  CHECK(n.value(nan_) == 5);  // straight to the median
  CHECK(std::isnan(n.fill(nan_)));
}

TEST_CASE("text forward fill keeps its own copy of the last reading") {
  TextImputer imp(Impute::ffill, "");
  std::string field = "on";
  CHECK(imp.fill("") == "");  // before any reading: unknown
  CHECK(imp.fill(field) == "on");
  field = "XX";  // the caller's buffer changes: the fill must not follow it
  CHECK(imp.fill("") == "on");
  CHECK(imp.fill("off") == "off");
  CHECK(imp.fill("") == "off");
  imp.reset();
  CHECK(imp.fill("") == "");
  TextImputer c(Impute::constant, "closed");
  CHECK(c.fill("") == "closed");
  CHECK(c.fill("open") == "open");
  CHECK(c.fill("") == "closed");
  TextImputer none(Impute::none, "");
  CHECK(none.fill("open") == "open");
  CHECK(none.fill("") == "");
}
