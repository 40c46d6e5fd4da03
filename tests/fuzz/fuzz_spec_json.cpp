// libFuzzer target: SPEC.json, then (when it parses) one normalization on a small input of
// each rank, with lengths: the parser and the configuration checks behind it.
#include "spec_json.h"

#include "normlab/backend.h"
#include "normlab/normalize.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace normlab;
    const formats::SpecParseResult parsed =
        formats::parseSpecJson(QByteArray(reinterpret_cast<const char*>(data), qsizetype(size)));
    if (!parsed.error.isEmpty()) return 0;
    static const Shape kShapes[] = {{6}, {2, 6}, {2, 6, 5}, {1, 6, 2, 3}, {2, 2, 1, 2, 3}};
    for (const Shape& shape : kShapes) {
        NormInputs inputs;
        inputs.input = Tensor::zeros(shape, parsed.spec.dtype);
        for (std::int64_t i = 0; i < inputs.input.size(); ++i)
            inputs.input.set(i, double((i * 7) % 5) - 2.0);
        inputs.gradOutput = inputs.input;
        const NormResult r = normalize(parsed.spec, inputs, cpuBackend());
        if (!r.ok() && r.error.empty()) std::abort();
        if (r.ok() && r.output.shape() != shape) std::abort();
    }
    return 0;
}
