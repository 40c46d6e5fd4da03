// libFuzzer target: the print(model) reader and the debugger on it, at a few input shapes
// and PyTorch versions. Every text gives a report or a line-numbered error; every shape in
// a report is positive.
#include "normlab/diagnose.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace normlab;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const ModelText parsed = parseModelText(text);
    if (!parsed.root) {
        if (parsed.error.empty()) std::abort();
        return 0;
    }
    static const Shape kShapes[] = {{2, 3, 32, 32}, {1, 16}, {2, 8, 64}, {1, 3, 7, 7, 7}};
    static const TorchVersion kVersions[] = {{1, 13}, {2, 1}, {2, 4}};
    for (const Shape& shape : kShapes)
        for (const TorchVersion& version : kVersions) {
            const DiagnoseReport r = diagnoseModel(*parsed.root, shape, version);
            for (const LayerReport& layer : r.layers)
                for (const auto& s : {layer.inputShape, layer.outputShape})
                    if (s)
                        for (std::int64_t d : *s)
                            if (d < 0) std::abort(); // a negative size is never a shape
        }
    return 0;
}
