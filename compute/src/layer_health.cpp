#include "normlab/layer_health.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace normlab {

namespace {

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

// Largest |a - b| over the elements where `mask` (optional) is set; both float64 views.
double maxDifference(const Tensor& a, const Tensor& b, const Tensor& mask = {}) {
    const Tensor x = a.castTo(DType::Float64), y = b.castTo(DType::Float64);
    const double* p = x.data<double>();
    const double* q = y.data<double>();
    double worst = 0;
    for (std::int64_t i = 0; i < x.size(); ++i) {
        if (!mask.isNull() && mask.at(i) == 0) continue;
        const double d = std::abs(p[i] - q[i]);
        if (d > worst || std::isnan(d)) worst = std::isnan(d) ? INFINITY : d;
    }
    return worst;
}

// The largest |x| over the finite elements, and how many are not finite (std::max alone
// would drop a NaN and report 0 for an all-NaN tensor).
double maxAbs(const Tensor& t, std::int64_t* nonFinite = nullptr) {
    const Tensor x = t.castTo(DType::Float64);
    double m = 0;
    std::int64_t bad = 0;
    for (std::int64_t i = 0; i < x.size(); ++i) {
        const double v = std::abs(x.data<double>()[i]);
        if (std::isfinite(v))
            m = std::max(m, v);
        else
            ++bad;
    }
    if (nonFinite) *nonFinite = bad;
    return m;
}

// Running statistics no training run can produce: a negative or non-finite running
// variance, a non-finite running mean. Eval mode divides by sqrt(running_var + eps), so the
// output is NaN (or meaningless) in those channels. Empty when they are possible.
std::string impossibleRunningStats(const NormInputs& x) {
    if (x.runningVar.isNull() || x.runningMean.isNull()) return {};
    for (std::int64_t c = 0; c < x.runningVar.size(); ++c) {
        const double v = x.runningVar.at(c);
        if (!std::isfinite(v) || v < 0)
            return "channel " + std::to_string(c) + "'s running_var is " + number(v) +
                   (std::isfinite(v) ? ": a variance cannot be negative" : "") +
                   " (eval mode divides by sqrt(running_var + eps), so its output is NaN or "
                   "meaningless there; the checkpoint, or code that set the buffer, is wrong)";
    }
    for (std::int64_t c = 0; c < x.runningMean.size(); ++c)
        if (!std::isfinite(x.runningMean.at(c)))
            return "channel " + std::to_string(c) + "'s running_mean is " +
                   number(x.runningMean.at(c)) +
                   " (eval mode subtracts it, so its output is not finite there)";
    return {};
}

NormResult run(NormSpec spec, NormInputs inputs, bool training, bool masked) {
    spec.training = training;
    spec.dtype = DType::Float64;
    if (!masked) inputs.mask = Tensor();
    inputs.gradOutput = Tensor();
    return normalize(spec, inputs, cpuBackend(), RunOptions{false});
}

// Fraction bits (with the implicit one) of the dtypes activations are kept in.
int precisionBits(const std::string& dtype) {
    if (dtype == "bfloat16") return 8;
    if (dtype == "float16") return 11;
    if (dtype == "float64") return 53;
    return 24;
}

// Per channel of a [N, C, ...] input: the standard errors of the batch mean and of the
// batch variance, from the spread of the per-sample statistics over the N samples
// (sd / sqrt(N)): how far the batch statistics of this very batch may lie from the
// population's by sampling alone. Empty when there are fewer than two samples.
struct SamplingError {
    std::vector<double> mean, var;
};

SamplingError samplingError(const Tensor& input, const NormResult& batch) {
    SamplingError e;
    if (input.rank() < 2) return e;
    const std::int64_t n = input.shape()[0], c = input.shape()[1];
    if (n < 2 || c <= 0 || batch.mean.size() != c || batch.var.size() != c) return e;
    const std::int64_t inner = input.size() / (n * c);
    if (inner <= 0) return e;
    const Tensor x = input.castTo(DType::Float64);
    const double* p = x.data<double>();
    e.mean.resize(std::size_t(c));
    e.var.resize(std::size_t(c));
    for (std::int64_t ch = 0; ch < c; ++ch) {
        const double m = batch.mean.at(ch);
        double sm = 0, sm2 = 0, sq = 0, sq2 = 0;
        for (std::int64_t k = 0; k < n; ++k) {
            const double* row = p + (k * c + ch) * inner;
            double mk = 0, qk = 0;
            for (std::int64_t i = 0; i < inner; ++i) mk += row[i];
            mk /= double(inner);
            for (std::int64_t i = 0; i < inner; ++i) qk += (row[i] - m) * (row[i] - m);
            qk /= double(inner);
            sm += mk, sm2 += mk * mk, sq += qk, sq2 += qk * qk;
        }
        const double nn = double(n);
        const auto sd = [nn](double s1, double s2) {
            return std::sqrt(std::max(0.0, (s2 - s1 * s1 / nn) / (nn - 1)));
        };
        e.mean[std::size_t(ch)] = sd(sm, sm2) / std::sqrt(nn);
        e.var[std::size_t(ch)] = sd(sq, sq2) / std::sqrt(nn);
    }
    return e;
}

double rms(const Tensor& t) {
    const Tensor x = t.castTo(DType::Float64);
    double s = 0;
    for (std::int64_t i = 0; i < x.size(); ++i) s += x.data<double>()[i] * x.data<double>()[i];
    return x.size() ? std::sqrt(s / double(x.size())) : 0;
}

double rmsDifference(const Tensor& a, const Tensor& b) {
    const Tensor x = a.castTo(DType::Float64), y = b.castTo(DType::Float64);
    double s = 0;
    for (std::int64_t i = 0; i < x.size(); ++i) {
        const double d = x.data<double>()[i] - y.data<double>()[i];
        s += d * d;
    }
    return x.size() ? std::sqrt(s / double(x.size())) : 0;
}

// Thresholds (docs/capture.md, "Train/eval gap"): a channel's gap is beyond sampling when
// its batch mean or variance lies more than kStandardErrors standard errors from the
// running value, and material when the mean moved kMaterialMeanGap running stds or the
// variance by a factor kMaterialVarRatio; the layer warns when such channels exist and its
// eval output differs from its training output by kMaterialOutputGap of the output's rms.
constexpr double kStandardErrors = 4.0;
constexpr double kMaterialMeanGap = 0.25;
constexpr double kMaterialVarRatio = 1.5;
constexpr double kMaterialOutputGap = 0.1;

void trainEvalGap(const LayerHealthInput& in, const NormResult& batch, LayerHealth& h) {
    const NormInputs& x = in.inputs;
    if (!in.spec.trackRunningStats || x.runningMean.isNull() || x.runningVar.isNull()) return;
    if (const std::string why = impossibleRunningStats(x); !why.empty()) {
        h.findings.push_back({FindingCode::ImpossibleRunningStats, Severity::Error, why});
        return; // a gap measured against impossible statistics would say nothing
    }
    const double eps = in.spec.eps.value_or(0);
    const std::int64_t channels = x.runningMean.size();
    if (channels <= 0) return;
    double gap = 0, ratio = 1;
    std::vector<double> gaps;
    for (std::int64_t s = 0; s < batch.mean.size(); ++s) {
        const std::int64_t c = s % channels;
        const double rv = x.runningVar.at(c), v = batch.var.at(s);
        const double g = std::abs(batch.mean.at(s) - x.runningMean.at(c)) / std::sqrt(rv + eps);
        const double r = (v > 0 && rv > 0) ? std::max(v / rv, rv / v) : INFINITY;
        if (!h.worstMeanChannel || g > gap) h.worstMeanChannel = c;
        if (!h.worstVarChannel || r > ratio) h.worstVarChannel = c;
        gap = std::max(gap, g);
        ratio = std::max(ratio, r);
        gaps.push_back(g);
    }
    h.maxMeanGap = gap;
    h.maxVarRatio = ratio;
    if (!gaps.empty()) {
        std::nth_element(gaps.begin(), gaps.begin() + std::ptrdiff_t(gaps.size() / 2), gaps.end());
        h.medianMeanGap = gaps[gaps.size() / 2];
    }
    const NormResult eval = run(in.spec, x, false, false);
    if (!eval.ok()) return;
    h.trainEvalOutputGap = maxDifference(batch.output, eval.output);
    const double outputRms = rms(batch.output);
    h.trainEvalRelativeGap =
        outputRms > 0 ? rmsDifference(batch.output, eval.output) / outputRms : 0.0;

    // Which channels' gaps the batch's own sampling does not explain.
    const SamplingError se = samplingError(x.input, batch);
    const bool judged = !se.mean.empty() && in.wholeBatch;
    std::string outliers;
    if (judged) {
        h.channelsJudged = channels;
        for (std::int64_t c = 0; c < channels; ++c) {
            const double rv = x.runningVar.at(c), m = batch.mean.at(c), v = batch.var.at(c);
            const double zMean = std::abs(m - x.runningMean.at(c)) /
                                 std::max(se.mean[std::size_t(c)], 1e-12 * std::sqrt(rv + eps));
            const double zVar = std::abs(v - rv) / std::max(se.var[std::size_t(c)], 1e-12 * rv);
            const double g = std::abs(m - x.runningMean.at(c)) / std::sqrt(rv + eps);
            const double r = (v > 0 && rv > 0) ? std::max(v / rv, rv / v) : INFINITY;
            const bool beyond = (zMean > kStandardErrors && g > kMaterialMeanGap) ||
                                (zVar > kStandardErrors && r > kMaterialVarRatio);
            if (beyond && ++h.channelsBeyondSampling <= 5)
                outliers += (outliers.empty() ? "" : ", ") + std::to_string(c);
        }
    }
    const std::string figures = "median channel " + number(*h.medianMeanGap) +
                                " running stds from its running mean, worst " + "channel " +
                                std::to_string(*h.worstMeanChannel) + " " + number(gap) +
                                "; variances differ by up to a factor of " + number(ratio) +
                                " (channel " + std::to_string(*h.worstVarChannel) +
                                "); the eval output differs from the training output by " +
                                number(*h.trainEvalRelativeGap * 100) + "% of its rms (at most " +
                                number(*h.trainEvalOutputGap) + " in one element)";
    const bool material = *h.trainEvalRelativeGap > kMaterialOutputGap;
    if (judged && h.channelsBeyondSampling > 0 && material) {
        h.findings.push_back(
            {FindingCode::TrainEvalGap, Severity::Warning,
             "the running statistics do not describe this data: " +
                 std::to_string(h.channelsBeyondSampling) + " of " + std::to_string(channels) +
                 " channels lie beyond their batch's sampling error (channels " + outliers +
                 (h.channelsBeyondSampling > 5 ? ", ..." : "") + "); " + figures +
                 " (recompute the running statistics on data like this, or check that eval data "
                 "is preprocessed as training data was)"});
    } else if (judged) {
        if (gap > 1 || ratio > 4 || material)
            h.findings.push_back(
                {FindingCode::TrainEvalGap, Severity::Info,
                 "the batch statistics differ from the running ones by what this batch's sampling "
                 "explains (" +
                     std::to_string(h.channelsBeyondSampling) + " of " + std::to_string(channels) +
                     " channels beyond it" + (material ? "" : ", and the output barely moves") +
                     "): " + figures});
    } else if (gap > 1 || ratio > 4 || material) {
        // One sample, or statistics not per channel: no sampling error to judge by.
        h.findings.push_back(
            {FindingCode::TrainEvalGap, material ? Severity::Warning : Severity::Info,
             "the running statistics may not describe this data (its sampling error cannot be "
             "estimated from one sample): " +
                 figures});
    }
}

void sliceFigures(const LayerHealthInput& in, const NormResult& batch, LayerHealth& h) {
    const double eps = in.spec.eps.value_or(0);
    const bool rms = in.spec.variant == Variant::RmsNorm;
    std::vector<double> vars;
    for (std::int64_t s = 0; s < batch.var.size(); ++s) {
        const double v = batch.var.at(s);
        if (batch.count.isNull() || batch.count.at(s) > 1) vars.push_back(v);
        if (rms || batch.mean.isNull()) continue;
        const double m = std::abs(batch.mean.at(s));
        if (v > 0) h.maxMeanToSpread = std::max(h.maxMeanToSpread, m / std::sqrt(v));
        h.conditioning = std::max(h.conditioning, m / std::sqrt(v + eps));
    }
    if (vars.empty()) return;
    std::vector<double> sorted = vars;
    std::nth_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(sorted.size() / 2),
                     sorted.end());
    const double median = sorted[sorted.size() / 2];
    for (double v : vars) {
        h.deadSlices += v <= eps;
        h.explodingSlices += !std::isfinite(v) || (median > 0 && v >= 1e4 * median);
    }
    const std::string what = rms ? "mean square" : "variance";
    if (h.deadSlices)
        h.findings.push_back(
            {FindingCode::DeadChannels, Severity::Warning,
             std::to_string(h.deadSlices) + " of " + std::to_string(vars.size()) +
                 " slices have a " + what + " of at most eps = " + number(eps) +
                 ": their inputs are (nearly) constant, so the output is β plus whatever noise "
                 "there is, scaled by up to 1/sqrt(eps) = " +
                 number(1 / std::sqrt(std::max(eps, 1e-300))) +
                 " (a channel the layers before have switched off?)"});
    if (h.explodingSlices)
        h.findings.push_back({FindingCode::ExplodingChannels, Severity::Warning,
                              std::to_string(h.explodingSlices) + " slices have a " + what +
                                  " at least 10^4 times the median slice's (" + number(median) +
                                  "), or not finite: a few channels dominate the activations"});
    const int p = precisionBits(in.capturedDType);
    const double lost16 = h.maxMeanToSpread / std::ldexp(1.0, 8);
    if (h.maxMeanToSpread > 0 && (lost16 > 0.1 || h.maxAbsInput > 256)) {
        std::string m = "the largest |mean| / std over the slices is " + number(h.maxMeanToSpread) +
                        ": in bfloat16 a value near the mean is rounded to about " +
                        number(lost16) + " of the spread (in float16 " +
                        number(h.maxMeanToSpread / 2048) + ")";
        if (h.maxAbsInput > 256)
            m += "; |x| reaches " + number(h.maxAbsInput) +
                 ", beyond 256, where x^2 overflows float16 if a variance is computed in float16 "
                 "(PyTorch's kernels accumulate in float32)";
        const bool inThatDType = p < 24 && h.maxMeanToSpread / std::ldexp(1.0, p) > 0.1;
        h.findings.push_back(
            {FindingCode::PrecisionRisk, inThatDType ? Severity::Warning : Severity::Info, m});
    }
}

