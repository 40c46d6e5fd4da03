#include "heatmap.h"

#include <qcustomplot.h>

#include <cmath>

namespace normlab::ui {

namespace {

class HatchedColorMap : public QCPColorMap {
  public:
    using QCPColorMap::QCPColorMap;

  protected:
    void draw(QCPPainter* painter) override {
        const QCPColorMapData* cells = data();
        if (cells->keySize() > 0 && cells->valueSize() > 0) {
            const QCPRange keys = cells->keyRange(), values = cells->valueRange();
            const QRectF area = QRectF(coordsToPixels(keys.lower - 0.5, values.lower - 0.5),
                                       coordsToPixels(keys.upper + 0.5, values.upper + 0.5))
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

void showHeatmap(QCPColorMap* map, const Tensor& values, const Tensor* keep, bool symmetric) {
    const Grid grid = gridOf(values);
    map->data()->setSize(grid.cols, grid.rows);
    map->data()->setRange(QCPRange(0, grid.cols - 1), QCPRange(0, grid.rows - 1));
    double low = qInf(), high = -qInf();
    for (int r = 0; r < grid.rows; ++r)
        for (int c = 0; c < grid.cols; ++c) {
            double v = grid.at(r, c);
            if (keep && keep->at(flatIndex(values, r, c)) < 0) v = qQNaN();
            map->data()->setCell(c, r, v);
            if (std::isfinite(v)) {
                low = std::min(low, v);
                high = std::max(high, v);
            }
        }
    if (!(low <= high)) low = high = 0;
    if (symmetric) {
        // An all-zero map (up to rounding) gets a plain unit scale, not one of rounding noise.
        const double m = std::max({std::fabs(low), std::fabs(high)});
        if (m < 1e-12) {
            map->setDataRange(QCPRange(-1, 1));
            return;
        }
        map->setDataRange(QCPRange(-m, m));
    } else {
        map->setDataRange(QCPRange(low, high > low ? high : low + 1e-30));
    }
}

} // namespace normlab::ui
