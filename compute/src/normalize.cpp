// Orchestration of a run: plan (validate) once, then per stage statistics -> running update
// -> output; backward through the stages in reverse; inverse and log-determinant. All
// arithmetic happens in the backend's kernels; this file moves data and applies PyTorch's
// rules about which statistics each mode uses.
#include "normlab/normalize.h"

#include "masking.h"
#include "plan.h"
#include "running_stats.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <memory>

namespace normlab {

using namespace detail;

namespace {

std::vector<double> valuesOr(const Tensor& t, std::int64_t n, double fallback) {
    std::vector<double> v(std::size_t(n), fallback);
    if (!t.isNull())
        for (std::int64_t i = 0; i < n; ++i) v[std::size_t(i)] = t.at(i);
    return v;
}

Tensor tensorFrom(const std::vector<double>& v, const Shape& shape, DType type) {
    return Tensor::fromValues(shape, type, v);
}

// Values held in layout order of a stats grid -> tensor of `shape` in input order.
Tensor gridTensor(const std::vector<double>& v, const Shape& shape,
                  const std::vector<int>& permutation, DType type) {
    return permuteFromLayout(tensorFrom(v, permutedShape(shape, permutation), type), shape,
                             permutation);
}

Tensor countTensor(const std::vector<std::int64_t>& v, const Shape& shape,
                   const std::vector<int>& permutation) {
    Tensor t = Tensor::uninitialized(permutedShape(shape, permutation), DType::Int64);
    for (std::size_t i = 0; i < v.size(); ++i) t.data<std::int64_t>()[i] = v[i];
    return permuteFromLayout(t, shape, permutation);
}

// A running buffer given in input order -> values in layout order (defaults if absent).
std::vector<double> runningValues(const Tensor& given, const Stage& stage, double fallback) {
    if (given.isNull())
        return std::vector<double>(std::size_t(numElements(stage.runningShape)), fallback);
    return permuteToLayout(given.reshaped(stage.runningShape), stage.runningPermutation).toVector();
}

// Affine parameters of stage `index` as float64 (defaults 1 and 0).
struct StageParams {
    std::vector<double> weight, bias;
};
StageParams paramsOf(const NormSpec& spec, const NormInputs& inputs, const Stage& stage,
                     std::size_t index) {
    const std::int64_t P = stage.layout.numParams();
    const bool channelStage = index == 1;
    const Tensor& w = channelStage ? inputs.channelWeight : inputs.weight;
    const Tensor& b = channelStage ? inputs.channelBias : inputs.bias;
    if (!spec.affine)
        return {std::vector<double>(std::size_t(P), 1.0), std::vector<double>(std::size_t(P), 0.0)};
    return {valuesOr(w, P, 1.0), valuesOr(b, P, 0.0)};
}

struct StageState {
    const StagePlan* plan = nullptr;
    std::unique_ptr<StageValidity> validity;
    KernelView view;
    Tensor in, out; // layout order
    std::vector<double> mean, var, rstd;
    std::vector<std::int64_t> count;
    StageParams params;

