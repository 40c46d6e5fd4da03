// The per-block and per-thread work of the kernels for general layouts (any reduction
// axes, masks, lengths) and of the small merging kernels, written once: the kernels run it
// with their threads (a DeviceGroup of the block), the host emulation in tests/tst_cuda.cpp
// with a HostGroup, lane after lane. kernel_bodies.h does the same for the contiguous
// kernels. Every index goes through device_index.h; every sum over a block through the
// Group (lane l takes the elements l, l + lanes, ...).
#pragma once

#include "kernel_bodies.h"

#include <cstdint>

namespace normlab::cuda {

// slicePieceKernel: the moments of the valid elements of piece c of slice m, in two passes
// (the mean, then the squared deviations; RMSNorm: the sum of squares only).
template <class T, class Group>
NORMLAB_HD inline Moments generalPieceMoments(Group& g, const DeviceView& v, const T* x,
                                              std::int64_t m, const Pieces& pieces, std::int64_t c,
                                              bool centered) {
    const std::int64_t first = c * pieces.length;
    const std::int64_t last =
        first + pieces.length < sliceSize(v) ? first + pieces.length : sliceSize(v);
    const Pair total = g.sum([&](int lane) {
        Pair part;
        for (std::int64_t i = first + lane; i < last; i += g.lanes) {
            const std::int64_t e = sliceElement(v, m, i);
            if (!isValid(v, e, positionOf(v, e))) continue;
            const double xi = double(x[e]);
            part.a += 1;
            part.b += centered ? xi : xi * xi;
        }
        return part;
    });
    if (!centered || total.a == 0) return {total.a, total.b, 0.0};
    const double mu = total.b / total.a;
    const double squares = g.sum([&](int lane) {
                                double part = 0;
                                for (std::int64_t i = first + lane; i < last; i += g.lanes) {
                                    const std::int64_t e = sliceElement(v, m, i);
                                    if (!isValid(v, e, positionOf(v, e))) continue;
                                    const double d = double(x[e]) - mu;
                                    part += d * d;
                                }
                                return Pair{part, 0.0};
                            }).a;
    return {total.a, mu, squares};
}

// backwardSumsKernel: A = sum(dy w), B = sum(dy w (x - mean)) over slice m's valid
// elements.
template <class T, class Group>
NORMLAB_HD inline Pair generalBackwardSums(Group& g, const DeviceView& v, const T* x, const T* dy,
                                           std::int64_t m, const double* mean,
                                           const double* weight) {
    const double mu = mean[m];
    return g.sum([&](int lane) {
        Pair part;
        for (std::int64_t i = lane; i < sliceSize(v); i += g.lanes) {
            const std::int64_t e = sliceElement(v, m, i);
            const Position at = positionOf(v, e);
            if (!isValid(v, e, at)) continue;
            const double gw = double(dy[e]) * weight[paramOf(v, m, at.p)];
            part.a += gw;
            part.b += gw * (double(x[e]) - mu);
        }
        return part;
    });
}

// runSumsKernel: S1 = sum(dy), S2 = sum(dy (x - mean)) over the valid elements of piece c
// of run p of slice m.
template <class T, class Group>
NORMLAB_HD inline Pair runPieceSums(Group& g, const DeviceView& v, const T* x, const T* dy,
                                    const double* mean, std::int64_t m, std::int64_t p,
                                    const Pieces& pieces, std::int64_t c) {
    const std::int64_t length = v.outer * v.span, first = c * pieces.length;
    const std::int64_t last = first + pieces.length < length ? first + pieces.length : length;
    const double mu = mean[m];
    return g.sum([&](int lane) {
        Pair part;
        for (std::int64_t i = first + lane; i < last; i += g.lanes) {
            const std::int64_t e = runElement(v, m, p, i);
            if (!isValid(v, e, positionOf(v, e))) continue;
            part.a += double(dy[e]);
            part.b += double(dy[e]) * (double(x[e]) - mu);
        }
        return part;
    });
}

// mergeRunPiecesKernel, for (slice m, run p) = mp: the pieces' S1, S2 added in piece order
// into runSums[2 mp + {0, 1}].
NORMLAB_HD inline void mergeRunPieces(const DeviceView& v, std::int64_t mp, std::int64_t pieces,
                                      const double* pieceSums, double* runSums) {
    const std::int64_t m = quotient(v, mp, v.byParamInner), p = mp - m * v.paramInner;
    double s1 = 0, s2 = 0;
    for (std::int64_t c = 0; c < pieces; ++c) {
        s1 += pieceSums[2 * ((m * pieces + c) * v.paramInner + p)];
        s2 += pieceSums[2 * ((m * pieces + c) * v.paramInner + p) + 1];
    }
    runSums[2 * mp] = s1;
    runSums[2 * mp + 1] = s2;
}

// sliceSumsFromRunsKernel: A = sum_p w S1, B = sum_p w S2 of slice m.
NORMLAB_HD inline void sliceSumsFromRuns(const DeviceView& v, std::int64_t m, const double* weight,
                                         const double* runSums, double* sums) {
    double a = 0, b = 0;
    for (std::int64_t p = 0; p < v.paramInner; ++p) {
        const double w = weight[paramOf(v, m, p)];
        a += w * runSums[2 * (m * v.paramInner + p)];
        b += w * runSums[2 * (m * v.paramInner + p) + 1];
    }
    sums[2 * m] = a;
    sums[2 * m + 1] = b;
}

// runParameterGradKernel: dγ[k] = sum rstd[m] S2(m, p), dβ[k] = sum S1(m, p) over the
// slices using parameter k (empty ones left out).
NORMLAB_HD inline void runParameterGrad(const DeviceView& v, std::int64_t k, const double* rstd,
                                        const std::int64_t* count, const double* runSums,
                                        double* dweight, double* dbias) {
    const std::int64_t p = k - quotient(v, k, v.byParamInner) * v.paramInner;
    double w = 0, b = 0;
    for (std::int64_t j = 0; j < v.parameterSliceCandidates; ++j) {
        const std::int64_t m = parameterSlice(v, k, j);
        if (m < 0 || count[m] <= 0) continue;
        w += rstd[m] * runSums[2 * (m * v.paramInner + p) + 1];
        b += runSums[2 * (m * v.paramInner + p)];
    }
    if (dweight) dweight[k] = w;
    if (dbias) dbias[k] = b;
}

// dxKernel, element e: dxValue on a valid element, 0 elsewhere; `sums` (A, B per slice) may
// be null outside the training graph.
template <class T>
NORMLAB_HD inline void dxAt(const DeviceView& v, std::int64_t e, const T* x, const T* dy,
                            const double* mean, const double* rstd, const std::int64_t* count,
                            const double* weight, bool centered, bool trainingGraph,
                            const double* sums, T* dx) {
    const Position at = positionOf(v, e);
    if (!isValid(v, e, at)) {
        dx[e] = T(0);
        return;
    }
    dx[e] = T(dxValue(double(x[e]), double(dy[e]), weight[paramOf(v, at.m, at.p)], mean[at.m],
                      rstd[at.m], double(count[at.m]), sums ? sums[2 * at.m] : 0.0,
                      sums ? sums[2 * at.m + 1] : 0.0, centered, trainingGraph));
}

// affineMapKernel, element e: mapValue on a valid element, 0 elsewhere.
template <class T>
NORMLAB_HD inline void mapAt(const DeviceView& v, MapKind kind, std::int64_t e, const T* in,
                             const double* mean, const double* perSlice, const double* weight,
                             const double* bias, T* out) {
    const Position at = positionOf(v, e);
    out[e] = isValid(v, e, at) ? T(mapValue(kind, double(in[e]), at.m, paramOf(v, at.m, at.p), mean,
                                            perSlice, weight, bias))
                               : T(0);
}

// rowTileParameterKernel, tile t and column p (rows sharing their parameters): the sums of
// dy (x - mean) rstd and dy over the tile's valid rows, into tileSums[2 (t P + p) + {0, 1}].
template <class T>
NORMLAB_HD inline void rowTileColumnSums(const DeviceView& v, std::int64_t t, std::int64_t p,
                                         const T* x, const T* dy, const double* mean,
                                         const double* rstd, double* tileSums) {
    const std::int64_t rows = v.outer * v.slices;
    const std::int64_t last = (t + 1) * kRowTile < rows ? (t + 1) * kRowTile : rows;
    double w = 0, b = 0;
    for (std::int64_t row = t * kRowTile; row < last; ++row) {
        const std::int64_t e = row * v.paramInner + p;
        const Position at = positionOf(v, e);
        if (!isValid(v, e, at)) continue;
        w += double(dy[e]) * (double(x[e]) - mean[at.m]) * rstd[at.m];
        b += double(dy[e]);
    }
    tileSums[2 * (t * v.paramInner + p)] = w;
    tileSums[2 * (t * v.paramInner + p) + 1] = b;
}

// parameterGradKernel: the sums of dy (x - mean) rstd and dy over exactly the valid
// elements that use parameter k.
template <class T, class Group>
NORMLAB_HD inline Pair parameterSums(Group& g, const DeviceView& v, std::int64_t k, const T* x,
                                     const T* dy, const double* mean, const double* rstd) {
    return g.sum([&](int lane) {
        Pair part;
        for (std::int64_t i = lane; i < parameterCandidates(v); i += g.lanes) {
            const std::int64_t e = parameterElement(v, k, i);
            if (e < 0) continue;
            const Position at = positionOf(v, e);
            if (!isValid(v, e, at)) continue;
            part.a += double(dy[e]) * (double(x[e]) - mean[at.m]) * rstd[at.m];
            part.b += double(dy[e]);
        }
        return part;
    });
}

} // namespace normlab::cuda
