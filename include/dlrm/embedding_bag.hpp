#pragma once
// Embedding bags over CSR input (torch.nn.EmbeddingBag semantics): per bag, the sum or
// mean of the selected rows, optionally weighted per index; empty bags give zero. The
// backward pass yields sparse row gradients: each distinct row once, with the
// contributions of duplicate indices summed in index order (exact and reproducible).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "dlrm/batch.hpp"
#include "dlrm/config.hpp"
#include "dlrm/detail/simd.hpp"
#include "dlrm/error.hpp"

namespace dlrm {

// The [begin, end) positions in `in.indices` of bag b of a batch of `batch` bags.
// Offsets are relative to offsets[0]; without an end offset the last bag ends at
// indices.size().
inline void bag_range(const SparseInput& in, std::size_t batch, std::size_t b,
                      std::size_t& begin, std::size_t& end) noexcept {
  const std::int64_t base = in.offsets[0];
  begin = static_cast<std::size_t>(in.offsets[b] - base);
  if (b + 1 < in.offsets.size())
    end = static_cast<std::size_t>(in.offsets[b + 1] - base);
  else
    end = in.indices.size();
  (void)batch;
}

// Checks table `table`'s input for a batch of `batch` bags against a table of `rows` rows.
// Sizes are always checked (cheap); with `check_values` also the offsets' order and range
// and every index. Messages name the input as "Batch.sparse[<table>]" (built only when
// something is wrong: a valid batch allocates nothing here).
inline void validate_sparse_input(const SparseInput& in, std::size_t batch, std::size_t rows,
                                  std::size_t table, bool check_values) {
  const auto name = [table] { return "Batch.sparse[" + std::to_string(table) + "]"; };
  if (batch == 0) throw InputError(name() + ": the batch has no samples");
  const std::size_t n_off = in.offsets.size();
  if (n_off != batch && n_off != batch + 1)
    throw InputError(name() + ": offsets has " + std::to_string(n_off) + " entries, expected " +
                     std::to_string(batch) + " (one per bag) or " + std::to_string(batch + 1) +
                     " (with the end offset)");
  if (!in.weights.empty() && in.weights.size() != in.indices.size())
    throw InputError(name() + ": weights has " + std::to_string(in.weights.size()) +
                     " entries, expected 0 or one per index (" +
                     std::to_string(in.indices.size()) + ")");
  const std::int64_t base = in.offsets[0];
  const std::int64_t n_idx = static_cast<std::int64_t>(in.indices.size());
  const auto overrun = [&](std::size_t k) {
    return InputError(name() + ": offsets[" + std::to_string(k) + "] = " +
                      std::to_string(in.offsets[k]) + " points past the end of indices (" +
                      std::to_string(n_idx) + " indices from offsets[0] = " +
                      std::to_string(base) + ")");
  };
  if (!check_values) {
    // Only the O(1) checks: the end of the last bag.
    const std::int64_t last = static_cast<std::int64_t>(in.offsets[n_off - 1]) - base;
    if (last > n_idx || last < 0) throw overrun(n_off - 1);
    return;
  }
  for (std::size_t k = 1; k < n_off; ++k) {
    if (in.offsets[k] < in.offsets[k - 1])
      throw InputError(name() + ": offsets decrease at offsets[" + std::to_string(k) + "] = " +
                       std::to_string(in.offsets[k]) + " after " +
                       std::to_string(in.offsets[k - 1]) + ": offsets must be non-decreasing");
    if (static_cast<std::int64_t>(in.offsets[k]) - base > n_idx) throw overrun(k);
  }
  const std::int64_t r = static_cast<std::int64_t>(rows);
  for (std::size_t p = 0; p < in.indices.size(); ++p) {
    const std::int64_t v = in.indices[p];
    if (v < 0 || v >= r)
      throw InputError(name() + ": index " + std::to_string(v) + " at position " +
                       std::to_string(p) + " is out of range for a table of " +
                       std::to_string(rows) + " rows (valid: 0.." + std::to_string(rows - 1) +
                       ")");
  }
  for (std::size_t p = 0; p < in.weights.size(); ++p) {
    if (!std::isfinite(in.weights[p]))
      throw InputError(name() + ": weight at position " + std::to_string(p) + " is " +
                       std::to_string(in.weights[p]) + ": per-sample weights must be finite");
  }
}

// Pooled forward for bags [b_begin, b_end): out row b (stride out_stride) = pooled bag b.
template <class Pooling, int Dim, class T>
void embedding_bag_forward(const T* table, const SparseInput& in, std::size_t batch,
                           T* out, std::size_t out_stride, std::size_t b_begin,
                           std::size_t b_end) {
  static_assert(std::is_same_v<Pooling, SumPooling> || std::is_same_v<Pooling, MeanPooling>,
                "Pooling must be SumPooling or MeanPooling");
  const bool weighted = !in.weights.empty();
  for (std::size_t b = b_begin; b < b_end; ++b) {
    T* o = out + b * out_stride;
    std::size_t begin = 0, end = 0;
    bag_range(in, batch, b, begin, end);
    if (begin >= end) {
      detail::zero(o, Dim);
      continue;
    }
    // First row initialises the output: no separate zeroing pass.
    {
      const T* row = table + static_cast<std::size_t>(in.indices[begin]) * Dim;
      if (weighted)
        detail::scale_copy(static_cast<T>(in.weights[begin]), row, o, Dim);
      else
        detail::copy(row, o, Dim);
    }
    for (std::size_t p = begin + 1; p < end; ++p) {
      const T* row = table + static_cast<std::size_t>(in.indices[p]) * Dim;
      if (weighted)
        detail::axpy(static_cast<T>(in.weights[p]), row, o, Dim);
      else
        detail::add(row, o, Dim);
    }
    if constexpr (std::is_same_v<Pooling, MeanPooling>) {
      const T s = T(1) / static_cast<T>(end - begin);
      detail::scale_copy(s, o, o, Dim);
    }
  }
}

// The sparse gradient of one table: each row touched by the batch once, in order of first
// appearance, with its accumulated gradient.
template <class T>
class SparseRowGrad {
 public:
  SparseRowGrad() = default;
  SparseRowGrad(std::size_t table_rows, std::size_t dim) { reset(table_rows, dim); }

