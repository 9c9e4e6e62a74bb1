#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <vector>

#include "dlrm/detail/random.hpp"
#include "dlrm/dlrm.hpp"

#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
// Counts heap allocations, to show that predict_one allocates nothing after its first call.
static std::atomic<std::size_t> g_allocations{0};
void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

template <class Interaction, class Pooling = dlrm::SumPooling, class Dense = dlrm::Adam,
          class Sparse = dlrm::SparseAdam, class Scalar = float, int Dim = 4>
struct Cfg {
  using scalar = Scalar;
  static constexpr int embedding_dim = Dim;
  using interaction = Interaction;
  using pooling = Pooling;
  using dense_optimizer = Dense;
  using sparse_optimizer = Sparse;
};
using Tiny = Cfg<dlrm::DotInteraction<false>>;

dlrm::Shape make_shape(std::size_t dense, std::vector<std::size_t> tables,
                       std::vector<std::size_t> bottom, std::vector<std::size_t> top) {
  dlrm::Shape s;
  s.dense = dense;
  s.tables = std::move(tables);
  s.bottom = std::move(bottom);
  s.top = std::move(top);
  return s;
}

dlrm::Shape tiny_shape() { return make_shape(3, {5, 7}, {6, 4}, {5, 1}); }

// Owns the buffers a Batch views.
struct Data {
  std::size_t B = 0;
  std::vector<float> dense, labels, sample_weights;
  std::vector<std::vector<std::int32_t>> idx, off;
  std::vector<std::vector<float>> w;
  dlrm::Batch batch() const {
    dlrm::Batch b;
    b.size = B;
    b.dense = dense;
    b.labels = labels;
    b.sample_weights = sample_weights;
    for (std::size_t t = 0; t < idx.size(); ++t) b.sparse.push_back({idx[t], off[t], w[t]});
    return b;
  }
};

// One-hot by default; multi_hot adds bags of 0..3 indices with per-sample weights. The
// label is learnable: a function of the first dense feature and table 0's index.
Data make_data(std::uint64_t seed, std::size_t B, const dlrm::Shape& s, bool multi_hot = false) {
  dlrm::detail::SplitMix64 g(seed);
  Data d;
  d.B = B;
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t j = 0; j < s.dense; ++j) d.dense.push_back(float(g.uniform(-1, 1)));
  const std::size_t F = s.tables.size();
  d.idx.resize(F);
  d.off.resize(F);
  d.w.resize(F);
  for (std::size_t t = 0; t < F; ++t) {
    for (std::size_t b = 0; b < B; ++b) {
      d.off[t].push_back(std::int32_t(d.idx[t].size()));
      const std::size_t len = multi_hot ? g.next() % 4 : 1;
      for (std::size_t k = 0; k < len; ++k) {
        d.idx[t].push_back(std::int32_t(g.next() % s.tables[t]));
        if (multi_hot) d.w[t].push_back(float(g.uniform(0.5, 1.5)));
      }
    }
    if (multi_hot && t == 0) d.off[t].push_back(std::int32_t(d.idx[t].size()));  // B+1 form
  }
  for (std::size_t b = 0; b < B; ++b) {
    const float key = multi_hot ? 0.0f : (d.idx[0][b] % 2 ? 0.5f : -0.5f);
    d.labels.push_back(d.dense[b * s.dense] + key > 0.0f ? 1.0f : 0.0f);
  }
  return d;
}

template <class M>
std::vector<std::vector<unsigned char>> snapshot(M& m) {
  std::vector<std::vector<unsigned char>> out;
  for (const auto& p : m.parameters()) {
    std::size_t n = 1;
    for (auto d : p.shape) n *= d;
    const auto* bytes = reinterpret_cast<const unsigned char*>(p.data);
    out.emplace_back(bytes, bytes + n * sizeof(*p.data));
  }
  return out;
}

