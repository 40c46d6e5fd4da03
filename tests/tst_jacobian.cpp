// The Jacobian of a slice (normlab/jacobian.h) against central finite differences of
// normalize() in float64 (step 1e-6), and its spectrum against the closed forms the view
// and the lessons state: without eps LayerNorm's Jacobian has rank n - 2 (the mean and the
// radial direction lost), RMSNorm's n - 1; with eps the radial eigenvalue is
// r eps / (var + eps); BatchNorm's couples the samples of a batch; eval with running
// statistics gives a diagonal.
#include "normlab/jacobian.h"

#include "random_tensor.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace normlab;

namespace {

NormSpec float64Spec(Variant v) {
    NormSpec s = NormSpec::defaultsFor(v);
    s.dtype = DType::Float64;
    return s;
}

NormResult run(const NormSpec& spec, const NormInputs& inputs) {
    NormResult r = normalize(spec, inputs, cpuBackend(), RunOptions{false});
    if (!r.ok()) qFatal("normalize failed: %s", r.error.c_str());
    return r;
}

// |J - finite differences| over every entry of the slice's (sampled) block, as the largest
// relative gap; the columns j of the block only.
double finiteDifferenceGap(const NormSpec& spec, const NormInputs& inputs,
                           const SliceJacobian& jac) {
    const double h = 1e-6;
    const std::size_t k = jac.elements.size();
    double worst = 0;
    for (std::size_t j = 0; j < k; ++j) {
        NormInputs plus = inputs, minus = inputs;
        plus.input = inputs.input.castTo(DType::Float64);
        minus.input = inputs.input.castTo(DType::Float64);
        const std::int64_t ej = jac.elements[j];
        plus.input.set(ej, plus.input.at(ej) + h);
        minus.input.set(ej, minus.input.at(ej) - h);
        const NormResult a = run(spec, plus), b = run(spec, minus);
        for (std::size_t i = 0; i < k; ++i) {
            const std::int64_t ei = jac.elements[i];
            const double numeric = (a.output.at(ei) - b.output.at(ei)) / (2 * h);
            const double analytic = jac.matrix[i * k + j];
            worst = std::max(worst, std::fabs(analytic - numeric) / (1 + std::fabs(numeric)));
        }
    }
    return worst;
}

} // namespace

class JacobianTest : public QObject {
    Q_OBJECT
  private slots:
    void matchesFiniteDifferences_data();
    void matchesFiniteDifferences();
    void layerNormLosesTheMeanAndTheRadius();
    void rmsNormLosesOnlyTheRadius();
    void batchNormCouplesTheSamples();
    void runningStatisticsGiveADiagonal();
    void largeSlicesAreSampled();
    void parameterMapNamesEachElementsWeight();
    void refusesWhatItCannotShow();
};

void JacobianTest::matchesFiniteDifferences_data() {
    QTest::addColumn<int>("variant");
    QTest::addColumn<Shape>("shape");
    QTest::addColumn<qint64>("slice");
    QTest::addColumn<bool>("withLengths");
    QTest::newRow("layer_norm, random γ")
        << int(Variant::LayerNorm) << Shape{2, 3, 5} << qint64(4) << false;
    QTest::newRow("batch_norm, slice across the batch")
        << int(Variant::BatchNorm) << Shape{3, 2, 4} << qint64(1) << false;
    QTest::newRow("instance_norm with lengths")
        << int(Variant::InstanceNorm) << Shape{3, 2, 6} << qint64(5) << true;
    QTest::newRow("group_norm, random γ per channel")
        << int(Variant::GroupNorm) << Shape{2, 4, 3} << qint64(3) << false;
    QTest::newRow("rms_norm") << int(Variant::RmsNorm) << Shape{2, 7} << qint64(1) << false;
}