  void reset(std::size_t table_rows, std::size_t dim) {
    dim_ = dim;
    slot_.assign(table_rows, -1);
    rows_.clear();
    values_.clear();
  }

  std::size_t size() const noexcept { return rows_.size(); }
  std::size_t dim() const noexcept { return dim_; }
  const std::vector<std::int32_t>& rows() const noexcept { return rows_; }
  const T* values() const noexcept { return values_.data(); }
  const T* row_values(std::size_t k) const noexcept { return values_.data() + k * dim_; }

  // Grows the buffers so that `nnz` distinct rows fit without allocating during a step.
  void reserve(std::size_t nnz) {
    if (rows_.capacity() < nnz) rows_.reserve(nnz);
    if (values_.size() < nnz * dim_) values_.resize(nnz * dim_);
  }

  void begin() noexcept { rows_.clear(); }

  // The gradient slot of `row`, zeroed on first use.
  T* slot(std::int32_t row) {
    std::int32_t s = slot_[static_cast<std::size_t>(row)];
    if (s < 0) {
      s = static_cast<std::int32_t>(rows_.size());
      slot_[static_cast<std::size_t>(row)] = s;
      rows_.push_back(row);
      if (values_.size() < rows_.size() * dim_) values_.resize(rows_.size() * dim_);
      T* v = values_.data() + static_cast<std::size_t>(s) * dim_;
      detail::zero(v, dim_);
      return v;
    }
    return values_.data() + static_cast<std::size_t>(s) * dim_;
  }

  // Forgets the row -> slot map (rows and values stay readable until the next begin()).
  void end() noexcept {
    for (std::int32_t r : rows_) slot_[static_cast<std::size_t>(r)] = -1;
  }