// End-to-end gradient check in double: the gradient is read back from one SGD step with
// lr = 1 (p_after = p_before - g) and compared with central differences of loss().
template <class C>
void end_to_end_gradient_check(const dlrm::Shape& s, bool multi_hot) {
  dlrm::TrainOptions o;
  o.dense.lr = 1.0f;
  o.sparse.lr = 1.0f;
  o.positive_weight = 2.0f;
  o.negative_weight = 0.5f;
  dlrm::Dlrm<C> probe(s, 5, o), stepped(s, 5, o);
  Data d = make_data(17, 6, s, multi_hot);
  d.sample_weights = {1.0f, 0.5f, 2.0f, 1.5f, 1.0f, 0.25f};
  const dlrm::Batch batch = d.batch();
  const auto before = probe.parameters();
  stepped.train_step(batch);
  const auto after = stepped.parameters();
  REQUIRE(before.size() == after.size());
  const double h = 1e-6;
  std::size_t checked = 0;
  for (std::size_t k = 0; k < before.size(); ++k) {
    std::size_t n = 1;
    for (auto dd : before[k].shape) n *= dd;
    for (std::size_t i = 0; i < n; ++i) {
      const double p0 = before[k].data[i];
      const double g = p0 - after[k].data[i];
      before[k].data[i] = p0 + h;
      const double lp = probe.loss(batch);
      before[k].data[i] = p0 - h;
      const double lm = probe.loss(batch);
      before[k].data[i] = p0;
      INFO(before[k].name << "[" << i << "]");
      CHECK(g == doctest::Approx((lp - lm) / (2 * h)).epsilon(1e-5));
      ++checked;
    }
  }
  CHECK(checked > 50);
}

}  // namespace

TEST_CASE("construction: interaction width, state_dict names and shapes") {
  dlrm::Dlrm<Tiny> m(tiny_shape(), 1);
  CHECK(m.interaction_width() == 4 + 3);  // 3 vectors, 3 pairs below the diagonal
  const auto p = m.parameters();
  REQUIRE(p.size() == 10);
  const char* names[] = {"emb_l.0.weight", "emb_l.1.weight", "bot_l.0.weight", "bot_l.0.bias",
                         "bot_l.2.weight", "bot_l.2.bias",   "top_l.0.weight", "top_l.0.bias",
                         "top_l.2.weight", "top_l.2.bias"};
  const std::vector<std::vector<std::size_t>> shapes = {{5, 4}, {7, 4}, {6, 3}, {6}, {4, 6},
                                                        {4},    {5, 7}, {5},    {1, 5}, {1}};
  for (std::size_t i = 0; i < p.size(); ++i) {
    CHECK(p[i].name == names[i]);
    CHECK(p[i].shape == shapes[i]);
  }
  dlrm::Dlrm<Cfg<dlrm::DotInteraction<true>>> self(tiny_shape(), 1);
  CHECK(self.interaction_width() == 4 + 6);
  dlrm::Dlrm<Cfg<dlrm::CatInteraction>> cat(make_shape(3, {5, 7, 2}, {6, 9}, {5, 1}), 1);
  CHECK(cat.interaction_width() == 9 + 3 * 4);
  // kaggle: 26 tables, dim 16: 16 + 27 * 26 / 2 = 367
  dlrm::Dlrm<dlrm::DefaultConfig> k(make_shape(13, std::vector<std::size_t>(26, 3), {512, 256, 64, 16}, {512, 256, 1}), 1);
  CHECK(k.interaction_width() == 367);
  CHECK(k.parameters()[26].shape == std::vector<std::size_t>{512, 13});
  CHECK(k.parameters()[26 + 8].shape == std::vector<std::size_t>{512, 367});
  CHECK(k.parameters()[26 + 8 + 4].name == "top_l.4.weight");
}

