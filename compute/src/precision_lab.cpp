#include "normlab/precision_lab.h"

#include <cmath>

namespace normlab {

namespace {

Tensor vectorTensor(const std::vector<double>& values) {
    Tensor t = Tensor::uninitialized({std::int64_t(values.size())}, DType::Float64);
    std::copy(values.begin(), values.end(), t.data<double>());
    return t;
}

} // namespace

PrecisionReport precisionReport(NormSpec spec, const NormInputs& inputs) {
    PrecisionReport report;
    std::string error;
    const Tensor slices = sliceIndexMap(spec, inputs, 0, &error);
    if (slices.isNull()) {
        report.error = error;
        return report;
    }
    std::int64_t count = 0;
    for (std::int64_t i = 0; i < slices.size(); ++i)
        count = std::max(count, std::int64_t(slices.at(i)) + 1);
    const Tensor& x = inputs.input;
    const auto k = std::size_t(count);

    // Reference: two passes in float64.
    std::vector<double> n(k, 0), sum(k, 0), squares(k, 0);
    for (std::int64_t i = 0; i < x.size(); ++i)
        if (const auto s = std::int64_t(slices.at(i)); s >= 0) {
            n[std::size_t(s)] += 1;
            sum[std::size_t(s)] += x.at(i);
        }
    std::vector<double> mean(k), reference(k);
    for (std::size_t s = 0; s < k; ++s) mean[s] = n[s] > 0 ? sum[s] / n[s] : NAN;
    for (std::int64_t i = 0; i < x.size(); ++i)
        if (const auto s = std::int64_t(slices.at(i)); s >= 0) {
            const double d = x.at(i) - mean[std::size_t(s)];
            squares[std::size_t(s)] += d * d;
        }
    for (std::size_t s = 0; s < k; ++s) reference[s] = n[s] > 0 ? squares[s] / n[s] : NAN;

    // Naive E[x²] − E[x]² in float and in double; Welford in float.
    std::vector<float> sum32(k, 0), sq32(k, 0), wMean(k, 0), wM2(k, 0), wN(k, 0);
    std::vector<double> sum64(k, 0), sq64(k, 0);
    for (std::int64_t i = 0; i < x.size(); ++i) {
        const auto s64 = std::int64_t(slices.at(i));
        if (s64 < 0) continue;
        const auto s = std::size_t(s64);
        const float v = float(x.at(i));
        sum32[s] += v;
        sq32[s] += v * v;
        sum64[s] += double(v);
        sq64[s] += double(v) * double(v);
        wN[s] += 1.0f;
        const float delta = v - wMean[s];
        wMean[s] += delta / wN[s];
        wM2[s] += delta * (v - wMean[s]);
    }
    std::vector<double> naive32(k), naive64(k), welford32(k);
    for (std::size_t s = 0; s < k; ++s) {
        if (n[s] == 0) {
            naive32[s] = naive64[s] = welford32[s] = NAN;
            continue;
        }
        const float m32 = sum32[s] / float(n[s]);
        naive32[s] = double(sq32[s] / float(n[s]) - m32 * m32);
        const double m64 = sum64[s] / n[s];
        naive64[s] = sq64[s] / n[s] - m64 * m64;
        welford32[s] = double(wM2[s] / wN[s]);
        report.negativeNaive32 += naive32[s] < 0;
        report.negativeNaive64 += naive64[s] < 0;
    }
    report.reference = vectorTensor(reference);
    report.naive32 = vectorTensor(naive32);
    report.naive64 = vectorTensor(naive64);
    report.welford32 = vectorTensor(welford32);

    // The normalization itself at both precisions (no backward, no inverse).
    RunOptions options;
    options.inverse = false;
    NormInputs plain = inputs;
    plain.gradOutput = Tensor();
    spec.dtype = DType::Float32;
    const NormResult r32 = normalize(spec, plain, cpuBackend(), options);
    spec.dtype = DType::Float64;
    // (BatchNorm in eval mode normalises with running statistics: the gap is then that
    // of the output formula alone.)
    const NormResult r64 = normalize(spec, plain, cpuBackend(), options);
    if (!r32.ok() || !r64.ok()) {
        report.error = r32.ok() ? r64.error : r32.error;
        return report;
    }
    // NormLab's own float32 batch statistics: the same spec in training mode without
    // running estimates, so that var is the batch's (RMSNorm's "var" is a mean square).
    NormSpec batchStats = spec;
    batchStats.dtype = DType::Float32;
    batchStats.training = true;
    batchStats.estimate = false;
    const NormResult stats32 = normalize(batchStats, plain, cpuBackend(), options);
    std::vector<double> normlab32(k, NAN), gap(k, 0);
    if (stats32.ok() && spec.variant != Variant::RmsNorm)
        for (std::size_t s = 0; s < k && std::int64_t(s) < stats32.var.size(); ++s)
            normlab32[s] = stats32.var.at(std::int64_t(s));
    for (std::int64_t i = 0; i < x.size(); ++i)
        if (const auto s = std::int64_t(slices.at(i)); s >= 0)
            gap[std::size_t(s)] = std::max(gap[std::size_t(s)],
                                           std::fabs(r32.output.at(i) - r64.output.at(i)));
    report.normlab32 = vectorTensor(normlab32);
    report.outputGap = vectorTensor(gap);
    return report;
}

} // namespace normlab
