#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "dlrm/detail/random.hpp"
#include "dlrm/dlrm.hpp"

namespace {

struct Tiny {
  using scalar = float;
  static constexpr int embedding_dim = 4;
  using interaction = dlrm::DotInteraction<false>;
  using pooling = dlrm::SumPooling;
  using dense_optimizer = dlrm::Adam;
  using sparse_optimizer = dlrm::SparseAdam;
};

dlrm::Shape tiny_shape() {
  dlrm::Shape s;
  s.dense = 3;
  s.tables = {5, 7};
  s.bottom = {6, 4};
  s.top = {5, 1};
  return s;
}

// Owns the buffers a Batch views. A learnable problem: the label is a function of the
// first dense feature and of table 0's index.
struct Data {
  std::size_t B = 0;
  std::vector<float> dense, labels;
  std::vector<std::vector<std::int32_t>> idx, off;
  dlrm::Batch batch() const {
    dlrm::Batch b;
    b.size = B;
    b.dense = dense;
    b.labels = labels;
    for (std::size_t t = 0; t < idx.size(); ++t) b.sparse.push_back({idx[t], off[t], {}});
    return b;
  }
};

Data make_data(std::uint64_t seed, std::size_t B, const dlrm::Shape& s) {
  dlrm::detail::SplitMix64 g(seed);
  Data d;
  d.B = B;
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t j = 0; j < s.dense; ++j) d.dense.push_back(float(g.uniform(-1, 1)));
  }
  d.idx.resize(s.tables.size());
  d.off.resize(s.tables.size());
  for (std::size_t t = 0; t < s.tables.size(); ++t)
    for (std::size_t b = 0; b < B; ++b) {
      d.off[t].push_back(std::int32_t(b));
      d.idx[t].push_back(std::int32_t(g.next() % s.tables[t]));
    }
  for (std::size_t b = 0; b < B; ++b) {
    const bool pos = d.dense[b * s.dense] + (d.idx[0][b] % 2 ? 0.5f : -0.5f) > 0.0f;
    d.labels.push_back(pos ? 1.0f : 0.0f);
  }
  return d;
}

}  // namespace

TEST_CASE("the interaction width is derived as in the reference") {
  dlrm::Dlrm<Tiny> m(tiny_shape(), 1);
  CHECK(m.interaction_width() == 4 + 3);  // 3 vectors, 3 pairs below the diagonal
  CHECK(m.parameters().size() == 2 + 4 + 4);
}

TEST_CASE("training lowers the loss on a learnable problem") {
  const auto s = tiny_shape();
  dlrm::TrainOptions o;
  o.dense.lr = 0.01f;
  o.sparse.lr = 0.01f;
  dlrm::Dlrm<Tiny> m(s, 7, o);
  const Data d = make_data(3, 64, s);
  const float first = m.loss(d.batch());
  float last = first;
  for (int i = 0; i < 300; ++i) last = m.train_step(d.batch());
  CHECK(last < 0.5f * first);
  CHECK(m.steps() == 300);
}
