// Closed-form checks of the numerical contract (docs/spec.md): stable variance at large means,
// running-statistics rules, RMSNorm's eps, the inverse and its re-estimating twin,
// empty/degenerate slices, and cross-variant identities.
#include "normlab/low_precision.h"
#include "normlab/normalize.h"
#include "normlab/precision_lab.h"
#include "normlab/running_simulation.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace normlab;

namespace {

Tensor values(const Shape& shape, DType type, const std::function<double(std::int64_t)>& f) {
    Tensor t = Tensor::uninitialized(shape, type);
    for (std::int64_t i = 0; i < t.size(); ++i) t.set(i, f(i));
    return t;
}

NormSpec specOf(Variant v, DType type = DType::Float32) {
    NormSpec s = NormSpec::defaultsFor(v);
    s.dtype = type;
    return s;
}

bool hasCode(const NormResult& r, FindingCode code) {
    for (const auto& d : r.diagnostics)
        if (d.code == code) return true;
    return false;
}

} // namespace

class NumericsTest : public QObject {
    Q_OBJECT
  private slots:
    void sixteenBitFormatsRoundAsTheHardwareDoes();
    void thePrecisionLabShowsWhere16BitFormatsFail();
    void varianceIsStableAtLargeMean_data();
    void varianceIsStableAtLargeMean();
    void runningVarUsesUnbiasedVariance();
    void momentumNoneIsCumulativeAverage();
    void instanceNormMomentumNoneKeepsRunningStats();
    void rmsNormEpsNullIsMachineEpsilon_data();
    void rmsNormEpsNullIsMachineEpsilon();
    void storedInverseIsExactReestimatedIsNot();
    void emptyAndSingleElementSlices();
    void float32OverflowOfSquaredDeviationsIsSaid();
    void paddingValuesNeverReachTheResult_data();
    void paddingValuesNeverReachTheResult();
    void customMatchesBuiltIns();
    void resultsDoNotDependOnThreadSplit();
    void skippingTheOutputChangesNothingElse();
    void reconstructionErrorInPlaceEqualsTheCopy();
    void simulatedRunningStatsConvergeAndCancel();
    void precisionLabSeparatesTheAlgorithms();
};

void NumericsTest::varianceIsStableAtLargeMean_data() {
    QTest::addColumn<int>("variant");
    QTest::newRow("batch_norm") << int(Variant::BatchNorm);
    QTest::newRow("instance_norm") << int(Variant::InstanceNorm);
    QTest::newRow("layer_norm") << int(Variant::LayerNorm);
    QTest::newRow("group_norm") << int(Variant::GroupNorm);
}

void NumericsTest::varianceIsStableAtLargeMean() {
    // Values 1e4 + {-1.5, -0.5, 0.5, 1.5} are exact in float32; every slice has mean 1e4
    // and variance exactly 1.25 (spread/mean = 1e-4).
    QFETCH(int, variant);
    NormSpec spec = specOf(Variant(variant));
    spec.normalizedShape = {8};
    spec.numGroups = 2;
    NormInputs in;
    const double pattern[4] = {-1.5, -0.5, 0.5, 1.5};
    in.input =
        values({4, 4, 8}, DType::Float32, [&](std::int64_t i) { return 1e4 + pattern[i % 4]; });
    const NormResult r = normalize(spec, in, cpuBackend());
    QVERIFY2(r.ok(), r.error.c_str());
    for (std::int64_t i = 0; i < r.var.size(); ++i) {
        QCOMPARE(r.mean.at(i), 1e4);
        QCOMPARE(r.var.at(i), 1.25);
    }
    // The naive single-pass formula in float32 on the same data is far off: proof that
    // this data tells the algorithms apart.
    float sum = 0, sumSquares = 0;
    for (int i = 0; i < 32; ++i) {
        const float x = float(1e4 + pattern[i % 4]);
        sum += x;
        sumSquares += x * x;
    }
    const float naive = sumSquares / 32 - (sum / 32) * (sum / 32);
    QVERIFY(std::fabs(naive - 1.25f) > 0.5f);
}

