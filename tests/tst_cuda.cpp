// The CUDA backend against the CPU backend (the oracle) on every variant, float32 and
// float64, training and eval, unmasked / lengths (with empty and one-element samples) / a
// random mask, odd sizes (1, 3, 1025), data with a large mean, and every result: output,
// statistics, running statistics, gradients, inverse, log-determinant. Without a CUDA
// device that comparison is skipped with the reason (ctest -L gpu selects this file).
//
// Everywhere, with or without a GPU, the same comparison runs on a host emulation of the
// CUDA kernels: serial loops over the very index arithmetic (32-bit dividers included),
// pieces, Chan merge, per-lane shares of contiguous slices (16-byte packs and their tails)
// and per-element formulas the kernels use (compute/cuda/device_view.h), once with the
// general kernels and once each with a warp and a block per contiguous slice, so a wrong
// index or formula fails here and only the kernels' thread loops and reductions wait for a
// device. The no-device error itself is tested wherever there is no device.
#include "device_view.h"

#include "normlab/cuda_availability.h"
#include "normlab/normalize.h"

#include <QtTest>

#include <array>
#include <cmath>
#include <functional>
#include <random>
#include <type_traits>
#include <vector>

using namespace normlab;

namespace {

Tensor randomTensor(const Shape& shape, DType type, std::mt19937_64& rng, double mean,
                    double spread) {
    std::normal_distribution<double> normal(mean, spread);
    Tensor t = Tensor::uninitialized(shape, DType::Float64);
    for (std::int64_t i = 0; i < t.size(); ++i) t.data<double>()[i] = normal(rng);
    return t.castTo(type);
}

NormSpec specFor(Variant v, const Shape& shape, DType type) {
    NormSpec s = NormSpec::defaultsFor(v);
    s.dtype = type;
    const std::int64_t C = shape[1];
    const std::int64_t groups = C % 3 == 0 ? 3 : (C % 2 == 0 ? 2 : 1);
    switch (v) {
    case Variant::BatchNorm:
        s.numFeatures = C;
        break;
    case Variant::InstanceNorm: // with affine and running statistics, to exercise both
        s.numFeatures = C;
        s.affine = true;
        s.trackRunningStats = true;
        break;
    case Variant::LayerNorm:
    case Variant::RmsNorm:
        s.normalizedShape = {shape.back()};
        break;
    case Variant::GroupNorm:
    case Variant::BatchChannelNorm:
        s.numFeatures = C;
        s.numGroups = groups;
        break;
    case Variant::Custom:
        s.reduceAxes = {1, 2};
        s.numGroups = groups;
        break;
    }
    return s;
}

// |a - b| <= tol * (1 + |b|) elementwise, NaN only where both are NaN.
QString difference(const char* name, const Tensor& cuda, const Tensor& cpu, double tol) {
    if (cuda.isNull() != cpu.isNull())
        return QStringLiteral("%1: only one backend set it").arg(name);
    if (cpu.isNull()) return {};
    if (cuda.shape() != cpu.shape()) return QStringLiteral("%1: shapes differ").arg(name);
    for (std::int64_t i = 0; i < cpu.size(); ++i) {
        const double a = cuda.at(i), b = cpu.at(i);
        if (std::isnan(a) && std::isnan(b)) continue;
        if (!(std::fabs(a - b) <= tol * (1 + std::fabs(b))))
            return QStringLiteral("%1[%2]: cuda %3, cpu %4")
                .arg(name)
                .arg(i)
                .arg(a, 0, 'g', 17)
                .arg(b, 0, 'g', 17);
    }
    return {};
}

// The CUDA kernels run serially on the host: each kernel's per-thread work over all threads
// in turn, and its reductions as plain float64 sums. `contiguousLanes` 0 takes the general
// kernels everywhere (statistics in pieces); 32 or 256 takes the contiguous-slice kernels
// wherever the device would (contiguousSlices), with that many lanes a slice, so both the
// warp and the block split of a slice are checked on these small shapes.
class HostEmulatedCuda final : public Backend {
  public:
    explicit HostEmulatedCuda(int contiguousLanes)
        : lanes_(contiguousLanes) {}

