#include "heatmap.h"

#include "normlab/grid_summary.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace normlab::ui {

namespace {

// Half the width of a cell along one axis: cells are centred on the range's points.
double halfCell(const QCPRange& range, int cells) {
    return cells > 1 ? (range.upper - range.lower) / double(cells - 1) / 2.0 : 0.5;
}

// The cells' outer edges, in plot coordinates.
QRectF cellExtent(const QCPColorMapData* cells) {
    const QCPRange keys = cells->keyRange(), values = cells->valueRange();
    const double hk = halfCell(keys, cells->keySize()), hv = halfCell(values, cells->valueSize());
    return QRectF(QPointF(keys.lower - hk, values.lower - hv),
                  QPointF(keys.upper + hk, values.upper + hv));
}

class HatchedColorMap : public QCPColorMap {
  public:
    using QCPColorMap::QCPColorMap;

  protected:
    void draw(QCPPainter* painter) override {
        const QCPColorMapData* cells = data();
        if (cells->keySize() > 0 && cells->valueSize() > 0) {
            const QRectF edges = cellExtent(cells);
            const QRectF area = QRectF(coordsToPixels(edges.left(), edges.top()),
                                       coordsToPixels(edges.right(), edges.bottom()))
                                    .normalized();
            painter->fillRect(area, QColor(238, 238, 238));
            painter->fillRect(area, QBrush(QColor(120, 120, 120), Qt::BDiagPattern));
        }
        QCPColorMap::draw(painter);
    }
};

} // namespace

QCPColorMap* addHatchedColorMap(QCPAxis* keyAxis, QCPAxis* valueAxis, QCPColorGradient gradient) {
    auto* map = new HatchedColorMap(keyAxis, valueAxis);
    gradient.setNanHandling(QCPColorGradient::nhTransparent);
    map->setGradient(gradient);
    map->setInterpolate(false);
    return map;
}

QCPColorMap* addHeatmap(QCustomPlot* plot, QCPColorGradient gradient, const QString& rowLabel) {
    QCPAxisRect* rect = plot->axisRect();
    gradient.setNanHandling(QCPColorGradient::nhTransparent);
    QCPColorMap* map =
        addHatchedColorMap(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft), gradient);
    rect->axis(QCPAxis::atLeft)->setRangeReversed(true);
    rect->axis(QCPAxis::atLeft)->setLabel(rowLabel);
    auto* scale = new QCPColorScale(plot);
    plot->plotLayout()->addElement(0, 1, scale);
    map->setColorScale(scale);
    scale->setGradient(gradient); // the map follows its scale's gradient
    return map;
}

void showColorScale(QCustomPlot* plot, QCPColorScale* scale, bool shown) {
    scale->setVisible(shown);
    QCPLayoutGrid* layout = plot->plotLayout();
    const bool inLayout = layout->hasElement(0, 1) && layout->element(0, 1) == scale;
    if (!shown && inLayout) {
        layout->take(scale);
        layout->simplify();
    } else if (shown && !inLayout) {
        layout->addElement(0, 1, scale);
    }
}

std::pair<int, int> heatmapCells(const QCPColorMap* map) {
    const QRect pixels = map->keyAxis()->axisRect()->rect();
    return {std::clamp(pixels.height(), kMinHeatmapCells, kMaxHeatmapCells),
            std::clamp(pixels.width(), kMinHeatmapCells, kMaxHeatmapCells)};
}

bool showHeatmap(QCPColorMap* map, const Tensor& values, const Tensor* keep, bool symmetric,
                 const GridSummary* summary) {
    // As many cells as the plot has pixels (a block of the tensor's grid per pixel, its
    // mean drawn), so drawing costs what the screen shows. The colour range spans the
    // blocks' minima and maxima: the data's own extremes, not those of the means.
    const auto [maxRows, maxCols] = heatmapCells(map);
    const bool summarizableHere = !values.isNull() && values.size() <= kGuiSummaryLimit;
    const GridBlocks wanted =
        summarizableHere ? gridBlocks(values.shape(), maxRows, maxCols) : GridBlocks{};
    const bool reuse =
        summary && ((summary->rowStep == wanted.rowStep && summary->colStep == wanted.colStep &&
                     summary->rows == wanted.rows && summary->cols == wanted.cols) ||
                    !summarizableHere);
    if (!reuse && !summarizableHere) {
        map->data()->clear();
        return false;
    }
    GridSummary made; // only when there is no summary to reuse (never copied: 20 MB)
    if (!reuse) made = summarizeGrid(values, keep, maxRows, maxCols);
    const GridSummary& g = reuse ? *summary : made;
    drawCells(map, g, g.mean); // a block without a kept value has a NaN mean
    double low = qInf(), high = -qInf();
    for (std::size_t i = 0; i < g.count.size(); ++i)
        if (g.count[i]) {
            low = std::min(low, g.min[i]);
            high = std::max(high, g.max[i]);
        }
    if (!(low <= high)) low = high = 0;
    if (symmetric) {
        // An all-zero map (up to rounding) gets a plain unit scale, not one of rounding noise.
        const double m = std::max({std::fabs(low), std::fabs(high)});
        map->setDataRange(m < 1e-12 ? QCPRange(-1, 1) : QCPRange(-m, m));
    } else {
        map->setDataRange(QCPRange(low, high > low ? high : low + 1e-30));
    }
    return true;
}

void placeCells(QCPColorMap* map, const GridBlocks& b) {
    map->data()->setSize(b.cols, b.rows);
    // Cell centres in the grid's own units (positions, n x C + c), whatever the block size.
    const double keyHalf = double(b.colStep - 1) / 2.0, valueHalf = double(b.rowStep - 1) / 2.0;
    const double firstKey = double(b.firstCol) + keyHalf,
                 firstValue = double(b.firstRow) + valueHalf;
    map->data()->setRange(
        QCPRange(firstKey, firstKey + double(std::max(b.cols - 1, 0)) * double(b.colStep)),
        QCPRange(firstValue, firstValue + double(std::max(b.rows - 1, 0)) * double(b.rowStep)));
}

void drawCells(QCPColorMap* map, const GridBlocks& b, const std::vector<double>& values) {
    placeCells(map, b);
    for (int r = 0; r < b.rows; ++r)
        for (int c = 0; c < b.cols; ++c)
            map->data()->setCell(c, r,
                                 values[std::size_t(r) * std::size_t(b.cols) + std::size_t(c)]);
}

void showWholeMap(QCPColorMap* map) {
    const QRectF edges = cellExtent(map->data());
    map->keyAxis()->setRange(edges.left(), edges.right());
    map->valueAxis()->setRange(edges.top(), edges.bottom());
}

} // namespace normlab::ui
