// The per-slice work of the CPU kernels, shared by the separate kernels (sliceStats,
// forward, inverse) and the fused one (forwardWithBatchStats), which runs both on a slice
// while it is still in cache.
#pragma once

#include "run_segments.h"

#include <algorithm>
#include <limits>

namespace normlab::cpu {

struct SliceMoments {
    std::int64_t count = 0;
    double mean = 0, var = 0; // NaN for an empty slice
};

// Count, mean and biased variance of slice m: two-pass with float64 accumulation.
//   pass 1: n = #valid, mean = sum(x) / n
//   pass 2: var = sum((x - mean)^2) / n
// Squared deviations from the exact-to-double mean do not cancel, unlike E[x^2] - E[x]^2,
// so data whose mean is 1e4 times its spread keeps its variance. RMSNorm (centered=false)
// needs one pass: var = sum(x^2) / n, mean = 0.
template <class T>
SliceMoments sliceMoments(const KernelView& view, const T* x, std::int64_t m, bool centered) {
    double n = 0, sum = 0;
    forSliceSegments(
        view, m,
        [&](std::int64_t at, std::int64_t len, const std::uint8_t* mask, std::int64_t) {
            const T* v = x + at;
            if (mask) {
                const SumPair s = lanedSum2(len, [&](auto at) {
                    const auto xi = at.keep(mask, at(v));
                    return Two{at.valid(mask), centered ? xi : xi * xi};
                });
                n += s.first;
                sum += s.second;
            } else {
                n += double(len);
                sum += centered ? lanedSum(len, [&](auto at) { return at(v); })
                                : lanedSum(len, [&](auto at) { return at(v) * at(v); });
            }
        },
        kNoInvalid);
    SliceMoments out;
    out.count = static_cast<std::int64_t>(n);
    if (n == 0) {
        out.mean = out.var = std::numeric_limits<double>::quiet_NaN();
        return out;
    }
    if (!centered) {
        out.var = sum / n;
        return out;
    }
    const double mu = sum / n;
    double squares = 0;
    forSliceSegments(
        view, m,
        [&](std::int64_t at, std::int64_t len, const std::uint8_t* mask, std::int64_t) {
            const T* v = x + at;
            squares += mask ? lanedSum(len,
                                       [&](auto at) {
                                           const auto d = at.keep(mask, at(v) - mu);
                                           return d * d;
                                       })
                            : lanedSum(len, [&](auto at) {
                                  const auto d = at(v) - mu;
                                  return d * d;
                              });
        },
        kNoInvalid);
    out.mean = mu;
    out.var = squares / n;
    return out;
}

// Coefficients of the elementwise map  out = (in - shiftIn) * scale + shiftOut.
struct Coefficients {
    double shiftIn, scale, shiftOut;
};

// Applies the map to slice m; coefficientsOf(k) gives the coefficients of parameter k
// (the caller binds the slice). Row-form slices (span == 1) step k by one per element
// instead of evaluating layout.param() (a division) per element. Invalid elements are 0.
template <class T, class CoefficientsOf>
void mapSlice(const KernelView& view, std::int64_t m, const T* in, T* out,
              CoefficientsOf coefficientsOf) {
    const SliceLayout& L = view.layout;
    auto zero = [&](std::int64_t at, std::int64_t len) { std::fill_n(out + at, len, T(0)); };
    if (L.span == 1) {
        forSliceSegments(
            view, m,
            [&](std::int64_t at, std::int64_t len, const std::uint8_t* mask, std::int64_t base) {
                const std::int64_t k0 = L.param(m, 0) + (at - base);
                for (std::int64_t i = 0; i < len; ++i) {
                    const Coefficients c = coefficientsOf(k0 + i);
                    const double v = (double(in[at + i]) - c.shiftIn) * c.scale + c.shiftOut;
                    out[at + i] = (!mask || mask[i]) ? T(v) : T(0);
                }
            },
            zero);
        return;
    }
    const std::int64_t block = L.paramInner * L.span;
    for (std::int64_t o = 0; o < L.outer; ++o) {
        const std::int64_t base = (o * L.slices + m) * block;
        for (std::int64_t p = 0; p < L.paramInner; ++p) {
            const Coefficients c = coefficientsOf(L.param(m, p));
            forSegments(
                view.validity, L.sample(o, m, p), base + p * L.span, L.span,
                [&](std::int64_t at, std::int64_t len, const std::uint8_t* mask) {
                    const T* __restrict src = in + at;
                    T* __restrict dst = out + at;
                    if (mask) {
                        for (std::int64_t i = 0; i < len; ++i) {
                            const double v = (double(src[i]) - c.shiftIn) * c.scale + c.shiftOut;
                            dst[i] = mask[i] ? T(v) : T(0);
                        }
                    } else {
                        for (std::int64_t i = 0; i < len; ++i)
                            dst[i] = T((double(src[i]) - c.shiftIn) * c.scale + c.shiftOut);
                    }
                },
                zero);
        }
    }
}

} // namespace normlab::cpu