void NumericsTest::runningVarUsesUnbiasedVariance() {
    // momentum 1: running stats become the batch stats; running_var = var * n / (n - 1).
    NormSpec spec = specOf(Variant::BatchNorm, DType::Float64);
    spec.momentum = 1.0;
    NormInputs in;
    in.input =
        values({2, 1, 2}, DType::Float64, [](std::int64_t i) { return double(i); }); // 0 1 2 3
    const NormResult r = normalize(spec, in, cpuBackend());
    QVERIFY(r.ok());
    QCOMPARE(r.var.at(0), 1.25);                // biased: normalisation
    QCOMPARE(r.runningVar.at(0), 1.25 * 4 / 3); // unbiased: running buffer
    QCOMPARE(r.runningMean.at(0), 1.5);
    QCOMPARE(r.numBatchesTracked, std::int64_t(1));
}

void NumericsTest::momentumNoneIsCumulativeAverage() {
    NormSpec spec = specOf(Variant::BatchNorm, DType::Float64);
    spec.momentum = std::nullopt;
    NormInputs in;
    Tensor runningMean = Tensor::filled({1}, DType::Float64, 123.0); // forgotten after step 1
    Tensor runningVar = Tensor::filled({1}, DType::Float64, 7.0);
    double sumMeans = 0;
    for (int step = 0; step < 5; ++step) {
        in.input = values({4, 1}, DType::Float64,
                          [&](std::int64_t i) { return step * 10.0 + double(i * i); });
        in.runningMean = runningMean;
        in.runningVar = runningVar;
        in.numBatchesTracked = step;
        const NormResult r = normalize(spec, in, cpuBackend());
        QVERIFY(r.ok());
        sumMeans += r.mean.at(0);
        runningMean = r.runningMean;
        runningVar = r.runningVar;
        QCOMPARE(r.numBatchesTracked, std::int64_t(step + 1));
        QVERIFY(std::fabs(runningMean.at(0) - sumMeans / (step + 1)) < 1e-12);
    }
    // Every batch is {0, 1, 4, 9} shifted by 10 * step: squared deviations from the mean
    // sum to 49, so each unbiased variance is 49/3, and so is their cumulative average.
    QVERIFY(std::fabs(runningVar.at(0) - 49.0 / 3.0) < 1e-12);
}

// PyTorch 2.x's InstanceNorm passes `momentum if momentum is not None else 0.0` to
// F.instance_norm: a tracked, training InstanceNorm with momentum=None runs and leaves its
// running statistics as they were (1.13 raised a TypeError; the contract follows 2.x).
void NumericsTest::instanceNormMomentumNoneKeepsRunningStats() {
    NormSpec spec = specOf(Variant::InstanceNorm, DType::Float64);
    spec.momentum = std::nullopt;
    spec.trackRunningStats = true;
    NormInputs in;
    in.input = values({2, 3, 5}, DType::Float64, [](std::int64_t i) { return double(i % 7); });
    in.runningMean = values({3}, DType::Float64, [](std::int64_t c) { return 1.5 + double(c); });
    in.runningVar = values({3}, DType::Float64, [](std::int64_t c) { return 2.5 + double(c); });
    const NormResult r = normalize(spec, in, cpuBackend());
    QVERIFY2(r.ok(), r.error.c_str());
    for (int c = 0; c < 3; ++c) {
        QCOMPARE(r.runningMean.at(c), 1.5 + c);
        QCOMPARE(r.runningVar.at(c), 2.5 + c);
    }
    // Training normalises with each instance's own statistics all the same.
    QVERIFY(std::fabs(r.mean.at(0) - (0 + 1 + 2 + 3 + 4) / 5.0) < 1e-12);
}

void NumericsTest::rmsNormEpsNullIsMachineEpsilon_data() {
    QTest::addColumn<int>("dtype");
    QTest::addColumn<double>("eps");
    QTest::newRow("float32") << int(DType::Float32) << 1.1920928955078125e-07;
    QTest::newRow("float64") << int(DType::Float64) << 2.220446049250313e-16;
}

