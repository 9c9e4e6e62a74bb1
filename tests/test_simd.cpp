#include <doctest/doctest.h>

#include <cstddef>

#include "dlrm/detail/simd.hpp"

namespace {

// sum_each against the plain sums, on integer-valued inputs so the sums are exact in any
// order; the pattern differs per row and lane so that a swapped lane cannot pass.
template <class T, class A>
void check_sum_each() {
  using B = xsimd::batch<T, A>;
  constexpr std::size_t W = B::size;
  B part[W];
  T want[W];
  for (std::size_t q = 0; q < W; ++q) {
    T v[W];
    want[q] = 0;
    for (std::size_t k = 0; k < W; ++k) {
      v[k] = static_cast<T>(q * 100 + k * (q + 1) % 7);
      want[q] += v[k];
    }
    part[q] = B::load_unaligned(v);
  }
  T got[W];
  dlrm::detail::sum_each(part).store_unaligned(got);
  for (std::size_t q = 0; q < W; ++q) CHECK(got[q] == want[q]);
}

}  // namespace

TEST_CASE_TEMPLATE("sum_each gives lane q the sum of row q", T, float, double) {
  check_sum_each<T, xsimd::default_arch>();
#if defined(__AVX512F__)
  check_sum_each<T, xsimd::avx512f>();
#endif
#if defined(__AVX2__)
  check_sum_each<T, xsimd::avx2>();
#endif
#if defined(__SSE4_2__)
  check_sum_each<T, xsimd::sse4_2>();
#endif
}

TEST_CASE("dot_many equals one dot product per row") {
  constexpr std::size_t D = 32, count = 37;  // two full groups of 16 and a tail
  float a[D], rows[count * D], out[count];
  for (std::size_t k = 0; k < D; ++k) a[k] = static_cast<float>(k % 5) - 2.0f;
  for (std::size_t i = 0; i < count * D; ++i) rows[i] = static_cast<float>((i * 7) % 11) - 5.0f;
  dlrm::detail::dot_many<D>(a, rows, D, count, out);
  for (std::size_t j = 0; j < count; ++j) {
    float want = 0;
    for (std::size_t k = 0; k < D; ++k) want += a[k] * rows[j * D + k];
    CHECK(out[j] == want);
  }
}