    // f(x as float or double, the view with the host's mask and lengths): f's result.
    template <class F> static auto dispatch(const KernelView& view, const void* x, F&& f) {
        const cuda::DeviceView v =
            cuda::deviceViewOf(view, view.validity.mask, view.validity.lengths);
        if (view.dtype == DType::Float64) return f(static_cast<const double*>(x), v);
        return f(static_cast<const float*>(x), v);
    }

    BackendKind kind() const override { return BackendKind::Cuda; }
    std::string unavailableReason() const override { return {}; }
    int parallelism() const override { return 1; }

    void sliceStats(const KernelView& view, const void* x, bool centered, double* mean, double* var,
                    std::int64_t* count) override {
        dispatch(view, x, [&](auto* xs, const cuda::DeviceView& v) {
            if (contiguous(v)) {
                for (std::int64_t m = 0; m < v.slices; ++m) {
                    const Stats st = contiguousStats(v, xs, m, centered);
                    count[m] = st.n;
                    mean[m] = st.mean;
                    var[m] = st.var;
                }
                return;
            }
            // Small pieces (at least 7 elements, up to 64 blocks), so that the merge of
            // many pieces is exercised on these small test shapes.
            const std::int64_t chunks = cuda::statsChunks(v, 64, 7);
            const std::int64_t size = cuda::statsChunkSize(v, chunks);
            for (std::int64_t m = 0; m < v.slices; ++m) {
                cuda::Moments total{0, 0, 0};
                double squares = 0;
                for (std::int64_t c = 0; c < chunks; ++c) {
                    const std::int64_t first = c * size;
                    const std::int64_t last = std::min(first + size, cuda::sliceSize(v));
                    double n = 0, sum = 0;
                    for (std::int64_t i = first; i < last; ++i) {
                        const std::int64_t e = cuda::sliceElement(v, m, i);
                        if (!cuda::isValid(v, e, cuda::positionOf(v, e))) continue;
                        n += 1;
                        sum += centered ? double(xs[e]) : double(xs[e]) * double(xs[e]);
                    }
                    if (!centered || n == 0) {
                        total.n += centered ? 0 : n;
                        squares += sum;
                        continue;
                    }
                    const double mu = sum / n;
                    double m2 = 0;
                    for (std::int64_t i = first; i < last; ++i) {
                        const std::int64_t e = cuda::sliceElement(v, m, i);
                        if (!cuda::isValid(v, e, cuda::positionOf(v, e))) continue;
                        m2 += (double(xs[e]) - mu) * (double(xs[e]) - mu);
                    }
                    total = cuda::chanMerge(total, cuda::Moments{n, mu, m2});
                }
                count[m] = std::int64_t(total.n);
                if (total.n == 0) {
                    mean[m] = var[m] = NAN;
                    continue;
                }
                mean[m] = centered ? total.mean : 0.0;
                var[m] = centered ? total.m2 / total.n : squares / total.n;
            }
        });
    }
    void forward(const KernelView& view, const void* x, const double* mean, const double* rstd,
                 const double* weight, const double* bias, void* y) override {
        map(view, cuda::MapKind::Forward, x, mean, rstd, weight, bias, y);
    }
    void forwardWithBatchStats(const KernelView& view, const void* x, bool centered, double eps,
                               const double* weight, const double* bias, double* mean, double* var,
                               std::int64_t* count, void* y) override {
        const bool fused = dispatch(view, x, [&](auto* xs, const cuda::DeviceView& v) {
            using T = std::remove_const_t<std::remove_pointer_t<decltype(xs)>>;
            if (!contiguous(v)) return false;
            const std::int64_t size = cuda::sliceSize(v);
            for (std::int64_t m = 0; m < v.slices; ++m) { // contiguousSliceKernel with y
                const Stats st = contiguousStats(v, xs, m, centered);
                count[m] = st.n;
                mean[m] = st.mean;
                var[m] = st.var;
                const double r = 1.0 / std::sqrt(st.var + eps);
                for (int lane = 0; lane < lanes_; ++lane)
                    cuda::laneForward(v, m, xs + m * size, static_cast<T*>(y) + m * size, st.n,
                                      lane, lanes_, cuda::packedSlices<T>(v), st.mean, r, weight,
                                      bias);
            }
            return true;
        });
        if (fused) return;
        sliceStats(view, x, centered, mean, var, count);
        std::vector<double> rstd(std::size_t(view.layout.slices));
        for (std::size_t m = 0; m < rstd.size(); ++m) rstd[m] = 1.0 / std::sqrt(var[m] + eps);
        forward(view, x, mean, rstd.data(), weight, bias, y);
    }
    void backward(const KernelView& view, const void* x, const void* dy, const double* mean,
                  const double* rstd, const std::int64_t* count, const double* weight,
                  bool centered, bool trainingGraph, void* dx, double* dweight,
                  double* dbias) override {
        dispatch(view, x, [&](auto* xs, const cuda::DeviceView& v) {
            using T = std::remove_const_t<std::remove_pointer_t<decltype(xs)>>;
            const T* gs = static_cast<const T*>(dy);
            T* out = static_cast<T*>(dx);
            std::vector<double> sums(std::size_t(2 * v.slices), 0.0);
            if (v.span > 1) { // run form: per-(slice, run) sums in pieces, as the kernels
                std::vector<double> runs(std::size_t(2 * v.slices * v.paramInner), 0.0);
                const std::int64_t length = v.outer * v.span;
                const std::int64_t chunks = cuda::runChunks(v, 64, 7);
                const std::int64_t size = cuda::pieceSize(length, chunks);
                for (std::int64_t m = 0; m < v.slices; ++m)
                    for (std::int64_t p = 0; p < v.paramInner; ++p)
                        for (std::int64_t c = 0; c < chunks; ++c) {
                            double s1 = 0, s2 = 0;
                            for (std::int64_t i = c * size; i < std::min(length, (c + 1) * size);
                                 ++i) {
                                const std::int64_t e = cuda::runElement(v, m, p, i);
                                if (!cuda::isValid(v, e, cuda::positionOf(v, e))) continue;
                                s1 += double(gs[e]);
                                s2 += double(gs[e]) * (double(xs[e]) - mean[m]);
                            }
                            runs[std::size_t(2 * (m * v.paramInner + p))] += s1;
                            runs[std::size_t(2 * (m * v.paramInner + p) + 1)] += s2;
                        }
                for (std::int64_t m = 0; m < v.slices; ++m)
                    for (std::int64_t p = 0; p < v.paramInner; ++p) {
                        const double w = weight[cuda::paramOf(v, m, p)];
                        sums[std::size_t(2 * m)] +=
                            w * runs[std::size_t(2 * (m * v.paramInner + p))];
                        sums[std::size_t(2 * m + 1)] +=
                            w * runs[std::size_t(2 * (m * v.paramInner + p) + 1)];
                    }
                writeDx(v, xs, gs, mean, rstd, count, weight, centered, trainingGraph, sums, out,
                        view.layout.elements());
                for (std::int64_t k = 0; k < v.paramMod * v.paramInner; ++k) {
                    double w = 0, b = 0;
                    for (std::int64_t j = 0; j < cuda::parameterSliceCandidates(v); ++j) {
                        const std::int64_t m = cuda::parameterSlice(v, k, j);
                        if (m < 0 || count[m] <= 0) continue;
                        const std::size_t at =
                            std::size_t(2 * (m * v.paramInner + k % v.paramInner));
                        w += rstd[m] * runs[at + 1];
                        b += runs[at];
                    }
                    if (dweight) dweight[k] = w;
                    if (dbias) dbias[k] = b;
                }
                return;
            }
            const std::int64_t size = cuda::sliceSize(v);
            const bool packed = cuda::packedSlices<T>(v);
            // Slice m's SliceBackward with A, B: each lane's share, added over `lanes` lanes.
            auto sliceBackward = [&](std::int64_t m, int lanes) {
                cuda::SliceBackward b =
                    cuda::sliceBackwardOf(v, m, mean, rstd, count, weight, centered, trainingGraph);
                if (trainingGraph)
                    for (int lane = 0; lane < lanes; ++lane) {
                        double a = 0, c = 0;
                        cuda::laneBackwardSums(v, m, xs + m * size, gs + m * size, b.n, lane, lanes,
                                               packed, b.mu, weight, a, c);
                        b.A += a;
                        b.B += c;
                    }
                return b;
            };
            const std::int64_t tileCount = cuda::rowTiles(v);
            std::vector<double> tiles(std::size_t(2 * tileCount * v.paramInner), 0.0);
            const bool fused = contiguous(v) && (dweight || dbias) && cuda::fusedRowTiles<T>(v);
            if (fused) { // rowTileBackwardKernel: dx and the tiles' dγ/dβ in one read
                constexpr int lanes = cuda::kRowTileLanes;
                for (std::int64_t t = 0; t < tileCount; ++t) {
                    std::vector<std::array<double, cuda::kRowSlots>> slotW(lanes), slotB(lanes);
                    for (std::int64_t m = t * cuda::kRowTile;
                         m < std::min(v.slices, (t + 1) * cuda::kRowTile); ++m) {
                        const cuda::SliceBackward b = sliceBackward(m, lanes);
                        for (int lane = 0; lane < lanes; ++lane)
                            cuda::laneRowTileBackward(
                                v, m, xs + m * size, gs + m * size, out + m * size, lane, packed, b,
                                slotW[std::size_t(lane)].data(), slotB[std::size_t(lane)].data());
                    }
                    for (int lane = 0; lane < lanes; ++lane)
                        cuda::writeLaneTileSums<T>(v, lane, packed, slotW[std::size_t(lane)].data(),
                                                   slotB[std::size_t(lane)].data(),
                                                   tiles.data() + 2 * t * size);
                }
            } else if (contiguous(v)) { // contiguousBackwardKernel: A, B and dx per slice
                for (std::int64_t m = 0; m < v.slices; ++m) {
                    const cuda::SliceBackward b = sliceBackward(m, lanes_);
                    for (int lane = 0; lane < lanes_; ++lane)
                        cuda::laneBackwardDx(v, m, xs + m * size, gs + m * size, out + m * size,
                                             lane, lanes_, packed, b);
                }
            } else {
                if (trainingGraph)
                    for (std::int64_t m = 0; m < v.slices; ++m)
                        for (std::int64_t i = 0; i < cuda::sliceSize(v); ++i) {
                            const std::int64_t e = cuda::sliceElement(v, m, i);
                            const cuda::Position at = cuda::positionOf(v, e);
                            if (!cuda::isValid(v, e, at)) continue;
                            const double g = double(gs[e]) * weight[cuda::paramOf(v, m, at.p)];
                            sums[std::size_t(2 * m)] += g;
                            sums[std::size_t(2 * m + 1)] += g * (double(xs[e]) - mean[m]);
                        }
                writeDx(v, xs, gs, mean, rstd, count, weight, centered, trainingGraph, sums, out,
                        view.layout.elements());
            }
            if (cuda::sharedRowParameters(v)) { // per tile of rows, then over tiles
                const std::int64_t rows = v.outer * v.slices;
                for (std::int64_t t = 0; t < (fused ? 0 : tileCount); ++t)
                    for (std::int64_t p = 0; p < v.paramInner; ++p)
                        for (std::int64_t row = t * cuda::kRowTile;
                             row < std::min(rows, (t + 1) * cuda::kRowTile); ++row) {
                            const std::int64_t e = row * v.paramInner + p;
                            const cuda::Position at = cuda::positionOf(v, e);
                            if (!cuda::isValid(v, e, at)) continue;
                            const std::size_t i = std::size_t(2 * (t * v.paramInner + p));
                            tiles[i] += double(gs[e]) * (double(xs[e]) - mean[at.m]) * rstd[at.m];
                            tiles[i + 1] += double(gs[e]);
                        }
                for (std::int64_t p = 0; p < v.paramInner; ++p) {
                    double w = 0, b = 0;
                    for (std::int64_t t = 0; t < cuda::rowTiles(v); ++t) {
                        w += tiles[std::size_t(2 * (t * v.paramInner + p))];
                        b += tiles[std::size_t(2 * (t * v.paramInner + p) + 1)];
                    }
                    if (dweight) dweight[p] = w;
                    if (dbias) dbias[p] = b;
                }
                return;
            }
            for (std::int64_t k = 0; k < v.paramMod * v.paramInner; ++k) {
                double w = 0, b = 0;
                for (std::int64_t i = 0; i < cuda::parameterCandidates(v); ++i) {
                    const std::int64_t e = cuda::parameterElement(v, k, i);
                    if (e < 0) continue;
                    const cuda::Position at = cuda::positionOf(v, e);
                    if (!cuda::isValid(v, e, at)) continue;
                    w += double(gs[e]) * (double(xs[e]) - mean[at.m]) * rstd[at.m];
                    b += double(gs[e]);
                }
                if (dweight) dweight[k] = w;
                if (dbias) dbias[k] = b;
            }
        });
    }
    void inverse(const KernelView& view, const void* y, const double* mean, const double* scale,
                 const double* weight, const double* bias, void* x) override {
        map(view, cuda::MapKind::Inverse, y, mean, scale, weight, bias, x);
    }

