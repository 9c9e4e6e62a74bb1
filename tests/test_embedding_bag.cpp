#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "dlrm/detail/random.hpp"
#include "dlrm/embedding_bag.hpp"

namespace {

using dlrm::MeanPooling;
using dlrm::SparseInput;
using dlrm::SumPooling;

// A random CSR input: bag lengths 0..max_len, indices with duplicates, optional weights,
// B or B+1 offsets, offsets starting at `base` (a slice of a longer array).
struct Csr {
  std::vector<std::int32_t> indices, offsets;
  std::vector<float> weights;
  SparseInput view() const { return {indices, offsets, weights}; }
};

Csr random_csr(dlrm::detail::SplitMix64& g, std::size_t B, std::size_t rows, int max_len,
               bool weighted, bool end_offset, std::int32_t base) {
  Csr c;
  std::int32_t pos = base;
  for (std::size_t b = 0; b < B; ++b) {
    c.offsets.push_back(pos);
    const int len = static_cast<int>(g.next() % static_cast<std::uint64_t>(max_len + 1));
    for (int k = 0; k < len; ++k) {
      // A small pool of rows makes duplicates within and across bags likely.
      const std::size_t pool = rows < 5 ? rows : 5;
      c.indices.push_back(static_cast<std::int32_t>(g.next() % (g.next() % 2 ? pool : rows)));
      if (weighted) c.weights.push_back(static_cast<float>(g.uniform(-2.0, 2.0)));
    }
    pos += len;
  }
  if (end_offset) c.offsets.push_back(pos);
  return c;
}

// Scalar twins.
template <class Pooling, class T>
std::vector<T> twin_forward(const std::vector<T>& table, std::size_t dim, const Csr& c,
                            std::size_t B) {
  std::vector<T> out(B * dim, T(0));
  for (std::size_t b = 0; b < B; ++b) {
    const std::size_t begin = static_cast<std::size_t>(c.offsets[b] - c.offsets[0]);
    const std::size_t end = b + 1 < c.offsets.size()
                                ? static_cast<std::size_t>(c.offsets[b + 1] - c.offsets[0])
                                : c.indices.size();
    for (std::size_t p = begin; p < end; ++p) {
      const T w = c.weights.empty() ? T(1) : static_cast<T>(c.weights[p]);
      for (std::size_t k = 0; k < dim; ++k)
        out[b * dim + k] += w * table[static_cast<std::size_t>(c.indices[p]) * dim + k];
    }
    if (std::is_same_v<Pooling, MeanPooling> && end > begin)
      for (std::size_t k = 0; k < dim; ++k) out[b * dim + k] /= static_cast<T>(end - begin);
  }
  return out;
}

template <class Pooling, class T>
std::vector<T> twin_backward(std::size_t rows, std::size_t dim, const Csr& c, std::size_t B,
                             const std::vector<T>& grad_out) {
  std::vector<T> g(rows * dim, T(0));
  for (std::size_t b = 0; b < B; ++b) {
    const std::size_t begin = static_cast<std::size_t>(c.offsets[b] - c.offsets[0]);
    const std::size_t end = b + 1 < c.offsets.size()
                                ? static_cast<std::size_t>(c.offsets[b + 1] - c.offsets[0])
                                : c.indices.size();
    const T scale = std::is_same_v<Pooling, MeanPooling> && end > begin
                        ? T(1) / static_cast<T>(end - begin)
                        : T(1);
    for (std::size_t p = begin; p < end; ++p) {
      const T w = scale * (c.weights.empty() ? T(1) : static_cast<T>(c.weights[p]));
      for (std::size_t k = 0; k < dim; ++k)
        g[static_cast<std::size_t>(c.indices[p]) * dim + k] += w * grad_out[b * dim + k];
    }
  }
  return g;
}

template <class T>
std::vector<T> random_vector(dlrm::detail::SplitMix64& g, std::size_t n) {
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(g.uniform(-1.0, 1.0));
  return v;
}

// Dense view of a SparseRowGrad (and checks that each row appears once).
template <class T>
std::vector<T> densify(const dlrm::SparseRowGrad<T>& s, std::size_t rows, std::size_t dim) {
  std::vector<T> g(rows * dim, T(0));
  std::vector<int> seen(rows, 0);
  for (std::size_t k = 0; k < s.size(); ++k) {
    const auto r = static_cast<std::size_t>(s.rows()[k]);
    REQUIRE(seen[r] == 0);
    seen[r] = 1;
    for (std::size_t d = 0; d < dim; ++d) g[r * dim + d] = s.row_values(k)[d];
  }
  return g;
}

template <class Pooling, int Dim>
void check_against_twin(std::uint64_t seed) {
  dlrm::detail::SplitMix64 g(seed);
  for (std::size_t B : {std::size_t{1}, std::size_t{3}, std::size_t{17}, std::size_t{64}}) {
    for (int variant = 0; variant < 8; ++variant) {
      const bool weighted = variant & 1, end_offset = variant & 2;
      const std::int32_t base = (variant & 4) ? 7 : 0;
      const std::size_t rows = 1 + g.next() % 40;
      const Csr c = random_csr(g, B, rows, 4, weighted, end_offset, base);
      dlrm::EmbeddingBag<float, Dim, Pooling> bag(rows);
      const auto table = random_vector<float>(g, rows * Dim);
      std::copy(table.begin(), table.end(), bag.weight());

      // Output with a row stride wider than Dim, as inside the model.
      const std::size_t stride = Dim + 3;
      std::vector<float> out(B * stride, 99.0f);
      bag.forward(c.view(), B, out.data(), stride);
      const auto want = twin_forward<Pooling>(table, Dim, c, B);
      for (std::size_t b = 0; b < B; ++b) {
        for (std::size_t k = 0; k < Dim; ++k)
          REQUIRE(out[b * stride + k] == doctest::Approx(want[b * Dim + k]).epsilon(1e-5));
        CHECK(out[b * stride + Dim] == 99.0f);  // padding untouched
      }

      const auto gout = random_vector<float>(g, B * stride);
      bag.backward(c.view(), B, gout.data(), stride);
      std::vector<float> gpacked(B * Dim);
      for (std::size_t b = 0; b < B; ++b)
        for (std::size_t k = 0; k < Dim; ++k) gpacked[b * Dim + k] = gout[b * stride + k];
      const auto gwant = twin_backward<Pooling>(rows, Dim, c, B, gpacked);
      const auto ggot = densify(bag.grad(), rows, Dim);
      for (std::size_t i = 0; i < ggot.size(); ++i)
        REQUIRE(ggot[i] == doctest::Approx(gwant[i]).epsilon(1e-5));
      // Exactly the touched rows are listed.
      std::vector<int> touched(rows, 0);
      for (auto i : c.indices) touched[static_cast<std::size_t>(i)] = 1;
      std::size_t n_touched = 0;
      for (int t : touched) n_touched += static_cast<std::size_t>(t);
      CHECK(bag.grad().size() == n_touched);
    }
  }
}

}  // namespace

