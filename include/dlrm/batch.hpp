#pragma once
// The seam between the data side and the model side: a Batch is views, not owners.
// Standard library only, so that preprocessing can produce it without Eigen.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dlrm/span.hpp"

namespace dlrm {

// One table's input for a batch of B samples, in CSR form as torch.nn.EmbeddingBag.
//  - offsets has B entries (bag b ends where bag b+1 starts; the last bag ends at
//    indices.size()), or B+1 entries with the end offset last.
//  - offsets are taken relative to offsets[0], so a slice of a longer CSR array is a
//    valid input without copying (offsets[0] need not be 0).
//  - weights is empty, or one per-sample weight per index (as per_sample_weights).
struct SparseInput {
  span<const std::int32_t> indices;
  span<const std::int32_t> offsets;
  span<const float> weights;
};

struct Batch {
  std::size_t size = 0;              // B
  span<const float> dense;           // B x dense_width, row-major
  std::vector<SparseInput> sparse;   // one per table, in table order
  span<const float> labels;          // B values in {0, 1}; may be empty for predict
  span<const float> sample_weights;  // empty, or B per-sample loss weights
};

}  // namespace dlrm
