// What to compute: the normalization variant and its module arguments, with PyTorch's
// defaults. See docs/spec.md for the meaning of every field.
#pragma once

#include "normlab/dtype.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace normlab {

enum class Variant {
    BatchNorm,
    InstanceNorm,
    LayerNorm,
    GroupNorm,
    RmsNorm,
    BatchChannelNorm,
    Custom,
};

inline constexpr std::array<Variant, 7> kAllVariants = {
    Variant::BatchNorm, Variant::InstanceNorm,     Variant::LayerNorm, Variant::GroupNorm,
    Variant::RmsNorm,   Variant::BatchChannelNorm, Variant::Custom,
};

// "batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm",
// "batch_channel_norm", "custom".
std::string_view variantName(Variant variant);
std::optional<Variant> variantFromName(std::string_view name);

struct NormSpec {
    Variant variant = Variant::BatchNorm;
    // Channels (dim 1) the module was built for. Absent: taken from the input.
    std::optional<std::int64_t> numFeatures;
    // layer_norm / rms_norm: the trailing dims normalised over.
    std::vector<std::int64_t> normalizedShape;
    // group_norm, batch_channel_norm, custom (optional).
    std::optional<std::int64_t> numGroups;
    // custom: axes of the input reduced over (negative counts from the end).
    std::vector<int> reduceAxes;
    // Absent means machine epsilon of the accumulation type (rms_norm only).
    std::optional<double> eps = 1e-5;
    // Absent means cumulative average: 1 / num_batches_tracked.
    std::optional<double> momentum = 0.1;
    bool affine = true;
    bool trackRunningStats = true;
    bool training = true;
    // batch_channel_norm: normalise the batch stage with running estimates.
    bool estimate = true;
    DType dtype = DType::Float32;

    // PyTorch module defaults of `variant` (affine, tracking, eps).
    static NormSpec defaultsFor(Variant variant);
};

} // namespace normlab
