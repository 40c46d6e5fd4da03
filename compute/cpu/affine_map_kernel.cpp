// Forward and inverse are the same elementwise map with per-(slice, parameter) coefficients:
//   out = (in - shiftIn) * scale + shiftOut
//   forward: shiftIn = mean[m], scale = rstd[m] * w[p], shiftOut = b[p]
//   inverse: shiftIn = b[p],    scale = sqrt(var + eps)[m] / w[p], shiftOut = mean[m]
// coefficientsOf(m, k) takes the parameter index k itself, so that row-form callers step
// k by one per element instead of evaluating layout.param() (a division) per element.
// Invalid elements are written as 0.
#include "cpu_kernels.h"
#include "run_segments.h"
#include "thread_pool.h"

#include <algorithm>

namespace normlab::cpu {

namespace {

struct Coefficients {
    double shiftIn, scale, shiftOut;
};

template <class T, class CoefficientsOf>
void affineMap(const KernelView& view, const T* in, T* out, CoefficientsOf coefficientsOf) {
    const SliceLayout& L = view.layout;
    const std::int64_t block = L.paramInner * L.span;
    const Validity& validity = view.validity;
    auto zero = [&](std::int64_t at, std::int64_t len) { std::fill_n(out + at, len, T(0)); };

    ThreadPool::instance().parallelFor(
        L.slices, sliceGrain(L), [&](std::int64_t first, std::int64_t last, int) {
            for (std::int64_t m = first; m < last; ++m) {
                for (std::int64_t o = 0; o < L.outer; ++o) {
                    const std::int64_t base = (o * L.slices + m) * block;
                    if (L.span == 1) {
                        // Parameters change with every element (LayerNorm): coefficients per p.
                        forSegments(
                            validity, L.sample(o, m, 0), base, block,
                            [&](std::int64_t at, std::int64_t len, const std::uint8_t* mask) {
                                const std::int64_t k0 = L.param(m, 0) + (at - base);
                                for (std::int64_t i = 0; i < len; ++i) {
                                    const Coefficients c = coefficientsOf(m, k0 + i);
                                    const double v =
                                        (double(in[at + i]) - c.shiftIn) * c.scale + c.shiftOut;
                                    out[at + i] = (!mask || mask[i]) ? T(v) : T(0);
                                }
                            },
                            zero);
                        continue;
                    }
                    for (std::int64_t p = 0; p < L.paramInner; ++p) {
                        const Coefficients c = coefficientsOf(m, L.param(m, p));
                        const std::int64_t runBegin = base + p * L.span;
                        forSegments(
                            validity, L.sample(o, m, p), runBegin, L.span,
                            [&](std::int64_t at, std::int64_t len, const std::uint8_t* mask) {
                                const T* src = in + at;
                                T* dst = out + at;
                                if (mask) {
                                    for (std::int64_t i = 0; i < len; ++i) {
                                        const double v =
                                            (double(src[i]) - c.shiftIn) * c.scale + c.shiftOut;
                                        dst[i] = mask[i] ? T(v) : T(0);
                                    }
                                } else {
                                    for (std::int64_t i = 0; i < len; ++i)
                                        dst[i] =
                                            T((double(src[i]) - c.shiftIn) * c.scale + c.shiftOut);
                                }
                            },
                            zero);
                    }
                }
            }
        });
}

} // namespace

template <class T>
void forward(const KernelView& view, const T* x, const double* mean, const double* rstd,
             const double* weight, const double* bias, T* y) {
    affineMap(view, x, y, [&](std::int64_t m, std::int64_t k) {
        return Coefficients{mean[m], rstd[m] * weight[k], bias[k]};
    });
}

template <class T>
void inverse(const KernelView& view, const T* y, const double* mean, const double* scale,
             const double* weight, const double* bias, T* x) {
    affineMap(view, y, x, [&](std::int64_t m, std::int64_t k) {
        return Coefficients{bias[k], scale[m] / weight[k], mean[m]};
    });
}

template void forward<float>(const KernelView&, const float*, const double*, const double*,
                             const double*, const double*, float*);
template void forward<double>(const KernelView&, const double*, const double*, const double*,
                              const double*, const double*, double*);
template void inverse<float>(const KernelView&, const float*, const double*, const double*,
                             const double*, const double*, float*);
template void inverse<double>(const KernelView&, const double*, const double*, const double*,
                              const double*, const double*, double*);

} // namespace normlab::cpu
