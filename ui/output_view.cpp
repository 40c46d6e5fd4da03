#include "output_view.h"

#include "plot_series.h"
#include "recompute_controller.h"

#include <qcustomplot.h>

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
}

void OutputView::showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) {
    outcome_ = outcome;
    const Tensor& x = outcome->inputs.input;
    const Tensor& y = outcome->result.output;
    const auto [low, high] = finiteRange(x, y);
    constexpr int kBins = 60;
    for (auto [graph, tensor] : {std::pair{input_, &x}, std::pair{output_, &y}}) {
        const Histogram h = histogramOf(*tensor, low, high, kBins, &outcome->sliceMap);
        QVector<double> keys, counts;
        for (int b = 0; b < kBins; ++b) {
            keys << h.low + b * h.width;
            counts << h.counts[std::size_t(b)];
        }
        graph->setData(keys, counts);
    }
    plot()->rescaleAxes();
    plot()->yAxis->setRangeUpper(plot()->yAxis->range().upper * 1.1);
    plot()->replot();
    setReadout(tr("max |x − inverse(y)| = %1 (reconstruction error)")
                   .arg(outcome->result.maxReconstructionError, 0, 'g', 3));
}

Tensor OutputView::exportData() const {
    return outcome_ ? outcome_->result.output : Tensor();
}

} // namespace normlab::ui
