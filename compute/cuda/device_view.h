// The CUDA kernels' view of a layout (SliceLayout and Validity flattened), the index
// arithmetic they share (which (o, m, p, s) an element is, its parameter, its sample, its
// validity, the i-th element of a slice, the i-th element that uses a parameter) and the
// per-element formulas. Plain C++ callable from host and device: the kernels add only the
// loops over threads and the reductions, so the host test suite runs these very functions
// in serial loops against the CPU kernels even where no GPU is present (tests/tst_cuda.cpp).
#pragma once

#include "normlab/backend.h"

#include <cstdint>

#if defined(__CUDACC__)
#define NORMLAB_HD __host__ __device__
#else
#define NORMLAB_HD
#endif

namespace normlab::cuda {

// Division by a fixed divisor d (1 <= d < 2^31) of numbers n < 2^31 with a multiply-high,
// an add and a shift: GPUs have no integer divider, and a 64-bit `/` is a long software
// routine, paid several times per element by the index arithmetic below. With
// s = ceil(log2 d) and magic = floor(2^32 (2^s - d) / d) + 1 (Granlund and Montgomery, as
// ATen's IntDivider):  n / d = (mulhi(n, magic) + n) >> s,  where mulhi(n, magic) <= n
// keeps the sum below 2^32. tests/tst_cuda.cpp checks it against `/` on the host.
struct FastDivider {
    std::uint32_t magic = 0, shift = 0;
};

inline FastDivider fastDivider(std::int64_t d) {
    if (d < 1 || d >= (std::int64_t(1) << 31)) return {}; // unused: the view is not narrow
    std::uint32_t s = 0;
    while ((std::int64_t(1) << s) < d) ++s;
    const std::uint64_t magic = ((std::uint64_t(1) << 32) * ((std::uint64_t(1) << s) - d)) / d + 1;
    return {std::uint32_t(magic), s};
}

NORMLAB_HD inline std::uint32_t divide(const FastDivider& f, std::uint32_t n) {
#if defined(__CUDA_ARCH__)
    const std::uint32_t high = __umulhi(n, f.magic);
#else
    const std::uint32_t high = std::uint32_t((std::uint64_t(n) * f.magic) >> 32);
#endif
    return (high + n) >> f.shift;
}

struct DeviceView {
    std::int64_t outer, slices, paramInner, span, paramDiv, paramMod, batch;
    int batchPlace; // BatchPlace: 0 Outer, 1 Slices, 2 ParamInner
    const std::uint8_t* mask;
    const std::int64_t* lengths;
    std::int64_t chunk;
    // Fewer than 2^31 elements: index arithmetic in 32 bits with these dividers.
    bool narrow;
    FastDivider bySpan, byParamInner, bySlices, byParamDiv, byParamMod;
};

// The view of `view` whose mask / lengths point at `mask` / `lengths` (device copies, or
// the host arrays themselves for host code).
inline DeviceView deviceViewOf(const KernelView& view, const std::uint8_t* mask,
                               const std::int64_t* lengths) {
    const SliceLayout& L = view.layout;
    DeviceView v{L.outer, L.slices,          L.paramInner, L.span,  L.paramDiv,         L.paramMod,
                 L.batch, int(L.batchPlace), mask,         lengths, view.validity.chunk};
    v.narrow = L.elements() < (std::int64_t(1) << 31);
    v.bySpan = fastDivider(L.span);
    v.byParamInner = fastDivider(L.paramInner);
    v.bySlices = fastDivider(L.slices);
    v.byParamDiv = fastDivider(L.paramDiv);
    v.byParamMod = fastDivider(L.paramMod);
    return v;
}

// n / d for n and d of a narrow view (the divider is d's), else 64-bit division.
NORMLAB_HD inline std::int64_t quotient(const DeviceView& v, std::int64_t n, std::int64_t d,
                                        const FastDivider& byD) {
    return v.narrow ? std::int64_t(divide(byD, std::uint32_t(n))) : n / d;
}

struct Position {
    std::int64_t o, m, p, s;
};

// Element e in layout order: e = ((o * slices + m) * paramInner + p) * span + s.
NORMLAB_HD inline Position positionOf(const DeviceView& v, std::int64_t e) {
    Position at;
    const std::int64_t ps = quotient(v, e, v.span, v.bySpan); // (o * slices + m) * P + p
    at.s = e - ps * v.span;
    const std::int64_t om = quotient(v, ps, v.paramInner, v.byParamInner);
    at.p = ps - om * v.paramInner;
    at.o = quotient(v, om, v.slices, v.bySlices);
    at.m = om - at.o * v.slices;
    return at;
}

NORMLAB_HD inline std::int64_t paramOf(const DeviceView& v, std::int64_t m, std::int64_t p) {
    const std::int64_t q = quotient(v, m, v.paramDiv, v.byParamDiv);
    return (q - quotient(v, q, v.paramMod, v.byParamMod) * v.paramMod) * v.paramInner + p;
}

NORMLAB_HD inline std::int64_t sampleOf(const DeviceView& v, const Position& at) {
    switch (v.batchPlace) {
    case 0:
        return at.o / (v.outer / v.batch);
    case 1:
        return at.m / (v.slices / v.batch);
    default:
        return at.p / (v.paramInner / v.batch);
    }
}

// Masks: a byte per element; lengths: the first lengths[n] of every `chunk` elements of
// the (o, m) block (as the CPU kernels' forSegments).
NORMLAB_HD inline bool isValid(const DeviceView& v, std::int64_t e, const Position& at) {
    if (v.mask) return v.mask[e] != 0;
    if (v.lengths) {
        const std::int64_t inBlock = at.p * v.span + at.s;
        return inBlock % v.chunk < v.lengths[sampleOf(v, at)];
    }
    return true;
}

NORMLAB_HD inline std::int64_t sliceSize(const DeviceView& v) {
    return v.outer * v.paramInner * v.span;
}

// The i-th element (i < sliceSize) of slice m: blocks (o, m) of paramInner * span elements.
NORMLAB_HD inline std::int64_t sliceElement(const DeviceView& v, std::int64_t m, std::int64_t i) {
    const std::int64_t block = v.paramInner * v.span;
    return ((i / block) * v.slices + m) * block + i % block;
}

// Statistics of a slice in `chunks` pieces of statsChunkSize elements (one block each), so
// that few long slices (BatchNorm) still fill the device. Each piece is summarised in two
// passes as (n, mean, M2 = sum of squared deviations) (RMSNorm: (n, sum of squares, 0)),
// and the pieces are merged with Chan's formula, which stays stable at large means.
struct Moments {
    double n, mean, m2;
};

NORMLAB_HD inline Moments chanMerge(const Moments& a, const Moments& b) {
    if (b.n == 0) return a;
    if (a.n == 0) return b;
    const double n = a.n + b.n, delta = b.mean - a.mean;
    return {n, a.mean + delta * (b.n / n), a.m2 + b.m2 + delta * delta * (a.n * b.n / n)};
}

// Pieces for `slices` ranges of `length` elements: enough blocks for `targetBlocks` in all,
// none smaller than minChunk; each piece covers pieceSize consecutive positions.
NORMLAB_HD inline std::int64_t piecesFor(std::int64_t slices, std::int64_t length,
                                         std::int64_t targetBlocks, std::int64_t minChunk) {
    const std::int64_t wanted = (targetBlocks + slices - 1) / (slices > 0 ? slices : 1);
    const std::int64_t most = (length + minChunk - 1) / minChunk;
    const std::int64_t chunks = wanted < most ? wanted : most;
    return chunks > 1 ? chunks : 1;
}

NORMLAB_HD inline std::int64_t pieceSize(std::int64_t length, std::int64_t chunks) {
    return (length + chunks - 1) / chunks;
}

NORMLAB_HD inline std::int64_t statsChunks(const DeviceView& v, std::int64_t targetBlocks,
                                           std::int64_t minChunk) {
    return piecesFor(v.slices, sliceSize(v), targetBlocks, minChunk);
}

NORMLAB_HD inline std::int64_t statsChunkSize(const DeviceView& v, std::int64_t chunks) {
    return pieceSize(sliceSize(v), chunks);
}

// Run form (span > 1): the backward's per-(slice, run) sums in pieces of the runs'
// outer * span positions, the same way (BatchNorm: 64 channels would fill half a device).
NORMLAB_HD inline std::int64_t runChunks(const DeviceView& v, std::int64_t targetBlocks,
                                         std::int64_t minChunk) {
    return piecesFor(v.slices, v.outer * v.span, targetBlocks, minChunk);
}

// Run form (span > 1): the i-th element (i < outer * span) of run p of slice m.
NORMLAB_HD inline std::int64_t runElement(const DeviceView& v, std::int64_t m, std::int64_t p,
                                          std::int64_t i) {
    const std::int64_t o = i / v.span, s = i % v.span;
    return ((o * v.slices + m) * v.paramInner + p) * v.span + s;
}

// The slices whose run p uses parameter k = q * paramInner + p: the j-th candidate
// (j < parameterSliceCandidates) is slice m, or -1 past the last slice.
NORMLAB_HD inline std::int64_t parameterSliceCandidates(const DeviceView& v) {
    const std::int64_t period = v.paramDiv * v.paramMod;
    return (v.slices + period - 1) / period * v.paramDiv;
}

NORMLAB_HD inline std::int64_t parameterSlice(const DeviceView& v, std::int64_t k, std::int64_t j) {
    const std::int64_t q = k / v.paramInner, period = v.paramDiv * v.paramMod;
    const std::int64_t m = (j / v.paramDiv) * period + q * v.paramDiv + j % v.paramDiv;
    return m < v.slices ? m : -1;
}

// Row form with parameters shared by every row (span == 1, paramMod == 1: LayerNorm,
// RMSNorm): rows (o, m) of paramInner elements, parameter p = column p. dγ/dβ are summed
// per tile of kRowTile rows (one block per tile, threads over columns: coalesced), then
// over tiles.
inline constexpr std::int64_t kRowTile = 32;

NORMLAB_HD inline bool sharedRowParameters(const DeviceView& v) {
    return v.span == 1 && v.paramMod == 1;
}

NORMLAB_HD inline std::int64_t rowTiles(const DeviceView& v) {
    return (v.outer * v.slices + kRowTile - 1) / kRowTile;
}

// Row form: the i-th candidate element (i < parameterCandidates) using parameter
// k = q * paramInner + p, over every slice of parameterSlice, o and s; -1 past the slices.
NORMLAB_HD inline std::int64_t parameterCandidates(const DeviceView& v) {
    return parameterSliceCandidates(v) * v.outer * v.span;
}

NORMLAB_HD inline std::int64_t parameterElement(const DeviceView& v, std::int64_t k,
                                                std::int64_t i) {
    const std::int64_t perSlice = v.outer * v.span;
    const std::int64_t m = parameterSlice(v, k, i / perSlice);
    return m < 0 ? -1 : runElement(v, m, k % v.paramInner, i % perSlice);
}

// Contiguous slices, the fast path. With outer == 1 slice m is the elements
// [m * size, (m + 1) * size); with no mask, and lengths only as one valid prefix per slice
// (chunk == size), its valid elements are its first validPrefix(v, m). The kernels give
// each such slice a warp when it has at most kWarpSliceMax elements (LayerNorm rows,
// InstanceNorm on short sequences), else a block, and read it in 16-byte packs when every
// slice starts on a 16-byte boundary (the buffers themselves are 256-byte aligned). Each
// thread ("lane" of the slice's group) visits packs lane, lane + lanes, ... and then the
// elements after the last whole pack the same way; the group then adds up its lanes.
inline constexpr std::int64_t kWarpSliceMax = 1024;

NORMLAB_HD inline bool contiguousSlices(const DeviceView& v) {
    return v.outer == 1 && !v.mask &&
           (!v.lengths || (v.chunk == sliceSize(v) && v.batchPlace != 2));
}

NORMLAB_HD inline int contiguousLanes(const DeviceView& v, int blockThreads) {
    return sliceSize(v) <= kWarpSliceMax ? 32 : blockThreads;
}

// Statistics pieces per slice: contiguous slices stay whole, one kernel with a warp or
// block each, while there are at least as many slices as multiprocessors (GroupNorm's 512
// groups, InstanceNorm's 1024 channels); otherwise, and for other layouts, pieces of at
// least 4096 elements aim at four blocks per multiprocessor.
NORMLAB_HD inline std::int64_t statsPiecesFor(const DeviceView& v, int multiprocessors) {
    const std::int64_t target = std::int64_t(multiprocessors) * (contiguousSlices(v) ? 1 : 4);
    return statsChunks(v, target, 4096);
}

NORMLAB_HD inline std::int64_t validPrefix(const DeviceView& v, std::int64_t m) {
    const std::int64_t size = sliceSize(v);
    if (!v.lengths) return size;
    const std::int64_t n = v.lengths[sampleOf(v, Position{0, m, 0, 0})];
    return n < size ? n : size;
}

template <class T> struct alignas(16) Pack {
    static constexpr int kSize = int(16 / sizeof(T));
    T at[kSize];
};

template <class T> NORMLAB_HD inline bool packedSlices(const DeviceView& v) {
    return sliceSize(v) * std::int64_t(sizeof(T)) % 16 == 0;
}

// The share of lane `lane` of `lanes` in a slice's first n elements: onPack(j) for packs
// j = lane, lane + lanes, ... of the whole 16-byte packs of T when `packed`, then
// onElement(i) for the elements after them (all n elements when not packed) in the same
// stride.
template <class T, class OnPack, class OnElement>
NORMLAB_HD inline void forLaneIndices(std::int64_t n, int lane, int lanes, bool packed,
                                      OnPack onPack, OnElement onElement) {
    std::int64_t tail = 0;
    if (packed) {
        const std::int64_t packs = n / Pack<T>::kSize;
        for (std::int64_t j = lane; j < packs; j += lanes) onPack(j);
        tail = packs * Pack<T>::kSize;
    }
    for (std::int64_t i = tail + lane; i < n; i += lanes) onElement(i);
}

// forLaneIndices reading a and b (which may be the same array): onPack(j, a's pack j,
// b's pack j), onElement(i, a[i], b[i]).
template <class T, class OnPack, class OnElement>
NORMLAB_HD inline void forLaneShare(const T* a, const T* b, std::int64_t n, int lane, int lanes,
                                    bool packed, OnPack onPack, OnElement onElement) {
    forLaneIndices<T>(
        n, lane, lanes, packed,
        [&](std::int64_t j) {
            // Copies: one 16-byte load each (through a reference nvcc loads element-wise).
            const Pack<T> pa = reinterpret_cast<const Pack<T>*>(a)[j];
            const Pack<T> pb = reinterpret_cast<const Pack<T>*>(b)[j];
            onPack(j, pa, pb);
        },
        [&](std::int64_t i) { onElement(i, double(a[i]), double(b[i])); });
}

// body(i, a[i], b[i]) over lane `lane`'s share of the first n elements.
template <class T, class Body>
NORMLAB_HD inline void forLaneElements(const T* a, const T* b, std::int64_t n, int lane, int lanes,
                                       bool packed, Body body) {
    constexpr int K = Pack<T>::kSize;
    forLaneShare(
        a, b, n, lane, lanes, packed,
        [&](std::int64_t j, const Pack<T>& pa, const Pack<T>& pb) {
            for (int k = 0; k < K; ++k) body(j * K + k, double(pa.at[k]), double(pb.at[k]));
        },
        body);
}

// out[i] = T(value(i, a[i], b[i])) over lane `lane`'s share of the first n elements, written
// in packs when `packed`.
template <class T, class Value>
NORMLAB_HD inline void mapLaneElements(const T* a, const T* b, T* out, std::int64_t n, int lane,
                                       int lanes, bool packed, Value value) {
    constexpr int K = Pack<T>::kSize;
    forLaneShare(
        a, b, n, lane, lanes, packed,
        [&](std::int64_t j, const Pack<T>& pa, const Pack<T>& pb) {
            Pack<T> po;
            for (int k = 0; k < K; ++k)
                po.at[k] = T(value(j * K + k, double(pa.at[k]), double(pb.at[k])));
            reinterpret_cast<Pack<T>*>(out)[j] = po;
        },
        [&](std::int64_t i, double ai, double bi) { out[i] = T(value(i, ai, bi)); });
}

// One lane's share of the two passes over a contiguous slice's first n elements:
// pass 1 sum(x) (RMSNorm: sum(x^2)), pass 2 sum((x - mu)^2).
template <class T>
NORMLAB_HD inline double laneFirstPass(const T* s, std::int64_t n, int lane, int lanes, bool packed,
                                       bool centered) {
    double sum = 0;
    forLaneElements(s, s, n, lane, lanes, packed,
                    [&](std::int64_t, double xi, double) { sum += centered ? xi : xi * xi; });
    return sum;
}

template <class T>
NORMLAB_HD inline double laneSecondPass(const T* s, std::int64_t n, int lane, int lanes,
                                        bool packed, double mu) {
    double squares = 0;
    forLaneElements(s, s, n, lane, lanes, packed,
                    [&](std::int64_t, double xi, double) { squares += (xi - mu) * (xi - mu); });
    return squares;
}

// Parameter of element i of contiguous slice m (span == 1: i itself within the slice's
// parameter block).
NORMLAB_HD inline std::int64_t contiguousParam(const DeviceView& v, std::int64_t m,
                                               std::int64_t i) {
    return paramOf(v, m, v.span == 1 ? i : i / v.span);
}

// One lane's share of the backward sums A = sum(dy * w), B = sum(dy * w * (x - mu)) over a
// contiguous slice's first n elements.
template <class T>
NORMLAB_HD inline void laneBackwardSums(const DeviceView& v, std::int64_t m, const T* xs,
                                        const T* gs, std::int64_t n, int lane, int lanes,
                                        bool packed, double mu, const double* weight, double& A,
                                        double& B) {
    forLaneElements(xs, gs, n, lane, lanes, packed, [&](std::int64_t i, double xi, double gi) {
        const double g = gi * weight[contiguousParam(v, m, i)];
        A += g;
        B += g * (xi - mu);
    });
}

// forward: (in - mean[m]) * rstd[m] * w[k] + b[k]
// inverse: (in - b[k]) * scale[m] / w[k] + mean[m]      (scale passed as `perSlice`)
enum class MapKind { Forward, Inverse };

NORMLAB_HD inline double forwardValue(double in, double mean, double rstd, double w, double b) {
    return (in - mean) * (rstd * w) + b;
}

NORMLAB_HD inline double mapValue(MapKind kind, double in, std::int64_t m, std::int64_t k,
                                  const double* mean, const double* perSlice, const double* weight,
                                  const double* bias) {
    return kind == MapKind::Forward ? forwardValue(in, mean[m], perSlice[m], weight[k], bias[k])
                                    : (in - bias[k]) * (perSlice[m] / weight[k]) + mean[m];
}

// dx of a valid element, from the slice's sums A = sum(dy * w), B = sum(dy * w * (x - mean)):
//   training: r*dy*w - r^3 * B/n * (x - mean) - r * A/n (the last term when centered)
//   constant statistics: r*dy*w
NORMLAB_HD inline double dxValue(double x, double dy, double w, double mean, double r, double n,
                                 double A, double B, bool centered, bool trainingGraph) {
    double k0 = 0, kx = 0;
    if (trainingGraph && n > 0) {
        k0 = centered ? -r * A / n : 0.0;
        kx = -r * r * r * B / n;
    }
    return r * dy * w + kx * (x - mean) + k0;
}

// Lane `lane`'s share of the forward output of contiguous slice m (x at s, y at out):
// forwardValue on the first n elements, 0 after them.
template <class T>
NORMLAB_HD inline void laneForward(const DeviceView& v, std::int64_t m, const T* s, T* out,
                                   std::int64_t n, int lane, int lanes, bool packed, double mu,
                                   double r, const double* weight, const double* bias) {
    mapLaneElements(s, s, out, sliceSize(v), lane, lanes, packed,
                    [&](std::int64_t i, double xi, double) {
                        const std::int64_t k = contiguousParam(v, m, i);
                        return i < n ? forwardValue(xi, mu, r, weight[k], bias[k]) : 0.0;
                    });
}

// What dx of a contiguous slice needs: its valid prefix n, statistics, count and sums.
struct SliceBackward {
    std::int64_t n;
    double mu, r, count, A, B;
    const double* weight;
    bool centered, trainingGraph;
};

// Slice m's SliceBackward with A = B = 0 (the kernels add the sums when training).
NORMLAB_HD inline SliceBackward sliceBackwardOf(const DeviceView& v, std::int64_t m,
                                                const double* mean, const double* rstd,
                                                const std::int64_t* count, const double* weight,
                                                bool centered, bool trainingGraph) {
    return {validPrefix(v, m), mean[m],      rstd[m], double(count[m]), 0.0, 0.0, weight,
            centered,          trainingGraph};
}

// dx of element i of contiguous slice m: dxValue on the valid prefix, 0 after it.
NORMLAB_HD inline double sliceDx(const DeviceView& v, std::int64_t m, const SliceBackward& b,
                                 std::int64_t i, double xi, double gi) {
    return i < b.n ? dxValue(xi, gi, b.weight[contiguousParam(v, m, i)], b.mu, b.r, b.count, b.A,
                             b.B, b.centered, b.trainingGraph)
                   : 0.0;
}

// Lane `lane`'s share of dx of contiguous slice m.
template <class T>
NORMLAB_HD inline void laneBackwardDx(const DeviceView& v, std::int64_t m, const T* xs, const T* gs,
                                      T* out, int lane, int lanes, bool packed,
                                      const SliceBackward& b) {
    mapLaneElements(
        xs, gs, out, sliceSize(v), lane, lanes, packed,
        [&](std::int64_t i, double xi, double gi) { return sliceDx(v, m, b, i, xi, gi); });
}

// The fused row-form backward (rows sharing parameters, contiguous, dγ/dβ asked): a block
// of kRowTileLanes threads per tile of kRowTile rows computes each row's A, B, its dx and,
// in the same read of x and dy, the tile's dγ/dβ per column. A thread owns the same columns
// on every row (its share of the row, as forLaneShare hands it out), so it adds their
// contributions in per-thread slots (its s-th visited element at slot s) and writes them
// out once per tile; no second read of x and dy. Rows longer than the slots allow take
// the unfused kernels.
inline constexpr int kRowTileLanes = 256;
inline constexpr int kRowSlots = 16;

template <class T> NORMLAB_HD inline std::int64_t rowSlotsNeeded(const DeviceView& v) {
    const std::int64_t size = sliceSize(v), K = Pack<T>::kSize, L = kRowTileLanes;
    if (!packedSlices<T>(v)) return (size + L - 1) / L;
    const std::int64_t packs = size / K, tail = size - packs * K;
    return K * ((packs + L - 1) / L) + (tail + L - 1) / L;
}

template <class T> NORMLAB_HD inline bool fusedRowTiles(const DeviceView& v) {
    return sharedRowParameters(v) && contiguousSlices(v) && rowSlotsNeeded<T>(v) <= kRowSlots;
}

// Lane `lane`'s part of row m: dx over its share of the row (sliceDx) and, for valid
// elements, dy * (x - mean) * rstd and dy added to its slots.
template <class T>
NORMLAB_HD inline void laneRowTileBackward(const DeviceView& v, std::int64_t m, const T* xs,
                                           const T* gs, T* out, int lane, bool packed,
                                           const SliceBackward& b, double* slotW, double* slotB) {
    int slot = 0;
    mapLaneElements(xs, gs, out, sliceSize(v), lane, kRowTileLanes, packed,
                    [&](std::int64_t i, double xi, double gi) {
                        const int s = slot++;
                        if (i < b.n) {
                            slotW[s] += gi * (xi - b.mu) * b.r;
                            slotB[s] += gi;
                        }
                        return sliceDx(v, m, b, i, xi, gi);
                    });
}

// Lane `lane`'s slots to the tile's sums: tileSums[2 * column + {0, 1}].
template <class T>
NORMLAB_HD inline void writeLaneTileSums(const DeviceView& v, int lane, bool packed,
                                         const double* slotW, const double* slotB,
                                         double* tileSums) {
    int slot = 0;
    auto write = [&](std::int64_t column) {
        tileSums[2 * column] = slotW[slot];
        tileSums[2 * column + 1] = slotB[slot];
        ++slot;
    };
    forLaneIndices<T>(
        sliceSize(v), lane, kRowTileLanes, packed,
        [&](std::int64_t j) {
            for (int k = 0; k < Pack<T>::kSize; ++k) write(j * Pack<T>::kSize + k);
        },
        write);
}

} // namespace normlab::cuda
