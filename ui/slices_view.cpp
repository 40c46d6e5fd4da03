#include "slices_view.h"

#include "plot_series.h"
#include "recompute_controller.h"

#include <qcustomplot.h>

#include <cmath>

namespace normlab::ui {

SlicesView::SlicesView(QWidget* parent)
    : PlotView(tr("Slices"), parent) {
    map_ = new QCPColorMap(plot()->xAxis, plot()->yAxis);
    QCPColorGradient gradient(QCPColorGradient::gpHues);
    gradient.setPeriodic(true);
    gradient.setNanHandling(QCPColorGradient::nhNanColor);
    gradient.setNanColor(QColor(90, 90, 90));
    map_->setGradient(gradient);
    map_->setInterpolate(false);
    plot()->xAxis->setLabel(tr("position (spatial dims, flattened)"));
    plot()->yAxis->setLabel(tr("n × C + c"));
    plot()->yAxis->setRangeReversed(true);
    plot()->setMouseTracking(true);
    connect(plot(), &QCustomPlot::mouseMove, this, &SlicesView::hover);
}

void SlicesView::showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) {
    outcome_ = outcome;
    const Grid grid = gridOf(outcome->sliceMap);
    map_->data()->setSize(grid.cols, grid.rows);
    map_->data()->setRange(QCPRange(0, grid.cols - 1), QCPRange(0, grid.rows - 1));
    // Neighbouring slice ids get far-apart hues (golden-ratio stride around the wheel).
    for (int r = 0; r < grid.rows; ++r)
        for (int c = 0; c < grid.cols; ++c) {
            const double id = grid.at(r, c);
            map_->data()->setCell(c, r, id < 0 ? qQNaN() : std::fmod(id * 0.618033988749895, 1.0));
        }
    map_->setDataRange(QCPRange(0, 1));
    // A line between samples (rows n*C - 0.5) for inputs of rank >= 3.
    for (QCPItemStraightLine* line : sampleLines_) plot()->removeItem(line);
    sampleLines_.clear();
    const Shape& shape = outcome->sliceMap.shape();
    if (shape.size() >= 3 && shape[0] <= 64)
        for (std::int64_t n = 1; n < shape[0]; ++n) {
            auto* line = new QCPItemStraightLine(plot());
            const double y = double(n * shape[1]) - 0.5;
            line->point1->setCoords(0, y);
            line->point2->setCoords(1, y);
            line->setPen(QPen(Qt::black, 2));
            sampleLines_ << line;
        }
    plot()->rescaleAxes();
    plot()->xAxis->setRange(-0.5, grid.cols - 0.5);
    plot()->yAxis->setRange(-0.5, grid.rows - 0.5);
    plot()->replot();
    setReadout(tr("%1 slices share statistics; hover a cell to see its arithmetic.")
                   .arg(outcome->result.mean.size()));
}

Tensor SlicesView::exportData() const {
    return outcome_ ? outcome_->sliceMap : Tensor();
}

void SlicesView::hover(QMouseEvent* event) {
    if (!outcome_) return;
    double key = 0, value = 0;
    map_->pixelsToCoords(event->pos(), key, value);
    const int col = int(std::lround(key)), row = int(std::lround(value));
    const Tensor& ids = outcome_->sliceMap;
    const int rows = gridRows(ids.shape());
    const int cols = rows ? int(ids.size() / rows) : 0;
    if (col < 0 || row < 0 || col >= cols || row >= rows) return;
    const std::int64_t i = flatIndex(ids, row, col);
    const std::int64_t slice = std::int64_t(ids.at(i));
    const double x = outcome_->inputs.input.at(i);
    if (slice < 0) {
        setReadout(
            tr("element %1: x = %2, masked out (padding): it takes no part in any statistic; y = 0")
                .arg(i)
                .arg(x, 0, 'g', 6));
        return;
    }
    const NormResult& r = outcome_->result;
    const double eps =
        outcome_->state.spec.eps.value_or(machineEpsilon(outcome_->state.spec.dtype));
    setReadout(tr("element %1 in slice %2 (%3 valid elements): x = %4, μ = %5, σ² = %6, ε = %7\n"
                  "(x − μ)/√(σ² + ε)·γ + β = %8")
                   .arg(i)
                   .arg(slice)
                   .arg(r.count.at(slice))
                   .arg(x, 0, 'g', 6)
                   .arg(r.mean.at(slice), 0, 'g', 6)
                   .arg(r.var.at(slice), 0, 'g', 6)
                   .arg(eps, 0, 'g', 3)
                   .arg(r.output.at(i), 0, 'g', 6));
}

} // namespace normlab::ui
