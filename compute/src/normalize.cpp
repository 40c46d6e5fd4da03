// Orchestration of a run: plan (validate) once, then per stage statistics -> running update
// -> output; backward through the stages in reverse; inverse and log-determinant. All
// per-element arithmetic happens in the backend's kernels; this file moves data (without
// copying it where the layout is the input order) and applies PyTorch's rules about which
// statistics each mode uses.
#include "normlab/normalize.h"
#include "normlab/slice_indexer.h"

#include "kept_elements.h"
#include "masking.h"
#include "plan.h"
#include "running_stats.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>

namespace normlab {

using namespace detail;

namespace {

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
    return permuteFromLayout(std::move(t), shape, permutation);
}

// A running buffer given in input order -> values in layout order (defaults if absent).
std::vector<double> runningValues(const Tensor& given, const Stage& stage, double fallback) {
    if (given.isNull())
        return std::vector<double>(std::size_t(numElements(stage.runningShape)), fallback);
    return LayoutView(given.reshaped(stage.runningShape), stage.runningPermutation)
        .tensor()
        .toVector();
}

// `t` itself when it already has `type`, else a converted copy kept in `storage`.
const Tensor& asType(const Tensor& t, DType type, Tensor& storage) {
    if (t.dtype() == type) return t;
    storage = t.castTo(type);
    return storage;
}

struct StageParams {
    std::vector<double> weight, bias;
};

// Affine parameters of stage `index` as float64 (defaults 1 and 0).
StageParams paramsOf(const NormSpec& spec, const NormInputs& inputs, const Stage& stage,
                     std::size_t index) {
    const std::size_t P = std::size_t(stage.layout.numParams());
    StageParams params{std::vector<double>(P, 1.0), std::vector<double>(P, 0.0)};
    if (!spec.affine) return params;
    const Tensor& w = index == 1 ? inputs.channelWeight : inputs.weight;
    const Tensor& b = index == 1 ? inputs.channelBias : inputs.bias;
    for (std::size_t p = 0; p < P; ++p) {
        if (!w.isNull()) params.weight[p] = w.at(std::int64_t(p));
        if (!b.isNull()) params.bias[p] = b.at(std::int64_t(p));
    }
    return params;
}

struct StageState {
    const StagePlan* plan = nullptr;
    std::unique_ptr<StageValidity> validity;
    KernelView view;
    std::optional<LayoutView> in; // stage input in layout order
    Tensor out;                   // stage output in layout order
    std::vector<double> mean, var, rstd;
    std::vector<std::int64_t> count;
    StageParams params;

    const Stage& stage() const { return plan->stage; }
    const SliceLayout& layout() const { return plan->stage.layout; }