  private:
    bool contiguous(const cuda::DeviceView& v) const {
        return lanes_ > 0 && cuda::contiguousSlices(v);
    }

    struct Stats {
        std::int64_t n;
        double mean, var;
    };
    // contiguousSliceKernel's statistics of slice m: each lane's share of the two passes,
    // added over the lanes.
    template <class T>
    Stats contiguousStats(const cuda::DeviceView& v, const T* xs, std::int64_t m,
                          bool centered) const {
        const std::int64_t n = cuda::validPrefix(v, m);
        const bool packed = cuda::packedSlices<T>(v);
        const T* s = xs + m * cuda::sliceSize(v);
        double sum = 0, squares = 0;
        for (int lane = 0; lane < lanes_; ++lane)
            sum += cuda::laneFirstPass(s, n, lane, lanes_, packed, centered);
        if (n == 0) return {0, NAN, NAN};
        const double mu = centered ? sum / double(n) : 0.0;
        if (!centered) return {n, 0.0, sum / double(n)};
        for (int lane = 0; lane < lanes_; ++lane)
            squares += cuda::laneSecondPass(s, n, lane, lanes_, packed, mu);
        return {n, mu, squares / double(n)};
    }

    // The dx kernel's per-element work over every element in turn.
    template <class T>
    static void writeDx(const cuda::DeviceView& v, const T* xs, const T* gs, const double* mean,
                        const double* rstd, const std::int64_t* count, const double* weight,
                        bool centered, bool trainingGraph, const std::vector<double>& sums, T* out,
                        std::int64_t elements) {
        for (std::int64_t e = 0; e < elements; ++e) {
            const cuda::Position at = cuda::positionOf(v, e);
            if (!cuda::isValid(v, e, at)) {
                out[e] = T(0);
                continue;
            }
            out[e] = T(cuda::dxValue(double(xs[e]), double(gs[e]),
                                     weight[cuda::paramOf(v, at.m, at.p)], mean[at.m], rstd[at.m],
                                     double(count[at.m]), sums[std::size_t(2 * at.m)],
                                     sums[std::size_t(2 * at.m + 1)], centered, trainingGraph));
        }
    }

