#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "dlrm/detail/random.hpp"
#include "dlrm/embedding_bag.hpp"
#include "dlrm/optim.hpp"

TEST_CASE("SGD step, with and without weight decay") {
  dlrm::OptimizerOptions o;
  o.lr = 0.5f;
  dlrm::DenseOptimizer<dlrm::SGD, float> sgd(3);
  std::vector<float> p{1, 2, 3}, g{2, -4, 0.5f};
  sgd.step(o, p.data(), g.data(), 3);
  CHECK(p == std::vector<float>{0, 4, 2.75f});
  o.weight_decay = 0.5f;
  sgd.step(o, p.data(), g.data(), 3);  // p -= 0.5 (g + 0.5 p)
  CHECK(p == std::vector<float>{-1, 5, 1.8125f});
  CHECK(sgd.steps() == 2);
}

TEST_CASE("Adam: one step against hand-computed numbers, then PyTorch's formula") {
  dlrm::OptimizerOptions o;
  o.lr = 0.1f;
  dlrm::DenseOptimizer<dlrm::Adam, float> adam(1);
  std::vector<float> p{1.0f}, g{0.5f};
  adam.step(o, p.data(), g.data(), 1);
  // m = 0.05, v = 0.00025, bias corrections 0.1 and 0.001:
  // p = 1 - (0.1 / 0.1) * 0.05 / (sqrt(0.00025) / sqrt(0.001) + 1e-8) = 1 - 0.05 / 0.5 = 0.9
  CHECK(adam.exp_avg()[0] == doctest::Approx(0.05).epsilon(1e-6));
  CHECK(adam.exp_avg_sq()[0] == doctest::Approx(0.00025).epsilon(1e-6));
  CHECK(p[0] == doctest::Approx(0.9).epsilon(1e-6));
  // Second step, g = -0.25: m = 0.02, v = 0.00031225, bc1 = 0.19, bc2 = 0.001999,
  // p = 0.9 - (0.1 / 0.19) * 0.02 / (sqrt(0.00031225) / sqrt(0.001999) + 1e-8)
  g[0] = -0.25f;
  adam.step(o, p.data(), g.data(), 1);
  const double want = 0.9 - (0.1 / 0.19) * 0.02 / (std::sqrt(0.00031225) / std::sqrt(0.001999) + 1e-8);
  CHECK(p[0] == doctest::Approx(want).epsilon(1e-6));  // 0.873367...
  CHECK(p[0] == doctest::Approx(0.8733670).epsilon(1e-6));
}

TEST_CASE("Adam on a long vector equals the scalar twin, for 1 and 2 threads") {
  dlrm::detail::SplitMix64 r(3);
  const std::size_t n = 10007;  // several thread chunks and a scalar tail
  std::vector<float> p0(n), g(n);
  for (std::size_t i = 0; i < n; ++i) {
    p0[i] = float(r.uniform(-1, 1));
    g[i] = float(r.uniform(-1, 1));
  }
  dlrm::OptimizerOptions o;
  o.lr = 0.01f;
  o.weight_decay = 0.1f;
  std::vector<float> p1 = p0, p2 = p0;
  dlrm::DenseOptimizer<dlrm::Adam, float> a1(n), a2(n);
  for (int s = 0; s < 3; ++s) {
    a1.step(o, p1.data(), g.data(), n, 1);
    a2.step(o, p2.data(), g.data(), n, 2);
  }
  CHECK(std::memcmp(p1.data(), p2.data(), n * sizeof(float)) == 0);
  // twin in double
  for (std::size_t i = 0; i < n; i += 97) {
    double p = p0[i], m = 0, v = 0;
    for (int s = 1; s <= 3; ++s) {
      const double gi = g[i] + 0.1 * p;
      m = 0.9 * m + 0.1 * gi;
      v = 0.999 * v + 0.001 * gi * gi;
      const double denom = std::sqrt(v) / std::sqrt(1 - std::pow(0.999, s)) + 1e-8;
      p -= 0.01 / (1 - std::pow(0.9, s)) * m / denom;
    }
    CHECK(p1[i] == doctest::Approx(p).epsilon(1e-5));
  }
}

