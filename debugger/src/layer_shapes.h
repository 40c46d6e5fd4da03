// Shape rules of the non-normalization modules print(model) shows, with PyTorch's formulas
// (conv: floor((L + 2p - d(k-1) - 1) / s) + 1; transposed conv: (L-1)s - 2p + d(k-1) + op + 1;
// pooling the same with ceil_mode's last-window rule) and PyTorch's messages when the input
// does not fit.
#pragma once

#include "normlab/diagnose.h"
#include "normlab/model_text.h"

#include <optional>
#include <string>

namespace normlab::detail {

struct LayerStep {
    std::optional<Shape> output; // null: unknown from here on (unknownReason says why)
    std::string unknownReason;
    bool unreadableArguments = false; // unknown because the printed arguments could not be read
    // Set when PyTorch raises on this input: code, message, exception, torchMessage, fix.
    // output is then what the layer would give once fixed, so analysis goes on.
    std::optional<Finding> raised;
};

// Modules whose output has their input's shape (activations, dropout, Identity, ...).
bool preservesShape(const std::string& type);

// Containers whose forward() runs their modules in printed order: nn.Sequential and the
// library classes that subclass it without a forward() of their own (torchvision's
// Conv2dNormActivation and its kin). Their shapes are exact like nn.Sequential's.
bool runsInPrintedOrder(const std::string& type);

// Known modules with children that do not run them in printed order: one shape-preserving
// step (MultiheadAttention).
bool isOpaqueModule(const std::string& type);

// Pools, padding and upsampling: they keep the channel count of a [N, C, ...] map.
bool keepsChannels(const std::string& type);

// The step of a leaf (or opaque) module; a type without a rule here gives an unknown output.
LayerStep layerShape(const ModuleNode& node, const Shape& input);

} // namespace normlab::detail