    void prepare(const StagePlan& p, const NormInputs& inputs, DType dtype,
                 const Tensor& stageInput) {
        plan = &p;
        validity = std::make_unique<StageValidity>(inputs, p.stage);
        view = {p.stage.layout, dtype, validity->validity()};
        in.emplace(stageInput, p.stage.permutation);
        const std::size_t M = std::size_t(p.stage.layout.slices);
        mean.assign(M, 0.0);
        var.assign(M, 0.0);
        rstd.assign(M, 0.0);
        count.assign(M, 0);
    }
    // Valid elements per slice without reading the data (statistics come from elsewhere).
    void countValid() {
        const SliceLayout& L = layout();
        for (std::int64_t m = 0; m < L.slices; ++m) {
            std::int64_t n = 0;
            for (std::int64_t o = 0; o < L.outer; ++o)
                for (std::int64_t p = 0; p < L.paramInner; ++p)
                    n += validity->validInRun(L, o, m, p);
            count[std::size_t(m)] = n;
        }
    }
    void computeStats(Backend& backend) {
        backend.sliceStats(view, in->raw(), stage().centered, mean.data(), var.data(),
                           count.data());
    }
    // log-determinant contribution: sum over valid e of sample n of
    // log|w_p(e)| - 0.5 log(var_m(e) + eps).
    void addLogdet(double eps, std::vector<double>& logdet) const {
        const SliceLayout& L = layout();
        const bool perRun = validity->masked() || L.batchPlace == BatchPlace::ParamInner;
        // Unmasked: every (o, m) block holds span elements of each p, so its contribution is
        // span * sum_p log|w(m, p)| - span * paramInner * 0.5 log(var + eps).
        std::vector<double> logWeightSum(std::size_t(L.paramMod), 0.0);
        if (!perRun)
            for (std::int64_t k = 0; k < L.paramMod; ++k)
                for (std::int64_t p = 0; p < L.paramInner; ++p)
                    logWeightSum[std::size_t(k)] +=
                        std::log(std::fabs(params.weight[std::size_t(k * L.paramInner + p)]));
        for (std::int64_t o = 0; o < L.outer; ++o)
            for (std::int64_t m = 0; m < L.slices; ++m) {
                const double logScale = -0.5 * std::log(var[std::size_t(m)] + eps);
                if (!perRun) {
                    const double k = double(L.span);
                    logdet[std::size_t(L.sample(o, m, 0))] +=
                        k * logWeightSum[std::size_t((m / L.paramDiv) % L.paramMod)] +
                        k * double(L.paramInner) * logScale;
                    continue;
                }
                for (std::int64_t p = 0; p < L.paramInner; ++p) {
                    const std::int64_t valid = validity->validInRun(L, o, m, p);
                    if (valid == 0) continue;
                    const double w = params.weight[std::size_t(L.param(m, p))];
                    logdet[std::size_t(L.sample(o, m, p))] +=
                        double(valid) * (std::log(std::fabs(w)) + logScale);
                }
            }
    }
};

// |a - b| per element (computed in double, stored as Out) into `perElement` (may be null)
// and its maximum over the elements valid(i) accepts; a NaN difference sticks as the maximum.
template <class T, class Valid, class Out = double>
double absoluteErrors(const T* a, const T* b, std::int64_t n, Valid valid,
                      Out* perElement = nullptr) {
    double worst = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        const double e = std::fabs(double(a[i]) - double(b[i]));
        if (perElement) perElement[i] = Out(e);
        if (valid(i) && !(e <= worst)) worst = e;
    }
    return worst;
}

// One stage's inverse, x = (y - beta) / gamma * sqrt(var + eps) + mean, with the statistics
// held in `st`: `yLayout` is y in the stage's layout order, x comes back in input order.
Tensor invertStage(const StageState& st, const Tensor& yLayout, const Shape& inputShape, double eps,
                   Backend& backend) {
    std::vector<double> scale(st.var.size());
    for (std::size_t m = 0; m < scale.size(); ++m) scale[m] = std::sqrt(st.var[m] + eps);
    Tensor x = Tensor::uninitialized(yLayout.shape(), yLayout.dtype());
    backend.inverse(st.view, yLayout.raw(), st.mean.data(), scale.data(), st.params.weight.data(),
                    st.params.bias.data(), x.raw());
    return permuteFromLayout(std::move(x), inputShape, st.stage().permutation);
}

void noteSliceCounts(const StageState& st, bool batchStats, bool float32, const char* stageName,
                     std::vector<Diagnostic>& out) {
    std::int64_t empty = 0, single = 0, nonFinite = 0, overflow32 = 0;
    for (std::size_t m = 0; m < st.count.size(); ++m) {
        empty += st.count[m] == 0;
        single += st.count[m] == 1;
        const bool finite = std::isfinite(st.mean[m]) && std::isfinite(st.var[m]);
        nonFinite += st.count[m] > 0 && !finite;
        // Σ(x − μ)² = n·var beyond float32's largest value: a float32 sum of squares overflows.
        overflow32 += float32 && finite &&
                      st.var[m] * double(st.count[m]) > double(std::numeric_limits<float>::max());
    }
    const std::string total = std::to_string(st.count.size());
    if (empty)
        out.push_back({Severity::Warning, FindingCode::EmptySlice,
                       std::string(stageName) + std::to_string(empty) + " of " + total +
                           " slices have no valid element: their mean and variance are NaN and "
                           "their outputs 0"});
    if (single && batchStats)
        out.push_back({Severity::Warning, FindingCode::DegenerateSlice,
                       std::string(stageName) + std::to_string(single) + " of " + total +
                           " slices have exactly one valid element: x - mean = 0 there, so the "
                           "output is the bias and the variance is 0"});
    // A NaN or Inf anywhere in a slice makes its sum, and so its statistics, non-finite.
    if (nonFinite && batchStats)
        out.push_back({Severity::Warning, FindingCode::NonFiniteInput,
                       std::string(stageName) + std::to_string(nonFinite) + " of " + total +
                           " slices hold NaN or infinite values (or overflow): their statistics, "
                           "and so their outputs, are not finite"});
    if (overflow32 && batchStats)
        out.push_back({Severity::Warning, FindingCode::Float32Overflow,
                       std::string(stageName) + std::to_string(overflow32) + " of " + total +
                           " slices have a sum of squared deviations (x - mean)^2 beyond float32's "
                           "range (3.4e38): NormLab sums in float64, so its outputs stay finite, "
                           "but a float32 variance there is inf and PyTorch's float32 kernels "
                           "give NaN or 0; use float64 or rescale the input"});
}

} // namespace

