// The C++ side of the PyTorch parity test (tests/parity/parity.py).
//   parity_driver <dot|dot_self|cat> init <weights.npz> <seed>
//       builds the model with the library's initialisation and exports its weights.
//   parity_driver <dot|dot_self|cat> run <weights.npz> <batches.npz> <steps> <lr> <out.npz>
//       loads the weights, predicts every batch, trains `steps` steps on batches
//       0..steps-1 (Adam on the MLPs, SparseAdam on the tables, BCE mean), and writes
//       pred_{i} (probabilities before training), loss_{k}, after_{i} (probabilities after
//       training) and every weight under its state_dict name.
// Batches in batches.npz: count, dense_{i} [B, dense], label_{i} [B], and per table t
// indices_{i}_{t} and offsets_{i}_{t} (int32, B offsets).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "dlrm/dlrm.hpp"
#include "dlrm/serialize.hpp"

int usage();

namespace {

template <class Interaction, int Dim>
struct ParityConfig {
  using scalar = float;
  static constexpr int embedding_dim = Dim;
  using interaction = Interaction;
  using pooling = dlrm::SumPooling;
  using dense_optimizer = dlrm::Adam;
  using sparse_optimizer = dlrm::SparseAdam;
};

// Tables of a few sizes (one of a single row), a bottom MLP ending in the embedding
// dimension, a three-layer top MLP. The wide case (dimension 16, 20 tables) takes the
// grouped dot products of 16 pairs at a time, which the small one never reaches.
dlrm::Shape parity_shape(bool cat, bool wide) {
  dlrm::Shape s;
  s.dense = 5;
  s.tables = wide ? std::vector<std::size_t>{11, 3, 17, 1, 40, 9, 2, 25, 5, 13,
                                             7, 30, 4, 19, 6, 50, 8, 12, 3, 21}
                  : std::vector<std::size_t>{11, 3, 17, 1};
  s.bottom = cat ? std::vector<std::size_t>{16, 6}
                 : std::vector<std::size_t>{16, static_cast<std::size_t>(wide ? 16 : 8)};
  s.top = {12, 6, 1};
  return s;
}

struct OwnedBatch {
  std::vector<float> dense, label;
  std::vector<std::vector<std::int32_t>> indices, offsets;
  dlrm::Batch view() const {
    dlrm::Batch b;
    b.size = label.size();
    b.dense = dense;
    b.labels = label;
    for (std::size_t t = 0; t < indices.size(); ++t) b.sparse.push_back({indices[t], offsets[t], {}});
    return b;
  }
};

std::vector<OwnedBatch> read_batches(const dlrm::Npz& npz, std::size_t tables) {
  const std::int64_t count = npz.values<std::int64_t>("count").at(0);
  std::vector<OwnedBatch> out(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) {
    const std::string k = std::to_string(i);
    OwnedBatch& b = out[static_cast<std::size_t>(i)];
    b.dense = npz.values<float>("dense_" + k);
    b.label = npz.values<float>("label_" + k);
    for (std::size_t t = 0; t < tables; ++t) {
      b.indices.push_back(npz.values<std::int32_t>("indices_" + k + "_" + std::to_string(t)));
      b.offsets.push_back(npz.values<std::int32_t>("offsets_" + k + "_" + std::to_string(t)));
    }
  }
  return out;
}

template <class Interaction, int Dim = 8>
int run(int argc, char** argv) {
  using Model = dlrm::Dlrm<ParityConfig<Interaction, Dim>>;
  const std::string command = argv[2];
  const dlrm::Shape shape = parity_shape(std::is_same_v<Interaction, dlrm::CatInteraction>, Dim == 16);
  if (command == "init" && argc == 5) {
    Model model(shape, std::strtoull(argv[4], nullptr, 10));
    dlrm::save_npz(model, argv[3]);
    return 0;
  }
  if (command == "run" && argc == 8) {
    dlrm::TrainOptions options;
    options.dense.lr = options.sparse.lr = std::strtof(argv[6], nullptr);
    Model model(shape, 0, options);
    dlrm::load_npz(model, argv[3]);
    const std::vector<OwnedBatch> batches =
        read_batches(dlrm::Npz::load(argv[4]), shape.tables.size());
    const std::size_t steps = std::strtoul(argv[5], nullptr, 10);
    dlrm::Npz out;
    for (std::size_t i = 0; i < batches.size(); ++i) {
      std::vector<float> p(batches[i].label.size());
      model.predict(batches[i].view(), p);
      out.add("pred_" + std::to_string(i), p);
    }
    for (std::size_t k = 0; k < steps; ++k) {
      const float loss = model.train_step(batches.at(k).view());
      out.add("loss_" + std::to_string(k), std::vector<float>{loss});
    }
    for (std::size_t i = 0; i < batches.size(); ++i) {
      std::vector<float> p(batches[i].label.size());
      model.predict(batches[i].view(), p);
      out.add("after_" + std::to_string(i), p);
    }
    const dlrm::Npz weights = dlrm::weights_npz(model);
    for (const dlrm::NpyArray& a : weights.arrays()) out.add(a);
    out.save(argv[7]);
    return 0;
  }
  return usage();
}

}  // namespace

int usage() {
  std::fprintf(stderr,
               "usage: parity_driver <dot|dot_self|cat|dot_wide> init <weights.npz> <seed>\n"
               "       parity_driver <dot|dot_self|cat|dot_wide> run <weights.npz> <batches.npz> <steps> "
               "<lr> <out.npz>\n");
  return 2;
}

int main(int argc, char** argv) {
  if (argc < 3) return usage();
  try {
    const std::string kind = argv[1];
    if (kind == "dot") return run<dlrm::DotInteraction<false>>(argc, argv);
    if (kind == "dot_self") return run<dlrm::DotInteraction<true>>(argc, argv);
    if (kind == "cat") return run<dlrm::CatInteraction>(argc, argv);
    if (kind == "dot_wide") return run<dlrm::DotInteraction<false>, 16>(argc, argv);
    std::fprintf(stderr, "parity_driver: unknown interaction '%s' (dot, dot_self, cat, dot_wide)\n",
                 argv[1]);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parity_driver: %s\n", e.what());
    return 1;
  }
}
