#include "normlab/precision_lab.h"

#include "normlab/low_precision.h"

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
    RunOptions options; // no inverse, no backward
    options.inverse = false;
    NormInputs plain = inputs;
    plain.gradOutput = Tensor();
    auto run = [&](const NormSpec& s, DType dtype) {
        NormSpec at = s;
        at.dtype = dtype;
        return normalize(at, plain, cpuBackend(), options);
    };

    // The slices' own batch statistics: the spec in training mode without running estimates.
    // The float64 run is the reference (NormLab's two-pass with float64 sums, checked against
    // PyTorch); the float32 run is "NormLab float32". RMSNorm's statistic is a mean square,
    // so the variance of its slices comes from LayerNorm over the same normalized_shape.
    NormSpec batchStats = spec;
    batchStats.training = true;
    batchStats.estimate = false;
    if (spec.variant == Variant::RmsNorm) {
        batchStats.variant = Variant::LayerNorm;
        batchStats.eps = 1e-5;
    }
    const NormResult stats64 = run(batchStats, DType::Float64);
    const NormResult stats32 = run(batchStats, DType::Float32);
    // The normalization itself at both precisions. (BatchNorm in eval mode normalises with
    // running statistics: the gap is then that of the output formula alone.)
    const NormResult r32 = run(spec, DType::Float32);
    const NormResult r64 = run(spec, DType::Float64);
    for (const NormResult* r : {&stats64, &stats32, &r32, &r64})
        if (!r->ok()) {
            report.error = r->error;
            return report;
        }
    const Tensor& x = inputs.input;
    const auto k = std::size_t(stats64.var.size());

    // Naive E[x²] − E[x]² in float and in double; Welford in float. Flat element order.
    // The float methods read float(x); the double one reads x as given.
    std::vector<float> sum32(k, 0), sq32(k, 0), wMean(k, 0), wM2(k, 0), wN(k, 0);
    std::vector<double> sum64(k, 0), sq64(k, 0), gap(k, 0);
    for (std::int64_t i = 0; i < x.size(); ++i) {
        const auto s64 = std::int64_t(slices.at(i));
        if (s64 < 0) continue;
        const auto s = std::size_t(s64);
        const double d = x.at(i);
        const float v = float(d);
        sum32[s] += v;
        sq32[s] += v * v;
        sum64[s] += d;
        sq64[s] += d * d;
        wN[s] += 1.0f;
        const float delta = v - wMean[s];
        wMean[s] += delta / wN[s];
        wM2[s] += delta * (v - wMean[s]);
        gap[s] = std::max(gap[s], std::fabs(r32.output.at(i) - r64.output.at(i)));
    }
    // The 16-bit formats, emulated: every value and every partial result rounded.
    const auto h = roundToFloat16;
    const auto b = roundToBfloat16;
    std::vector<double> sum16(k, 0), sq16(k, 0), sumBf(k, 0);
    for (std::int64_t i = 0; i < x.size(); ++i) {
        const auto s64 = std::int64_t(slices.at(i));
        if (s64 < 0) continue;
        const auto s = std::size_t(s64);
        const double v16 = h(x.at(i));
        sum16[s] = h(sum16[s] + v16);
        sq16[s] = h(sq16[s] + h(v16 * v16));
        sumBf[s] = b(sumBf[s] + b(x.at(i)));
    }
    std::vector<double> devBf(k, 0);
    for (std::int64_t i = 0; i < x.size(); ++i) {
        const auto s64 = std::int64_t(slices.at(i));
        if (s64 < 0) continue;
        const auto s = std::size_t(s64);
        const double meanBf = wN[s] > 0 ? b(sumBf[s] / double(wN[s])) : 0.0;
        const double d = b(b(x.at(i)) - meanBf);
        devBf[s] = b(devBf[s] + b(d * d));
    }
    // Two-pass in float: the float mean, then the float sum of squared deviations from it.
    std::vector<float> dev32(k, 0);
    for (std::int64_t i = 0; i < x.size(); ++i) {
        const auto s64 = std::int64_t(slices.at(i));
        if (s64 < 0) continue;
        const auto s = std::size_t(s64);
        const float m32 = wN[s] > 0 ? sum32[s] / wN[s] : 0.0f;
        const float d = float(x.at(i)) - m32;
        dev32[s] += d * d;
    }
    std::vector<double> reference(k), naive32(k), naive64(k), twoPass32(k), welford32(k),
        normlab32(k), naive16(k), twoPassBf16(k);
    for (std::size_t s = 0; s < k; ++s) {
        const auto m = std::int64_t(s);
        const double n = stats64.count.at(m);
        reference[s] = stats64.var.at(m);
        normlab32[s] = spec.variant == Variant::RmsNorm ? NAN : stats32.var.at(m);
        if (n == 0) {
            naive32[s] = naive64[s] = twoPass32[s] = welford32[s] = naive16[s] = twoPassBf16[s] =
                NAN;
            continue;
        }
        const float m32 = sum32[s] / float(n);
        naive32[s] = double(sq32[s] / float(n) - m32 * m32);
        const double m64 = sum64[s] / n;
        naive64[s] = sq64[s] / n - m64 * m64;
        welford32[s] = double(wM2[s] / wN[s]);
        twoPass32[s] = double(dev32[s] / float(n));
        const double mean16 = h(sum16[s] / n);
        naive16[s] = h(h(sq16[s] / n) - h(mean16 * mean16));
        twoPassBf16[s] = b(devBf[s] / n);
        report.negativeNaive32 += naive32[s] < 0;
        report.negativeNaive64 += naive64[s] < 0;
    }
    report.reference = vectorTensor(reference);
    report.naive32 = vectorTensor(naive32);
    report.naive64 = vectorTensor(naive64);
    report.twoPass32 = vectorTensor(twoPass32);
    report.welford32 = vectorTensor(welford32);
    report.normlab32 = vectorTensor(normlab32);
    report.naive16 = vectorTensor(naive16);
    report.twoPassBf16 = vectorTensor(twoPassBf16);
    report.outputGap = vectorTensor(gap);
    return report;
}

} // namespace normlab
