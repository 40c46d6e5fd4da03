#include "cuda_kernels.cuh"

#include <cmath>

namespace normlab::cuda {

namespace {

constexpr int kBlock = 256;
constexpr int kWarps = kBlock / 32;

// Where an element (layout order) sits: (o, m, p, s) and its offset in its (o, m) block.
struct Position {
    std::int64_t o, m, p, s;
};

__device__ inline Position positionOf(const DeviceView& v, std::int64_t e) {
    Position at;
    at.s = e % v.span;
    std::int64_t t = e / v.span;
    at.p = t % v.paramInner;
    t /= v.paramInner;
    at.m = t % v.slices;
    at.o = t / v.slices;
    return at;
}

__device__ inline std::int64_t paramOf(const DeviceView& v, std::int64_t m, std::int64_t p) {
    return ((m / v.paramDiv) % v.paramMod) * v.paramInner + p;
}

__device__ inline std::int64_t sampleOf(const DeviceView& v, const Position& at) {
    switch (v.batchPlace) {
    case 0:
        return at.o / (v.outer / v.batch);
    case 1:
        return at.m / (v.slices / v.batch);
    default:
        return at.p / (v.paramInner / v.batch);
    }
}

__device__ inline bool isValid(const DeviceView& v, std::int64_t e, const Position& at) {
    if (v.mask) return v.mask[e] != 0;
    if (v.lengths) {
        const std::int64_t inBlock = at.p * v.span + at.s;
        return inBlock % v.chunk < v.lengths[sampleOf(v, at)];
    }
    return true;
}

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

// The e-th element of slice m: blocks (o, m) of paramInner * span contiguous elements.
__device__ inline std::int64_t sliceElement(const DeviceView& v, std::int64_t m, std::int64_t i) {
    const std::int64_t block = v.paramInner * v.span;
    return ((i / block) * v.slices + m) * block + i % block;
}

template <class T>
__global__ void sliceStatsKernel(DeviceView v, const T* x, bool centered, double* mean,
                                 double* var, std::int64_t* count) {
    __shared__ double shared[kWarps];
    const std::int64_t m = blockIdx.x;
    const std::int64_t total = v.outer * v.paramInner * v.span;
    double n = 0, sum = 0;
    for (std::int64_t i = threadIdx.x; i < total; i += blockDim.x) {
        const std::int64_t e = sliceElement(v, m, i);
        if (!isValid(v, e, positionOf(v, e))) continue;
        const double xi = double(x[e]);
        n += 1;
        sum += centered ? xi : xi * xi;
    }
    n = blockSum(n, shared);
    sum = blockSum(sum, shared);
    if (n == 0) {
        if (threadIdx.x == 0) {
            count[m] = 0;
            mean[m] = var[m] = nan("");
        }
        return;
    }
    if (!centered) {
        if (threadIdx.x == 0) {
            count[m] = std::int64_t(n);
            mean[m] = 0;
            var[m] = sum / n;
        }
        return;
    }
    const double mu = sum / n;
    double squares = 0;
    for (std::int64_t i = threadIdx.x; i < total; i += blockDim.x) {
        const std::int64_t e = sliceElement(v, m, i);
        if (!isValid(v, e, positionOf(v, e))) continue;
        const double d = double(x[e]) - mu;
        squares += d * d;
    }
    squares = blockSum(squares, shared);
    if (threadIdx.x == 0) {
        count[m] = std::int64_t(n);
        mean[m] = mu;
        var[m] = squares / n;
    }
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
        const std::int64_t k = paramOf(v, at.m, at.p);
        const double value =
            kind == MapKind::Forward
                ? (double(in[e]) - mean[at.m]) * (perSlice[at.m] * weight[k]) + bias[k]
                : (double(in[e]) - bias[k]) * (perSlice[at.m] / weight[k]) + mean[at.m];
        out[e] = T(value);
    }
}

// Per slice: A = sum(dy * w), B = sum(dy * w * (x - mean)) over the valid elements.
template <class T>
__global__ void backwardSumsKernel(DeviceView v, const T* x, const T* dy, const double* mean,
                                   const double* weight, double* sums) {
    __shared__ double shared[kWarps];
    const std::int64_t m = blockIdx.x;
    const std::int64_t total = v.outer * v.paramInner * v.span;
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

// dx = r*dy*w + kx*(x - mean) + k0, kx = -r^3 B/n, k0 = -r A/n (centered) in training.
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
        const double r = rstd[at.m], n = double(count[at.m]);
        double k0 = 0, kx = 0;
        if (trainingGraph && n > 0) {
            k0 = centered ? -r * sums[2 * at.m] / n : 0.0;
            kx = -r * r * r * sums[2 * at.m + 1] / n;
        }
        const double w = weight[paramOf(v, at.m, at.p)];
        dx[e] = T(r * double(dy[e]) * w + kx * (double(x[e]) - mean[at.m]) + k0);
    }
}

