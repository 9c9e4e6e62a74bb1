// End-to-end benchmarks of Dlrm<Config>: train_step and predict (samples/s) at batch 1,
// 32, 128 and 2048 for the two benchmark configurations, single-event predict_one
// (median latency), and a plain large Eigen GEMM in the same run. At the end it prints
// the kaggle train step's FLOP rate at batch 2048 as a fraction of the GEMM rate.
//
//   kaggle:     13 dense, 26 tables x 100,000 rows, dim 16, bottom 512-256-64-16,
//               top 512-256-1, one-hot, SGD + SparseSGD
//   smart_home: 32 dense, 16 tables of 2..4,096 rows, dim 16, bottom 64-32-16,
//               top 128-64-1, Adam + SparseAdam
//
// Inputs come from the generator bench/peer/peer.py also implements, so that the PyTorch
// peer sees the same samples. Extra flag (before Google Benchmark's own):
//   --threads=N   thread count of every benchmark (default 2)
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "dlrm/dlrm.hpp"

namespace {

struct Kaggle {
  using scalar = float;
  static constexpr int embedding_dim = 16;
  using interaction = dlrm::DotInteraction<false>;
  using pooling = dlrm::SumPooling;
  using dense_optimizer = dlrm::SGD;
  using sparse_optimizer = dlrm::SparseSGD;
};

struct SmartHome {
  using scalar = float;
  static constexpr int embedding_dim = 16;
  using interaction = dlrm::DotInteraction<false>;
  using pooling = dlrm::SumPooling;
  using dense_optimizer = dlrm::Adam;
  using sparse_optimizer = dlrm::SparseAdam;
};

dlrm::Shape kaggle_shape() {
  dlrm::Shape s;
  s.dense = 13;
  s.tables.assign(26, 100000);
  s.bottom = {512, 256, 64, 16};
  s.top = {512, 256, 1};
  return s;
}

dlrm::Shape smart_home_shape() {
  dlrm::Shape s;
  s.dense = 32;
  s.tables = {2, 3, 4, 6, 8, 12, 16, 32, 64, 128, 256, 512, 1024, 2048, 3000, 4096};
  s.bottom = {64, 32, 16};
  s.top = {128, 64, 1};
  return s;
}

template <class C> struct Traits;
template <> struct Traits<Kaggle> {
  static constexpr const char* name = "kaggle";
  static dlrm::Shape shape() { return kaggle_shape(); }
  static dlrm::TrainOptions options() {
    dlrm::TrainOptions o;
    o.dense.lr = o.sparse.lr = 0.01f;
    return o;
  }
};
template <> struct Traits<SmartHome> {
  static constexpr const char* name = "smart_home";
  static dlrm::Shape shape() { return smart_home_shape(); }
  static dlrm::TrainOptions options() { return {}; }
};

// ---- the shared input generator (bench/peer/peer.py has the same one) ----------------
// value(stream, i) = mix64(seed * golden + (stream << 40) + i), splitmix64's finaliser.
constexpr std::uint64_t golden = 0x9E3779B97F4A7C15ull;
inline std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
inline std::uint64_t value(std::uint64_t seed, std::uint64_t stream, std::uint64_t i) {
  return mix64(seed * golden + (stream << 40) + i);
}

// Batch number k of size B: samples k*B .. (k+1)*B-1, one-hot bags.
struct OwnedBatch {
  std::vector<float> dense, labels;
  std::vector<std::vector<std::int32_t>> indices;
  std::vector<std::int32_t> offsets;
  dlrm::Batch view() const {
    dlrm::Batch b;
    b.size = labels.size();
    b.dense = dense;
    b.labels = labels;
    for (const auto& idx : indices) b.sparse.push_back({idx, offsets, {}});
    return b;
  }
};

OwnedBatch make_batch(const dlrm::Shape& s, std::size_t B, std::size_t k, std::uint64_t seed = 1) {
  OwnedBatch b;
  const std::uint64_t first = k * B;
  b.dense.resize(B * s.dense);
  for (std::size_t i = 0; i < b.dense.size(); ++i)
    b.dense[i] = static_cast<float>(value(seed, 1, first * s.dense + i) >> 40) *
                 (1.0f / static_cast<float>(1 << 24));
  b.labels.resize(B);
  for (std::size_t i = 0; i < B; ++i)
    b.labels[i] = static_cast<float>(value(seed, 2, first + i) >> 63);
  b.indices.resize(s.tables.size());
  for (std::size_t t = 0; t < s.tables.size(); ++t) {
    b.indices[t].resize(B);
    for (std::size_t i = 0; i < B; ++i)
      b.indices[t][i] = static_cast<std::int32_t>(value(seed, 100 + t, first + i) % s.tables[t]);
  }
  b.offsets.resize(B);
  for (std::size_t i = 0; i < B; ++i) b.offsets[i] = static_cast<std::int32_t>(i);
  return b;
}

int g_threads = 2;

// One model per configuration for the whole run (the kaggle tables are 166 MB).
template <class C>
dlrm::Dlrm<C>& model() {
  static std::unique_ptr<dlrm::Dlrm<C>> m;
  if (!m) m = std::make_unique<dlrm::Dlrm<C>>(Traits<C>::shape(), 42, Traits<C>::options());
  return *m;
}

// FLOPs of one training step: each Linear layer costs 2*B*in*out forward and twice that
// backward (input and weight gradients); the dot interaction 2*B*pairs*dim forward and
// twice that backward. Embedding gathers, bias, ReLU and optimizer updates are not counted.
template <class C>
double train_flops(std::size_t B) {
  const dlrm::Shape s = Traits<C>::shape();
  double macs = 0;
  std::size_t in = s.dense;
  for (std::size_t w : s.bottom) macs += static_cast<double>(in) * w, in = w;
  const std::size_t F = s.tables.size() + 1;
  const std::size_t pairs = F * (F - 1) / 2;
  in = s.bottom.back() + pairs;
  for (std::size_t w : s.top) macs += static_cast<double>(in) * w, in = w;
  macs += static_cast<double>(pairs) * C::embedding_dim;
  return 6.0 * macs * static_cast<double>(B);
}

template <class C>
void BM_train(benchmark::State& state) {
  const auto B = static_cast<std::size_t>(state.range(0));
  auto& m = model<C>();
  m.set_threads(static_cast<int>(state.range(1)));
  std::vector<OwnedBatch> pool;
  for (std::size_t k = 0; k < 4; ++k) pool.push_back(make_batch(m.shape(), B, k));
  std::vector<dlrm::Batch> views;
  for (const auto& b : pool) views.push_back(b.view());
  std::size_t i = 0;
  float loss = 0;
  for (auto _ : state) {
    loss = m.train_step(views[i++ % views.size()]);
    benchmark::DoNotOptimize(loss);
  }
  state.counters["samples_per_s"] = benchmark::Counter(static_cast<double>(B), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["flop_per_s"] = benchmark::Counter(train_flops<C>(B), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["loss"] = loss;
}

template <class C>
void BM_predict(benchmark::State& state) {
  const auto B = static_cast<std::size_t>(state.range(0));
  auto& m = model<C>();
  m.set_threads(static_cast<int>(state.range(1)));
  std::vector<OwnedBatch> pool;
  for (std::size_t k = 0; k < 4; ++k) pool.push_back(make_batch(m.shape(), B, k));
  std::vector<dlrm::Batch> views;
  for (const auto& b : pool) views.push_back(b.view());
  std::vector<float> p(B);
  std::size_t i = 0;
  for (auto _ : state) {
    m.predict(views[i++ % views.size()], p);
    benchmark::DoNotOptimize(p.data());
  }
  state.counters["samples_per_s"] = benchmark::Counter(static_cast<double>(B), benchmark::Counter::kIsIterationInvariantRate);
}

// Single-event latency: each call timed on its own, median and 99th percentile reported.
template <class C>
void BM_predict_one(benchmark::State& state) {
  auto& m = model<C>();
  const dlrm::Shape s = m.shape();
  const OwnedBatch pool = make_batch(s, 256, 0);
  std::vector<std::int32_t> idx(s.tables.size() * 256);
  for (std::size_t e = 0; e < 256; ++e)
    for (std::size_t t = 0; t < s.tables.size(); ++t) idx[e * s.tables.size() + t] = pool.indices[t][e];
  std::vector<double> us;
  us.reserve(1 << 20);
  std::size_t e = 0;
  for (auto _ : state) {
    const dlrm::Event ev{dlrm::span<const float>(pool.dense.data() + e * s.dense, s.dense),
                         dlrm::span<const std::int32_t>(idx.data() + e * s.tables.size(), s.tables.size())};
    e = (e + 1) % 256;
    const auto t0 = std::chrono::steady_clock::now();
    float p = m.predict_one(ev);
    const auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(p);
    if (us.size() < us.capacity()) us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::sort(us.begin(), us.end());
  if (!us.empty()) {
    state.counters["median_us"] = us[us.size() / 2];
    state.counters["p99_us"] = us[us.size() * 99 / 100];
  }
  state.counters["samples_per_s"] = benchmark::Counter(1.0, benchmark::Counter::kIsIterationInvariantRate);
}

// The plain large GEMM the train step is measured against: C = A * B, N x N x N, floats,
// row-major as the model's buffers, Eigen's own threading over the same thread count.
void BM_gemm(benchmark::State& state) {
  const auto n = static_cast<Eigen::Index>(state.range(0));
  using M = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  M a = M::Random(n, n), b = M::Random(n, n), c(n, n);
  Eigen::setNbThreads(static_cast<int>(state.range(1)));
  for (auto _ : state) {
    c.noalias() = a * b;
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  Eigen::setNbThreads(1);
  state.counters["flop_per_s"] = benchmark::Counter(2.0 * static_cast<double>(n) * n * n, benchmark::Counter::kIsIterationInvariantRate);
}

// Forwards everything to Google Benchmark's own reporter and remembers the two rates the
// final fraction needs.
class FractionReporter : public benchmark::BenchmarkReporter {
 public:
  FractionReporter(benchmark::BenchmarkReporter* inner, bool console) : inner_(inner), console_(console) {}
  bool ReportContext(const Context& context) override { return inner_->ReportContext(context); }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration) continue;
      const auto it = r.counters.find("flop_per_s");
      if (it == r.counters.end()) continue;
      std::string name = r.benchmark_name();
      const std::string suffix = "/real_time";
      if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
        name.resize(name.size() - suffix.size());
      rates_[name] = it->second.value;
    }
    inner_->ReportRuns(runs);
  }
  void Finalize() override {
    inner_->Finalize();
    const std::string train = "kaggle/train/batch:2048/threads:" + std::to_string(g_threads);
    const std::string gemm = "gemm/n:2048/threads:" + std::to_string(g_threads);
    FILE* out = console_ ? stdout : stderr;
    if (rates_.count(train) && rates_.count(gemm)) {
      const double t = rates_[train], g = rates_[gemm];
      std::fprintf(out,
                   "\nkaggle train_step at batch 2048: %.1f GFLOP/s = %.1f%% of the 2048^3 Eigen "
                   "GEMM (%.1f GFLOP/s) with %d threads (target: at least 40%%)\n",
                   t * 1e-9, 100.0 * t / g, g * 1e-9, g_threads);
    } else {
      std::fprintf(out, "\n(fraction of the GEMM rate not printed: run both %s and %s)\n",
                   train.c_str(), gemm.c_str());
    }
  }

 private:
  benchmark::BenchmarkReporter* inner_;
  bool console_;
  std::map<std::string, double> rates_;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args;
  std::string format = "console";
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--threads=", 10) == 0) {
      g_threads = std::max(1, std::atoi(argv[i] + 10));
      continue;
    }
    if (std::strncmp(argv[i], "--benchmark_format=", 19) == 0) format = argv[i] + 19;
    args.push_back(argv[i]);
  }
  int n = static_cast<int>(args.size());
  const std::int64_t T = g_threads;
  for (std::int64_t B : {1, 32, 128, 2048}) {
    benchmark::RegisterBenchmark("kaggle/train", BM_train<Kaggle>)->ArgNames({"batch", "threads"})->Args({B, T})->UseRealTime()->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("kaggle/predict", BM_predict<Kaggle>)->ArgNames({"batch", "threads"})->Args({B, T})->UseRealTime()->Unit(benchmark::kMicrosecond);
  }
  for (std::int64_t B : {1, 32, 128, 2048}) {
    benchmark::RegisterBenchmark("smart_home/train", BM_train<SmartHome>)->ArgNames({"batch", "threads"})->Args({B, T})->UseRealTime()->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("smart_home/predict", BM_predict<SmartHome>)->ArgNames({"batch", "threads"})->Args({B, T})->UseRealTime()->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark("smart_home/predict_one", BM_predict_one<SmartHome>)->UseRealTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("gemm", BM_gemm)->ArgNames({"n", "threads"})->Args({2048, T})->UseRealTime()->Unit(benchmark::kMillisecond);

  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  std::unique_ptr<benchmark::BenchmarkReporter> inner;
  if (format == "json")
    inner = std::make_unique<benchmark::JSONReporter>();
  else
    inner = std::make_unique<benchmark::ConsoleReporter>(
        isatty(fileno(stdout)) ? benchmark::ConsoleReporter::OO_ColorTabular
                               : benchmark::ConsoleReporter::OO_Tabular);
  FractionReporter reporter(inner.get(), format == "console");
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