namespace {

// Thrown between passes when RunOptions::cancel is set; normalize() turns it into a result.
struct Cancelled {};

void stopIfCancelled(const RunOptions& options) {
    if (options.cancel && options.cancel->load(std::memory_order_relaxed)) throw Cancelled{};
}

// The running statistics a run reads and updates (the first stage's grid).
struct RunningState {
    std::vector<double> mean, var;
    std::int64_t batchesTracked = 0;
};

// Stage `s` forward: statistics (from the batch, or the running ones), the running update,
// rstd, and the output when `output` (the next stage, y or the inverse reads it); notes on
// empty, single, non-finite and overflowing slices into `diagnostics`.
void forwardStage(const NormSpec& spec, const NormInputs& inputs, const Plan& plan, std::size_t s,
                  const Tensor& stageInput, bool output, Backend& backend, StageState& st,
                  RunningState& running, std::vector<Diagnostic>& diagnostics) {
    const StagePlan& sp = plan.stages[s];
    const DType dtype = plan.dtype;
    st.prepare(sp, inputs, dtype, stageInput);
    st.params = paramsOf(spec, inputs, sp.stage, s);
    const SliceLayout& L = sp.stage.layout;
    const bool batchStats = sp.source != StatsSource::Running;
    const bool ownStats = sp.source == StatsSource::Batch;
    if (output) st.out = Tensor::uninitialized(st.in->tensor().shape(), dtype);
    if (ownStats && output) // statistics and output in one sweep over the data
        backend.forwardWithBatchStats(st.view, st.in->raw(), sp.stage.centered, plan.eps,
                                      st.params.weight.data(), st.params.bias.data(),
                                      st.mean.data(), st.var.data(), st.count.data(), st.out.raw());
    else if (batchStats)
        st.computeStats(backend);
    else
        st.countValid();
    if (sp.updatesRunning) {
        if (plan.countsBatches) ++running.batchesTracked;
        // momentum=None: a cumulative average, except InstanceNorm, whose module passes
        // 0.0 on (PyTorch 2.x; 1.13 raises a TypeError): running statistics stay as they are.
        const double factor = spec.momentum ? *spec.momentum
                              : spec.variant == Variant::InstanceNorm
                                  ? 0.0
                                  : 1.0 / double(running.batchesTracked);
        const RunningUpdate u = updateRunningStats(
            L, st.mean, st.var, st.count, factor, sp.unbiasedRunningVar, running.mean, running.var);
        if (u.skippedSlices)
            diagnostics.push_back(
                {Severity::Warning, FindingCode::RunningStatsSkipped,
                 std::to_string(u.skippedSlices) + " slice(s) with " +
                     (sp.unbiasedRunningVar ? "at most one valid element" : "no valid element") +
                     " were left out of the running-statistics update" +
                     (u.untouchedEntries ? "; " + std::to_string(u.untouchedEntries) +
                                               " running entries kept their old value"
                                         : std::string())});
    }
    if (!ownStats)
        for (std::int64_t m = 0; m < L.slices; ++m) {
            st.mean[std::size_t(m)] = running.mean[std::size_t(L.runningIndex(m))];
            st.var[std::size_t(m)] = running.var[std::size_t(L.runningIndex(m))];
        }
    for (std::size_t m = 0; m < st.rstd.size(); ++m) st.rstd[m] = inverseStd(st.var[m], plan.eps);
    if (!ownStats && output)
        backend.forward(st.view, st.in->raw(), st.mean.data(), st.rstd.data(),
                        st.params.weight.data(), st.params.bias.data(), st.out.raw());
    const bool masked = !inputs.lengths.isNull() || !inputs.mask.isNull();
    if (masked || batchStats)
        noteSliceCounts(st, sp.source == StatsSource::Batch, spec.dtype == DType::Float32,
                        s == 1 ? "channel stage: " : "", diagnostics);
}

// The statistics grids (both stages') and the running statistics into `result`.
void writeStatistics(const Plan& plan, const std::vector<StageState>& stages,
                     const RunningState& running, NormResult& result) {
    const Stage& first = plan.stages[0].stage;
    const DType dtype = plan.dtype;
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
            gridTensor(running.mean, first.runningShape, first.runningPermutation, dtype);
        result.runningVar =
            gridTensor(running.var, first.runningShape, first.runningPermutation, dtype);
    }
    result.numBatchesTracked = running.batchesTracked;
}