void NumericsTest::rmsNormEpsNullIsMachineEpsilon() {
    QFETCH(int, dtype);
    QFETCH(double, eps);
    NormSpec spec = specOf(Variant::RmsNorm, DType(dtype));
    QVERIFY(!spec.eps.has_value());
    spec.normalizedShape = {4};
    NormInputs in;
    in.input = values({1, 4}, DType(dtype), [](std::int64_t) { return 1e-4; });
    const NormResult r = normalize(spec, in, cpuBackend());
    QVERIFY(r.ok());
    const double x = DType(dtype) == DType::Float32 ? double(float(1e-4)) : 1e-4;
    const double expected = x / std::sqrt(x * x + eps); // eps inside the square root
    QVERIFY2(std::fabs(r.output.at(0) - expected) <= 1e-6 * expected,
             qPrintable(QString("%1 vs %2").arg(r.output.at(0)).arg(expected)));
}

void NumericsTest::storedInverseIsExactReestimatedIsNot() {
    NormSpec spec = specOf(Variant::BatchNorm, DType::Float64);
    NormInputs in;
    std::mt19937_64 rng(3);
    std::normal_distribution<double> normal(3.0, 2.0);
    in.input = values({8, 3, 5}, DType::Float64, [&](std::int64_t) { return normal(rng); });
    in.weight = values({3}, DType::Float64, [](std::int64_t c) { return 0.5 + double(c); });
    in.bias = values({3}, DType::Float64, [](std::int64_t c) { return -1.0 + double(c); });
    const NormResult r = normalize(spec, in, cpuBackend());
    QVERIFY(r.ok());
    QVERIFY(r.maxReconstructionError < 1e-12);
    const Tensor wrong = invertReestimating(spec, in, r.output, cpuBackend());
    double worst = 0;
    for (std::int64_t i = 0; i < wrong.size(); ++i)
        worst = std::max(worst, std::fabs(wrong.at(i) - in.input.at(i)));
    QVERIFY2(worst > 1.0, qPrintable(QString::number(worst)));
    // logdet (BatchNorm, RealNVP form): every sample sums the same per-element terms.
    double expected = 0;
    for (int c = 0; c < 3; ++c)
        expected += 5 * (std::log(0.5 + c) - 0.5 * std::log(r.var.at(c) + 1e-5));
    for (int n = 0; n < 8; ++n) QVERIFY(std::fabs(r.logdet.at(n) - expected) < 1e-12);
}

// [3e38, -3e38, 1, 2]: mean 0.75 (closed form), Σ(x − μ)² ≈ 1.8e77, far beyond float32's
// 3.4028235e38. The float64 statistics stay finite and so do the outputs (±√2 for the two
// large values, √(n/Σ...) closed form), but the float32 variance is stored as inf: said by a
// warning. The same data in float64, and data at 1e18 in float32, get no such warning.
void NumericsTest::float32OverflowOfSquaredDeviationsIsSaid() {
    NormSpec spec = specOf(Variant::LayerNorm);
    spec.normalizedShape = {4};
    NormInputs in;
    const double big[4] = {3e38, -3e38, 1.0, 2.0};
    in.input = values({1, 1, 4}, DType::Float32, [&](std::int64_t i) { return big[i]; });
    const NormResult r = normalize(spec, in, cpuBackend());
    QVERIFY2(r.ok(), r.error.c_str());
    QVERIFY(hasCode(r, FindingCode::Float32Overflow));
    QCOMPARE(r.mean.at(0), 0.75);
    QVERIFY(std::isinf(r.var.at(0)));
    QVERIFY(std::abs(r.output.at(0) - std::sqrt(2.0)) < 1e-6);
    QVERIFY(std::abs(r.output.at(1) + std::sqrt(2.0)) < 1e-6);

    spec.dtype = DType::Float64;
    in.input = values({1, 1, 4}, DType::Float64, [&](std::int64_t i) { return big[i]; });
    QVERIFY(!hasCode(normalize(spec, in, cpuBackend()), FindingCode::Float32Overflow));
    spec.dtype = DType::Float32;
    in.input = values({1, 1, 4}, DType::Float32, [&](std::int64_t i) { return big[i] / 3e20; });
    QVERIFY(!hasCode(normalize(spec, in, cpuBackend()), FindingCode::Float32Overflow));
}

