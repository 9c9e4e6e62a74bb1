#pragma once
// Umbrella header for the model side: Config tags and Shape, Batch, span, errors, the
// components and Dlrm<Config>.
#include "dlrm/batch.hpp"
#include "dlrm/config.hpp"
#include "dlrm/embedding_bag.hpp"
#include "dlrm/error.hpp"
#include "dlrm/interaction.hpp"
#include "dlrm/loss.hpp"
#include "dlrm/mlp.hpp"
#include "dlrm/model.hpp"
#include "dlrm/optim.hpp"
#include "dlrm/span.hpp"
