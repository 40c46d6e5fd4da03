// The tensors a built-in module puts in its state_dict, read from its printed arguments:
// parameters first, then persistent buffers, in the order PyTorch registers them.
#pragma once

#include "normlab/model_text.h"
#include "normlab/tensor.h"

#include <optional>
#include <string>
#include <vector>

namespace normlab::detail {

struct OwnTensor {
    std::string name;           // "weight", "running_mean"
    std::optional<Shape> shape; // null when the printed arguments do not say
};

// The normalization family whose checkpoint mismatches get an explanation.
enum class NormFamily { None, BatchNorm, InstanceNorm, LayerNorm, GroupNorm, RMSNorm };

struct ModuleParameters {
    // False for a class this table does not know (a user's module, MultiheadAttention's
    // in_proj_weight): it may hold tensors its printed line does not show.
    bool known = false;
    NormFamily family = NormFamily::None;
    std::vector<OwnTensor> tensors;
};

ModuleParameters moduleParameters(const ModuleNode& node);

// The keyword that switches a norm's affine parameters ("affine", "elementwise_affine") and
// the argument holding its size (keyword and position).
const char* affineKeyword(NormFamily family);
std::pair<const char*, int> sizeArgument(NormFamily family);

} // namespace normlab::detail