void NumericsTest::emptyAndSingleElementSlices() {
    NormSpec spec = specOf(Variant::InstanceNorm, DType::Float64);
    spec.affine = true;
    NormInputs in;
    in.input =
        values({3, 2, 4}, DType::Float64, [](std::int64_t i) { return double(i % 7) - 2.0; });
    in.bias = values({2}, DType::Float64, [](std::int64_t c) { return 10.0 + double(c); });
    in.lengths = values({3}, DType::Int64, [](std::int64_t n) {
        return double(std::array<int, 3>{4, 0, 1}[std::size_t(n)]);
    });
    in.gradOutput = values({3, 2, 4}, DType::Float64, [](std::int64_t) { return 1.0; });
    const NormResult r = normalize(spec, in, cpuBackend());
    QVERIFY2(r.ok(), r.error.c_str());
    QVERIFY(hasCode(r, FindingCode::EmptySlice));
    QVERIFY(hasCode(r, FindingCode::DegenerateSlice));
    for (int c = 0; c < 2; ++c) {
        QVERIFY(std::isnan(r.mean.at(1 * 2 + c)) && std::isnan(r.var.at(1 * 2 + c)));
        QCOMPARE(r.count.at(1 * 2 + c), 0.0);
        QCOMPARE(r.count.at(2 * 2 + c), 1.0);
        for (int l = 0; l < 4; ++l) {
            QCOMPARE(r.output.at((1 * 2 + c) * 4 + l), 0.0); // empty: zeros
            QCOMPARE(r.gradInput.at((1 * 2 + c) * 4 + l), 0.0);
        }
        QCOMPARE(r.output.at((2 * 2 + c) * 4 + 0), 10.0 + c); // one element: the bias
        QCOMPARE(r.output.at((2 * 2 + c) * 4 + 1), 0.0);      // padding: zero
    }
}

void NumericsTest::paddingValuesNeverReachTheResult_data() {
    QTest::addColumn<int>("variant");
    QTest::addColumn<bool>("fullMask");
    for (Variant v : {Variant::BatchNorm, Variant::InstanceNorm, Variant::LayerNorm,
                      Variant::GroupNorm, Variant::RmsNorm})
        for (bool fullMask : {false, true})
            QTest::addRow("%s %s", std::string(variantName(v)).c_str(),
                          fullMask ? "mask" : "lengths")
                << int(v) << fullMask;
}

void NumericsTest::paddingValuesNeverReachTheResult() {
    // Masked-out elements hold NaN, Inf and 1e30 in x and dy instead of 0: every result must
    // be bit-for-bit the same. Rows of 53 elements exercise the kernels' 8-lane bodies, a
    // half step and the scalar tails.
    QFETCH(int, variant);
    QFETCH(bool, fullMask);
    NormSpec spec = specOf(Variant(variant));
    spec.affine = true;
    if (spec.variant == Variant::LayerNorm || spec.variant == Variant::RmsNorm)
        spec.normalizedShape = {53};
    if (spec.variant == Variant::GroupNorm) spec.numGroups = 2;
    const Shape shape{3, 4, 53};
    const std::array<int, 3> length{53, 17, 40};
    std::mt19937_64 rng(17);
    std::normal_distribution<double> normal(0.5, 2.0);
    std::bernoulli_distribution keep(0.7);
    Tensor mask = values(shape, DType::Bool, [&](std::int64_t i) {
        return fullMask ? double(keep(rng)) : double(i % 53 < length[std::size_t(i / (4 * 53))]);
    });
    const Tensor x = values(shape, DType::Float32, [&](std::int64_t) { return normal(rng); });
    const Tensor dy = values(shape, DType::Float32, [&](std::int64_t) { return normal(rng); });
    const int features =
        spec.variant == Variant::LayerNorm || spec.variant == Variant::RmsNorm ? 53 : 4;
    auto run = [&](double padding) {
        NormInputs in;
        auto padded = [&](const Tensor& t) {
            return values(shape, DType::Float32,
                          [&](std::int64_t i) { return mask.at(i) != 0 ? t.at(i) : padding; });
        };
        in.input = padded(x);
        in.gradOutput = padded(dy);
        in.weight = values({features}, DType::Float32,
                           [](std::int64_t k) { return 0.5 + 0.1 * double(k % 5); });
        if (fullMask)
            in.mask = mask;
        else
            in.lengths = values({3}, DType::Int64,
                                [&](std::int64_t n) { return double(length[std::size_t(n)]); });
        return normalize(spec, in, cpuBackend());
    };
    const NormResult clean = run(0.0);
    QVERIFY2(clean.ok(), clean.error.c_str());
    for (double padding : {std::numeric_limits<double>::quiet_NaN(),
                           std::numeric_limits<double>::infinity(), 1e30}) {
        const NormResult dirty = run(padding);
        QVERIFY2(dirty.ok(), dirty.error.c_str());
        auto same = [](const Tensor& a, const Tensor& b) {
            if (a.size() != b.size()) return false;
            for (std::int64_t i = 0; i < a.size(); ++i)
                if (!(a.at(i) == b.at(i) || (std::isnan(a.at(i)) && std::isnan(b.at(i)))))
                    return false;
            return true;
        };
        QVERIFY(same(clean.mean, dirty.mean));
        QVERIFY(same(clean.var, dirty.var));
        QVERIFY(same(clean.output, dirty.output));
        QVERIFY(same(clean.gradInput, dirty.gradInput));
        QVERIFY(same(clean.gradWeight, dirty.gradWeight));
        QVERIFY(same(clean.gradBias, dirty.gradBias));
    }
    // Not vacuous: the statistics are finite and some outputs are non-zero.
    for (std::int64_t i = 0; i < clean.var.size(); ++i) QVERIFY(std::isfinite(clean.var.at(i)));
    QVERIFY(clean.output.at(0) != 0.0);
}

