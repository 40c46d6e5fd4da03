#include "cuda_kernels.cuh"

#include <cmath>
#include <type_traits>

namespace normlab::cuda {

namespace {

constexpr int kBlock = 256;
constexpr int kWarps = kBlock / 32;

// Sum of `value` over the block's threads; every thread receives the total.
__device__ double blockSum(double value, double* shared) {
    for (int offset = 16; offset > 0; offset /= 2)
        value += __shfl_down_sync(0xffffffffu, value, offset);
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    __syncthreads(); // `shared` may still be read from a previous call
    if (lane == 0) shared[warp] = value;
    __syncthreads();
    double total = 0;
    for (int w = 0; w < kWarps; ++w) total += shared[w];
    return total;
}

// Sum over the kLanes threads that share a slice: a warp (shuffles only) or the block.
template <int kLanes> __device__ double groupSum(double value, double* shared) {
    if constexpr (kLanes == 32) {
        for (int offset = 16; offset > 0; offset /= 2)
            value += __shfl_xor_sync(0xffffffffu, value, offset);
        return value;
    } else {
        return blockSum(value, shared);
    }
}

// Contiguous slices (device_view.h), kBlock / kLanes of them a block: count, mean and
// biased variance in two passes (the second from cache), and with y non-null the forward
// output of the whole slice (0 past the valid prefix) while the slice is still in cache.
template <class T, int kLanes>
__global__ void contiguousSliceKernel(DeviceView v, const T* x, bool centered, double eps,
                                      const double* weight, const double* bias, double* mean,
                                      double* var, std::int64_t* count, T* y) {
    __shared__ double shared[kWarps];
    const int lane = threadIdx.x % kLanes;
    const std::int64_t m = std::int64_t(blockIdx.x) * (kBlock / kLanes) + threadIdx.x / kLanes;
    if (m >= v.slices) return; // whole warps; a block-wide group always has m < slices
    const std::int64_t size = sliceSize(v), n = validPrefix(v, m);
    const bool packed = packedSlices<T>(v);
    const T* s = x + m * size;
    const double sum =
        groupSum<kLanes>(laneFirstPass(s, n, lane, kLanes, packed, centered), shared);
    double mu = nan(""), variance = nan("");
    if (n > 0) {
        mu = centered ? sum / double(n) : 0.0;
        variance = centered
                       ? groupSum<kLanes>(laneSecondPass(s, n, lane, kLanes, packed, mu), shared) /
                             double(n)
                       : sum / double(n);
    }
    if (lane == 0) {
        count[m] = n;
        mean[m] = mu;
        var[m] = variance;
    }
    if (!y) return;
    const double r = 1.0 / sqrt(variance + eps);
    laneForward(v, m, s, y + m * size, n, lane, kLanes, packed, mu, r, weight, bias);
}

// Contiguous slices in the row form: the sums A, B and then dx of the whole slice (0 past
// the valid prefix) while x and dy are still in cache; kBlock / kLanes slices a block.
template <class T, int kLanes>
__global__ void contiguousBackwardKernel(DeviceView v, const T* x, const T* dy, const double* mean,
                                         const double* rstd, const std::int64_t* count,
                                         const double* weight, bool centered, bool trainingGraph,
                                         T* dx) {
    __shared__ double shared[kWarps];
    const int lane = threadIdx.x % kLanes;
    const std::int64_t m = std::int64_t(blockIdx.x) * (kBlock / kLanes) + threadIdx.x / kLanes;
    if (m >= v.slices) return;
    const std::int64_t size = sliceSize(v);
    const bool packed = packedSlices<T>(v);
    const T* xs = x + m * size;
    const T* gs = dy + m * size;
    SliceBackward b = sliceBackwardOf(v, m, mean, rstd, count, weight, centered, trainingGraph);
    if (trainingGraph) {
        laneBackwardSums(v, m, xs, gs, b.n, lane, kLanes, packed, b.mu, weight, b.A, b.B);
        b.A = groupSum<kLanes>(b.A, shared);
        b.B = groupSum<kLanes>(b.B, shared);
    }
    laneBackwardDx(v, m, xs, gs, dx + m * size, lane, kLanes, packed, b);
}

// Block (m, c) summarises piece c of slice m:
// partials[3 * (m * chunks + c) + {0, 1, 2}].
template <class T>
__global__ void slicePieceKernel(DeviceView v, const T* x, bool centered, std::int64_t chunks,
                                 double* partials) {
    __shared__ double shared[kWarps];
    const std::int64_t m = blockIdx.x / chunks, c = blockIdx.x % chunks;
    const std::int64_t size = statsChunkSize(v, chunks);
    const std::int64_t first = c * size;
    const std::int64_t last = first + size < sliceSize(v) ? first + size : sliceSize(v);
    double n = 0, sum = 0;
    for (std::int64_t i = first + threadIdx.x; i < last; i += blockDim.x) {
        const std::int64_t e = sliceElement(v, m, i);
        if (!isValid(v, e, positionOf(v, e))) continue;
        const double xi = double(x[e]);
        n += 1;
        sum += centered ? xi : xi * xi;
    }
    n = blockSum(n, shared);
    sum = blockSum(sum, shared);
    double* out = partials + 3 * (m * chunks + c);
    if (!centered || n == 0) {
        if (threadIdx.x == 0) {
            out[0] = n;
            out[1] = sum;
            out[2] = 0;
        }
        return;
    }
    const double mu = sum / n;
    double squares = 0;
    for (std::int64_t i = first + threadIdx.x; i < last; i += blockDim.x) {
        const std::int64_t e = sliceElement(v, m, i);
        if (!isValid(v, e, positionOf(v, e))) continue;
        const double d = double(x[e]) - mu;
        squares += d * d;
    }
    squares = blockSum(squares, shared);
    if (threadIdx.x == 0) {
        out[0] = n;
        out[1] = mu;
        out[2] = squares;
    }
}

// One thread per slice merges its pieces: count, mean and biased variance (NaN if empty).
__global__ void mergePiecesKernel(std::int64_t slices, std::int64_t chunks, bool centered,
                                  const double* partials, double* mean, double* var,
                                  std::int64_t* count) {
    const std::int64_t m = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (m >= slices) return;
    Moments total{0, 0, 0};
    double squares = 0;
    for (std::int64_t c = 0; c < chunks; ++c) {
        const double* p = partials + 3 * (m * chunks + c);
        if (centered)
            total = chanMerge(total, Moments{p[0], p[1], p[2]});
        else
            total.n += p[0], squares += p[1];
    }
    count[m] = std::int64_t(total.n);
    if (total.n == 0) {
        mean[m] = var[m] = nan("");
        return;
    }
    mean[m] = centered ? total.mean : 0.0;
    var[m] = centered ? total.m2 / total.n : squares / total.n;
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
         e += std::int64_t(gridDim.x) * blockDim.x) {
        const Position at = positionOf(v, e);
        if (!isValid(v, e, at)) {
            out[e] = T(0);
            continue;
        }
        out[e] = T(mapValue(kind, double(in[e]), at.m, paramOf(v, at.m, at.p), mean, perSlice,
                            weight, bias));
    }
}

// Per slice: A = sum(dy * w), B = sum(dy * w * (x - mean)) over the valid elements.
template <class T>
__global__ void backwardSumsKernel(DeviceView v, const T* x, const T* dy, const double* mean,
                                   const double* weight, double* sums) {
    __shared__ double shared[kWarps];
    const std::int64_t m = blockIdx.x;
    const std::int64_t total = sliceSize(v);
    const double mu = mean[m];
    double a = 0, b = 0;
    for (std::int64_t i = threadIdx.x; i < total; i += blockDim.x) {
        const std::int64_t e = sliceElement(v, m, i);
        const Position at = positionOf(v, e);
        if (!isValid(v, e, at)) continue;
        const double g = double(dy[e]) * weight[paramOf(v, m, at.p)];
        a += g;
        b += g * (double(x[e]) - mu);
    }
    a = blockSum(a, shared);
    b = blockSum(b, shared);
    if (threadIdx.x == 0) {
        sums[2 * m] = a;
        sums[2 * m + 1] = b;
    }
}

// Run form: per (slice m, run p), S1 = sum(dy) and S2 = sum(dy * (x - mean)) over the
// valid elements of piece c of the run's positions; block (m, c).
// pieceSums[2 * ((m * chunks + c) * paramInner + p) + {0, 1}].
template <class T>
__global__ void runSumsKernel(DeviceView v, const T* x, const T* dy, const double* mean,
                              std::int64_t chunks, double* pieceSums) {
    __shared__ double shared[kWarps];
    const std::int64_t m = blockIdx.x / chunks, c = blockIdx.x % chunks;
    const std::int64_t size = pieceSize(v.outer * v.span, chunks);
    const std::int64_t first = c * size;
    const std::int64_t last = first + size < v.outer * v.span ? first + size : v.outer * v.span;
    const double mu = mean[m];
    for (std::int64_t p = 0; p < v.paramInner; ++p) {
        double s1 = 0, s2 = 0;
        for (std::int64_t i = first + threadIdx.x; i < last; i += blockDim.x) {
            const std::int64_t e = runElement(v, m, p, i);
            if (!isValid(v, e, positionOf(v, e))) continue;
            const double g = double(dy[e]);
            s1 += g;
            s2 += g * (double(x[e]) - mu);
        }
        s1 = blockSum(s1, shared);
        s2 = blockSum(s2, shared);
        if (threadIdx.x == 0) {
            pieceSums[2 * ((m * chunks + c) * v.paramInner + p)] = s1;
            pieceSums[2 * ((m * chunks + c) * v.paramInner + p) + 1] = s2;
        }
    }
}

// runSums[2 * (m * paramInner + p) + {0, 1}]: the pieces' sums added up in piece order,
// one thread per (m, p).
__global__ void mergeRunPiecesKernel(DeviceView v, std::int64_t chunks, const double* pieceSums,
                                     double* runSums) {
    const std::int64_t mp = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (mp >= v.slices * v.paramInner) return;
    const std::int64_t m = mp / v.paramInner, p = mp % v.paramInner;
    double s1 = 0, s2 = 0;
    for (std::int64_t c = 0; c < chunks; ++c) {
        s1 += pieceSums[2 * ((m * chunks + c) * v.paramInner + p)];
        s2 += pieceSums[2 * ((m * chunks + c) * v.paramInner + p) + 1];
    }
    runSums[2 * mp] = s1;
    runSums[2 * mp + 1] = s2;
}

// Run form: A = sum_p w * S1, B = sum_p w * S2 per slice (one thread per slice).
__global__ void sliceSumsFromRunsKernel(DeviceView v, const double* weight, const double* runSums,
                                        double* sums) {
    const std::int64_t m = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (m >= v.slices) return;
    double a = 0, b = 0;
    for (std::int64_t p = 0; p < v.paramInner; ++p) {
        const double w = weight[paramOf(v, m, p)];
        a += w * runSums[2 * (m * v.paramInner + p)];
        b += w * runSums[2 * (m * v.paramInner + p) + 1];
    }
    sums[2 * m] = a;
    sums[2 * m + 1] = b;
}

// Run form: dγ[k] = sum rstd[m] * S2(m, p), dβ[k] = sum S1(m, p) over the slices using k
// (empty slices left out), one thread per parameter.
__global__ void runParameterGradKernel(DeviceView v, const double* rstd, const std::int64_t* count,
                                       const double* runSums, double* dweight, double* dbias) {
    const std::int64_t k = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (k >= v.paramMod * v.paramInner) return;
    const std::int64_t p = k % v.paramInner;
    double w = 0, b = 0;
    for (std::int64_t j = 0; j < parameterSliceCandidates(v); ++j) {
        const std::int64_t m = parameterSlice(v, k, j);
        if (m < 0 || count[m] <= 0) continue;
        w += rstd[m] * runSums[2 * (m * v.paramInner + p) + 1];
        b += runSums[2 * (m * v.paramInner + p)];
    }
    if (dweight) dweight[k] = w;
    if (dbias) dbias[k] = b;
}

// dx = dxValue(...) on valid elements (device_view.h), 0 elsewhere.
template <class T>
__global__ void dxKernel(DeviceView v, const T* x, const T* dy, const double* mean,
                         const double* rstd, const std::int64_t* count, const double* weight,
                         bool centered, bool trainingGraph, const double* sums, T* dx,
                         std::int64_t elements) {
    for (std::int64_t e = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; e < elements;
         e += std::int64_t(gridDim.x) * blockDim.x) {
        const Position at = positionOf(v, e);
        if (!isValid(v, e, at)) {
            dx[e] = T(0);
            continue;
        }
        const double w = weight[paramOf(v, at.m, at.p)];
        dx[e] = T(dxValue(double(x[e]), double(dy[e]), w, mean[at.m], rstd[at.m],
                          double(count[at.m]), sums ? sums[2 * at.m] : 0.0,
                          sums ? sums[2 * at.m + 1] : 0.0, centered, trainingGraph));
    }
}

// Rows sharing their parameters: per tile of kRowTile rows, per column p, the sums of
// dy * (x - mean) * rstd and dy over the valid elements; threads over columns (coalesced).
// tileSums[2 * (t * paramInner + p) + {0, 1}].
template <class T>
__global__ void rowTileParameterKernel(DeviceView v, const T* x, const T* dy, const double* mean,
                                       const double* rstd, double* tileSums) {
    const std::int64_t t = blockIdx.x;
    const std::int64_t rows = v.outer * v.slices;
    const std::int64_t last = (t + 1) * kRowTile < rows ? (t + 1) * kRowTile : rows;
    for (std::int64_t p = threadIdx.x; p < v.paramInner; p += blockDim.x) {
        double w = 0, b = 0;
        for (std::int64_t row = t * kRowTile; row < last; ++row) {
            const std::int64_t e = row * v.paramInner + p;
            const Position at = positionOf(v, e);
            if (!isValid(v, e, at)) continue;
            const double g = double(dy[e]);
            w += g * (double(x[e]) - mean[at.m]) * rstd[at.m];
            b += g;
        }
        tileSums[2 * (t * v.paramInner + p)] = w;
        tileSums[2 * (t * v.paramInner + p) + 1] = b;
    }
}

// The fused row-form backward (device_view.h, fusedRowTiles): block t runs the rows of
// tile t one after another, each row's A, B over the block, then dx and the tile's dγ/dβ
// slots from the same read of x and dy; tileSums[2 * (t * paramInner + p) + {0, 1}].
template <class T>
__global__ void rowTileBackwardKernel(DeviceView v, const T* x, const T* dy, const double* mean,
                                      const double* rstd, const std::int64_t* count,
                                      const double* weight, bool centered, bool trainingGraph,
                                      T* dx, double* tileSums) {
    static_assert(kBlock == kRowTileLanes, "one lane per thread of the block");
    __shared__ double shared[kWarps];
    const std::int64_t t = blockIdx.x, size = sliceSize(v);
    const std::int64_t last = (t + 1) * kRowTile < v.slices ? (t + 1) * kRowTile : v.slices;
    const bool packed = packedSlices<T>(v);
    double slotW[kRowSlots] = {}, slotB[kRowSlots] = {};
    for (std::int64_t m = t * kRowTile; m < last; ++m) {
        const T* xs = x + m * size;
        const T* gs = dy + m * size;
        SliceBackward b = sliceBackwardOf(v, m, mean, rstd, count, weight, centered, trainingGraph);
        if (trainingGraph) {
            laneBackwardSums(v, m, xs, gs, b.n, threadIdx.x, kBlock, packed, b.mu, weight, b.A,
                             b.B);
            b.A = blockSum(b.A, shared);
            b.B = blockSum(b.B, shared);
        }
        laneRowTileBackward(v, m, xs, gs, dx + m * size, threadIdx.x, packed, b, slotW, slotB);
    }
    writeLaneTileSums<T>(v, threadIdx.x, packed, slotW, slotB, tileSums + 2 * t * size);
}

// dγ[p], dβ[p]: the tiles' sums added up, one thread per column.
__global__ void tileReduceKernel(DeviceView v, const double* tileSums, double* dweight,
                                 double* dbias) {
    const std::int64_t p = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (p >= v.paramInner) return;
    double w = 0, b = 0;
    for (std::int64_t t = 0; t < rowTiles(v); ++t) {
        w += tileSums[2 * (t * v.paramInner + p)];
        b += tileSums[2 * (t * v.paramInner + p) + 1];
    }
    if (dweight) dweight[p] = w;
    if (dbias) dbias[p] = b;
}

// One block per parameter k = q * paramInner + p: the slices m with (m / div) % mod == q,
// every o and s. dweight[k] = sum(dy * (x - mean) * rstd), dbias[k] = sum(dy).
template <class T>
__global__ void parameterGradKernel(DeviceView v, const T* x, const T* dy, const double* mean,
                                    const double* rstd, double* dweight, double* dbias) {
    __shared__ double shared[kWarps];
    const std::int64_t k = blockIdx.x;
    const std::int64_t total = parameterCandidates(v);
    double w = 0, b = 0;
    for (std::int64_t i = threadIdx.x; i < total; i += blockDim.x) {
        const std::int64_t e = parameterElement(v, k, i);
        if (e < 0) continue;
        const Position at = positionOf(v, e);
        if (!isValid(v, e, at)) continue;
        const double g = double(dy[e]);
        w += g * (double(x[e]) - mean[at.m]) * rstd[at.m];
        b += g;
    }
    w = blockSum(w, shared);
    b = blockSum(b, shared);
    if (threadIdx.x == 0) {
        if (dweight) dweight[k] = w;
        if (dbias) dbias[k] = b;
    }
}

// Contiguous-slice kernels: f(lanes) with lanes a compile-time 32 (a warp per slice) or
// kBlock (a block per slice), as contiguousLanes decides; contiguousGrid blocks.
template <class F> void withContiguousLanes(const DeviceView& v, F f) {
    if (contiguousLanes(v, kBlock) == 32)
        f(std::integral_constant<int, 32>{});
    else
        f(std::integral_constant<int, kBlock>{});
}

unsigned contiguousGrid(const DeviceView& v, int lanes) {
    const std::int64_t perBlock = kBlock / lanes;
    return unsigned((v.slices + perBlock - 1) / perBlock);
}

unsigned gridFor(std::int64_t elements) {
    const std::int64_t blocks = (elements + kBlock - 1) / kBlock;
    return unsigned(blocks < 65535 * 8 ? (blocks > 0 ? blocks : 1) : 65535 * 8);
}

std::int64_t elementsOf(const DeviceView& v) {
    return v.outer * v.slices * v.paramInner * v.span;
}

} // namespace

