#include "slices_view.h"

#include "heatmap_zoom.h"

#include "heatmap.h"
#include "plot_series.h"
#include "recompute_controller.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace normlab::ui {

namespace {
// The map's value of each cell: its slice's hue, NaN (hatched) where masked out.
std::vector<double> sliceColours(const std::vector<std::int64_t>& ids) {
    std::vector<double> hues(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) hues[i] = ids[i] < 0 ? qQNaN() : sliceHue(ids[i]);
    return hues;
}
} // namespace

SlicesView::SlicesView(QWidget* parent)
    : PlotView(tr("Slices"), parent) {
    QCPColorGradient gradient(QCPColorGradient::gpHues);
    gradient.setPeriodic(true);
    map_ = addHatchedColorMap(plot()->xAxis, plot()->yAxis, gradient);
    plot()->xAxis->setLabel(tr("position (spatial dims, flattened)"));
    plot()->yAxis->setLabel(tr("n × C + c"));
    plot()->yAxis->setRangeReversed(true);
    useIntegerTicks(plot()->xAxis);
    useIntegerTicks(plot()->yAxis);
    plot()->setMouseTracking(true);
    connect(plot(), &QCustomPlot::mouseMove, this, &SlicesView::hover);
    connect(plot(), &QCustomPlot::mousePress, this, &SlicesView::press);
    connect(plot(), &QCustomPlot::mouseRelease, this, &SlicesView::release);

    brushBox_ = new QComboBox(this);
    brushBox_->setObjectName("brush");
    brushBox_->addItem(tr("inspect (hover read-out)"), int(Brush::Inspect));
    brushBox_->addItem(tr("paint mask: mask out"), int(Brush::MaskOut));
    brushBox_->addItem(tr("paint mask: restore"), int(Brush::Restore));
    brushBox_->setToolTip(tr("Drag over cells to mask elements out (padding) or bring them "
                             "back; each stroke is one undoable edit."));
    auto* clear = new QPushButton(tr("Clear mask"), this);
    clear->setObjectName("clearPaintedMask");
    addControlRow(tr("Mouse"), {brushBox_, clear});
    connect(brushBox_, &QComboBox::currentIndexChanged, this, [this] {
        brush_ = Brush(brushBox_->currentData().toInt());
        heatmapZoom()->setDragEnabled(brush_ == Brush::Inspect); // a brush paints instead
    });
    connect(clear, &QPushButton::clicked, this, [this] { emit maskPainted(nullptr); });
    // Zoomed in, the cells are those of the part in view: painting follows them.
    connect(addHeatmapZoom(map_), &HeatmapZoom::refined, this,
            [this] { blocks_ = heatmapZoom()->refinedBlocks(); });
}

void SlicesView::setBrush(Brush brush) {
    brushBox_->setCurrentIndex(brushBox_->findData(int(brush)));
}

bool SlicesView::cellAt(const QPointF& pixel, int& row, int& col) const {
    if (!outcome_) return false;
    double key = 0, value = 0;
    map_->pixelsToCoords(pixel, key, value);
    col = int(std::lround(key));
    row = int(std::lround(value));
    const Shape& shape = outcome_->slices.shape();
    const int rows = gridRows(shape);
    const int cols = rows ? int(outcome_->slices.size() / rows) : 0;
    return col >= 0 && row >= 0 && col < cols && row < rows;
}

void SlicesView::press(QMouseEvent* event) {
    int row = 0, col = 0;
    if (brush_ == Brush::Inspect || event->button() != Qt::LeftButton ||
        !cellAt(event->pos(), row, col))
        return;
    // The stroke starts from what is valid now (a painted mask, or the lengths' validity).
    if (const Tensor* valid = outcome_->slices.keep()) {
        stroke_ = valid->castTo(DType::UInt8);
    } else {
        stroke_ = Tensor::uninitialized(outcome_->slices.shape(), DType::UInt8);
        std::memset(stroke_.raw(), 1, stroke_.byteSize());
    }
    lastRow_ = row;
    lastCol_ = col;
    paintTo(row, col);
}

