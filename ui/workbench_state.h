// Everything the user has set up: how the input is made, its lengths, the normalization,
// the backend. Plain data; the panels edit it, the recompute controller reads it.
#pragma once

#include "normlab/backend.h"
#include "normlab/generators.h"
#include "normlab/gradient_check.h"
#include "normlab/spec.h"
#include "normlab/tensor.h"

#include <QString>

#include <memory>
#include <vector>

namespace normlab::ui {

// How the affine parameters γ, β are set: 1 and 0 (PyTorch's initialisation), random
// around them (γ ~ N(1, 0.5²), β ~ N(0, 0.5²), seeded), or loaded from .npy files.
enum class AffineInit { Identity, Random, Loaded };

struct WorkbenchState {
    InputRecipe recipe;
    // A tensor loaded from a .npy file replaces the recipe's data when set.
    std::shared_ptr<const Tensor> loadedInput;
    // Per-sample valid lengths along the last axis; empty: no mask.
    std::vector<std::int64_t> lengths;
    // A mask painted on the Slices view (uint8 of the input's shape, 1 = valid); null: none.
    // Lengths and a painted mask exclude each other (setting one clears the other).
    std::shared_ptr<const Tensor> mask;
    NormSpec spec = NormSpec::defaultsFor(Variant::BatchNorm);
    BackendKind backend = BackendKind::Cpu;
    // The loss whose gradient the Gradients view shows.
    Upstream upstream = Upstream::Random;
    std::int64_t upstreamChannel = 0;
    // Invertibility view: invert with statistics re-estimated from y (the flow bug).
    bool reestimateInverse = false;
    AffineInit affineInit = AffineInit::Identity;
    std::uint64_t affineSeed = 7;
    std::shared_ptr<const Tensor> loadedWeight, loadedBias; // AffineInit::Loaded
    // Running statistics a captured layer had (used when the spec tracks them); null: PyTorch's
    // initial values (mean 0, var 1).
    std::shared_ptr<const Tensor> loadedRunningMean, loadedRunningVar;
    std::int64_t loadedNumBatchesTracked = 0;
    // Where the input came from, when it is a captured layer ("capture folder: layer name").
    QString source;
};

// A spec that fits `shape`: num_features = C, normalized_shape = the last dim, groups
// dividing C, reduce axes = all but the channel axis. The user edits from there.
NormSpec specFittingShape(Variant variant, const Shape& shape);

} // namespace normlab::ui
