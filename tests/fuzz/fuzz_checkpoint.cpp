// libFuzzer target: the restricted pickle reader of torch.save checkpoints (data.pkl), and
// load_state_dict replayed with what it read against a small model. A pickle is read or
// refused with a message; what the replay reports missing is never in the checkpoint and
// what it reports unexpected always is.
#include "normlab/checkpoint.h"
#include "normlab/load_state_dict.h"
#include "normlab/model_text.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace normlab;
    const CheckpointRead read =
        readStateDictPickle(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!read.ok()) {
        if (!read.checkpoint.tensors.empty()) std::abort();
        return 0;
    }
    static const ModelText model = parseModelText(
        "Sequential(\n"
        "  (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n"
        "  (1): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n"
        "  (2): InstanceNorm2d(8, eps=1e-05, momentum=0.1, affine=False, "
        "track_running_stats=False)\n"
        "  (3): Linear(in_features=8, out_features=10, bias=True)\n"
        ")\n");
    const LoadStateDictReport r = checkLoadStateDict(*model.root, read.checkpoint);
    auto saved = [&](const std::string& key) {
        return std::any_of(read.checkpoint.tensors.begin(), read.checkpoint.tensors.end(),
                           [&](const CheckpointTensor& t) { return t.key == key; });
    };
    for (const std::string& k : r.missing)
        if (saved(k)) std::abort();
    for (const std::string& k : r.unexpected)
        if (!saved(k)) std::abort();
    if (r.strictError.has_value() !=
        (!r.missing.empty() || !r.unexpected.empty() || !r.moduleErrors.empty()))
        std::abort();
    return 0;
}