void JacobianTest::matchesFiniteDifferences() {
    QFETCH(int, variant);
    QFETCH(Shape, shape);
    QFETCH(qint64, slice);
    QFETCH(bool, withLengths);
    std::mt19937_64 rng(5);
    NormSpec spec = float64Spec(Variant(variant));
    NormInputs in;
    in.input = randomTensor(shape, rng, 0.5, 2.0);
    switch (Variant(variant)) {
    case Variant::LayerNorm:
    case Variant::RmsNorm:
        spec.normalizedShape = {shape.back()};
        in.weight = randomTensor({shape.back()}, rng, 1.0, 0.5);
        break;
    case Variant::GroupNorm:
        spec.numFeatures = shape[1];
        spec.numGroups = 2;
        in.weight = randomTensor({shape[1]}, rng, 1.0, 0.5);
        break;
    case Variant::InstanceNorm:
        spec.numFeatures = shape[1];
        spec.affine = true;
        in.weight = randomTensor({shape[1]}, rng, 1.0, 0.5);
        break;
    default:
        spec.numFeatures = shape[1];
        in.weight = randomTensor({shape[1]}, rng, 1.0, 0.5);
    }
    if (withLengths) in.lengths = Tensor::fromValues({3}, DType::Int64, {6, 4, 2});
    const NormResult result = run(spec, in);
    const SliceJacobian jac = sliceJacobian(spec, in, result, slice);
    QVERIFY2(jac.error.empty(), jac.error.c_str());
    QCOMPARE(jac.validElements, result.count.at(slice));
    QCOMPARE(std::int64_t(jac.elements.size()), jac.validElements);
    const double gap = finiteDifferenceGap(spec, in, jac);
    QVERIFY2(gap < 1e-6, qPrintable(QString::number(gap)));
    // Whatever γ, adding a constant to a centred slice changes nothing: J 1 = 0.
    if (jac.centered) QVERIFY(jac.singularValues.back() < 1e-12 * jac.singularValues.front());
}

void JacobianTest::layerNormLosesTheMeanAndTheRadius() {
    std::mt19937_64 rng(7);
    NormSpec spec = float64Spec(Variant::LayerNorm);
    spec.normalizedShape = {8};
    spec.affine = false;
    NormInputs in;
    in.input = randomTensor({2, 8}, rng, 3.0, 2.0);
    for (double eps : {0.0, 1e-5, 0.5}) {
        spec.eps = eps;
        const NormResult result = run(spec, in);
        const SliceJacobian jac = sliceJacobian(spec, in, result, 1);
        QVERIFY2(jac.error.empty(), jac.error.c_str());
        QVERIFY(jac.symmetric);
        // The slice's statistics, computed here: mean, biased variance, r.
        double mean = 0, var = 0;
        for (int i = 8; i < 16; ++i) mean += in.input.at(i) / 8;
        for (int i = 8; i < 16; ++i) var += (in.input.at(i) - mean) * (in.input.at(i) - mean) / 8;
        const double r = 1 / std::sqrt(var + eps);
        // Eigenvalues ascending: 0 (direction 1), r eps / (var + eps) (direction x̂), r x 6.
        std::vector<double> expected{0.0, r * eps / (var + eps)};
        expected.insert(expected.end(), 6, r);
        std::sort(expected.begin(), expected.end());
        QCOMPARE(jac.eigenvalues.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i)
            QVERIFY2(std::fabs(jac.eigenvalues[i] - expected[i]) < 1e-12 * (1 + r),
                     qPrintable(QStringLiteral("eps %1: eigenvalue %2 = %3, closed form %4")
                                    .arg(eps)
                                    .arg(i)
                                    .arg(jac.eigenvalues[i], 0, 'g', 17)
                                    .arg(expected[i], 0, 'g', 17)));
        QCOMPARE(jac.rank, eps == 0 ? 6 : 7);
        // The view's sphere: the output has mean 0 and mean square var / (var + eps).
        double outMean = 0, outSquare = 0;
        for (int i = 8; i < 16; ++i) {
            outMean += result.output.at(i) / 8;
            outSquare += result.output.at(i) * result.output.at(i) / 8;
        }
        QVERIFY(std::fabs(outMean) < 1e-12);
        QVERIFY(std::fabs(outSquare - var / (var + eps)) < 1e-12);
        // Rows sum to zero: adding a constant to the slice leaves its output unchanged.
        for (int i = 0; i < 8; ++i) {
            double row = 0;
            for (int j = 0; j < 8; ++j) row += jac.matrix[std::size_t(i * 8 + j)];
            QVERIFY(std::fabs(row) < 1e-12 * r);
        }
    }
}

