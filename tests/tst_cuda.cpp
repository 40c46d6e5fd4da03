// The CUDA backend against the CPU backend (the oracle) on every variant, float32 and
// float64, training and eval, unmasked / lengths (with empty and one-element samples) / a
// random mask, odd sizes (1, 3, 1025), data with a large mean, and every result: output,
// statistics, running statistics, gradients, inverse, log-determinant. Without a CUDA
// device that comparison is skipped with the reason (ctest -L gpu selects this file).
//
// Everywhere, with or without a GPU, the same comparison runs on a host emulation of the
// CUDA kernels: the launches the launchers make under a LaunchPlan (launch_plan.h), the
// kernels' per-block bodies (kernel_bodies.h, general_bodies.h) run lane after lane by a
// HostGroup, and the index arithmetic (device_index.h, dividers included), once with the
// general kernels, once each with a warp and a block per contiguous slice, and once exactly
// as planned for a 132-multiprocessor device (checked to reach every decision of the
// plan), so a wrong index, formula or launch decision fails here and only the kernels'
// reductions across threads wait for a device. The no-device error itself is tested
// wherever there is no device.
#include "general_bodies.h"

#include "normlab/cuda_availability.h"
#include "normlab/normalize.h"

#include "random_tensor.h"

#include <QtTest>

#include <array>
#include <cmath>
#include <functional>
#include <random>
#include <type_traits>
#include <vector>

using namespace normlab;

namespace {

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

// The CUDA kernels run serially on the host: each launch the launchers make under a
// LaunchPlan, every kernel's per-block or per-thread body (kernel_bodies.h,
// general_bodies.h) run by a HostGroup (lanes one after another) or in a loop over the
// threads; nothing of a kernel's arithmetic is written here. The mode
// chooses the plan:
//   General: the general kernels everywhere, in small pieces (at least 7 elements, up to
//     64 blocks) so that merging many pieces is exercised on small shapes;
//   Warp, Block: whole contiguous slices with 32 or 256 lanes whatever their size, the
//     fused row backward wherever its slots allow;
//   Planned: exactly launchPlan's decisions for a 132-multiprocessor device (H100 SXM):
//     lanes by size, the fused backward on rows of 1025 to 2048 columns, long slices cut
//     into pieces by bytes, tile sums in groups.
enum class Mode { General, Warp, Block, Planned };
constexpr int kMultiprocessors = 132;

class HostEmulatedCuda final : public Backend {
  public:
    explicit HostEmulatedCuda(Mode mode)
        : mode_(mode) {}

    // f(x as float or double, the view with the host's mask and lengths): f's result.
    template <class F> static auto dispatch(const KernelView& view, const void* x, F&& f) {
        const cuda::DeviceView v =
            cuda::deviceViewOf(view, view.validity.mask, view.validity.lengths);
        if (view.dtype == DType::Float64) return f(static_cast<const double*>(x), v);
        return f(static_cast<const float*>(x), v);
    }

    // Which of the plan's decisions the calls so far have taken.
    struct Seen {
        bool warpLanes = false, blockLanes = false, slicePieces = false, fusedRows = false,
             tileGroups = false, generalPieces = false, runPieces = false;
    };
    const Seen& seen() const { return seen_; }

    template <class T> cuda::LaunchPlan planFor(const cuda::DeviceView& v) const {
        cuda::LaunchPlan plan = cuda::launchPlan<T>(v, kMultiprocessors);
        if (mode_ == Mode::Planned) {
            const bool whole = plan.contiguous && plan.stats.count == 1;
            seen_.warpLanes |= whole && plan.lanes == 32;
            seen_.blockLanes |= whole && plan.lanes == cuda::kBlockThreads;
            seen_.slicePieces |= plan.contiguous && plan.stats.count > 1;
            seen_.fusedRows |= plan.fusedRowTiles;
            seen_.tileGroups |= cuda::sharedRowParameters(v) && plan.tileGroups.count > 1;
            seen_.generalPieces |= !plan.contiguous && plan.stats.count > 1;
            seen_.runPieces |= v.span > 1 && plan.runs.count > 1;
            return plan;
        }
        const std::int64_t size = cuda::sliceSize(v);
        if (mode_ == Mode::General) {
            plan.contiguous = false;
            plan.fusedRowTiles = false;
            plan.stats = cuda::piecesFor(v.slices, size, 64, 7);
        } else {
            plan.lanes = mode_ == Mode::Warp ? 32 : cuda::kBlockThreads;
            plan.stats = {1, size};
            plan.fusedRowTiles =
                plan.contiguous && plan.lanes == cuda::kBlockThreads &&
                cuda::sharedRowParameters(v) &&
                cuda::rowSlotsNeeded<T>(v, cuda::packedSlices<T>(v)) <= cuda::kRowSlots;
        }
        plan.runs = cuda::piecesFor(v.slices, v.outer * v.span, 64, 7);
        const std::int64_t columnBlocks =
            (v.paramInner + cuda::kBlockThreads - 1) / cuda::kBlockThreads;
        plan.tileGroups = cuda::piecesFor(columnBlocks, cuda::rowTiles(v), 64, 2);
        return plan;
    }

