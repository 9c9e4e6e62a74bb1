// The smallest complete use of the engine: generate a learnable click-style problem
// (seeded), train a small DLRM for a few epochs and watch the loss fall and the accuracy
// rise on held-out data.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

#include <dlrm/dlrm.hpp>

namespace {

// A tiny seeded generator (splitmix64): the same data on every machine.
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
};

// A data set in the form the model reads: dense rows and one index per table (one-hot).
struct Dataset {
  std::size_t n = 0, dense_width = 0, tables = 0;
  std::vector<float> dense, labels;
  std::vector<std::vector<std::int32_t>> indices;  // per table, n entries

  // Samples [first, first + size) as a Batch of views (offsets are 0, 1, 2, ...).
  dlrm::Batch batch(std::size_t first, std::size_t size,
                    const std::vector<std::int32_t>& one_hot_offsets) const {
    dlrm::Batch b;
    b.size = size;
    b.dense = {dense.data() + first * dense_width, size * dense_width};
    b.labels = {labels.data() + first, size};
    for (std::size_t t = 0; t < tables; ++t)
      b.sparse.push_back({{indices[t].data() + first, size}, {one_hot_offsets.data(), size}, {}});
    return b;
  }
};

// Label = [w . dense + effect(table 0 row) + effect(table 1 row) x dense[0] + noise > 0]:
// the model has to learn per-row embeddings and their interaction with a dense feature.
Dataset generate(std::size_t n, const dlrm::Shape& shape, std::uint64_t seed) {
  Rng rng{seed};
  Rng truth{12345};  // the hidden rule is the same for train and test
  std::vector<double> w(shape.dense);
  for (auto& x : w) x = truth.uniform() * 2 - 1;
  std::vector<std::vector<double>> effect(shape.tables.size());
  for (std::size_t t = 0; t < shape.tables.size(); ++t)
    for (std::size_t r = 0; r < shape.tables[t]; ++r) effect[t].push_back(truth.uniform() * 4 - 2);

  Dataset d;
  d.n = n;
  d.dense_width = shape.dense;
  d.tables = shape.tables.size();
  d.indices.resize(d.tables);
  for (std::size_t i = 0; i < n; ++i) {
    double score = 0;
    for (std::size_t j = 0; j < shape.dense; ++j) {
      const float x = float(rng.uniform() * 2 - 1);
      d.dense.push_back(x);
      score += w[j] * x;
    }
    for (std::size_t t = 0; t < d.tables; ++t)
      d.indices[t].push_back(std::int32_t(rng.next() % shape.tables[t]));
    score += effect[0][std::size_t(d.indices[0][i])];
    score += effect[1][std::size_t(d.indices[1][i])] * d.dense[i * shape.dense];
    score += 0.3 * (rng.uniform() * 2 - 1);
    d.labels.push_back(score > 0 ? 1.0f : 0.0f);
  }
  return d;
}

// Compile-time choices: what changes the kernels.
struct Config {
  using scalar = float;
  static constexpr int embedding_dim = 8;
  using interaction = dlrm::DotInteraction</*self=*/false>;
  using pooling = dlrm::SumPooling;
  using dense_optimizer = dlrm::Adam;
  using sparse_optimizer = dlrm::SparseAdam;  // lazy: only rows in the batch change
};

}  // namespace

int main() {
  dlrm::Shape shape;
  shape.dense = 8;
  shape.tables = {50, 20, 100, 10};
  shape.bottom = {32, 8};  // ends in embedding_dim: the dot interaction needs it
  shape.top = {32, 16, 1};

  dlrm::TrainOptions options;
  options.dense.lr = 3e-3f;
  options.sparse.lr = 3e-2f;
  dlrm::Dlrm<Config> model(shape, /*seed=*/42, options);
  model.set_threads(2);

  const Dataset train = generate(30000, shape, 1);
  const Dataset test = generate(5000, shape, 2);
  const std::size_t batch_size = 128;
  std::vector<std::int32_t> offsets(batch_size);
  for (std::size_t i = 0; i < batch_size; ++i) offsets[i] = std::int32_t(i);

  auto accuracy = [&](const Dataset& d, double& loss) {
    std::vector<float> p(batch_size);
    std::size_t correct = 0;
    double total = 0;
    for (std::size_t first = 0; first < d.n; first += batch_size) {
      const std::size_t size = std::min(batch_size, d.n - first);
      const dlrm::Batch b = d.batch(first, size, offsets);
      total += double(model.loss(b)) * double(size);
      model.predict(b, {p.data(), size});
      for (std::size_t i = 0; i < size; ++i) correct += (p[i] > 0.5f) == (d.labels[first + i] > 0.5f);
    }
    loss = total / double(d.n);
    return double(correct) / double(d.n);
  };

  double test_loss = 0;
  double acc = accuracy(test, test_loss);
  std::printf("DLRM: %zu dense, %zu tables, dim %d, interaction width %zu\n", shape.dense,
              shape.tables.size(), Config::embedding_dim, model.interaction_width());
  std::printf("epoch 0: test loss %.4f  test accuracy %.1f%%\n", test_loss, 100 * acc);
  for (int epoch = 1; epoch <= 5; ++epoch) {
    double train_loss = 0;
    std::size_t batches = 0;
    for (std::size_t first = 0; first + batch_size <= train.n; first += batch_size) {
      train_loss += double(model.train_step(train.batch(first, batch_size, offsets)));
      ++batches;
    }
    acc = accuracy(test, test_loss);
    std::printf("epoch %d: train loss %.4f  test loss %.4f  test accuracy %.1f%%\n", epoch,
                train_loss / double(batches), test_loss, 100 * acc);
  }

  // Serving one event at a time.
  const std::int32_t idx[] = {test.indices[0][0], test.indices[1][0], test.indices[2][0],
                              test.indices[3][0]};
  const float p = model.predict_one({{test.dense.data(), shape.dense}, {idx, 4}});
  std::printf("first test event: p = %.3f, label %.0f\n", p, double(test.labels[0]));
  return acc > 0.85 ? 0 : 1;
}
