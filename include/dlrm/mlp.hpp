#pragma once
// Linear layers (torch.nn.Linear: y = x W^T + b, W is [out, in] row-major) with the bias
// and the activation fused into one pass after the GEMM, and the MLP built from them as
// in the reference create_mlp: ReLU after every layer, except that the last top layer is
// left linear here (its logits go to the loss; the sigmoid is applied at prediction).
//
// The kernels come in pieces that a thread team can run without talking to each other:
// forward and the input-gradient chain on a block of batch rows; parameter gradients on a
// block of output features (over the whole batch). The only synchronisation a training
// step needs is one barrier between the two.
#include <cstddef>
#include <vector>

#include <Eigen/Core>

#include "dlrm/detail/parallel.hpp"
#include "dlrm/detail/simd.hpp"

namespace dlrm {

enum class Activation { none, relu };

// A plain SGD step applied where the weight gradient is computed (W -= lr (dW + wd W)),
// so that dW is never written to memory and read back.
template <class T>
struct FusedSgd {
  T lr;
  T weight_decay;
};

namespace detail {
template <class T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T>
using MatMap = Eigen::Map<RowMatrix<T>, 0, Eigen::OuterStride<>>;
template <class T>
using ConstMatMap = Eigen::Map<const RowMatrix<T>, 0, Eigen::OuterStride<>>;

inline Eigen::Index idx(std::size_t n) noexcept { return static_cast<Eigen::Index>(n); }

// Row blocks for splitting a batch over threads, and feature blocks for the weights.
inline constexpr std::size_t batch_grain = 8;
inline constexpr std::size_t feature_grain = 8;
}  // namespace detail

// Rows [r0, r1) of y[., out] (row stride y_stride) = act(x W^T + b).
template <class T>
void linear_forward_rows(const T* x, std::size_t x_stride, std::size_t r0, std::size_t r1,
                         std::size_t in, const T* W, const T* b, std::size_t out, T* y,
                         std::size_t y_stride, Activation act) {
  using namespace detail;
  if (r1 <= r0) return;
  ConstMatMap<T> Wm(W, idx(out), idx(in), Eigen::OuterStride<>(idx(in)));
  ConstMatMap<T> X(x + r0 * x_stride, idx(r1 - r0), idx(in), Eigen::OuterStride<>(idx(x_stride)));
  MatMap<T> Y(y + r0 * y_stride, idx(r1 - r0), idx(out), Eigen::OuterStride<>(idx(y_stride)));
  Y.noalias() = X * Wm.transpose();
  for (std::size_t r = r0; r < r1; ++r) {
    if (act == Activation::relu)
      bias_relu(b, y + r * y_stride, out);
    else
      bias_add(b, y + r * y_stride, out);
  }
}

// Rows [r0, r1): dy = y > 0 ? dy : 0 (the ReLU backward, in place).
template <class T>
void relu_mask_rows(const T* y, std::size_t y_stride, T* dy, std::size_t dy_stride,
                    std::size_t r0, std::size_t r1, std::size_t out) noexcept {
  for (std::size_t r = r0; r < r1; ++r)
    detail::relu_backward(y + r * y_stride, dy + r * dy_stride, out);
}

// Rows [r0, r1) of dx[., in] = dy[., out] W.
template <class T>
void linear_input_grad_rows(const T* dy, std::size_t dy_stride, std::size_t r0, std::size_t r1,
                            const T* W, std::size_t out, std::size_t in, T* dx,
                            std::size_t dx_stride) {
  using namespace detail;
  if (r1 <= r0) return;
  ConstMatMap<T> Wm(W, idx(out), idx(in), Eigen::OuterStride<>(idx(in)));
  ConstMatMap<T> G(dy + r0 * dy_stride, idx(r1 - r0), idx(out), Eigen::OuterStride<>(idx(dy_stride)));
  MatMap<T> dX(dx + r0 * dx_stride, idx(r1 - r0), idx(in), Eigen::OuterStride<>(idx(dx_stride)));
  dX.noalias() = G * Wm;
}

// Output features [o0, o1) of the parameter gradients over the whole batch:
// dW[o0:o1] = dy[:, o0:o1]^T x, db[o0:o1] = column sums of dy (rows in order). With `sgd`,
// W_mut and b_mut take the SGD step instead and dW is not touched.
template <class T>
void linear_param_grad_range(const T* x, std::size_t x_stride, std::size_t batch,
                             std::size_t in, const T* dy, std::size_t dy_stride,
                             std::size_t o0, std::size_t o1, T* dW, T* db,
                             const FusedSgd<T>* sgd = nullptr, T* W_mut = nullptr,
                             T* b_mut = nullptr) {
  using namespace detail;
  if (o1 <= o0) return;
  const std::size_t n = o1 - o0;
  zero(db + o0, n);
  for (std::size_t r = 0; r < batch; ++r) add(dy + r * dy_stride + o0, db + o0, n);
  ConstMatMap<T> X(x, idx(batch), idx(in), Eigen::OuterStride<>(idx(x_stride)));
  ConstMatMap<T> G(dy + o0, idx(batch), idx(n), Eigen::OuterStride<>(idx(dy_stride)));
  if (sgd == nullptr) {
    MatMap<T> dWm(dW + o0 * in, idx(n), idx(in), Eigen::OuterStride<>(idx(in)));
    dWm.noalias() = G.transpose() * X;
    return;
  }
  MatMap<T> Wu(W_mut + o0 * in, idx(n), idx(in), Eigen::OuterStride<>(idx(in)));
  if (sgd->weight_decay != T(0)) Wu *= T(1) - sgd->lr * sgd->weight_decay;
  Wu.noalias() -= (sgd->lr * G.transpose()) * X;
  sgd_update(sgd->lr, sgd->weight_decay, db + o0, b_mut + o0, n);
}

// y[B, out] (row stride y_stride) = act(x[B, in] W^T + b), split over `threads`.
template <class T>
void linear_forward(const T* x, std::size_t x_stride, std::size_t batch, std::size_t in,
                    const T* W, const T* b, std::size_t out, T* y, std::size_t y_stride,
                    Activation act, int threads = 1) {
  detail::parallel_for(batch, threads, detail::batch_grain, [&](std::size_t r0, std::size_t r1) {
    linear_forward_rows(x, x_stride, r0, r1, in, W, b, out, y, y_stride, act);
  });
}

// Backward of linear_forward. dy (the gradient w.r.t. the activated output y) is turned
// in place into the gradient w.r.t. the pre-activation; dW and db are overwritten; dx
// (may be null) is overwritten with the gradient w.r.t. x.
template <class T>
void linear_backward(const T* x, std::size_t x_stride, std::size_t batch, std::size_t in,
                     const T* W, std::size_t out, const T* y, std::size_t y_stride, T* dy,
                     std::size_t dy_stride, T* dW, T* db, T* dx, std::size_t dx_stride,
                     Activation act, int threads = 1) {
  detail::parallel_for(batch, threads, detail::batch_grain, [&](std::size_t r0, std::size_t r1) {
    if (act == Activation::relu) relu_mask_rows(y, y_stride, dy, dy_stride, r0, r1, out);
    if (dx != nullptr) linear_input_grad_rows(dy, dy_stride, r0, r1, W, out, in, dx, dx_stride);
  });
  detail::parallel_for(out, threads, detail::feature_grain, [&](std::size_t o0, std::size_t o1) {
    linear_param_grad_range(x, x_stride, batch, in, dy, dy_stride, o0, o1, dW, db);
  });
}

// A stack of Linear layers. Parameters of all layers live in one flat buffer, layer by
// layer [W0, b0, W1, b1, ...], so a dense optimizer can sweep them at once; the gradients
// mirror that buffer. Hidden activations are owned and grow with the batch.
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
  std::size_t weight_offset(std::size_t k) const noexcept { return w_off_[k]; }
  std::size_t bias_offset(std::size_t k) const noexcept { return b_off_[k]; }

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

