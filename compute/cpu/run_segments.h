// Building blocks of the CPU kernels: how a run of elements splits into valid and invalid
// segments (reductions over a segment are in lanes.h).
#pragma once

#include "lanes.h"
#include "normlab/backend.h"

#include <cstdint>

namespace normlab::cpu {

// Splits the run [begin, begin + length) of sample `sample` into segments:
//   valid(offset, length, mask)  mask null: every element valid; else one byte per element
//   invalid(offset, length)      elements to be written as 0 by output kernels
// With lengths, only the valid prefix of each chunk is visited by `valid`, so a masked run
// costs what the valid elements cost.
template <class Valid, class Invalid>
inline void forSegments(const Validity& validity, std::int64_t sample, std::int64_t begin,
                        std::int64_t length, Valid&& valid, Invalid&& invalid) {
    if (validity.lengths) {
        const std::int64_t keep = validity.lengths[sample];
        const std::int64_t chunk = validity.chunk;
        if (keep >= chunk) {
            valid(begin, length, nullptr);
            return;
        }
        for (std::int64_t at = begin; at < begin + length; at += chunk) {
            if (keep > 0) valid(at, keep, nullptr);
            invalid(at + keep, chunk - keep);
        }
        return;
    }
    valid(begin, length, validity.mask ? validity.mask + begin : nullptr);
}

inline constexpr auto kNoInvalid = [](std::int64_t, std::int64_t) {};

// forSegments over every block (o, m) of slice m: the paramInner * span contiguous elements
// at ((o * slices + m) * paramInner * span). `valid` also receives the block's start.
template <class Valid, class Invalid>
inline void forSliceSegments(const KernelView& view, std::int64_t m, Valid&& valid,
                             Invalid&& invalid) {
    const SliceLayout& L = view.layout;
    const std::int64_t block = L.paramInner * L.span;
    for (std::int64_t o = 0; o < L.outer; ++o) {
        const std::int64_t base = (o * L.slices + m) * block;
        forSegments(
            view.validity, L.sample(o, m, 0), base, block,
            [&](std::int64_t at, std::int64_t len, const std::uint8_t* mask) {
                valid(at, len, mask, base);
            },
            invalid);
    }
}

// Slices per parallel chunk so that each chunk holds at least ~32K elements.
inline std::int64_t sliceGrain(const SliceLayout& layout) {
    const std::int64_t perSlice = layout.outer * layout.paramInner * layout.span;
    return perSlice >= 32768 ? 1 : 32768 / (perSlice > 0 ? perSlice : 1);
}

} // namespace normlab::cpu