    void map(const KernelView& view, cuda::MapKind kind, const void* in, const double* mean,
             const double* perSlice, const double* weight, const double* bias, void* out) {
        dispatch(view, in, [&](auto* xs, const cuda::DeviceView& v) {
            using T = std::remove_const_t<std::remove_pointer_t<decltype(xs)>>;
            T* o = static_cast<T*>(out);
            for (std::int64_t e = 0; e < view.layout.elements(); ++e) {
                const cuda::Position at = cuda::positionOf(v, e);
                o[e] =
                    cuda::isValid(v, e, at)
                        ? T(cuda::mapValue(kind, double(xs[e]), at.m, cuda::paramOf(v, at.m, at.p),
                                           mean, perSlice, weight, bias))
                        : T(0);
            }
        });
    }

    int lanes_;
};

// Every configuration of the header comment on `backend` against the CPU backend.
void compareWithCpu(Backend& backend) {
    std::mt19937_64 rng(11);
    const Shape shapes[] = {{1, 3, 1025}, {4, 6, 7, 5}, {3, 2, 3, 1, 2}, {5, 4}, {3, 2, 44}};
    int compared = 0;
    for (Variant v : kAllVariants)
        for (const Shape& shape : shapes)
            for (DType type : {DType::Float32, DType::Float64})
                for (bool training : {true, false})
                    for (int masking = 0; masking < 3; ++masking)
                        for (double mean : {0.0, 1e4}) {
                            NormSpec spec = specFor(v, shape, type);
                            spec.training = training;
                            NormInputs in;
                            in.input = randomTensor(shape, type, rng, mean, 1.0);
                            in.gradOutput = randomTensor(shape, type, rng, 0.0, 1.0);
                            if (masking == 1) { // lengths with an empty and a one-element sample
                                in.lengths = Tensor::uninitialized({shape[0]}, DType::Int64);
                                for (std::int64_t n = 0; n < shape[0]; ++n)
                                    in.lengths.data<std::int64_t>()[n] =
                                        n == 0 ? shape.back() : (n == 1 ? 0 : 1 + n % shape.back());
                            } else if (masking == 2) {
                                in.mask = Tensor::uninitialized(shape, DType::UInt8);
                                for (std::int64_t i = 0; i < in.mask.size(); ++i)
                                    in.mask.data<std::uint8_t>()[i] = (rng() % 4) != 0;
                            }
                            const NormResult a = normalize(spec, in, backend);
                            const NormResult b = normalize(spec, in, cpuBackend());
                            const QString what =
                                QStringLiteral("%1 %2 %3 %4 masking %5 mean %6")
                                    .arg(QString::fromStdString(std::string(variantName(v))),
                                         QString::fromStdString(shapeToString(shape)),
                                         QString::fromStdString(std::string(dtypeName(type))),
                                         training ? "train" : "eval")
                                    .arg(masking)
                                    .arg(mean);
                            QVERIFY2(a.error == b.error,
                                     qPrintable(what + ": " + QString::fromStdString(a.error) +
                                                " vs " + QString::fromStdString(b.error)));
                            if (!b.ok()) continue;
                            // float64: sums in another order; float32: outputs rounded from
                            // float64 results that differ by as much.
                            const double tol = type == DType::Float64 ? 1e-9 : 2e-6;
                            // Statistics are kept in the input's dtype: float32 ones may round
                            // to neighbouring floats from float64 values 1e-16 apart.
                            const double statTol = type == DType::Float64 ? 1e-9 : 3e-7;
                            // Batch-Channel Norm's estimate mode on data of mean 1e4 normalises
                            // with running estimates near 1e3 (x - mean ~ 9e3): its dγ is
                            // ill-conditioned. Measured on the CPU backend alone: scaling x by
                            // 1 + 1e-15 moves dγ by 0.16%, so summation order may move it ~1%.
                            const bool illConditioned =
                                v == Variant::BatchChannelNorm && mean > 0 && spec.estimate;
                            const double gradTol = illConditioned           ? 1e-1
                                                   : type == DType::Float64 ? 1e-7
                                                                            : 1e-4;
                            for (const QString& d :
                                 {difference("output", a.output, b.output, tol),
                                  difference("mean", a.mean, b.mean, statTol),
                                  difference("var", a.var, b.var, statTol),
                                  difference("count", a.count, b.count, 0),
                                  difference("channelMean", a.channelMean, b.channelMean, statTol),
                                  difference("channelVar", a.channelVar, b.channelVar, statTol),
                                  difference("runningMean", a.runningMean, b.runningMean, statTol),
                                  difference("runningVar", a.runningVar, b.runningVar, statTol),
                                  difference("gradInput", a.gradInput, b.gradInput, gradTol),
                                  difference("gradWeight", a.gradWeight, b.gradWeight, gradTol),
                                  difference("gradBias", a.gradBias, b.gradBias, gradTol),
                                  difference("gradChannelWeight", a.gradChannelWeight,
                                             b.gradChannelWeight, gradTol),
                                  difference("gradChannelBias", a.gradChannelBias,
                                             b.gradChannelBias, gradTol),
                                  difference("reconstruction", a.reconstruction, b.reconstruction,
                                             gradTol),
                                  difference("logdet", a.logdet, b.logdet, statTol)})
                                QVERIFY2(d.isEmpty(), qPrintable(what + ": " + d));
                            ++compared;
                        }
    QVERIFY2(compared > 300, qPrintable(QString::number(compared)));
    qInfo("%d configurations agree", compared);
}

} // namespace

