// Per-slice statistics (sliceMoments: two-pass, float64), in parallel over slices.
#include "cpu_kernels.h"
#include "slice_ops.h"
#include "thread_pool.h"

namespace normlab::cpu {

template <class T>
void sliceStats(const KernelView& view, const T* x, bool centered, double* mean, double* var,
                std::int64_t* count) {
    ThreadPool::instance().parallelFor(view.layout.slices, sliceGrain(view.layout),
                                       [&](std::int64_t first, std::int64_t last, int) {
                                           for (std::int64_t m = first; m < last; ++m) {
                                               const SliceMoments s =
                                                   sliceMoments(view, x, m, centered);
                                               count[m] = s.count;
                                               mean[m] = s.mean;
                                               var[m] = s.var;
                                           }
                                       });
}

template void sliceStats<float>(const KernelView&, const float*, bool, double*, double*,
                                std::int64_t*);
template void sliceStats<double>(const KernelView&, const double*, bool, double*, double*,
                                 std::int64_t*);

} // namespace normlab::cpu