TEST_CASE("SparseAdam: lazy rows, one step counter per table, hand-computed numbers") {
  dlrm::OptimizerOptions o;
  o.lr = 0.01f;
  const std::size_t rows = 4, dim = 2;
  dlrm::SparseOptimizer<dlrm::SparseAdam, float> opt(rows, dim);
  std::vector<float> table{1, 1, 2, 2, 3, 3, 4, 4};
  // Step 1: rows 2 and 0. With m = 0.1 g, v = 0.001 g^2 and step size
  // lr sqrt(0.001) / 0.1, the update is lr g sqrt(0.001) / (sqrt(0.001) |g| + eps) ~ lr sign(g).
  const std::int32_t r1[] = {2, 0};
  const float g1[] = {0.5f, -2.0f, 1.0f, 0.25f};
  opt.step(o, table.data(), r1, 2, g1);
  auto step1 = [](double g) {
    return 0.01 * std::sqrt(0.001) / 0.1 * (0.1 * g) / (std::sqrt(0.001 * g * g) + 1e-8);
  };
  CHECK(table[4] == doctest::Approx(3 - step1(0.5)).epsilon(1e-6));   // ~2.99
  CHECK(table[5] == doctest::Approx(3 - step1(-2.0)).epsilon(1e-6));  // ~3.01
  CHECK(table[0] == doctest::Approx(1 - step1(1.0)).epsilon(1e-6));
  CHECK(table[1] == doctest::Approx(1 - step1(0.25)).epsilon(1e-6));
  CHECK(table[4] == doctest::Approx(2.99).epsilon(1e-6));
  CHECK(table[2] == 2.0f);  // untouched rows do not move
  CHECK(table[7] == 4.0f);
  CHECK(opt.exp_avg()[2] == 0.0f);
  // Step 2: only row 1, first seen at table step 2: bias corrections of step 2 apply.
  const float before_row2[] = {table[4], table[5]};
  const std::int32_t r2[] = {1};
  const float g2[] = {1.0f, -1.0f};
  opt.step(o, table.data(), r2, 1, g2);
  const double s2 = 0.01 * std::sqrt(1 - 0.999 * 0.999) / (1 - 0.9 * 0.9) * 0.1 /
                    (std::sqrt(0.001) + 1e-8);  // lr 0.7441 sign(g)
  CHECK(table[2] == doctest::Approx(2 - s2).epsilon(1e-6));
  CHECK(table[3] == doctest::Approx(2 + s2).epsilon(1e-6));
  CHECK(table[4] == before_row2[0]);  // row 2 has momentum but is absent: lazy, unchanged
  CHECK(table[5] == before_row2[1]);
  CHECK(opt.steps() == 2);
}

TEST_CASE("SparseAdam sees coalesced gradients: duplicates summed before the update") {
  // Two bags hitting row 3: one update with the summed gradient, not two updates.
  std::vector<std::int32_t> idx{3, 3}, off{0, 1};
  dlrm::EmbeddingBag<float, 2> bag(5);
  for (std::size_t i = 0; i < 10; ++i) bag.weight()[i] = 1.0f;
  const std::vector<float> gout{0.5f, 1.0f, 0.25f, -3.0f};
  bag.backward({idx, off, {}}, 2, gout.data(), 2);
  REQUIRE(bag.grad().size() == 1);
  dlrm::SparseOptimizer<dlrm::SparseAdam, float> opt(5, 2);
  dlrm::OptimizerOptions o;
  opt.step(o, bag.weight(), bag.grad().rows().data(), bag.grad().size(), bag.grad().values());
  CHECK(opt.exp_avg()[6] == doctest::Approx(0.1 * 0.75).epsilon(1e-6));
  CHECK(opt.exp_avg()[7] == doctest::Approx(0.1 * -2.0).epsilon(1e-6));
  CHECK(opt.exp_avg_sq()[6] == doctest::Approx(0.001 * 0.75 * 0.75).epsilon(1e-6));
}

TEST_CASE("RowWiseAdagrad: one accumulator per row = mean of squared row gradient") {
  dlrm::OptimizerOptions o;
  o.lr = 0.1f;
  dlrm::SparseOptimizer<dlrm::RowWiseAdagrad, float> opt(3, 2);
  std::vector<float> table{0, 0, 1, 1, 2, 2};
  const std::int32_t rows[] = {1};
  const float g[] = {1.0f, 3.0f};
  opt.step(o, table.data(), rows, 1, g);
  CHECK(opt.accumulator()[1] == 5.0f);  // (1 + 9) / 2
  CHECK(opt.accumulator()[0] == 0.0f);
  CHECK(table[2] == doctest::Approx(1 - 0.1 * 1 / std::sqrt(5.0)).epsilon(1e-6));
  CHECK(table[3] == doctest::Approx(1 - 0.1 * 3 / std::sqrt(5.0)).epsilon(1e-6));
  opt.step(o, table.data(), rows, 1, g);
  CHECK(opt.accumulator()[1] == 10.0f);
  CHECK(table[0] == 0.0f);
  CHECK(table[4] == 2.0f);
}

TEST_CASE("SparseSGD updates only the given rows") {
  dlrm::OptimizerOptions o;
  o.lr = 0.5f;
  dlrm::SparseOptimizer<dlrm::SparseSGD, float> opt(3, 2);
  std::vector<float> table{0, 0, 1, 1, 2, 2};
  const std::int32_t rows[] = {2, 0};
  const float g[] = {2.0f, 4.0f, -1.0f, 1.0f};
  opt.step(o, table.data(), rows, 2, g);
  CHECK(table == std::vector<float>{0.5f, -0.5f, 1, 1, 1, 0});
}