void JacobianTest::rmsNormLosesOnlyTheRadius() {
    std::mt19937_64 rng(8);
    NormSpec spec = float64Spec(Variant::RmsNorm);
    spec.normalizedShape = {6};
    spec.affine = false;
    spec.eps = 0.0;
    NormInputs in;
    in.input = randomTensor({1, 6}, rng, 1.0, 1.0);
    const NormResult result = run(spec, in);
    const SliceJacobian jac = sliceJacobian(spec, in, result, 0);
    QVERIFY2(jac.error.empty(), jac.error.c_str());
    QVERIFY(!jac.centered);
    QCOMPARE(jac.rank, 5);
    double meanSquare = 0;
    for (int i = 0; i < 6; ++i) meanSquare += in.input.at(i) * in.input.at(i) / 6;
    const double r = 1 / std::sqrt(meanSquare);
    QVERIFY(std::fabs(jac.eigenvalues.front()) < 1e-12 * r);
    for (std::size_t i = 1; i < 6; ++i) QVERIFY(std::fabs(jac.eigenvalues[i] - r) < 1e-12 * r);
}

void JacobianTest::batchNormCouplesTheSamples() {
    std::mt19937_64 rng(9);
    NormSpec spec = float64Spec(Variant::BatchNorm);
    spec.numFeatures = 2;
    NormInputs in;
    in.input = randomTensor({3, 2, 4}, rng);
    const NormResult result = run(spec, in);
    const SliceJacobian jac = sliceJacobian(spec, in, result, 0);
    QVERIFY2(jac.error.empty(), jac.error.c_str());
    QCOMPARE(jac.validElements, 12); // channel 0 of three samples
    // dy of sample 0 with respect to x of sample 2: not zero in training.
    const std::size_t k = jac.elements.size();
    double across = 0;
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 8; j < 12; ++j)
            across = std::max(across, std::fabs(jac.matrix[i * k + j]));
    QVERIFY(across > 1e-3);
    QCOMPARE(jac.rank, 11); // eps > 0: only the mean direction is lost exactly
}

void JacobianTest::runningStatisticsGiveADiagonal() {
    std::mt19937_64 rng(10);
    NormSpec spec = float64Spec(Variant::BatchNorm);
    spec.numFeatures = 2;
    spec.training = false;
    NormInputs in;
    in.input = randomTensor({3, 2, 4}, rng);
    in.runningMean = Tensor::fromValues({2}, DType::Float64, {0.5, -1.0});
    in.runningVar = Tensor::fromValues({2}, DType::Float64, {4.0, 0.25});
    in.weight = Tensor::fromValues({2}, DType::Float64, {2.0, 3.0});
    const NormResult result = run(spec, in);
    const SliceJacobian jac = sliceJacobian(spec, in, result, 1);
    QVERIFY2(jac.error.empty(), jac.error.c_str());
    QVERIFY(jac.fixedStatistics);
    const std::size_t k = jac.elements.size();
    const double expected = 3.0 / std::sqrt(0.25 + 1e-5);
    for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < k; ++j)
            QVERIFY(std::fabs(jac.matrix[i * k + j] - (i == j ? expected : 0.0)) < 1e-12);
    QVERIFY(finiteDifferenceGap(spec, in, jac) < 1e-6);
}