// Backward through the stages in reverse from dy: dx, and dγ, dβ per stage with affine
// parameters.
void backwardStages(const NormSpec& spec, const Tensor& gradOutput, DType dtype, const Shape& shape,
                    Backend& backend, std::vector<StageState>& stages, NormResult& result) {
    Tensor gradStorage;
    const Tensor* grad = &asType(gradOutput, dtype, gradStorage);
    Tensor dxInputOrder;
    const bool hasBias = spec.variant != Variant::RmsNorm;
    for (std::size_t s = stages.size(); s-- > 0;) {
        StageState& st = stages[s];
        const Stage& stage = st.stage();
        const std::size_t P = std::size_t(stage.layout.numParams());
        std::vector<double> dweight(P, 0.0), dbias(P, 0.0);
        const LayoutView gradLayout(*grad, stage.permutation);
        Tensor dx = Tensor::uninitialized(st.in->tensor().shape(), dtype);
        backend.backward(st.view, st.in->raw(), gradLayout.raw(), st.mean.data(), st.rstd.data(),
                         st.count.data(), st.params.weight.data(), stage.centered,
                         st.plan->source == StatsSource::Batch, dx.raw(),
                         spec.affine ? dweight.data() : nullptr,
                         spec.affine && hasBias ? dbias.data() : nullptr);
        dxInputOrder = permuteFromLayout(std::move(dx), shape, stage.permutation);
        grad = &dxInputOrder;
        if (spec.affine) {
            (s == 1 ? result.gradChannelWeight : result.gradWeight) =
                tensorFrom(dweight, stage.paramShape, dtype);
            if (hasBias)
                (s == 1 ? result.gradChannelBias : result.gradBias) =
                    tensorFrom(dbias, stage.paramShape, dtype);
        }
    }
    result.gradInput = std::move(dxInputOrder);
}

// The inverse with the stored statistics through the stages in reverse, its largest error
// over the valid elements of x, and the log-determinant per sample.
void inverseStages(const Plan& plan, const NormInputs& inputs, const Tensor& x, Backend& backend,
                   std::vector<StageState>& stages, NormResult& result) {
    const Shape& shape = inputs.input.shape();
    Tensor y;
    std::vector<double> logdet(std::size_t(shape[0]), 0.0);
    for (std::size_t s = stages.size(); s-- > 0;) {
        StageState& st = stages[s];
        const LayoutView yLayout(y.isNull() ? result.output : y, st.stage().permutation);
        y = invertStage(st, yLayout.tensor(), shape, plan.eps, backend);
        st.addLogdet(plan.eps, logdet);
    }
    result.reconstruction = std::move(y);
    result.logdet = tensorFrom(logdet, {shape[0]}, plan.dtype);
    const Tensor valid = inputOrderMask(inputs);
    result.maxReconstructionError =
        reconstructionError(x, result.reconstruction, valid.isNull() ? nullptr : &valid, false)
            .maxValid;
}

