#pragma once
// Dlrm<Config>: the composition of the reference DLRM_Net (dlrm_s_pytorch.py):
//   x   = bottom MLP(dense)              ReLU after every layer
//   e_t = EmbeddingBag_t(sparse_t)       sum or mean pooling
//   r   = interaction(x, e_1..e_F)       dot (reference pair order) or cat
//   z   = top MLP(r)                     ReLU after every layer but the last
//   p   = sigmoid(z)
// trained with weighted BCE on z, a dense optimizer on the MLPs and a lazy sparse one
// on the tables. Parameters are stored in the reference state_dict layout.
//
// Buffers for a batch are allocated on the first batch of that size (or larger) and
// reused afterwards; predict_one allocates nothing after its first call.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "dlrm/batch.hpp"
#include "dlrm/config.hpp"
#include "dlrm/detail/parallel.hpp"
#include "dlrm/detail/random.hpp"
#include "dlrm/detail/simd.hpp"
#include "dlrm/embedding_bag.hpp"
#include "dlrm/error.hpp"
#include "dlrm/interaction.hpp"
#include "dlrm/loss.hpp"
#include "dlrm/mlp.hpp"
#include "dlrm/optim.hpp"
#include "dlrm/span.hpp"

namespace dlrm {

struct TrainOptions {
  OptimizerOptions dense;          // MLP optimizer
  OptimizerOptions sparse;         // table optimizer
  float positive_weight = 1.0f;    // BCE class weight of label 1
  float negative_weight = 1.0f;    // BCE class weight of label 0
};

// One single-event input for predict_one: one-hot, one index per table.
struct Event {
  span<const float> dense;               // shape.dense values
  span<const std::int32_t> indices;      // shape.tables.size() values
};

// A named parameter tensor in the reference layout (PyTorch DLRM_Net.state_dict()).
template <class T>
struct BasicTensorView {
  std::string name;                      // "emb_l.0.weight", "bot_l.0.weight", "top_l.4.bias", ...
  std::vector<std::size_t> shape;        // [rows, dim] | [out, in] | [out]
  T* data;                               // row-major, contiguous, owned by the model
};
using TensorView = BasicTensorView<float>;

namespace detail {

template <class Interaction>
struct is_dot_interaction : std::false_type {};
template <bool Self>
struct is_dot_interaction<DotInteraction<Self>> : std::true_type {};

inline std::string shape_field(const char* name, std::size_t i) {
  return std::string("Shape.") + name + "[" + std::to_string(i) + "]";
}

}  // namespace detail

template <class Config>
class Dlrm {
 public:
  using scalar = typename Config::scalar;
  using interaction = typename Config::interaction;
  using pooling = typename Config::pooling;
  using dense_optimizer = typename Config::dense_optimizer;
  using sparse_optimizer = typename Config::sparse_optimizer;
  static constexpr int embedding_dim = Config::embedding_dim;

  // float in production; double works too (the tests use it for tight gradient checks).
  static_assert(std::is_floating_point_v<scalar>, "Config::scalar must be float or double");
  using tensor_view = BasicTensorView<scalar>;
  static_assert(embedding_dim > 0, "Config::embedding_dim must be positive");

  // ShapeError on bad shapes. Initialisation as the reference: MLP W ~ N(0, sqrt(2/(out+in))),
  // b ~ N(0, sqrt(1/out)), tables U(-sqrt(1/rows), sqrt(1/rows)); each tensor draws from
  // its own stream derived from `seed`.
  Dlrm(const Shape& shape, std::uint64_t seed, TrainOptions options = {})
      : shape_(shape), options_(options) {
    validate_shape(shape_);
    F_ = shape_.tables.size();
    x_width_ = shape_.bottom.back();
    t_width_ = Op::input_width(x_width_, F_);
    r_width_ = Op::output_width(x_width_, F_);
    flops_per_sample_ = 0;
    for (const auto* widths : {&shape_.bottom, &shape_.top}) {
      std::size_t prev = widths == &shape_.bottom ? shape_.dense : r_width_;
      for (std::size_t w : *widths) {
        flops_per_sample_ += 2 * prev * w;
        prev = w;
      }
    }
    bottom_ = Mlp<scalar>(shape_.dense, shape_.bottom, /*relu_last=*/true);
    top_ = Mlp<scalar>(r_width_, shape_.top, /*relu_last=*/false);
    tables_.reserve(F_);
    table_opt_.reserve(F_);
    for (std::size_t t = 0; t < F_; ++t) {
      tables_.emplace_back(shape_.tables[t]);
      table_opt_.emplace_back(shape_.tables[t], static_cast<std::size_t>(embedding_dim));
    }
    bottom_opt_ = DenseOptimizer<dense_optimizer, scalar>(bottom_.params().size());
    top_opt_ = DenseOptimizer<dense_optimizer, scalar>(top_.params().size());
    initialise(seed);
    Eigen::setNbThreads(1);  // the model splits GEMMs over threads itself
    reserve(1);
  }

