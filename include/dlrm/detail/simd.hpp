#pragma once
// The xsimd wrappers: the only place that includes xsimd. Every kernel takes plain
// pointers and a length, handles any length (a vector body and a scalar tail) and works
// for float and double, so that the tests can run the same kernels in double precision.
#include <cmath>
#include <cstddef>
#include <type_traits>

#include <xsimd/xsimd.hpp>

namespace dlrm::detail {

template <class T>
using simd_batch = xsimd::batch<T>;

template <class T>
inline constexpr std::size_t simd_width = simd_batch<T>::size;

// y = 0
template <class T>
inline void zero(T* y, std::size_t n) noexcept {
  using B = simd_batch<T>;
  constexpr std::size_t W = B::size;
  std::size_t i = 0;
  const B z(T(0));
  for (; i < n - n % W; i += W) z.store_unaligned(y + i);
  for (; i < n; ++i) y[i] = T(0);
}

// y = x
template <class T>
inline void copy(const T* x, T* y, std::size_t n) noexcept {
  using B = simd_batch<T>;
  constexpr std::size_t W = B::size;
  std::size_t i = 0;
  for (; i < n - n % W; i += W) B::load_unaligned(x + i).store_unaligned(y + i);
  for (; i < n; ++i) y[i] = x[i];
}

// y = a * x
template <class T>
inline void scale_copy(T a, const T* x, T* y, std::size_t n) noexcept {
  using B = simd_batch<T>;
  constexpr std::size_t W = B::size;
  std::size_t i = 0;
  const B va(a);
  for (; i < n - n % W; i += W) (va * B::load_unaligned(x + i)).store_unaligned(y + i);
  for (; i < n; ++i) y[i] = a * x[i];
}

// y += x
template <class T>
inline void add(const T* x, T* y, std::size_t n) noexcept {
  using B = simd_batch<T>;
  constexpr std::size_t W = B::size;
  std::size_t i = 0;
  for (; i < n - n % W; i += W)
    (B::load_unaligned(y + i) + B::load_unaligned(x + i)).store_unaligned(y + i);
  for (; i < n; ++i) y[i] += x[i];
}

// y += a * x
template <class T>
inline void axpy(T a, const T* x, T* y, std::size_t n) noexcept {
  using B = simd_batch<T>;
  constexpr std::size_t W = B::size;
  std::size_t i = 0;
  const B va(a);
  for (; i < n - n % W; i += W)
    xsimd::fma(va, B::load_unaligned(x + i), B::load_unaligned(y + i)).store_unaligned(y + i);
  for (; i < n; ++i) y[i] += a * x[i];
}

// sum_i x[i] * y[i]
template <class T>
inline T dot(const T* x, const T* y, std::size_t n) noexcept {
  using B = simd_batch<T>;
  constexpr std::size_t W = B::size;
  std::size_t i = 0;
  B acc(T(0));
  for (; i < n - n % W; i += W)
    acc = xsimd::fma(B::load_unaligned(x + i), B::load_unaligned(y + i), acc);
  T s = xsimd::hadd(acc);
  for (; i < n; ++i) s += x[i] * y[i];
  return s;
}

// Lane q of the result = the horizontal sum of part[q], for q < simd_width. xsimd 8.1's
// haddp gets lanes 2-5 and 10-13 in the wrong order for AVX-512 floats (Debian 12 ships
// it), so that case is done here; every other case is xsimd's, which is right.
template <class T, class A>
inline xsimd::batch<T, A> sum_each(const xsimd::batch<T, A>* part) noexcept {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<T, float> && std::is_base_of_v<xsimd::avx512f, A>) {
    // Pairs of rows: per 128-bit lane [a0+a2, b0+b2, a1+a3, b1+b3].
    __m512 s[8];
    for (int i = 0; i < 8; ++i) {
      const __m512 a = part[2 * i], b = part[2 * i + 1];
      s[i] = _mm512_add_ps(_mm512_unpacklo_ps(a, b), _mm512_unpackhi_ps(a, b));
    }
    // Quads: per lane the partial sums of rows 4k..4k+3 over that lane's elements.
    __m512 w[4];
    for (int k = 0; k < 4; ++k)
      w[k] = _mm512_add_ps(_mm512_shuffle_ps(s[2 * k], s[2 * k + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                           _mm512_shuffle_ps(s[2 * k], s[2 * k + 1], _MM_SHUFFLE(3, 2, 3, 2)));
    // Sum the four 128-bit lanes of each w[k] into lane k of the result.
    const __m512 y01 = _mm512_add_ps(_mm512_shuffle_f32x4(w[0], w[1], _MM_SHUFFLE(1, 0, 1, 0)),
                                     _mm512_shuffle_f32x4(w[0], w[1], _MM_SHUFFLE(3, 2, 3, 2)));
    const __m512 y23 = _mm512_add_ps(_mm512_shuffle_f32x4(w[2], w[3], _MM_SHUFFLE(1, 0, 1, 0)),
                                     _mm512_shuffle_f32x4(w[2], w[3], _MM_SHUFFLE(3, 2, 3, 2)));
    return _mm512_add_ps(_mm512_shuffle_f32x4(y01, y23, _MM_SHUFFLE(2, 0, 2, 0)),
                         _mm512_shuffle_f32x4(y01, y23, _MM_SHUFFLE(3, 1, 3, 1)));
  } else
#endif
  {
    return xsimd::haddp(part);
  }
}

// out[j] = <a, rows + j * stride> for j < count; a and every row have D elements. Groups
// of simd_width dot products are reduced together (one transpose-add instead of one
// horizontal sum each).
template <std::size_t D, class T>
inline void dot_many(const T* a, const T* rows, std::size_t stride, std::size_t count,
                     T* out) noexcept {
  using B = simd_batch<T>;
  constexpr std::size_t W = B::size;
  std::size_t j = 0;
  if constexpr (D % W == 0) {
    constexpr std::size_t V = D / W;
    B av[V];
    for (std::size_t v = 0; v < V; ++v) av[v] = B::load_unaligned(a + v * W);
    for (; j + W <= count; j += W) {
      B part[W];
      for (std::size_t q = 0; q < W; ++q) {
        const T* r = rows + (j + q) * stride;
        B acc = av[0] * B::load_unaligned(r);
        for (std::size_t v = 1; v < V; ++v) acc = xsimd::fma(av[v], B::load_unaligned(r + v * W), acc);
        part[q] = acc;
      }
      sum_each(part).store_unaligned(out + j);
    }
  }
  for (; j < count; ++j) out[j] = dot(a, rows + j * stride, D);
}

// out = (accumulate ? out : 0) + sum_q coef[q] * rows[q * stride], D elements, summed in
// registers (one load and one store of out).
template <std::size_t D, class T>
inline void weighted_row_sum(const T* rows, std::size_t stride, const T* coef,
                             std::size_t count, T* out, bool accumulate) noexcept {
  using B = simd_batch<T>;
  constexpr std::size_t W = B::size;
  if constexpr (D % W == 0 && D / W <= 4) {
    constexpr std::size_t V = D / W;
    B acc[V];
    for (std::size_t v = 0; v < V; ++v) acc[v] = accumulate ? B::load_unaligned(out + v * W) : B(T(0));
    for (std::size_t q = 0; q < count; ++q) {
      const B c(coef[q]);
      const T* r = rows + q * stride;
      for (std::size_t v = 0; v < V; ++v) acc[v] = xsimd::fma(c, B::load_unaligned(r + v * W), acc[v]);
    }
    for (std::size_t v = 0; v < V; ++v) acc[v].store_unaligned(out + v * W);
  } else {
    if (!accumulate) zero(out, D);
    for (std::size_t q = 0; q < count; ++q) axpy(coef[q], rows + q * stride, out, D);
  }
}

// sum_i x[i]^2
template <class T>
inline T sum_squares(const T* x, std::size_t n) noexcept {
  return dot(x, x, n);
}

// y = max(y + b, 0): the fused bias + ReLU after a GEMM.
template <class T>
inline void bias_relu(const T* b, T* y, std::size_t n) noexcept {
  using B = simd_batch<T>;
  constexpr std::size_t W = B::size;
  std::size_t i = 0;
  const B z(T(0));
  for (; i < n - n % W; i += W)
    xsimd::max(B::load_unaligned(y + i) + B::load_unaligned(b + i), z).store_unaligned(y + i);
  for (; i < n; ++i) {
    const T v = y[i] + b[i];
    y[i] = v > T(0) ? v : T(0);
  }
}

// y += b
template <class T>
inline void bias_add(const T* b, T* y, std::size_t n) noexcept {
  add(b, y, n);
}

// The fused ReLU backward and bias gradient for one row: dy = y > 0 ? dy : 0, db += dy.
template <class T>
inline void relu_backward_accumulate(const T* y, T* dy, T* db, std::size_t n) noexcept {
  using B = simd_batch<T>;
  constexpr std::size_t W = B::size;
  std::size_t i = 0;
  const B z(T(0));
  for (; i < n - n % W; i += W) {
    const B g = xsimd::select(B::load_unaligned(y + i) > z, B::load_unaligned(dy + i), z);
    g.store_unaligned(dy + i);
    (B::load_unaligned(db + i) + g).store_unaligned(db + i);
  }
  for (; i < n; ++i) {
    const T g = y[i] > T(0) ? dy[i] : T(0);
    dy[i] = g;
    db[i] += g;
  }
}

// dy = y > 0 ? dy : 0
template <class T>
inline void relu_backward(const T* y, T* dy, std::size_t n) noexcept {
  using B = simd_batch<T>;
  constexpr std::size_t W = B::size;
  std::size_t i = 0;
  const B z(T(0));
  for (; i < n - n % W; i += W)
    xsimd::select(B::load_unaligned(y + i) > z, B::load_unaligned(dy + i), z).store_unaligned(dy + i);
  for (; i < n; ++i) dy[i] = y[i] > T(0) ? dy[i] : T(0);
}

// p -= lr * (g + wd * p)
template <class T>
inline void sgd_update(T lr, T wd, const T* g, T* p, std::size_t n) noexcept {
  using B = simd_batch<T>;
  constexpr std::size_t W = B::size;
  std::size_t i = 0;
  const B vlr(lr), vwd(wd);
  if (wd == T(0)) {
    for (; i < n - n % W; i += W)
      xsimd::fnma(vlr, B::load_unaligned(g + i), B::load_unaligned(p + i)).store_unaligned(p + i);
    for (; i < n; ++i) p[i] -= lr * g[i];
  } else {
    for (; i < n - n % W; i += W) {
      const B pv = B::load_unaligned(p + i);
      const B gv = xsimd::fma(vwd, pv, B::load_unaligned(g + i));
      xsimd::fnma(vlr, gv, pv).store_unaligned(p + i);
    }
    for (; i < n; ++i) p[i] -= lr * (g[i] + wd * p[i]);
  }
}

// torch.optim.Adam (1.13, single tensor):
//   g += wd * p; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
//   p -= step_size * m / (sqrt(v) / bc2_sqrt + eps)
template <class T>
inline void adam_update(T step_size, T beta1, T beta2, T inv_bc2_sqrt, T eps, T wd,
                        const T* g, T* p, T* m, T* v, std::size_t n) noexcept {
  using B = simd_batch<T>;
  constexpr std::size_t W = B::size;
  const B vb1(beta1), vb2(beta2), vc1(T(1) - beta1), vc2(T(1) - beta2), vss(step_size),
      vinv(inv_bc2_sqrt), veps(eps), vwd(wd);
  std::size_t i = 0;
  for (; i < n - n % W; i += W) {
    B pv = B::load_unaligned(p + i);
    B gv = B::load_unaligned(g + i);
    if (wd != T(0)) gv = xsimd::fma(vwd, pv, gv);
    const B mv = vb1 * B::load_unaligned(m + i) + vc1 * gv;
    const B vv = vb2 * B::load_unaligned(v + i) + vc2 * (gv * gv);
    const B denom = xsimd::sqrt(vv) * vinv + veps;
    pv = pv - vss * (mv / denom);
    mv.store_unaligned(m + i);
    vv.store_unaligned(v + i);
    pv.store_unaligned(p + i);
  }
  for (; i < n; ++i) {
    T gv = g[i];
    if (wd != T(0)) gv += wd * p[i];
    m[i] = beta1 * m[i] + (T(1) - beta1) * gv;
    v[i] = beta2 * v[i] + (T(1) - beta2) * (gv * gv);
    const T denom = std::sqrt(v[i]) * inv_bc2_sqrt + eps;
    p[i] = p[i] - step_size * (m[i] / denom);
  }
}

// torch.optim.SparseAdam (1.13) on one coalesced row:
//   m += (1-b1)(g - m); v += (1-b2)(g^2 - v); p -= step_size * m / (sqrt(v) + eps)
template <class T>
inline void sparse_adam_update(T step_size, T beta1, T beta2, T eps, const T* g, T* p, T* m,
                               T* v, std::size_t n) noexcept {
  using B = simd_batch<T>;
  constexpr std::size_t W = B::size;
  const B vc1(T(1) - beta1), vc2(T(1) - beta2), vss(step_size), veps(eps);
  std::size_t i = 0;
  for (; i < n - n % W; i += W) {
    const B gv = B::load_unaligned(g + i);
    const B mo = B::load_unaligned(m + i);
    const B vo = B::load_unaligned(v + i);
    const B mv = (gv - mo) * vc1 + mo;
    const B vv = (gv * gv - vo) * vc2 + vo;
    const B pv = B::load_unaligned(p + i) + (-vss) * (mv / (xsimd::sqrt(vv) + veps));
    mv.store_unaligned(m + i);
    vv.store_unaligned(v + i);
    pv.store_unaligned(p + i);
  }
  for (; i < n; ++i) {
    const T mo = m[i], vo = v[i];
    const T mv = (g[i] - mo) * (T(1) - beta1) + mo;
    const T vv = (g[i] * g[i] - vo) * (T(1) - beta2) + vo;
    m[i] = mv;
    v[i] = vv;
    p[i] = p[i] + (-step_size) * (mv / (std::sqrt(vv) + eps));
  }
}

}  // namespace dlrm::detail