  // Rows [r0, r1) of out[., out()] (row stride out_stride) = MLP(x). Needs reserve(r1).
  void forward_rows(const T* x, std::size_t x_stride, std::size_t r0, std::size_t r1, T* out,
                    std::size_t out_stride) {
    const T* cur = x;
    std::size_t cur_stride = x_stride;
    for (std::size_t k = 0; k < widths_.size(); ++k) {
      const bool last = k + 1 == widths_.size();
      T* dst = last ? out : acts_[k].data();
      const std::size_t dst_stride = last ? out_stride : widths_[k];
      linear_forward_rows(cur, cur_stride, r0, r1, in_width(k), weight(k), bias(k), widths_[k],
                          dst, dst_stride, activation(k));
      cur = dst;
      cur_stride = dst_stride;
    }
  }

  // Rows [r0, r1) of the backward chain through the activations: every layer's output
  // gradient becomes its pre-activation gradient (dout included, in place), and dx (may
  // be null) receives the gradient w.r.t. x. Parameters are not touched.
  void backward_data_rows(std::size_t r0, std::size_t r1, const T* out, std::size_t out_stride,
                          T* dout, std::size_t dout_stride, T* dx, std::size_t dx_stride) {
    for (std::size_t k = widths_.size(); k-- > 0;) {
      const bool last = k + 1 == widths_.size();
      const T* y = last ? out : acts_[k].data();
      const std::size_t y_stride = last ? out_stride : widths_[k];
      T* dy = last ? dout : dacts_[k].data();
      const std::size_t dy_stride = last ? dout_stride : widths_[k];
      if (activation(k) == Activation::relu)
        relu_mask_rows(y, y_stride, dy, dy_stride, r0, r1, widths_[k]);
      T* dxin = k == 0 ? dx : dacts_[k - 1].data();
      const std::size_t dxin_stride = k == 0 ? dx_stride : widths_[k - 1];
      if (dxin != nullptr)
        linear_input_grad_rows(dy, dy_stride, r0, r1, weight(k), widths_[k], in_width(k), dxin,
                               dxin_stride);
    }
  }

