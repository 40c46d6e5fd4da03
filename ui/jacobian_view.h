// The Jacobian dy/dx of one slice as a heatmap (rows: outputs, columns: inputs, both the
// slice's valid elements), and its spectrum: singular values on a log scale, with the rank
// and, where the matrix is symmetric, what its two smallest values mean. Computed by
// normlab/jacobian.h off the GUI thread; the slice follows the one last hovered in the
// Slices or Cube view, or the spin box.
#pragma once

#include "plot_view.h"

#include "normlab/jacobian.h"

#include <QFutureWatcher>

class QCPColorMap;
class QCPColorScale;
class QCPGraph;
class QCPAxisRect;
class QSpinBox;

namespace normlab::ui {

class JacobianView : public PlotView {
    Q_OBJECT
  public:
    explicit JacobianView(QWidget* parent = nullptr);
    void showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) override;
    Tensor exportData() const override;
    // Shows slice `slice` (its index in the statistics grid) from the next outcome on.
    void setSlice(std::int64_t slice);
    // The Jacobian on screen (empty until the first one is computed), for tests.
    const SliceJacobian& shown() const { return shown_; }
    // Whether a computation is under way.
    bool busy() const { return watcher_.isRunning(); }
    bool working() const override { return busy(); }

  signals:
    void jacobianShown();

  private:
    void recompute();
    void draw(const SliceJacobian& jac);

    QSpinBox* slice_;
    QCPColorMap* map_;
    QCPColorScale* scale_;
    QCPAxisRect* spectrumRect_;
    QCPGraph* kept_;
    QCPGraph* lost_;
    QFutureWatcher<SliceJacobian> watcher_;
    quint64 requested_ = 0;
    quint64 running_ = 0;
    SliceJacobian shown_;
};

} // namespace normlab::ui