    BackendKind kind() const override { return BackendKind::Cuda; }
    std::string unavailableReason() const override { return {}; }
    int parallelism() const override { return 1; }

    void sliceStats(const KernelView& view, const void* x, bool centered, double* mean, double* var,
                    std::int64_t* count) override {
        dispatch(view, x, [&](auto* xs, const cuda::DeviceView& v) {
            using T = std::remove_const_t<std::remove_pointer_t<decltype(xs)>>;
            const cuda::LaunchPlan plan = planFor<T>(v);
            if (plan.contiguous && plan.stats.count == 1) { // contiguousSliceKernel
                cuda::HostGroup g{plan.lanes};
                for (std::int64_t m = 0; m < v.slices; ++m)
                    cuda::contiguousSliceBody(g, v, xs, m, centered, 0.0, nullptr, nullptr, mean,
                                              var, count, static_cast<T*>(nullptr));
                return;
            }
            const cuda::Pieces pieces = plan.stats;
            std::vector<double> partials(std::size_t(3 * v.slices * pieces.count));
            for (std::int64_t m = 0; m < v.slices; ++m)
                for (std::int64_t c = 0; c < pieces.count; ++c) {
                    double* out = partials.data() + 3 * (m * pieces.count + c);
                    if (plan.contiguous) { // contiguousPieceStatsKernel
                        cuda::HostGroup g{cuda::kBlockThreads};
                        cuda::writeMoments(
                            out,
                            cuda::rangeMoments(g, v, xs, cuda::pieceOf(v, m, pieces, c), centered));
                    } else { // slicePieceKernel
                        cuda::HostGroup g{cuda::kBlockThreads};
                        cuda::writeMoments(
                            out, cuda::generalPieceMoments(g, v, xs, m, pieces, c, centered));
                    }
                }
            for (std::int64_t m = 0; m < v.slices; ++m) // mergePiecesKernel
                cuda::mergeSlicePieces(m, pieces.count, centered, partials.data(), mean, var,
                                       count);
        });
    }
    void forward(const KernelView& view, const void* x, const double* mean, const double* rstd,
                 const double* weight, const double* bias, void* y) override {
        map(view, cuda::MapKind::Forward, x, mean, rstd, weight, bias, y);
    }
    void forwardWithBatchStats(const KernelView& view, const void* x, bool centered, double eps,
                               const double* weight, const double* bias, double* mean, double* var,
                               std::int64_t* count, void* y) override {
        dispatch(view, x, [&](auto* xs, const cuda::DeviceView& v) {
            using T = std::remove_const_t<std::remove_pointer_t<decltype(xs)>>;
            const cuda::LaunchPlan plan = planFor<T>(v);
            if (plan.contiguous && plan.stats.count == 1) { // contiguousSliceKernel with y
                cuda::HostGroup g{plan.lanes};
                for (std::int64_t m = 0; m < v.slices; ++m)
                    cuda::contiguousSliceBody(g, v, xs, m, centered, eps, weight, bias, mean, var,
                                              count, static_cast<T*>(y));
                return;
            }
            sliceStats(view, x, centered, mean, var, count);
            std::vector<double> rstd(std::size_t(v.slices));
            for (std::size_t m = 0; m < rstd.size(); ++m) rstd[m] = 1.0 / std::sqrt(var[m] + eps);
            if (!plan.contiguous) {
                forward(view, x, mean, rstd.data(), weight, bias, y);
                return;
            }
            cuda::HostGroup g{cuda::kBlockThreads}; // contiguousPieceForwardKernel
            for (std::int64_t m = 0; m < v.slices; ++m)
                for (std::int64_t c = 0; c < plan.stats.count; ++c)
                    cuda::rangeForward(g, v, xs, static_cast<T*>(y),
                                       cuda::pieceOf(v, m, plan.stats, c), mean[m],
                                       rstd[std::size_t(m)], weight, bias);
        });
    }
    void backward(const KernelView& view, const void* x, const void* dy, const double* mean,
                  const double* rstd, const std::int64_t* count, const double* weight,
                  bool centered, bool trainingGraph, void* dx, double* dweight,
                  double* dbias) override {
        dispatch(view, x, [&](auto* xs, const cuda::DeviceView& v) {
            using T = std::remove_const_t<std::remove_pointer_t<decltype(xs)>>;
            const cuda::LaunchPlan plan = planFor<T>(v);
            const T* gs = static_cast<const T*>(dy);
            T* out = static_cast<T*>(dx);
            const bool wantParams = dweight || dbias;
            std::vector<double> sums(std::size_t(2 * v.slices), 0.0);
            if (v.span > 1) {
                runFormBackward(v, plan, xs, gs, mean, rstd, count, weight, centered, trainingGraph,
                                out, dweight, dbias);
                return;
            }
            std::vector<double> tiles(std::size_t(2 * cuda::rowTiles(v) * v.paramInner), 0.0);
            if (wantParams && plan.fusedRowTiles) { // rowTileBackwardKernel
                cuda::HostGroup g{cuda::kBlockThreads};
                for (std::int64_t t = 0; t < cuda::rowTiles(v); ++t) {
                    std::vector<cuda::RowSlots> laneSlots(
                        cuda::kBlockThreads); // not `slots`: a Qt macro
                    cuda::rowTileBackwardBody(g, v, xs, gs, t, mean, rstd, count, weight, centered,
                                              trainingGraph, out, tiles.data(),
                                              [&](int lane) -> cuda::RowSlots& {
                                                  return laneSlots.at(std::size_t(lane));
                                              });
                }
                reduceTiles(v, plan, tiles, dweight, dbias);
                return;
            }
            if (plan.contiguous && plan.stats.count == 1) { // contiguousBackwardKernel
                cuda::HostGroup g{plan.lanes};
                for (std::int64_t m = 0; m < v.slices; ++m)
                    cuda::contiguousBackwardBody(g, v, xs, gs, m, mean, rstd, count, weight,
                                                 centered, trainingGraph, out);
            } else if (plan.contiguous) { // pieces: sums, merge, dx
                cuda::HostGroup g{cuda::kBlockThreads};
                const cuda::Pieces pieces = plan.stats;
                if (trainingGraph) {
                    std::vector<double> pieceSums(std::size_t(2 * v.slices * pieces.count));
                    for (std::int64_t m = 0; m < v.slices; ++m)
                        for (std::int64_t c = 0; c < pieces.count; ++c) {
                            const cuda::SliceBackward b = cuda::sliceBackwardOf(
                                v, m, mean, rstd, count, weight, centered, true);
                            const cuda::Pair s = cuda::rangeBackwardSums(
                                g, v, xs, gs, cuda::pieceOf(v, m, pieces, c), b);
                            pieceSums[std::size_t(2 * (m * pieces.count + c))] = s.a;
                            pieceSums[std::size_t(2 * (m * pieces.count + c) + 1)] = s.b;
                        }
                    for (std::int64_t m = 0; m < v.slices; ++m)
                        cuda::mergeBackwardPieces(m, pieces.count, pieceSums.data(), sums.data());
                }
                for (std::int64_t m = 0; m < v.slices; ++m)
                    for (std::int64_t c = 0; c < pieces.count; ++c) {
                        cuda::SliceBackward b = cuda::sliceBackwardOf(
                            v, m, mean, rstd, count, weight, centered, trainingGraph);
                        if (trainingGraph) {
                            b.A = sums[std::size_t(2 * m)];
                            b.B = sums[std::size_t(2 * m + 1)];
                        }
                        cuda::rangeDx(g, v, xs, gs, out, cuda::pieceOf(v, m, pieces, c), b);
                    }
            } else { // backwardSumsKernel, dxKernel
                cuda::HostGroup g{cuda::kBlockThreads};
                for (std::int64_t m = 0; trainingGraph && m < v.slices; ++m) {
                    const cuda::Pair ab = cuda::generalBackwardSums(g, v, xs, gs, m, mean, weight);
                    sums[std::size_t(2 * m)] = ab.a;
                    sums[std::size_t(2 * m + 1)] = ab.b;
                }
                for (std::int64_t e = 0; e < cuda::elementsOf(v); ++e)
                    cuda::dxAt(v, e, xs, gs, mean, rstd, count, weight, centered, trainingGraph,
                               sums.data(), out);
            }
            if (!wantParams) return;
            if (cuda::sharedRowParameters(v)) { // rowTileParameterKernel, then the tile sums
                for (std::int64_t t = 0; t < cuda::rowTiles(v); ++t)
                    for (std::int64_t p = 0; p < v.paramInner; ++p)
                        cuda::rowTileColumnSums(v, t, p, xs, gs, mean, rstd, tiles.data());
                reduceTiles(v, plan, tiles, dweight, dbias);
                return;
            }
            cuda::HostGroup g{cuda::kBlockThreads};
            for (std::int64_t k = 0; k < v.paramMod * v.paramInner; ++k) { // parameterGradKernel
                const cuda::Pair s = cuda::parameterSums(g, v, k, xs, gs, mean, rstd);
                if (dweight) dweight[k] = s.a;
                if (dbias) dbias[k] = s.b;
            }
        });
    }
    void inverse(const KernelView& view, const void* y, const double* mean, const double* scale,
                 const double* weight, const double* bias, void* x) override {
        map(view, cuda::MapKind::Inverse, y, mean, scale, weight, bias, x);
    }

