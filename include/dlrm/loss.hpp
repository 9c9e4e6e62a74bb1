#pragma once
// Binary cross-entropy on logits, numerically stable for any logit:
//   l(z, y) = max(z, 0) - z y + log1p(exp(-|z|))
// weighted per sample by the class weight (positive_weight y + negative_weight (1 - y))
// times the optional sample weight, and averaged over the batch (sum / B, as
// torch.nn.BCEWithLogitsLoss(weight=w, reduction="mean")).
#include <cmath>
#include <cstddef>
#include <vector>

#include "dlrm/span.hpp"

namespace dlrm {

// The probability sigmoid(z), without overflow for large |z|.
template <class T>
inline T sigmoid(T z) noexcept {
  if (z >= T(0)) return T(1) / (T(1) + std::exp(-z));
  const T e = std::exp(z);
  return e / (T(1) + e);
}

template <class T>
inline T bce_with_logits(T z, T y) noexcept {
  return (z > T(0) ? z : T(0)) - z * y + std::log1p(std::exp(-std::fabs(z)));
}

// Samples [b0, b1) of a batch of `batch`: terms[b] = w_b l(z_b, y_b) and, when dz is not
// null, dz[b] = d loss / d z_b = w_b (sigmoid(z_b) - y_b) / batch. sample_weights is empty
// or has `batch` entries.
template <class T>
void bce_with_logits_terms(const T* z, span<const float> labels, span<const float> sample_weights,
                           std::size_t b0, std::size_t b1, std::size_t batch, T positive_weight,
                           T negative_weight, T* terms, T* dz) noexcept {
  const T inv_b = T(1) / static_cast<T>(batch);
  for (std::size_t b = b0; b < b1; ++b) {
    const T y = static_cast<T>(labels[b]);
    T w = positive_weight * y + negative_weight * (T(1) - y);
    if (!sample_weights.empty()) w *= static_cast<T>(sample_weights[b]);
    terms[b] = w * bce_with_logits(z[b], y);
    if (dz != nullptr) dz[b] = w * (sigmoid(z[b]) - y) * inv_b;
  }
}

// The mean of per-sample terms, summed in order in double (same for any thread split).
template <class T>
T mean_of_terms(const T* terms, std::size_t batch) noexcept {
  double total = 0.0;
  for (std::size_t b = 0; b < batch; ++b) total += static_cast<double>(terms[b]);
  return static_cast<T>(total / static_cast<double>(batch));
}

// Mean weighted loss over the batch; when dz is not null it receives d loss / d z_b
// = w_b (sigmoid(z_b) - y_b) / B. sample_weights is empty or has `batch` entries.
template <class T>
T bce_with_logits_loss(const T* z, span<const float> labels, span<const float> sample_weights,
                       std::size_t batch, T positive_weight, T negative_weight, T* dz) {
  std::vector<T> terms(batch);
  bce_with_logits_terms(z, labels, sample_weights, 0, batch, batch, positive_weight,
                        negative_weight, terms.data(), dz);
  return mean_of_terms(terms.data(), batch);
}

}  // namespace dlrm
