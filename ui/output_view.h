// Histograms of the input and the output (valid elements), on one axis.
#pragma once

#include "plot_view.h"

class QCPGraph;

namespace normlab::ui {

class OutputView : public PlotView {
    Q_OBJECT
  public:
    explicit OutputView(QWidget* parent = nullptr);
    void showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) override;
    Tensor exportData() const override;

  private:
    QCPGraph* input_;
    QCPGraph* output_;
    std::shared_ptr<const ComputeOutcome> outcome_;
};

} // namespace normlab::ui