TEST_CASE("embedding bag forward and backward match the scalar twin (sum)") {
  check_against_twin<SumPooling, 16>(1);
  check_against_twin<SumPooling, 13>(2);  // not a multiple of the SIMD width
  check_against_twin<SumPooling, 1>(3);
  check_against_twin<SumPooling, 40>(4);
}

TEST_CASE("embedding bag forward and backward match the scalar twin (mean)") {
  check_against_twin<MeanPooling, 16>(5);
  check_against_twin<MeanPooling, 7>(6);
}

TEST_CASE("empty bags give zero vectors, in sum and mean pooling") {
  std::vector<std::int32_t> idx{2, 2}, off{0, 0, 2, 2};  // bags: {}, {2, 2}, {}, {}
  SparseInput in{idx, off, {}};
  dlrm::EmbeddingBag<float, 5, SumPooling> sum(3);
  dlrm::EmbeddingBag<float, 5, MeanPooling> mean(3);
  for (std::size_t i = 0; i < 15; ++i) sum.weight()[i] = mean.weight()[i] = float(i + 1);
  std::vector<float> o1(20, 7.0f), o2(20, 7.0f);
  sum.forward(in, 4, o1.data(), 5);
  mean.forward(in, 4, o2.data(), 5);
  for (std::size_t k = 0; k < 5; ++k) {
    CHECK(o1[k] == 0.0f);
    CHECK(o1[10 + k] == 0.0f);
    CHECK(o1[15 + k] == 0.0f);
    CHECK(o2[k] == 0.0f);
    CHECK(o1[5 + k] == 2.0f * float(11 + k));
    CHECK(o2[5 + k] == float(11 + k));
  }
}

