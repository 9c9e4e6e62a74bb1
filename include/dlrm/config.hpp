#pragma once
// Compile-time choices (what changes the kernels) and the run-time Shape (what comes
// from the data). A Config is any struct with the members of DefaultConfig.
#include <cstddef>
#include <vector>

namespace dlrm {

// Interaction kinds.
template <bool SelfInteraction>
struct DotInteraction {
  static constexpr bool self_interaction = SelfInteraction;
};
struct CatInteraction {};

// Pooling of a multi-hot bag.
struct SumPooling {};
struct MeanPooling {};

// Dense optimizers (MLP weights and biases).
struct SGD {};
struct Adam {};

// Sparse optimizers (embedding tables); lazy: only rows present in the batch change.
struct SparseSGD {};
struct SparseAdam {};          // as torch.optim.SparseAdam
struct RowWiseAdagrad {};      // one accumulator per row

// Run-time sizes. Widths exclude the input width, which is derived as in the reference:
// bottom input = dense, top input = interaction output width.
struct Shape {
  std::size_t dense = 0;              // number of dense features
  std::vector<std::size_t> tables;    // rows per embedding table
  std::vector<std::size_t> bottom;    // bottom MLP widths; last = embedding dim for dot
  std::vector<std::size_t> top;       // top MLP widths; last must be 1
};

struct DefaultConfig {
  using scalar = float;
  static constexpr int embedding_dim = 16;
  using interaction = DotInteraction<false>;
  using pooling = SumPooling;
  using dense_optimizer = Adam;
  using sparse_optimizer = SparseAdam;
};

}  // namespace dlrm
