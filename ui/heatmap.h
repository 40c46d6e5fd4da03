// Fills a QCPColorMap with a tensor in the Grid layout (rows n*C + c, columns positions),
// at most one cell per pixel. NaN cells (masked out) are hatched.
#pragma once

#include "plot_series.h"

#include "normlab/grid_summary.h"

#include <cstdint>
#include <utility>
#include <vector>

class QCPAxis;
class QCPColorGradient;
class QCPColorMap;
class QCPColorScale;
class QCustomPlot;
class QString;

namespace normlab::ui {

// A colour map whose NaN cells (masked-out elements, empty slices) show a grey hatching:
// the map is drawn over a hatched rectangle covering its cells and its gradient's NaN colour
// is made transparent. Cells are centred on the points of the data range, evenly spaced.
QCPColorMap* addHatchedColorMap(QCPAxis* keyAxis, QCPAxis* valueAxis, QCPColorGradient gradient);

// A colour map in `plot`'s main axis rect (rows downwards, labelled `rowLabel`) with a
// colour scale beside it at layout cell (0, 1). Masked-out (NaN) cells are hatched. The
// gradient is set on the scale, which the map follows.
QCPColorMap* addHeatmap(QCustomPlot* plot, QCPColorGradient gradient, const QString& rowLabel);

// Shows the colour scale in layout cell (0, 1), or hides it and gives its column back to
// the plot (a merely hidden layout element would keep its space).
void showColorScale(QCustomPlot* plot, QCPColorScale* scale, bool shown);

// Bounds on the cells a heatmap gets per axis (at most one per pixel of its plot).
inline constexpr int kMinHeatmapCells = 256, kMaxHeatmapCells = 4096;
// Tensors up to this many elements may be summarized on the GUI thread (a few ms).
inline constexpr std::int64_t kGuiSummaryLimit = std::int64_t(1) << 21;

// Shows `values` in the Grid layout; `keep` (a slice map or validity mask, as
// normlab/grid_summary.h) hatches masked-out elements.
// A grid larger than the plot in pixels is shown as the mean of each block of elements a
// pixel covers (normlab/grid_summary.h), cell centres in the grid's own units.
// `symmetric`: colour range [-m, m] with m = max |value| (for signed data such as grads).
// `summary`: the same made beforehand (off the GUI thread), used where it has the blocks
// this plot's size asks for, and also where it has not but `values` has more than
// kGuiSummaryLimit elements: such a tensor is never summarized on the GUI thread (100 M
// elements take 200 ms); it is drawn at the summary's resolution until the next computation
// makes one of the plot's size. `values` may be null where `summary` is given (the outcome
// kept only the summary): drawn from it alike.
// Returns false, with the map emptied, for such a tensor without a summary.
bool showHeatmap(QCPColorMap* map, const Tensor& values, const Tensor* keep, bool symmetric,
                 const GridSummary* summary = nullptr);

// The blocks (rows, cols) a heatmap in `map`'s plot is drawn with: one per pixel of its axis
// rect, within [kMinHeatmapCells, kMaxHeatmapCells].
std::pair<int, int> heatmapCells(const QCPColorMap* map);

// Sizes `map` to `blocks` (one cell per block), cell centres in the grid's own units.
void placeCells(QCPColorMap* map, const GridBlocks& blocks);
// placeCells, then one value per block (row-major; NaN: nothing there, drawn hatched).
void drawCells(QCPColorMap* map, const GridBlocks& blocks, const std::vector<double>& values);

// Sets the map's axes to exactly its cells' extent.
void showWholeMap(QCPColorMap* map);

} // namespace normlab::ui
