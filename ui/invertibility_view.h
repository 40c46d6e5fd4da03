// |x − inverse(y)| per element over the input grid, for the inverse with the stored
// statistics or, when chosen, with statistics re-estimated from y (the classic flow bug);
// the log-determinant per sample on the right.
#pragma once

#include "plot_view.h"

class QCPBars;
class QCPColorMap;

namespace normlab::ui {

class InvertibilityView : public PlotView {
    Q_OBJECT
  public:
    explicit InvertibilityView(QWidget* parent = nullptr);
    void showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) override;
    ComputeNeeds needs() const override;
    Tensor exportData() const override;
    DataJob exportJob() const override;

  private:
    QCPColorMap* error_;
    QCPBars* logdet_;
};

} // namespace normlab::ui
