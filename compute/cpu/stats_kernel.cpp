// Per-slice count, mean and biased variance: two-pass with float64 accumulation.
//   pass 1: n = #valid, mean = sum(x) / n
//   pass 2: var = sum((x - mean)^2) / n
// Squared deviations from the exact-to-double mean do not cancel, unlike E[x^2] - E[x]^2,
// so data whose mean is 1e4 times its spread keeps its variance. RMSNorm (centered=false)
// needs one pass: var = sum(x^2) / n, mean = 0.
#include "cpu_kernels.h"
#include "run_segments.h"
#include "thread_pool.h"

#include <limits>

namespace normlab::cpu {

template <class T>
void sliceStats(const KernelView& view, const T* x, bool centered, double* mean, double* var,
                std::int64_t* count) {
    const SliceLayout& L = view.layout;

    ThreadPool::instance().parallelFor(
        L.slices, sliceGrain(L), [&](std::int64_t first, std::int64_t last, int) {
            for (std::int64_t m = first; m < last; ++m) {
                // Pass 1: count and sum (or sum of squares when not centered).
                double n = 0, sum = 0;
                forSliceSegments(
                    view, m,
                    [&](std::int64_t at, std::int64_t len, const std::uint8_t* mask, std::int64_t) {
                        const T* v = x + at;
                        if (mask) {
                            const SumPair s = lanedSum2(len, [&](std::int64_t i) {
                                const double xi = mask[i] ? double(v[i]) : 0.0;
                                return SumPair{mask[i] ? 1.0 : 0.0, centered ? xi : xi * xi};
                            });
                            n += s.first;
                            sum += s.second;
                        } else {
                            n += double(len);
                            sum += centered
                                       ? lanedSum(len, [&](std::int64_t i) { return double(v[i]); })
                                       : lanedSum(len, [&](std::int64_t i) {
                                             return double(v[i]) * double(v[i]);
                                         });
                        }
                    },
                    kNoInvalid);
                count[m] = static_cast<std::int64_t>(n);
                if (n == 0) {
                    mean[m] = var[m] = std::numeric_limits<double>::quiet_NaN();
                    continue;
                }
                if (!centered) {
                    mean[m] = 0;
                    var[m] = sum / n;
                    continue;
                }
                const double mu = sum / n;
                // Pass 2: squared deviations from the mean.
                double squares = 0;
                forSliceSegments(
                    view, m,
                    [&](std::int64_t at, std::int64_t len, const std::uint8_t* mask, std::int64_t) {
                        const T* v = x + at;
                        squares += mask ? lanedSum(len,
                                                   [&](std::int64_t i) {
                                                       const double d =
                                                           mask[i] ? double(v[i]) - mu : 0.0;
                                                       return d * d;
                                                   })
                                        : lanedSum(len, [&](std::int64_t i) {
                                              const double d = double(v[i]) - mu;
                                              return d * d;
                                          });
                    },
                    kNoInvalid);
                mean[m] = mu;
                var[m] = squares / n;
            }
        });
}

template void sliceStats<float>(const KernelView&, const float*, bool, double*, double*,
                                std::int64_t*);
template void sliceStats<double>(const KernelView&, const double*, bool, double*, double*,
                                 std::int64_t*);

} // namespace normlab::cpu
