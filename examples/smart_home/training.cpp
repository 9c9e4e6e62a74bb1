#include "training.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>

#include "dlrm/metrics.hpp"
#include "dlrm/preprocessing/pipeline.hpp"

namespace app {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::size_t bag_end(const std::vector<std::int32_t>& offsets, std::size_t indices_size,
                    std::size_t r, std::size_t rows) {
  return r + 1 < offsets.size() && (r + 1 < rows || offsets.size() > rows)
             ? static_cast<std::size_t>(offsets[r + 1])
             : indices_size;
}

std::string clock_text(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
  return buf;
}

class ProgressBar {
 public:
  explicit ProgressBar(bool on) : on_(on) {}
  void update(int epoch, std::size_t done, std::size_t total) {
    if (!on_ || total == 0) return;
    const auto now = Clock::now();
    if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const int width = 30;
    const int filled = static_cast<int>(width * done / total);
    std::fprintf(stderr, "\repoch %3d [%s%s] %3d%%", epoch, std::string(filled, '#').c_str(),
                 std::string(width - filled, ' ').c_str(), static_cast<int>(100 * done / total));
    std::fflush(stderr);
  }
  void clear() {
    if (!on_) return;
    std::fprintf(stderr, "\r%60s\r", "");
    std::fflush(stderr);
  }

 private:
  bool on_;
  Clock::time_point last_{};
};

}  // namespace

void BatchGather::gather(const dlrm::prep::Encoded& data, const std::size_t* rows,
                         std::size_t count) {
  const std::size_t width = data.dense_width;
  const std::size_t tables = data.indices.size();
  dense_.resize(count * width);
  labels_.resize(count);
  indices_.resize(tables);
  offsets_.resize(tables);
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t r = rows[k];
    std::copy_n(data.dense.begin() + static_cast<std::ptrdiff_t>(r * width), width,
                dense_.begin() + static_cast<std::ptrdiff_t>(k * width));
    labels_[k] = data.labels.empty() ? 0.0f : data.labels[r];
  }
  for (std::size_t t = 0; t < tables; ++t) {
    auto& idx = indices_[t];
    auto& off = offsets_[t];
    idx.clear();
    off.clear();
    const auto& src_idx = data.indices[t];
    const auto& src_off = data.offsets[t];
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t r = rows[k];
      const std::size_t b = static_cast<std::size_t>(src_off[r]);
      const std::size_t e = bag_end(src_off, src_idx.size(), r, data.rows);
      off.push_back(static_cast<std::int32_t>(idx.size()));
      idx.insert(idx.end(), src_idx.begin() + static_cast<std::ptrdiff_t>(b),
                 src_idx.begin() + static_cast<std::ptrdiff_t>(e));
    }
  }
  batch_.size = count;
  batch_.dense = dlrm::span<const float>(dense_.data(), dense_.size());
  batch_.labels = dlrm::span<const float>(labels_.data(), labels_.size());
  batch_.sample_weights = {};
  batch_.sparse.resize(tables);
  for (std::size_t t = 0; t < tables; ++t) {
    batch_.sparse[t].indices = dlrm::span<const std::int32_t>(indices_[t].data(), indices_[t].size());
    batch_.sparse[t].offsets = dlrm::span<const std::int32_t>(offsets_[t].data(), offsets_[t].size());
    batch_.sparse[t].weights = {};
  }
}

std::vector<float> predict_all(Model& model, const dlrm::prep::Encoded& data, std::size_t batch) {
  std::vector<float> out(data.rows);
  for (std::size_t begin = 0; begin < data.rows; begin += batch) {
    const std::size_t count = std::min(batch, data.rows - begin);
    const dlrm::Batch b = data.batch(begin, count);
    model.predict(b, dlrm::span<float>(out.data() + begin, count));
  }
  return out;
}

