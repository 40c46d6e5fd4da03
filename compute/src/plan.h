// Validation and planning, done once per run (docs/architecture.md, rule 1): checks a (spec,
// inputs) pair in the order PyTorch does, with PyTorch's messages, and lays out each stage.
#pragma once

#include "normlab/diagnostics.h"
#include "normlab/layout.h"
#include "normlab/normalize.h"

#include <string>
#include <vector>

namespace normlab::detail {

enum class StatsSource {
    Batch,            // the input's own statistics
    Running,          // running statistics as given (eval with tracked stats)
    UpdatedEstimates, // batch_channel_norm estimate mode: running stats after this update
};

struct StagePlan {
    Stage stage;
    StatsSource source = StatsSource::Batch;
    bool updatesRunning = false; // training with tracked statistics
    bool unbiasedRunningVar = true;
    std::vector<Diagnostic> notes;
};

struct Plan {
    std::string error; // non-empty: invalid, nothing else is meaningful
    ConfigError errorKind = ConfigError::None;
    PyException exception = PyException::RuntimeError;
    std::vector<StagePlan> stages; // 1, or 2 for batch_channel_norm
    std::vector<Diagnostic> warnings;
    DType dtype = DType::Float32;
    double eps = 1e-5;
    bool tracked = false;
    bool countsBatches = false; // num_batches_tracked advances (BatchNorm-style modules)
};

Plan makePlan(const NormSpec& spec, const NormInputs& inputs);
// The same checks on a shape alone (no tensors, unmasked): no data is allocated, so any
// shape a model could have can be checked.
Plan planShapeOnly(const NormSpec& spec, const Shape& inputShape);

} // namespace normlab::detail
