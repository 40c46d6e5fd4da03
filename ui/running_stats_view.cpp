#include "running_stats_view.h"

#include "recompute_controller.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QtConcurrent/QtConcurrentRun>
#include <qcustomplot.h>

namespace normlab::ui {

RunningStatsView::RunningStatsView(QWidget* parent)
    : PlotView(tr("Running statistics"), parent) {
    steps_ = new QSpinBox(this);
    steps_->setRange(1, 10000);
    steps_->setValue(200);
    start_ = new QPushButton(tr("Simulate"), this);
    stop_ = new QPushButton(tr("Cancel"), this);
    stop_->setEnabled(false);
    progress_ = new QProgressBar(this);
    progress_->setMinimumWidth(240);
    addControlRow(tr("Training steps"), {steps_, start_, stop_, progress_});
    connect(start_, &QPushButton::clicked, this, &RunningStatsView::simulate);
    connect(stop_, &QPushButton::clicked, this, &RunningStatsView::cancel);
    connect(&watcher_, &QFutureWatcher<RunningSimulation>::finished, this,
            &RunningStatsView::finished);
    connect(&watcher_, &QFutureWatcher<RunningSimulation>::progressValueChanged, progress_,
            &QProgressBar::setValue);
    plot()->xAxis->setLabel(tr("training step"));
    plot()->yAxis->setLabel(tr("running mean"));
    plot()->yAxis2->setLabel(tr("running variance"));
    plot()->yAxis2->setVisible(true);
    // No legend for dozens of lines: each axis label takes its lines' colour.
    plot()->yAxis->setLabelColor(QColor(50, 100, 200));
    plot()->yAxis2->setLabelColor(QColor(220, 110, 30));
}

RunningStatsView::~RunningStatsView() {
    cancelled_ = true;
    watcher_.waitForFinished();
}

void RunningStatsView::showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) {
    outcome_ = outcome;
    if (!outcome->state.spec.trackRunningStats) {
        setReadout(tr("This configuration keeps no running statistics (track_running_stats is "
                      "off)."));
        return;
    }
    // No empty view: every configuration shown is simulated once, the newest winning over
    // one still running.
    if (outcome->generation == simulatedGeneration_) return;
    if (running()) {
        restartWhenFinished_ = true;
        cancelled_ = true;
        return;
    }
    simulate();
}

void RunningStatsView::simulate() {
    if (!outcome_ || running()) return;
    simulatedGeneration_ = outcome_->generation;
    const NormSpec spec = outcome_->state.spec;
    const InputRecipe recipe = outcome_->state.recipe;
    const int steps = steps_->value();
    cancelled_ = false;
    progress_->setRange(0, steps);
    progress_->setValue(0);
    start_->setEnabled(false);
    stop_->setEnabled(true);
    setReadout(tr("simulating %1 steps...").arg(steps));
    watcher_.setFuture(
        QtConcurrent::run([this, spec, recipe, steps](QPromise<RunningSimulation>& promise) {
            promise.setProgressRange(0, steps);
            promise.addResult(simulateRunningStats(spec, recipe, steps, [&](int done) {
                promise.setProgressValue(done);
                return !cancelled_.load();
            }));
        }));
}

void RunningStatsView::finished() {
    start_->setEnabled(true);
    stop_->setEnabled(false);
    if (restartWhenFinished_) { // a newer configuration came: simulate that one instead
        restartWhenFinished_ = false;
        simulate();
        return;
    }
    if (watcher_.future().resultCount() == 0) return;
    const RunningSimulation sim = watcher_.result();
    if (!sim.error.empty()) {
        setReadout(QString::fromStdString(sim.error));
        emit simulationFinished();
        return;
    }
    last_ = sim;
    plot()->clearGraphs();
    plot()->clearItems();
    const std::size_t entries = sim.runningMean.empty() ? 0 : sim.runningMean.front().size();
    for (std::size_t e = 0; e < entries; ++e) {
        QVector<double> keys, means, vars;
        for (int s = 0; s < sim.stepsDone; ++s) {
            keys << s + 1;
            means << sim.runningMean[std::size_t(s)][e];
            vars << sim.runningVar[std::size_t(s)][e];
        }
        QCPGraph* m = plot()->addGraph(plot()->xAxis, plot()->yAxis);
        m->setPen(QPen(QColor(50, 100, 200, entries > 16 ? 70 : 160), 1.5));
        m->setData(keys, means);
        QCPGraph* v = plot()->addGraph(plot()->xAxis, plot()->yAxis2);
        v->setPen(QPen(QColor(220, 110, 30, entries > 16 ? 70 : 160), 1.5));
        v->setData(keys, vars);
    }
    plot()->rescaleAxes();
    auto dashed = [this](QCPAxis* axis, double value, QColor colour) {
        auto* line = new QCPItemStraightLine(plot());
        line->point1->setAxes(plot()->xAxis, axis);
        line->point2->setAxes(plot()->xAxis, axis);
        line->point1->setCoords(0, value);
        line->point2->setCoords(1, value);
        line->setPen(QPen(colour, 1.5, Qt::DashLine));
        axis->setRange(axis->range().expanded(value));
    };
    if (sim.populationMean) dashed(plot()->yAxis, *sim.populationMean, QColor(50, 100, 200));
    if (sim.populationVar) dashed(plot()->yAxis2, *sim.populationVar, QColor(220, 110, 30));
    plot()->yAxis->scaleRange(1.1);
    plot()->yAxis2->scaleRange(1.1);
    plot()->replot();
    setReadout(tr("%1%2 steps; population mean/variance dashed%3. After the last step, the same "
                  "fresh batch "
                  "normalised in train vs eval mode differs by up to %4.")
                   .arg(sim.cancelled ? tr("cancelled after ") : QString())
                   .arg(sim.stepsDone)
                   .arg(sim.populationMean ? QString() : tr(" (not defined for this generator)"))
                   .arg(sim.trainEvalGap, 0, 'g', 3));
    emit simulationFinished();
}

Tensor RunningStatsView::exportData() const {
    if (last_.runningMean.empty()) return {};
    const std::int64_t steps = std::int64_t(last_.runningMean.size());
    const std::int64_t entries = std::int64_t(last_.runningMean.front().size());
    Tensor t = Tensor::uninitialized({2, steps, entries}, DType::Float64);
    for (std::int64_t s = 0; s < steps; ++s)
        for (std::int64_t e = 0; e < entries; ++e) {
            t.set(s * entries + e, last_.runningMean[std::size_t(s)][std::size_t(e)]);
            t.set((steps + s) * entries + e, last_.runningVar[std::size_t(s)][std::size_t(e)]);
        }
    return t;
}

} // namespace normlab::ui