TEST_CASE("initialisation follows the reference distributions and the seed") {
  const auto s = make_shape(200, {1000, 4}, {300, 4}, {1});
  dlrm::Dlrm<Tiny> a(s, 42), b(s, 42), c(s, 43);
  CHECK(snapshot(a) == snapshot(b));
  CHECK(snapshot(a) != snapshot(c));
  const auto p = a.parameters();
  auto moments = [](const dlrm::TensorView& v, double& mean, double& sd, double& maxabs) {
    std::size_t n = 1;
    for (auto d : v.shape) n *= d;
    double s1 = 0, s2 = 0;
    maxabs = 0;
    for (std::size_t i = 0; i < n; ++i) {
      s1 += v.data[i];
      s2 += double(v.data[i]) * v.data[i];
      maxabs = std::max(maxabs, std::fabs(double(v.data[i])));
    }
    mean = s1 / double(n);
    sd = std::sqrt(s2 / double(n) - mean * mean);
  };
  double mean, sd, mx;
  moments(p[0], mean, sd, mx);  // U(-sqrt(1/1000), sqrt(1/1000)): sd = a / sqrt(3)
  CHECK(mx <= std::sqrt(1.0 / 1000));
  CHECK(sd == doctest::Approx(std::sqrt(1.0 / 1000) / std::sqrt(3.0)).epsilon(0.03));
  CHECK(std::fabs(mean) < 0.002);
  moments(p[2], mean, sd, mx);  // bot_l.0.weight [300, 200]: N(0, sqrt(2 / 500))
  CHECK(sd == doctest::Approx(std::sqrt(2.0 / 500)).epsilon(0.02));
  CHECK(std::fabs(mean) < 0.002);
  moments(p[3], mean, sd, mx);  // bot_l.0.bias [300]: N(0, sqrt(1 / 300))
  CHECK(sd == doctest::Approx(std::sqrt(1.0 / 300)).epsilon(0.15));
}

TEST_CASE("end-to-end gradients match finite differences (dot, dot with self, cat)") {
  using D = Cfg<dlrm::DotInteraction<false>, dlrm::SumPooling, dlrm::SGD, dlrm::SparseSGD, double>;
  using DS = Cfg<dlrm::DotInteraction<true>, dlrm::MeanPooling, dlrm::SGD, dlrm::SparseSGD, double>;
  using C = Cfg<dlrm::CatInteraction, dlrm::SumPooling, dlrm::SGD, dlrm::SparseSGD, double, 3>;
  SUBCASE("dot, one-hot") { end_to_end_gradient_check<D>(tiny_shape(), false); }
  SUBCASE("dot, multi-hot weighted") { end_to_end_gradient_check<D>(tiny_shape(), true); }
  SUBCASE("dot with self, mean pooling") { end_to_end_gradient_check<DS>(tiny_shape(), true); }
  SUBCASE("cat") { end_to_end_gradient_check<C>(make_shape(3, {5, 7}, {6, 2}, {5, 1}), true); }
}

TEST_CASE("training lowers the loss on a learnable problem and predicts it") {
  const auto s = make_shape(3, {5, 7}, {16, 4}, {16, 1});
  dlrm::TrainOptions o;
  o.dense.lr = 0.01f;
  o.sparse.lr = 0.05f;
  dlrm::Dlrm<Tiny> m(s, 7, o);
  const Data d = make_data(3, 128, s);
  const float first = m.loss(d.batch());
  CHECK(first > 0.5f);
  float last = first;
  for (int i = 0; i < 400; ++i) last = m.train_step(d.batch());
  CHECK(last < 0.15f);  // stated bound: from ~0.7 to below 0.15 in 400 full-batch steps
  CHECK(m.steps() == 400);
  std::vector<float> p(d.B);
  m.predict(d.batch(), p);
  std::size_t correct = 0;
  for (std::size_t b = 0; b < d.B; ++b) correct += (p[b] > 0.5f) == (d.labels[b] > 0.5f);
  CHECK(correct >= 122);  // >= 95 %
  std::vector<float> z(d.B);
  m.predict_logits(d.batch(), z);
  for (std::size_t b = 0; b < d.B; ++b)
    CHECK(p[b] == doctest::Approx(1.0 / (1.0 + std::exp(-double(z[b])))).epsilon(1e-6));
}

TEST_CASE("every optimizer pair trains") {
  const auto s = make_shape(3, {5, 7}, {16, 4}, {16, 1});
  const Data d = make_data(4, 64, s);
  auto run = [&](auto model) {
    const float first = model.loss(d.batch());
    for (int i = 0; i < 200; ++i) model.train_step(d.batch());
    return model.loss(d.batch()) / first;
  };
  dlrm::TrainOptions sgd;
  sgd.dense.lr = 0.1f;
  sgd.sparse.lr = 0.1f;
  dlrm::TrainOptions adagrad;
  adagrad.dense.lr = 0.01f;
  adagrad.sparse.lr = 0.1f;
  CHECK(run(dlrm::Dlrm<Cfg<dlrm::DotInteraction<false>, dlrm::SumPooling, dlrm::SGD, dlrm::SparseSGD>>(s, 1, sgd)) < 0.6f);
  CHECK(run(dlrm::Dlrm<Cfg<dlrm::DotInteraction<false>, dlrm::SumPooling, dlrm::Adam, dlrm::RowWiseAdagrad>>(s, 1, adagrad)) < 0.6f);
  CHECK(run(dlrm::Dlrm<Cfg<dlrm::CatInteraction, dlrm::MeanPooling, dlrm::Adam, dlrm::SparseAdam>>(s, 1, adagrad)) < 0.6f);
}