void NumericsTest::customMatchesBuiltIns() {
    std::mt19937_64 rng(5);
    std::normal_distribution<double> normal(1.0, 2.0);
    NormInputs in;
    in.input = values({2, 4, 3, 5}, DType::Float64, [&](std::int64_t) { return normal(rng); });
    in.gradOutput = values({2, 4, 3, 5}, DType::Float64, [&](std::int64_t) { return normal(rng); });
    struct Pair {
        NormSpec builtIn;
        std::vector<int> axes;
        std::optional<std::int64_t> groups;
    };
    NormSpec bn = specOf(Variant::BatchNorm, DType::Float64);
    bn.trackRunningStats = false;
    NormSpec inorm = specOf(Variant::InstanceNorm, DType::Float64);
    inorm.affine = true;
    NormSpec gn = specOf(Variant::GroupNorm, DType::Float64);
    gn.numGroups = 2;
    // {0, 2, 3} with one group: one group is no grouping (the channel axis may stay kept).
    for (const Pair& p : {Pair{bn, {0, 2, 3}, {}}, Pair{bn, {0, 2, 3}, 1}, Pair{inorm, {2, 3}, {}},
                          Pair{gn, {1, 2, 3}, 2}}) {
        NormSpec custom = specOf(Variant::Custom, DType::Float64);
        custom.reduceAxes = p.axes;
        custom.numGroups = p.groups;
        const NormResult a = normalize(p.builtIn, in, cpuBackend());
        const NormResult b = normalize(custom, in, cpuBackend());
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a.mean.shape(), b.mean.shape());
        for (std::int64_t i = 0; i < a.output.size(); ++i) {
            QVERIFY(std::fabs(a.output.at(i) - b.output.at(i)) < 1e-12);
            QVERIFY(std::fabs(a.gradInput.at(i) - b.gradInput.at(i)) < 1e-12);
        }
    }
}

void NumericsTest::resultsDoNotDependOnThreadSplit() {
    // Many slices (parallel chunks) vs the same rows computed as one slice each time.
    NormSpec spec = specOf(Variant::LayerNorm, DType::Float64);
    spec.normalizedShape = {257};
    std::mt19937_64 rng(9);
    std::normal_distribution<double> normal(0.0, 1.0);
    NormInputs in;
    in.input = values({300, 257}, DType::Float64, [&](std::int64_t) { return normal(rng); });
    const NormResult all = normalize(spec, in, cpuBackend());
    QVERIFY(all.ok());
    for (std::int64_t row : {0, 149, 299}) {
        NormInputs one;
        one.input = values({1, 257}, DType::Float64,
                           [&](std::int64_t i) { return in.input.at(row * 257 + i); });
        const NormResult r = normalize(spec, one, cpuBackend());
        for (std::int64_t i = 0; i < 257; ++i)
            QCOMPARE(r.output.at(i), all.output.at(row * 257 + i));
    }
}

