#include "gradients_view.h"

#include "normlab/grid_summary.h"

#include "heatmap.h"
#include "heatmap_zoom.h"
#include "recompute_controller.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>

#include <cmath>

namespace normlab::ui {

GradientsView::GradientsView(QWidget* parent)
    : PlotView(tr("Gradients"), parent) {
    // Blue for negative, white at zero, red for positive.
    QCPColorGradient diverging;
    diverging.clearColorStops();
    diverging.setColorStopAt(0.0, QColor(30, 70, 180));
    diverging.setColorStopAt(0.5, QColor(250, 250, 250));
    diverging.setColorStopAt(1.0, QColor(190, 30, 30));
    dx_ = addHeatmap(plot(), diverging, tr("dx: n × C + c"));
    useIntegerTicks(plot()->xAxis);
    useIntegerTicks(plot()->yAxis);

    upstream_ = new QComboBox(this);
    upstream_->setObjectName("upstream");
    upstream_->addItem(tr("ones: L = Σ y"), int(Upstream::Ones));
    upstream_->addItem(tr("random: L = Σ r·y"), int(Upstream::Random));
    upstream_->addItem(tr("one channel: L = Σ y[:, c]"), int(Upstream::Channel));
    upstream_->addItem(tr("MSE to 0: L = mean(y²)"), int(Upstream::Mse));
    upstreamChannel_ = new QSpinBox(this);
    upstreamChannel_->setObjectName("upstreamChannel");
    upstreamChannel_->setRange(0, 1 << 20);
    addControlRow(tr("Upstream gradient dy = ∂L/∂y for"),
                  {upstream_, new QLabel(tr("channel c"), this), upstreamChannel_});
    connect(upstream_, &QComboBox::currentIndexChanged, this, [this] {
        upstreamChannel_->setEnabled(Upstream(upstream_->currentData().toInt()) ==
                                     Upstream::Channel);
        if (!updating_) emit changed();
    });
    connect(upstreamChannel_, &QSpinBox::valueChanged, this, [this] {
        if (!updating_) emit changed();
    });
    readFrom(WorkbenchState{});

    auto* bottom = new QCPAxisRect(plot());
    plot()->plotLayout()->addElement(1, 0, bottom);
    dgamma_ = new QCPBars(bottom->axis(QCPAxis::atBottom), bottom->axis(QCPAxis::atLeft));
    dgamma_->setName(tr("dγ"));
    dgamma_->setBrush(QColor(70, 130, 200, 170));
    dbeta_ = new QCPBars(bottom->axis(QCPAxis::atBottom), bottom->axis(QCPAxis::atLeft));
    dbeta_->setName(tr("dβ"));
    dbeta_->setBrush(QColor(220, 120, 40, 170));
    // Two bars per parameter, side by side around its tick, with a gap to the next pair.
    dgamma_->setWidth(0.38);
    dbeta_->setWidth(0.38);
    auto* group = new QCPBarsGroup(plot());
    dgamma_->setBarsGroup(group);
    dbeta_->setBarsGroup(group);
    bottom->axis(QCPAxis::atBottom)->setLabel(tr("parameter"));
    useIntegerTicks(bottom->axis(QCPAxis::atBottom));
    bottom->axis(QCPAxis::atLeft)->setLabel(tr("dγ, dβ"));
    auto* legend = new QCPLegend;
    bottom->insetLayout()->addElement(legend, Qt::AlignTop | Qt::AlignRight);
    legend->setLayer("legend");
    legend->addItem(new QCPPlottableLegendItem(legend, dgamma_));
    legend->addItem(new QCPPlottableLegendItem(legend, dbeta_));
    addHeatmapZoom(dx_);
}

ComputeNeeds GradientsView::needs() const {
    const auto [rows, cols] = heatmapCells(dx_);
    return {true, false, false, rows, cols, false, false}; // dx's summary, not y
}

void GradientsView::showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) {
    outcome_ = outcome;
    const NormResult& r = outcome->result;
    showHeatmap(dx_, r.gradInput, outcome->slices.keep(), true,
                outcome->gradInputMap ? &*outcome->gradInputMap : nullptr);
    heatmapZoom()->setSource(outcome->inputs.input.shape(),
                             r.gradInput.isNull()
                                 ? HeatmapZoom::CellMaker()
                                 : meanCells(outcome, &r.gradInput, outcome->slices.keep()));
    QVector<double> keys, gammas, betas;
    for (std::int64_t k = 0; k < r.gradWeight.size(); ++k) {
        keys << double(k);
        gammas << r.gradWeight.at(k);
        betas << (r.gradBias.isNull() ? 0.0 : r.gradBias.at(k));
    }
    dgamma_->setData(keys, gammas);
    dbeta_->setData(keys, betas);
    dgamma_->rescaleAxes();
    dbeta_->rescaleAxes(true);
    dgamma_->valueAxis()->scaleRange(1.2);
    dgamma_->keyAxis()->setRange(-0.6, double(keys.size()) - 0.4); // both bars of each pair
    plot()->replot();
    QString check =
        tr("finite-difference check skipped (more than %1 elements)").arg(kGradientCheckLimit);
    if (outcome->gradientCheck)
        check = tr("finite-difference check on %1 elements of x (float64, h = 1e-6): max |analytic "
                   "− numeric| = %2")
                    .arg(outcome->gradientCheck->checked)
                    .arg(outcome->gradientCheck->maxAbsError, 0, 'g', 3);
    // The largest |dx| of the valid elements (masked-out ones get no gradient): from the
    // heatmap's summary where it was made off the GUI thread.
    double largest = 0;
    if (outcome->gradInputMap) {
        const GridSummary& g = *outcome->gradInputMap;
        for (std::size_t i = 0; i < g.count.size(); ++i)
            if (g.count[i]) largest = std::max({largest, std::fabs(g.min[i]), std::fabs(g.max[i])});
    } else if (const auto range = finiteRangeOf(r.gradInput, outcome->slices.keep())) {
        largest = std::max(std::fabs(range->low), std::fabs(range->high));
    }
    const QString zero =
        largest < 1e-12 ? tr(" dx = 0: every slice's statistics absorb this gradient (a uniform dy "
                             "moves only the mean, which normalisation removes).")
                        : QString();
    setReadout(tr("upstream: %1.%4 %2%3")
                   .arg(QString::fromStdString(std::string(upstreamName(outcome->state.upstream))),
                        check, r.gradWeight.isNull() ? tr("; no affine parameters") : QString(),
                        zero));
}

void GradientsView::writeTo(WorkbenchState& state) const {
    state.upstream = Upstream(upstream_->currentData().toInt());
    state.upstreamChannel = upstreamChannel_->value();
}

void GradientsView::readFrom(const WorkbenchState& state) {
    updating_ = true;
    upstream_->setCurrentIndex(upstream_->findData(int(state.upstream)));
    upstreamChannel_->setValue(int(state.upstreamChannel));
    upstreamChannel_->setEnabled(state.upstream == Upstream::Channel);
    updating_ = false;
}

// The shown outcome keeps only the summary of an input-sized tensor: the export job
// computes it again (RecomputeController::computeInFull).
PlotView::DataJob GradientsView::exportJob() const {
    return [o = outcome_](const std::atomic<bool>* cancel) {
        return o ? RecomputeController::keptOrRecomputed(
                       *o, [](auto& w) -> auto& { return w.result.gradInput; }, cancel)
                 : Tensor();
    };
}

Tensor GradientsView::exportData() const {
    return exportJob()(nullptr);
}

} // namespace normlab::ui
