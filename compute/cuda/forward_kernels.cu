// The forward stage's kernels and launches: statistics (whole contiguous slices, pieces
// merged with Chan's formula, general layouts), rstd, the forward output and the
// elementwise affine maps (forward, inverse), and the kernel-image probe.
#include "kernel_launch.cuh"

#include <cmath>

namespace normlab::cuda {

using namespace detail;

namespace {

// Contiguous slices, kBlock / kLanes of them a block (contiguousSliceBody): statistics, and
// with y non-null the forward output.
template <class T, int kLanes>
__global__ void contiguousSliceKernel(DeviceView v, const T* x, bool centered, double eps,
                                      const double* weight, const double* bias, double* mean,
                                      double* var, std::int64_t* count, T* y) {
    NORMLAB_SHARED_PAIRS(shared);
    const std::int64_t m = std::int64_t(blockIdx.x) * (kBlock / kLanes) + threadIdx.x / kLanes;
    if (m >= v.slices) return; // whole warps; a block-wide group always has m < slices
    DeviceGroup<kLanes> g{int(threadIdx.x % kLanes), shared};
    contiguousSliceBody(g, v, x, m, centered, eps, weight, bias, mean, var, count, y);
}

// Contiguous slices in pieces: block (m, c) writes the moments of piece c of slice m to
// partials[3 * (m * pieces.count + c) + {0, 1, 2}].
template <class T>
__global__ void contiguousPieceStatsKernel(DeviceView v, const T* x, bool centered, Pieces pieces,
                                           double* partials) {
    NORMLAB_SHARED_PAIRS(shared);
    const BlockPiece at = blockPiece(pieces);
    DeviceGroup<kBlock> g{int(threadIdx.x), shared};
    const Moments mo = rangeMoments(g, v, x, pieceOf(v, at.m, pieces, at.c), centered);
    g.leader([&] { writeMoments(partials + 3 * (at.m * pieces.count + at.c), mo); });
}

// Contiguous slices in pieces: the forward output of piece c of slice m.
template <class T>
__global__ void contiguousPieceForwardKernel(DeviceView v, const T* x, Pieces pieces,
                                             const double* mean, const double* rstd,
                                             const double* weight, const double* bias, T* y) {
    const BlockPiece at = blockPiece(pieces);
    DeviceGroup<kBlock> g{int(threadIdx.x), nullptr};
    rangeForward(g, v, x, y, pieceOf(v, at.m, pieces, at.c), mean[at.m], rstd[at.m], weight, bias);
}

// General layouts: block (m, c) summarises piece c of slice m, over its valid elements,
// as partials[3 * (m * pieces.count + c) + {0, 1, 2}] (Moments).
template <class T>
__global__ void slicePieceKernel(DeviceView v, const T* x, bool centered, Pieces pieces,
                                 double* partials) {
    NORMLAB_SHARED_PAIRS(shared);
    const BlockPiece at = blockPiece(pieces);
    DeviceGroup<kBlock> g{int(threadIdx.x), shared};
    const Moments mo = generalPieceMoments(g, v, x, at.m, pieces, at.c, centered);
    g.leader([&] { writeMoments(partials + 3 * (at.m * pieces.count + at.c), mo); });
}

// One thread per slice merges its pieces (mergeSlicePieces): count, mean and biased
// variance (NaN if empty).
__global__ void mergePiecesKernel(std::int64_t slices, std::int64_t pieces, bool centered,
                                  const double* partials, double* mean, double* var,
                                  std::int64_t* count) {
    const std::int64_t m = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (m < slices) mergeSlicePieces(m, pieces, centered, partials, mean, var, count);
}

__global__ void inverseStdKernel(std::int64_t slices, const double* var, double eps, double* rstd) {
    const std::int64_t m = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (m < slices) rstd[m] = 1.0 / sqrt(var[m] + eps);
}

template <class T>
__global__ void affineMapKernel(DeviceView v, MapKind kind, const T* in, const double* mean,
                                const double* perSlice, const double* weight, const double* bias,
                                T* out, std::int64_t elements) {
    for (std::int64_t e = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; e < elements;
         e += std::int64_t(gridDim.x) * blockDim.x)
        mapAt(v, kind, e, in, mean, perSlice, weight, bias, out);
}

} // namespace

template <class T>
void launchSliceStats(const DeviceView& v, const LaunchPlan& plan, const T* x, bool centered,
                      double* partials, double* mean, double* var, std::int64_t* count,
                      cudaStream_t stream) {
    if (v.slices == 0) return;
    if (plan.contiguous && plan.stats.count == 1) {
        withLanes(plan, [&](auto lanes) {
            constexpr int L = decltype(lanes)::value;
            contiguousSliceKernel<T, L><<<contiguousGrid(v, L), kBlock, 0, stream>>>(
                v, x, centered, 0.0, nullptr, nullptr, mean, var, count, nullptr);
        });
        return;
    }
    if (plan.contiguous)
        contiguousPieceStatsKernel<T>
            <<<pieceGrid(v, plan.stats), kBlock, 0, stream>>>(v, x, centered, plan.stats, partials);
    else
        slicePieceKernel<T>
            <<<pieceGrid(v, plan.stats), kBlock, 0, stream>>>(v, x, centered, plan.stats, partials);
    mergePiecesKernel<<<threadsFor(v.slices), kBlock, 0, stream>>>(
        v.slices, plan.stats.count, centered, partials, mean, var, count);
}

template <class T>
void launchForwardWithBatchStats(const DeviceView& v, const LaunchPlan& plan, const T* x,
                                 bool centered, double eps, double* partials, const double* weight,
                                 const double* bias, double* mean, double* var, double* rstd,
                                 std::int64_t* count, T* y, cudaStream_t stream) {
    if (v.slices == 0) return;
    if (plan.contiguous && plan.stats.count == 1) {
        withLanes(plan, [&](auto lanes) {
            constexpr int L = decltype(lanes)::value;
            contiguousSliceKernel<T, L><<<contiguousGrid(v, L), kBlock, 0, stream>>>(
                v, x, centered, eps, weight, bias, mean, var, count, y);
        });
        return;
    }
    launchSliceStats(v, plan, x, centered, partials, mean, var, count, stream);
    launchInverseStd(v.slices, var, eps, rstd, stream);
    if (plan.contiguous)
        contiguousPieceForwardKernel<T><<<pieceGrid(v, plan.stats), kBlock, 0, stream>>>(
            v, x, plan.stats, mean, rstd, weight, bias, y);
    else
        launchAffineMap(v, MapKind::Forward, x, mean, rstd, weight, bias, y, stream);
}

void launchInverseStd(std::int64_t slices, const double* var, double eps, double* rstd,
                      cudaStream_t stream) {
    if (slices == 0) return;
    inverseStdKernel<<<threadsFor(slices), kBlock, 0, stream>>>(slices, var, eps, rstd);
}

template <class T>
void launchAffineMap(const DeviceView& v, MapKind kind, const T* in, const double* mean,
                     const double* perSlice, const double* weight, const double* bias, T* out,
                     cudaStream_t stream) {
    const std::int64_t n = elementsOf(v);
    if (n == 0) return;
    affineMapKernel<T>
        <<<gridFor(n), kBlock, 0, stream>>>(v, kind, in, mean, perSlice, weight, bias, out, n);
}

#define NORMLAB_INSTANTIATE(T)                                                                     \
    template void launchSliceStats<T>(const DeviceView&, const LaunchPlan&, const T*, bool,        \
                                      double*, double*, double*, std::int64_t*, cudaStream_t);     \
    template void launchForwardWithBatchStats<T>(                                                  \
        const DeviceView&, const LaunchPlan&, const T*, bool, double, double*, const double*,      \
        const double*, double*, double*, double*, std::int64_t*, T*, cudaStream_t);                \
    template void launchAffineMap<T>(const DeviceView&, MapKind, const T*, const double*,          \
                                     const double*, const double*, const double*, T*,              \
                                     cudaStream_t);
NORMLAB_INSTANTIATE(float)
NORMLAB_INSTANTIATE(double)
#undef NORMLAB_INSTANTIATE

cudaError_t probeKernelImage() {
    cudaFuncAttributes attributes;
    return cudaFuncGetAttributes(&attributes, inverseStdKernel);
}

} // namespace normlab::cuda
