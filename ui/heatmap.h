// Fills a QCPColorMap with a tensor in the Grid layout (rows n*C + c, columns positions).
// NaN cells (masked out) take the gradient's NaN colour.
#pragma once

#include "plot_series.h"

class QCPColorMap;

namespace normlab::ui {

// `symmetric`: colour range [-m, m] with m = max |value| (for signed data such as grads).
void showHeatmap(QCPColorMap* map, const Tensor& values, const Tensor* keep, bool symmetric);

} // namespace normlab::ui
