// The normalization layers of a printed model: their configuration read back into a
// NormSpec, and every mistake class of normlab/diagnose.h that concerns them. Which inputs
// are invalid (and PyTorch's message) comes from the compute core's own validation
// (checkConfiguration); what is checked here is what the module class adds: its input rank,
// InstanceNorm's version-dependent handling of num_features, and the silent mistakes.
#pragma once

#include "normlab/diagnose.h"
#include "normlab/model_text.h"

#include <optional>
#include <vector>

namespace normlab::detail {

struct NormLayer {
    NormSpec spec;
    int dims = 0; // BatchNorm2d -> 2; 0 when the module takes any rank (LayerNorm, GroupNorm)
    std::string readError;
    // torchvision's FrozenBatchNorm2d: BatchNorm2d with fixed statistics, always as in eval
    // mode; its forward() multiplies by a [1, C, 1, 1] scale, so a wrong size raises
    // PyTorch's broadcasting error instead of batch_norm's.
    bool frozen = false;
    // RMSNorm printed where the PyTorch version has no nn.RMSNorm: a class of the model's own.
    bool ownRmsNorm = false;
};

// Null when `node` is not a normalization layer.
std::optional<NormLayer> readNormLayer(const ModuleNode& node);

struct NormCheck {
    std::vector<Finding> findings; // layer and pytorch sentence are filled in by the caller
    // The shape the normalization itself sees (an unbatched InstanceNorm input gains N = 1).
    std::optional<Shape> normalizedShape;
};

// `previous`: the leaf that ran right before this layer, if any. `channelsLast`: the input's
// last dim may be its channels (a Permute earlier on the way, as in Swin and ConvNeXt
// blocks, or a layout the caller cannot tell): a LayerNorm over it is then not said to
// normalise along the width.
NormCheck checkNormLayer(const ModuleNode& node, const NormLayer& layer,
                         const std::optional<Shape>& input, const ModuleNode* previous,
                         TorchVersion version, bool channelsLast = false);

} // namespace normlab::detail
