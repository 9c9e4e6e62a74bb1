// Kernel benchmarks: the pieces of a DLRM step on the kaggle shapes.
//   embedding_bag/{forward,backward}  one 100,000 x 16 table, pooling factor 1 (one-hot)
//                                     and 8 (multi-hot); GB/s of row bytes, rows/s
//   linear/{forward,backward}         every kaggle MLP layer; GFLOP/s
//   interaction/dot/{forward,backward} 26 tables + bottom output, dim 16; GFLOP/s
// Threads are a benchmark argument (default 2; --threads=N changes it). The embedding
// bag runs on one thread, as the model gives whole tables to threads.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "dlrm/dlrm.hpp"

namespace {

int g_threads = 2;

std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::vector<float> random_floats(std::size_t n, std::uint64_t seed) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i)
    v[i] = static_cast<float>(mix64(seed * 0x9E3779B97F4A7C15ull + i) >> 40) * (2.0f / (1 << 24)) - 1.0f;
  return v;
}

constexpr int kDim = 16;
constexpr std::size_t kRows = 100000;

struct Bags {
  std::vector<std::int32_t> indices, offsets;
  Bags(std::size_t batch, std::size_t pooling, std::uint64_t seed) {
    for (std::size_t b = 0; b < batch; ++b) {
      offsets.push_back(static_cast<std::int32_t>(indices.size()));
      for (std::size_t p = 0; p < pooling; ++p)
        indices.push_back(static_cast<std::int32_t>(mix64(seed + b * pooling + p) % kRows));
    }
  }
  dlrm::SparseInput input() const { return {indices, offsets, {}}; }
};