  const Shape& shape() const noexcept { return shape_; }
  std::size_t interaction_width() const noexcept { return r_width_; }

  // The thread count is an upper bound: a step too small to pay for waking a second
  // thread (see min_flops_per_thread) runs on one. The choice depends only on the shape,
  // the batch size and n, so results stay reproducible for a given n.
  void set_threads(int n) {
    if (n < 1) throw Error("Dlrm::set_threads: " + std::to_string(n) + " threads: pass 1 or more");
    threads_ = n;
    Eigen::setNbThreads(1);
  }
  int threads() const noexcept { return threads_; }
  // The threads a training step on `batch` samples actually uses (<= threads()).
  int threads_for(std::size_t batch) const noexcept { return team_size_for(batch, true); }
  void set_input_checks(bool on) noexcept { checks_ = on; }
  bool input_checks() const noexcept { return checks_; }
  TrainOptions& options() noexcept { return options_; }
  const TrainOptions& options() const noexcept { return options_; }
  std::size_t steps() const noexcept { return steps_; }

  // Forward, weighted BCE (mean over the batch), backward and one optimizer step.
  // The loss is returned as scalar (float for float models).
  scalar train_step(const Batch& batch) {
    validate(batch, /*need_labels=*/true);
    reserve(batch.size);
    // Sparse-gradient room for this batch, here where a failed allocation can still throw
    // (nothing inside the thread team may).
    for (std::size_t t = 0; t < F_; ++t) tables_[t].grad().reserve(batch.sparse[t].indices.size());
    run(batch, /*train=*/true);
    ++steps_;
    return mean_of_terms(terms_.data(), batch.size);
  }

  // Forward and loss only (no update), e.g. for validation.
  scalar loss(const Batch& batch) {
    validate(batch, /*need_labels=*/true);
    reserve(batch.size);
    run(batch, /*train=*/false, /*with_loss=*/true);
    return mean_of_terms(terms_.data(), batch.size);
  }

  void predict_logits(const Batch& batch, span<float> logits) {
    validate(batch, /*need_labels=*/false);
    check_output(batch, logits, "logits");
    reserve(batch.size);
    run(batch, /*train=*/false);
    for (std::size_t b = 0; b < batch.size; ++b) logits[b] = static_cast<float>(logits_[b]);
  }

  void predict(const Batch& batch, span<float> probabilities) {
    validate(batch, /*need_labels=*/false);
    check_output(batch, probabilities, "probabilities");
    reserve(batch.size);
    run(batch, /*train=*/false);
    for (std::size_t b = 0; b < batch.size; ++b)
      probabilities[b] = static_cast<float>(sigmoid(logits_[b]));
  }

  // One event, one thread, no heap allocation (the buffers for a batch of one exist from
  // construction on).
  float predict_one(const Event& event) {
    validate_event(event);
    bottom_.forward(dense_input(event.dense.data(), 1), shape_.dense, 1, t_.data(), t_width_, 1);
    scalar* e = t_.data() + x_width_;
    for (std::size_t t = 0; t < F_; ++t)
      detail::copy(tables_[t].weight() +
                       static_cast<std::size_t>(event.indices[t]) * embedding_dim,
                   e + t * embedding_dim, static_cast<std::size_t>(embedding_dim));
    const scalar* r = t_.data();
    if constexpr (!Op::output_is_input) {
      Op::forward(t_.data(), t_width_, F_, r_.data(), r_width_, 0, 1);
      r = r_.data();
    }
    top_.forward(r, r_width_, 1, logits_.data(), 1, 1);
    return static_cast<float>(sigmoid(logits_[0]));
  }

