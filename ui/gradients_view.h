// dx as a heatmap over the input grid, and dγ, dβ per parameter as bars, for the upstream
// gradient chosen above the plot (part of the workbench state: writeTo/readFrom, changed());
// the finite-difference spot check below.
#pragma once

#include "plot_view.h"
#include "workbench_state.h"

class QCPBars;
class QComboBox;
class QSpinBox;
class QCPColorMap;

namespace normlab::ui {

class GradientsView : public PlotView {
    Q_OBJECT
  public:
    explicit GradientsView(QWidget* parent = nullptr);
    void showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) override;
    ComputeNeeds needs() const override;
    Tensor exportData() const override;
    DataJob exportJob() const override;
    // The upstream-gradient choice, as the panels do it.
    void writeTo(WorkbenchState& state) const;
    void readFrom(const WorkbenchState& state);

  signals:
    void changed();

  private:
    QComboBox* upstream_;
    QSpinBox* upstreamChannel_;
    bool updating_ = false;
    QCPColorMap* dx_;
    QCPBars* dgamma_;
    QCPBars* dbeta_;
};

} // namespace normlab::ui
