// Which elements a summary counts. `keep` is null (all of them), a slice map (int64 of the
// values' shape, -1 = masked out: sliceIndexMap) or a validity mask (bool/uint8 of the
// values' shape, 0 = masked out: SliceIndexer::keep()).
#pragma once

#include "normlab/tensor.h"

#include <cstdint>
#include <stdexcept>

namespace normlab::detail {

// Calls f(kept) with a predicate kept(flat index) -> bool inlined for the keep's type.
template <class F> void withKeptTest(const Tensor& values, const Tensor* keep, F f) {
    if (!keep) return f([](std::int64_t) { return true; });
    if (keep->shape() != values.shape())
        throw std::invalid_argument("keep must have the values' shape");
    switch (keep->dtype()) {
    case DType::Int64: {
        const std::int64_t* k = keep->data<std::int64_t>();
        return f([k](std::int64_t i) { return k[i] >= 0; });
    }
    case DType::Bool:
    case DType::UInt8: {
        const std::uint8_t* k = keep->data<std::uint8_t>();
        return f([k](std::int64_t i) { return k[i] != 0; });
    }
    default:
        throw std::invalid_argument("keep must be an int64 slice map or a bool/uint8 mask");
    }
}

} // namespace normlab::detail