TEST_CASE("duplicate indices accumulate exactly in the sparse gradient") {
  // Integer-valued gradients and weights: every partial sum is exact in float.
  std::vector<std::int32_t> idx{4, 1, 4, 4, 1, 0}, off{0, 3, 5};
  std::vector<float> w{1, 2, 3, -1, 5, 2};
  SparseInput in{idx, off, w};
  dlrm::EmbeddingBag<float, 3, SumPooling> bag(6);
  std::vector<float> gout{1, 2, 3, 10, 20, 30, -4, 0, 4};
  bag.backward(in, 3, gout.data(), 3);
  const auto& gr = bag.grad();
  REQUIRE(gr.size() == 3);
  CHECK(gr.rows()[0] == 4);  // order of first appearance
  CHECK(gr.rows()[1] == 1);
  CHECK(gr.rows()[2] == 0);
  // row 4: w0*g0 + w2*g0 + w3*g1 = 1*g0 + 3*g0 - 1*g1
  CHECK(gr.row_values(0)[0] == 4.0f * 1 - 10);
  CHECK(gr.row_values(0)[1] == 4.0f * 2 - 20);
  CHECK(gr.row_values(0)[2] == 4.0f * 3 - 30);
  // row 1: 2*g0 + 5*g1
  CHECK(gr.row_values(1)[0] == 2.0f * 1 + 50);
  CHECK(gr.row_values(1)[2] == 2.0f * 3 + 150);
  // row 0: 2*g2
  CHECK(gr.row_values(2)[0] == -8.0f);
  CHECK(gr.row_values(2)[1] == 0.0f);
  CHECK(gr.row_values(2)[2] == 8.0f);
  // A second backward starts afresh.
  std::vector<std::int32_t> idx2{5}, off2{0};
  bag.backward({idx2, off2, {}}, 1, gout.data(), 3);
  REQUIRE(bag.grad().size() == 1);
  CHECK(bag.grad().rows()[0] == 5);
  CHECK(bag.grad().row_values(0)[1] == 2.0f);
}

template <class Pooling>
void finite_difference_check() {
  dlrm::detail::SplitMix64 g(11);
  constexpr int Dim = 6;
  const std::size_t B = 5, rows = 7;
  const Csr c = random_csr(g, B, rows, 4, /*weighted=*/true, /*end_offset=*/false, 3);
  std::vector<double> table = random_vector<double>(g, rows * Dim);
  const std::vector<double> G = random_vector<double>(g, B * Dim);
  // L = <G, forward(table, weights)>
  auto L = [&](const std::vector<double>& tab, const Csr& cc) {
    std::vector<double> out(B * Dim);
    dlrm::embedding_bag_forward<Pooling, Dim>(tab.data(), cc.view(), B, out.data(), Dim, 0, B);
    double s = 0;
    for (std::size_t i = 0; i < out.size(); ++i) s += G[i] * out[i];
    return s;
  };
  dlrm::SparseRowGrad<double> sg(rows, Dim);
  dlrm::embedding_bag_backward<Pooling, Dim>(c.view(), B, G.data(), Dim, sg);
  const auto dtab = densify(sg, rows, Dim);
  const double h = 1e-5;
  for (std::size_t i = 0; i < table.size(); ++i) {
    auto tp = table, tm = table;
    tp[i] += h;
    tm[i] -= h;
    CHECK(dtab[i] == doctest::Approx((L(tp, c) - L(tm, c)) / (2 * h)).epsilon(1e-7));
  }
  std::vector<double> dw(c.indices.size());
  dlrm::embedding_bag_weight_grad<Pooling, Dim>(table.data(), c.view(), B, G.data(), Dim,
                                                dw.data());
  const float hw = 1.0f / 256;  // exact in float for these weights
  for (std::size_t p = 0; p < c.weights.size(); ++p) {
    Csr cp = c, cm = c;
    cp.weights[p] += hw;
    cm.weights[p] -= hw;
    const double fd = (L(table, cp) - L(table, cm)) /
                      (static_cast<double>(cp.weights[p]) - static_cast<double>(cm.weights[p]));
    CHECK(dw[p] == doctest::Approx(fd).epsilon(1e-7));
  }
}

