#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "dlrm/explain.hpp"

using dlrm::span;

namespace {

// A hand-made linear scorer: score = bias + w . dense + sum_t table_t[index_t]. Occluding
// dense j changes it by exactly w_j (x_j - baseline_j); occluding table t by
// table_t[index] - table_t[0].
struct Linear {
  std::vector<double> w{0.5, -2.0, 1.0, 0.25};
  std::vector<std::vector<double>> tables{{0.0, 0.3, -0.1}, {0.05, 0.0, 0.41, 0.2}};
  double bias = 0.1;
  int calls = 0;
  double operator()(span<const float> dense, span<const std::int32_t> idx) {
    ++calls;
    double s = bias;
    for (std::size_t j = 0; j < w.size(); ++j) s += w[j] * dense[j];
    for (std::size_t t = 0; t < tables.size(); ++t) s += tables[t][static_cast<std::size_t>(idx[t])];
    return s;
  }
};

const std::vector<std::string> dense_names{"temperature", "hour_sin", "hour_cos", "length"};
const std::vector<std::string> table_names{"motion_living_room", "source"};

}  // namespace

TEST_CASE("feature groups merge sin/cos pairs and keep tables apart") {
  auto g = dlrm::feature_groups(dense_names, table_names);
  REQUIRE(g.size() == 5);
  CHECK(g[0].name == "temperature");
  CHECK(g[0].dense == std::vector<std::size_t>{0});
  CHECK(g[1].name == "hour");
  CHECK(g[1].dense == std::vector<std::size_t>{1, 2});
  CHECK(g[2].name == "length");
  CHECK(g[3].name == "motion_living_room");
  CHECK(g[3].tables == std::vector<std::size_t>{0});
  CHECK(g[3].dense.empty());
  CHECK(g[4].tables == std::vector<std::size_t>{1});
  auto plain = dlrm::feature_groups(dense_names, table_names, {});
  CHECK(plain.size() == 6);
  CHECK(plain[1].name == "hour_sin");
}

TEST_CASE("the training baseline is the dense mean and index 0") {
  std::vector<float> dense{1, 2, 3, 4, 3, 6, 5, 8};
  std::vector<std::int32_t> t0{1, 2};
  dlrm::EventMatrix m{2, 4, dense, {span<const std::int32_t>(t0)}};
  auto b = dlrm::training_baseline(m);
  CHECK(b.dense == std::vector<float>{2, 4, 4, 6});
  CHECK(b.indices == std::vector<std::int32_t>{0});
}

TEST_CASE("occlusion on a linear scorer gives the exact contributions") {
  Linear f;
  dlrm::Baseline base{{1.0f, 0.0f, 0.5f, 2.0f}, {0, 0}};
  dlrm::Explainer ex(dlrm::feature_groups(dense_names, table_names), base);
  std::vector<float> x{3.0f, 0.5f, -0.5f, 2.0f};
  std::vector<std::int32_t> idx{1, 2};
  auto d = ex.deltas(f, x, idx);
  REQUIRE(d.size() == 5);
  CHECK(d[0] == doctest::Approx(0.5 * (3.0 - 1.0)));                  // temperature: +1
  CHECK(d[1] == doctest::Approx(-2.0 * 0.5 + 1.0 * (-0.5 - 0.5)));    // hour (both): -2
  CHECK(d[2] == doctest::Approx(0.0));                                // length at its mean
  CHECK(d[3] == doctest::Approx(0.3));                                // table 0: 0.3 - 0
  CHECK(d[4] == doctest::Approx(0.41 - 0.05));                        // table 1: 0.36
  CHECK(f.calls == 6);  // the event once, then once per group
  // The event is untouched and the next call starts clean.
  CHECK(x == std::vector<float>{3.0f, 0.5f, -0.5f, 2.0f});
  auto again = ex.deltas(f, x, idx);
  CHECK(again == d);

  auto top = ex.explain(f, x, idx, 3);
  REQUIRE(top.size() == 3);
  CHECK(top[0].name == "hour");
  CHECK(top[0].delta == doctest::Approx(-2.0));
  CHECK(top[0].value.empty());  // a two-feature group has no single encoded value
  CHECK(top[1].name == "temperature");
  CHECK(top[1].value == "3");
  CHECK(top[2].name == "source");
  CHECK(top[2].value == "#2");
  auto shown = ex.explain(f, x, idx, 2, {"21.5", "03:00", "60", "1", "192.168.1.66"});
  CHECK(dlrm::format_attributions(shown) == "hour=03:00 (-2.00), temperature=21.5 (+1.00)");
  CHECK(ex.explain(f, x, idx, 100).size() == 5);
}

