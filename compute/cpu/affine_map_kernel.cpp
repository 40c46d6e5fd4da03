// Forward and inverse are the same elementwise map (mapSlice) with per-(slice, parameter)
// coefficients:
//   forward: out = (x - mean[m]) * (rstd[m] * w[k]) + b[k]
//   inverse: out = (y - b[k]) * (sqrt(var + eps)[m] / w[k]) + mean[m]
// forwardWithBatchStats computes each slice's statistics and then its output while the
// slice is in cache: one read of x from memory instead of two.
#include "cpu_kernels.h"
#include "slice_ops.h"
#include "thread_pool.h"

namespace normlab::cpu {

namespace {

template <class Body> void forEachSlice(const SliceLayout& layout, Body body) {
    ThreadPool::instance().parallelFor(layout.slices, sliceGrain(layout),
                                       [&](std::int64_t first, std::int64_t last, int) {
                                           for (std::int64_t m = first; m < last; ++m) body(m);
                                       });
}

} // namespace

template <class T>
void forward(const KernelView& view, const T* x, const double* mean, const double* rstd,
             const double* weight, const double* bias, T* y) {
    forEachSlice(view.layout, [&](std::int64_t m) {
        mapSlice(view, m, x, y, [&](std::int64_t k) {
            return Coefficients{mean[m], rstd[m] * weight[k], bias[k]};
        });
    });
}

template <class T>
void forwardWithBatchStats(const KernelView& view, const T* x, bool centered, double eps,
                           const double* weight, const double* bias, double* mean, double* var,
                           std::int64_t* count, T* y) {
    forEachSlice(view.layout, [&](std::int64_t m) {
        const SliceMoments s = sliceMoments(view, x, m, centered);
        count[m] = s.count;
        mean[m] = s.mean;
        var[m] = s.var;
        const double r = inverseStd(s.var, eps);
        mapSlice(view, m, x, y, [&](std::int64_t k) {
            return Coefficients{s.mean, r * weight[k], bias[k]};
        });
    });
}

template <class T>
void inverse(const KernelView& view, const T* y, const double* mean, const double* scale,
             const double* weight, const double* bias, T* x) {
    forEachSlice(view.layout, [&](std::int64_t m) {
        mapSlice(view, m, y, x, [&](std::int64_t k) {
            return Coefficients{bias[k], scale[m] / weight[k], mean[m]};
        });
    });
}

#define NORMLAB_INSTANTIATE(T)                                                                     \
    template void forward<T>(const KernelView&, const T*, const double*, const double*,            \
                             const double*, const double*, T*);                                    \
    template void forwardWithBatchStats<T>(const KernelView&, const T*, bool, double,              \
                                           const double*, const double*, double*, double*,         \
                                           std::int64_t*, T*);                                     \
    template void inverse<T>(const KernelView&, const T*, const double*, const double*,            \
                             const double*, const double*, T*);
NORMLAB_INSTANTIATE(float)
NORMLAB_INSTANTIATE(double)
#undef NORMLAB_INSTANTIATE

} // namespace normlab::cpu
