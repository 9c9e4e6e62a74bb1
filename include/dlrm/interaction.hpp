#pragma once
// Feature interactions, laid out exactly as the reference interact_features.
//
// Input per sample: T = [x | e_1 | ... | e_F], the bottom-MLP output followed by the F
// pooled embeddings, contiguous (row stride t_stride between samples).
//  - DotInteraction<self>: T is (F+1) x Dim (x has width Dim). Output
//    R = [x, Z[i][j] for i = 1..F, j < i] (j <= i, and i from 0, with self-interaction),
//    row by row, where Z = T T^T. Width Dim + F(F+1)/2, or Dim + (F+1)(F+2)/2.
//  - CatInteraction: R = T, width x_width + F * Dim.
#include <cstddef>
#include <type_traits>

#include "dlrm/config.hpp"
#include "dlrm/detail/parallel.hpp"
#include "dlrm/detail/simd.hpp"

namespace dlrm {

template <class Interaction, int Dim>
struct InteractionOp;

template <bool Self, int Dim>
struct InteractionOp<DotInteraction<Self>, Dim> {
  static constexpr bool self = Self;
  static constexpr std::size_t D = static_cast<std::size_t>(Dim);

  // Number of Z entries kept for F tables (F + 1 interacting vectors).
  static constexpr std::size_t pairs(std::size_t tables) noexcept {
    return Self ? (tables + 1) * (tables + 2) / 2 : (tables + 1) * tables / 2;
  }
  static constexpr std::size_t input_width(std::size_t x_width, std::size_t tables) noexcept {
    return x_width + tables * D;
  }
  static constexpr std::size_t output_width(std::size_t x_width, std::size_t tables) noexcept {
    return x_width + pairs(tables);
  }
  static constexpr bool output_is_input = false;

  // Position of Z[i][0] in the kept pairs.
  static constexpr std::size_t row_offset(std::size_t i) noexcept {
    return Self ? i * (i + 1) / 2 : i * (i - (i > 0 ? 1 : 0)) / 2;
  }

  // Samples [b0, b1).
  template <class T>
  static void forward(const T* t, std::size_t t_stride, std::size_t tables, T* r,
                      std::size_t r_stride, std::size_t b0, std::size_t b1) noexcept {
    const std::size_t n = tables + 1;
    for (std::size_t b = b0; b < b1; ++b) {
      const T* tb = t + b * t_stride;
      T* rb = r + b * r_stride;
      detail::copy(tb, rb, D);
      T* z = rb + D;
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t count = Self ? i + 1 : i;
        detail::dot_many<D>(tb + i * D, tb, D, count, z);
        z += count;
      }
    }
  }

  // dt (same layout as t) = gradient w.r.t. T from dr, the gradient w.r.t. R:
  // dT_i = [i = 0] dx + sum_{j < i} g_ij T_j + sum_{j > i} g_ji T_j (+ 2 g_ii T_i).
  template <class T>
  static void backward(const T* t, std::size_t t_stride, std::size_t tables, const T* dr,
                       std::size_t dr_stride, T* dt, std::size_t dt_stride, std::size_t b0,
                       std::size_t b1) noexcept {
    const std::size_t n = tables + 1;
    constexpr std::size_t chunk = 32;
    T coef[chunk];
    for (std::size_t b = b0; b < b1; ++b) {
      const T* tb = t + b * t_stride;
      const T* drb = dr + b * dr_stride;
      const T* g = drb + D;
      T* dtb = dt + b * dt_stride;
      for (std::size_t i = 0; i < n; ++i) {
        T* dti = dtb + i * D;
        if (i == 0) detail::copy(drb, dti, D);
        detail::weighted_row_sum<D>(tb, D, g + row_offset(i), i, dti, /*accumulate=*/i == 0);
        for (std::size_t j0 = i + 1; j0 < n; j0 += chunk) {
          const std::size_t count = n - j0 < chunk ? n - j0 : chunk;
          for (std::size_t q = 0; q < count; ++q) coef[q] = g[row_offset(j0 + q) + i];
          detail::weighted_row_sum<D>(tb + j0 * D, D, coef, count, dti, /*accumulate=*/true);
        }
        if (Self) detail::axpy(T(2) * g[row_offset(i) + i], tb + i * D, dti, D);
      }
    }
  }
};

template <int Dim>
struct InteractionOp<CatInteraction, Dim> {
  static constexpr std::size_t D = static_cast<std::size_t>(Dim);
  static constexpr std::size_t input_width(std::size_t x_width, std::size_t tables) noexcept {
    return x_width + tables * D;
  }
  static constexpr std::size_t output_width(std::size_t x_width, std::size_t tables) noexcept {
    return x_width + tables * D;
  }
  // The model feeds T to the top MLP directly; forward/backward are copies for callers
  // that keep R separate.
  static constexpr bool output_is_input = true;

  template <class T>
  static void forward(const T* t, std::size_t t_stride, std::size_t width, T* r,
                      std::size_t r_stride, std::size_t b0, std::size_t b1) noexcept {
    for (std::size_t b = b0; b < b1; ++b) detail::copy(t + b * t_stride, r + b * r_stride, width);
  }
  template <class T>
  static void backward(const T* dr, std::size_t dr_stride, std::size_t width, T* dt,
                       std::size_t dt_stride, std::size_t b0, std::size_t b1) noexcept {
    for (std::size_t b = b0; b < b1; ++b)
      detail::copy(dr + b * dr_stride, dt + b * dt_stride, width);
  }
};

}  // namespace dlrm
