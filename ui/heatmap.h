// Fills a QCPColorMap with a tensor in the Grid layout (rows n*C + c, columns positions).
// NaN cells (masked out) are hatched.
#pragma once

#include "plot_series.h"

class QCPAxis;
class QCPColorGradient;
class QCPColorMap;
class QCPColorScale;
class QCustomPlot;
class QString;

namespace normlab::ui {

// A colour map whose NaN cells (masked-out elements, empty slices) show a grey hatching:
// the map is drawn over a hatched rectangle covering its cells and its gradient's NaN colour
// is made transparent. Cells are assumed one key/value unit wide (ranges 0..size-1).
QCPColorMap* addHatchedColorMap(QCPAxis* keyAxis, QCPAxis* valueAxis, QCPColorGradient gradient);

// A colour map in `plot`'s main axis rect (rows downwards, labelled `rowLabel`) with a
// colour scale beside it at layout cell (0, 1). Masked-out (NaN) cells are hatched. The
// gradient is set on the scale, which the map follows.
QCPColorMap* addHeatmap(QCustomPlot* plot, QCPColorGradient gradient, const QString& rowLabel);

// Shows the colour scale in layout cell (0, 1), or hides it and gives its column back to
// the plot (a merely hidden layout element would keep its space).
void showColorScale(QCustomPlot* plot, QCPColorScale* scale, bool shown);

// `symmetric`: colour range [-m, m] with m = max |value| (for signed data such as grads).
void showHeatmap(QCPColorMap* map, const Tensor& values, const Tensor* keep, bool symmetric);

} // namespace normlab::ui
