#pragma once
// Linear layers (torch.nn.Linear: y = x W^T + b, W is [out, in] row-major) with the bias
// and the activation fused into one pass after the GEMM, and the MLP built from them as
// in the reference create_mlp: ReLU after every layer, except that the last top layer is
// left linear here (its logits go to the loss; the sigmoid is applied at prediction).
#include <cstddef>
#include <stdexcept>
#include <vector>

#include <Eigen/Core>

#include "dlrm/detail/parallel.hpp"
#include "dlrm/detail/simd.hpp"

namespace dlrm {

enum class Activation { none, relu };

namespace detail {
template <class T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T>
using MatMap = Eigen::Map<RowMatrix<T>, 0, Eigen::OuterStride<>>;
template <class T>
using ConstMatMap = Eigen::Map<const RowMatrix<T>, 0, Eigen::OuterStride<>>;

// Row blocks for splitting a batch over threads: a multiple of the SIMD width keeps the
// GEMM panels full.
inline constexpr std::size_t batch_grain = 16;
}  // namespace detail

// y[B, out] (row stride y_stride) = act(x[B, in] W^T + b).
template <class T>
void linear_forward(const T* x, std::size_t x_stride, std::size_t batch, std::size_t in,
                    const T* W, const T* b, std::size_t out, T* y, std::size_t y_stride,
                    Activation act, int threads = 1) {
  using namespace detail;
  ConstMatMap<T> Wm(W, static_cast<Eigen::Index>(out), static_cast<Eigen::Index>(in),
                    Eigen::OuterStride<>(static_cast<Eigen::Index>(in)));
  parallel_for(batch, threads, batch_grain, [&](std::size_t r0, std::size_t r1) {
    const auto rows = static_cast<Eigen::Index>(r1 - r0);
    ConstMatMap<T> X(x + r0 * x_stride, rows, static_cast<Eigen::Index>(in),
                     Eigen::OuterStride<>(static_cast<Eigen::Index>(x_stride)));
    MatMap<T> Y(y + r0 * y_stride, rows, static_cast<Eigen::Index>(out),
                Eigen::OuterStride<>(static_cast<Eigen::Index>(y_stride)));
    Y.noalias() = X * Wm.transpose();
    for (std::size_t r = r0; r < r1; ++r) {
      T* yr = y + r * y_stride;
      if (act == Activation::relu)
        bias_relu(b, yr, out);
      else
        bias_add(b, yr, out);
    }
  });
}

// Backward of linear_forward. dy (the gradient w.r.t. the activated output y) is turned
// in place into the gradient w.r.t. the pre-activation; dW and db are overwritten;
// dx (may be null) is overwritten with the gradient w.r.t. x.
template <class T>
void linear_backward(const T* x, std::size_t x_stride, std::size_t batch, std::size_t in,
                     const T* W, std::size_t out, const T* y, std::size_t y_stride, T* dy,
                     std::size_t dy_stride, T* dW, T* db, T* dx, std::size_t dx_stride,
                     Activation act, int threads = 1) {
  using namespace detail;
  const auto B = static_cast<Eigen::Index>(batch);
  const auto I = static_cast<Eigen::Index>(in);
  // ReLU mask and bias gradient, split over output columns (no cross-thread sums).
  parallel_for(out, threads, 64, [&](std::size_t c0, std::size_t c1) {
    const std::size_t n = c1 - c0;
    zero(db + c0, n);
    for (std::size_t r = 0; r < batch; ++r) {
      T* g = dy + r * dy_stride + c0;
      if (act == Activation::relu)
        relu_backward_accumulate(y + r * y_stride + c0, g, db + c0, n);
      else
        add(g, db + c0, n);
    }
  });
  ConstMatMap<T> X(x, B, I, Eigen::OuterStride<>(static_cast<Eigen::Index>(x_stride)));
  ConstMatMap<T> G(dy, B, static_cast<Eigen::Index>(out),
                   Eigen::OuterStride<>(static_cast<Eigen::Index>(dy_stride)));
  // dW = G^T X, split over output rows.
  parallel_for(out, threads, 16, [&](std::size_t o0, std::size_t o1) {
    const auto n = static_cast<Eigen::Index>(o1 - o0);
    MatMap<T> dWm(dW + o0 * in, n, I, Eigen::OuterStride<>(I));
    dWm.noalias() = G.middleCols(static_cast<Eigen::Index>(o0), n).transpose() * X;
  });
  if (dx == nullptr) return;
  ConstMatMap<T> Wm(W, static_cast<Eigen::Index>(out), I, Eigen::OuterStride<>(I));
  // dx = G W, split over batch rows.
  parallel_for(batch, threads, batch_grain, [&](std::size_t r0, std::size_t r1) {
    const auto rows = static_cast<Eigen::Index>(r1 - r0);
    MatMap<T> dX(dx + r0 * dx_stride, rows, I,
                 Eigen::OuterStride<>(static_cast<Eigen::Index>(dx_stride)));
    dX.noalias() = G.middleRows(static_cast<Eigen::Index>(r0), rows) * Wm;
  });
}

// A stack of Linear layers. Parameters of all layers live in one flat buffer, layer by
// layer [W0, b0, W1, b1, ...], so a dense optimizer updates them in one sweep; the
// gradients mirror that buffer. Hidden activations are owned and grow with the batch.
template <class T>
class Mlp {
 public:
  Mlp() = default;
  // widths excludes the input width; relu_last says whether the last layer has a ReLU.
  Mlp(std::size_t in, std::vector<std::size_t> widths, bool relu_last)
      : in_(in), widths_(std::move(widths)), relu_last_(relu_last) {
    std::size_t prev = in_, total = 0;
    for (std::size_t w : widths_) {
      w_off_.push_back(total);
      total += w * prev;
      b_off_.push_back(total);
      total += w;
      prev = w;
    }
    params_.assign(total, T(0));
    grads_.assign(total, T(0));
    acts_.resize(widths_.size());
    dacts_.resize(widths_.size());
  }