namespace {

// Weighted validation loss over the whole part, as a mean per row.
double validation_loss(Model& model, const dlrm::prep::Encoded& data, std::size_t batch) {
  double total = 0;
  for (std::size_t begin = 0; begin < data.rows; begin += batch) {
    const std::size_t count = std::min(batch, data.rows - begin);
    total += static_cast<double>(model.loss(data.batch(begin, count))) * static_cast<double>(count);
  }
  return data.rows == 0 ? 0.0 : total / static_cast<double>(data.rows);
}

}  // namespace

LoopResult train_loop(Model& model, const dlrm::prep::Encoded& train,
                      const dlrm::prep::Encoded& validation, const LoopOptions& options) {
  LoopResult result;
  std::vector<std::size_t> order(train.rows);
  std::iota(order.begin(), order.end(), std::size_t{0});
  SplitMix64 rng{options.seed ^ 0x5eedULL};
  BatchGather gather;
  ProgressBar bar(options.progress);
  std::vector<float> best_weights = snapshot(model);
  double best_pr = -1, best_loss = INFINITY;
  int since_best = 0, since_lr = 0;
  const auto start = Clock::now();

  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    // Fisher-Yates within the training part only.
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    double loss_sum = 0;
    std::size_t steps = 0;
    for (std::size_t begin = 0; begin < order.size(); begin += options.batch) {
      const std::size_t count = std::min(options.batch, order.size() - begin);
      gather.gather(train, order.data() + begin, count);
      loss_sum += model.train_step(gather.batch());
      ++steps;
      bar.update(epoch, begin + count, order.size());
    }
    bar.clear();
    const double train_seconds = seconds_since(epoch_start);

    EpochRecord rec;
    rec.epoch = epoch;
    rec.train_loss = steps ? loss_sum / static_cast<double>(steps) : 0.0;
    rec.lr = model.lr();
    const std::vector<float> scores = predict_all(model, validation);
    rec.validation_loss = validation_loss(model, validation, 4096);
    const dlrm::span<const float> s(scores.data(), scores.size());
    const dlrm::span<const float> l(validation.labels.data(), validation.labels.size());
    rec.validation_pr_auc = dlrm::average_precision(s, l);
    rec.validation_roc_auc = dlrm::roc_auc(s, l);
    rec.seconds = seconds_since(epoch_start);
    rec.samples_per_second = train_seconds > 0 ? static_cast<double>(train.rows) / train_seconds : 0;

    // Best = highest validation PR-AUC; a tie (within 1e-6) is broken by the lower loss.
    const bool better = rec.validation_pr_auc > best_pr + 1e-6 ||
                        (rec.validation_pr_auc >= best_pr - 1e-6 &&
                         rec.validation_loss < best_loss * (1 - 1e-4));
    if (better) {
      best_pr = std::max(best_pr, rec.validation_pr_auc);
      best_loss = rec.validation_loss;
      best_weights = snapshot(model);
      result.best_epoch = epoch;
      rec.best = true;
      since_best = 0;
      since_lr = 0;
    } else {
      ++since_best;
      ++since_lr;
    }
    result.history.push_back(rec);

    if (!options.quiet) {
      const double per_epoch = seconds_since(start) / epoch;
      std::printf("epoch %3d/%d  loss %.5f  val_loss %.5f  val_pr_auc %.4f  %8.0f samples/s  "
                  "lr %.2g  ~%s left%s\n",
                  epoch, options.epochs, rec.train_loss, rec.validation_loss,
                  rec.validation_pr_auc, rec.samples_per_second, rec.lr,
                  clock_text(per_epoch * (options.epochs - epoch)).c_str(),
                  rec.best ? "  *" : "");
      std::fflush(stdout);
    }
    if (since_best >= options.patience) {
      result.stopped_early = epoch < options.epochs;
      break;
    }
    if (since_lr >= options.plateau) {
      const double lr = std::max(options.min_lr, model.lr() * options.lr_factor);
      model.set_lr(static_cast<float>(lr));
      since_lr = 0;
    }
  }
  restore(model, best_weights);
  return result;
}

}  // namespace app
