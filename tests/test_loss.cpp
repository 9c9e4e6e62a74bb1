#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "dlrm/detail/random.hpp"
#include "dlrm/loss.hpp"

TEST_CASE("BCE on logits matches the textbook formula, with class and sample weights") {
  dlrm::detail::SplitMix64 g(4);
  const std::size_t B = 37;
  std::vector<double> z(B);
  std::vector<float> y(B), sw(B);
  for (std::size_t b = 0; b < B; ++b) {
    z[b] = g.uniform(-6, 6);
    y[b] = (g.next() & 1) ? 1.0f : 0.0f;
    sw[b] = float(g.uniform(0, 2));
  }
  const double pw = 3.0, nw = 0.5;
  std::vector<double> dz(B);
  const double got = dlrm::bce_with_logits_loss<double>(z.data(), y, sw, B, pw, nw, dz.data());
  double want = 0;
  for (std::size_t b = 0; b < B; ++b) {
    const double p = 1 / (1 + std::exp(-z[b]));
    const double w = (y[b] > 0.5f ? pw : nw) * sw[b];
    want += -w * (y[b] * std::log(p) + (1 - y[b]) * std::log(1 - p));
    CHECK(dz[b] == doctest::Approx(w * (p - y[b]) / B).epsilon(1e-12));
  }
  CHECK(got == doctest::Approx(want / B).epsilon(1e-12));
  // Without sample weights, and float.
  std::vector<float> zf(z.begin(), z.end());
  const float gf = dlrm::bce_with_logits_loss<float>(zf.data(), y, {}, B, 1.0f, 1.0f, nullptr);
  double wf = 0;
  for (std::size_t b = 0; b < B; ++b) {
    const double p = 1 / (1 + std::exp(-double(zf[b])));
    wf += -(y[b] * std::log(p) + (1 - y[b]) * std::log(1 - p));
  }
  CHECK(gf == doctest::Approx(wf / B).epsilon(1e-5));
}

TEST_CASE("BCE on logits is stable for huge logits") {
  const std::vector<float> z{1000.0f, -1000.0f, 1000.0f, -1000.0f, 0.0f};
  const std::vector<float> y{0.0f, 1.0f, 1.0f, 0.0f, 1.0f};
  std::vector<float> dz(5);
  const float l = dlrm::bce_with_logits_loss<float>(z.data(), y, {}, 5, 1.0f, 1.0f, dz.data());
  CHECK(std::isfinite(l));
  CHECK(l == doctest::Approx((1000.0 + 1000.0 + 0 + 0 + std::log(2.0)) / 5).epsilon(1e-6));
  CHECK(dz[0] == doctest::Approx(0.2f));
  CHECK(dz[1] == doctest::Approx(-0.2f));
  CHECK(dz[2] == 0.0f);
  CHECK(dz[3] == 0.0f);
  CHECK(dz[4] == doctest::Approx(-0.1f));
  CHECK(dlrm::sigmoid(-1000.0f) == 0.0f);
  CHECK(dlrm::sigmoid(1000.0f) == 1.0f);
  CHECK(dlrm::sigmoid(0.0f) == 0.5f);
}

TEST_CASE("BCE gradient matches finite differences") {
  dlrm::detail::SplitMix64 g(6);
  const std::size_t B = 9;
  std::vector<double> z(B);
  std::vector<float> y(B), sw(B);
  for (std::size_t b = 0; b < B; ++b) {
    z[b] = g.uniform(-4, 4);
    y[b] = b % 3 == 0 ? 1.0f : (b % 3 == 1 ? 0.0f : 0.25f);  // soft labels too
    sw[b] = float(0.5 + b);
  }
  std::vector<double> dz(B);
  dlrm::bce_with_logits_loss<double>(z.data(), y, sw, B, 2.0, 0.7, dz.data());
  const double h = 1e-6;
  for (std::size_t b = 0; b < B; ++b) {
    auto zp = z, zm = z;
    zp[b] += h;
    zm[b] -= h;
    const double fd = (dlrm::bce_with_logits_loss<double>(zp.data(), y, sw, B, 2.0, 0.7, nullptr) -
                       dlrm::bce_with_logits_loss<double>(zm.data(), y, sw, B, 2.0, 0.7, nullptr)) /
                      (2 * h);
    CHECK(dz[b] == doctest::Approx(fd).epsilon(1e-7));
  }
}
