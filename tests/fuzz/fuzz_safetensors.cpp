// libFuzzer target: the safetensors header reader (the JSON after the 8-byte length). A
// header is read whole or refused with a message; every tensor it accepts has a known dtype,
// non-negative sizes, and data that fits the bytes said to follow (1 MiB here).
#include "checkpoint_file.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace normlab;
    const CheckpointRead r = formats::parseSafetensorsHeader(
        QByteArray(reinterpret_cast<const char*>(data), qsizetype(size)), qint64(1) << 20);
    if (!r.ok()) {
        if (!r.checkpoint.tensors.empty()) std::abort();
        return 0;
    }
    for (const CheckpointTensor& t : r.checkpoint.tensors) {
        if (dtypeBytes(t.dtype) == 0) std::abort();
        double bytes = dtypeBytes(t.dtype);
        for (std::int64_t d : t.shape) {
            if (d < 0) std::abort();
            bytes *= double(d);
        }
        if (bytes > double(std::int64_t(1) << 20)) std::abort();
    }
    return 0;
}
