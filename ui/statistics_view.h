// Per-slice mean (bars) and biased variance (line, right axis) of the statistics the
// forward pass used, with the valid count on hover.
#pragma once

#include "plot_view.h"

class QCPBars;
class QCPColorMap;
class QCPColorScale;
class QCPGraph;
class QComboBox;

namespace normlab::ui {

class StatisticsView : public PlotView {
    Q_OBJECT
  public:
    explicit StatisticsView(QWidget* parent = nullptr);
    void showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) override;
    Tensor exportData() const override;
    int plottedSlices() const;
    double plottedMean(int slice) const;
    // Display: 0 bars, 1/2/3 heatmap of mean/variance/count over the statistics grid.
    QComboBox* modeBox() const { return mode_; }
    // The heatmap's cell (row, column) value, for tests.
    double heatmapCell(int row, int column) const;

  private:
    void hover(QMouseEvent* event);
    QCPBars* mean_;
    QCPGraph* meanLine_; // the means as a line, where the bars would be under a pixel wide
    QCPGraph* var_;
    QComboBox* mode_;
    QCPColorMap* map_;
    QCPColorScale* scale_;
    void redraw();
};

} // namespace normlab::ui