  private:
    // tileGroupKernel (when there are several groups), then tileReduceKernel.
    static void reduceTiles(const cuda::DeviceView& v, const cuda::LaunchPlan& plan,
                            std::vector<double>& tiles, double* dweight, double* dbias) {
        for (std::int64_t g = 0; plan.tileGroups.count > 1 && g < plan.tileGroups.count; ++g)
            for (std::int64_t p = 0; p < v.paramInner; ++p)
                cuda::sumTileGroup(v, plan.tileGroups, g, p, tiles.data());
        for (std::int64_t p = 0; p < v.paramInner; ++p)
            cuda::sumTileGroups(v, plan.tileGroups, p, tiles.data(), dweight, dbias);
    }

    // Run form: runSumsKernel per piece, mergeRunPiecesKernel, sliceSumsFromRunsKernel,
    // dxKernel, runParameterGradKernel.
    template <class T>
    static void runFormBackward(const cuda::DeviceView& v, const cuda::LaunchPlan& plan,
                                const T* xs, const T* gs, const double* mean, const double* rstd,
                                const std::int64_t* count, const double* weight, bool centered,
                                bool trainingGraph, T* out, double* dweight, double* dbias) {
        std::vector<double> sums(std::size_t(2 * v.slices), 0.0);
        std::vector<double> runs(std::size_t(2 * v.slices * v.paramInner));
        const cuda::Pieces pieces = plan.runs;
        std::vector<double> pieceSums(std::size_t(2 * v.slices * pieces.count * v.paramInner));
        cuda::HostGroup g{cuda::kBlockThreads};
        for (std::int64_t m = 0; m < v.slices; ++m) // runSumsKernel
            for (std::int64_t c = 0; c < pieces.count; ++c)
                for (std::int64_t p = 0; p < v.paramInner; ++p) {
                    const cuda::Pair s = cuda::runPieceSums(g, v, xs, gs, mean, m, p, pieces, c);
                    const std::size_t at =
                        std::size_t(2 * ((m * pieces.count + c) * v.paramInner + p));
                    pieceSums[at] = s.a;
                    pieceSums[at + 1] = s.b;
                }
        for (std::int64_t mp = 0; mp < v.slices * v.paramInner; ++mp) // mergeRunPiecesKernel
            cuda::mergeRunPieces(v, mp, pieces.count, pieceSums.data(), runs.data());
        for (std::int64_t m = 0; trainingGraph && m < v.slices; ++m) // sliceSumsFromRunsKernel
            cuda::sliceSumsFromRuns(v, m, weight, runs.data(), sums.data());
        for (std::int64_t e = 0; e < cuda::elementsOf(v); ++e) // dxKernel
            cuda::dxAt(v, e, xs, gs, mean, rstd, count, weight, centered, trainingGraph,
                       sums.data(), out);
        for (std::int64_t k = 0; (dweight || dbias) && k < v.paramMod * v.paramInner; ++k)
            cuda::runParameterGrad(v, k, rstd, count, runs.data(), dweight, dbias);
    }

