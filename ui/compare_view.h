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
    // A's output summarized to the heatmap's size with A (off the GUI thread).
    ComputeNeeds needs() const override;
    void forgetOutcome() override; // A and B too
    Tensor exportData() const override;
    NormalizationPanel* panelB() const { return panelB_; }
    // Configuration B's normalization, for sessions; setSpecB puts one back (and recomputes).
    NormSpec specB() const;
    void setSpecB(const NormSpec& spec);
    bool busy() const { return jobB_.busy(); }
    std::shared_ptr<const ComputeOutcome> outcomeA() const { return a_; }
    std::shared_ptr<const ComputeOutcome> outcomeB() const { return b_; }
    // max |y_A - y_B| over A's valid elements, computed with B (NaN before B is shown).
    double largestDifference() const { return largest_; }

  signals:
    void comparisonShown();

  private:
    void requestB();
    void redraw();

    NormalizationPanel* panelB_;
    QCPColorMap* mapA_;
    QCPColorMap* mapB_;
    HeatmapZoom* zoomB_; // A's is heatmapZoom()
    QCPColorScale* scale_;
    std::shared_ptr<const ComputeOutcome> a_, b_;
    double largest_ = std::numeric_limits<double>::quiet_NaN();
    Shape fittedShape_;
    std::optional<NormSpec> pendingSpecB_;
    // B is computed on A's input (shared, not regenerated), its output summarized to the
    // heatmap's size and compared with A's there, off the GUI thread.
    struct RequestB {
        WorkbenchState state;
        std::shared_ptr<const ComputeOutcome> a;
        ComputeNeeds needs;
    };
    struct ResultB {
        std::shared_ptr<ComputeOutcome> b;
        double largest = 0;
    };
    static ResultB computeB(const RequestB& request);
    LatestJob<RequestB, ResultB> jobB_;
};

} // namespace normlab::ui
