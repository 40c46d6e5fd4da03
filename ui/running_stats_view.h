// Running statistics over K simulated training steps on fresh batches from the current
// input recipe: every running mean (blue) and variance (orange) entry per step, the
// population values as dashed lines, then the train/eval output gap. Runs on a worker
// thread with a progress bar and Cancel; the plot keeps the last finished simulation.
#pragma once

#include "plot_view.h"

#include "normlab/running_simulation.h"

#include <QFutureWatcher>

#include <atomic>

class QProgressBar;
class QPushButton;
class QSpinBox;

namespace normlab::ui {

class RunningStatsView : public PlotView {
    Q_OBJECT
  public:
    explicit RunningStatsView(QWidget* parent = nullptr);
    ~RunningStatsView() override;
    void showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) override;
    Tensor exportData() const override;

    void simulate();
    void cancel() { cancelled_ = true; }
    bool running() const { return watcher_.isRunning(); }
    bool working() const override { return running(); }
    QSpinBox* stepsBox() const { return steps_; }
    const RunningSimulation& lastSimulation() const { return last_; }

  signals:
    void simulationFinished();

  private:
    void finished();

    QSpinBox* steps_;
    QPushButton* start_;
    QPushButton* stop_;
    QProgressBar* progress_;
    QFutureWatcher<RunningSimulation> watcher_;
    std::atomic<bool> cancelled_{false};
    RunningSimulation last_;
    quint64 simulatedGeneration_ = 0; // the outcome the last simulation started from
    bool restartWhenFinished_ = false;
};

} // namespace normlab::ui
