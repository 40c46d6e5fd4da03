#include "invertibility_view.h"

#include "heatmap.h"
#include "heatmap_zoom.h"
#include "recompute_controller.h"

#include <qcustomplot.h>

namespace normlab::ui {

InvertibilityView::InvertibilityView(QWidget* parent)
    : PlotView(tr("Invertibility"), parent) {
    error_ = addHeatmap(plot(), QCPColorGradient(QCPColorGradient::gpThermal),
                        tr("|x − x′|: n × C + c"));
    useIntegerTicks(plot()->xAxis);
    useIntegerTicks(plot()->yAxis);
    auto* right = new QCPAxisRect(plot());
    plot()->plotLayout()->addElement(0, 2, right);
    logdet_ = new QCPBars(right->axis(QCPAxis::atBottom), right->axis(QCPAxis::atLeft));
    logdet_->setBrush(QColor(120, 90, 170, 170));
    right->axis(QCPAxis::atBottom)->setLabel(tr("sample n"));
    useIntegerTicks(right->axis(QCPAxis::atBottom));
    right->axis(QCPAxis::atLeft)->setLabel(tr("log|det J|"));
    plot()->plotLayout()->setColumnStretchFactor(2, 0.4);
    addHeatmapZoom(error_);
}

ComputeNeeds InvertibilityView::needs() const {
    const auto [rows, cols] = heatmapCells(error_);
    return {false, true, false, rows, cols, false, false}; // the error's summary
}

void InvertibilityView::showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) {
    outcome_ = outcome;
    const bool reestimated =
        outcome->state.reestimateInverse &&
        (outcome->inverseErrorMap || !outcome->inverseError.perElement.isNull());
    const double worst = outcome->inverseError.maxValid;
    showHeatmap(error_, outcome->inverseError.perElement, outcome->slices.keep(), false,
                outcome->inverseErrorMap ? &*outcome->inverseErrorMap : nullptr);
    const Tensor& error = outcome->inverseError.perElement;
    heatmapZoom()->setSource(outcome->inputs.input.shape(),
                             error.isNull() ? HeatmapZoom::CellMaker()
                                            : meanCells(outcome, &error, outcome->slices.keep()));
    QVector<double> keys, logdet;
    for (std::int64_t n = 0; n < outcome->result.logdet.size(); ++n) {
        keys << double(n);
        logdet << outcome->result.logdet.at(n);
    }
    logdet_->setData(keys, logdet);
    logdet_->rescaleAxes();
    logdet_->valueAxis()->scaleRange(1.2);
    plot()->replot();
    setReadout(reestimated
                   ? tr("Inverse with statistics re-estimated from y (the flow bug): max error %1. "
                        "The stored statistics give %2.")
                         .arg(worst, 0, 'g', 3)
                         .arg(outcome->result.maxReconstructionError, 0, 'g', 3)
                   : tr("Inverse with the stored statistics: max |x − x′| = %1 (rounding only).")
                         .arg(worst, 0, 'g', 3));
}

// The shown outcome keeps only the summary of an input-sized tensor: the export job
// computes it again (RecomputeController::computeInFull).
PlotView::DataJob InvertibilityView::exportJob() const {
    return [o = outcome_](const std::atomic<bool>* cancel) {
        return o ? RecomputeController::keptOrRecomputed(
                       *o, [](auto& w) -> auto& { return w.inverseError.perElement; }, cancel)
                 : Tensor();
    };
}

Tensor InvertibilityView::exportData() const {
    return exportJob()(nullptr);
}

} // namespace normlab::ui