class CudaTest : public QObject {
    Q_OBJECT
  private slots:
    void cudaMatchesCpuEverywhere();
    void theKernelsArithmeticMatchesCpuOnTheHost_data();
    void theKernelsArithmeticMatchesCpuOnTheHost();
    void withoutADeviceTheReasonNamesCuda();
    void fastDivisionIsIntegerDivision();
    void unavailableReasonsSayWhy();
    void outOfMemoryLeavesTheNextCallUnharmed();
};

void CudaTest::cudaMatchesCpuEverywhere() {
    std::string why;
    Backend* cuda = cudaBackend(&why);
    if (!cuda) QSKIP(qPrintable(QString::fromStdString(why)));
    compareWithCpu(*cuda);
}

void CudaTest::theKernelsArithmeticMatchesCpuOnTheHost_data() {
    QTest::addColumn<int>("contiguousLanes");
    QTest::newRow("general kernels, statistics in pieces") << 0;
    QTest::newRow("contiguous slices, a warp each") << 32;
    QTest::newRow("contiguous slices, a block each") << 256;
}

void CudaTest::theKernelsArithmeticMatchesCpuOnTheHost() {
    QFETCH(int, contiguousLanes);
    HostEmulatedCuda emulated(contiguousLanes);
    compareWithCpu(emulated);
}

