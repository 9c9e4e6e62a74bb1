#pragma once
// The training loop of dlrm-anomaly: epochs of shuffled minibatches (seeded shuffle of the
// training part only), validation after each epoch, learning rate halved on a plateau,
// early stopping that restores the best epoch's weights.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dlrm/batch.hpp"
#include "model.hpp"

namespace dlrm::prep {
struct Encoded;
}

namespace app {

struct EpochRecord {
  int epoch = 0;                  // 1-based
  double train_loss = 0;          // mean over the epoch's minibatches (class weighted)
  double validation_loss = 0;     // class weighted, as the training loss
  double validation_pr_auc = 0;
  double validation_roc_auc = 0;
  double lr = 0;
  double seconds = 0;
  double samples_per_second = 0;
  bool best = false;
};

struct LoopOptions {
  int epochs = 50;
  int patience = 5;               // epochs without improvement before stopping
  int plateau = 2;                // epochs without improvement before halving the lr
  double lr_factor = 0.5;
  double min_lr = 1e-6;
  std::size_t batch = 32;
  std::uint64_t seed = 42;
  bool progress = false;          // progress bar on stderr within each epoch
  bool quiet = false;             // no per-epoch lines on stdout
};

struct LoopResult {
  std::vector<EpochRecord> history;
  int best_epoch = 0;
  bool stopped_early = false;
};

LoopResult train_loop(Model& model, const dlrm::prep::Encoded& train,
                      const dlrm::prep::Encoded& validation, const LoopOptions& options);

// Probabilities for every row, in row order.
std::vector<float> predict_all(Model& model, const dlrm::prep::Encoded& data,
                               std::size_t batch = 4096);

// Rows [begin, begin + count) of `data` in the order given by `rows`, copied into owned
// buffers that a Batch views (a shuffled minibatch).
class BatchGather {
 public:
  void gather(const dlrm::prep::Encoded& data, const std::size_t* rows, std::size_t count);
  const dlrm::Batch& batch() const { return batch_; }

 private:
  std::vector<float> dense_, labels_;
  std::vector<std::vector<std::int32_t>> indices_, offsets_;
  dlrm::Batch batch_;
};

// splitmix64: the seeded generator of the shuffle (std distributions differ across
// standard libraries).
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }  // bias negligible
};

}  // namespace app