template <class T>
void launchSliceStats(const DeviceView& v, const T* x, bool centered, std::int64_t chunks,
                      double* partials, double* mean, double* var, std::int64_t* count,
                      cudaStream_t stream) {
    if (v.slices == 0) return;
    if (chunks == 1 && contiguousSlices(v)) {
        withContiguousLanes(v, [&](auto lanes) {
            constexpr int L = decltype(lanes)::value;
            contiguousSliceKernel<T, L><<<contiguousGrid(v, L), kBlock, 0, stream>>>(
                v, x, centered, 0.0, nullptr, nullptr, mean, var, count, nullptr);
        });
        return;
    }
    slicePieceKernel<T>
        <<<unsigned(v.slices * chunks), kBlock, 0, stream>>>(v, x, centered, chunks, partials);
    mergePiecesKernel<<<unsigned((v.slices + kBlock - 1) / kBlock), kBlock, 0, stream>>>(
        v.slices, chunks, centered, partials, mean, var, count);
}

template <class T>
void launchForwardWithBatchStats(const DeviceView& v, const T* x, bool centered, double eps,
                                 std::int64_t chunks, double* partials, const double* weight,
                                 const double* bias, double* mean, double* var, double* rstd,
                                 std::int64_t* count, T* y, cudaStream_t stream) {
    if (v.slices == 0) return;
    if (chunks == 1 && contiguousSlices(v)) {
        withContiguousLanes(v, [&](auto lanes) {
            constexpr int L = decltype(lanes)::value;
            contiguousSliceKernel<T, L><<<contiguousGrid(v, L), kBlock, 0, stream>>>(
                v, x, centered, eps, weight, bias, mean, var, count, y);
        });
        return;
    }
    launchSliceStats(v, x, centered, chunks, partials, mean, var, count, stream);
    launchInverseStd(v.slices, var, eps, rstd, stream);
    launchAffineMap(v, MapKind::Forward, x, mean, rstd, weight, bias, y, stream);
}

