// The CUDA kernels behind the CUDA backend, on device pointers. Same contract as
// normlab/backend.h (layout order, float64 statistics and parameters, invalid elements
// written as 0) and the same numerics as the CPU kernels: two-pass statistics with float64
// accumulation, never E[x²] − E[x]².
//
// Parallel shape (LaunchPlan, launch_plan.h; not yet tuned on a device: none has been lent
// so far):
//   contiguous slices (outer == 1, no mask, lengths as a valid prefix: LayerNorm, RMSNorm,
//     InstanceNorm, GroupNorm): a warp per slice up to 1024 elements, else a block, reading
//     16-byte packs when aligned and only the valid prefix; the forward computes statistics
//     and output in one kernel, the row-form backward A, B and dx in one kernel. Long slices
//     that would leave the device short of blocks are cut into pieces by bytes: statistics
//     per piece merged with Chan's formula, then the output per piece;
//   other statistics (few long slices: BatchNorm): several blocks per slice, merged with
//     Chan's formula (a grid-wide reduction in two kernels);
//   elementwise maps otherwise (forward, inverse, dx): a grid-stride loop over all elements;
//   dγ/dβ: run form from per-(slice, run) sums; rows sharing parameters (LayerNorm,
//     RMSNorm) from per-tile partials, filled in the same read of x and dy as dx for rows of
//     1025 to 2048 elements (rowTileBackwardKernel), by a second read otherwise, then added
//     up in two levels (groups of tiles, then the groups); otherwise one block per
//     parameter over exactly the elements that use it.
// The per-block work lives in kernel_bodies.h, shared with the host emulation test.
#pragma once

#include "kernel_bodies.h"

#include <cstdint>

#include <cuda_runtime.h>

namespace normlab::cuda {

// Statistics under `plan`; `partials` holds 3 * slices * plan.stats.count doubles of
// scratch.
template <class T>
void launchSliceStats(const DeviceView& v, const LaunchPlan& plan, const T* x, bool centered,
                      double* partials, double* mean, double* var, std::int64_t* count,
                      cudaStream_t stream);

// Statistics, rstd and the forward output y (training forward): one kernel for whole
// contiguous slices, else launchSliceStats, launchInverseStd and the output. rstd is
// written only on the second path.
template <class T>
void launchForwardWithBatchStats(const DeviceView& v, const LaunchPlan& plan, const T* x,
                                 bool centered, double eps, double* partials, const double* weight,
                                 const double* bias, double* mean, double* var, double* rstd,
                                 std::int64_t* count, T* y, cudaStream_t stream);

// rstd[m] = 1 / sqrt(var[m] + eps).
void launchInverseStd(std::int64_t slices, const double* var, double eps, double* rstd,
                      cudaStream_t stream);

// out = mapValue(kind, in, ...) on valid elements (kernel_bodies.h), 0 elsewhere.
template <class T>
void launchAffineMap(const DeviceView& v, MapKind kind, const T* in, const double* mean,
                     const double* perSlice, const double* weight, const double* bias, T* out,
                     cudaStream_t stream);

// dx (and dweight/dbias when not null), as CpuBackend::backward; `sums` holds
// backwardScratch(v, plan) doubles. Row form (span == 1): per-slice sums A, B, then dx,
// then dγ/dβ. Run form (span > 1): per-(slice, run p) sums S1 = sum(dy),
// S2 = sum(dy * (x - mean)) in one read of x and dy, from which A, B and
// dγ = sum(rstd * S2), dβ = sum(S1) follow without reading the input again.
template <class T>
void launchBackward(const DeviceView& v, const LaunchPlan& plan, const T* x, const T* dy,
                    const double* mean, const double* rstd, const std::int64_t* count,
                    const double* weight, bool centered, bool trainingGraph, T* dx, double* dweight,
                    double* dbias, double* sums, cudaStream_t stream);

// cudaSuccess when this build's kernels load on the current device; otherwise the error
// (cudaErrorNoKernelImageForDevice on a GPU older than the architectures compiled in).
cudaError_t probeKernelImage();

} // namespace normlab::cuda
