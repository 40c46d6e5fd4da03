// What `model.load_state_dict(checkpoint)` would do, worked out from print(model) and the
// checkpoint's headers: PyTorch's exact error text (missing keys, unexpected keys, size
// mismatches, in its wording and order), then per normalization layer what the mismatch means
// (trained with affine=True, without running statistics, another width), the corrected
// constructor, and what strict=False would silently do instead.
//
// The model's state_dict is derived from each printed module's arguments (Conv2d's bias=False,
// BatchNorm's affine and track_running_stats, ...). A user's own module class may hold
// parameters print(model) does not show (a class token, a positional embedding): checkpoint
// keys directly under such a module are taken as its own, which rests on the checkpoint having
// been saved from the same class, and one such parameter the checkpoint lacks cannot be seen.
// The report says so (certainty Inferred, with the modules named) whenever it applies.
#pragma once

#include "normlab/checkpoint.h"
#include "normlab/diagnose.h"
#include "normlab/model_text.h"

#include <optional>
#include <string>
#include <vector>

namespace normlab {

struct LoadStateDictReport {
    std::string modelClass;                // the root module's class, as PyTorch names it
    std::vector<std::string> missing;      // in the model's state_dict order
    std::vector<std::string> unexpected;   // in PyTorch's order (by module, then by file)
    std::vector<std::string> moduleErrors; // size mismatches and module-specific messages
    // The RuntimeError text load_state_dict raises; null when it loads. Size mismatches raise
    // with strict=False too; missing and unexpected keys do not.
    std::optional<std::string> strictError, nonStrictError;
    Certainty certainty = Certainty::Exact; // Inferred where user classes hide parameters
    std::string why;                        // why Inferred
    std::vector<std::string> assumedOwn;    // keys taken as a user module's own parameters
    std::vector<Finding> findings;          // per normalization layer, then the rest
};

LoadStateDictReport checkLoadStateDict(const ModuleNode& model, const Checkpoint& checkpoint);

// The same against a trace's module table (tools/normlab_trace.py), which lists every
// module's own tensors as PyTorch holds them: exact for user classes too. Empty `modules`
// (a trace written before the table was recorded) gives an empty report with `why` set.
LoadStateDictReport checkLoadStateDict(const std::vector<TracedModule>& modules,
                                       const Checkpoint& checkpoint);

// "torch.Size([8, 3, 3, 3])", as PyTorch prints a shape in these messages.
std::string torchSizeText(const Shape& shape);

} // namespace normlab
