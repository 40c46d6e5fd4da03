// libFuzzer target: the .npy reader on arbitrary bytes. A file is either a tensor whose
// byte count matches its header, or an error message; never a crash, a hang or an
// allocation the bytes do not justify.
#include "normlab/npy.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const normlab::NpyReadResult r =
        normlab::parseNpy(std::string_view(reinterpret_cast<const char*>(data), size));
    if (r.ok() && r.tensor.byteSize() > size) std::abort(); // more data than the file held
    if (!r.ok() && r.error.empty()) std::abort();
    return 0;
}
