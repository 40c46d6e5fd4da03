#include "heatmap_zoom.h"

#include "heatmap.h"

#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace normlab::ui {

HeatmapZoom::HeatmapZoom(QCPColorMap* map)
    : QObject(map)
    , map_(map) {
    QCustomPlot* plot = map->parentPlot();
    QCPAxisRect* rect = map->keyAxis()->axisRect();
    plot->setInteraction(QCP::iRangeDrag, true);
    plot->setInteraction(QCP::iRangeZoom, true);
    // Only heatmaps' own axes move: bars beside them and the colour scale stay.
    rect->setProperty("heatmapZoom", true);
    for (QCPAxisRect* other : plot->axisRects())
        if (!other->property("heatmapZoom").toBool()) {
            other->setRangeDrag({});
            other->setRangeZoom({});
        }
    if (QCPColorScale* scale = map->colorScale()) {
        scale->setRangeDrag(false);
        scale->setRangeZoom(false);
    }
    // Its own rect moves (another heatmap's zoom made before this one turned it off).
    rect->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    rect->setRangeZoom(Qt::Horizontal | Qt::Vertical);
    rect->setRangeDragAxes(map->keyAxis(), map->valueAxis());
    rect->setRangeZoomAxes(map->keyAxis(), map->valueAxis());
    connect(plot, &QCustomPlot::mouseDoubleClick, this, [this, rect](QMouseEvent* event) {
        if (map_->visible() && rect->rect().contains(event->pos())) showWhole();
    });
    connect(map->keyAxis(), qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
            &HeatmapZoom::axesMoved);
    connect(map->valueAxis(), qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
            &HeatmapZoom::axesMoved);
    pause_.setSingleShot(true);
    pause_.setInterval(kSettleMs);
    connect(&pause_, &QTimer::timeout, this, &HeatmapZoom::refine);
    connect(&watcher_, &QFutureWatcher<HeatmapCells>::finished, this, &HeatmapZoom::cellsMade);
}

void HeatmapZoom::setSource(const Shape& shape, CellMaker make) {
    const bool keep = shape == shape_ && zoomed();
    shape_ = shape;
    whole_ = shape.empty() ? GridBlocks{} : gridBlocks(shape, 1, 1); // its source size
    // The old maker may hold the last reference to an outcome of hundreds of megabytes: it
    // is dropped on a worker, as outcomes are (releaseOffGuiThread).
    if (make_)
        QThreadPool::globalInstance()->start([old = std::exchange(make_, std::move(make))] {});
    else
        make_ = std::move(make);
    ++generation_;
    refined_ = GridBlocks{}; // the view drew the whole grid
    if (!keep) {
        showWhole();
        return;
    }
    if (make_) pause_.start(); // the same part of the new data
}

void HeatmapZoom::setDragEnabled(bool enabled) {
    map_->keyAxis()->axisRect()->setRangeDrag(enabled ? Qt::Horizontal | Qt::Vertical
                                                      : Qt::Orientations());
}

void HeatmapZoom::showWhole() {
    if (!whole_.sourceRows) return;
    clamping_ = true;
    map_->keyAxis()->setRange(-0.5, double(whole_.sourceCols) - 0.5);
    map_->valueAxis()->setRange(-0.5, double(whole_.sourceRows) - 0.5);
    clamping_ = false;
    // Cells of a window shown: the whole grid's cells again.
    if (refined_.rows && make_) pause_.start();
    map_->parentPlot()->replot(QCustomPlot::rpQueuedReplot);
}

bool HeatmapZoom::zoomed() const {
    if (!whole_.sourceRows) return false;
    return map_->keyAxis()->range().size() < double(whole_.sourceCols) - 1e-9 ||
           map_->valueAxis()->range().size() < double(whole_.sourceRows) - 1e-9;
}

// Keeps the axes on the grid (no zooming out past it, no panning off it), then refines
// once they rest.
void HeatmapZoom::axesMoved() {
    if (clamping_ || !whole_.sourceRows || !map_->visible()) return;
    clamping_ = true;
    const auto clamp = [](QCPAxis* axis, double extent) {
        QCPRange r = axis->range();
        const double low = -0.5, high = extent - 0.5;
        if (r.size() >= high - low) {
            r = QCPRange(low, high);
        } else if (r.lower < low) {
            r = QCPRange(low, low + r.size());
        } else if (r.upper > high) {
            r = QCPRange(high - r.size(), high);
        }
        if (r != axis->range()) axis->setRange(r);
    };
    clamp(map_->keyAxis(), double(whole_.sourceCols));
    clamp(map_->valueAxis(), double(whole_.sourceRows));
    clamping_ = false;
    if (make_ && map_->visible()) pause_.start();
}

void HeatmapZoom::refine() {
    if (!make_ || !map_->visible() || !whole_.sourceRows) return;
    if (making_) { // the newest position once the cells being made are drawn
        pause_.start();
        return;
    }
    // The cells in view, and a quarter of the view on each side; as many blocks as pixels.
    const QCPRange keys = map_->keyAxis()->range(), values = map_->valueAxis()->range();
    const auto [pixelRows, pixelCols] = heatmapCells(map_);
    const auto window = [](const QCPRange& r, int pixels, std::int64_t extent) {
        const std::int64_t first = std::int64_t(std::floor(r.lower + 0.5));
        const std::int64_t end = std::int64_t(std::ceil(r.upper + 0.5)); // past the last cell
        const std::int64_t margin = (end - first) / 4;
        const std::int64_t from = std::max<std::int64_t>(0, first - margin);
        const std::int64_t to = std::min(extent, end + margin);
        const double share = double(to - from) / double(std::max<std::int64_t>(end - first, 1));
        return std::tuple{from, to, std::max(1, int(std::ceil(double(pixels) * share)))};
    };
    const auto [r0, r1, maxRows] = window(values, pixelRows, whole_.sourceRows);
    const auto [c0, c1, maxCols] = window(keys, pixelCols, whole_.sourceCols);
    const GridBlocks wanted = gridWindowBlocks(shape_, r0, r1, c0, c1, maxRows, maxCols);
    if (!wanted.rows || wanted == refined_) return;
    askedGeneration_ = generation_;
    making_ = true;
    watcher_.setFuture(QtConcurrent::run([make = make_, wanted] { return make(wanted); }));
}

void HeatmapZoom::cellsMade() {
    making_ = false;
    const HeatmapCells cells = watcher_.result();
    if (askedGeneration_ != generation_) { // made from data no longer shown
        if (make_) pause_.start();
        return;
    }
    if (!cells.blocks.rows ||
        cells.values.size() != std::size_t(cells.blocks.rows) * std::size_t(cells.blocks.cols))
        return;
    drawCells(map_, cells.blocks, cells.values);
    refined_ = cells.blocks;
    map_->parentPlot()->replot(QCustomPlot::rpQueuedReplot);
    emit refined();
}

HeatmapZoom::CellMaker meanCells(std::shared_ptr<const void> owner, const Tensor* values,
                                 const Tensor* keep) {
    return [owner = std::move(owner), values, keep](const GridBlocks& blocks) {
        GridSummary summary = summarizeGrid(*values, keep, blocks);
        return HeatmapCells{blocks, std::move(summary.mean)}; // NaN where nothing was kept
    };
}

} // namespace normlab::ui