// The plan, then the forward pass stage by stage (stage s + 1 reads stage s's output in
// place), the statistics, and the backward pass and the inverse where asked; a cancel is
// honoured between these passes.
NormResult normalizeOn(const NormSpec& spec, const NormInputs& inputs, Backend& backend,
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
    const Shape& shape = inputs.input.shape();
    Tensor xStorage;
    const Tensor& x = asType(inputs.input, plan.dtype, xStorage);
    RunningState running{{}, {}, inputs.numBatchesTracked};
    if (plan.tracked) {
        running.mean = runningValues(inputs.runningMean, plan.stages[0].stage, 0.0);
        running.var = runningValues(inputs.runningVar, plan.stages[0].stage, 1.0);
    }
    std::vector<StageState> stages(plan.stages.size());
    for (std::size_t s = 0; s < stages.size(); ++s)
        forwardStage(spec, inputs, plan, s, s == 0 ? x : stages[s - 1].out,
                     options.output || options.inverse || s + 1 < stages.size(), backend, stages[s],
                     running, result.diagnostics);
    // The last stage's output is not read again by the stages (backward reads inputs).
    if (StageState& last = stages.back(); !last.out.isNull())
        result.output = permuteFromLayout(std::move(last.out), shape, last.stage().permutation);
    writeStatistics(plan, stages, running, result);
    stopIfCancelled(options);
    if (!inputs.gradOutput.isNull())
        backwardStages(spec, inputs.gradOutput, plan.dtype, shape, backend, stages, result);
    stopIfCancelled(options);
    if (options.inverse) inverseStages(plan, inputs, x, backend, stages, result);
    result.elapsedMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return result;
}

} // namespace

NormResult normalize(const NormSpec& spec, const NormInputs& inputs, Backend& backend,
                     const RunOptions& options) {
    try {
        stopIfCancelled(options);
        return normalizeOn(spec, inputs, backend, options);
    } catch (const Cancelled&) {
        NormResult result;
        result.backend = std::string(backendName(backend.kind()));
        result.cancelled = true;
        result.error = "cancelled";
        return result;
    } catch (const BackendFailure& failure) {
        NormResult result;
        result.backend = std::string(backendName(backend.kind()));
        result.error = failure.what();
        return result;
    }
}

std::optional<Shape> parameterShape(const NormSpec& spec, const NormInputs& inputs, int stage,
                                    std::string* error) {
    NormInputs shapeOnly; // the optional tensors may not fit yet: they are what is being made
    shapeOnly.input = inputs.input;
    shapeOnly.lengths = inputs.lengths;
    shapeOnly.mask = inputs.mask;
    const Plan plan = makePlan(spec, shapeOnly);
    if (!plan.error.empty() || stage < 0 || std::size_t(stage) >= plan.stages.size()) {
        if (error) *error = plan.error.empty() ? "no such stage" : plan.error;
        return std::nullopt;
    }
    return plan.stages[std::size_t(stage)].stage.paramShape;
}

namespace {

// The stage `stageIndex` of a valid configuration, or null with *error set.
const Stage* stageOf(const Plan& plan, int stageIndex, std::string* error) {
    if (!plan.error.empty() || stageIndex < 0 || std::size_t(stageIndex) >= plan.stages.size()) {
        if (error) *error = plan.error.empty() ? "no such stage" : plan.error;
        return nullptr;
    }
    return &plan.stages[std::size_t(stageIndex)].stage;
}

// An int64 tensor of the input's shape: every element of the run (o, m, p) in layout order
// holds value(o, m, p) (a function called once per run, not per element); masked-out
// elements hold -1.
template <class Value>
Tensor elementMap(const Stage& stage, const NormInputs& inputs, Value value) {
    const SliceLayout& L = stage.layout;
    Tensor ids =
        Tensor::uninitialized(permutedShape(inputs.input.shape(), stage.permutation), DType::Int64);
    std::int64_t* out = ids.data<std::int64_t>();
    for (std::int64_t o = 0; o < L.outer; ++o)
        for (std::int64_t m = 0; m < L.slices; ++m)
            for (std::int64_t p = 0; p < L.paramInner; ++p)
                std::fill_n(out + ((o * L.slices + m) * L.paramInner + p) * L.span, L.span,
                            value(o, m, p));
    Tensor result = permuteFromLayout(std::move(ids), inputs.input.shape(), stage.permutation);
    const Tensor valid = inputOrderMask(inputs);
    if (!valid.isNull())
        for (std::int64_t i = 0; i < result.size(); ++i)
            if (!valid.data<std::uint8_t>()[i]) result.data<std::int64_t>()[i] = -1;
    return result;
}

} // namespace