TEST_CASE("a group is occluded as a whole: an interaction counts fully for each member") {
  // score = x0 * x1: with baseline 0 each feature alone explains the whole score, and so
  // does the pair.
  auto product = [](span<const float> d, span<const std::int32_t>) { return double(d[0]) * d[1]; };
  std::vector<dlrm::FeatureGroup> groups{{"a", {0}, {}}, {"b", {1}, {}}, {"ab", {0, 1}, {}}};
  dlrm::Explainer ex(groups, dlrm::Baseline{{0.0f, 0.0f}, {}});
  std::vector<float> x{2.0f, 3.0f};
  auto d = ex.deltas(product, x, span<const std::int32_t>());
  CHECK(d == std::vector<double>{6.0, 6.0, 6.0});
}

TEST_CASE("global importance is the mean absolute delta over the sample") {
  Linear f;
  dlrm::Baseline base{{0, 0, 0, 0}, {0, 0}};
  dlrm::Explainer ex(dlrm::feature_groups(dense_names, table_names), base);
  std::vector<float> dense{1, 0, 0, 0,    // row 0
                           -3, 0, 0, 4,   // row 1
                           0, 1, 0, 0};   // row 2
  std::vector<std::int32_t> t0{1, 2, 0}, t1{0, 2, 3};
  dlrm::EventMatrix m{3, 4, dense, {span<const std::int32_t>(t0), span<const std::int32_t>(t1)}};
  auto g = ex.global_importance(f, m);
  REQUIRE(g.size() == 5);
  // temperature: |0.5|, |-1.5|, 0 -> 2/3; hour: 0, 0, |-2| -> 2/3; length: 0, 1, 0 -> 1/3;
  // motion: 0.3, 0.1, 0 -> 0.4/3; source: (0.05-0.05), (0.41-0.05), (0.2-0.05) -> 0.51/3
  CHECK(g[0].name == "temperature");  // ties keep group order
  CHECK(g[0].delta == doctest::Approx(2.0 / 3));
  CHECK(g[1].name == "hour");
  CHECK(g[1].delta == doctest::Approx(2.0 / 3));
  CHECK(g[2].name == "length");
  CHECK(g[2].delta == doctest::Approx(1.0 / 3));
  CHECK(g[3].name == "source");
  CHECK(g[3].delta == doctest::Approx(0.51 / 3));
  CHECK(g[4].name == "motion_living_room");
  CHECK(g[4].delta == doctest::Approx(0.4 / 3));
  auto sample = ex.global_importance(f, m, {1});
  CHECK(sample[0].name == "temperature");
  CHECK(sample[0].delta == doctest::Approx(1.5));
}

TEST_CASE("mismatched shapes and bad scores give exact errors") {
  Linear f;
  dlrm::Baseline base{{0, 0, 0, 0}, {0, 0}};
  CHECK_THROWS_WITH_AS(dlrm::Explainer({{"x", {4}, {}}}, base),
                       "explain: group x names dense feature 4 but the baseline has 4 dense features",
                       dlrm::ShapeError);
  CHECK_THROWS_WITH_AS(dlrm::Explainer({{"t", {}, {2}}}, base),
                       "explain: group t names table 2 but the baseline has 2 tables", dlrm::ShapeError);
  dlrm::Explainer ex(dlrm::feature_groups(dense_names, table_names), base);
  std::vector<float> x{1, 2, 3};
  std::vector<std::int32_t> idx{0, 0};
  CHECK_THROWS_WITH_AS(ex.deltas(f, x, idx),
                       "explain: the event has 3 dense values and 2 indices, the baseline 4 and 2",
                       dlrm::ShapeError);
  std::vector<float> x4{1, 2, 3, 4};
  CHECK_THROWS_WITH_AS(ex.explain(f, x4, idx, 2, {"a"}),
                       "explain: 1 display values for 5 feature groups; give one per group or none",
                       dlrm::ShapeError);
  auto nan = [](span<const float>, span<const std::int32_t>) { return std::nan(""); };
  CHECK_THROWS_WITH_AS(ex.deltas(nan, x4, idx), "explain: the scoring function returned a non-finite score",
                       dlrm::InputError);
  std::vector<std::int32_t> t{0};
  dlrm::EventMatrix m{1, 4, x4, {span<const std::int32_t>(t), span<const std::int32_t>(t)}};
  CHECK_THROWS_WITH_AS(ex.global_importance(f, m, {3}), "explain: sample row 3 is past the 1 events",
                       dlrm::InputError);
  CHECK_THROWS_WITH_AS(dlrm::training_baseline(dlrm::EventMatrix{}),
                       "explain: the baseline needs at least one training event", dlrm::Error);
}
