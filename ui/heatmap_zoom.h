// Zooming into a heatmap, refined from the data: the wheel zooms, dragging pans and a double
// click shows the whole grid again. Once the axes rest (kSettleMs), the part of the grid in
// view (and a margin, so that a short pan shows cells at once) is made again at most one
// cell per pixel from the data the view handed over, on a worker thread: at 100 M elements
// a heatmap first shows blocks of thousands of elements, and zooming in goes down to single
// elements. Where the view has no data to refine from (it kept only a summary), the cells it
// drew stay, magnified.
#pragma once

#include "normlab/grid_summary.h"

#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

class QCPColorMap;

namespace normlab::ui {

// One value per block of `blocks` (NaN: nothing there, drawn hatched), row-major.
struct HeatmapCells {
    GridBlocks blocks;
    std::vector<double> values;
};

class HeatmapZoom : public QObject {
    Q_OBJECT
  public:
    static constexpr int kSettleMs = 60;
    // Makes the cells of `blocks` on a worker thread: it must hold what it reads.
    using CellMaker = std::function<HeatmapCells(const GridBlocks& blocks)>;

    explicit HeatmapZoom(QCPColorMap* map);
    // The map now shows the whole grid of `shape`; `make` (empty where there is nothing to
    // refine from) makes cells of it. A zoomed view of a grid of the same shape stays as it
    // is and is refined from the new data; otherwise the axes show the whole grid.
    void setSource(const Shape& shape, CellMaker make);
    // Whether the left button pans (the Slices view's brushes paint with it instead).
    void setDragEnabled(bool enabled);
    void showWhole();
    // The axes show less than the whole grid.
    bool zoomed() const;
    // Refinement asked or under way (tests wait for it to end).
    bool busy() const { return pause_.isActive() || making_; }
    // The cells drawn by the last refinement (none before one).
    const GridBlocks& refinedBlocks() const { return refined_; }

  signals:
    void refined();

  private:
    void axesMoved();
    void refine();
    void cellsMade();

    QCPColorMap* map_;
    Shape shape_;
    GridBlocks whole_; // the grid of shape_, in blocks of one cell
    CellMaker make_;
    QTimer pause_;
    QFutureWatcher<HeatmapCells> watcher_;
    GridBlocks refined_;
    quint64 generation_ = 0, askedGeneration_ = 0; // of setSource: stale cells are dropped
    bool clamping_ = false;
    bool making_ = false; // from launch until the cells are handled (not the worker's end)
};

// A CellMaker of the block means of `values` (masked by `keep`, as summarizeGrid takes it),
// both held by `owner`, which the maker keeps alive.
HeatmapZoom::CellMaker meanCells(std::shared_ptr<const void> owner, const Tensor* values,
                                 const Tensor* keep);

} // namespace normlab::ui