Tensor sliceIndexMap(const NormSpec& spec, const NormInputs& inputs, int stageIndex,
                     std::string* error) {
    const Plan plan = makePlan(spec, inputs);
    const Stage* stage = stageOf(plan, stageIndex, error);
    if (!stage) return {};
    // Slice m in layout order of the kept axes -> its flat index in input order.
    const std::vector<std::int64_t> indexOfSlice =
        inputIndicesInLayoutOrder(stage->statsShape, stage->statsPermutation);
    return elementMap(*stage, inputs, [&](std::int64_t, std::int64_t m, std::int64_t) {
        return indexOfSlice[std::size_t(m)];
    });
}

Tensor parameterIndexMap(const NormSpec& spec, const NormInputs& inputs, int stageIndex,
                         std::string* error) {
    const Plan plan = makePlan(spec, inputs);
    const Stage* stage = stageOf(plan, stageIndex, error);
    if (!stage) return {};
    return elementMap(*stage, inputs, [&](std::int64_t, std::int64_t m, std::int64_t p) {
        return stage->layout.param(m, p);
    });
}

std::vector<std::int64_t> parameterIndicesOf(const NormSpec& spec, const NormInputs& inputs,
                                             const std::vector<std::int64_t>& flat, int stageIndex,
                                             std::string* error) {
    const SliceIndexer indexer(spec, inputs, stageIndex, error);
    if (!indexer.valid()) return {};
    std::vector<std::int64_t> out;
    out.reserve(flat.size());
    for (std::int64_t e : flat) out.push_back(indexer.parameterOf(e));
    return out;
}

ReconstructionError reconstructionError(const Tensor& x, const Tensor& reconstruction,
                                        const Tensor* validMap, bool perElement) {
    ReconstructionError out;
    if (x.shape() != reconstruction.shape() || !isFloating(reconstruction.dtype())) return out;
    Tensor xStorage;
    const Tensor& xs = asType(x, reconstruction.dtype(), xStorage);
    if (perElement) out.perElement = Tensor::uninitialized(x.shape(), reconstruction.dtype());
    withKeptTest(x, validMap, [&](auto kept) {
        if (reconstruction.dtype() == DType::Float64)
            out.maxValid =
                absoluteErrors(xs.data<double>(), reconstruction.data<double>(), x.size(), kept,
                               perElement ? out.perElement.data<double>() : nullptr);
        else
            out.maxValid =
                absoluteErrors(xs.data<float>(), reconstruction.data<float>(), x.size(), kept,
                               perElement ? out.perElement.data<float>() : nullptr);
    });
    return out;
}

ReconstructionError reconstructionErrorInPlace(const Tensor& x, Tensor reconstruction,
                                               const Tensor* validMap) {
    ReconstructionError out;
    if (x.shape() != reconstruction.shape() || !isFloating(reconstruction.dtype())) return out;
    Tensor xStorage;
    const Tensor& xs = asType(x, reconstruction.dtype(), xStorage);
    out.perElement = std::move(reconstruction); // each element read, then overwritten
    withKeptTest(x, validMap, [&](auto kept) {
        if (out.perElement.dtype() == DType::Float64) {
            double* e = out.perElement.data<double>();
            out.maxValid = absoluteErrors(xs.data<double>(), e, x.size(), kept, e);
        } else {
            float* e = out.perElement.data<float>();
            out.maxValid = absoluteErrors(xs.data<float>(), e, x.size(), kept, e);
        }
    });
    return out;
}

Tensor invertReestimating(const NormSpec& spec, const NormInputs& inputs, const Tensor& output,
                          Backend& backend) {
    const Plan plan = makePlan(spec, inputs);
    if (!plan.error.empty() || output.shape() != inputs.input.shape()) return {};
    const Shape& shape = inputs.input.shape();
    // Read, never written (each stage makes a new tensor): shared when no cast is needed.
    Tensor y = output.dtype() == plan.dtype ? output.share() : output.castTo(plan.dtype);
    for (std::size_t s = plan.stages.size(); s-- > 0;) {
        StageState st;
        st.prepare(plan.stages[s], inputs, plan.dtype, y);
        st.params = paramsOf(spec, inputs, st.stage(), s);
        st.computeStats(backend); // from the tensor being inverted: the classic bug
        Tensor x = invertStage(st, st.in->tensor(), shape, plan.eps, backend);
        st.in.reset(); // it may borrow y
        y = std::move(x);
    }
    return y;
}

} // namespace normlab
