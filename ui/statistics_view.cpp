#include "statistics_view.h"

#include "heatmap.h"
#include "recompute_controller.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>

#include <qcustomplot.h>

namespace normlab::ui {

StatisticsView::StatisticsView(QWidget* parent)
    : PlotView(tr("Statistics"), parent) {
    mean_ = new QCPBars(plot()->xAxis, plot()->yAxis);
    mean_->setName(tr("mean"));
    mean_->setBrush(QColor(70, 130, 200, 160));
    meanLine_ = plot()->addGraph(plot()->xAxis, plot()->yAxis);
    meanLine_->setName(tr("mean"));
    meanLine_->setPen(QPen(QColor(70, 130, 200), 1));
    meanLine_->setAntialiased(false);
    meanLine_->setVisible(false);
    meanLine_->removeFromLegend();
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
    map_ = addHeatmap(plot(), QCPColorGradient(QCPColorGradient::gpThermal),
                      tr("statistics grid row"));
    scale_ = map_->colorScale();
    mode_ = addModeSelector({tr("bars: mean and variance per slice"), tr("heatmap: mean"),
                             tr("heatmap: variance"), tr("heatmap: valid count")});
    connect(mode_, &QComboBox::currentIndexChanged, this, &StatisticsView::redraw);
    connect(plot(), &QCustomPlot::mouseMove, this, &StatisticsView::hover);
}

void StatisticsView::showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) {
    outcome_ = outcome;
    redraw();
}

void StatisticsView::redraw() {
    if (!outcome_) return;
    const NormResult& r = outcome_->result;
    const int mode = mode_->currentIndex();
    const bool bars = mode == 0;
    mean_->setVisible(bars);
    meanLine_->setVisible(false);
    var_->setVisible(bars);
    plot()->legend->setVisible(bars);
    plot()->yAxis2->setVisible(bars);
    map_->setVisible(!bars);
    useIntegerTicks(plot()->xAxis); // slices, or columns of the statistics grid
    useIntegerTicks(plot()->yAxis, !bars);
    showColorScale(plot(), scale_, !bars);
    if (bars) {
        QVector<double> keys, means, vars;
        for (std::int64_t k = 0; k < r.mean.size(); ++k) {
            keys << double(k);
            means << r.mean.at(k);
            vars << r.var.at(k);
        }
        mean_->setData(keys, means);
        var_->setData(keys, vars);
        // More slices than pixels: the means as a line (drawn min/max per pixel column) and
        // a 1 px aliased variance line; bars, outlines, markers and a 2 px antialiased line
        // cost seconds at 8,192 slices and show nothing more.
        const bool many = r.mean.size() > plot()->axisRect()->width() / 2;
        if (many) meanLine_->setData(keys, means);
        mean_->setVisible(!many);
        meanLine_->setVisible(many);
        var_->setScatterStyle(
            QCPScatterStyle(many ? QCPScatterStyle::ssNone : QCPScatterStyle::ssCircle, 5));
        var_->setPen(QPen(QColor(220, 100, 40), many ? 1 : 2));
        var_->setAntialiased(!many);
        plot()->xAxis->setLabel(tr("slice"));
        plot()->yAxis->setLabel(tr("mean"));
        plot()->yAxis->setRangeReversed(false);
        plot()->rescaleAxes(true);
        // Room around the extremes, and zero in view for the mean bars.
        plot()->yAxis->setRange(plot()->yAxis->range().expanded(0.0));
        plot()->yAxis->scaleRange(1.2);
        plot()->yAxis2->scaleRange(1.2);
        plot()->xAxis->setRange(-0.8, double(keys.size()) - 0.2);
    } else {
        // The statistics grid as rows x columns: [N, C] -> N rows of C; 1-D -> one row.
        const Tensor& values = mode == 1 ? r.mean : mode == 2 ? r.var : r.count;
        const Shape& s = values.shape();
        const std::int64_t cols = s.empty() ? 1 : s.back();
        Tensor grid = values.castTo(DType::Float64).reshaped({values.size() / cols, cols});
        showHeatmap(map_, grid, nullptr, false);
        map_->rescaleAxes();
        plot()->xAxis->setLabel(tr("last axis of the statistics grid"));
        plot()->yAxis->setLabel(tr("statistics grid row"));
        plot()->yAxis->setRangeReversed(true);
    }
    plot()->replot();
    setReadout(tr("%1 slices; statistics shape %2")
                   .arg(r.mean.size())
                   .arg(QString::fromStdString(shapeToString(r.mean.shape()))));
}

double StatisticsView::heatmapCell(int row, int column) const {
    return map_->data()->cell(column, row);
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