void BM_embedding_forward(benchmark::State& state) {
  const auto B = static_cast<std::size_t>(state.range(0));
  const auto pooling = static_cast<std::size_t>(state.range(1));
  dlrm::EmbeddingBag<float, kDim> table(kRows);
  const std::vector<float> init = random_floats(kRows * kDim, 1);
  std::copy(init.begin(), init.end(), table.weight());
  const Bags bags(B, pooling, 7);
  std::vector<float> out(B * kDim);
  for (auto _ : state) {
    table.forward(bags.input(), B, out.data(), kDim);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  const double rows = static_cast<double>(B * pooling);
  state.counters["rows_per_s"] = benchmark::Counter(rows, benchmark::Counter::kIsIterationInvariantRate);
  // Bytes touched: the gathered rows, the indices and the pooled output.
  const double bytes = rows * (kDim * 4 + 4) + static_cast<double>(B) * kDim * 4;
  state.counters["bytes_per_s"] = benchmark::Counter(bytes, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_embedding_backward(benchmark::State& state) {
  const auto B = static_cast<std::size_t>(state.range(0));
  const auto pooling = static_cast<std::size_t>(state.range(1));
  dlrm::EmbeddingBag<float, kDim> table(kRows);
  const Bags bags(B, pooling, 7);
  const std::vector<float> grad = random_floats(B * kDim, 3);
  for (auto _ : state) {
    table.backward(bags.input(), B, grad.data(), kDim);
    benchmark::DoNotOptimize(table.grad().values());
    benchmark::ClobberMemory();
  }
  const double rows = static_cast<double>(B * pooling);
  state.counters["rows_per_s"] = benchmark::Counter(rows, benchmark::Counter::kIsIterationInvariantRate);
  // Bytes: the output gradient read once per index, the accumulated row gradient.
  const double bytes = rows * (kDim * 4 * 2 + 4);
  state.counters["bytes_per_s"] = benchmark::Counter(bytes, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["unique_rows"] = static_cast<double>(table.grad().size());
}

// One Linear layer in -> out with ReLU.
void BM_linear_forward(benchmark::State& state) {
  const auto B = static_cast<std::size_t>(state.range(0));
  const auto in = static_cast<std::size_t>(state.range(1));
  const auto out = static_cast<std::size_t>(state.range(2));
  const int threads = static_cast<int>(state.range(3));
  const std::vector<float> x = random_floats(B * in, 1), W = random_floats(out * in, 2),
                           b = random_floats(out, 3);
  std::vector<float> y(B * out);
  for (auto _ : state) {
    dlrm::linear_forward(x.data(), in, B, in, W.data(), b.data(), out, y.data(), out,
                         dlrm::Activation::relu, threads);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.counters["flop_per_s"] = benchmark::Counter(2.0 * B * in * out, benchmark::Counter::kIsIterationInvariantRate);
}

// Its backward: input gradient and weight gradient (two GEMMs), bias gradient.
void BM_linear_backward(benchmark::State& state) {
  const auto B = static_cast<std::size_t>(state.range(0));
  const auto in = static_cast<std::size_t>(state.range(1));
  const auto out = static_cast<std::size_t>(state.range(2));
  const int threads = static_cast<int>(state.range(3));
  const std::vector<float> x = random_floats(B * in, 1), W = random_floats(out * in, 2),
                           b = random_floats(out, 3), dy0 = random_floats(B * out, 4);
  std::vector<float> y(B * out), dy(B * out), dW(out * in), db(out), dx(B * in);
  dlrm::linear_forward(x.data(), in, B, in, W.data(), b.data(), out, y.data(), out,
                       dlrm::Activation::relu, threads);
  dy = dy0;
  // The ReLU mask is applied to dy in place; applying it again changes nothing, so the
  // same dy serves every iteration.
  for (auto _ : state) {
    dlrm::linear_backward(x.data(), in, B, in, W.data(), out, y.data(), out, dy.data(), out,
                          dW.data(), db.data(), dx.data(), in, dlrm::Activation::relu, threads);
    benchmark::DoNotOptimize(dx.data());
    benchmark::ClobberMemory();
  }
  state.counters["flop_per_s"] = benchmark::Counter(4.0 * B * in * out, benchmark::Counter::kIsIterationInvariantRate);
}

using Dot = dlrm::InteractionOp<dlrm::DotInteraction<false>, kDim>;

void BM_interaction(benchmark::State& state) {
  const auto B = static_cast<std::size_t>(state.range(0));
  const bool backward = state.range(1) != 0;
  const int threads = static_cast<int>(state.range(2));
  constexpr std::size_t F = 26;
  const std::size_t tw = Dot::input_width(kDim, F), rw = Dot::output_width(kDim, F);
  const std::vector<float> t = random_floats(B * tw, 1), dr = random_floats(B * rw, 2);
  std::vector<float> r(B * rw), dt(B * tw);
  for (auto _ : state) {
    dlrm::detail::parallel_for(B, threads, 8, [&](std::size_t b0, std::size_t b1) {
      if (backward)
        Dot::backward(t.data(), tw, F, dr.data(), rw, dt.data(), tw, b0, b1);
      else
        Dot::forward(t.data(), tw, F, r.data(), rw, b0, b1);
    });
    benchmark::DoNotOptimize(r.data());
    benchmark::DoNotOptimize(dt.data());
    benchmark::ClobberMemory();
  }
  const double flops = 2.0 * B * Dot::pairs(F) * kDim * (backward ? 2 : 1);
  state.counters["flop_per_s"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["samples_per_s"] = benchmark::Counter(static_cast<double>(B), benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--threads=", 10) == 0) {
      g_threads = std::max(1, std::atoi(argv[i] + 10));
      continue;
    }
    args.push_back(argv[i]);
  }
  const std::int64_t T = g_threads;
  for (std::int64_t B : {128, 2048})
    for (std::int64_t pooling : {1, 8}) {
      benchmark::RegisterBenchmark("embedding_bag/forward", BM_embedding_forward)->ArgNames({"batch", "pooling"})->Args({B, pooling});
      benchmark::RegisterBenchmark("embedding_bag/backward", BM_embedding_backward)->ArgNames({"batch", "pooling"})->Args({B, pooling});
    }
  // The kaggle MLPs: bottom 13-512-256-64-16, top 367-512-256-1.
  const std::int64_t layers[][2] = {{13, 512}, {512, 256}, {256, 64}, {64, 16},
                                    {367, 512}, {512, 256}, {256, 1}};
  for (std::int64_t B : {128, 2048})
    for (const auto& l : layers) {
      benchmark::RegisterBenchmark("linear/forward", BM_linear_forward)->ArgNames({"batch", "in", "out", "threads"})->Args({B, l[0], l[1], T})->UseRealTime();
      benchmark::RegisterBenchmark("linear/backward", BM_linear_backward)->ArgNames({"batch", "in", "out", "threads"})->Args({B, l[0], l[1], T})->UseRealTime();
    }
  for (std::int64_t B : {128, 2048}) {
    benchmark::RegisterBenchmark("interaction/dot", BM_interaction)->ArgNames({"batch", "backward", "threads"})->Args({B, 0, T})->UseRealTime();
    benchmark::RegisterBenchmark("interaction/dot", BM_interaction)->ArgNames({"batch", "backward", "threads"})->Args({B, 1, T})->UseRealTime();
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