// RunOptions::output false (a gradients-only view): no y, and statistics, running
// statistics and every gradient bit for bit those of the full run, for every variant.
void NumericsTest::skippingTheOutputChangesNothingElse() {
    std::mt19937_64 rng(21);
    std::normal_distribution<double> normal(0.5, 2.0);
    const Shape shape = {3, 4, 6};
    for (Variant v : kAllVariants) {
        NormSpec spec = specOf(v);
        spec.affine = true;
        if (v == Variant::LayerNorm || v == Variant::RmsNorm) spec.normalizedShape = {6};
        if (v == Variant::GroupNorm || v == Variant::BatchChannelNorm) spec.numGroups = 2;
        if (v == Variant::Custom) spec.reduceAxes = {0, 2};
        NormInputs in;
        in.input = values(shape, DType::Float32, [&](std::int64_t) { return normal(rng); });
        in.gradOutput = values(shape, DType::Float32, [&](std::int64_t) { return normal(rng); });
        in.lengths = Tensor::fromValues({3}, DType::Int64, {6, 4, 5});
        const NormResult full = normalize(spec, in, cpuBackend(), RunOptions{false});
        const NormResult lean =
            normalize(spec, in, cpuBackend(), RunOptions{false, nullptr, false});
        QVERIFY2(full.ok() && lean.ok(), full.error.c_str());
        QVERIFY(!full.output.isNull() && lean.output.isNull());
        for (auto [a, b] : {std::pair{&full.mean, &lean.mean},
                            {&full.var, &lean.var},
                            {&full.gradInput, &lean.gradInput},
                            {&full.gradWeight, &lean.gradWeight},
                            {&full.runningMean, &lean.runningMean},
                            {&full.channelVar, &lean.channelVar}})
            QCOMPARE(a->toVector(), b->toVector());
        // The inverse needs y: asked for, it is made anyway.
        QVERIFY(
            !normalize(spec, in, cpuBackend(), RunOptions{true, nullptr, false}).output.isNull());
    }
}

// |x - x'| written over x' itself: the same errors and maximum as into a new tensor, masked
// elements left out of the maximum (checked against a direct loop).
void NumericsTest::reconstructionErrorInPlaceEqualsTheCopy() {
    std::mt19937_64 rng(5);
    std::normal_distribution<double> normal(0.0, 1.0);
    for (DType type : {DType::Float32, DType::Float64}) {
        const Tensor x = values({4, 50}, type, [&](std::int64_t) { return normal(rng); });
        const Tensor xr = values({4, 50}, type, [&](std::int64_t i) {
            return x.at(i) + (i == 7 ? 5.0 : 1e-3 * normal(rng)); // element 7: masked out below
        });
        Tensor keep = Tensor::filled({4, 50}, DType::UInt8, 1.0);
        keep.set(7, 0);
        const ReconstructionError copy = reconstructionError(x, xr, &keep);
        const ReconstructionError inPlace = reconstructionErrorInPlace(x, Tensor(xr), &keep);
        QCOMPARE(inPlace.perElement.toVector(), copy.perElement.toVector());
        QCOMPARE(inPlace.maxValid, copy.maxValid);
        double worst = 0;
        for (std::int64_t i = 0; i < x.size(); ++i) {
            QCOMPARE(copy.perElement.at(i),
                     double(type == DType::Float32 ? float(std::fabs(x.at(i) - xr.at(i)))
                                                   : std::fabs(x.at(i) - xr.at(i))));
            if (i != 7) worst = std::max(worst, std::fabs(x.at(i) - xr.at(i)));
        }
        QCOMPARE(copy.maxValid, worst);
        QVERIFY(worst < 1.0); // the masked 5.0 left out
    }
}

