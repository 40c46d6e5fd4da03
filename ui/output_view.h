// Histograms of the input and the output (valid elements), on one axis.
#pragma once

#include "plot_view.h"

class QCPColorMap;
class QCPColorScale;
class QCPGraph;
class QComboBox;

namespace normlab::ui {

class OutputView : public PlotView {
    Q_OBJECT
  public:
    explicit OutputView(QWidget* parent = nullptr);
    void showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) override;
    // Histograms always (cheap to keep); y summarized to the heatmap's size in heatmap mode.
    ComputeNeeds needs() const override;
    Tensor exportData() const override;
    // 0 histograms, 1 per-channel curves of sample 0, 2 heatmap of y.
    QComboBox* modeBox() const { return mode_; }
    int curveCount() const;

  private:
    QCPGraph* input_;
    QCPGraph* output_;
    QComboBox* mode_;
    QCPColorMap* map_;
    QCPColorScale* scale_;
    QList<QCPGraph*> curves_;
    void redraw();
};

} // namespace normlab::ui