  std::size_t layers() const noexcept { return widths_.size(); }
  std::size_t in() const noexcept { return in_; }
  std::size_t out() const noexcept { return widths_.empty() ? in_ : widths_.back(); }
  std::size_t in_width(std::size_t k) const noexcept { return k == 0 ? in_ : widths_[k - 1]; }
  std::size_t out_width(std::size_t k) const noexcept { return widths_[k]; }
  Activation activation(std::size_t k) const noexcept {
    return (k + 1 == widths_.size() && !relu_last_) ? Activation::none : Activation::relu;
  }

  T* weight(std::size_t k) noexcept { return params_.data() + w_off_[k]; }
  T* bias(std::size_t k) noexcept { return params_.data() + b_off_[k]; }
  const T* weight(std::size_t k) const noexcept { return params_.data() + w_off_[k]; }
  const T* bias(std::size_t k) const noexcept { return params_.data() + b_off_[k]; }
  T* weight_grad(std::size_t k) noexcept { return grads_.data() + w_off_[k]; }
  T* bias_grad(std::size_t k) noexcept { return grads_.data() + b_off_[k]; }
  std::vector<T>& params() noexcept { return params_; }
  std::vector<T>& grads() noexcept { return grads_; }
  const std::vector<T>& params() const noexcept { return params_; }
  const std::vector<T>& grads() const noexcept { return grads_; }

  // Hidden buffers for batches up to `batch` (no allocation for smaller ones later).
  void reserve(std::size_t batch) {
    if (batch <= capacity_) return;
    for (std::size_t k = 0; k + 1 < widths_.size(); ++k) {
      acts_[k].resize(batch * widths_[k]);
      dacts_[k].resize(batch * widths_[k]);
    }
    capacity_ = batch;
  }
  std::size_t capacity() const noexcept { return capacity_; }

  // The output of hidden layer k < layers() - 1 from the last forward.
  const T* activation_output(std::size_t k) const noexcept { return acts_[k].data(); }

  // out[B, out()] (row stride out_stride) = MLP(x[B, in()]).
  void forward(const T* x, std::size_t x_stride, std::size_t batch, T* out,
               std::size_t out_stride, int threads = 1) {
    reserve(batch);
    const T* cur = x;
    std::size_t cur_stride = x_stride;
    for (std::size_t k = 0; k < widths_.size(); ++k) {
      const bool last = k + 1 == widths_.size();
      T* dst = last ? out : acts_[k].data();
      const std::size_t dst_stride = last ? out_stride : widths_[k];
      linear_forward(cur, cur_stride, batch, in_width(k), weight(k), bias(k), widths_[k], dst,
                     dst_stride, activation(k), threads);
      cur = dst;
      cur_stride = dst_stride;
    }
  }

  // Backward after forward(x, ..., out, ...) on the same batch. dout (gradient w.r.t. the
  // output) is overwritten; grads() receives every parameter gradient; dx (may be null)
  // the gradient w.r.t. x.
  void backward(const T* x, std::size_t x_stride, std::size_t batch, const T* out,
                std::size_t out_stride, T* dout, std::size_t dout_stride, T* dx,
                std::size_t dx_stride, int threads = 1) {
    for (std::size_t k = widths_.size(); k-- > 0;) {
      const bool last = k + 1 == widths_.size();
      const T* y = last ? out : acts_[k].data();
      const std::size_t y_stride = last ? out_stride : widths_[k];
      T* dy = last ? dout : dacts_[k].data();
      const std::size_t dy_stride = last ? dout_stride : widths_[k];
      const T* xin = k == 0 ? x : acts_[k - 1].data();
      const std::size_t xin_stride = k == 0 ? x_stride : widths_[k - 1];
      T* dxin = k == 0 ? dx : dacts_[k - 1].data();
      const std::size_t dxin_stride = k == 0 ? dx_stride : widths_[k - 1];
      linear_backward(xin, xin_stride, batch, in_width(k), weight(k), widths_[k], y, y_stride,
                      dy, dy_stride, weight_grad(k), bias_grad(k), dxin, dxin_stride,
                      activation(k), threads);
    }
  }

 private:
  std::size_t in_ = 0;
  std::vector<std::size_t> widths_;
  bool relu_last_ = true;
  std::vector<std::size_t> w_off_, b_off_;
  std::vector<T> params_, grads_;
  std::vector<std::vector<T>> acts_, dacts_;
  std::size_t capacity_ = 0;
};

}  // namespace dlrm