void CudaTest::withoutADeviceTheReasonNamesCuda() {
    std::string why;
    if (cudaBackend(&why)) QSKIP("a CUDA device is present: the no-device path is not reachable");
    const QString reason = QString::fromStdString(why);
    QVERIFY2(reason.contains("CUDA"), qPrintable(reason));
    QVERIFY2(reason.contains("no CUDA device") || reason.contains("not compiled in") ||
                 reason.contains("driver"),
             qPrintable(reason));
    // A device that cannot be used is refused with a reason, and changes nothing.
    std::string moved;
    QVERIFY(!selectCudaDevice(7, &moved));
    QVERIFY(!moved.empty());
    std::string reset;
    QVERIFY(!resetCudaBackend(&reset));
    QCOMPARE(QString::fromStdString(reset), reason);
    // Asking by kind (as the CLI and the GUI do) gives the same refusal and reason.
    std::string byKind;
    QVERIFY(backendFor(BackendKind::Cuda, &byKind) == nullptr);
    QCOMPARE(QString::fromStdString(byKind), reason);
}

void CudaTest::fastDivisionIsIntegerDivision() {
    // The kernels' 32-bit index arithmetic (device_view.h) against `/`: every divisor up to
    // 4096 and powers of two and their neighbours up to 2^31 - 1, with numerators at the
    // edges (0, 1, multiples of d and their neighbours, 2^31 - 1) and random ones.
    std::mt19937_64 rng(3);
    std::vector<std::int64_t> divisors;
    for (std::int64_t d = 1; d <= 4096; ++d) divisors.push_back(d);
    for (int b = 12; b <= 31; ++b)
        for (std::int64_t d :
             {(std::int64_t(1) << b) - 1, std::int64_t(1) << b, (std::int64_t(1) << b) + 1})
            if (d < (std::int64_t(1) << 31)) divisors.push_back(d);
    for (int i = 0; i < 2000; ++i) divisors.push_back(1 + std::int64_t(rng() % 0x7fffffffu));
    const std::int64_t top = (std::int64_t(1) << 31) - 1;
    std::int64_t checked = 0;
    for (std::int64_t d : divisors) {
        const cuda::FastDivider f = cuda::fastDivider(d);
        std::vector<std::int64_t> numerators{0, 1, top, top - 1, d - 1, d, d + 1};
        for (std::int64_t k : {2, 3, 1000, 65537})
            for (std::int64_t delta : {-1, 0, 1}) numerators.push_back(k * d + delta);
        for (int i = 0; i < 200; ++i) numerators.push_back(std::int64_t(rng() % (top + 1)));
        for (std::int64_t n : numerators) {
            if (n < 0 || n > top) continue;
            const std::int64_t q = cuda::divide(f, std::uint32_t(n));
            if (q != n / d) QFAIL(qPrintable(QStringLiteral("%1 / %2: %3").arg(n).arg(d).arg(q)));
            ++checked;
        }
    }
    QVERIFY(checked > 1000000);
}

