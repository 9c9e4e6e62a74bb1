// A consumer of dlrm (C++17): builds a small model, trains one step, predicts a batch and
// one event, saves the weights and loads them back. Prints "consumer ok" on success.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <vector>

#include "dlrm/dlrm.hpp"
#include "dlrm/serialize.hpp"

struct Tiny {
  using scalar = float;
  static constexpr int embedding_dim = 4;
  using interaction = dlrm::DotInteraction<false>;
  using pooling = dlrm::SumPooling;
  using dense_optimizer = dlrm::Adam;
  using sparse_optimizer = dlrm::SparseAdam;
};

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer <weights.npz>\n");
    return 2;
  }
  try {
    dlrm::Shape shape;
    shape.dense = 3;
    shape.tables = {5, 7};
    shape.bottom = {8, 4};
    shape.top = {6, 1};
    dlrm::Dlrm<Tiny> model(shape, 42);

    const std::vector<float> dense{0.1f, 0.2f, 0.3f, -1.0f, 0.0f, 2.0f};
    const std::vector<std::int32_t> i0{1, 4}, o0{0, 1}, i1{6, 0, 2}, o1{0, 1};
    const std::vector<float> labels{1.0f, 0.0f};
    dlrm::Batch batch;
    batch.size = 2;
    batch.dense = dense;
    batch.sparse = {dlrm::SparseInput{i0, o0, {}}, dlrm::SparseInput{i1, o1, {}}};
    batch.labels = labels;

    const float loss = model.train_step(batch);
    std::vector<float> p(2);
    model.predict(batch, p);
    const std::vector<std::int32_t> event_indices{1, 6};
    const float one = model.predict_one(
        dlrm::Event{dlrm::span<const float>(dense.data(), 3), event_indices});

    dlrm::save_npz(model, argv[1]);
    dlrm::Dlrm<Tiny> again(shape, 7);
    dlrm::load_npz(again, argv[1]);
    std::vector<float> q(2);
    again.predict(batch, q);

    const bool ok = std::isfinite(loss) && p[0] > 0.0f && p[0] < 1.0f && p == q &&
                    std::fabs(one - p[0]) < 1e-6f;
    std::printf("loss %.6f p [%.6f, %.6f] one %.6f: %s\n", loss, p[0], p[1], one,
                ok ? "consumer ok" : "MISMATCH");
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "consumer: %s\n", e.what());
    return 1;
  }
}
