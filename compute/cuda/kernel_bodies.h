// The CUDA kernels' per-element formulas and per-block work, written once for the device
// and for the host emulation (tests/tst_cuda.cpp).
//
// A block's work is a "body" run by a Group of `lanes` threads that share a slice or a
// piece of one. A Group offers
//   sum(f):   f(lane) -> Pair for each lane, added over the group; every lane gets the
//             total (collective: every lane of the group calls it, in the same order);
//   each(f):  f(lane) for the calling lane (device) or for every lane in turn (host);
//   leader(f): f() once for the group;
// The device groups (kernel_launch.cuh) add with shuffles and shared memory; HostGroup below
// runs the lanes one after another. A body is then the same code on both sides, and only
// the reductions' order of addition differs.
#pragma once

#include "launch_plan.h"

#include <cmath>
#include <cstdint>

namespace normlab::cuda {

struct Pair {
    double a = 0, b = 0;
};

NORMLAB_HD inline Pair operator+(const Pair& x, const Pair& y) {
    return {x.a + y.a, x.b + y.b};
}

// The host's Group: lanes one after another.
struct HostGroup {
    int lanes;
    template <class F> Pair sum(F f) const {
        Pair total;
        for (int lane = 0; lane < lanes; ++lane) total = total + f(lane);
        return total;
    }
    template <class F> void each(F f) const {
        for (int lane = 0; lane < lanes; ++lane) f(lane);
    }
    template <class F> void leader(F f) const { f(); }
};

// --- Statistics: (n, mean, M2 = sum of squared deviations) per slice or piece, merged with
// Chan's formula, which stays stable at large means. RMSNorm (not centred) carries
// (n, sum of squares, 0) and merges by adding.
struct Moments {
    double n, mean, m2;
};

NORMLAB_HD inline Moments mergeMoments(const Moments& a, const Moments& b, bool centered) {
    if (!centered) return {a.n + b.n, a.mean + b.mean, 0.0};
    if (b.n == 0) return a;
    if (a.n == 0) return b;
    const double n = a.n + b.n, delta = b.mean - a.mean;
    return {n, a.mean + delta * (b.n / n), a.m2 + b.m2 + delta * delta * (a.n * b.n / n)};
}

// count, mean and biased variance of slice m from its merged moments (NaN when empty).
NORMLAB_HD inline void writeSliceStats(std::int64_t m, const Moments& total, bool centered,
                                       double* mean, double* var, std::int64_t* count) {
    count[m] = std::int64_t(total.n);
    if (total.n == 0) {
        mean[m] = var[m] = NAN;
        return;
    }
    mean[m] = centered ? total.mean : 0.0;
    var[m] = centered ? total.m2 / total.n : total.mean / total.n;
}

// Slice m's pieces (partials[3 * (m * pieces + c) + {0, 1, 2}]) merged in piece order.
NORMLAB_HD inline void mergeSlicePieces(std::int64_t m, std::int64_t pieces, bool centered,
                                        const double* partials, double* mean, double* var,
                                        std::int64_t* count) {
    Moments total{0, 0, 0};
    for (std::int64_t c = 0; c < pieces; ++c) {
        const double* p = partials + 3 * (m * pieces + c);
        total = mergeMoments(total, Moments{p[0], p[1], p[2]}, centered);
    }
    writeSliceStats(m, total, centered, mean, var, count);
}

NORMLAB_HD inline void writeMoments(double* out, const Moments& mo) {
    out[0] = mo.n;
    out[1] = mo.mean;
    out[2] = mo.m2;
}

// --- Lane shares of a contiguous range. Each lane visits the range's 16-byte packs lane,
// lane + lanes, ... when `packed`, then the elements after the last whole pack the same way.
template <class T> struct alignas(16) Pack {
    static constexpr int kSize = int(16 / sizeof(T));
    T at[kSize];
};

// onPack(j) for packs j of the first n elements, onElement(i) for the rest (all n elements
// when not packed), lane `lane` of `lanes`.
template <class T, class OnPack, class OnElement>
NORMLAB_HD inline void forLaneIndices(std::int64_t n, int lane, int lanes, bool packed,
                                      OnPack onPack, OnElement onElement) {
    std::int64_t tail = 0;
    if (packed) {
        const std::int64_t packs = n / Pack<T>::kSize;
        for (std::int64_t j = lane; j < packs; j += lanes) onPack(j);
        tail = packs * Pack<T>::kSize;
    }
    for (std::int64_t i = tail + lane; i < n; i += lanes) onElement(i);
}

// forLaneIndices reading a and b (which may be the same array): onPack(j, a's pack j,
// b's pack j), onElement(i, a[i], b[i]).
template <class T, class OnPack, class OnElement>
NORMLAB_HD inline void forLaneShare(const T* a, const T* b, std::int64_t n, int lane, int lanes,
                                    bool packed, OnPack onPack, OnElement onElement) {
    forLaneIndices<T>(
        n, lane, lanes, packed,
        [&](std::int64_t j) {
            // Copies: one 16-byte load each (through a reference nvcc loads element-wise).
            const Pack<T> pa = reinterpret_cast<const Pack<T>*>(a)[j];
            const Pack<T> pb = reinterpret_cast<const Pack<T>*>(b)[j];
            onPack(j, pa, pb);
        },
        [&](std::int64_t i) { onElement(i, double(a[i]), double(b[i])); });
}

// body(i, a[i], b[i]) over lane `lane`'s share of the first n elements.
template <class T, class Body>
NORMLAB_HD inline void forLaneElements(const T* a, const T* b, std::int64_t n, int lane, int lanes,
                                       bool packed, Body body) {
    constexpr int K = Pack<T>::kSize;
    forLaneShare(
        a, b, n, lane, lanes, packed,
        [&](std::int64_t j, const Pack<T>& pa, const Pack<T>& pb) {
            for (int k = 0; k < K; ++k) body(j * K + k, double(pa.at[k]), double(pb.at[k]));
        },
        body);
}

// out[i] = T(value(i, a[i], b[i])) over lane `lane`'s share of the first n elements, written
// in packs when `packed`.
template <class T, class Value>
NORMLAB_HD inline void mapLaneElements(const T* a, const T* b, T* out, std::int64_t n, int lane,
                                       int lanes, bool packed, Value value) {
    constexpr int K = Pack<T>::kSize;
    forLaneShare(
        a, b, n, lane, lanes, packed,
        [&](std::int64_t j, const Pack<T>& pa, const Pack<T>& pb) {
            Pack<T> po;
            for (int k = 0; k < K; ++k)
                po.at[k] = T(value(j * K + k, double(pa.at[k]), double(pb.at[k])));
            reinterpret_cast<Pack<T>*>(out)[j] = po;
        },
        [&](std::int64_t i, double ai, double bi) { out[i] = T(value(i, ai, bi)); });
}

// --- Per-element formulas.
// forward: (in - mean[m]) * rstd[m] * w[k] + b[k]
// inverse: (in - b[k]) * scale[m] / w[k] + mean[m]      (scale passed as `perSlice`)
enum class MapKind { Forward, Inverse };

NORMLAB_HD inline double forwardValue(double in, double mean, double rstd, double w, double b) {
    return (in - mean) * (rstd * w) + b;
}

NORMLAB_HD inline double mapValue(MapKind kind, double in, std::int64_t m, std::int64_t k,
                                  const double* mean, const double* perSlice, const double* weight,
                                  const double* bias) {
    return kind == MapKind::Forward ? forwardValue(in, mean[m], perSlice[m], weight[k], bias[k])
                                    : (in - bias[k]) * (perSlice[m] / weight[k]) + mean[m];
}

// dx of a valid element, from the slice's sums A = sum(dy * w), B = sum(dy * w * (x - mean)):
//   training: r*dy*w - r^3 * B/n * (x - mean) - r * A/n (the last term when centered)
//   constant statistics: r*dy*w
NORMLAB_HD inline double dxValue(double x, double dy, double w, double mean, double r, double n,
                                 double A, double B, bool centered, bool trainingGraph) {
    double k0 = 0, kx = 0;
    if (trainingGraph && n > 0) {
        k0 = centered ? -r * A / n : 0.0;
        kx = -r * r * r * B / n;
    }
    return r * dy * w + kx * (x - mean) + k0;
}

// --- Contiguous slices and their pieces. A range is the positions [first, first + length)
// of contiguous slice m; `first` is a multiple of 16 elements (Pieces' alignment), so a
// packed slice's range is packed too. The slice's valid elements are its first n.
struct SliceRange {
    std::int64_t m, first, length;
};

// Piece c of slice m under `pieces` (the whole slice when pieces.count == 1).
NORMLAB_HD inline SliceRange pieceOf(const DeviceView& v, std::int64_t m, const Pieces& pieces,
                                     std::int64_t c) {
    const std::int64_t size = sliceSize(v), first = c * pieces.length;
    const std::int64_t last = first + pieces.length < size ? first + pieces.length : size;
    return {m, first, last > first ? last - first : 0};
}

// The valid positions of range r (those before the slice's valid prefix n).
NORMLAB_HD inline std::int64_t validIn(const SliceRange& r, std::int64_t n) {
    const std::int64_t valid = n - r.first;
    return valid < 0 ? 0 : (valid < r.length ? valid : r.length);
}

// Moments of the valid elements of range r of x, in two passes (the second from cache):
// pass 1 sum(x) (RMSNorm: sum(x^2)), pass 2 sum((x - mu)^2).
template <class T, class Group>
NORMLAB_HD inline Moments rangeMoments(Group& g, const DeviceView& v, const T* x,
                                       const SliceRange& r, bool centered) {
    const std::int64_t n = validIn(r, validPrefix(v, r.m));
    const bool packed = packedSlices<T>(v);
    const T* s = x + r.m * sliceSize(v) + r.first;
    const double sum =
        g.sum([&](int lane) {
             double part = 0;
             forLaneElements(s, s, n, lane, g.lanes, packed, [&](std::int64_t, double xi, double) {
                 part += centered ? xi : xi * xi;
             });
             return Pair{part, 0.0};
         }).a;
    if (n == 0) return {0, 0, 0};
    if (!centered) return {double(n), sum, 0};
    const double mu = sum / double(n);
    const double m2 =
        g.sum([&](int lane) {
             double part = 0;
             forLaneElements(s, s, n, lane, g.lanes, packed, [&](std::int64_t, double xi, double) {
                 part += (xi - mu) * (xi - mu);
             });
             return Pair{part, 0.0};
         }).a;
    return {double(n), mu, m2};
}

// y over range r: forwardValue on valid elements, 0 after the valid prefix.
template <class T, class Group>
NORMLAB_HD inline void rangeForward(Group& g, const DeviceView& v, const T* x, T* y,
                                    const SliceRange& r, double mu, double rstd,
                                    const double* weight, const double* bias) {
    const std::int64_t n = validPrefix(v, r.m), at = r.m * sliceSize(v) + r.first;
    const bool packed = packedSlices<T>(v);
    g.each([&](int lane) {
        mapLaneElements(x + at, x + at, y + at, r.length, lane, g.lanes, packed,
                        [&](std::int64_t i, double xi, double) {
                            const std::int64_t k = contiguousParam(v, r.m, r.first + i);
                            return r.first + i < n ? forwardValue(xi, mu, rstd, weight[k], bias[k])
                                                   : 0.0;
                        });
    });
}

// contiguousSliceKernel's work on slice m: its statistics, and with y the forward output
// while the slice is still in cache.
template <class T, class Group>
NORMLAB_HD inline void contiguousSliceBody(Group& g, const DeviceView& v, const T* x,
                                           std::int64_t m, bool centered, double eps,
                                           const double* weight, const double* bias, double* mean,
                                           double* var, std::int64_t* count, T* y) {
    const SliceRange whole{m, 0, sliceSize(v)};
    const Moments mo = rangeMoments(g, v, x, whole, centered);
    g.leader([&] { writeSliceStats(m, mo, centered, mean, var, count); });
    if (!y) return;
    const double mu = mo.n == 0 ? NAN : (centered ? mo.mean : 0.0);
    const double variance = mo.n == 0 ? NAN : (centered ? mo.m2 : mo.mean) / mo.n;
    rangeForward(g, v, x, y, whole, mu, 1.0 / sqrt(variance + eps), weight, bias);
}

// What dx of a contiguous slice needs: its valid prefix n, statistics, count and sums.
struct SliceBackward {
    std::int64_t n;
    double mu, r, count, A, B;
    const double* weight;
    bool centered, trainingGraph;
};

// Slice m's SliceBackward with A = B = 0 (the bodies add the sums when training).
NORMLAB_HD inline SliceBackward sliceBackwardOf(const DeviceView& v, std::int64_t m,
                                                const double* mean, const double* rstd,
                                                const std::int64_t* count, const double* weight,
                                                bool centered, bool trainingGraph) {
    return {validPrefix(v, m), mean[m],      rstd[m], double(count[m]), 0.0, 0.0, weight,
            centered,          trainingGraph};
}

// dx of element i of contiguous slice m: dxValue on the valid prefix, 0 after it.
NORMLAB_HD inline double sliceDx(const DeviceView& v, std::int64_t m, const SliceBackward& b,
                                 std::int64_t i, double xi, double gi) {
    return i < b.n ? dxValue(xi, gi, b.weight[contiguousParam(v, m, i)], b.mu, b.r, b.count, b.A,
                             b.B, b.centered, b.trainingGraph)
                   : 0.0;
}

// The backward sums (A = sum(dy * w), B = sum(dy * w * (x - mean))) over the valid
// elements of range r.
template <class T, class Group>
NORMLAB_HD inline Pair rangeBackwardSums(Group& g, const DeviceView& v, const T* x, const T* dy,
                                         const SliceRange& r, const SliceBackward& b) {
    const std::int64_t n = validIn(r, b.n), at = r.m * sliceSize(v) + r.first;
    const bool packed = packedSlices<T>(v);
    return g.sum([&](int lane) {
        Pair part;
        forLaneElements(x + at, dy + at, n, lane, g.lanes, packed,
                        [&](std::int64_t i, double xi, double gi) {
                            const double w = gi * b.weight[contiguousParam(v, r.m, r.first + i)];
                            part.a += w;
                            part.b += w * (xi - b.mu);
                        });
        return part;
    });
}

// dx over range r.
template <class T, class Group>
NORMLAB_HD inline void rangeDx(Group& g, const DeviceView& v, const T* x, const T* dy, T* dx,
                               const SliceRange& r, const SliceBackward& b) {
    const std::int64_t at = r.m * sliceSize(v) + r.first;
    const bool packed = packedSlices<T>(v);
    g.each([&](int lane) {
        mapLaneElements(x + at, dy + at, dx + at, r.length, lane, g.lanes, packed,
                        [&](std::int64_t i, double xi, double gi) {
                            return sliceDx(v, r.m, b, r.first + i, xi, gi);
                        });
    });
}

// contiguousBackwardKernel's work on slice m: A, B, then dx while x and dy are in cache.
template <class T, class Group>
NORMLAB_HD inline void
contiguousBackwardBody(Group& g, const DeviceView& v, const T* x, const T* dy, std::int64_t m,
                       const double* mean, const double* rstd, const std::int64_t* count,
                       const double* weight, bool centered, bool trainingGraph, T* dx) {
    SliceBackward b = sliceBackwardOf(v, m, mean, rstd, count, weight, centered, trainingGraph);
    const SliceRange whole{m, 0, sliceSize(v)};
    if (trainingGraph) {
        const Pair s = rangeBackwardSums(g, v, x, dy, whole, b);
        b.A = s.a;
        b.B = s.b;
    }
    rangeDx(g, v, x, dy, dx, whole, b);
}

// Slice m's A, B from its pieces' (pieceSums[2 * (m * pieces + c) + {0, 1}]), in piece
// order: sums[2 * m + {0, 1}].
NORMLAB_HD inline void mergeBackwardPieces(std::int64_t m, std::int64_t pieces,
                                           const double* pieceSums, double* sums) {
    double a = 0, b = 0;
    for (std::int64_t c = 0; c < pieces; ++c) {
        a += pieceSums[2 * (m * pieces + c)];
        b += pieceSums[2 * (m * pieces + c) + 1];
    }
    sums[2 * m] = a;
    sums[2 * m + 1] = b;
}

// --- The fused row-form backward (LaunchPlan::fusedRowTiles): a block of kBlockThreads
// lanes per tile of kRowTile rows computes each row's A, B, its dx and, in the same read of
// x and dy, the tile's dγ/dβ per column. A lane owns the same columns on every row, so it
// adds their contributions in slots and writes them once per tile. Slot indices are
// compile-time constants (unrolled loops), so on the device the slots live in registers:
//   packed rows: pack round r (pack j = lane + r * kBlockThreads), element k at slot
//     r * kSize + k (a packed row is a whole number of packs: no column after them);
//   unpacked rows: column lane + r * kBlockThreads at slot r.
struct RowSlots {
    double w[kRowSlots] = {}, b[kRowSlots] = {};
};

// Lane `lane`'s columns of a row of `size` columns: onPack(slot, j) for its packs j (their
// columns at slots slot .. slot + kSize - 1), onElement(slot, i) for its single columns.
template <class T, class OnPack, class OnElement>
NORMLAB_HD inline void forLaneSlots(std::int64_t size, int lane, bool packed, OnPack onPack,
                                    OnElement onElement) {
    constexpr int K = Pack<T>::kSize, L = kBlockThreads;
    if (packed) {
        const std::int64_t packs = size / K;
        NORMLAB_UNROLL
        for (int r = 0; r < kRowSlots / K; ++r) {
            const std::int64_t j = lane + std::int64_t(r) * L;
            if (j < packs) onPack(r * K, j);
        }
        return;
    }
    NORMLAB_UNROLL
    for (int r = 0; r < kRowSlots; ++r) {
        const std::int64_t i = lane + std::int64_t(r) * L;
        if (i < size) onElement(r, i);
    }
}

// Lane `lane`'s part of row m: dx over its columns and, for valid elements,
// dy * (x - mean) * rstd and dy added to its slots.
template <class T>
NORMLAB_HD inline void laneRowTileBackward(const DeviceView& v, std::int64_t m, const T* xs,
                                           const T* gs, T* out, int lane, bool packed,
                                           const SliceBackward& b, RowSlots& slots) {
    constexpr int K = Pack<T>::kSize;
    auto one = [&](int slot, std::int64_t i, double xi, double gi) {
        if (i < b.n) {
            slots.w[slot] += gi * (xi - b.mu) * b.r;
            slots.b[slot] += gi;
        }
        return T(sliceDx(v, m, b, i, xi, gi));
    };
    forLaneSlots<T>(
        sliceSize(v), lane, packed,
        [&](int slot, std::int64_t j) {
            const Pack<T> px = reinterpret_cast<const Pack<T>*>(xs)[j];
            const Pack<T> pg = reinterpret_cast<const Pack<T>*>(gs)[j];
            Pack<T> po;
            NORMLAB_UNROLL
            for (int k = 0; k < K; ++k)
                po.at[k] = one(slot + k, j * K + k, double(px.at[k]), double(pg.at[k]));
            reinterpret_cast<Pack<T>*>(out)[j] = po;
        },
        [&](int slot, std::int64_t i) { out[i] = one(slot, i, double(xs[i]), double(gs[i])); });
}

// rowTileBackwardKernel's work on tile t: tileSums[2 * (t * paramInner + p) + {0, 1}].
// slotsOf(lane) is the lane's RowSlots (the thread's registers on the device).
template <class T, class Group, class SlotsOf>
NORMLAB_HD inline void rowTileBackwardBody(Group& g, const DeviceView& v, const T* x, const T* dy,
                                           std::int64_t t, const double* mean, const double* rstd,
                                           const std::int64_t* count, const double* weight,
                                           bool centered, bool trainingGraph, T* dx,
                                           double* tileSums, SlotsOf slotsOf) {
    constexpr int K = Pack<T>::kSize;
    const std::int64_t size = sliceSize(v);
    const std::int64_t last = (t + 1) * kRowTile < v.slices ? (t + 1) * kRowTile : v.slices;
    const bool packed = packedSlices<T>(v);
    for (std::int64_t m = t * kRowTile; m < last; ++m) {
        SliceBackward b = sliceBackwardOf(v, m, mean, rstd, count, weight, centered, trainingGraph);
        if (trainingGraph) {
            const Pair s = rangeBackwardSums(g, v, x, dy, SliceRange{m, 0, size}, b);
            b.A = s.a;
            b.B = s.b;
        }
        g.each([&](int lane) {
            laneRowTileBackward(v, m, x + m * size, dy + m * size, dx + m * size, lane, packed, b,
                                slotsOf(lane));
        });
    }
    double* out = tileSums + 2 * t * size;
    g.each([&](int lane) {
        const RowSlots& slots = slotsOf(lane);
        auto write = [&](int slot, std::int64_t i) {
            out[2 * i] = slots.w[slot];
            out[2 * i + 1] = slots.b[slot];
        };
        forLaneSlots<T>(
            size, lane, packed,
            [&](int slot, std::int64_t j) {
                NORMLAB_UNROLL
                for (int k = 0; k < K; ++k) write(slot + k, j * K + k);
            },
            write);
    });
}

// --- dγ/dβ of rows sharing parameters from the per-tile sums, in two levels: group g's
// tiles added into its first tile (column p), then the groups' first tiles added up; with
// a single group, only the second level, over every tile.
NORMLAB_HD inline void sumTileGroup(const DeviceView& v, const Pieces& groups, std::int64_t g,
                                    std::int64_t p, double* tileSums) {
    const std::int64_t tiles = rowTiles(v), first = g * groups.length;
    const std::int64_t last = first + groups.length < tiles ? first + groups.length : tiles;
    double w = 0, b = 0;
    for (std::int64_t t = first; t < last; ++t) {
        w += tileSums[2 * (t * v.paramInner + p)];
        b += tileSums[2 * (t * v.paramInner + p) + 1];
    }
    if (first >= last) return;
    tileSums[2 * (first * v.paramInner + p)] = w;
    tileSums[2 * (first * v.paramInner + p) + 1] = b;
}

NORMLAB_HD inline void sumTileGroups(const DeviceView& v, const Pieces& groups, std::int64_t p,
                                     const double* tileSums, double* dweight, double* dbias) {
    // One group: no first level ran (the launcher skips it), so every tile is added here.
    const std::int64_t step = groups.count > 1 ? groups.length : 1;
    const std::int64_t last = groups.count > 1 ? groups.count * groups.length : rowTiles(v);
    double w = 0, b = 0;
    for (std::int64_t t = 0; t < last; t += step) {
        w += tileSums[2 * (t * v.paramInner + p)];
        b += tileSums[2 * (t * v.paramInner + p) + 1];
    }
    if (dweight) dweight[p] = w;
    if (dbias) dbias[p] = b;
}

} // namespace normlab::cuda
