#include "gradients_view.h"

#include "heatmap.h"
#include "recompute_controller.h"

#include <qcustomplot.h>

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

    auto* bottom = new QCPAxisRect(plot());
    plot()->plotLayout()->addElement(1, 0, bottom);
    dgamma_ = new QCPBars(bottom->axis(QCPAxis::atBottom), bottom->axis(QCPAxis::atLeft));
    dgamma_->setName(tr("dγ"));
    dgamma_->setBrush(QColor(70, 130, 200, 170));
    dbeta_ = new QCPBars(bottom->axis(QCPAxis::atBottom), bottom->axis(QCPAxis::atLeft));
    dbeta_->setName(tr("dβ"));
    dbeta_->setBrush(QColor(220, 120, 40, 170));
    auto* group = new QCPBarsGroup(plot());
    dgamma_->setBarsGroup(group);
    dbeta_->setBarsGroup(group);
    bottom->axis(QCPAxis::atBottom)->setLabel(tr("parameter"));
    QSharedPointer<QCPAxisTickerFixed> integers(new QCPAxisTickerFixed);
    integers->setTickStep(1.0);
    integers->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    bottom->axis(QCPAxis::atBottom)->setTicker(integers);
    bottom->axis(QCPAxis::atLeft)->setLabel(tr("dγ, dβ"));
    auto* legend = new QCPLegend;
    bottom->insetLayout()->addElement(legend, Qt::AlignTop | Qt::AlignRight);
    legend->setLayer("legend");
    legend->addItem(new QCPPlottableLegendItem(legend, dgamma_));
    legend->addItem(new QCPPlottableLegendItem(legend, dbeta_));
}

void GradientsView::showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) {
    outcome_ = outcome;
    const NormResult& r = outcome->result;
    showHeatmap(dx_, r.gradInput, &outcome->sliceMap, true);
    dx_->rescaleAxes();
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
    plot()->replot();
    QString check =
        tr("finite-difference check skipped (more than %1 elements)").arg(kGradientCheckLimit);
    if (outcome->gradientCheck)
        check = tr("finite-difference check on %1 elements of x (float64, h = 1e-6): max |analytic "
                   "− numeric| = %2")
                    .arg(outcome->gradientCheck->checked)
                    .arg(outcome->gradientCheck->maxAbsError, 0, 'g', 3);
    double largest = 0;
    for (std::int64_t i = 0; i < r.gradInput.size(); ++i)
        largest = std::max(largest, std::fabs(r.gradInput.at(i)));
    const QString zero =
        largest < 1e-12 ? tr(" dx = 0: every slice's statistics absorb this gradient (a uniform dy "
                             "moves only the mean, which normalisation removes).")
                        : QString();
    setReadout(tr("upstream: %1.%4 %2%3")
                   .arg(QString::fromStdString(std::string(upstreamName(outcome->state.upstream))),
                        check, r.gradWeight.isNull() ? tr("; no affine parameters") : QString(),
                        zero));
}

Tensor GradientsView::exportData() const {
    return outcome_ ? outcome_->result.gradInput : Tensor();
}

} // namespace normlab::ui