TEST_CASE("sparse optimizers leave rows outside the batch untouched") {
  const auto s = make_shape(3, {50, 7}, {8, 4}, {5, 1});
  dlrm::Dlrm<Tiny> m(s, 3);
  Data d = make_data(5, 4, s);
  d.idx[0] = {1, 3, 3, 10};
  const auto before = snapshot(m);
  m.train_step(d.batch());
  const auto after = snapshot(m);
  const std::size_t row_bytes = 4 * sizeof(float);
  for (std::size_t r = 0; r < 50; ++r) {
    const bool touched = r == 1 || r == 3 || r == 10;
    const bool same = std::memcmp(before[0].data() + r * row_bytes,
                                  after[0].data() + r * row_bytes, row_bytes) == 0;
    CHECK(same != touched);
  }
}

TEST_CASE("same seed, data and thread count give bit-identical weights") {
  // Wide enough that a step of 64 samples is split over two threads.
  const auto s = make_shape(13, {100, 50, 3, 1000}, {256, 16}, {256, 64, 1});
  using K = Cfg<dlrm::DotInteraction<false>, dlrm::SumPooling, dlrm::Adam, dlrm::SparseAdam, float, 16>;
  std::vector<std::vector<std::vector<unsigned char>>> by_threads;
  for (int threads : {1, 2}) {
    dlrm::Dlrm<K> a(s, 11), b(s, 11);
    a.set_threads(threads);
    b.set_threads(threads);
    CHECK(a.threads() == threads);
    CHECK(a.threads_for(64) == threads);
    CHECK(a.threads_for(8) == 1);  // too small to split
    for (int step = 0; step < 5; ++step) {
      const Data d = make_data(100 + step, 64 + 8 * step, s, step % 2 == 1);
      const float la = a.train_step(d.batch());
      const float lb = b.train_step(d.batch());
      CHECK(std::memcmp(&la, &lb, sizeof la) == 0);
    }
    const auto sa = snapshot(a);
    CHECK(sa == snapshot(b));
    by_threads.push_back(sa);
  }
  // Different thread counts may round differently, but agree closely.
  dlrm::Dlrm<K> one(s, 11), two(s, 11);
  two.set_threads(2);
  for (int step = 0; step < 3; ++step) {
    const Data d = make_data(200 + step, 64, s);
    one.train_step(d.batch());
    two.train_step(d.batch());
  }
  const auto p1 = one.parameters(), p2 = two.parameters();
  for (std::size_t k = 0; k < p1.size(); ++k) {
    std::size_t n = 1;
    for (auto dd : p1[k].shape) n *= dd;
    for (std::size_t i = 0; i < n; ++i)
      REQUIRE(p1[k].data[i] == doctest::Approx(p2[k].data[i]).epsilon(1e-4).scale(1e-3));
  }
}

TEST_CASE("predict_one equals predict on a batch of one and allocates nothing") {
  const auto s = make_shape(4, {9, 6, 3}, {8, 4}, {6, 1});
  dlrm::Dlrm<Tiny> m(s, 2);
  const Data d = make_data(8, 16, s);
  for (int i = 0; i < 5; ++i) m.train_step(d.batch());  // training buffers exist first
  for (std::size_t b = 0; b < d.B; ++b) {
    const std::int32_t idx[] = {d.idx[0][b], d.idx[1][b], d.idx[2][b]};
    dlrm::Event ev{{d.dense.data() + b * 4, 4}, {idx, 3}};
    dlrm::Batch one;
    one.size = 1;
    one.dense = ev.dense;
    std::vector<std::int32_t> off{0};
    for (std::size_t t = 0; t < 3; ++t) one.sparse.push_back({{idx + t, 1}, off, {}});
    float p = 0;
    m.predict(one, {&p, 1});
    const std::size_t before = g_allocations.load();
    const float q = m.predict_one(ev);
    const std::size_t allocated = g_allocations.load() - before;
    CHECK(allocated == 0);
    CHECK(q == p);
  }
}

