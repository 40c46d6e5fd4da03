// Compare: the workbench's configuration (A) and a second one (B, set in the panel at the
// left) on the very same input, mask and parameters' recipe, side by side: y as two
// heatmaps on one colour scale, and the difference in words (slices, largest |y_A − y_B|).
// B is computed on a worker thread from A's latest state; the newest request wins.
#pragma once

#include "latest_job.h"
#include "plot_view.h"
#include "recompute_controller.h"

class QCPColorMap;
class QCPColorScale;

namespace normlab::ui {

class NormalizationPanel;

class CompareView : public PlotView {
    Q_OBJECT
  public:
    explicit CompareView(QWidget* parent = nullptr);
    void showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) override;
    Tensor exportData() const override;
    NormalizationPanel* panelB() const { return panelB_; }
    // Configuration B's normalization, for sessions; setSpecB puts one back (and recomputes).
    NormSpec specB() const;
    void setSpecB(const NormSpec& spec);
    bool busy() const { return jobB_.busy(); }
    std::shared_ptr<const ComputeOutcome> outcomeA() const { return a_; }
    std::shared_ptr<const ComputeOutcome> outcomeB() const { return b_; }

  signals:
    void comparisonShown();

  private:
    void requestB();
    void redraw();

    NormalizationPanel* panelB_;
    QCPColorMap* mapA_;
    QCPColorMap* mapB_;
    QCPColorScale* scale_;
    std::shared_ptr<const ComputeOutcome> a_, b_;
    Shape fittedShape_;
    std::optional<NormSpec> pendingSpecB_;
    LatestJob<WorkbenchState, std::shared_ptr<ComputeOutcome>> jobB_;
};

} // namespace normlab::ui