void SlicesView::paintTo(int row, int col) {
    const int steps = std::max(std::abs(row - lastRow_), std::abs(col - lastCol_));
    const std::uint8_t valid = brush_ == Brush::Restore;
    for (int s = 0; s <= steps; ++s) {
        const double t = steps ? double(s) / steps : 0.0;
        const int r = int(std::lround(lastRow_ + t * (row - lastRow_)));
        const int c = int(std::lround(lastCol_ + t * (col - lastCol_)));
        stroke_.data<std::uint8_t>()[flatIndex(stroke_, r, c)] = valid;
        // Masked cells show the hatching at once; restored ones a neutral colour until the
        // recompute gives them their slice's.
        if (r >= blocks_.firstRow && c >= blocks_.firstCol)
            map_->data()->setCell(
                int((c - blocks_.firstCol) / std::max<std::int64_t>(blocks_.colStep, 1)),
                int((r - blocks_.firstRow) / std::max<std::int64_t>(blocks_.rowStep, 1)),
                valid ? 0.0 : qQNaN());
    }
    lastRow_ = row;
    lastCol_ = col;
    map_->setDataRange(QCPRange(0, 1));
    plot()->replot(QCustomPlot::rpQueuedReplot);
}

void SlicesView::release(QMouseEvent* event) {
    if (stroke_.isNull() || event->button() != Qt::LeftButton) return;
    auto mask = std::make_shared<const Tensor>(std::move(stroke_));
    stroke_ = Tensor();
    emit maskPainted(mask);
}

ComputeNeeds SlicesView::needs() const {
    const auto [rows, cols] = heatmapCells(map_);
    return {false, false, false, rows, cols, false, true, true}; // the map's slice ids
}

void SlicesView::showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) {
    outcome_ = outcome;
    if (!stroke_.isNull() && stroke_.shape() != outcome->slices.shape()) stroke_ = Tensor();
    // At most one cell per pixel: each block shows the slice of its centre element (ids
    // are labels, not values to average); cell centres in the grid's own units. The ids
    // come with the computation where it made them for this plot's size.
    const auto [maxRows, maxCols] = heatmapCells(map_);
    blocks_ = gridBlocks(outcome->slices.shape(), maxRows, maxCols);
    const GridBlocks& b = blocks_;
    const auto& made = outcome->sliceCells;
    const bool reuse = made && made->blocks.rows == b.rows && made->blocks.cols == b.cols &&
                       made->blocks.rowStep == b.rowStep && made->blocks.colStep == b.colStep;
    const std::vector<std::int64_t> here =
        reuse ? std::vector<std::int64_t>() : sliceOfBlockCentres(outcome->slices, b);
    const std::vector<std::int64_t>& ids = reuse ? made->ids : here;
    drawCells(map_, b, sliceColours(ids));
    map_->setDataRange(QCPRange(0, 1));
    // A line between samples (rows n*C - 0.5) for inputs of rank >= 3.
    for (QCPItemStraightLine* line : sampleLines_) plot()->removeItem(line);
    sampleLines_.clear();
    const Shape& shape = outcome->slices.shape();
    if (shape.size() >= 3 && shape[0] <= 64)
        for (std::int64_t n = 1; n < shape[0]; ++n) {
            auto* line = new QCPItemStraightLine(plot());
            const double y = double(n * shape[1]) - 0.5;
            line->point1->setCoords(0, y);
            line->point2->setCoords(1, y);
            line->setPen(QPen(Qt::black, 2));
            sampleLines_ << line;
        }
    // Zooming in: the slice of each finer block's centre, from the same indexer.
    heatmapZoom()->setSource(outcome->slices.shape(), [o = outcome](const GridBlocks& blocks) {
        return HeatmapCells{blocks, sliceColours(sliceOfBlockCentres(o->slices, blocks))};
    });
    plot()->replot();
    setReadout(tr("%1 slices share statistics; hover a cell to see its arithmetic.")
                   .arg(outcome->result.mean.size()));
}

// Made on demand, on the export's worker: the workbench keeps no map of the whole input
// (8 bytes per element).
PlotView::DataJob SlicesView::exportJob() const {
    return [o = outcome_](const std::atomic<bool>*) {
        return o ? sliceIndexMap(o->state.spec, o->inputs) : Tensor();
    };
}

Tensor SlicesView::exportData() const {
    return exportJob()(nullptr);
}

void SlicesView::hover(QMouseEvent* event) {
    int row = 0, col = 0;
    if (!cellAt(event->pos(), row, col)) return;
    if (!stroke_.isNull()) {
        paintTo(row, col);
        return;
    }
    const std::int64_t i = flatIndex(outcome_->inputs.input, row, col);
    const std::int64_t slice = outcome_->slices.sliceOf(i);
    const double x = outcome_->inputs.input.at(i);
    if (slice >= 0) emit sliceHovered(slice);
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