void JacobianTest::largeSlicesAreSampled() {
    std::mt19937_64 rng(11);
    NormSpec spec = float64Spec(Variant::LayerNorm);
    spec.normalizedShape = {3000};
    NormInputs in;
    in.input = randomTensor({1, 3000}, rng);
    const NormResult result = run(spec, in);
    const SliceJacobian jac = sliceJacobian(spec, in, result, 0, 100);
    QVERIFY2(jac.error.empty(), jac.error.c_str());
    QVERIFY(jac.sampled);
    QCOMPARE(jac.validElements, 3000);
    QCOMPARE(jac.elements.size(), std::size_t(100));
    QCOMPARE(jac.elements[1], 30); // every 30th element
    // The sampled block is the full Jacobian's entries at those rows and columns (a few
    // columns by finite differences).
    SliceJacobian firstColumns = jac;
    firstColumns.elements.resize(3);
    std::vector<double> block(9);
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 3; ++j) block[i * 3 + j] = jac.matrix[i * 100 + j];
    firstColumns.matrix = block;
    QVERIFY(finiteDifferenceGap(spec, in, firstColumns) < 1e-6);
}

void JacobianTest::parameterMapNamesEachElementsWeight() {
    NormSpec spec = float64Spec(Variant::GroupNorm);
    spec.numFeatures = 4;
    spec.numGroups = 2;
    NormInputs in;
    in.input = Tensor::filled({2, 4, 3}, DType::Float64, 1.0);
    const Tensor map = parameterIndexMap(spec, in);
    QCOMPARE(map.shape(), (Shape{2, 4, 3}));
    for (std::int64_t e = 0; e < map.size(); ++e) QCOMPARE(map.at(e), double(e / 3 % 4));
    spec = float64Spec(Variant::LayerNorm);
    spec.normalizedShape = {4, 3};
    const Tensor ln = parameterIndexMap(spec, in);
    for (std::int64_t e = 0; e < ln.size(); ++e) QCOMPARE(ln.at(e), double(e % 12));
    // The same per element, without the map, on layouts with a permutation too (a custom
    // reduction over the channels in groups and the last axis of [2, 4, 3, 5], keeping axis
    // 2, and BatchNorm over [3, 4, 2, 5]).
    NormSpec custom = float64Spec(Variant::Custom);
    custom.reduceAxes = {1, 3};
    custom.numGroups = 2;
    custom.numFeatures = 4;
    NormSpec bn = float64Spec(Variant::BatchNorm);
    bn.numFeatures = 4;
    for (const auto& [s2, shape] :
         {std::pair{custom, Shape{2, 4, 3, 5}}, std::pair{bn, Shape{3, 4, 2, 5}}}) {
        NormInputs x;
        x.input = Tensor::filled(shape, DType::Float64, 1.0);
        std::string why;
        const Tensor map = parameterIndexMap(s2, x, 0, &why);
        QVERIFY2(!map.isNull(), why.c_str());
        std::vector<std::int64_t> every(std::size_t(map.size()));
        for (std::size_t e = 0; e < every.size(); ++e) every[e] = std::int64_t(e);
        const std::vector<std::int64_t> each = parameterIndicesOf(s2, x, every);
        QCOMPARE(each.size(), every.size());
        for (std::size_t e = 0; e < every.size(); ++e)
            QCOMPARE(double(each[e]), map.at(std::int64_t(e)));
    }
}

void JacobianTest::refusesWhatItCannotShow() {
    NormSpec spec = float64Spec(Variant::BatchChannelNorm);
    spec.numFeatures = 4;
    spec.numGroups = 2;
    NormInputs in;
    std::mt19937_64 rng(12);
    in.input = randomTensor({2, 4, 3}, rng);
    const NormResult result = run(spec, in);
    QVERIFY(QString::fromStdString(sliceJacobian(spec, in, result, 0).error)
                .contains("Batch-Channel Norm"));
    NormSpec ln = float64Spec(Variant::LayerNorm);
    ln.normalizedShape = {3};
    const NormResult lnResult = run(ln, in);
    QVERIFY(
        QString::fromStdString(sliceJacobian(ln, in, lnResult, 8).error).contains("no slice 8"));
    NormInputs masked = in;
    masked.lengths = Tensor::fromValues({2}, DType::Int64, {3, 0});
    const NormResult maskedResult = run(ln, masked);
    QVERIFY(QString::fromStdString(sliceJacobian(ln, masked, maskedResult, 5).error)
                .contains("no valid element"));
}

QTEST_GUILESS_MAIN(JacobianTest)
#include "tst_jacobian.moc"