void padding(const LayerHealthInput& in, const NormResult& batch, LayerHealth& h) {
    if (in.inputs.mask.isNull()) return;
    const NormResult masked = run(in.spec, in.inputs, true, true);
    if (!masked.ok() || masked.mean.size() != batch.mean.size()) return;
    const double eps = in.spec.eps.value_or(0);
    double shift = 0;
    for (std::int64_t s = 0; s < batch.mean.size(); ++s) {
        if (masked.count.at(s) < 1) continue;
        shift = std::max(shift, std::abs(batch.mean.at(s) - masked.mean.at(s)) /
                                    std::sqrt(masked.var.at(s) + eps));
    }
    h.paddingMeanShift = shift;
    h.paddingOutputGap = maxDifference(batch.output, masked.output, in.inputs.mask);
    if (shift > 0.1 || *h.paddingOutputGap > 0.1)
        h.findings.push_back(
            {FindingCode::PaddingContamination, Severity::Warning,
             "the padding enters this layer's statistics (PyTorch's module takes no mask): "
             "with it a slice's mean moves by up to " +
                 number(shift) + " standard deviations, and the valid outputs change by up to " +
                 number(*h.paddingOutputGap) +
                 " (the model's output depends on how much padding "
                 "a batch has: normalise over valid elements only, e.g. a masked norm)"});
}

} // namespace

