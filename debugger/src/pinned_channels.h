// Normalization layers checked on channels that nn.Sequential pins, with or without an
// input shape.
//
// Inside nn.Sequential the module printed before a layer feeds it, whatever the batch and
// spatial sizes: a convolution's out_channels fixes dim 1 of what follows, a Linear's
// out_features or an Embedding's embedding_dim the last dim, through modules that keep them
// (activations, dropout, pooling, padding, upsampling, other normalization layers). So
// Conv2d(256, 512) -> InstanceNorm2d(1024) is a finding with no input shape at all. The
// batch and spatial dims stay unknown: the layer's partial shape is said as [?, 512, ?, ?].
#pragma once

#include "normlab/diagnose.h"
#include "normlab/model_text.h"

namespace normlab::detail {

// Adds a finding for every normalization layer whose declared channels disagree with those
// pinned before it, where the walk found nothing at that layer (its shape was unknown);
// inside a class of its own, read in printed order as far as its structural sizes chain
// (certainty inferred), so a mistake in a block class is found at every instance.
void checkPinnedChannels(const ModuleNode& root, TorchVersion version, DiagnoseReport& report);

} // namespace normlab::detail
