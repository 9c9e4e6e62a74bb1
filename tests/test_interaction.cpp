#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "dlrm/detail/random.hpp"
#include "dlrm/interaction.hpp"

namespace {

template <class T>
std::vector<T> random_vector(dlrm::detail::SplitMix64& g, std::size_t n) {
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(g.uniform(-1.0, 1.0));
  return v;
}

// Scalar twin of the reference interact_features (dot): li/lj as in dlrm_s_pytorch.py.
template <class T>
std::vector<T> twin_dot(const std::vector<T>& t, std::size_t B, std::size_t F, std::size_t D,
                        bool self) {
  const std::size_t ni = F + 1, offset = self ? 1 : 0;
  std::vector<T> r;
  for (std::size_t b = 0; b < B; ++b) {
    const T* tb = t.data() + b * ni * D;
    for (std::size_t k = 0; k < D; ++k) r.push_back(tb[k]);
    for (std::size_t i = 0; i < ni; ++i)
      for (std::size_t j = 0; j < i + offset; ++j) {
        T s = 0;
        for (std::size_t k = 0; k < D; ++k) s += tb[i * D + k] * tb[j * D + k];
        r.push_back(s);
      }
  }
  return r;
}

template <bool Self, int D>
void check_dot(std::size_t B, std::size_t F, std::uint64_t seed) {
  using Op = dlrm::InteractionOp<dlrm::DotInteraction<Self>, D>;
  dlrm::detail::SplitMix64 g(seed);
  const std::size_t tw = Op::input_width(D, F), rw = Op::output_width(D, F);
  REQUIRE(tw == (F + 1) * D);
  REQUIRE(rw == D + (Self ? (F + 1) * (F + 2) / 2 : (F + 1) * F / 2));
  const auto t = random_vector<float>(g, B * tw);
  std::vector<float> r(B * rw);
  Op::forward(t.data(), tw, F, r.data(), rw, 0, B);
  const auto want = twin_dot(t, B, F, D, Self);
  REQUIRE(want.size() == r.size());
  for (std::size_t i = 0; i < r.size(); ++i)
    REQUIRE(r[i] == doctest::Approx(want[i]).epsilon(1e-5));
  // Backward against the twin's analytic form: dT_i = dx (i = 0) + sum_j S_ij T_j.
  const auto dr = random_vector<float>(g, B * rw);
  std::vector<float> dt(B * tw);
  Op::backward(t.data(), tw, F, dr.data(), rw, dt.data(), tw, 0, B);
  for (std::size_t b = 0; b < B; ++b) {
    const std::size_t n = F + 1;
    std::vector<double> S(n * n, 0.0);
    std::size_t k = D;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < i + (Self ? 1 : 0); ++j) {
        const double gij = dr[b * rw + k++];
        S[i * n + j] += gij;
        S[j * n + i] += gij;
      }
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t d = 0; d < D; ++d) {
        double s = i == 0 ? dr[b * rw + d] : 0.0;
        for (std::size_t j = 0; j < n; ++j) s += S[i * n + j] * t[b * tw + j * D + d];
        REQUIRE(dt[b * tw + i * D + d] == doctest::Approx(s).epsilon(1e-4));
      }
  }
}

template <bool Self>
void finite_difference_dot() {
  using Op = dlrm::InteractionOp<dlrm::DotInteraction<Self>, 5>;
  dlrm::detail::SplitMix64 g(21);
  const std::size_t B = 2, F = 3, tw = Op::input_width(5, F), rw = Op::output_width(5, F);
  const auto t = random_vector<double>(g, B * tw);
  const auto G = random_vector<double>(g, B * rw);
  auto L = [&](const std::vector<double>& tt) {
    std::vector<double> r(B * rw);
    Op::forward(tt.data(), tw, F, r.data(), rw, 0, B);
    double s = 0;
    for (std::size_t i = 0; i < r.size(); ++i) s += G[i] * r[i];
    return s;
  };
  std::vector<double> dt(B * tw);
  Op::backward(t.data(), tw, F, G.data(), rw, dt.data(), tw, 0, B);
  const double h = 1e-6;
  for (std::size_t i = 0; i < t.size(); ++i) {
    auto tp = t, tm = t;
    tp[i] += h;
    tm[i] -= h;
    CHECK(dt[i] == doctest::Approx((L(tp) - L(tm)) / (2 * h)).epsilon(1e-7));
  }
}

}  // namespace