void CudaTest::unavailableReasonsSayWhy() {
    // The wording of each way the backend can be unavailable, from what the runtime reports.
    CudaProbe p;
    p.runtimeVersion = 13000;
    p.driverMissing = true;
    QVERIFY(QString::fromStdString(cudaUnavailableReason(p)).contains("no NVIDIA driver"));
    p = {};
    p.runtimeVersion = 13000;
    p.driverVersion = 12040;
    p.driverTooOld = true;
    const QString old = QString::fromStdString(cudaUnavailableReason(p));
    QVERIFY2(old.contains("driver is too old") && old.contains("12.4") && old.contains("13.0"),
             qPrintable(old));
    QVERIFY(!old.contains("no CUDA device"));
    p = {};
    p.devices = 0;
    QVERIFY(QString::fromStdString(cudaUnavailableReason(p)).contains("no CUDA device found"));
    p.devices = 2;
    p.device = 2;
    QVERIFY(QString::fromStdString(cudaUnavailableReason(p))
                .contains("no CUDA device 2 (devices 0 to 1)"));
    p.device = 1;
    p.name = "Tesla V100";
    p.major = 7;
    p.minor = 0;
    p.builtArchitectures = "80 90";
    const QString arch = QString::fromStdString(cudaUnavailableReason(p));
    QVERIFY2(arch.contains("compute capability 7.0") && arch.contains("80 90") &&
                 arch.contains("-DCMAKE_CUDA_ARCHITECTURES=70"),
             qPrintable(arch));
    p.kernelImageLoads = true;
    QVERIFY(cudaUnavailableReason(p).empty());
    p.multiprocessors = 80;
    QCOMPARE(QString::fromStdString(cudaDeviceDescription(p)),
             QString("cuda:1 Tesla V100 (compute capability 7.0, 80 multiprocessors)"));
}