  // Every tensor in state_dict order: emb_l.*, bot_l.*, top_l.*.
  std::vector<tensor_view> parameters() {
    std::vector<tensor_view> out;
    for (std::size_t t = 0; t < F_; ++t)
      out.push_back({"emb_l." + std::to_string(t) + ".weight",
                     {shape_.tables[t], static_cast<std::size_t>(embedding_dim)},
                     tables_[t].weight()});
    add_mlp_views(out, "bot_l", bottom_);
    add_mlp_views(out, "top_l", top_);
    return out;
  }

  // Direct access for tools (serialization of optimizer state, explanations).
  EmbeddingBag<scalar, embedding_dim, pooling>& table(std::size_t t) { return tables_[t]; }
  Mlp<scalar>& bottom_mlp() noexcept { return bottom_; }
  Mlp<scalar>& top_mlp() noexcept { return top_; }

 private:
  using Op = InteractionOp<interaction, embedding_dim>;

  static void validate_shape(const Shape& s) {
    if (s.dense == 0)
      throw ShapeError("Shape.dense is 0: the bottom MLP needs at least one dense feature");
    if (s.tables.empty())
      throw ShapeError("Shape.tables is empty: a DLRM needs at least one embedding table");
    for (std::size_t t = 0; t < s.tables.size(); ++t) {
      if (s.tables[t] == 0)
        throw ShapeError(detail::shape_field("tables", t) +
                         " is 0: every embedding table needs at least one row");
      if (s.tables[t] > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
        throw ShapeError(detail::shape_field("tables", t) + " is " + std::to_string(s.tables[t]) +
                         ": indices are int32, so a table has at most 2147483647 rows");
    }
    if (s.bottom.empty())
      throw ShapeError("Shape.bottom is empty: the bottom MLP needs at least one layer");
    for (std::size_t k = 0; k < s.bottom.size(); ++k)
      if (s.bottom[k] == 0)
        throw ShapeError(detail::shape_field("bottom", k) + " is 0: layer widths must be positive");
    if (s.top.empty())
      throw ShapeError("Shape.top is empty: the top MLP needs at least one layer (ending in 1)");
    for (std::size_t k = 0; k < s.top.size(); ++k)
      if (s.top[k] == 0)
        throw ShapeError(detail::shape_field("top", k) + " is 0: layer widths must be positive");
    if (s.top.back() != 1)
      throw ShapeError("Shape.top ends in " + std::to_string(s.top.back()) +
                       ": the last top layer must have width 1 (it outputs the logit)");
    if constexpr (detail::is_dot_interaction<interaction>::value) {
      if (s.bottom.back() != static_cast<std::size_t>(embedding_dim))
        throw ShapeError("Shape.bottom ends in " + std::to_string(s.bottom.back()) +
                         " but Config::embedding_dim is " + std::to_string(embedding_dim) +
                         ": under dot interaction the bottom MLP output is one of the "
                         "interacting vectors, so its last width must equal the embedding "
                         "dimension");
    }
  }

  void initialise(std::uint64_t seed) {
    std::uint64_t stream = 0;
    for (std::size_t t = 0; t < F_; ++t) {
      detail::SplitMix64 g(detail::derive_seed(seed, stream++));
      const double a = std::sqrt(1.0 / static_cast<double>(shape_.tables[t]));
      scalar* w = tables_[t].weight();
      const std::size_t n = shape_.tables[t] * static_cast<std::size_t>(embedding_dim);
      for (std::size_t i = 0; i < n; ++i) w[i] = static_cast<scalar>(static_cast<float>(g.uniform(-a, a)));
    }
    for (Mlp<scalar>* m : {&bottom_, &top_}) {
      for (std::size_t k = 0; k < m->layers(); ++k) {
        const double in = static_cast<double>(m->in_width(k));
        const double out = static_cast<double>(m->out_width(k));
        detail::SplitMix64 gw(detail::derive_seed(seed, stream++));
        const double sw = std::sqrt(2.0 / (out + in));
        scalar* W = m->weight(k);
        const std::size_t nw = m->in_width(k) * m->out_width(k);
        for (std::size_t i = 0; i < nw; ++i) W[i] = static_cast<scalar>(static_cast<float>(gw.normal(0.0, sw)));
        detail::SplitMix64 gb(detail::derive_seed(seed, stream++));
        const double sb = std::sqrt(1.0 / out);
        scalar* b = m->bias(k);
        for (std::size_t i = 0; i < m->out_width(k); ++i)
          b[i] = static_cast<scalar>(static_cast<float>(gb.normal(0.0, sb)));
      }
    }
  }

  static void add_mlp_views(std::vector<tensor_view>& out, const char* prefix, Mlp<scalar>& m) {
    for (std::size_t k = 0; k < m.layers(); ++k) {
      const std::string base = std::string(prefix) + "." + std::to_string(2 * k);
      out.push_back({base + ".weight", {m.out_width(k), m.in_width(k)}, m.weight(k)});
      out.push_back({base + ".bias", {m.out_width(k)}, m.bias(k)});
    }
  }

  void reserve(std::size_t B) {
    if (B <= capacity_) return;
    t_.resize(B * t_width_);
    dt_.resize(B * t_width_);
    if constexpr (!Op::output_is_input) {
      r_.resize(B * r_width_);
      dr_.resize(B * r_width_);
    }
    logits_.resize(B);
    dlogits_.resize(B);
    terms_.resize(B);
    if constexpr (!std::is_same_v<scalar, float>) x_.resize(B * shape_.dense);
    bottom_.reserve(B);
    top_.reserve(B);
    capacity_ = B;
  }

  void validate(const Batch& batch, bool need_labels) const {
    const std::size_t B = batch.size;
    if (B == 0) throw InputError("Batch.size is 0: a batch needs at least one sample");
    if (batch.dense.size() != B * shape_.dense)
      throw InputError("Batch.dense has " + std::to_string(batch.dense.size()) +
                       " values, expected size x dense = " + std::to_string(B) + " x " +
                       std::to_string(shape_.dense) + " = " + std::to_string(B * shape_.dense) +
                       " (row-major)");
    if (batch.sparse.size() != F_)
      throw InputError("Batch.sparse has " + std::to_string(batch.sparse.size()) +
                       " tables, the model has " + std::to_string(F_) +
                       ": pass one SparseInput per table, in table order");
    if (need_labels && batch.labels.size() != B)
      throw InputError("Batch.labels has " + std::to_string(batch.labels.size()) +
                       " values, expected one per sample (" + std::to_string(B) + ")");
    if (!batch.sample_weights.empty() && batch.sample_weights.size() != B)
      throw InputError("Batch.sample_weights has " + std::to_string(batch.sample_weights.size()) +
                       " values, expected 0 or one per sample (" + std::to_string(B) + ")");
    for (std::size_t t = 0; t < F_; ++t)
      validate_sparse_input(batch.sparse[t], B, shape_.tables[t], t, checks_);
    if (!checks_) return;
    for (std::size_t i = 0; i < batch.dense.size(); ++i)
      if (!std::isfinite(batch.dense[i]))
        throw InputError("Batch.dense row " + std::to_string(i / shape_.dense) + " column " +
                         std::to_string(i % shape_.dense) + " is " +
                         (std::isnan(batch.dense[i]) ? std::string("nan") : std::string(batch.dense[i] > 0 ? "inf" : "-inf")) +
                         ": dense features must be finite (impute or drop the value first)");
    if (need_labels) {
      for (std::size_t b = 0; b < B; ++b)
        if (!(batch.labels[b] >= 0.0f && batch.labels[b] <= 1.0f))
          throw InputError("Batch.labels[" + std::to_string(b) + "] is " +
                           std::to_string(batch.labels[b]) + ": labels must be in [0, 1]");
    }
    for (std::size_t b = 0; b < batch.sample_weights.size(); ++b)
      if (!std::isfinite(batch.sample_weights[b]) || batch.sample_weights[b] < 0.0f)
        throw InputError("Batch.sample_weights[" + std::to_string(b) + "] is " +
                         std::to_string(batch.sample_weights[b]) +
                         ": sample weights must be finite and non-negative");
  }

  void validate_event(const Event& ev) const {
    if (ev.dense.size() != shape_.dense)
      throw InputError("Event.dense has " + std::to_string(ev.dense.size()) +
                       " values, expected " + std::to_string(shape_.dense));
    if (ev.indices.size() != F_)
      throw InputError("Event.indices has " + std::to_string(ev.indices.size()) +
                       " values, expected one per table (" + std::to_string(F_) + ")");
    if (!checks_) return;
    for (std::size_t t = 0; t < F_; ++t) {
      const std::int64_t v = ev.indices[t];
      if (v < 0 || v >= static_cast<std::int64_t>(shape_.tables[t]))
        throw InputError("Event.indices[" + std::to_string(t) + "]: index " + std::to_string(v) +
                         " is out of range for a table of " + std::to_string(shape_.tables[t]) +
                         " rows (valid: 0.." + std::to_string(shape_.tables[t] - 1) + ")");
    }
    for (std::size_t i = 0; i < shape_.dense; ++i)
      if (!std::isfinite(ev.dense[i]))
        throw InputError("Event.dense column " + std::to_string(i) + " is " +
                         (std::isnan(ev.dense[i]) ? std::string("nan") : std::string(ev.dense[i] > 0 ? "inf" : "-inf")) +
                         ": dense features must be finite (impute or drop the value first)");
  }

  void check_output(const Batch& batch, span<float> out, const char* what) const {
    if (out.size() != batch.size)
      throw InputError(std::string(what) + " has " + std::to_string(out.size()) +
                       " entries, expected one per sample (" + std::to_string(batch.size) + ")");
  }

  // The dense input as scalar: the caller's floats, or (for a double model) a converted
  // copy of the first `batch` rows made here; batch 0 reuses the last copy.
  const scalar* dense_input(const float* dense, std::size_t batch) {
    if constexpr (std::is_same_v<scalar, float>) {
      (void)batch;
      return dense;
    } else {
      for (std::size_t i = 0; i < batch * shape_.dense; ++i) x_[i] = static_cast<scalar>(dense[i]);
      return x_.data();
    }
  }

  // Below this many MLP flops per member a batch runs on one thread: waking a team costs
  // microseconds on an idle machine and milliseconds on an oversubscribed one.
  static constexpr double min_flops_per_thread = 4e6;

  int team_size_for(std::size_t B, bool train) const noexcept {
    if (threads_ <= 1 || B < 2 * detail::batch_grain) return 1;
    const double work = static_cast<double>(flops_per_sample_) * static_cast<double>(B) *
                        (train ? 3.0 : 1.0);
    int n = threads_;
    while (n > 1 && work / n < min_flops_per_thread) --n;
    return n;
  }

  // One batch as a thread team, in two rounds of chunks (one chunk per thread). Round 1:
  // a block of batch rows through the whole forward pass, the loss and the backward chain
  // through the activations (no shared writes). Once all of round 1 is done, round 2: a
  // block of output features of every layer (parameter gradients and their update) and
  // whole tables (sparse gradients and updates). Chunk boundaries depend only on the
  // batch size and the thread count, so results are reproducible for a given count.
  void run(const Batch& batch, bool train, bool with_loss = false) {
    const std::size_t B = batch.size;
    const scalar* x = dense_input(batch.dense.data(), B);
    constexpr bool fused = std::is_same_v<dense_optimizer, SGD>;
    const FusedSgd<scalar> sgd{static_cast<scalar>(options_.dense.lr),
                               static_cast<scalar>(options_.dense.weight_decay)};
    if (train && !fused) {
      bottom_opt_.begin_step(options_.dense);
      top_opt_.begin_step(options_.dense);
    }
    // Chunks are fixed by the thread count; threads take them as they come (a thread the
    // OS is slow to wake does not stall the step), and the results do not depend on which
    // thread ran which chunk.
    const int team_size = team_size_for(B, train);
    detail::ChunkQueue rows(team_size), features(team_size);
    detail::run_team(team_size, [&](const detail::Team&) {
      for (int c = rows.take(); c >= 0; c = rows.take()) {
        std::size_t r0 = 0, r1 = 0;
        detail::split_range(B, team_size, c, detail::batch_grain, r0, r1);
        forward_rows(batch, x, r0, r1);
        if (train || with_loss)
          bce_with_logits_terms<scalar>(logits_.data(), batch.labels, batch.sample_weights, r0,
                                        r1, B, static_cast<scalar>(options_.positive_weight),
                                        static_cast<scalar>(options_.negative_weight),
                                        terms_.data(), train ? dlogits_.data() : nullptr);
        if (train) backward_data_rows(r0, r1);
        rows.finished();
      }
      if (!train) return;
      rows.wait_all();  // parameter gradients need every row's backward chain
      for (int c = features.take(); c >= 0; c = features.take())
        backward_params(batch, x, c, team_size, fused ? &sgd : nullptr);
    });
  }

  void forward_rows(const Batch& batch, const scalar* x, std::size_t r0, std::size_t r1) {
    if (r0 >= r1) return;
    bottom_.forward_rows(x, shape_.dense, r0, r1, t_.data(), t_width_);
    scalar* e = t_.data() + x_width_;
    for (std::size_t t = 0; t < F_; ++t)
      embedding_bag_forward<pooling, embedding_dim>(tables_[t].weight(), batch.sparse[t],
                                                    batch.size, e + t * embedding_dim, t_width_,
                                                    r0, r1);
    const scalar* r = t_.data();
    if constexpr (!Op::output_is_input) {
      Op::forward(t_.data(), t_width_, F_, r_.data(), r_width_, r0, r1);
      r = r_.data();
    }
    top_.forward_rows(r, r_width_, r0, r1, logits_.data(), 1);
  }

  void backward_data_rows(std::size_t r0, std::size_t r1) {
    if (r0 >= r1) return;
    scalar* dr = Op::output_is_input ? dt_.data() : dr_.data();
    top_.backward_data_rows(r0, r1, logits_.data(), 1, dlogits_.data(), 1, dr, r_width_);
    if constexpr (!Op::output_is_input)
      Op::backward(t_.data(), t_width_, F_, dr_.data(), r_width_, dt_.data(), t_width_, r0, r1);
    bottom_.backward_data_rows(r0, r1, t_.data(), t_width_, dt_.data(), t_width_, nullptr, 0);
  }

  // Chunk `part` of `parts`: a block of output features of every layer, and whole tables.
  void backward_params(const Batch& batch, const scalar* x, int part, int parts,
                       const FusedSgd<scalar>* sgd) {
    const std::size_t B = batch.size;
    const scalar* r = Op::output_is_input ? t_.data() : r_.data();
    top_.backward_params_part(r, r_width_, B, dlogits_.data(), 1, part, parts, sgd,
                              [&](std::size_t off, std::size_t n) {
                                top_opt_.update_range(top_.params().data(), top_.grads().data(),
                                                      off, n);
                              });
    bottom_.backward_params_part(x, shape_.dense, B, dt_.data(), t_width_, part, parts,
                                 sgd, [&](std::size_t off, std::size_t n) {
                                   bottom_opt_.update_range(bottom_.params().data(),
                                                            bottom_.grads().data(), off, n);
                                 });
    // Tables: each chunk owns whole tables, so gradients and updates never race.
    std::size_t t0 = 0, t1 = 0;
    detail::split_range(F_, parts, part, 1, t0, t1);
    const scalar* de = dt_.data() + x_width_;
    for (std::size_t t = t0; t < t1; ++t) {
      tables_[t].backward(batch.sparse[t], B, de + t * embedding_dim, t_width_);
      const auto& g = tables_[t].grad();
      table_opt_[t].step(options_.sparse, tables_[t].weight(), g.rows().data(), g.size(),
                         g.values());
    }
  }

  Shape shape_;
  TrainOptions options_;
  std::size_t F_ = 0, x_width_ = 0, t_width_ = 0, r_width_ = 0;
  std::size_t flops_per_sample_ = 0;  // forward MLP flops of one sample
  Mlp<scalar> bottom_, top_;
  std::vector<EmbeddingBag<scalar, embedding_dim, pooling>> tables_;
  std::vector<SparseOptimizer<sparse_optimizer, scalar>> table_opt_;
  DenseOptimizer<dense_optimizer, scalar> bottom_opt_, top_opt_;
  int threads_ = 1;
  bool checks_ = true;
  std::size_t steps_ = 0;
  std::size_t capacity_ = 0;
  std::vector<scalar> t_, dt_, r_, dr_, logits_, dlogits_, terms_, x_;
};

}  // namespace dlrm