TEST_CASE("inconsistent shapes are rejected naming the field") {
  using dlrm::ShapeError;
  CHECK_THROWS_WITH_AS(dlrm::Dlrm<Tiny>(make_shape(3, {5}, {6, 8}, {5, 1}), 1),
                       "Shape.bottom ends in 8 but Config::embedding_dim is 4: under dot "
                       "interaction the bottom MLP output is one of the interacting vectors, "
                       "so its last width must equal the embedding dimension",
                       ShapeError);
  CHECK_THROWS_WITH_AS(dlrm::Dlrm<Tiny>(make_shape(3, {}, {6, 4}, {5, 1}), 1),
                       "Shape.tables is empty: a DLRM needs at least one embedding table",
                       ShapeError);
  CHECK_THROWS_WITH_AS(dlrm::Dlrm<Tiny>(make_shape(3, {5, 0}, {6, 4}, {5, 1}), 1),
                       "Shape.tables[1] is 0: every embedding table needs at least one row",
                       ShapeError);
  CHECK_THROWS_WITH_AS(dlrm::Dlrm<Tiny>(make_shape(0, {5}, {6, 4}, {5, 1}), 1),
                       "Shape.dense is 0: the bottom MLP needs at least one dense feature",
                       ShapeError);
  CHECK_THROWS_WITH_AS(dlrm::Dlrm<Tiny>(make_shape(3, {5}, {}, {5, 1}), 1),
                       "Shape.bottom is empty: the bottom MLP needs at least one layer",
                       ShapeError);
  CHECK_THROWS_WITH_AS(dlrm::Dlrm<Tiny>(make_shape(3, {5}, {0, 4}, {5, 1}), 1),
                       "Shape.bottom[0] is 0: layer widths must be positive", ShapeError);
  CHECK_THROWS_WITH_AS(dlrm::Dlrm<Tiny>(make_shape(3, {5}, {6, 4}, {}), 1),
                       "Shape.top is empty: the top MLP needs at least one layer (ending in 1)",
                       ShapeError);
  CHECK_THROWS_WITH_AS(dlrm::Dlrm<Tiny>(make_shape(3, {5}, {6, 4}, {5, 0, 1}), 1),
                       "Shape.top[1] is 0: layer widths must be positive", ShapeError);
  CHECK_THROWS_WITH_AS(dlrm::Dlrm<Tiny>(make_shape(3, {5}, {6, 4}, {5, 2}), 1),
                       "Shape.top ends in 2: the last top layer must have width 1 (it outputs "
                       "the logit)",
                       ShapeError);
  CHECK_THROWS_WITH_AS(
      dlrm::Dlrm<Tiny>(make_shape(3, {5, std::size_t{3000000000}}, {6, 4}, {5, 1}), 1),
      "Shape.tables[1] is 3000000000: indices are int32, so a table has at most 2147483647 rows",
      ShapeError);
  // Under cat interaction the bottom width is free.
  CHECK_NOTHROW(dlrm::Dlrm<Cfg<dlrm::CatInteraction>>(make_shape(3, {5}, {6, 8}, {5, 1}), 1));
}

