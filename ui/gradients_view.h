// dx as a heatmap over the input grid, and dγ, dβ per parameter as bars, for the upstream
// gradient chosen in the Normalization panel; the finite-difference spot check below.
#pragma once

#include "plot_view.h"

class QCPBars;
class QCPColorMap;

namespace normlab::ui {

class GradientsView : public PlotView {
    Q_OBJECT
  public:
    explicit GradientsView(QWidget* parent = nullptr);
    void showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) override;
    Tensor exportData() const override;

  private:
    QCPColorMap* dx_;
    QCPBars* dgamma_;
    QCPBars* dbeta_;
    std::shared_ptr<const ComputeOutcome> outcome_;
};

} // namespace normlab::ui
