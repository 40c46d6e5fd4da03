#include "statistics_view.h"

#include "recompute_controller.h"

#include <qcustomplot.h>

namespace normlab::ui {

StatisticsView::StatisticsView(QWidget* parent)
    : PlotView(tr("Statistics"), parent) {
    mean_ = new QCPBars(plot()->xAxis, plot()->yAxis);
    mean_->setName(tr("mean"));
    mean_->setBrush(QColor(70, 130, 200, 160));
    var_ = plot()->addGraph(plot()->xAxis, plot()->yAxis2);
    var_->setName(tr("variance (biased)"));
    var_->setPen(QPen(QColor(220, 100, 40), 2));
    var_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    plot()->yAxis2->setVisible(true);
    plot()->xAxis->setLabel(tr("slice"));
    plot()->yAxis->setLabel(tr("mean"));
    plot()->yAxis2->setLabel(tr("variance"));
    plot()->legend->setVisible(true);
    plot()->setMouseTracking(true);
    connect(plot(), &QCustomPlot::mouseMove, this, &StatisticsView::hover);
}

void StatisticsView::showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) {
    outcome_ = outcome;
    const NormResult& r = outcome->result;
    QVector<double> keys, means, vars;
    for (std::int64_t k = 0; k < r.mean.size(); ++k) {
        keys << double(k);
        means << r.mean.at(k);
        vars << r.var.at(k);
    }
    mean_->setData(keys, means);
    var_->setData(keys, vars);
    plot()->rescaleAxes();
    // Room around the extremes, and zero in view for the mean bars.
    plot()->yAxis->setRange(plot()->yAxis->range().expanded(0.0));
    plot()->yAxis->scaleRange(1.2);
    plot()->yAxis2->scaleRange(1.2);
    plot()->xAxis->setRange(-0.8, double(keys.size()) - 0.2);
    plot()->replot();
    setReadout(tr("%1 slices; statistics shape %2")
                   .arg(keys.size())
                   .arg(QString::fromStdString(shapeToString(r.mean.shape()))));
}

Tensor StatisticsView::exportData() const {
    if (!outcome_) return {};
    const NormResult& r = outcome_->result;
    Tensor t = Tensor::uninitialized({3, r.mean.size()}, DType::Float64);
    for (std::int64_t k = 0; k < r.mean.size(); ++k) {
        t.set(k, r.mean.at(k));
        t.set(r.mean.size() + k, r.var.at(k));
        t.set(2 * r.mean.size() + k, r.count.at(k));
    }
    return t;
}

int StatisticsView::plottedSlices() const {
    return mean_->data()->size();
}
double StatisticsView::plottedMean(int slice) const {
    return (mean_->data()->constBegin() + slice)->value;
}

void StatisticsView::hover(QMouseEvent* event) {
    if (!outcome_) return;
    const int k = int(std::lround(plot()->xAxis->pixelToCoord(event->pos().x())));
    const NormResult& r = outcome_->result;
    if (k < 0 || k >= r.mean.size()) return;
    setReadout(tr("slice %1: mean %2, variance %3, %4 valid elements")
                   .arg(k)
                   .arg(r.mean.at(k), 0, 'g', 6)
                   .arg(r.var.at(k), 0, 'g', 6)
                   .arg(r.count.at(k)));
}

} // namespace normlab::ui