void launchInverseStd(std::int64_t slices, const double* var, double eps, double* rstd,
                      cudaStream_t stream) {
    if (slices == 0) return;
    inverseStdKernel<<<unsigned((slices + kBlock - 1) / kBlock), kBlock, 0, stream>>>(slices, var,
                                                                                      eps, rstd);
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

std::int64_t backwardScratch(const DeviceView& v, std::int64_t chunks) {
    if (v.span > 1) return 2 * v.slices * (1 + v.paramInner * (1 + chunks));
    if (sharedRowParameters(v)) return 2 * v.slices + 2 * rowTiles(v) * v.paramInner;
    return 2 * v.slices;
}

template <class T>
void launchBackward(const DeviceView& v, const T* x, const T* dy, const double* mean,
                    const double* rstd, const std::int64_t* count, const double* weight,
                    bool centered, bool trainingGraph, T* dx, double* dweight, double* dbias,
                    std::int64_t chunks, double* sums, cudaStream_t stream) {
    const std::int64_t n = elementsOf(v);
    if (n == 0) return;
    if (v.span > 1) {
        double* runSums = sums + 2 * v.slices;
        const auto perThread = [](std::int64_t count) {
            return unsigned((count + kBlock - 1) / kBlock);
        };
        double* pieceSums = runSums + 2 * v.slices * v.paramInner;
        runSumsKernel<T>
            <<<unsigned(v.slices * chunks), kBlock, 0, stream>>>(v, x, dy, mean, chunks, pieceSums);
        mergeRunPiecesKernel<<<perThread(v.slices * v.paramInner), kBlock, 0, stream>>>(
            v, chunks, pieceSums, runSums);
        if (trainingGraph)
            sliceSumsFromRunsKernel<<<perThread(v.slices), kBlock, 0, stream>>>(v, weight, runSums,
                                                                                sums);
        dxKernel<T><<<gridFor(n), kBlock, 0, stream>>>(v, x, dy, mean, rstd, count, weight,
                                                       centered, trainingGraph, sums, dx, n);
        if (dweight || dbias)
            runParameterGradKernel<<<perThread(v.paramMod * v.paramInner), kBlock, 0, stream>>>(
                v, rstd, count, runSums, dweight, dbias);
        return;
    }
    const bool wantParams = dweight || dbias;
    double* tileSums = sums + 2 * v.slices; // rows sharing parameters
    const auto reduceTiles = [&] {
        tileReduceKernel<<<unsigned((v.paramInner + kBlock - 1) / kBlock), kBlock, 0, stream>>>(
            v, tileSums, dweight, dbias);
    };
    if (wantParams && fusedRowTiles<T>(v)) {
        rowTileBackwardKernel<T><<<unsigned(rowTiles(v)), kBlock, 0, stream>>>(
            v, x, dy, mean, rstd, count, weight, centered, trainingGraph, dx, tileSums);
        reduceTiles();
        return;
    }
    if (contiguousSlices(v)) {
        withContiguousLanes(v, [&](auto lanes) {
            constexpr int L = decltype(lanes)::value;
            contiguousBackwardKernel<T, L><<<contiguousGrid(v, L), kBlock, 0, stream>>>(
                v, x, dy, mean, rstd, count, weight, centered, trainingGraph, dx);
        });
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
    template void launchSliceStats<T>(const DeviceView&, const T*, bool, std::int64_t, double*,    \
                                      double*, double*, std::int64_t*, cudaStream_t);              \
    template void launchForwardWithBatchStats<T>(                                                  \
        const DeviceView&, const T*, bool, double, std::int64_t, double*, const double*,           \
        const double*, double*, double*, double*, std::int64_t*, T*, cudaStream_t);                \
    template void launchAffineMap<T>(const DeviceView&, MapKind, const T*, const double*,          \
                                     const double*, const double*, const double*, T*,              \
                                     cudaStream_t);                                                \
    template void launchBackward<T>(const DeviceView&, const T*, const T*, const double*,          \
                                    const double*, const std::int64_t*, const double*, bool, bool, \
                                    T*, double*, double*, std::int64_t, double*, cudaStream_t);
NORMLAB_INSTANTIATE(float)
NORMLAB_INSTANTIATE(double)
#undef NORMLAB_INSTANTIATE

cudaError_t probeKernelImage() {
    cudaFuncAttributes attributes;
    return cudaFuncGetAttributes(&attributes, inverseStdKernel);
}

} // namespace normlab::cuda
