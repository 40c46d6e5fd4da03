#include "output_view.h"

#include "heatmap.h"
#include "heatmap_zoom.h"
#include "plot_series.h"
#include "recompute_controller.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <qcustomplot.h>

#include <cmath>

namespace normlab::ui {

OutputView::OutputView(QWidget* parent)
    : PlotView(tr("Output"), parent) {
    input_ = plot()->addGraph();
    input_->setName(tr("input x"));
    input_->setLineStyle(QCPGraph::lsStepLeft);
    input_->setPen(QPen(QColor(120, 120, 120), 2));
    input_->setBrush(QColor(120, 120, 120, 50));
    output_ = plot()->addGraph();
    output_->setName(tr("output y"));
    output_->setLineStyle(QCPGraph::lsStepLeft);
    output_->setPen(QPen(QColor(40, 150, 90), 2));
    output_->setBrush(QColor(40, 150, 90, 60));
    plot()->xAxis->setLabel(tr("value"));
    plot()->yAxis->setLabel(tr("elements"));
    plot()->legend->setVisible(true);
    map_ = addHeatmap(plot(), QCPColorGradient(QCPColorGradient::gpThermal), tr("n × C + c"));
    scale_ = map_->colorScale();
    mode_ =
        addModeSelector({tr("histograms of x and y"),
                         tr("y per channel along the positions (sample 0)"), tr("heatmap of y")});
    connect(mode_, &QComboBox::currentIndexChanged, this, [this] {
        emit needsChanged();
        redraw();
    });
    addHeatmapZoom(map_); // the wheel zooms the histograms and curves too (no refinement)
}

ComputeNeeds OutputView::needs() const {
    const auto [rows, cols] = heatmapCells(map_);
    const bool heatmap = mode_->currentIndex() == 2;
    return {false, false, true, heatmap ? rows : 0, heatmap ? cols : 0, heatmap};
}

void OutputView::showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) {
    outcome_ = outcome;
    redraw();
}

int OutputView::curveCount() const {
    return curves_.size();
}

void OutputView::redraw() {
    if (!outcome_) return;
    const int mode = mode_->currentIndex();
    for (QCPGraph* g : curves_) plot()->removeGraph(g);
    curves_.clear();
    input_->setVisible(mode == 0);
    output_->setVisible(mode == 0);
    map_->setVisible(mode == 2);
    showColorScale(plot(), scale_, mode == 2);
    plot()->legend->setVisible(mode == 0);
    plot()->yAxis->setRangeReversed(mode == 2);
    useIntegerTicks(plot()->xAxis, mode != 0); // positions, or values in the histogram
    useIntegerTicks(plot()->yAxis, mode == 2);
    const Tensor& y = outcome_->result.output;
    if (mode != 2) heatmapZoom()->setSource({}, {}); // back in the heatmap: the whole grid
    if (mode == 0) {
        // Binned on the compute side (ComputeOutcome::histograms).
        const auto& h = outcome_->histograms;
        for (auto [graph, counts] : {std::pair{input_, &h.input}, std::pair{output_, &h.output}}) {
            QVector<double> keys, values;
            for (std::size_t b = 0; b < counts->size(); ++b) {
                keys << h.low + double(b) * h.width;
                values << (*counts)[b];
            }
            graph->setData(keys, values);
        }
        plot()->xAxis->setLabel(tr("value"));
        plot()->yAxis->setLabel(tr("elements"));
        plot()->rescaleAxes(true);
        plot()->yAxis->setRangeUpper(plot()->yAxis->range().upper * 1.1);
    } else if (mode == 1) {
        // Rows of sample 0 in the heatmap layout: one curve per channel (at most 32 drawn).
        // Only those rows are read (QCPGraph draws them min/max-decimated per pixel column).
        const int channels = y.rank() >= 3 ? int(y.shape()[1]) : 1;
        const std::int64_t cols = y.size() / std::max(gridRows(y.shape()), 1);
        for (int c = 0; c < std::min(channels, 32); ++c) {
            QVector<double> keys, values;
            keys.reserve(cols);
            values.reserve(cols);
            for (std::int64_t k = 0; k < cols; ++k) {
                const std::int64_t i = flatIndex(y, c, int(k));
                keys << double(k);
                values << (!outcome_->slices.kept(i) ? qQNaN() : y.at(i));
            }
            QCPGraph* g = plot()->addGraph();
            g->setPen(QPen(QColor::fromHsvF(sliceHue(c), 0.8, 0.8), 1.5));
            g->setData(keys, values);
            curves_ << g;
        }
        plot()->xAxis->setLabel(tr("position (spatial dims, flattened)"));
        plot()->yAxis->setLabel(tr("y of sample 0, one line per channel"));
        plot()->rescaleAxes(true);
    } else {
        if (!showHeatmap(map_, y, outcome_->slices.keep(), false,
                         outcome_->outputMap ? &*outcome_->outputMap : nullptr)) {
            setReadout(tr("Summarizing y for the heatmap…")); // the recompute asked for it
            plot()->replot();
            return;
        }
        heatmapZoom()->setSource(y.shape(), meanCells(outcome_, &y, outcome_->slices.keep()));
        plot()->xAxis->setLabel(tr("position (spatial dims, flattened)"));
        plot()->yAxis->setLabel(tr("n × C + c"));
    }
    plot()->replot();
    // The inverse is computed while the Invertibility view is shown, not for this one.
    if (outcome_->computed.inverse)
        setReadout(tr("max |x − inverse(y)| = %1 (reconstruction error)")
                       .arg(outcome_->result.maxReconstructionError, 0, 'g', 3));
    else
        setReadout(tr("The reconstruction error is in the Invertibility view."));
}

Tensor OutputView::exportData() const {
    return outcome_ ? outcome_->result.output.share() : Tensor(); // never a copy: 400 MB at 100 M
}

} // namespace normlab::ui
