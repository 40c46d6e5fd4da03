// The backward stage's kernels and launch: the row form (per-slice sums A, B; dx; dγ/dβ
// from row tiles or per parameter) and the run form (per-(slice, run) sums S1, S2 from
// which A, B, dγ and dβ follow), for contiguous slices and general layouts.
#include "kernel_launch.cuh"

#include <cmath>

namespace normlab::cuda {

using namespace detail;

namespace {

// Contiguous slices in the row form (contiguousBackwardBody): A, B and dx of the whole
// slice; kBlock / kLanes slices a block.
template <class T, int kLanes>
__global__ void contiguousBackwardKernel(DeviceView v, const T* x, const T* dy, const double* mean,
                                         const double* rstd, const std::int64_t* count,
                                         const double* weight, bool centered, bool trainingGraph,
                                         T* dx) {
    NORMLAB_SHARED_PAIRS(shared);
    const std::int64_t m = std::int64_t(blockIdx.x) * (kBlock / kLanes) + threadIdx.x / kLanes;
    if (m >= v.slices) return;
    DeviceGroup<kLanes> g{int(threadIdx.x % kLanes), shared};
    contiguousBackwardBody(g, v, x, dy, m, mean, rstd, count, weight, centered, trainingGraph, dx);
}

// Contiguous slices in pieces: A, B of piece c of slice m to
// pieceSums[2 * (m * pieces.count + c) + {0, 1}].
template <class T>
__global__ void contiguousPieceSumsKernel(DeviceView v, const T* x, const T* dy, Pieces pieces,
                                          const double* mean, const double* rstd,
                                          const std::int64_t* count, const double* weight,
                                          bool centered, double* pieceSums) {
    NORMLAB_SHARED_PAIRS(shared);
    const BlockPiece at = blockPiece(pieces);
    DeviceGroup<kBlock> g{int(threadIdx.x), shared};
    const SliceBackward b = sliceBackwardOf(v, at.m, mean, rstd, count, weight, centered, true);
    const Pair s = rangeBackwardSums(g, v, x, dy, pieceOf(v, at.m, pieces, at.c), b);
    g.leader([&] {
        pieceSums[2 * (at.m * pieces.count + at.c)] = s.a;
        pieceSums[2 * (at.m * pieces.count + at.c) + 1] = s.b;
    });
}

// One thread per slice: its pieces' A, B added up (mergeBackwardPieces).
__global__ void mergeBackwardPiecesKernel(std::int64_t slices, std::int64_t pieces,
                                          const double* pieceSums, double* sums) {
    const std::int64_t m = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (m < slices) mergeBackwardPieces(m, pieces, pieceSums, sums);
}

// Contiguous slices in pieces: dx of piece c of slice m from the slice's sums.
template <class T>
__global__ void
contiguousPieceDxKernel(DeviceView v, const T* x, const T* dy, Pieces pieces, const double* mean,
                        const double* rstd, const std::int64_t* count, const double* weight,
                        bool centered, bool trainingGraph, const double* sums, T* dx) {
    const BlockPiece at = blockPiece(pieces);
    DeviceGroup<kBlock> g{int(threadIdx.x), nullptr};
    SliceBackward b = sliceBackwardOf(v, at.m, mean, rstd, count, weight, centered, trainingGraph);
    if (trainingGraph) {
        b.A = sums[2 * at.m];
        b.B = sums[2 * at.m + 1];
    }
    rangeDx(g, v, x, dy, dx, pieceOf(v, at.m, pieces, at.c), b);
}

// Per slice: A = sum(dy * w), B = sum(dy * w * (x - mean)) over the valid elements.
template <class T>
__global__ void backwardSumsKernel(DeviceView v, const T* x, const T* dy, const double* mean,
                                   const double* weight, double* sums) {
    NORMLAB_SHARED_PAIRS(shared);
    const std::int64_t m = blockIdx.x;
    DeviceGroup<kBlock> g{int(threadIdx.x), shared};
    const Pair s = generalBackwardSums(g, v, x, dy, m, mean, weight);
    g.leader([&] {
        sums[2 * m] = s.a;
        sums[2 * m + 1] = s.b;
    });
}

// Run form: per (slice m, run p), S1 = sum(dy) and S2 = sum(dy * (x - mean)) over the
// valid elements of piece c of the run's positions; block (m, c).
// pieceSums[2 * ((m * pieces.count + c) * paramInner + p) + {0, 1}].
template <class T>
__global__ void runSumsKernel(DeviceView v, const T* x, const T* dy, const double* mean,
                              Pieces pieces, double* pieceSums) {
    NORMLAB_SHARED_PAIRS(shared);
    const BlockPiece at = blockPiece(pieces);
    DeviceGroup<kBlock> g{int(threadIdx.x), shared};
    for (std::int64_t p = 0; p < v.paramInner; ++p) {
        const Pair s = runPieceSums(g, v, x, dy, mean, at.m, p, pieces, at.c);
        g.leader([&] {
            double* out = pieceSums + 2 * ((at.m * pieces.count + at.c) * v.paramInner + p);
            out[0] = s.a;
            out[1] = s.b;
        });
    }
}

// runSums[2 * (m * paramInner + p) + {0, 1}]: the pieces' sums added up in piece order,
// one thread per (m, p).
__global__ void mergeRunPiecesKernel(DeviceView v, std::int64_t pieces, const double* pieceSums,
                                     double* runSums) {
    const std::int64_t mp = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (mp < v.slices * v.paramInner) mergeRunPieces(v, mp, pieces, pieceSums, runSums);
}

// Run form: A = sum_p w * S1, B = sum_p w * S2 per slice (one thread per slice).
__global__ void sliceSumsFromRunsKernel(DeviceView v, const double* weight, const double* runSums,
                                        double* sums) {
    const std::int64_t m = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (m < v.slices) sliceSumsFromRuns(v, m, weight, runSums, sums);
}

// Run form: dγ[k] = sum rstd[m] * S2(m, p), dβ[k] = sum S1(m, p) over the slices using k
// (empty slices left out), one thread per parameter.
__global__ void runParameterGradKernel(DeviceView v, const double* rstd, const std::int64_t* count,
                                       const double* runSums, double* dweight, double* dbias) {
    const std::int64_t k = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (k < v.paramMod * v.paramInner) runParameterGrad(v, k, rstd, count, runSums, dweight, dbias);
}

// dx = dxValue(...) on valid elements (kernel_bodies.h), 0 elsewhere.
template <class T>
__global__ void dxKernel(DeviceView v, const T* x, const T* dy, const double* mean,
                         const double* rstd, const std::int64_t* count, const double* weight,
                         bool centered, bool trainingGraph, const double* sums, T* dx,
                         std::int64_t elements) {
    for (std::int64_t e = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; e < elements;
         e += std::int64_t(gridDim.x) * blockDim.x)
        dxAt(v, e, x, dy, mean, rstd, count, weight, centered, trainingGraph, sums, dx);
}

// Rows sharing their parameters: per tile of kRowTile rows, per column p, the sums of
// dy * (x - mean) * rstd and dy over the valid elements; threads over columns (coalesced).
// tileSums[2 * (t * paramInner + p) + {0, 1}].
template <class T>
__global__ void rowTileParameterKernel(DeviceView v, const T* x, const T* dy, const double* mean,
                                       const double* rstd, double* tileSums) {
    for (std::int64_t p = threadIdx.x; p < v.paramInner; p += blockDim.x)
        rowTileColumnSums(v, std::int64_t(blockIdx.x), p, x, dy, mean, rstd, tileSums);
}

// The calling thread's own slots, whatever the lane asked for.
struct ThreadSlots {
    RowSlots& slots;
    __host__ __device__ RowSlots& operator()(int) const { return slots; }
};

// The fused row-form backward (rowTileBackwardBody): block t runs the rows of tile t, its
// threads' dγ/dβ slots in registers.
template <class T>
__global__ void rowTileBackwardKernel(DeviceView v, const T* x, const T* dy, const double* mean,
                                      const double* rstd, const std::int64_t* count,
                                      const double* weight, bool centered, bool trainingGraph,
                                      T* dx, double* tileSums) {
    NORMLAB_SHARED_PAIRS(shared);
    DeviceGroup<kBlock> g{int(threadIdx.x), shared};
    RowSlots slots;
    rowTileBackwardBody(g, v, x, dy, std::int64_t(blockIdx.x), mean, rstd, count, weight, centered,
                        trainingGraph, dx, tileSums, ThreadSlots{slots});
}

// First level of the tile sums: thread (column p, group blockIdx.y) adds up its group.
__global__ void tileGroupKernel(DeviceView v, Pieces groups, double* tileSums) {
    const std::int64_t p = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (p < v.paramInner) sumTileGroup(v, groups, blockIdx.y, p, tileSums);
}

// dγ[p], dβ[p]: the groups added up, one thread per column.
__global__ void tileReduceKernel(DeviceView v, Pieces groups, const double* tileSums,
                                 double* dweight, double* dbias) {
    const std::int64_t p = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (p < v.paramInner) sumTileGroups(v, groups, p, tileSums, dweight, dbias);
}

// One block per parameter k = q * paramInner + p: the slices m with (m / div) % mod == q,
// every o and s. dweight[k] = sum(dy * (x - mean) * rstd), dbias[k] = sum(dy).
template <class T>
__global__ void parameterGradKernel(DeviceView v, const T* x, const T* dy, const double* mean,
                                    const double* rstd, double* dweight, double* dbias) {
    NORMLAB_SHARED_PAIRS(shared);
    const std::int64_t k = blockIdx.x;
    DeviceGroup<kBlock> g{int(threadIdx.x), shared};
    const Pair s = parameterSums(g, v, k, x, dy, mean, rstd);
    g.leader([&] {
        if (dweight) dweight[k] = s.a;
        if (dbias) dbias[k] = s.b;
    });
}

} // namespace

template <class T>
void launchBackward(const DeviceView& v, const LaunchPlan& plan, const T* x, const T* dy,
                    const double* mean, const double* rstd, const std::int64_t* count,
                    const double* weight, bool centered, bool trainingGraph, T* dx, double* dweight,
                    double* dbias, double* sums, cudaStream_t stream) {
    const std::int64_t n = elementsOf(v);
    if (n == 0) return;
    const bool wantParams = dweight || dbias;
    if (v.span > 1) {
        double* runSums = sums + 2 * v.slices;
        double* pieceSums = runSums + 2 * v.slices * v.paramInner;
        runSumsKernel<T>
            <<<pieceGrid(v, plan.runs), kBlock, 0, stream>>>(v, x, dy, mean, plan.runs, pieceSums);
        mergeRunPiecesKernel<<<threadsFor(v.slices * v.paramInner), kBlock, 0, stream>>>(
            v, plan.runs.count, pieceSums, runSums);
        if (trainingGraph)
            sliceSumsFromRunsKernel<<<threadsFor(v.slices), kBlock, 0, stream>>>(v, weight, runSums,
                                                                                 sums);
        dxKernel<T><<<gridFor(n), kBlock, 0, stream>>>(v, x, dy, mean, rstd, count, weight,
                                                       centered, trainingGraph, sums, dx, n);
        if (wantParams)
            runParameterGradKernel<<<threadsFor(v.paramMod * v.paramInner), kBlock, 0, stream>>>(
                v, rstd, count, runSums, dweight, dbias);
        return;
    }
    double* tileSums = sums + 2 * v.slices; // rows sharing parameters
    const auto reduceTiles = [&] {
        const Pieces& groups = plan.tileGroups;
        if (groups.count > 1)
            tileGroupKernel<<<dim3(threadsFor(v.paramInner), unsigned(groups.count)), kBlock, 0,
                              stream>>>(v, groups, tileSums);
        tileReduceKernel<<<threadsFor(v.paramInner), kBlock, 0, stream>>>(v, groups, tileSums,
                                                                          dweight, dbias);
    };
    if (wantParams && plan.fusedRowTiles) {
        rowTileBackwardKernel<T><<<unsigned(rowTiles(v)), kBlock, 0, stream>>>(
            v, x, dy, mean, rstd, count, weight, centered, trainingGraph, dx, tileSums);
        reduceTiles();
        return;
    }
    if (plan.contiguous && plan.stats.count == 1) {
        withLanes(plan, [&](auto lanes) {
            constexpr int L = decltype(lanes)::value;
            contiguousBackwardKernel<T, L><<<contiguousGrid(v, L), kBlock, 0, stream>>>(
                v, x, dy, mean, rstd, count, weight, centered, trainingGraph, dx);
        });
    } else if (plan.contiguous) {
        if (trainingGraph) {
            double* pieceSums =
                tileSums + (sharedRowParameters(v) ? 2 * rowTiles(v) * v.paramInner : 0);
            contiguousPieceSumsKernel<T><<<pieceGrid(v, plan.stats), kBlock, 0, stream>>>(
                v, x, dy, plan.stats, mean, rstd, count, weight, centered, pieceSums);
            mergeBackwardPiecesKernel<<<threadsFor(v.slices), kBlock, 0, stream>>>(
                v.slices, plan.stats.count, pieceSums, sums);
        }
        contiguousPieceDxKernel<T><<<pieceGrid(v, plan.stats), kBlock, 0, stream>>>(
            v, x, dy, plan.stats, mean, rstd, count, weight, centered, trainingGraph, sums, dx);
    } else {
        if (trainingGraph)
            backwardSumsKernel<T>
                <<<unsigned(v.slices), kBlock, 0, stream>>>(v, x, dy, mean, weight, sums);
        dxKernel<T><<<gridFor(n), kBlock, 0, stream>>>(v, x, dy, mean, rstd, count, weight,
                                                       centered, trainingGraph, sums, dx, n);
    }
    if (!wantParams) return;
    if (sharedRowParameters(v)) {
        rowTileParameterKernel<T>
            <<<unsigned(rowTiles(v)), kBlock, 0, stream>>>(v, x, dy, mean, rstd, tileSums);
        reduceTiles();
        return;
    }
    parameterGradKernel<T><<<unsigned(v.paramMod * v.paramInner), kBlock, 0, stream>>>(
        v, x, dy, mean, rstd, dweight, dbias);
}

#define NORMLAB_INSTANTIATE(T)                                                                     \
    template void launchBackward<T>(const DeviceView&, const LaunchPlan&, const T*, const T*,      \
                                    const double*, const double*, const std::int64_t*,             \
                                    const double*, bool, bool, T*, double*, double*, double*,      \
                                    cudaStream_t);
NORMLAB_INSTANTIATE(float)
NORMLAB_INSTANTIATE(double)
#undef NORMLAB_INSTANTIATE

} // namespace normlab::cuda
