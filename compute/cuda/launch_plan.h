// How the CUDA launchers split a call's work over a device: which kernels, how many lanes
// a slice gets, how many pieces a slice or a run is cut into. Host code only; the launchers
// (forward_kernels.cu, backward_kernels.cu) and the host emulation (tests/tst_cuda.cpp)
// take the same LaunchPlan, so the emulation runs exactly the decisions a device would see.
#pragma once

#include "device_index.h"

#include <cstdint>

namespace normlab::cuda {

inline constexpr int kBlockThreads = 256;

// A contiguous slice gets a warp when it has at most kWarpSliceMax elements (LayerNorm
// rows, InstanceNorm on short sequences), else a block.
inline constexpr std::int64_t kWarpSliceMax = 1024;

// The fused row-form backward keeps, per thread, dγ/dβ of at most kRowSlots columns in
// registers: rows of up to 2048 columns. ptxas gives the kernel 126-128 registers at 8 slots
// (two blocks per multiprocessor) and 144-168 at 16 (one block).
inline constexpr int kRowSlots = 8;

// Blocks of kBlockThreads resident on one multiprocessor at full occupancy (2048 threads
// on Ampere and Hopper): the number of blocks per multiprocessor that keeps enough bytes in
// flight to read at HBM speed.
inline constexpr std::int64_t kResidentBlocks = 8;

// A piece of a contiguous slice is at least this many bytes: below it a block's fixed cost
// (launch, reductions, the merge) outweighs the reading.
inline constexpr std::int64_t kMinPieceBytes = 64 * 1024;

// `count` pieces of `length` consecutive positions each (the last may be shorter or empty).
struct Pieces {
    std::int64_t count = 1, length = 0;
};

// Pieces for `slices` ranges of `length` positions: enough blocks for `targetBlocks` in all,
// none shorter than minPiece; with `align` > 1 every piece but the last has a multiple of
// `align` positions (so that a piece of a 16-byte-aligned slice starts 16-byte aligned).
inline Pieces piecesFor(std::int64_t slices, std::int64_t length, std::int64_t targetBlocks,
                        std::int64_t minPiece, std::int64_t align = 1) {
    const std::int64_t wanted = (targetBlocks + slices - 1) / (slices > 0 ? slices : 1);
    const std::int64_t most = (length + minPiece - 1) / minPiece;
    const std::int64_t count = wanted < most ? wanted : most;
    if (count <= 1 || length <= 0) return {1, length > 0 ? length : 0};
    std::int64_t size = (length + count - 1) / count;
    size = (size + align - 1) / align * align;
    return {(length + size - 1) / size, size};
}

// Every contiguous slice starts on a 16-byte boundary (the buffers themselves are 256-byte
// aligned), so the kernels may read it in 16-byte packs.
template <class T> NORMLAB_HD inline bool packedSlices(const DeviceView& v) {
    return sliceSize(v) * std::int64_t(sizeof(T)) % 16 == 0;
}

struct LaunchPlan {
    // Contiguous-slice kernels (contiguousSlices) with `lanes` threads a slice piece: 32
    // (a warp) or kBlockThreads. Otherwise the general kernels.
    bool contiguous = false;
    int lanes = kBlockThreads;
    // Statistics, and for contiguous slices the backward sums A and B, in pieces per slice.
    Pieces stats;
    // Run form (span > 1): the per-(slice, run) backward sums in pieces of the run.
    Pieces runs;
    // Rows sharing parameters with dγ/dβ asked: dx and the tiles' dγ/dβ in one read.
    bool fusedRowTiles = false;
    // Rows sharing parameters: the per-tile dγ/dβ added up in groups of tiles, then over
    // the groups.
    Pieces tileGroups;
};

// Slots a thread needs in the fused backward: packs lane, lane + kBlockThreads, ... (kSize
// columns each; a packed row is a whole number of packs), or, unpacked, columns lane,
// lane + kBlockThreads, ...
template <class T> std::int64_t rowSlotsNeeded(const DeviceView& v, bool packed) {
    const std::int64_t size = sliceSize(v), L = kBlockThreads;
    constexpr std::int64_t K = 16 / sizeof(T);
    if (!packed) return (size + L - 1) / L;
    return K * ((size / K + L - 1) / L);
}

// The plan for `v` of element type T on a device of `multiprocessors` multiprocessors.
//   Contiguous slices: a whole slice per warp or block while that fills the device; long
//     slices (at least two pieces of kMinPieceBytes) are cut by bytes into pieces so that
//     kResidentBlocks blocks per multiprocessor read at once, whatever the slice count.
//   Other statistics, the run form's sums: pieces of at least 4096 elements aiming at four
//     blocks per multiprocessor.
//   The fused row backward only where a row occupies the whole block (more than
//     kWarpSliceMax columns) and fits the slots; shorter rows take a warp each and a second,
//     coalesced read for dγ/dβ, which costs less than a mostly idle block waiting at a
//     barrier per row.
//   Tile sums in groups of at least 8 tiles aiming at four blocks per multiprocessor.
template <class T> LaunchPlan launchPlan(const DeviceView& v, int multiprocessors) {
    const std::int64_t sms = multiprocessors > 0 ? multiprocessors : 1;
    const std::int64_t size = sliceSize(v);
    LaunchPlan plan;
    plan.contiguous = contiguousSlices(v);
    plan.lanes = size <= kWarpSliceMax ? 32 : kBlockThreads;
    if (plan.contiguous) {
        plan.stats = piecesFor(v.slices, size, kResidentBlocks * sms,
                               kMinPieceBytes / std::int64_t(sizeof(T)), 16);
        if (plan.stats.count > 1) plan.lanes = kBlockThreads;
    } else {
        plan.stats = piecesFor(v.slices, size, 4 * sms, 4096);
    }
    plan.runs = piecesFor(v.slices, v.outer * v.span, 4 * sms, 4096);
    plan.fusedRowTiles = sharedRowParameters(v) && plan.contiguous && plan.stats.count == 1 &&
                         plan.lanes == kBlockThreads &&
                         rowSlotsNeeded<T>(v, packedSlices<T>(v)) <= kRowSlots;
    const std::int64_t columnBlocks = (v.paramInner + kBlockThreads - 1) / kBlockThreads;
    plan.tileGroups = piecesFor(columnBlocks, rowTiles(v), 4 * sms, 8);
    return plan;
}

// Doubles of scratch the backward needs under `plan`: per-slice sums A, B, and
//   run form: per-(slice, run) sums and their pieces;
//   rows sharing parameters: per-tile dγ/dβ;
//   contiguous slices in pieces: the pieces' A, B.
inline std::int64_t backwardScratch(const DeviceView& v, const LaunchPlan& plan) {
    if (v.span > 1) return 2 * v.slices * (1 + v.paramInner * (1 + plan.runs.count));
    std::int64_t doubles = 2 * v.slices;
    if (sharedRowParameters(v)) doubles += 2 * rowTiles(v) * v.paramInner;
    if (plan.contiguous && plan.stats.count > 1) doubles += 2 * v.slices * plan.stats.count;
    return doubles;
}

} // namespace normlab::cuda
