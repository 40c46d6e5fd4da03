// A QCustomPlot with what every NormLab view offers: a title, export of the picture (PNG,
// PDF) and of the data behind it (.npy, .csv) from a context menu, and hover read-outs.
#pragma once

#include "outcome_view.h"

#include "normlab/tensor.h"

#include <atomic>
#include <functional>
#include <memory>

class QComboBox;
class QCPColorMap;
class QCPAxis;
class QCustomPlot;
class QLabel;

namespace normlab::ui {

class HeatmapZoom;

// Ticks at whole numbers only (indices of samples, parameters, positions); `integers`
// false gives the axis back QCustomPlot's default ticker (for views whose axes switch
// between indices and values).
void useIntegerTicks(QCPAxis* axis, bool integers = true);

class PlotView : public OutcomeView {
    Q_OBJECT
  public:
    explicit PlotView(const QString& title, QWidget* parent = nullptr);
    QCustomPlot* plot() const { return plot_; }
    // The tensor behind the picture, for data export.
    virtual Tensor exportData() const = 0;
    // The same as a job for a worker thread: it may recompute what the view kept only a
    // summary of (seconds at 100 M elements); `cancel` (may be null) stops that work and
    // the job then gives a null tensor. The default hands over exportData().
    using DataJob = std::function<Tensor(const std::atomic<bool>* cancel)>;
    virtual DataJob exportJob() const;
    QString title() const { return title_; }
    // The zoom of the view's heatmap (heatmap_zoom.h); null for views without one.
    HeatmapZoom* heatmapZoom() const { return zoom_; }

    // PNG at `dpi` dots per inch (the plot drawn at dpi / 96 times its screen size), or
    // vector PDF.
    bool exportImage(const QString& path, int dpi = 192);
    // Writes exportData() as .npy or (by the suffix) .csv; the error, empty on success.
    QString exportTensor(const QString& path);
    // The same on a worker thread behind a progress dialog with Cancel (the window stays
    // responsive while hundreds of megabytes are recomputed and written). A cancelled
    // export removes the file it was writing; the error, if any, is shown.
    void exportTensorInBackground(const QString& path);

  protected:
    void setReadout(const QString& text);
    // A row above the plot: `label`, then `widgets`, left-aligned.
    void addControlRow(const QString& label, const QList<QWidget*>& widgets);
    // Puts `side` (titled) at the left of the plot.
    void setSidePanel(QWidget* side, const QString& title);
    // A "Show: [modes]" row above the plot; the combo box emits currentIndexChanged.
    QComboBox* addModeSelector(const QStringList& modes);
    // Wheel zoom, pan and refinement for `map`, the view's heatmap; call it once every axis
    // rect of the plot exists (the others are kept from moving).
    HeatmapZoom* addHeatmapZoom(QCPColorMap* map);

  private:
    void showContextMenu(const QPoint& at);

    QString title_;
    QCustomPlot* plot_;
    QLabel* readout_;
    HeatmapZoom* zoom_ = nullptr;
};

} // namespace normlab::ui
