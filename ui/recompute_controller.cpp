#include "recompute_controller.h"

#include "plot_series.h"

#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <chrono>
#include <new>
#include <utility>

namespace normlab::ui {

void releaseOffGuiThread(std::shared_ptr<const ComputeOutcome> outcome) {
    if (outcome)
        QThreadPool::globalInstance()->start([o = std::move(outcome)]() mutable { o.reset(); });
}

RecomputeController::RecomputeController(QObject* parent)
    : QObject(parent) {
    debounce_.setSingleShot(true);
    debounce_.setInterval(4); // coalesces a burst of edits (a dragged slider)
    connect(&debounce_, &QTimer::timeout, this, &RecomputeController::startPending);
    connect(&watcher_, &QFutureWatcher<void>::finished, this, &RecomputeController::jobFinished);
}

RecomputeController::~RecomputeController() {
    watcher_.waitForFinished();
}

void RecomputeController::request(const WorkbenchState& state) {
    const bool wasBusy = busy();
    if (jobRunning_ && cancelRunning_) *cancelRunning_ = true; // a newer edit supersedes it
    pending_ = state;
    pendingGeneration_ = ++requested_;
    debounce_.start();
    if (!wasBusy) emit busyChanged(true);
}

void RecomputeController::cancel() {
    pending_.reset();
    debounce_.stop();
    if (jobRunning_ && cancelRunning_) *cancelRunning_ = true;
    if (!busy()) emit busyChanged(false);
}

double RecomputeController::runningMs() const {
    return jobRunning_ ? double(runningSince_.nsecsElapsed()) / 1e6 : 0.0;
}

void RecomputeController::startPending() {
    if (!pending_ || watcher_.isRunning()) return; // a running job starts the next itself
    const WorkbenchState state = *pending_;
    const quint64 generation = pendingGeneration_;
    if (needsSource_) needs_ = needsSource_();
    const ComputeNeeds needs = needs_;
    pending_.reset();
    jobRunning_ = true;
    runningSince_.start();
    cancelRunning_ = std::make_shared<std::atomic<bool>>(false);
    // The outcome is handed over through finished_, not the future: a future keeps its
    // result until the next job replaces it, and the last reference to a large outcome
    // would then be dropped, and its memory freed, on the GUI thread.
    watcher_.setFuture(QtConcurrent::run([this, state, generation, needs, stop = cancelRunning_] {
        std::shared_ptr<ComputeOutcome> outcome;
        try {
            outcome = compute(state, generation, &cache_, needs, stop.get());
        } catch (const std::exception& e) { // said, not a crash
            outcome = std::make_shared<ComputeOutcome>();
            outcome->generation = generation;
            outcome->state = state;
            outcome->inputError = dynamic_cast<const std::bad_alloc*>(&e)
                                      ? QStringLiteral("not enough memory for this input")
                                      : QString::fromUtf8(e.what());
        }
        const std::lock_guard lock(finishedMutex_);
        finished_ = std::move(outcome);
    }));
}

void RecomputeController::jobFinished() {
    jobRunning_ = false;
    std::shared_ptr<ComputeOutcome> outcome;
    {
        const std::lock_guard lock(finishedMutex_);
        outcome = std::move(finished_);
    }
    if (outcome->cancelled) {
        ++cancelled_; // superseded or cancelled: nothing of it is shown
    } else if (outcome->generation != requested_) {
        ++dropped_; // a newer edit exists: never show this one
    } else if (!outcome->inputError.isEmpty() || !outcome->result.ok()) {
        emit failed(outcome->inputError.isEmpty() ? QString::fromStdString(outcome->result.error)
                                                  : outcome->inputError,
                    outcome->generation);
    } else {
        releaseOffGuiThread(std::exchange(current_, outcome));
        emit resultReady(current_);
    }
    releaseOffGuiThread(std::move(outcome)); // a dropped or failed one: the last reference
    if (pending_ && !debounce_.isActive())
        startPending();
    else if (!busy())
        emit busyChanged(false);
}

std::shared_ptr<ComputeOutcome> RecomputeController::compute(const WorkbenchState& state,
                                                             quint64 generation, InputCache* cache,
                                                             ComputeNeeds needs,
                                                             const std::atomic<bool>* cancel) {
    const auto start = std::chrono::steady_clock::now();
    auto outcome = std::make_shared<ComputeOutcome>();
    outcome->generation = generation;
    outcome->state = state;
    // Between passes: a cancelled job stops there and shows nothing.
    auto stopped = [&] {
        if (!cancel || !cancel->load(std::memory_order_relaxed)) return false;
        outcome->cancelled = true;
        return true;
    };
    if (stopped()) return outcome;
    outcome->computed = needs;
    std::string error;
    if (state.loadedInput) {
        outcome->inputs.input = state.loadedInput->share();
    } else if (cache && !cache->input.isNull() && cache->recipe == state.recipe) {
        outcome->inputs.input = cache->input.share();
    } else {
        outcome->inputs.input = generateInput(state.recipe, &error, cancel);
        if (stopped()) return outcome; // a part-made input, never cached
        if (cache)
            *cache = {state.recipe, outcome->inputs.input.share(), std::nullopt, 0, Tensor()};
    }
    if (outcome->inputs.input.isNull()) {
        outcome->inputError = QString::fromStdString(error);
        return outcome;
    }
    if (stopped()) return outcome;
    const Shape& shape = outcome->inputs.input.shape();
    if (!state.lengths.empty()) {
        if (std::int64_t(state.lengths.size()) != shape[0]) {
            outcome->inputError = QStringLiteral("%1 lengths for a batch of %2")
                                      .arg(state.lengths.size())
                                      .arg(shape[0]);
            return outcome;
        }
        outcome->inputs.lengths = Tensor::uninitialized({shape[0]}, DType::Int64);
        for (std::size_t n = 0; n < state.lengths.size(); ++n)
            outcome->inputs.lengths.data<std::int64_t>()[n] = state.lengths[n];
    }
    if (state.mask) {
        if (state.mask->shape() != shape) {
            outcome->inputError =
                QStringLiteral("the painted mask is for an input of %1, this one is %2")
                    .arg(QString::fromStdString(shapeToString(state.mask->shape())),
                         QString::fromStdString(shapeToString(shape)));
            return outcome;
        }
        outcome->inputs.mask = state.mask->share();
    }
    std::string why;
    Backend* backend = backendFor(state.backend, &why);
    if (!backend) {
        outcome->inputError = QString::fromStdString(why);
        return outcome;
    }
    NormInputs& in = outcome->inputs;
    if (stopped()) return outcome;
    if (state.spec.trackRunningStats && state.loadedRunningMean && state.loadedRunningVar) {
        in.runningMean = state.loadedRunningMean->share();
        in.runningVar = state.loadedRunningVar->share();
        in.numBatchesTracked = state.loadedNumBatchesTracked;
    }
    if (state.spec.affine && state.affineInit != AffineInit::Identity) {
        if (state.affineInit == AffineInit::Loaded) {
            if (state.loadedWeight) in.weight = state.loadedWeight->share();
            if (state.loadedBias) in.bias = state.loadedBias->share();
        } else {
            // Seeded draws of the parameter shapes of each stage (BCN: batch and channel).
            const int stages = state.spec.variant == Variant::BatchChannelNorm ? 2 : 1;
            for (int stage = 0; stage < stages; ++stage) {
                const auto shape = parameterShape(state.spec, in, stage);
                if (!shape) break; // normalize() reports the configuration error
                InputRecipe gamma{*shape,
                                  Generator::Normal,
                                  1.0,
                                  0.5,
                                  state.affineSeed + 2 * stage,
                                  state.recipe.dtype};
                InputRecipe beta{*shape,
                                 Generator::Normal,
                                 0.0,
                                 0.5,
                                 state.affineSeed + 2 * stage + 1,
                                 state.recipe.dtype};
                (stage ? in.channelWeight : in.weight) = generateInput(gamma);
                if (state.spec.variant != Variant::RmsNorm)
                    (stage ? in.channelBias : in.bias) = generateInput(beta);
            }
        }
    }
    if (!needs.gradients) {
        // No upstream gradient: normalize() skips the backward pass.
    } else if (state.upstream == Upstream::Mse) { // dy depends on y: a forward pass first
        const NormResult forward = normalize(state.spec, in, *backend, RunOptions{false});
        if (!forward.ok()) {
            outcome->result = forward;
            return outcome;
        }
        in.gradOutput = upstreamGradient(Upstream::Mse, in.input, forward.output);
    } else {
        const bool cached = cache && !state.loadedInput && cache->upstream == state.upstream &&
                            cache->upstreamChannel == state.upstreamChannel &&
                            !cache->gradOutput.isNull() && cache->recipe == state.recipe;
        if (cached) {
            in.gradOutput = cache->gradOutput.share();
        } else {
            in.gradOutput = upstreamGradient(state.upstream, in.input, {}, state.recipe.seed + 1,
                                             state.upstreamChannel, cancel);
            if (stopped()) return outcome;
            if (cache && !state.loadedInput && cache->recipe == state.recipe) {
                cache->upstream = state.upstream;
                cache->upstreamChannel = state.upstreamChannel;
                cache->gradOutput = in.gradOutput.share();
            }
        }
    }
    if (stopped()) return outcome;
    outcome->result =
        normalize(state.spec, in, *backend, RunOptions{needs.inverse, cancel, needs.output});
    if (outcome->result.cancelled || stopped()) {
        outcome->cancelled = true;
        return outcome;
    }
    if (outcome->result.ok()) {
        try { // the extra passes run on the same backend, which may fail (a CUDA error)
            outcome->slices = SliceIndexer(state.spec, in);
            if (stopped()) return outcome;
            if (needs.inverse && state.reestimateInverse)
                outcome->reestimatedInverse =
                    invertReestimating(state.spec, in, outcome->result.output, *backend);
            Tensor& inverse = state.reestimateInverse ? outcome->reestimatedInverse
                                                      : outcome->result.reconstruction;
            if (needs.inverse && needs.output) {
                outcome->inverseError =
                    reconstructionError(in.input, inverse, outcome->slices.keep());
            } else if (needs.inverse) {
                // Neither y nor the inverses are kept: they go first, and the error takes the
                // shown inverse's storage (one input-sized tensor at the end, not four).
                Tensor shown = std::move(inverse);
                outcome->result.output = Tensor();
                outcome->result.reconstruction = Tensor();
                outcome->inverseError =
                    reconstructionErrorInPlace(in.input, std::move(shown), outcome->slices.keep());
            }
            if (stopped()) return outcome;
            if (needs.histograms) {
                const auto [low, high] =
                    finiteRange(in.input, outcome->result.output, outcome->slices.keep());
                const Histogram hx =
                    histogramOf(in.input, low, high, kHistogramBins, outcome->slices.keep());
                outcome->histograms = {hx.low, hx.width, hx.counts,
                                       histogramOf(outcome->result.output, low, high,
                                                   kHistogramBins, outcome->slices.keep())
                                           .counts};
            }
            if (stopped()) return outcome;
            if (needs.heatmapRows > 0 && needs.heatmapCols > 0) {
                if (needs.gradients && !outcome->result.gradInput.isNull())
                    outcome->gradInputMap =
                        summarizeGrid(outcome->result.gradInput, outcome->slices.keep(),
                                      needs.heatmapRows, needs.heatmapCols);
                if (needs.sliceMap) {
                    const GridBlocks blocks =
                        gridBlocks(in.input.shape(), needs.heatmapRows, needs.heatmapCols);
                    outcome->sliceCells = {blocks, sliceOfBlockCentres(outcome->slices, blocks)};
                }
                if (needs.outputMap)
                    outcome->outputMap =
                        summarizeGrid(outcome->result.output, outcome->slices.keep(),
                                      needs.heatmapRows, needs.heatmapCols);
                if (needs.inverse && !outcome->inverseError.perElement.isNull())
                    outcome->inverseErrorMap =
                        summarizeGrid(outcome->inverseError.perElement, outcome->slices.keep(),
                                      needs.heatmapRows, needs.heatmapCols);
            }
            if (stopped()) return outcome;
            if (needs.gradients && in.input.size() <= kGradientCheckLimit)
                outcome->gradientCheck = checkGradient(state.spec, in, outcome->result, *backend);
            if (!needs.output) { // the view draws summaries: input-sized tensors let go
                outcome->result.output = Tensor();
                outcome->result.reconstruction = Tensor();
                outcome->reestimatedInverse = Tensor();
                // dx and the error too where they are large (a zoomed heatmap then shows
                // their summary magnified, not refined).
                if (in.input.size() > needs.summaryOnlyAbove) {
                    if (outcome->gradInputMap) outcome->result.gradInput = Tensor();
                    if (outcome->inverseErrorMap) outcome->inverseError.perElement = Tensor();
                }
            }
        } catch (const BackendFailure& failure) {
            outcome->result.error = failure.what();
        }
    }
    outcome->computeMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return outcome;
}

std::shared_ptr<ComputeOutcome>
RecomputeController::computeInFull(const ComputeOutcome& shown, const std::atomic<bool>* cancel) {
    ComputeNeeds needs = shown.computed;
    needs.output = true;
    needs.histograms = needs.outputMap = needs.sliceMap = false;
    needs.heatmapRows = needs.heatmapCols = 0;
    // The shown input and upstream gradient, handed over as a cache the job finds them in.
    InputCache shared{shown.state.recipe, shown.inputs.input.share(), std::nullopt, 0, Tensor()};
    if (!shown.inputs.gradOutput.isNull() && shown.state.upstream != Upstream::Mse) {
        shared.upstream = shown.state.upstream;
        shared.upstreamChannel = shown.state.upstreamChannel;
        shared.gradOutput = shown.inputs.gradOutput.share();
    }
    return compute(shown.state, shown.generation, &shared, needs, cancel);
}

} // namespace normlab::ui
