// Per-slice mean (bars) and biased variance (line, right axis) of the statistics the
// forward pass used, with the valid count on hover.
#pragma once

#include "plot_view.h"

class QCPBars;
class QCPGraph;

namespace normlab::ui {

class StatisticsView : public PlotView {
    Q_OBJECT
  public:
    explicit StatisticsView(QWidget* parent = nullptr);
    void showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) override;
    Tensor exportData() const override;
    int plottedSlices() const;
    double plottedMean(int slice) const;

  private:
    void hover(QMouseEvent* event);
    QCPBars* mean_;
    QCPGraph* var_;
    std::shared_ptr<const ComputeOutcome> outcome_;
};

} // namespace normlab::ui
