// Runs the compute core off the GUI thread on every edit. Edits are debounced; one job runs
// at a time and, when it ends, the newest pending state (if any) starts next, so results
// arrive in edit order and a result older than the newest edit is never shown (it is
// dropped, counted by droppedResults()). A newer edit cancels the running job, which stops
// at its next pass (input, forward, backward, inverse, each summary) instead of finishing
// work nobody will see; cancel() stops it and drops what is pending, leaving the last shown
// outcome as it is. Invalid configurations report the PyTorch message
// through failed(); the last good outcome stays current.
#pragma once

#include "outcome_view.h"
#include "workbench_state.h"

#include "normlab/grid_summary.h"
#include "normlab/normalize.h"
#include "normlab/slice_indexer.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace normlab::ui {

struct ComputeOutcome {
    quint64 generation = 0;
    WorkbenchState state;
    NormInputs inputs;
    NormResult result;   // result.error set when the configuration is invalid
    SliceIndexer slices; // which slice each element belongs to (-1: masked out)
    // Without computed.output, result.output, result.reconstruction and this are null.
    Tensor reestimatedInverse; // when state.reestimateInverse: inverse with stats from y
    // |x - x'| for the inverse the Invertibility view shows (stored or re-estimated stats).
    ReconstructionError inverseError;
    std::optional<GradientCheck> gradientCheck; // inputs up to kGradientCheckLimit elements
    double computeMs = 0;
    bool cancelled = false; // abandoned (a newer edit, or Cancel): nothing else is meaningful
    QString inputError;     // the input itself could not be made
    ComputeNeeds computed;  // the optional parts present (the others are empty)
    // With computed.histograms: x and y over their common range of kept finite values.
    struct Histograms {
        double low = 0, width = 1;
        std::vector<double> input, output;
    } histograms;
    // With computed.gradients / computed.inverse and a heatmap size asked: dx and the
    // inverse's per-element error summarized to that size (masked-out elements left out).
    std::optional<GridSummary> gradInputMap, inverseErrorMap;
    std::optional<GridSummary> outputMap; // with computed.outputMap: y, likewise
    // With computed.sliceMap: the blocks of that size and the slice of each block's centre.
    struct SliceCells {
        GridBlocks blocks;
        std::vector<std::int64_t> ids;
    };
    std::optional<SliceCells> sliceCells;
};

// Bins of the output view's histograms.
inline constexpr int kHistogramBins = 60;

// Inputs up to this many elements get a finite-difference spot check on every edit.
inline constexpr std::int64_t kGradientCheckLimit = 65536;

class RecomputeController : public QObject {
    Q_OBJECT
  public:
    explicit RecomputeController(QObject* parent = nullptr);
    ~RecomputeController() override;

    void setDebounceMs(int ms) { debounce_.setInterval(ms); }
    // The optional parts the next computations make (default: all).
    void setNeeds(ComputeNeeds needs) { needs_ = needs; }
    // Asked for the needs again as each job starts (on the GUI thread): a heatmap's size is
    // known once the window is laid out, which may be after the edit was requested.
    void setNeedsSource(std::function<ComputeNeeds()> source) { needsSource_ = std::move(source); }
    ComputeNeeds needs() const { return needs_; }
    // Schedules a recompute of `state`; supersedes any not yet started.
    void request(const WorkbenchState& state);
    bool busy() const { return jobRunning_ || debounce_.isActive() || pending_.has_value(); }
    quint64 requestedGeneration() const { return requested_; }
    int droppedResults() const { return dropped_; }
    // Jobs abandoned before their end (superseded or cancelled).
    int cancelledJobs() const { return cancelled_; }
    // Stops the running job at its next pass and forgets any pending edit; the outcome on
    // screen stays. busyChanged(false) follows once the job has stopped.
    void cancel();
    // Milliseconds the running job has been running; 0 when none runs.
    double runningMs() const;
    std::shared_ptr<const ComputeOutcome> current() const { return current_; }

    // The work itself, synchronous (used by the job and by tests). `cache` (may be null)
    // keeps the last generated input and upstream gradient, so edits of the normalization
    // alone do not rebuild them.
    struct InputCache {
        InputRecipe recipe;
        Tensor input;
        // The last upstream gradient (not mse, which depends on y) for that input.
        std::optional<Upstream> upstream;
        std::int64_t upstreamChannel = 0;
        Tensor gradOutput;
    };
    // `cancel` (may be null): set from another thread to abandon the work between passes;
    // the outcome then has `cancelled` and nothing else.
    static std::shared_ptr<ComputeOutcome> compute(const WorkbenchState& state, quint64 generation,
                                                   InputCache* cache = nullptr,
                                                   ComputeNeeds needs = {},
                                                   const std::atomic<bool>* cancel = nullptr);
    // `shown` again with its input-sized tensors kept (y, dx, the inverse's error), for
    // the data export of a view that drew only their summaries: the same input and
    // upstream gradient (shared, not regenerated), no summaries. Seconds at 100 M
    // elements: call it off the GUI thread. Null tensors where `cancel` stopped it.
    static std::shared_ptr<ComputeOutcome> computeInFull(const ComputeOutcome& shown,
                                                         const std::atomic<bool>* cancel);

    // The input-sized tensor pick(outcome) of `shown`: shared where the outcome kept it, else
    // from computeInFull (null where `cancel` stopped it). pick: a generic lambda returning a
    // reference to the member, for const and non-const outcomes alike.
    template <class Pick>
    static Tensor keptOrRecomputed(const ComputeOutcome& shown, Pick pick,
                                   const std::atomic<bool>* cancel) {
        if (!pick(shown).isNull()) return pick(shown).share();
        return std::move(pick(*computeInFull(shown, cancel)));
    }

  signals:
    void resultReady(std::shared_ptr<const normlab::ui::ComputeOutcome> outcome);
    void failed(const QString& message, quint64 generation);
    void busyChanged(bool busy);

  private:
    void startPending();
    void jobFinished();

    QTimer debounce_;
    QFutureWatcher<void> watcher_;
    std::mutex finishedMutex_;
    std::shared_ptr<ComputeOutcome> finished_; // the job's outcome, taken by jobFinished()
    std::optional<WorkbenchState> pending_;
    ComputeNeeds needs_;
    std::function<ComputeNeeds()> needsSource_;
    quint64 requested_ = 0;
    quint64 pendingGeneration_ = 0;
    int dropped_ = 0;
    int cancelled_ = 0;
    std::shared_ptr<std::atomic<bool>> cancelRunning_; // the running job's flag
    QElapsedTimer runningSince_;
    bool jobRunning_ = false; // from launch until its finished() is handled
    InputCache cache_;        // touched by one job at a time only
    std::shared_ptr<const ComputeOutcome> current_;
};

} // namespace normlab::ui
