// Fills a QCPColorMap with a tensor in the Grid layout (rows n*C + c, columns positions).
// NaN cells (masked out) take the gradient's NaN colour.
#pragma once

#include "plot_series.h"

class QCPColorGradient;
class QCPColorMap;
class QCPColorScale;
class QCustomPlot;
class QString;

namespace normlab::ui {

// A colour map in `plot`'s main axis rect (rows downwards, labelled `rowLabel`) with a
// colour scale beside it at layout cell (0, 1). Masked-out (NaN) cells are grey. The
// gradient is set on the scale, which the map follows.
QCPColorMap* addHeatmap(QCustomPlot* plot, QCPColorGradient gradient, const QString& rowLabel);

// Shows the colour scale in layout cell (0, 1), or hides it and gives its column back to
// the plot (a merely hidden layout element would keep its space).
void showColorScale(QCustomPlot* plot, QCPColorScale* scale, bool shown);

// `symmetric`: colour range [-m, m] with m = max |value| (for signed data such as grads).
void showHeatmap(QCPColorMap* map, const Tensor& values, const Tensor* keep, bool symmetric);

} // namespace normlab::ui
