// The input as an (N*C) x (spatial) grid of cells, coloured by the slice that shares one
// mean/variance; masked-out cells grey. Hovering a cell shows its arithmetic.
#pragma once

#include "plot_view.h"

class QCPColorMap;
class QCPItemStraightLine;

namespace normlab::ui {

class SlicesView : public PlotView {
    Q_OBJECT
  public:
    explicit SlicesView(QWidget* parent = nullptr);
    void showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) override;
    Tensor exportData() const override;

  private:
    void hover(QMouseEvent* event);
    QCPColorMap* map_;
    QList<QCPItemStraightLine*> sampleLines_;
    std::shared_ptr<const ComputeOutcome> outcome_;
};

} // namespace normlab::ui