    void map(const KernelView& view, cuda::MapKind kind, const void* in, const double* mean,
             const double* perSlice, const double* weight, const double* bias, void* out) {
        dispatch(view, in, [&](auto* xs, const cuda::DeviceView& v) {
            using T = std::remove_const_t<std::remove_pointer_t<decltype(xs)>>;
            for (std::int64_t e = 0; e < view.layout.elements(); ++e) // affineMapKernel
                cuda::mapAt(v, kind, e, xs, mean, perSlice, weight, bias, static_cast<T*>(out));
        });
    }

    Mode mode_;
    mutable Seen seen_;
};

// Every configuration of the header comment on `backend` against the CPU backend.
void compareWithCpu(Backend& backend) {
    std::mt19937_64 rng(11);
    // Besides small odd shapes: rows of 2048 (the fused row backward on 16-byte packs, as
    // planned), 1800 rows of 4 (tile sums in groups), and slices of 20000 (cut into pieces
    // by bytes as planned, with a valid prefix ending inside a piece).
    const Shape shapes[] = {{1, 3, 1025}, {4, 6, 7, 5}, {3, 2, 3, 1, 2}, {5, 4},
                            {3, 2, 44},   {2, 3, 2048}, {600, 3, 4},     {3, 1, 20000}};
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
                            in.input = randomTensor(shape, rng, mean, 1.0, type);
                            in.gradOutput = randomTensor(shape, rng, 0.0, 1.0, type);
                            if (masking == 1) { // lengths with an empty and a one-element sample
                                in.lengths = Tensor::uninitialized({shape[0]}, DType::Int64);
                                for (std::int64_t n = 0; n < shape[0]; ++n)
                                    in.lengths.data<std::int64_t>()[n] =
                                        n == 0 ? shape.back()
                                               : (n == 1 ? 0 : 1 + n * 26693 % shape.back());
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
    QTest::addColumn<int>("mode");
    QTest::newRow("general kernels, statistics in pieces") << int(Mode::General);
    QTest::newRow("contiguous slices, a warp each") << int(Mode::Warp);
    QTest::newRow("contiguous slices, a block each") << int(Mode::Block);
    QTest::newRow("as planned for 132 multiprocessors") << int(Mode::Planned);
}

void CudaTest::theKernelsArithmeticMatchesCpuOnTheHost() {
    QFETCH(int, mode);
    HostEmulatedCuda emulated{Mode(mode)};
    compareWithCpu(emulated);
    if (Mode(mode) != Mode::Planned) return;
    // The test shapes reach every decision the plan makes for a real device (slices of at
    // most 1024 elements get a warp, longer ones a block; slices of 20000 are cut into
    // pieces; rows of 1025 and 2048 take the fused backward; 1800 rows sum their tiles in
    // groups; BatchNorm over [3, 1, 20000] cuts its one slice and its runs into pieces).
    const HostEmulatedCuda::Seen& seen = emulated.seen();
    QVERIFY(seen.warpLanes);
    QVERIFY(seen.blockLanes);
    QVERIFY(seen.slicePieces);
    QVERIFY(seen.fusedRows);
    QVERIFY(seen.tileGroups);
    QVERIFY(seen.generalPieces);
    QVERIFY(seen.runPieces);
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
    // The kernels' index arithmetic (device_index.h) against `/`. 32 bits: every divisor up
    // to 4096 and powers of two and their neighbours up to 2^31 - 1, with numerators at the
    // edges (0, 1, multiples of d and their neighbours, 2^31 - 1) and random ones. 64 bits:
    // the same divisors and powers of two and neighbours up to 2^63 - 1 and random ones,
    // with numerators up to 2^63 - 1.
    std::mt19937_64 rng(3);
    const auto check = [&](int bits, std::int64_t checksWanted) {
        const std::uint64_t top = (std::uint64_t(1) << (bits - 1)) - 1;
        std::vector<std::uint64_t> divisors;
        for (std::uint64_t d = 1; d <= 4096; ++d) divisors.push_back(d);
        for (int b = 12; b < bits; ++b)
            for (std::uint64_t d :
                 {(std::uint64_t(1) << b) - 1, std::uint64_t(1) << b, (std::uint64_t(1) << b) + 1})
                if (d <= top) divisors.push_back(d);
        for (int i = 0; i < 2000; ++i) divisors.push_back(1 + rng() % top);
        std::int64_t checked = 0;
        for (std::uint64_t d : divisors) {
            const cuda::Divider f = cuda::dividerFor(std::int64_t(d));
            std::vector<std::uint64_t> numerators{0, 1, top, top - 1, d - 1, d, d + 1};
            for (std::uint64_t k : {2, 3, 1000, 65537})
                for (int delta : {-1, 0, 1}) numerators.push_back(k * d + std::uint64_t(delta));
            for (int i = 0; i < 200; ++i) numerators.push_back(rng() % (top + 1));
            for (std::uint64_t n : numerators) {
                if (n > top) continue; // also k * d wrapped past 2^64: any n <= top is fine
                const std::uint64_t q =
                    bits == 32 ? cuda::divide32(f, std::uint32_t(n)) : cuda::divide64(f, n);
                if (q != n / d)
                    QFAIL(qPrintable(
                        QStringLiteral("%1 bits: %2 / %3: %4").arg(bits).arg(n).arg(d).arg(q)));
                ++checked;
            }
        }
        QVERIFY(checked > checksWanted);
    };
    check(32, 1000000);
    check(64, 400000);
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
