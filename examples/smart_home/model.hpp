#pragma once
// The program's model: Dlrm<AppConfig<Dim>> behind one interface, so that the embedding
// dimension can be a run-time flag while staying a compile-time choice of the engine.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dlrm/batch.hpp"
#include "dlrm/config.hpp"
#include "dlrm/span.hpp"


namespace app {

// The embedding dimensions this binary is compiled for.
inline constexpr int supported_dims[] = {8, 16, 32};
std::string supported_dims_text();   // "8, 16 or 32"

// A parameter tensor in the reference layout ("emb_l.0.weight", ...), owned by the model.
struct ParamView {
  std::string name;
  std::vector<std::size_t> shape;
  float* data = nullptr;
  std::size_t size() const {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    return n;
  }
};

class Model {
 public:
  virtual ~Model() = default;
  virtual int embedding_dim() const = 0;
  virtual const dlrm::Shape& shape() const = 0;
  virtual void set_threads(int n) = 0;
  virtual void set_lr(float lr) = 0;           // dense and sparse optimizers
  virtual float lr() const = 0;
  virtual float train_step(const dlrm::Batch& batch) = 0;
  virtual float loss(const dlrm::Batch& batch) = 0;
  virtual void predict(const dlrm::Batch& batch, dlrm::span<float> out) = 0;
  virtual float predict_one(dlrm::span<const float> dense,
                            dlrm::span<const std::int32_t> indices) = 0;
  virtual std::vector<ParamView> parameters() = 0;   // state_dict order
};

struct ModelOptions {
  float lr = 1e-3f;
  float positive_weight = 1.0f, negative_weight = 1.0f;
};

// ShapeError from the engine on a bad shape; InputError naming --embedding-dim when the
// dimension is not compiled in.
std::unique_ptr<Model> make_model(int embedding_dim, const dlrm::Shape& shape,
                                  std::uint64_t seed, const ModelOptions& options);

// All parameter values, concatenated in parameters() order (for keeping the best epoch).
std::vector<float> snapshot(Model& model);
void restore(Model& model, const std::vector<float>& values);

}  // namespace app
