#pragma once
// Optimizers, each matching its PyTorch 1.13 / FBGEMM counterpart step for step.
//  Dense (MLP parameters, one flat buffer):
//   - SGD:  p -= lr (g + wd p)
//   - Adam: torch.optim.Adam: bias-corrected, eps added after dividing sqrt(v) by
//           sqrt(1 - beta2^t); step size lr / (1 - beta1^t); wd as L2 on the gradient.
//  Sparse (embedding tables; lazy: only the rows present in the batch change, from a
//  coalesced gradient where duplicate rows are already summed):
//   - SparseSGD:      row -= lr g
//   - SparseAdam:     torch.optim.SparseAdam: per-row moments, one step counter per table
//                     incremented every step, denominator sqrt(v) + eps, step size
//                     lr sqrt(1 - beta2^t) / (1 - beta1^t).
//   - RowWiseAdagrad: FBGEMM's row-wise Adagrad: one accumulator per row,
//                     G += mean(g^2), row -= lr g / (sqrt(G) + eps).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dlrm/config.hpp"
#include "dlrm/detail/parallel.hpp"
#include "dlrm/detail/simd.hpp"

namespace dlrm {

struct OptimizerOptions {
  float lr = 1e-3f;                                 // learning rate
  float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;  // Adam / SparseAdam
  float adagrad_eps = 1e-10f;                       // RowWiseAdagrad (initial accumulator 0)
  float weight_decay = 0.0f;                        // dense optimizers only
};

namespace detail {
// Element chunks for threads: a multiple of every SIMD width, so a split never moves an
// element between the vector body and the scalar tail.
inline constexpr std::size_t optimizer_grain = 4096;
}  // namespace detail

template <class Tag, class T>
class DenseOptimizer;

// Dense optimizers: step() updates a whole buffer; or begin_step() once, then
// update_range() on disjoint ranges (from any thread) as their gradients become ready.
template <class T>
class DenseOptimizer<SGD, T> {
 public:
  DenseOptimizer() = default;
  explicit DenseOptimizer(std::size_t) {}
  void begin_step(const OptimizerOptions& o) {
    ++steps_;
    lr_ = static_cast<T>(o.lr);
    wd_ = static_cast<T>(o.weight_decay);
  }
  void update_range(T* p, const T* g, std::size_t offset, std::size_t n) const {
    detail::sgd_update(lr_, wd_, g + offset, p + offset, n);
  }
  void step(const OptimizerOptions& o, T* p, const T* g, std::size_t n, int threads = 1) {
    begin_step(o);
    detail::parallel_for(n, threads, detail::optimizer_grain,
                         [&](std::size_t b, std::size_t e) { update_range(p, g, b, e - b); });
  }
  std::size_t steps() const noexcept { return steps_; }

 private:
  std::size_t steps_ = 0;
  T lr_ = T(0), wd_ = T(0);
};

template <class T>
class DenseOptimizer<Adam, T> {
 public:
  DenseOptimizer() = default;
  explicit DenseOptimizer(std::size_t n) : m_(n, T(0)), v_(n, T(0)) {}
  void begin_step(const OptimizerOptions& o) {
    ++steps_;
    // Bias corrections in double as Python computes them, then rounded once to T.
    const double t = static_cast<double>(steps_);
    const double bc1 = 1.0 - std::pow(static_cast<double>(o.beta1), t);
    const double bc2 = 1.0 - std::pow(static_cast<double>(o.beta2), t);
    step_size_ = static_cast<T>(static_cast<double>(o.lr) / bc1);
    inv_bc2_sqrt_ = T(1) / static_cast<T>(std::sqrt(bc2));
    beta1_ = static_cast<T>(o.beta1);
    beta2_ = static_cast<T>(o.beta2);
    eps_ = static_cast<T>(o.eps);
    wd_ = static_cast<T>(o.weight_decay);
  }
  void update_range(T* p, const T* g, std::size_t offset, std::size_t n) {
    detail::adam_update(step_size_, beta1_, beta2_, inv_bc2_sqrt_, eps_, wd_, g + offset,
                        p + offset, m_.data() + offset, v_.data() + offset, n);
  }
  void step(const OptimizerOptions& o, T* p, const T* g, std::size_t n, int threads = 1) {
    begin_step(o);
    detail::parallel_for(n, threads, detail::optimizer_grain,
                         [&](std::size_t b, std::size_t e) { update_range(p, g, b, e - b); });
  }
  std::size_t steps() const noexcept { return steps_; }
  const std::vector<T>& exp_avg() const noexcept { return m_; }
  const std::vector<T>& exp_avg_sq() const noexcept { return v_; }