LayerHealth layerHealth(const LayerHealthInput& in) {
    LayerHealth h;
    h.maxAbsInput = maxAbs(in.inputs.input, &h.nonFiniteInputs);
    if (h.nonFiniteInputs > 0) {
        const bool all = h.nonFiniteInputs == in.inputs.input.size();
        h.findings.push_back(
            {FindingCode::NonFiniteInput, Severity::Error,
             std::to_string(h.nonFiniteInputs) + " of " + std::to_string(in.inputs.input.size()) +
                 " input elements are NaN or infinite: every statistic of their slices is NaN, "
                 "and so is the output there (and, in training mode, the running statistics "
                 "after this step); find where the activations first stop being finite"});
        if (all) return h; // no figure would describe anything
    }
    // Batch statistics: what the layer computes in training mode (and always, for the
    // per-sample variants).
    const NormResult batch = run(in.spec, in.inputs, true, false);
    if (!batch.ok()) {
        h.error = batch.error;
        return h;
    }
    h.slices = batch.mean.isNull() ? batch.var.size() : batch.mean.size();
    sliceFigures(in, batch, h);
    trainEvalGap(in, batch, h);
    padding(in, batch, h);

    const bool batchStatistics = in.spec.training || !in.spec.trackRunningStats;
    const bool acrossSamples =
        in.spec.variant == Variant::BatchNorm || in.spec.variant == Variant::BatchChannelNorm;
    if (!in.torchOutput.isNull()) {
        if (acrossSamples && batchStatistics && !in.wholeBatch) {
            h.findings.push_back({FindingCode::CaptureSubset, Severity::Info,
                                  "only the first samples were captured, and this layer's "
                                  "statistics run across the batch: NormLab's output is not "
                                  "compared with PyTorch's (raise --cap-mib to capture it all)"});
        } else if (in.torchOutput.shape() != in.inputs.input.shape()) {
            h.findings.push_back({FindingCode::CaptureMismatch, Severity::Warning,
                                  "PyTorch's saved output has shape " +
                                      shapeToString(in.torchOutput.shape()) + ", the input " +
                                      shapeToString(in.inputs.input.shape())});
        } else {
            const NormResult ours =
                in.spec.training ? batch : run(in.spec, in.inputs, false, false);
            if (ours.ok()) {
                h.maxErrorVsTorch = maxDifference(ours.output, in.torchOutput);
                const int p = precisionBits(in.capturedDType);
                // PyTorch computed in the activation's dtype (float32 at best): its rounding,
                // amplified by the slices' conditioning, is not a mismatch.
                const double tolerance = std::max(1.0, maxAbs(in.torchOutput)) *
                                         std::max(1.0, h.conditioning) *
                                         std::ldexp(1.0, 4 - std::min(p, 24));
                if (!(*h.maxErrorVsTorch <= tolerance))
                    h.findings.push_back(
                        {FindingCode::CaptureMismatch, Severity::Warning,
                         "NormLab's output on the captured input differs from PyTorch's by up to " +
                             number(*h.maxErrorVsTorch) + " (tolerance " + number(tolerance) +
                             "): the module's forward() is not the standard one (a subclass "
                             "that permutes or rescales), or the capture is inconsistent"});
            }
        }
    }
    return h;
}

HealthRanking rankByExecution(std::vector<LayerHealth>& layers,
                              const std::vector<std::string>& names) {
    HealthRanking r;
    r.inheritedFrom.resize(layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i)
        for (HealthFinding& f : layers[i].findings) {
            if (f.code != FindingCode::TrainEvalGap || f.severity != Severity::Warning) continue;
            if (!r.firstDivergence) {
                r.firstDivergence = i;
                f.message = "the first layer, in execution order, whose eval output departs from "
                            "its training output: start here. " +
                            f.message;
                continue;
            }
            r.inheritedFrom[i] = r.firstDivergence;
            f.severity = Severity::Info;
            f.message = "inherited from " + names.at(*r.firstDivergence) +
                        ", which runs earlier and already diverges (in eval mode this layer's "
                        "input differs too): " +
                        f.message;
        }
    return r;
}

} // namespace normlab
