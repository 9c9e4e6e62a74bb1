#include "model.hpp"

#include <algorithm>
#include <cstring>

#include "dlrm/dlrm.hpp"
#include "dlrm/error.hpp"

namespace app {
namespace {

template <int Dim>
struct AppConfig {
  using scalar = float;
  static constexpr int embedding_dim = Dim;
  using interaction = dlrm::DotInteraction<false>;
  using pooling = dlrm::SumPooling;
  using dense_optimizer = dlrm::Adam;
  using sparse_optimizer = dlrm::SparseAdam;
};

template <int Dim>
class ModelOf final : public Model {
 public:
  ModelOf(const dlrm::Shape& shape, std::uint64_t seed, const dlrm::TrainOptions& options)
      : model_(shape, seed, options) {}
  int embedding_dim() const override { return Dim; }
  const dlrm::Shape& shape() const override { return model_.shape(); }
  void set_threads(int n) override { model_.set_threads(n); }
  void set_lr(float lr) override {
    model_.options().dense.lr = lr;
    model_.options().sparse.lr = lr;
  }
  float lr() const override { return model_.options().dense.lr; }
  float train_step(const dlrm::Batch& batch) override { return model_.train_step(batch); }
  float loss(const dlrm::Batch& batch) override { return model_.loss(batch); }
  void predict(const dlrm::Batch& batch, dlrm::span<float> out) override {
    model_.predict(batch, out);
  }
  float predict_one(dlrm::span<const float> dense,
                    dlrm::span<const std::int32_t> indices) override {
    dlrm::Event event;
    event.dense = dense;
    event.indices = indices;
    return model_.predict_one(event);
  }
  std::vector<ParamView> parameters() override {
    std::vector<ParamView> out;
    for (auto& p : model_.parameters()) out.push_back({p.name, p.shape, p.data});
    return out;
  }

 private:
  dlrm::Dlrm<AppConfig<Dim>> model_;
};

template <int Dim>
std::unique_ptr<Model> make_of(const dlrm::Shape& shape, std::uint64_t seed,
                               const dlrm::TrainOptions& options) {
  return std::make_unique<ModelOf<Dim>>(shape, seed, options);
}

}  // namespace

std::string supported_dims_text() {
  std::string out;
  const std::size_t n = std::size(supported_dims);
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out += i + 1 == n ? " or " : ", ";
    out += std::to_string(supported_dims[i]);
  }
  return out;
}

std::unique_ptr<Model> make_model(int embedding_dim, const dlrm::Shape& shape,
                                  std::uint64_t seed, const ModelOptions& options) {
  dlrm::TrainOptions train;
  train.dense.lr = options.lr;
  train.sparse.lr = options.lr;
  train.positive_weight = options.positive_weight;
  train.negative_weight = options.negative_weight;
  switch (embedding_dim) {
    case 8: return make_of<8>(shape, seed, train);
    case 16: return make_of<16>(shape, seed, train);
    case 32: return make_of<32>(shape, seed, train);
    default:
      throw dlrm::InputError("--embedding-dim " + std::to_string(embedding_dim) +
                             " is not compiled into dlrm-anomaly; use " +
                             supported_dims_text());
  }
}

std::vector<float> snapshot(Model& model) {
  std::vector<float> out;
  for (const auto& p : model.parameters()) {
    out.insert(out.end(), p.data, p.data + p.size());
  }
  return out;
}

void restore(Model& model, const std::vector<float>& values) {
  std::size_t at = 0;
  for (const auto& p : model.parameters()) {
    const std::size_t n = p.size();
    if (at + n > values.size()) throw dlrm::Error("internal: snapshot does not fit the model");
    std::copy(values.begin() + static_cast<std::ptrdiff_t>(at),
              values.begin() + static_cast<std::ptrdiff_t>(at + n), p.data);
    at += n;
  }
}

}  // namespace app
