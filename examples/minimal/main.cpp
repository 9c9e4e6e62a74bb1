// The README's example: a DLRM with two tables, trained on one batch, then saved in the
// PyTorch reference layout.
#include <cstdint>
#include <cstdio>
#include <vector>

#include <dlrm/dlrm.hpp>
#include <dlrm/serialize.hpp>

int main() {
  // Compile time: float, embedding dim 16, dot interaction, sum pooling, Adam + SparseAdam.
  using Config = dlrm::DefaultConfig;
  dlrm::Shape shape;         // run time: what comes from the data
  shape.dense = 4;           // dense features
  shape.tables = {100, 10};  // rows per embedding table
  shape.bottom = {32, 16};   // ends in the embedding dim (dot interaction)
  shape.top = {32, 1};
  dlrm::Dlrm<Config> model(shape, /*seed=*/42);

  std::vector<float> dense = {0.1f, 0.2f, 0.3f, 0.4f, -1, 0, 1, 2}, labels = {0, 1};
  std::vector<std::int32_t> t0 = {7, 42}, t1 = {3, 3}, offsets = {0, 1};  // one-hot bags
  dlrm::Batch batch;
  batch.size = 2;
  batch.dense = dense;                                    // 2 x 4, row-major
  batch.sparse = {{t0, offsets, {}}, {t1, offsets, {}}};  // per table: CSR indices, offsets
  batch.labels = labels;
  for (int step = 0; step < 50; ++step) model.train_step(batch);  // BCE on logits + Adam

  float p[2];
  model.predict(batch, {p, 2});
  std::printf("p = %.3f (label 0), %.3f (label 1)\n", p[0], p[1]);
  dlrm::save_npz(model, "weights.npz");  // torch: net.load_state_dict(np.load(...))
  return p[0] < 0.5f && p[1] > 0.5f ? 0 : 1;
}