 private:
  std::size_t dim_ = 0;
  std::vector<std::int32_t> slot_;  // table row -> slot, -1 if not touched
  std::vector<std::int32_t> rows_;
  std::vector<T> values_;
};

// Backward: from the pooled gradients (row b at grad_out + b * grad_stride) to the sparse
// row gradients of the table. d row[idx_p] += scale_b * w_p * grad_b for every index p.
template <class Pooling, int Dim, class T>
void embedding_bag_backward(const SparseInput& in, std::size_t batch, const T* grad_out,
                            std::size_t grad_stride, SparseRowGrad<T>& grad) {
  const bool weighted = !in.weights.empty();
  grad.reserve(in.indices.size());
  grad.begin();
  for (std::size_t b = 0; b < batch; ++b) {
    std::size_t begin = 0, end = 0;
    bag_range(in, batch, b, begin, end);
    if (begin >= end) continue;
    const T* g = grad_out + b * grad_stride;
    T scale = T(1);
    if constexpr (std::is_same_v<Pooling, MeanPooling>) scale = T(1) / static_cast<T>(end - begin);
    for (std::size_t p = begin; p < end; ++p) {
      const T w = weighted ? scale * static_cast<T>(in.weights[p]) : scale;
      T* s = grad.slot(in.indices[p]);
      if (w == T(1))
        detail::add(g, s, Dim);
      else
        detail::axpy(w, g, s, Dim);
    }
  }
  grad.end();
}

// Gradient of the loss with respect to the per-sample weights: one value per index,
// d w_p = scale_b * <grad_b, row[idx_p]>.
template <class Pooling, int Dim, class T>
void embedding_bag_weight_grad(const T* table, const SparseInput& in, std::size_t batch,
                               const T* grad_out, std::size_t grad_stride, T* grad_weights) {
  for (std::size_t b = 0; b < batch; ++b) {
    std::size_t begin = 0, end = 0;
    bag_range(in, batch, b, begin, end);
    if (begin >= end) continue;
    const T* g = grad_out + b * grad_stride;
    T scale = T(1);
    if constexpr (std::is_same_v<Pooling, MeanPooling>) scale = T(1) / static_cast<T>(end - begin);
    for (std::size_t p = begin; p < end; ++p)
      grad_weights[p] =
          scale * detail::dot(g, table + static_cast<std::size_t>(in.indices[p]) * Dim,
                              static_cast<std::size_t>(Dim));
  }
}

// One embedding table with its sparse gradient.
template <class T, int Dim, class Pooling = SumPooling>
class EmbeddingBag {
 public:
  static_assert(Dim > 0, "embedding dimension must be positive");
  static constexpr int dim = Dim;

  explicit EmbeddingBag(std::size_t rows)
      : rows_(rows), weight_(rows * static_cast<std::size_t>(Dim), T(0)),
        grad_(rows, static_cast<std::size_t>(Dim)) {}

  std::size_t rows() const noexcept { return rows_; }
  T* weight() noexcept { return weight_.data(); }
  const T* weight() const noexcept { return weight_.data(); }
  T* row(std::size_t r) noexcept { return weight_.data() + r * Dim; }

  void forward(const SparseInput& in, std::size_t batch, T* out, std::size_t out_stride) const {
    embedding_bag_forward<Pooling, Dim>(weight_.data(), in, batch, out, out_stride, 0, batch);
  }

  void backward(const SparseInput& in, std::size_t batch, const T* grad_out,
                std::size_t grad_stride) {
    embedding_bag_backward<Pooling, Dim>(in, batch, grad_out, grad_stride, grad_);
  }

  const SparseRowGrad<T>& grad() const noexcept { return grad_; }
  SparseRowGrad<T>& grad() noexcept { return grad_; }

 private:
  std::size_t rows_;
  std::vector<T> weight_;
  SparseRowGrad<T> grad_;
};

}  // namespace dlrm