void NumericsTest::simulatedRunningStatsConvergeAndCancel() {
    // Cumulative average (momentum None) over 400 batches of N(3, 2^2), 64 values per
    // channel: the running mean is the mean of 400 batch means, within 4 sigma of 3 (sigma
    // = 2 / sqrt(400 * 64) = 0.0125); running_var averages unbiased variances, around 4.
    NormSpec spec = specOf(Variant::BatchNorm, DType::Float64);
    spec.momentum = std::nullopt;
    InputRecipe recipe;
    recipe.shape = {8, 2, 8};
    recipe.mean = 3.0;
    recipe.spread = 2.0;
    recipe.dtype = DType::Float64;
    const RunningSimulation sim = simulateRunningStats(spec, recipe, 400);
    QVERIFY2(sim.error.empty(), sim.error.c_str());
    QCOMPARE(sim.stepsDone, 400);
    QCOMPARE(*sim.populationMean, 3.0);
    QCOMPARE(*sim.populationVar, 4.0);
    for (double m : sim.runningMean.back())
        QVERIFY2(std::fabs(m - 3.0) < 0.05, qPrintable(QString::number(m)));
    for (double v : sim.runningVar.back())
        QVERIFY2(std::fabs(v - 4.0) < 0.25, qPrintable(QString::number(v)));
    QVERIFY(sim.trainEvalGap > 0 && sim.trainEvalGap < 1.0);
    // Cancelling after 10 steps stops there.
    const RunningSimulation stopped =
        simulateRunningStats(spec, recipe, 1000, [](int done) { return done < 10; });
    QVERIFY(stopped.cancelled);
    QCOMPARE(stopped.stepsDone, 10);
    NormSpec ln = specOf(Variant::LayerNorm);
    ln.normalizedShape = {8};
    QVERIFY(!simulateRunningStats(ln, recipe, 5).error.empty());
}

void NumericsTest::precisionLabSeparatesTheAlgorithms() {
    // The data of varianceIsStableAtLargeMean: 16 instance slices of 8 elements, mean 1e4,
    // variance exactly 1.25.
    NormSpec spec = specOf(Variant::InstanceNorm);
    NormInputs in;
    const double pattern[4] = {-1.5, -0.5, 0.5, 1.5};
    in.input =
        values({4, 4, 8}, DType::Float32, [&](std::int64_t i) { return 1e4 + pattern[i % 4]; });
    PrecisionReport r = precisionReport(spec, in);
    QVERIFY2(r.error.empty(), r.error.c_str());
    QCOMPARE(r.reference.size(), std::int64_t(16));
    double worstNaive32 = 0;
    for (std::int64_t s = 0; s < 16; ++s) {
        QCOMPARE(r.reference.at(s), 1.25);
        QCOMPARE(r.normlab32.at(s), 1.25);
        QVERIFY(std::fabs(r.welford32.at(s) - 1.25) < 1e-2);
        QVERIFY(std::fabs(r.naive64.at(s) - 1.25) < 1e-6); // double copes at 1e4
        worstNaive32 = std::max(worstNaive32, std::fabs(r.naive32.at(s) - 1.25));
        QVERIFY(r.outputGap.at(s) < 1e-5);
    }
    QVERIFY2(worstNaive32 > 0.5, qPrintable(QString::number(worstNaive32)));
    // At mean 1e8 even double sums cancel: x² ≈ 1e16, where doubles are 2 apart.
    spec.dtype = DType::Float64;
    in.input =
        values({4, 4, 8}, DType::Float64, [&](std::int64_t i) { return 1e8 + pattern[i % 4]; });
    r = precisionReport(spec, in);
    QVERIFY2(r.error.empty(), r.error.c_str());
    double worstNaive64 = 0;
    for (std::int64_t s = 0; s < 16; ++s) {
        QCOMPARE(r.reference.at(s), 1.25);
        worstNaive64 = std::max(worstNaive64, std::fabs(r.naive64.at(s) - 1.25));
    }
    QVERIFY2(worstNaive64 > 0.1, qPrintable(QString::number(worstNaive64)));
    // An invalid configuration reports PyTorch's message.
    spec = specOf(Variant::GroupNorm);
    spec.numGroups = 3; // 4 channels
    QVERIFY(QString::fromStdString(precisionReport(spec, in).error).contains("divisible"));
}

