#pragma once
// The data side of dlrm: from a CSV event log to model inputs. Standard library only
// (no Eigen, no xsimd), so it can be used without the model side.
#include "dlrm/preprocessing/csv.hpp"       // streaming RFC 4180 reader, value parsers
#include "dlrm/preprocessing/schema.hpp"    // column roles, the schema text format
#include "dlrm/preprocessing/time.hpp"      // timestamps, hour / weekday, cycles
#include "dlrm/preprocessing/table.hpp"     // a loaded timeline, load_table
#include "dlrm/preprocessing/infer.hpp"     // infer_schema from a sample
#include "dlrm/preprocessing/hashing.hpp"   // stable 64-bit hash, feature hashing
#include "dlrm/preprocessing/scalers.hpp"   // min-max, z-score
#include "dlrm/preprocessing/encoders.hpp"  // vocabularies
#include "dlrm/preprocessing/impute.hpp"    // forward fill, medians
#include "dlrm/preprocessing/window.hpp"    // causal window features
#include "dlrm/preprocessing/split.hpp"     // chronological split
#include "dlrm/preprocessing/pipeline.hpp"  // fit / transform / save / load / Stream
