// Backward pass in two reads of (x, dy) per slice, one write of dx.
// With g = dy * w, xhat = (x - mean) * r and n valid elements:
//   A  = sum(g),  B = sum(g * (x - mean))                  (pass 1, training graph only)
//   dx = r*g - r*A/n - (x - mean) * r^3 * B/n               (pass 2; A term only if centered)
//   dx = r*g                                                (constant statistics)
//   dw[p] = sum(dy * xhat), db[p] = sum(dy)
// Row form (span == 1, parameters change per element, LayerNorm): dw/db from per-thread
// partial vectors filled during pass 2; unmasked rows that share their parameters go in
// tiles of rows (backwardRowTiles) so the partials are updated once per tile. Run form (span > 1):
// pass 1 keeps per-(slice, p) sums S1 = sum(dy), S2 = sum(dy * (x - mean)), from which A, B and dw
// = r*S2, db = S1 follow without another pass over the data (ATen's GroupNorm trick).
#include "cpu_kernels.h"
#include "run_segments.h"
#include "thread_pool.h"

#include <algorithm>
#include <vector>

namespace normlab::cpu {

namespace {

struct SliceCoefficients {
    double k0 = 0; // constant term
    double kx = 0; // coefficient of (x - mean)
};

SliceCoefficients coefficientsFor(double A, double B, double r, double n, bool centered,
                                  bool trainingGraph) {
    if (!trainingGraph || n <= 0) return {};
    return {centered ? -r * A / n : 0.0, -r * r * r * B / n};
}

// Per-thread partial sums of dw and db (P each), added up after the parallel loop so the
// threads never share a cache line. Empty (null pointers) when no parameter grads are asked.
class ParamPartials {
  public:
    ParamPartials(int threads, std::int64_t P)
        : P_(P)
        , sums_(std::size_t(threads) * 2 * P, 0.0) {}
    double* weights(int slot) { return sums_.empty() ? nullptr : sums_.data() + slot * 2 * P_; }
    double* biases(int slot) { return sums_.empty() ? nullptr : weights(slot) + P_; }
    void addTo(double* dweight, double* dbias) const {
        for (std::size_t at = 0; at < sums_.size(); at += 2 * P_)
            for (std::int64_t p = 0; p < P_; ++p) {
                if (dweight) dweight[p] += sums_[at + p];
                if (dbias) dbias[p] += sums_[at + P_ + p];
            }
    }

