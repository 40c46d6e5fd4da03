// A tab of the workbench that draws a compute outcome (the plot views, the cube). The main
// window redraws the visible one on every result and the others when they are shown.
#pragma once

#include <QWidget>

#include <cstdint>
#include <memory>

namespace normlab::ui {

struct ComputeOutcome;

// Drops `outcome` on a worker thread: the last reference to a large outcome frees hundreds
// of megabytes, which takes tens of milliseconds the GUI thread should not spend. Every
// holder on the GUI thread lets go of an outcome through this, or while another holder
// keeps it alive until it is released here.
void releaseOffGuiThread(std::shared_ptr<const ComputeOutcome> outcome);

// Above this many elements (2^24, 64 MB of float32) the Gradients and Invertibility views keep
// only the summaries of dx and of the inverse's error (ComputeNeeds::output): at 100 M
// elements each is 400 MB, held twice while the next edit computes. Up to it they keep them,
// and zooming into their heatmaps refines from them.
inline constexpr std::int64_t kSummaryOnlyAbove = std::int64_t(1) << 24;

// The optional parts of a compute outcome. At real sizes the backward pass and the inverse
// cost as much as the forward pass each: they are computed only while a view shows them.
struct ComputeNeeds {
    bool gradients = true;  // dx, dgamma, dbeta, the finite-difference spot check
    bool inverse = true;    // reconstruction, its error, log|det J|
    bool histograms = true; // of x and y, binned on the compute side
    // Cells (rows x cols, 0 x 0 for none) of the heatmap the view draws of dx or of the
    // inverse's error: summarized off the GUI thread to that size (normlab/grid_summary.h).
    int heatmapRows = 0, heatmapCols = 0;
    bool outputMap = false; // y summarized to that size too
    // The input-sized tensors kept in the outcome: y and the inverse's reconstructions, and
    // dx and the inverse's error once summarized (above kSummaryOnlyAbove elements). The
    // views that draw only summaries let them go (at 100 M elements each is 400 MB, held
    // twice while the next outcome is computed) and recompute them for a data export
    // (RecomputeController::computeInFull).
    bool output = true;
    bool sliceMap = false; // each heatmap block's slice (the Slices view's map), likewise
    std::int64_t summaryOnlyAbove = kSummaryOnlyAbove; // see there (tests lower it)
    bool covers(const ComputeNeeds& other) const {
        return (gradients || !other.gradients) && (inverse || !other.inverse) &&
               (histograms || !other.histograms) && (outputMap || !other.outputMap) &&
               (output || !other.output) && (sliceMap || !other.sliceMap);
    }
};

class OutcomeView : public QWidget {
    Q_OBJECT
  public:
    using QWidget::QWidget;
    // Redraws from an outcome (never null) that has what needs() asks for.
    virtual void showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) = 0;
    // What this view draws beyond the forward pass (statistics, output, slices).
    virtual ComputeNeeds needs() const { return {false, false, false}; }
    // Whether it is still drawing the last outcome (work of its own off the GUI thread).
    virtual bool working() const { return false; }

  signals:
    // needs() asks for more than before (a mode switched): the window recomputes if the
    // outcome shown lacks it.
    void needsChanged();

  public:
    // Lets go of the outcome it drew, once a newer one is shown by another view: a hidden
    // view must not keep an input-sized outcome alive (at 100 M elements, gigabytes). Its
    // drawing stays; hovering it does nothing until it is shown again and redrawn.
    virtual void forgetOutcome() { releaseOffGuiThread(std::move(outcome_)); }

  protected:
    std::shared_ptr<const ComputeOutcome> outcome_; // the outcome drawn; null when forgotten
};

} // namespace normlab::ui
