// The CUDA kernels behind the CUDA backend, on device pointers. Same contract as
// normlab/backend.h (layout order, float64 statistics and parameters, invalid elements
// written as 0) and the same numerics as the CPU kernels: two-pass statistics with float64
// accumulation, never E[x²] − E[x]².
//
// Parallel shape (the first version; tuned on a device when one is lent):
//   statistics and the backward's per-slice sums: one block per slice, the block's threads
//     striding over the slice's elements, a warp-shuffle tree reduction in float64;
//   elementwise maps (forward, inverse, dx): a grid-stride loop over all elements;
//   dγ/dβ: one block per parameter over exactly the elements that use it.
// Masks: a byte per element, or per-sample lengths read as "the first lengths[n] of every
// `chunk` elements of a run" (normlab/backend.h, Validity).
#pragma once

#include <cstdint>

#include <cuda_runtime.h>

namespace normlab::cuda {

// SliceLayout and Validity, flattened for the device.
struct DeviceView {
    std::int64_t outer, slices, paramInner, span, paramDiv, paramMod, batch;
    int batchPlace; // BatchPlace: 0 Outer, 1 Slices, 2 ParamInner
    const std::uint8_t* mask;
    const std::int64_t* lengths;
    std::int64_t chunk;
};

template <class T>
void launchSliceStats(const DeviceView& v, const T* x, bool centered, double* mean, double* var,
                      std::int64_t* count, cudaStream_t stream);

// rstd[m] = 1 / sqrt(var[m] + eps).
void launchInverseStd(std::int64_t slices, const double* var, double eps, double* rstd,
                      cudaStream_t stream);

// forward: out = (in - mean[m]) * rstd[m] * w[k] + b[k]
// inverse: out = (in - b[k]) * scale[m] / w[k] + mean[m]     (scale passed as `perSlice`)
enum class MapKind { Forward, Inverse };
template <class T>
void launchAffineMap(const DeviceView& v, MapKind kind, const T* in, const double* mean,
                     const double* perSlice, const double* weight, const double* bias, T* out,
                     cudaStream_t stream);

// dx (and dweight/dbias when not null), as CpuBackend::backward. `sums` holds 2 * slices
// doubles of scratch.
template <class T>
void launchBackward(const DeviceView& v, const T* x, const T* dy, const double* mean,
                    const double* rstd, const std::int64_t* count, const double* weight,
                    bool centered, bool trainingGraph, T* dx, double* dweight, double* dbias,
                    double* sums, cudaStream_t stream);

} // namespace normlab::cuda