void CudaTest::outOfMemoryLeavesTheNextCallUnharmed() {
    // A failed cudaMalloc sets the runtime's last error; the backend clears it where it
    // happens, so the next call (small enough) succeeds and agrees with the CPU.
    std::string why;
    Backend* cuda = cudaBackend(&why);
    if (!cuda) QSKIP(qPrintable(QString::fromStdString(why)));
    NormSpec spec = NormSpec::defaultsFor(Variant::LayerNorm);
    spec.normalizedShape = {256};
    NormInputs big;
    big.input = Tensor::filled({4096, 256}, DType::Float32, 1.5); // 4 MiB: over the limit
    setCudaAllocationLimitForTesting(std::size_t(1) << 20);
    const NormResult failed = normalize(spec, big, *cuda, RunOptions{false});
    setCudaAllocationLimitForTesting(0);
    QVERIFY(!failed.ok());
    QVERIFY2(QString::fromStdString(failed.error).contains("cudaMalloc"), failed.error.c_str());
    NormInputs small;
    small.input = Tensor::fromValues({2, 256}, DType::Float32, std::vector<double>(512, 0.25));
    for (int i = 0; i < 256; ++i) small.input.set(i, double(i % 7));
    const NormResult ok = normalize(spec, small, *cuda, RunOptions{false});
    QVERIFY2(ok.ok(), ok.error.c_str());
    const NormResult cpu = normalize(spec, small, cpuBackend(), RunOptions{false});
    for (std::int64_t i = 0; i < 512; ++i)
        QVERIFY(std::fabs(ok.output.at(i) - cpu.output.at(i)) < 1e-5);
    QVERIFY(cuda->unavailableReason().empty()); // out of memory is not a broken context
}

QTEST_GUILESS_MAIN(CudaTest)
#include "tst_cuda.moc"
