// The input as an (N*C) x (spatial) grid of cells, coloured by the slice that shares one
// mean/variance; masked-out cells hatched. Hovering a cell shows its arithmetic. With a
// brush chosen above the plot, dragging over cells paints a mask (masks out or restores
// elements); the stroke is handed on as one edit when the button is released.
#pragma once

#include "plot_view.h"

#include "normlab/grid_summary.h"

class QCPColorMap;
class QComboBox;
class QCPItemStraightLine;

namespace normlab::ui {

class SlicesView : public PlotView {
    Q_OBJECT
  public:
    enum class Brush { Inspect, MaskOut, Restore };

    explicit SlicesView(QWidget* parent = nullptr);
    void showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) override;
    ComputeNeeds needs() const override;
    Tensor exportData() const override;
    DataJob exportJob() const override;
    void setBrush(Brush brush);
    Brush brush() const { return brush_; }

  signals:
    // A finished stroke: the whole mask (uint8 of the input's shape, 1 = valid), or null
    // for "clear the mask".
    void maskPainted(std::shared_ptr<const normlab::Tensor> mask);
    // The mouse is over an element of this slice (the cube highlights it).
    void sliceHovered(std::int64_t slice);

  private:
    void hover(QMouseEvent* event);
    void press(QMouseEvent* event);
    void release(QMouseEvent* event);
    // Grid cell under a pixel; false outside the grid.
    bool cellAt(const QPointF& pixel, int& row, int& col) const;
    // Paints the cells on the straight line from the last painted cell to (row, col).
    void paintTo(int row, int col);

    QCPColorMap* map_;
    QList<QCPItemStraightLine*> sampleLines_;
    GridBlocks blocks_; // how the grid is shown: one cell per block
    Brush brush_ = Brush::Inspect;
    QComboBox* brushBox_;
    Tensor stroke_; // the mask being painted (null when no stroke is under way)
    int lastRow_ = -1, lastCol_ = -1;
};

} // namespace normlab::ui