    const Stage& stage() const { return plan->stage; }
    void prepare(const StagePlan& p, const NormInputs& inputs, DType dtype,
                 const Tensor& stageInput) {
        plan = &p;
        validity = std::make_unique<StageValidity>(inputs, p.stage);
        view = {p.stage.layout, dtype, validity->validity()};
        in = permuteToLayout(stageInput, p.stage.permutation);
        const std::size_t M = std::size_t(p.stage.layout.slices);
        mean.assign(M, 0.0);
        var.assign(M, 0.0);
        rstd.assign(M, 0.0);
        count.assign(M, 0);
    }
    void countValid() {
        const SliceLayout& L = stage().layout;
        for (std::int64_t m = 0; m < L.slices; ++m) {
            std::int64_t n = 0;
            for (std::int64_t o = 0; o < L.outer; ++o)
                for (std::int64_t p = 0; p < L.paramInner; ++p)
                    n += validity->validInRun(L, o, m, p);
            count[std::size_t(m)] = n;
        }
    }
};

void noteNonFinite(const Tensor& x, std::vector<Diagnostic>& out) {
    std::int64_t bad = 0;
    for (std::int64_t i = 0; i < x.size(); ++i) bad += !std::isfinite(x.at(i));
    if (bad)
        out.push_back({Severity::Warning, "non_finite_input",
                       std::to_string(bad) +
                           " input value(s) are NaN or infinite; they make the "
                           "statistics of their slices, and so those slices' outputs, NaN"});
}

void noteSliceCounts(const StageState& st, bool batchStats, const char* stageName,
                     std::vector<Diagnostic>& out) {
    std::int64_t empty = 0, single = 0;
    for (std::int64_t n : st.count) {
        empty += n == 0;
        single += n == 1;
    }
    const std::string total = std::to_string(st.count.size());
    if (empty)
        out.push_back({Severity::Warning, "empty_slice",
                       std::string(stageName) + std::to_string(empty) + " of " + total +
                           " slices have no valid element: their mean and variance are NaN and "
                           "their outputs 0"});
    if (single && batchStats)
        out.push_back({Severity::Warning, "degenerate_slice",
                       std::string(stageName) + std::to_string(single) + " of " + total +
                           " slices have exactly one valid element: x - mean = 0 there, so the "
                           "output is the bias and the variance is 0"});
}

} // namespace

NormResult normalize(const NormSpec& spec, const NormInputs& inputs, Backend& backend,
                     const RunOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    NormResult result;
    result.backend = std::string(backendName(backend.kind()));
    if (std::string why = backend.unavailableReason(); !why.empty()) {
        result.error = why;
        return result;
    }
    const Plan plan = makePlan(spec, inputs);
    if (!plan.error.empty()) {
        result.error = plan.error;
        return result;
    }
    result.diagnostics = plan.warnings;
    const DType dtype = plan.dtype;
    const Shape& shape = inputs.input.shape();
    const Tensor x = inputs.input.castTo(dtype);
    noteNonFinite(x, result.diagnostics);
    const bool masked = !inputs.lengths.isNull() || !inputs.mask.isNull();

    const Stage& first = plan.stages[0].stage;
    std::vector<double> runningMean, runningVar;
    std::int64_t batchesTracked = inputs.numBatchesTracked;
    if (plan.tracked) {
        runningMean = runningValues(inputs.runningMean, first, 0.0);
        runningVar = runningValues(inputs.runningVar, first, 1.0);
    }

    // Forward, stage by stage.
    std::vector<StageState> stages(plan.stages.size());
    Tensor current = x;
    for (std::size_t s = 0; s < stages.size(); ++s) {
        StageState& st = stages[s];
        const StagePlan& sp = plan.stages[s];
        st.prepare(sp, inputs, dtype, current);
        st.params = paramsOf(spec, inputs, sp.stage, s);
        const SliceLayout& L = sp.stage.layout;
        const bool batchStats = sp.source != StatsSource::Running;
        if (batchStats)
            backend.sliceStats(st.view, st.in.raw(), sp.stage.centered, st.mean.data(),
                               st.var.data(), st.count.data());
        else
            st.countValid();
        if (sp.updatesRunning) {
            if (plan.countsBatches) ++batchesTracked;
            const double factor = spec.momentum ? *spec.momentum : 1.0 / double(batchesTracked);
            const RunningUpdate u =
                updateRunningStats(L, st.mean, st.var, st.count, factor, sp.unbiasedRunningVar,
                                   runningMean, runningVar);
            if (u.skippedSlices)
                result.diagnostics.push_back(
                    {Severity::Warning, "running_stats_skipped",
                     std::to_string(u.skippedSlices) + " slice(s) with " +
                         (sp.unbiasedRunningVar ? "at most one valid element"
                                                : "no valid element") +
                         " were left out of the running-statistics update" +
                         (u.untouchedEntries ? "; " + std::to_string(u.untouchedEntries) +
                                                   " running entries kept their old value"
                                             : std::string())});
        }
        if (sp.source != StatsSource::Batch)
            for (std::int64_t m = 0; m < L.slices; ++m) {
                st.mean[std::size_t(m)] = runningMean[std::size_t(L.runningIndex(m))];
                st.var[std::size_t(m)] = runningVar[std::size_t(L.runningIndex(m))];
            }
        for (std::size_t m = 0; m < st.rstd.size(); ++m)
            st.rstd[m] = 1.0 / std::sqrt(st.var[m] + plan.eps);
        st.out = Tensor::uninitialized(st.in.shape(), dtype);
        backend.forward(st.view, st.in.raw(), st.mean.data(), st.rstd.data(),
                        st.params.weight.data(), st.params.bias.data(), st.out.raw());
        current = permuteFromLayout(st.out, shape, sp.stage.permutation);
        if (masked || batchStats)
            noteSliceCounts(st, sp.source == StatsSource::Batch, s == 1 ? "channel stage: " : "",
                            result.diagnostics);
    }
    result.output = current;
    const std::vector<int>& statsOrder = first.statsPermutation;
    result.mean = gridTensor(stages[0].mean, first.statsShape, statsOrder, dtype);
    result.var = gridTensor(stages[0].var, first.statsShape, statsOrder, dtype);
    result.count = countTensor(stages[0].count, first.statsShape, statsOrder);
    if (stages.size() == 2) {
        const Shape& cs = plan.stages[1].stage.statsShape;
        result.channelMean = gridTensor(stages[1].mean, cs, {}, dtype);
        result.channelVar = gridTensor(stages[1].var, cs, {}, dtype);
        result.channelCount = countTensor(stages[1].count, cs, {});
    }
    result.tracksRunningStats = plan.tracked;
    if (plan.tracked) {
        result.runningMean =
            gridTensor(runningMean, first.runningShape, first.runningPermutation, dtype);
        result.runningVar =
            gridTensor(runningVar, first.runningShape, first.runningPermutation, dtype);
    }
    result.numBatchesTracked = batchesTracked;

    // Backward through the stages in reverse.
    if (!inputs.gradOutput.isNull()) {
        Tensor grad = inputs.gradOutput.castTo(dtype);
        for (std::size_t s = stages.size(); s-- > 0;) {
            StageState& st = stages[s];
            const Stage& stage = st.stage();
            const std::int64_t P = stage.layout.numParams();
            std::vector<double> dweight(std::size_t(P), 0.0), dbias(std::size_t(P), 0.0);
            const bool hasBias = spec.variant != Variant::RmsNorm;
            const Tensor gradLayout = permuteToLayout(grad, stage.permutation);
            Tensor dx = Tensor::uninitialized(st.in.shape(), dtype);
            backend.backward(st.view, st.in.raw(), gradLayout.raw(), st.mean.data(), st.rstd.data(),
                             st.count.data(), st.params.weight.data(), stage.centered,
                             st.plan->source == StatsSource::Batch, dx.raw(),
                             spec.affine ? dweight.data() : nullptr,
                             spec.affine && hasBias ? dbias.data() : nullptr);
            grad = permuteFromLayout(dx, shape, stage.permutation);
            if (spec.affine) {
                (s == 1 ? result.gradChannelWeight : result.gradWeight) =
                    tensorFrom(dweight, stage.paramShape, dtype);
                if (hasBias)
                    (s == 1 ? result.gradChannelBias : result.gradBias) =
                        tensorFrom(dbias, stage.paramShape, dtype);
            }
        }
        result.gradInput = grad;
    }

    // Inverse with the stored statistics, its error, and the log-determinant.
    if (options.inverse) {
        Tensor y = result.output;
        std::vector<double> logdet(std::size_t(shape[0]), 0.0);
        for (std::size_t s = stages.size(); s-- > 0;) {
            StageState& st = stages[s];
            const Stage& stage = st.stage();
            const SliceLayout& L = stage.layout;
            std::vector<double> scale(st.var.size());
            for (std::size_t m = 0; m < scale.size(); ++m)
                scale[m] = std::sqrt(st.var[m] + plan.eps);
            const Tensor yLayout = permuteToLayout(y, stage.permutation);
            Tensor xr = Tensor::uninitialized(yLayout.shape(), dtype);
            backend.inverse(st.view, yLayout.raw(), st.mean.data(), scale.data(),
                            st.params.weight.data(), st.params.bias.data(), xr.raw());
            y = permuteFromLayout(xr, shape, stage.permutation);
            // logdet[n] += sum over valid e of sample n: log|w_p(e)| - 0.5 log(var_m(e) + eps)
            for (std::int64_t o = 0; o < L.outer; ++o)
                for (std::int64_t m = 0; m < L.slices; ++m)
                    for (std::int64_t p = 0; p < L.paramInner; ++p) {
                        const std::int64_t valid = st.validity->validInRun(L, o, m, p);
                        if (valid == 0) continue;
                        const double w = st.params.weight[std::size_t(L.param(m, p))];
                        logdet[std::size_t(L.sample(o, m, p))] +=
                            double(valid) * (std::log(std::fabs(w)) -
                                             0.5 * std::log(st.var[std::size_t(m)] + plan.eps));
                    }
        }
        result.reconstruction = y;
        result.logdet = tensorFrom(logdet, {shape[0]}, dtype);
        const Tensor valid = inputOrderMask(inputs);
        double worst = 0;
        for (std::int64_t i = 0; i < x.size(); ++i) {
            if (!valid.isNull() && !valid.data<std::uint8_t>()[i]) continue;
            const double e = std::fabs(x.at(i) - y.at(i));
            if (e > worst || std::isnan(e)) worst = e;
        }
        result.maxReconstructionError = worst;
    }
    result.elapsedMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return result;
}

Tensor invertReestimating(const NormSpec& spec, const NormInputs& inputs, const Tensor& output,
                          Backend& backend) {
    const Plan plan = makePlan(spec, inputs);
    if (!plan.error.empty() || output.shape() != inputs.input.shape()) return {};
    const Shape& shape = inputs.input.shape();
    Tensor y = output.castTo(plan.dtype);
    for (std::size_t s = plan.stages.size(); s-- > 0;) {
        StageState st;
        st.prepare(plan.stages[s], inputs, plan.dtype, y);
        const Stage& stage = st.stage();
        const StageParams params = paramsOf(spec, inputs, stage, s);
        backend.sliceStats(st.view, st.in.raw(), stage.centered, st.mean.data(), st.var.data(),
                           st.count.data());
        std::vector<double> scale(st.var.size());
        for (std::size_t m = 0; m < scale.size(); ++m) scale[m] = std::sqrt(st.var[m] + plan.eps);
        Tensor xr = Tensor::uninitialized(st.in.shape(), plan.dtype);
        backend.inverse(st.view, st.in.raw(), st.mean.data(), scale.data(), params.weight.data(),
                        params.bias.data(), xr.raw());
        y = permuteFromLayout(xr, shape, stage.permutation);
    }
    return y;
}

} // namespace normlab