void NumericsTest::sixteenBitFormatsRoundAsTheHardwareDoes() {
    // float16: spacing 2^-10 at 1, ties to even; 65504 the largest; 65520 and up infinite;
    // subnormals down to 2^-24.
    QCOMPARE(roundToFloat16(1.0 + std::ldexp(1.0, -11)), 1.0); // tie, even
    QCOMPARE(roundToFloat16(1.0 + 3 * std::ldexp(1.0, -11)), 1.0 + std::ldexp(1.0, -9)); // tie
    QCOMPARE(roundToFloat16(1.0 + 0.6 * std::ldexp(1.0, -10)), 1.0 + std::ldexp(1.0, -10));
    QCOMPARE(roundToFloat16(65504.0), 65504.0);
    QCOMPARE(roundToFloat16(65519.0), 65504.0);
    QVERIFY(std::isinf(roundToFloat16(65520.0)) && roundToFloat16(-65520.0) < 0);
    QCOMPARE(roundToFloat16(255.0 * 255.0), 65024.0);   // 65025: spacing 32 there, nearest 65024
    QVERIFY(std::isinf(roundToFloat16(256.0 * 256.0))); // "x² overflows above 256"
    QCOMPARE(roundToFloat16(std::ldexp(1.0, -24)), std::ldexp(1.0, -24));
    QCOMPARE(roundToFloat16(std::ldexp(1.0, -25)), 0.0); // tie with 0, even
    QCOMPARE(roundToFloat16(3 * std::ldexp(1.0, -26)), std::ldexp(1.0, -24));
    QCOMPARE(roundToFloat16(0.1), 0.0999755859375); // binary16's nearest to 0.1
    // bfloat16: 8 significant bits (spacing 2^-7 at 1, 2 at 256), float32's range.
    QCOMPARE(roundToBfloat16(1.0 + std::ldexp(1.0, -8)), 1.0);
    QCOMPARE(roundToBfloat16(1.0 + 3 * std::ldexp(1.0, -8)), 1.0 + std::ldexp(1.0, -6));
    QCOMPARE(roundToBfloat16(257.0), 256.0);
    QCOMPARE(roundToBfloat16(259.0), 260.0);
    QVERIFY(std::isfinite(roundToBfloat16(1e30)) &&
            std::fabs(roundToBfloat16(1e30) / 1e30 - 1) < 0.004);
    QVERIFY(std::isnan(roundToBfloat16(NAN)));
}

void NumericsTest::thePrecisionLabShowsWhere16BitFormatsFail() {
    // InstanceNorm over 64 positions; a mean of 300 puts x² above float16's range.
    NormSpec spec = NormSpec::defaultsFor(Variant::InstanceNorm);
    spec.numFeatures = 4;
    std::mt19937_64 rng(9);
    std::normal_distribution<double> normal(0.0, 1.0);
    for (const double mean : {0.0, 300.0}) {
        NormInputs in;
        in.input = Tensor::uninitialized({2, 4, 64}, DType::Float32);
        for (std::int64_t i = 0; i < in.input.size(); ++i) in.input.set(i, mean + normal(rng));
        const PrecisionReport r = precisionReport(spec, in);
        QVERIFY(r.error.empty());
        double worstBf16 = 0;
        for (std::int64_t s = 0; s < r.reference.size(); ++s) {
            QVERIFY2(mean == 0 ? std::isfinite(r.naive16.at(s)) : !std::isfinite(r.naive16.at(s)),
                     qPrintable(QString::number(r.naive16.at(s))));
            const double e = std::fabs(r.twoPassBf16.at(s) - r.reference.at(s)) / r.reference.at(s);
            worstBf16 = std::max(worstBf16, e);
        }
        qInfo("mean %g: worst two-pass bfloat16 relative error %g", mean, worstBf16);
        // bfloat16 keeps float32's range, so at 300 nothing overflows; 8 significant bits
        // leave errors of a percent or more.
        QVERIFY(std::isfinite(worstBf16) && worstBf16 > 1e-3);
    }
}

QTEST_GUILESS_MAIN(NumericsTest)
#include "tst_numerics.moc"