TEST_CASE("bad batches are rejected with exact messages") {
  using dlrm::InputError;
  const auto s = tiny_shape();
  dlrm::Dlrm<Tiny> m(s, 1);
  Data d = make_data(1, 4, s);
  std::vector<float> out(4);

  auto b = d.batch();
  b.sparse.pop_back();
  CHECK_THROWS_WITH_AS(m.train_step(b),
                       "Batch.sparse has 1 tables, the model has 2: pass one SparseInput per "
                       "table, in table order",
                       InputError);
  {
    Data e = d;
    e.idx[1][2] = 7;
    CHECK_THROWS_WITH_AS(m.predict(e.batch(), out),
                         "Batch.sparse[1]: index 7 at position 2 is out of range for a table of "
                         "7 rows (valid: 0..6)",
                         InputError);
  }
  {
    Data e = d;
    e.off[0] = {0, 2, 1, 3};
    e.idx[0] = {0, 1, 2, 3};
    CHECK_THROWS_WITH_AS(m.train_step(e.batch()),
                         "Batch.sparse[0]: offsets decrease at offsets[2] = 1 after 2: offsets "
                         "must be non-decreasing",
                         InputError);
  }
  {
    Data e = d;
    e.off[1] = {0, 1, 2, 3, 9};
    CHECK_THROWS_WITH_AS(m.train_step(e.batch()),
                         "Batch.sparse[1]: offsets[4] = 9 points past the end of indices (4 "
                         "indices from offsets[0] = 0)",
                         InputError);
  }
  {
    Data e = d;
    e.off[1] = {0, 1};
    CHECK_THROWS_WITH_AS(m.train_step(e.batch()),
                         "Batch.sparse[1]: offsets has 2 entries, expected 4 (one per bag) or 5 "
                         "(with the end offset)",
                         InputError);
  }
  {
    Data e = d;
    e.dense[2 * 3 + 1] = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_WITH_AS(m.train_step(e.batch()),
                         "Batch.dense row 2 column 1 is nan: dense features must be finite "
                         "(impute or drop the value first)",
                         InputError);
    e.dense[2 * 3 + 1] = -std::numeric_limits<float>::infinity();
    CHECK_THROWS_WITH_AS(m.predict(e.batch(), out),
                         "Batch.dense row 2 column 1 is -inf: dense features must be finite "
                         "(impute or drop the value first)",
                         InputError);
    // Opting out of the checks skips the scan (the caller vouches for the data).
    m.set_input_checks(false);
    CHECK_NOTHROW(m.predict(e.batch(), out));
    m.set_input_checks(true);
  }
  {
    Data e = d;
    e.dense.pop_back();
    CHECK_THROWS_WITH_AS(m.train_step(e.batch()),
                         "Batch.dense has 11 values, expected size x dense = 4 x 3 = 12 "
                         "(row-major)",
                         InputError);
  }
  {
    Data e = d;
    e.labels.pop_back();
    CHECK_THROWS_WITH_AS(m.train_step(e.batch()),
                         "Batch.labels has 3 values, expected one per sample (4)", InputError);
    CHECK_NOTHROW(m.predict(e.batch(), out));  // predict needs no labels
    e.labels = {0, 1, 2, 0};
    CHECK_THROWS_WITH_AS(m.loss(e.batch()),
                         "Batch.labels[2] is 2.000000: labels must be in [0, 1]", InputError);
  }
  {
    Data e = d;
    e.sample_weights = {1, 1};
    CHECK_THROWS_WITH_AS(m.train_step(e.batch()),
                         "Batch.sample_weights has 2 values, expected 0 or one per sample (4)",
                         InputError);
  }
  {
    dlrm::Batch empty;
    CHECK_THROWS_WITH_AS(m.train_step(empty), "Batch.size is 0: a batch needs at least one sample",
                         InputError);
  }
  CHECK_THROWS_WITH_AS(m.predict(d.batch(), {out.data(), 3}),
                       "probabilities has 3 entries, expected one per sample (4)", InputError);
  // Nothing above changed the model.
  CHECK(m.steps() == 0);
  // Events.
  const float dense[] = {0.1f, 0.2f, 0.3f};
  const std::int32_t good[] = {4, 6}, bad[] = {4, -2};
  CHECK_NOTHROW(m.predict_one({{dense, 3}, {good, 2}}));
  CHECK_THROWS_WITH_AS(m.predict_one({{dense, 3}, {bad, 2}}),
                       "Event.indices[1]: index -2 is out of range for a table of 7 rows "
                       "(valid: 0..6)",
                       InputError);
  CHECK_THROWS_WITH_AS(m.predict_one({{dense, 2}, {good, 2}}),
                       "Event.dense has 2 values, expected 3", InputError);
  CHECK_THROWS_WITH_AS(m.predict_one({{dense, 3}, {good, 1}}),
                       "Event.indices has 1 values, expected one per table (2)", InputError);
  CHECK_THROWS_WITH_AS(m.set_threads(0), "Dlrm::set_threads: 0 threads: pass 1 or more",
                       dlrm::Error);
}