TEST_CASE("embedding bag gradients (table and per-sample weights) match finite differences") {
  finite_difference_check<SumPooling>();
  finite_difference_check<MeanPooling>();
}

TEST_CASE("bad sparse input is rejected with its exact message") {
  std::vector<std::int32_t> idx{0, 1, 2, 3}, off{0, 2, 4};
  const std::size_t f = 2;  // the table index named in messages
  // offsets of the wrong length
  CHECK_THROWS_WITH_AS(dlrm::validate_sparse_input({idx, off, {}}, 4, 10, f, true),
                       "Batch.sparse[2]: offsets has 3 entries, expected 4 (one per bag) or 5 "
                       "(with the end offset)",
                       dlrm::InputError);
  // weights of the wrong length
  std::vector<float> w{1, 2};
  CHECK_THROWS_WITH_AS(dlrm::validate_sparse_input({idx, off, w}, 2, 10, f, true),
                       "Batch.sparse[2]: weights has 2 entries, expected 0 or one per index (4)",
                       dlrm::InputError);
  // decreasing offsets
  std::vector<std::int32_t> dec{0, 3, 2};
  CHECK_THROWS_WITH_AS(dlrm::validate_sparse_input({idx, dec, {}}, 3, 10, f, true),
                       "Batch.sparse[2]: offsets decrease at offsets[2] = 2 after 3: offsets "
                       "must be non-decreasing",
                       dlrm::InputError);
  // overrun, relative to offsets[0]
  std::vector<std::int32_t> over{5, 7, 10};
  CHECK_THROWS_WITH_AS(dlrm::validate_sparse_input({idx, over, {}}, 2, 10, f, true),
                       "Batch.sparse[2]: offsets[2] = 10 points past the end of indices (4 "
                       "indices from offsets[0] = 5)",
                       dlrm::InputError);
  // the end-offset overrun is caught even with value checks off
  CHECK_THROWS_WITH_AS(dlrm::validate_sparse_input({idx, over, {}}, 2, 10, f, false),
                       "Batch.sparse[2]: offsets[2] = 10 points past the end of indices (4 "
                       "indices from offsets[0] = 5)",
                       dlrm::InputError);
  // index out of range, and negative
  std::vector<std::int32_t> bad{0, 1, 12, 3};
  CHECK_THROWS_WITH_AS(dlrm::validate_sparse_input({bad, off, {}}, 2, 10, f, true),
                       "Batch.sparse[2]: index 12 at position 2 is out of range for a table of "
                       "10 rows (valid: 0..9)",
                       dlrm::InputError);
  std::vector<std::int32_t> neg{0, -1, 2, 3};
  CHECK_THROWS_WITH_AS(dlrm::validate_sparse_input({neg, off, {}}, 2, 10, f, true),
                       "Batch.sparse[2]: index -1 at position 1 is out of range for a table of "
                       "10 rows (valid: 0..9)",
                       dlrm::InputError);
  // non-finite weight
  std::vector<float> wn{1, 2, std::numeric_limits<float>::quiet_NaN(), 4};
  CHECK_THROWS_WITH_AS(dlrm::validate_sparse_input({idx, off, wn}, 2, 10, f, true),
                       "Batch.sparse[2]: weight at position 2 is nan: per-sample weights must "
                       "be finite",
                       dlrm::InputError);
  // good input passes, with and without the end offset, from a non-zero base
  std::vector<std::int32_t> slice{100, 102};
  CHECK_NOTHROW(dlrm::validate_sparse_input({idx, slice, {}}, 2, 10, f, true));
  CHECK_NOTHROW(dlrm::validate_sparse_input({idx, off, {}}, 2, 10, f, true));
}