// One block per parameter k = q * paramInner + p: the slices m with (m / div) % mod == q,
// every o and s. dweight[k] = sum(dy * (x - mean) * rstd), dbias[k] = sum(dy).
template <class T>
__global__ void parameterGradKernel(DeviceView v, const T* x, const T* dy, const double* mean,
                                    const double* rstd, double* dweight, double* dbias) {
    __shared__ double shared[kWarps];
    const std::int64_t k = blockIdx.x;
    const std::int64_t q = k / v.paramInner, p = k % v.paramInner;
    const std::int64_t period = v.paramDiv * v.paramMod;
    const std::int64_t periods = (v.slices + period - 1) / period;
    const std::int64_t perM = v.outer * v.span;
    const std::int64_t total = periods * v.paramDiv * perM;
    double w = 0, b = 0;
    for (std::int64_t i = threadIdx.x; i < total; i += blockDim.x) {
        const std::int64_t which = i / perM, rest = i % perM;
        const std::int64_t m = (which / v.paramDiv) * period + q * v.paramDiv + which % v.paramDiv;
        if (m >= v.slices) continue;
        const std::int64_t o = rest / v.span, s = rest % v.span;
        const std::int64_t e = ((o * v.slices + m) * v.paramInner + p) * v.span + s;
        const Position at{o, m, p, s};
        if (!isValid(v, e, at)) continue;
        const double g = double(dy[e]);
        w += g * (double(x[e]) - mean[m]) * rstd[m];
        b += g;
    }
    w = blockSum(w, shared);
    b = blockSum(b, shared);
    if (threadIdx.x == 0) {
        if (dweight) dweight[k] = w;
        if (dbias) dbias[k] = b;
    }
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
void launchSliceStats(const DeviceView& v, const T* x, bool centered, double* mean, double* var,
                      std::int64_t* count, cudaStream_t stream) {
    if (v.slices == 0) return;
    sliceStatsKernel<T><<<unsigned(v.slices), kBlock, 0, stream>>>(v, x, centered, mean, var,
                                                                   count);
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
    affineMapKernel<T><<<gridFor(n), kBlock, 0, stream>>>(v, kind, in, mean, perSlice, weight,
                                                          bias, out, n);
}

template <class T>
void launchBackward(const DeviceView& v, const T* x, const T* dy, const double* mean,
                    const double* rstd, const std::int64_t* count, const double* weight,
                    bool centered, bool trainingGraph, T* dx, double* dweight, double* dbias,
                    double* sums, cudaStream_t stream) {
    const std::int64_t n = elementsOf(v);
    if (n == 0) return;
    if (trainingGraph)
        backwardSumsKernel<T><<<unsigned(v.slices), kBlock, 0, stream>>>(v, x, dy, mean, weight,
                                                                         sums);
    dxKernel<T><<<gridFor(n), kBlock, 0, stream>>>(v, x, dy, mean, rstd, count, weight, centered,
                                                   trainingGraph, sums, dx, n);
    if (dweight || dbias)
        parameterGradKernel<T><<<unsigned(v.paramMod * v.paramInner), kBlock, 0, stream>>>(
            v, x, dy, mean, rstd, dweight, dbias);
}

#define NORMLAB_INSTANTIATE(T)                                                                     \
    template void launchSliceStats<T>(const DeviceView&, const T*, bool, double*, double*,         \
                                      std::int64_t*, cudaStream_t);                                \
    template void launchAffineMap<T>(const DeviceView&, MapKind, const T*, const double*,          \
                                     const double*, const double*, const double*, T*,              \
                                     cudaStream_t);                                                \
    template void launchBackward<T>(const DeviceView&, const T*, const T*, const double*,          \
                                    const double*, const std::int64_t*, const double*, bool, bool, \
                                    T*, double*, double*, double*, cudaStream_t);
NORMLAB_INSTANTIATE(float)
NORMLAB_INSTANTIATE(double)
#undef NORMLAB_INSTANTIATE

} // namespace normlab::cuda
