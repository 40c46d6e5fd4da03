// The CUDA backend against the CPU backend (the oracle) on every variant, float32 and
// float64, training and eval, unmasked / lengths (with empty and one-element samples) / a
// random mask, odd sizes (1, 3, 1025), data with a large mean, and every result: output,
// statistics, running statistics, gradients, inverse, log-determinant. Without a CUDA
// device every case is skipped with the reason (ctest -L gpu selects these). The no-device
// error itself is tested wherever there is no device.
#include "normlab/normalize.h"

#include <QtTest>

#include <cmath>
#include <functional>
#include <random>

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
    if (cuda.isNull() != cpu.isNull()) return QStringLiteral("%1: only one backend set it").arg(name);
    if (cpu.isNull()) return {};
    if (cuda.shape() != cpu.shape()) return QStringLiteral("%1: shapes differ").arg(name);
    for (std::int64_t i = 0; i < cpu.size(); ++i) {
        const double a = cuda.at(i), b = cpu.at(i);
        if (std::isnan(a) && std::isnan(b)) continue;
        if (!(std::fabs(a - b) <= tol * (1 + std::fabs(b))))
            return QStringLiteral("%1[%2]: cuda %3, cpu %4").arg(name).arg(i).arg(a, 0, 'g', 17).arg(b, 0, 'g', 17);
    }
    return {};
}

} // namespace

class CudaTest : public QObject {
    Q_OBJECT
  private slots:
    void cudaMatchesCpuEverywhere();
    void withoutADeviceTheReasonNamesCuda();
};

void CudaTest::cudaMatchesCpuEverywhere() {
    std::string why;
    Backend* cuda = cudaBackend(&why);
    if (!cuda) QSKIP(qPrintable(QString::fromStdString(why)));
    std::mt19937_64 rng(11);
    const Shape shapes[] = {{1, 3, 1025}, {4, 6, 7, 5}, {3, 2, 3, 1, 2}, {5, 4}};
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
                            const NormResult a = normalize(spec, in, *cuda);
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
                            const double gradTol = type == DType::Float64 ? 1e-7 : 1e-4;
                            for (const QString& d :
                                 {difference("output", a.output, b.output, tol),
                                  difference("mean", a.mean, b.mean, 1e-9),
                                  difference("var", a.var, b.var, 1e-9),
                                  difference("count", a.count, b.count, 0),
                                  difference("channelMean", a.channelMean, b.channelMean, 1e-9),
                                  difference("channelVar", a.channelVar, b.channelVar, 1e-9),
                                  difference("runningMean", a.runningMean, b.runningMean, 1e-9),
                                  difference("runningVar", a.runningVar, b.runningVar, 1e-9),
                                  difference("gradInput", a.gradInput, b.gradInput, gradTol),
                                  difference("gradWeight", a.gradWeight, b.gradWeight, gradTol),
                                  difference("gradBias", a.gradBias, b.gradBias, gradTol),
                                  difference("gradChannelWeight", a.gradChannelWeight,
                                             b.gradChannelWeight, gradTol),
                                  difference("gradChannelBias", a.gradChannelBias,
                                             b.gradChannelBias, gradTol),
                                  difference("reconstruction", a.reconstruction, b.reconstruction,
                                             gradTol),
                                  difference("logdet", a.logdet, b.logdet, 1e-9)})
                                QVERIFY2(d.isEmpty(), qPrintable(what + ": " + d));
                            ++compared;
                        }
    QVERIFY(compared > 300);
    qInfo("%d configurations agree", compared);
}

void CudaTest::withoutADeviceTheReasonNamesCuda() {
    std::string why;
    if (cudaBackend(&why)) QSKIP("a CUDA device is present: the no-device path is not reachable");
    const QString reason = QString::fromStdString(why);
    QVERIFY2(reason.contains("CUDA"), qPrintable(reason));
    QVERIFY2(reason.contains("no CUDA device") || reason.contains("not compiled in"),
             qPrintable(reason));
    // normalize() on the unavailable backend is refused with that reason, not run.
    Backend* none = backendFor(BackendKind::Cuda, &why);
    QVERIFY(none == nullptr);
}

QTEST_GUILESS_MAIN(CudaTest)
#include "tst_cuda.moc"
