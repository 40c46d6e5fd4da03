// The CUDA kernels' view of a layout (SliceLayout and Validity flattened) and the index
// arithmetic they share: which (o, m, p, s) an element is, its parameter, its sample, its
// validity, the i-th element of a slice or of a run, the elements that use a parameter.
// Plain C++ callable from host and device, so tests/tst_cuda.cpp runs these very functions
// on the host against the CPU kernels even where no GPU is present.
//
// No index is divided with `/` or `%`: a GPU has no integer divider, and a 64-bit division
// is a software routine of some 70 instructions, paid several times per element. Every
// divisor the kernels meet is fixed for a call, so the host prepares a Divider for it and
// the device divides by a multiply-high, an add and a shift.
#pragma once

#include "normlab/backend.h"

#include <cstdint>

#if defined(__CUDACC__)
#define NORMLAB_HD __host__ __device__
#define NORMLAB_UNROLL _Pragma("unroll")
#else
#define NORMLAB_HD
#define NORMLAB_UNROLL
#endif

namespace normlab::cuda {

// Division by a fixed divisor d, 1 <= d < 2^63 (Granlund and Montgomery, "Division by
// invariant integers using multiplication", 1994, as ATen's IntDivider for 32 bits). With
// s = ceil(log2 d) and, for N-bit numerators, magic = floor(2^N (2^s - d) / d) + 1:
//   n / d = (mulhi_N(n, magic) + n) >> s      for 0 <= n < 2^(N-1),
// where mulhi(n, magic) <= n keeps the sum below 2^N. magic32 (N = 32) serves the narrow
// views (fewer than 2^31 elements: one 32-bit multiply-high), magic64 (N = 64) the others.
// tests/tst_cuda.cpp checks both against `/` on the host.
struct Divider {
    std::uint64_t magic64 = 0;
    std::uint32_t magic32 = 0, shift = 0;
};

// A divisor below 1 gives the divider of 1 (n / 1 = n): a layout extent of 0 has no
// element to divide.
inline Divider dividerFor(std::int64_t d) {
    Divider f;
    if (d < 1) d = 1;
    while ((std::uint64_t(1) << f.shift) < std::uint64_t(d)) ++f.shift;
    const std::uint64_t gap = (std::uint64_t(1) << f.shift) - std::uint64_t(d); // < d
    f.magic64 = std::uint64_t(((unsigned __int128)gap << 64) / std::uint64_t(d) + 1);
    if (d < (std::int64_t(1) << 31)) f.magic32 = std::uint32_t((gap << 32) / std::uint64_t(d) + 1);
    return f;
}

// n / d for n < 2^31 and d < 2^31.
NORMLAB_HD inline std::uint32_t divide32(const Divider& f, std::uint32_t n) {
#if defined(__CUDA_ARCH__)
    const std::uint32_t high = __umulhi(n, f.magic32);
#else
    const std::uint32_t high = std::uint32_t((std::uint64_t(n) * f.magic32) >> 32);
#endif
    return (high + n) >> f.shift;
}

// n / d for n < 2^63.
NORMLAB_HD inline std::uint64_t divide64(const Divider& f, std::uint64_t n) {
#if defined(__CUDA_ARCH__)
    const std::uint64_t high = __umul64hi(n, f.magic64);
#else
    const std::uint64_t high = std::uint64_t(((unsigned __int128)n * f.magic64) >> 64);
#endif
    return (high + n) >> f.shift;
}

struct DeviceView {
    std::int64_t outer, slices, paramInner, span, paramDiv, paramMod, batch;
    int batchPlace; // BatchPlace: 0 Outer, 1 Slices, 2 ParamInner
    const std::uint8_t* mask;
    const std::int64_t* lengths;
    std::int64_t chunk;
    // Fewer than 2^31 elements: every index fits 31 bits and divides by magic32.
    bool narrow;
    // The slices whose run p uses parameter k (parameterSlice): how many to try.
    std::int64_t parameterSliceCandidates;
    Divider bySpan, byParamInner, bySlices, byParamDiv, byParamMod;
    Divider byBlock;  // paramInner * span: the elements of one (o, m) block
    Divider byRun;    // outer * span: the positions of one run
    Divider byChunk;  // the lengths' chunk
    Divider bySample; // the batch place's extent / batch: its entries per sample
};

// The view of `view` whose mask / lengths point at `mask` / `lengths` (device copies, or
// the host arrays themselves for host code).
inline DeviceView deviceViewOf(const KernelView& view, const std::uint8_t* mask,
                               const std::int64_t* lengths) {
    const SliceLayout& L = view.layout;
    DeviceView v{L.outer, L.slices,          L.paramInner, L.span,  L.paramDiv,         L.paramMod,
                 L.batch, int(L.batchPlace), mask,         lengths, view.validity.chunk};
    const std::int64_t period = L.paramDiv * L.paramMod;
    v.parameterSliceCandidates = period > 0 ? (L.slices + period - 1) / period * L.paramDiv : 0;
    // The largest index divided: an element, or a parameter's candidate (parameterElement).
    const std::int64_t candidates = v.parameterSliceCandidates * L.outer * L.span;
    v.narrow = (L.elements() > candidates ? L.elements() : candidates) < (std::int64_t(1) << 31);
    v.bySpan = dividerFor(L.span);
    v.byParamInner = dividerFor(L.paramInner);
    v.bySlices = dividerFor(L.slices);
    v.byParamDiv = dividerFor(L.paramDiv);
    v.byParamMod = dividerFor(L.paramMod);
    v.byBlock = dividerFor(L.paramInner * L.span);
    v.byRun = dividerFor(L.outer * L.span);
    v.byChunk = dividerFor(view.validity.chunk);
    const std::int64_t placeExtent =
        v.batchPlace == 0 ? L.outer : (v.batchPlace == 1 ? L.slices : L.paramInner);
    v.bySample = dividerFor(L.batch > 0 ? placeExtent / L.batch : 1);
    return v;
}

// n / d for an index n >= 0 of view v and one of its divisors d (by, d's divider).
NORMLAB_HD inline std::int64_t quotient(const DeviceView& v, std::int64_t n, const Divider& by) {
    return v.narrow ? std::int64_t(divide32(by, std::uint32_t(n)))
                    : std::int64_t(divide64(by, std::uint64_t(n)));
}

struct Position {
    std::int64_t o, m, p, s;
};

// Element e in layout order: e = ((o * slices + m) * paramInner + p) * span + s.
NORMLAB_HD inline Position positionOf(const DeviceView& v, std::int64_t e) {
    Position at;
    const std::int64_t ps = quotient(v, e, v.bySpan); // (o * slices + m) * P + p
    at.s = e - ps * v.span;
    const std::int64_t om = quotient(v, ps, v.byParamInner);
    at.p = ps - om * v.paramInner;
    at.o = quotient(v, om, v.bySlices);
    at.m = om - at.o * v.slices;
    return at;
}

NORMLAB_HD inline std::int64_t paramOf(const DeviceView& v, std::int64_t m, std::int64_t p) {
    const std::int64_t q = quotient(v, m, v.byParamDiv);
    return (q - quotient(v, q, v.byParamMod) * v.paramMod) * v.paramInner + p;
}

NORMLAB_HD inline std::int64_t sampleOf(const DeviceView& v, const Position& at) {
    const std::int64_t coordinate = v.batchPlace == 0 ? at.o : (v.batchPlace == 1 ? at.m : at.p);
    return quotient(v, coordinate, v.bySample);
}

// Masks: a byte per element; lengths: the first lengths[n] of every `chunk` elements of
// the (o, m) block (as the CPU kernels' forSegments).
NORMLAB_HD inline bool isValid(const DeviceView& v, std::int64_t e, const Position& at) {
    if (v.mask) return v.mask[e] != 0;
    if (v.lengths) {
        const std::int64_t inBlock = at.p * v.span + at.s;
        const std::int64_t inChunk = inBlock - quotient(v, inBlock, v.byChunk) * v.chunk;
        return inChunk < v.lengths[sampleOf(v, at)];
    }
    return true;
}

NORMLAB_HD inline std::int64_t sliceSize(const DeviceView& v) {
    return v.outer * v.paramInner * v.span;
}

NORMLAB_HD inline std::int64_t elementsOf(const DeviceView& v) {
    return v.outer * v.slices * v.paramInner * v.span;
}

// The i-th element (i < sliceSize) of slice m: blocks (o, m) of paramInner * span elements.
NORMLAB_HD inline std::int64_t sliceElement(const DeviceView& v, std::int64_t m, std::int64_t i) {
    const std::int64_t block = v.paramInner * v.span, o = quotient(v, i, v.byBlock);
    return (o * v.slices + m) * block + (i - o * block);
}

// Run form (span > 1): the i-th element (i < outer * span) of run p of slice m.
NORMLAB_HD inline std::int64_t runElement(const DeviceView& v, std::int64_t m, std::int64_t p,
                                          std::int64_t i) {
    const std::int64_t o = quotient(v, i, v.bySpan), s = i - o * v.span;
    return ((o * v.slices + m) * v.paramInner + p) * v.span + s;
}

// The slices whose run p uses parameter k = q * paramInner + p: the j-th candidate
// (j < v.parameterSliceCandidates) is slice m, or -1 past the last slice.
NORMLAB_HD inline std::int64_t parameterSlice(const DeviceView& v, std::int64_t k, std::int64_t j) {
    const std::int64_t q = quotient(v, k, v.byParamInner), period = v.paramDiv * v.paramMod;
    const std::int64_t round = quotient(v, j, v.byParamDiv);
    const std::int64_t m = round * period + q * v.paramDiv + (j - round * v.paramDiv);
    return m < v.slices ? m : -1;
}

// Rows sharing their parameters (span == 1, paramMod == 1: LayerNorm, RMSNorm): rows (o, m)
// of paramInner elements, parameter p = column p. dγ/dβ are summed per tile of kRowTile
// rows (one block per tile, threads over columns: coalesced), then over tiles.
inline constexpr std::int64_t kRowTile = 32;

NORMLAB_HD inline bool sharedRowParameters(const DeviceView& v) {
    return v.span == 1 && v.paramMod == 1;
}

NORMLAB_HD inline std::int64_t rowTiles(const DeviceView& v) {
    return (v.outer * v.slices + kRowTile - 1) / kRowTile;
}

// The i-th candidate element (i < parameterCandidates) using parameter
// k = q * paramInner + p, over every slice of parameterSlice, o and s; -1 past the slices.
NORMLAB_HD inline std::int64_t parameterCandidates(const DeviceView& v) {
    return v.parameterSliceCandidates * v.outer * v.span;
}

NORMLAB_HD inline std::int64_t parameterElement(const DeviceView& v, std::int64_t k,
                                                std::int64_t i) {
    const std::int64_t perSlice = v.outer * v.span, j = quotient(v, i, v.byRun);
    const std::int64_t m = parameterSlice(v, k, j);
    const std::int64_t p = k - quotient(v, k, v.byParamInner) * v.paramInner;
    return m < 0 ? -1 : runElement(v, m, p, i - j * perSlice);
}

// Contiguous slices, the fast path. With outer == 1 slice m is the elements
// [m * size, (m + 1) * size); with no mask, and lengths only as one valid prefix per slice
// (chunk == size), its valid elements are its first validPrefix(v, m).
NORMLAB_HD inline bool contiguousSlices(const DeviceView& v) {
    return v.outer == 1 && !v.mask &&
           (!v.lengths || (v.chunk == sliceSize(v) && v.batchPlace != 2));
}

NORMLAB_HD inline std::int64_t validPrefix(const DeviceView& v, std::int64_t m) {
    const std::int64_t size = sliceSize(v);
    if (!v.lengths) return size;
    const std::int64_t n = v.lengths[sampleOf(v, Position{0, m, 0, 0})];
    return n < size ? n : size;
}

// Parameter of element i of contiguous slice m (span == 1: i itself within the slice's
// parameter block).
NORMLAB_HD inline std::int64_t contiguousParam(const DeviceView& v, std::int64_t m,
                                               std::int64_t i) {
    return paramOf(v, m, v.span == 1 ? i : quotient(v, i, v.bySpan));
}

} // namespace normlab::cuda
