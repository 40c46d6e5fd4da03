// The precision lab: per slice, the relative error of the variance computed naively
// (E[x²] − E[x]²) in float32 and float64, by Welford in float32 and by NormLab at float32,
// against a float64 two-pass reference, and the largest |y_float32 − y_float64|, on a log
// axis. Computed on a worker thread when the view is shown; the newest outcome wins.
#pragma once

#include "latest_job.h"
#include "plot_view.h"

#include "normlab/precision_lab.h"

class QCPGraph;

namespace normlab::ui {

class PrecisionView : public PlotView {
    Q_OBJECT
  public:
    explicit PrecisionView(QWidget* parent = nullptr);
    void showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) override;
    Tensor exportData() const override;
    bool busy() const { return job_.busy(); }
    const PrecisionReport& report() const { return report_; }
    // Points plotted by series k (0 naive f32, 1 naive f64, 2 Welford f32, 3 NormLab f32,
    // 4 output gap).
    int plottedPoints(int series) const;

  signals:
    void reportShown();

  private:
    void show(PrecisionReport report);

    QList<QCPGraph*> series_;
    PrecisionReport report_;
    LatestJob<std::shared_ptr<const ComputeOutcome>, PrecisionReport> job_;
};

} // namespace normlab::ui
