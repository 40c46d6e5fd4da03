// CPU kernels (the oracle for every other backend), templated on the stored type T
// (float or double); all arithmetic is float64. Parallel over slices on the shared pool.
// Each slice is read in place: blocks (o, m) of paramInner * span contiguous elements.
#pragma once

#include "normlab/backend.h"

#include <cstdint>

namespace normlab::cpu {

template <class T>
void sliceStats(const KernelView& view, const T* x, bool centered, double* mean, double* var,
                std::int64_t* count);
template <class T>
void forward(const KernelView& view, const T* x, const double* mean, const double* rstd,
             const double* weight, const double* bias, T* y);
template <class T>
void forwardWithBatchStats(const KernelView& view, const T* x, bool centered, double eps,
                           const double* weight, const double* bias, double* mean, double* var,
                           std::int64_t* count, T* y);
template <class T>
void backward(const KernelView& view, const T* x, const T* dy, const double* mean,
              const double* rstd, const std::int64_t* count, const double* weight, bool centered,
              bool trainingGraph, T* dx, double* dweight, double* dbias);
template <class T>
void inverse(const KernelView& view, const T* y, const double* mean, const double* scale,
             const double* weight, const double* bias, T* x);

} // namespace normlab::cpu
