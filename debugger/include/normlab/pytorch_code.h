// The PyTorch snippet that reproduces a workbench setup: the input recipe (or the user's
// own tensor), the module, the mask in the loop-free masked form, and the forward pass.
//
// Where PyTorch has the module and nothing is masked (BatchNorm, InstanceNorm, LayerNorm,
// GroupNorm), the snippet builds it (`nn.BatchNorm2d(64, eps=1e-05, ...)`). Otherwise it
// writes the formula with plain torch ops: masked statistics as sums over the valid
// elements divided by their count (no Python loop over samples), RMSNorm as
// x * rsqrt(mean(x²) + eps) * w (nn.RMSNorm only exists from PyTorch 2.4), Batch-Channel
// Norm in the labml form (docs/spec.md), and custom reduce axes with channel groups.
//
// Files next to the snippet (the current directory when it runs), written by the PyTorch
// code view:
//   input.npy   the workbench's exact input; if absent, the recipe line makes a look-alike
//               (NormLab's generators use their own random numbers); required when the
//               input was loaded from the user's file
//   mask.npy    a painted mask (bool, the input's shape), when there is one
//   weight.npy, bias.npy (and channel_weight.npy, channel_bias.npy for batch_channel_norm)
//               when the affine parameters are not PyTorch's initial 1 and 0
// The snippet leaves the result in the Python variable `y` (and prints a summary).
#pragma once

#include "normlab/generators.h"
#include "normlab/spec.h"

#include <string>
#include <vector>

namespace normlab {

struct SnippetSetup {
    NormSpec spec;
    InputRecipe recipe;                // the input's shape and dtype, and how it was made
    bool inputFromFile = false;        // the user's own tensor: input.npy is required
    std::vector<std::int64_t> lengths; // per-sample valid lengths along the last axis
    bool paintedMask = false;          // mask.npy
    bool parameterFiles = false;       // weight.npy, bias.npy (channel_*.npy for BCN)
};

std::string pytorchSnippet(const SnippetSetup& setup);

// The Python literal of a double that reads back as the same double ("1e-05", "0.1").
std::string pythonFloat(double value);

} // namespace normlab