 private:
  std::vector<T> m_, v_;
  std::size_t steps_ = 0;
  T step_size_ = T(0), inv_bc2_sqrt_ = T(1), beta1_ = T(0), beta2_ = T(0), eps_ = T(0),
    wd_ = T(0);
};

// Sparse optimizers update `count` distinct rows `rows[k]` of a [table_rows, dim] table
// from their coalesced gradients values[k * dim .. (k + 1) * dim).
template <class Tag, class T>
class SparseOptimizer;

template <class T>
class SparseOptimizer<SparseSGD, T> {
 public:
  SparseOptimizer() = default;
  SparseOptimizer(std::size_t, std::size_t dim) : dim_(dim) {}
  void step(const OptimizerOptions& o, T* table, const std::int32_t* rows, std::size_t count,
            const T* values) {
    ++steps_;
    const T lr = static_cast<T>(o.lr);
    for (std::size_t k = 0; k < count; ++k)
      detail::axpy(-lr, values + k * dim_, table + static_cast<std::size_t>(rows[k]) * dim_, dim_);
  }
  std::size_t steps() const noexcept { return steps_; }

 private:
  std::size_t dim_ = 0;
  std::size_t steps_ = 0;
};

template <class T>
class SparseOptimizer<SparseAdam, T> {
 public:
  SparseOptimizer() = default;
  SparseOptimizer(std::size_t table_rows, std::size_t dim)
      : dim_(dim), m_(table_rows * dim, T(0)), v_(table_rows * dim, T(0)) {}
  void step(const OptimizerOptions& o, T* table, const std::int32_t* rows, std::size_t count,
            const T* values) {
    ++steps_;
    const double t = static_cast<double>(steps_);
    const double bc1 = 1.0 - std::pow(static_cast<double>(o.beta1), t);
    const double bc2 = 1.0 - std::pow(static_cast<double>(o.beta2), t);
    const T step_size = static_cast<T>(static_cast<double>(o.lr) * std::sqrt(bc2) / bc1);
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t off = static_cast<std::size_t>(rows[k]) * dim_;
      detail::sparse_adam_update(step_size, static_cast<T>(o.beta1), static_cast<T>(o.beta2),
                                 static_cast<T>(o.eps), values + k * dim_, table + off,
                                 m_.data() + off, v_.data() + off, dim_);
    }
  }
  std::size_t steps() const noexcept { return steps_; }
  const std::vector<T>& exp_avg() const noexcept { return m_; }
  const std::vector<T>& exp_avg_sq() const noexcept { return v_; }

 private:
  std::size_t dim_ = 0;
  std::vector<T> m_, v_;
  std::size_t steps_ = 0;
};

template <class T>
class SparseOptimizer<RowWiseAdagrad, T> {
 public:
  SparseOptimizer() = default;
  SparseOptimizer(std::size_t table_rows, std::size_t dim) : dim_(dim), acc_(table_rows, T(0)) {}
  void step(const OptimizerOptions& o, T* table, const std::int32_t* rows, std::size_t count,
            const T* values) {
    ++steps_;
    const T lr = static_cast<T>(o.lr), eps = static_cast<T>(o.adagrad_eps);
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t r = static_cast<std::size_t>(rows[k]);
      const T* g = values + k * dim_;
      acc_[r] += detail::sum_squares(g, dim_) / static_cast<T>(dim_);
      const T mult = lr / (std::sqrt(acc_[r]) + eps);
      detail::axpy(-mult, g, table + r * dim_, dim_);
    }
  }
  std::size_t steps() const noexcept { return steps_; }
  const std::vector<T>& accumulator() const noexcept { return acc_; }

 private:
  std::size_t dim_ = 0;
  std::vector<T> acc_;
  std::size_t steps_ = 0;
};

}  // namespace dlrm
