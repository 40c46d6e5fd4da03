#include "heatmap.h"

#include <qcustomplot.h>

#include <cmath>

namespace normlab::ui {

QCPColorMap* addHeatmap(QCustomPlot* plot, QCPColorGradient gradient, const QString& rowLabel) {
    QCPAxisRect* rect = plot->axisRect();
    auto* map = new QCPColorMap(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    gradient.setNanHandling(QCPColorGradient::nhNanColor);
    gradient.setNanColor(QColor(90, 90, 90));
    map->setInterpolate(false);
    rect->axis(QCPAxis::atLeft)->setRangeReversed(true);
    rect->axis(QCPAxis::atLeft)->setLabel(rowLabel);
    auto* scale = new QCPColorScale(plot);
    plot->plotLayout()->addElement(0, 1, scale);
    map->setColorScale(scale);
    scale->setGradient(gradient);
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
