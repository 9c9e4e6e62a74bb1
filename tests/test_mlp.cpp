#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "dlrm/detail/random.hpp"
#include "dlrm/mlp.hpp"

namespace {

template <class T>
std::vector<T> random_vector(dlrm::detail::SplitMix64& g, std::size_t n, double a = 1.0) {
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(g.uniform(-a, a));
  return v;
}

// Scalar twins of torch.nn.Linear (+ ReLU).
template <class T>
std::vector<T> twin_forward(const std::vector<T>& x, std::size_t B, std::size_t in,
                            const std::vector<T>& W, const std::vector<T>& b, std::size_t out,
                            bool relu) {
  std::vector<T> y(B * out);
  for (std::size_t r = 0; r < B; ++r)
    for (std::size_t o = 0; o < out; ++o) {
      T s = b[o];
      for (std::size_t i = 0; i < in; ++i) s += x[r * in + i] * W[o * in + i];
      y[r * out + o] = relu && s < T(0) ? T(0) : s;
    }
  return y;
}

}  // namespace

TEST_CASE("linear forward and backward match the scalar twin") {
  dlrm::detail::SplitMix64 g(5);
  const std::size_t shapes[][3] = {{1, 3, 5}, {7, 13, 17}, {33, 64, 16}, {128, 37, 1}, {2, 1, 9}};
  for (const auto& sh : shapes) {
    for (int threads : {1, 2}) {
      for (bool relu : {false, true}) {
        const std::size_t B = sh[0], in = sh[1], out = sh[2];
        const auto x = random_vector<float>(g, B * in);
        const auto W = random_vector<float>(g, out * in);
        const auto b = random_vector<float>(g, out);
        const auto act = relu ? dlrm::Activation::relu : dlrm::Activation::none;
        // Strided output, as the bottom MLP writes into the interaction buffer.
        const std::size_t ys = out + 2;
        std::vector<float> y(B * ys, -5.0f);
        dlrm::linear_forward(x.data(), in, B, in, W.data(), b.data(), out, y.data(), ys, act,
                             threads);
        const auto yw = twin_forward(x, B, in, W, b, out, relu);
        for (std::size_t r = 0; r < B; ++r) {
          for (std::size_t o = 0; o < out; ++o)
            REQUIRE(y[r * ys + o] == doctest::Approx(yw[r * out + o]).epsilon(1e-4));
          CHECK(y[r * ys + out] == -5.0f);
        }
        // Backward against the twin.
        auto dy = random_vector<float>(g, B * ys);
        const auto dy0 = dy;
        std::vector<float> dW(out * in), db(out), dx(B * in);
        dlrm::linear_backward(x.data(), in, B, in, W.data(), out, y.data(), ys, dy.data(), ys,
                              dW.data(), db.data(), dx.data(), in, act, threads);
        std::vector<float> gz(B * out);
        for (std::size_t r = 0; r < B; ++r)
          for (std::size_t o = 0; o < out; ++o)
            gz[r * out + o] = relu && !(yw[r * out + o] > 0) ? 0.0f : dy0[r * ys + o];
        for (std::size_t o = 0; o < out; ++o) {
          double sb = 0;
          for (std::size_t r = 0; r < B; ++r) sb += gz[r * out + o];
          REQUIRE(db[o] == doctest::Approx(sb).epsilon(1e-4));
          for (std::size_t i = 0; i < in; ++i) {
            double s = 0;
            for (std::size_t r = 0; r < B; ++r) s += gz[r * out + o] * x[r * in + i];
            REQUIRE(dW[o * in + i] == doctest::Approx(s).epsilon(1e-4));
          }
        }
        for (std::size_t r = 0; r < B; ++r)
          for (std::size_t i = 0; i < in; ++i) {
            double s = 0;
            for (std::size_t o = 0; o < out; ++o) s += gz[r * out + o] * W[o * in + i];
            REQUIRE(dx[r * in + i] == doctest::Approx(s).epsilon(1e-4));
          }
      }
    }
  }
}

TEST_CASE("MLP gradients match finite differences (double precision)") {
  dlrm::detail::SplitMix64 g(9);
  const std::size_t B = 4, in = 5;
  for (bool relu_last : {false, true}) {
    dlrm::Mlp<double> mlp(in, {7, 6, 3}, relu_last);
    for (auto& p : mlp.params()) p = g.uniform(-0.8, 0.8);
    const auto x = random_vector<double>(g, B * in);
    const auto G = random_vector<double>(g, B * 3);
    auto L = [&](dlrm::Mlp<double>& m, const std::vector<double>& xx) {
      std::vector<double> out(B * 3);
      m.forward(xx.data(), in, B, out.data(), 3);
      double s = 0;
      for (std::size_t i = 0; i < out.size(); ++i) s += G[i] * out[i];
      return s;
    };
    std::vector<double> out(B * 3);
    mlp.forward(x.data(), in, B, out.data(), 3);
    auto dout = G;
    std::vector<double> dx(B * in);
    mlp.backward(x.data(), in, B, out.data(), 3, dout.data(), 3, dx.data(), in);
    const auto grads = mlp.grads();
    const double h = 1e-6;
    for (std::size_t i = 0; i < mlp.params().size(); ++i) {
      const double p0 = mlp.params()[i];
      mlp.params()[i] = p0 + h;
      const double lp = L(mlp, x);
      mlp.params()[i] = p0 - h;
      const double lm = L(mlp, x);
      mlp.params()[i] = p0;
      CHECK(grads[i] == doctest::Approx((lp - lm) / (2 * h)).epsilon(1e-6));
    }
    for (std::size_t i = 0; i < x.size(); ++i) {
      auto xp = x, xm = x;
      xp[i] += h;
      xm[i] -= h;
      CHECK(dx[i] == doctest::Approx((L(mlp, xp) - L(mlp, xm)) / (2 * h)).epsilon(1e-6));
    }
  }
}

TEST_CASE("MLP layout: flat [W0, b0, W1, b1, ...], the last layer linear unless asked") {
  dlrm::Mlp<float> m(3, {4, 2}, false);
  CHECK(m.params().size() == 3 * 4 + 4 + 4 * 2 + 2);
  CHECK(m.weight(0) == m.params().data());
  CHECK(m.bias(0) == m.params().data() + 12);
  CHECK(m.weight(1) == m.params().data() + 16);
  CHECK(m.bias(1) == m.params().data() + 24);
  CHECK(m.activation(0) == dlrm::Activation::relu);
  CHECK(m.activation(1) == dlrm::Activation::none);
  // Exact values: W0 = identity-like, negative pre-activations are cut by the ReLU.
  for (auto& p : m.params()) p = 0.0f;
  m.weight(0)[0 * 3 + 0] = 1.0f;   // h0 = x0
  m.weight(0)[1 * 3 + 1] = -1.0f;  // h1 = -x1
  m.bias(0)[2] = -1.0f;            // h2 = relu(-1) = 0
  m.weight(1)[0 * 4 + 0] = 2.0f;
  m.weight(1)[0 * 4 + 1] = 3.0f;
  m.bias(1)[1] = -7.0f;            // no ReLU on the last layer
  const std::vector<float> x{1.5f, 2.0f, 9.0f};
  std::vector<float> y(2);
  m.forward(x.data(), 3, 1, y.data(), 2);
  CHECK(y[0] == 3.0f);   // 2 * 1.5 + 3 * relu(-2)
  CHECK(y[1] == -7.0f);
}