  // After backward_data_rows has covered the whole batch: part `part` of `parts` of every
  // layer's parameter gradients (a block of output features over the whole batch). With
  // `sgd` the block takes its SGD step at once; otherwise grads() receives it and
  // on_range(offset, count) is called for each finished range of the flat buffer, so that
  // an optimizer can update it while it is hot.
  template <class OnRange>
  void backward_params_part(const T* x, std::size_t x_stride, std::size_t batch,
                            const T* dout, std::size_t dout_stride, int part, int parts,
                            const FusedSgd<T>* sgd, OnRange&& on_range) {
    for (std::size_t k = widths_.size(); k-- > 0;) {
      const bool last = k + 1 == widths_.size();
      const T* g = last ? dout : dacts_[k].data();
      const std::size_t g_stride = last ? dout_stride : widths_[k];
      const T* xin = k == 0 ? x : acts_[k - 1].data();
      const std::size_t xin_stride = k == 0 ? x_stride : widths_[k - 1];
      std::size_t o0 = 0, o1 = 0;
      detail::split_range(widths_[k], parts, part, detail::feature_grain, o0, o1);
      if (o0 >= o1) continue;
      linear_param_grad_range(xin, xin_stride, batch, in_width(k), g, g_stride, o0, o1,
                              weight_grad(k), bias_grad(k), sgd, weight(k), bias(k));
      if (sgd == nullptr) {
        on_range(w_off_[k] + o0 * in_width(k), (o1 - o0) * in_width(k));
        on_range(b_off_[k] + o0, o1 - o0);
      }
    }
  }

  // Whole-batch forward, split over `threads` (batch rows).
  void forward(const T* x, std::size_t x_stride, std::size_t batch, T* out,
               std::size_t out_stride, int threads = 1) {
    reserve(batch);
    detail::parallel_for(batch, threads, detail::batch_grain, [&](std::size_t r0, std::size_t r1) {
      forward_rows(x, x_stride, r0, r1, out, out_stride);
    });
  }

  // Whole-batch backward after forward(x, ..., out, ...) on the same batch. dout is
  // overwritten; grads() receives every parameter gradient (or, with `sgd`, the step is
  // taken in place); dx (may be null) the gradient w.r.t. x.
  void backward(const T* x, std::size_t x_stride, std::size_t batch, const T* out,
                std::size_t out_stride, T* dout, std::size_t dout_stride, T* dx,
                std::size_t dx_stride, int threads = 1, const FusedSgd<T>* sgd = nullptr) {
    detail::parallel_for(batch, threads, detail::batch_grain, [&](std::size_t r0, std::size_t r1) {
      backward_data_rows(r0, r1, out, out_stride, dout, dout_stride, dx, dx_stride);
    });
    detail::run_team(threads, [&](const detail::Team& team) {
      backward_params_part(x, x_stride, batch, dout, dout_stride, team.part, team.parts, sgd,
                           [](std::size_t, std::size_t) {});
    });
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