TEST_CASE("dot interaction matches the reference layout (without self-interaction)") {
  check_dot<false, 16>(1, 1, 1);
  check_dot<false, 16>(5, 26, 2);
  check_dot<false, 13>(3, 4, 3);
  check_dot<false, 1>(4, 2, 4);
}

TEST_CASE("dot interaction matches the reference layout (with self-interaction)") {
  check_dot<true, 16>(1, 1, 5);
  check_dot<true, 16>(6, 16, 6);
  check_dot<true, 7>(3, 5, 7);
}

TEST_CASE("dot interaction pair order, exact values") {
  // x = (1, 0), e1 = (0, 2), e2 = (3, 1): Z10 = 0, Z20 = 3, Z21 = 2.
  using Op = dlrm::InteractionOp<dlrm::DotInteraction<false>, 2>;
  const std::vector<float> t{1, 0, 0, 2, 3, 1};
  std::vector<float> r(Op::output_width(2, 2));
  REQUIRE(r.size() == 5);
  Op::forward(t.data(), 6, 2, r.data(), 5, 0, 1);
  CHECK(r == std::vector<float>{1, 0, 0, 3, 2});
  using OpS = dlrm::InteractionOp<dlrm::DotInteraction<true>, 2>;
  std::vector<float> rs(OpS::output_width(2, 2));
  REQUIRE(rs.size() == 8);
  OpS::forward(t.data(), 6, 2, rs.data(), 8, 0, 1);
  // Z00 = 1, Z10 = 0, Z11 = 4, Z20 = 3, Z21 = 2, Z22 = 10
  CHECK(rs == std::vector<float>{1, 0, 1, 0, 4, 3, 2, 10});
}

TEST_CASE("dot interaction gradients match finite differences") {
  finite_difference_dot<false>();
  finite_difference_dot<true>();
}

TEST_CASE("cat interaction is [x, e_1, ..., e_F], and its gradient the identity") {
  using Op = dlrm::InteractionOp<dlrm::CatInteraction, 3>;
  CHECK(Op::input_width(5, 4) == 5 + 12);
  CHECK(Op::output_width(5, 4) == 5 + 12);
  dlrm::detail::SplitMix64 g(8);
  const std::size_t B = 3, w = Op::output_width(5, 4);
  const auto t = random_vector<double>(g, B * w);
  std::vector<double> r(B * w), dt(B * w);
  Op::forward(t.data(), w, w, r.data(), w, 0, B);
  CHECK(r == t);
  // L = <G, R>: dL/dT = G exactly, as finite differences of a linear map say.
  const auto G = random_vector<double>(g, B * w);
  Op::backward(G.data(), w, w, dt.data(), w, 0, B);
  const double h = 1e-6;
  for (std::size_t i = 0; i < t.size(); ++i) {
    auto tp = t, tm = t;
    tp[i] += h;
    tm[i] -= h;
    std::vector<double> rp(B * w), rm(B * w);
    Op::forward(tp.data(), w, w, rp.data(), w, 0, B);
    Op::forward(tm.data(), w, w, rm.data(), w, 0, B);
    double lp = 0, lm = 0;
    for (std::size_t k = 0; k < rp.size(); ++k) {
      lp += G[k] * rp[k];
      lm += G[k] * rm[k];
    }
    CHECK(dt[i] == doctest::Approx((lp - lm) / (2 * h)).epsilon(1e-7));
  }
}