  private:
    std::int64_t P_;
    std::vector<double> sums_;
};

// Pass 1 over a segment: A = sum(dy * w), B = sum(dy * w * (x - mu)), over the elements
// whose mask byte is set (every element when mask is null).
template <class T>
SumPair weightedSums(std::int64_t len, const T* xs, const T* gs, const double* ws, double mu,
                     const std::uint8_t* mask) {
    if (mask)
        return lanedSum2(len, [&](auto at) {
            const auto g = at.keep(mask, at(gs) * at(ws));
            const auto d = at.keep(mask, at(xs) - mu);
            return Two{g, g * d};
        });
    return lanedSum2(len, [&](auto at) {
        const auto g = at(gs) * at(ws);
        return Two{g, g * (at(xs) - mu)};
    });
}

template <class T>
void backwardRows(const KernelView& view, const T* x, const T* dy, const double* mean,
                  const double* rstd, const std::int64_t* count, const double* w, bool centered,
                  bool trainingGraph, T* dx, double* dweight, double* dbias) {
    const SliceLayout& L = view.layout;
    const std::int64_t P = L.numParams();
    const bool wantParams = dweight || dbias;
    ThreadPool& pool = ThreadPool::instance();
    ParamPartials partials(wantParams ? pool.threads() : 0, P);
    auto zero = [&](std::int64_t at, std::int64_t len) { std::fill_n(dx + at, len, T(0)); };

    pool.parallelFor(L.slices, sliceGrain(L), [&](std::int64_t first, std::int64_t last, int slot) {
        double* pw = partials.weights(slot);
        double* pb = partials.biases(slot);
        for (std::int64_t m = first; m < last; ++m) {
            const double mu = mean[m], r = rstd[m], n = double(count[m]);
            const std::int64_t pbase = L.param(m, 0);
            const double* wm = w + pbase;
            double A = 0, B = 0;
            if (trainingGraph && n > 0) {
                forSliceSegments(
                    view, m,
                    [&](std::int64_t at, std::int64_t len, const std::uint8_t* mask,
                        std::int64_t base) {
                        const T* __restrict xs = x + at;
                        const T* __restrict gs = dy + at;
                        const double* __restrict ws = wm + (at - base);
                        const SumPair s = weightedSums(len, xs, gs, ws, mu, mask);
                        A += s.first;
                        B += s.second;
                    },
                    kNoInvalid);
            }
            const SliceCoefficients k = coefficientsFor(A, B, r, n, centered, trainingGraph);
            forSliceSegments(
                view, m,
                [&](std::int64_t at, std::int64_t len, const std::uint8_t* mask,
                    std::int64_t base) {
                    const std::int64_t p0 = at - base;
                    const T* __restrict xs = x + at;
                    const T* __restrict gs = dy + at;
                    const double* __restrict ws = wm + p0;
                    T* __restrict out = dx + at;
                    if (mask) {
                        for (std::int64_t i = 0; i < len; ++i) {
                            const bool ok = mask[i];
                            const double g = ok ? double(gs[i]) : 0.0;
                            const double d = ok ? double(xs[i]) - mu : 0.0;
                            out[i] = ok ? T(r * g * ws[i] + k.kx * d + k.k0) : T(0);
                            if (wantParams && ok) { // empty slices have rstd NaN
                                pw[pbase + p0 + i] += g * d * r;
                                pb[pbase + p0 + i] += g;
                            }
                        }
                    } else if (wantParams) {
                        double* __restrict gw = pw + pbase + p0;
                        double* __restrict gb = pb + pbase + p0;
                        for (std::int64_t i = 0; i < len; ++i) {
                            const double g = double(gs[i]);
                            const double d = double(xs[i]) - mu;
                            out[i] = T(r * g * ws[i] + k.kx * d + k.k0);
                            gw[i] += g * d * r;
                            gb[i] += g;
                        }
                    } else {
                        for (std::int64_t i = 0; i < len; ++i)
                            out[i] =
                                T(r * double(gs[i]) * ws[i] + k.kx * (double(xs[i]) - mu) + k.k0);
                    }
                },
                zero);
        }
    });
    partials.addTo(dweight, dbias);
}

// Row form with no mask and every row on the same parameters (LayerNorm, RMSNorm), rows in
// tiles of kTileRows: pass 1 per row as above; pass 2 walks the tile eight columns at a time,
// so dw/db for those columns add up over the tile's rows in registers and reach the
// per-thread partial vectors once per tile instead of once per row (in backwardRows the
// partials' read-modify-write was the largest cost of the LayerNorm backward).
constexpr int kTileRows = 8;

template <class T>
void backwardRowTiles(const KernelView& view, const T* x, const T* dy, const double* mean,
                      const double* rstd, const std::int64_t* count, const double* w, bool centered,
                      bool trainingGraph, T* dx, double* dweight, double* dbias) {
    const SliceLayout& L = view.layout;
    const std::int64_t P = L.paramInner;
    const bool wantParams = dweight || dbias;
    ThreadPool& pool = ThreadPool::instance();
    ParamPartials partials(wantParams ? pool.threads() : 0, P);

    pool.parallelFor(L.slices, sliceGrain(L), [&](std::int64_t first, std::int64_t last, int slot) {
        double* pw = partials.weights(slot);
        double* pb = partials.biases(slot);
        for (std::int64_t top = first; top < last; top += kTileRows) {
            const int rows = int(std::min<std::int64_t>(kTileRows, last - top));
            const T* xr[kTileRows];
            const T* gr[kTileRows];
            T* out[kTileRows];
            double mu[kTileRows], r[kTileRows], kx[kTileRows], k0[kTileRows];
            for (int j = 0; j < rows; ++j) {
                const std::int64_t m = top + j;
                xr[j] = x + m * P;
                gr[j] = dy + m * P;
                out[j] = dx + m * P;
                mu[j] = mean[m];
                r[j] = rstd[m];
                const SumPair s =
                    trainingGraph ? weightedSums(P, xr[j], gr[j], w, mu[j], nullptr) : SumPair{};
                const SliceCoefficients k = coefficientsFor(
                    s.first, s.second, r[j], double(count[m]), centered, trainingGraph);
                kx[j] = k.kx;
                k0[j] = k.k0;
            }
            forLanes(P, [&](auto at) {
                using V = decltype(at(w));
                const V wv = at(w);
                V gw{}, gb{};
                for (int j = 0; j < rows; ++j) {
                    const V g = at(gr[j]);
                    const V d = at(xr[j]) - mu[j];
                    at.store(out[j], r[j] * g * wv + kx[j] * d + k0[j]);
                    gw += g * d * r[j];
                    gb += g;
                }
                if (wantParams) {
                    at.store(pw, at(pw) + gw);
                    at.store(pb, at(pb) + gb);
                }
            });
        }
    });
    partials.addTo(dweight, dbias);
}

template <class T>
void backwardRuns(const KernelView& view, const T* x, const T* dy, const double* mean,
                  const double* rstd, const std::int64_t* count, const double* w, bool centered,
                  bool trainingGraph, T* dx, double* dweight, double* dbias) {
    const SliceLayout& L = view.layout;
    const std::int64_t block = L.paramInner * L.span;
    const bool wantParams = dweight || dbias;
    const bool needSums = wantParams || trainingGraph;
    std::vector<double> s1(needSums ? L.slices * L.paramInner : 0, 0.0);
    std::vector<double> s2(s1.size(), 0.0);
    auto zero = [&](std::int64_t at, std::int64_t len) { std::fill_n(dx + at, len, T(0)); };

    ThreadPool::instance().parallelFor(
        L.slices, sliceGrain(L), [&](std::int64_t first, std::int64_t last, int) {
            for (std::int64_t m = first; m < last; ++m) {
                const double mu = mean[m], r = rstd[m], n = double(count[m]);
                double A = 0, B = 0;
                if (needSums && n > 0) {
                    for (std::int64_t p = 0; p < L.paramInner; ++p) {
                        double sumDy = 0, sumDyD = 0;
                        for (std::int64_t o = 0; o < L.outer; ++o) {
                            const std::int64_t runBegin = (o * L.slices + m) * block + p * L.span;
                            forSegments(
                                view.validity, L.sample(o, m, p), runBegin, L.span,
                                [&](std::int64_t at, std::int64_t len, const std::uint8_t* mask) {
                                    const T* xs = x + at;
                                    const T* gs = dy + at;
                                    const SumPair s =
                                        mask
                                            ? lanedSum2(len,
                                                        [&](auto e) {
                                                            const auto g = e.keep(mask, e(gs));
                                                            const auto d = e.keep(mask, e(xs) - mu);
                                                            return Two{g, g * d};
                                                        })
                                            : lanedSum2(len, [&](auto e) {
                                                  const auto g = e(gs);
                                                  return Two{g, g * (e(xs) - mu)};
                                              });
                                    sumDy += s.first;
                                    sumDyD += s.second;
                                },
                                kNoInvalid);
                        }
                        s1[m * L.paramInner + p] = sumDy;
                        s2[m * L.paramInner + p] = sumDyD;
                        const double wp = w[L.param(m, p)];
                        A += wp * sumDy;
                        B += wp * sumDyD;
                    }
                }
                const SliceCoefficients k = coefficientsFor(A, B, r, n, centered, trainingGraph);
                for (std::int64_t o = 0; o < L.outer; ++o) {
                    for (std::int64_t p = 0; p < L.paramInner; ++p) {
                        const double k1 = r * w[L.param(m, p)];
                        const std::int64_t runBegin = (o * L.slices + m) * block + p * L.span;
                        forSegments(
                            view.validity, L.sample(o, m, p), runBegin, L.span,
                            [&](std::int64_t at, std::int64_t len, const std::uint8_t* mask) {
                                const T* xs = x + at;
                                const T* gs = dy + at;
                                T* out = dx + at;
                                if (mask) {
                                    for (std::int64_t i = 0; i < len; ++i) {
                                        const double v =
                                            k1 * double(gs[i]) + k.kx * (double(xs[i]) - mu) + k.k0;
                                        out[i] = mask[i] ? T(v) : T(0);
                                    }
                                } else {
                                    for (std::int64_t i = 0; i < len; ++i)
                                        out[i] = T(k1 * double(gs[i]) +
                                                   k.kx * (double(xs[i]) - mu) + k.k0);
                                }
                            },
                            zero);
                    }
                }
            }
        });
    if (!wantParams) return;
    for (std::int64_t m = 0; m < L.slices; ++m) {
        if (count[m] <= 0) continue;
        for (std::int64_t p = 0; p < L.paramInner; ++p) {
            const std::int64_t k = L.param(m, p);
            if (dweight) dweight[k] += rstd[m] * s2[m * L.paramInner + p];
            if (dbias) dbias[k] += s1[m * L.paramInner + p];
        }
    }
}

} // namespace

template <class T>
void backward(const KernelView& view, const T* x, const T* dy, const double* mean,
              const double* rstd, const std::int64_t* count, const double* weight, bool centered,
              bool trainingGraph, T* dx, double* dweight, double* dbias) {
    const SliceLayout& L = view.layout;
    const bool unmasked = !view.validity.mask && !view.validity.lengths;
    if (L.span == 1 && L.outer == 1 && L.paramMod == 1 && unmasked)
        backwardRowTiles(view, x, dy, mean, rstd, count, weight, centered, trainingGraph, dx,
                         dweight, dbias);
    else if (L.span == 1)
        backwardRows(view, x, dy, mean, rstd, count, weight, centered, trainingGraph, dx, dweight,
                     dbias);
    else
        backwardRuns(view, x, dy, mean, rstd, count, weight, centered, trainingGraph, dx, dweight,
                     dbias);
}

template void backward<float>(const KernelView&, const float*, const float*, const double*,
                              const double*, const std::int64_t*, const double*, bool, bool, float*,
                              double*, double*);
template void backward<double>(const KernelView&, const double*, const double*, const double*,
                               const double*, const std::int64_t*, const double*, bool, bool,
                               double*, double*, double*);

} // namespace normlab::cpu
