#include "compare_view.h"

#include "heatmap.h"
#include "heatmap_zoom.h"
#include "normalization_panel.h"

#include <QComboBox>
#include <QScrollArea>
#include <qcustomplot.h>

#include <cmath>

namespace normlab::ui {

CompareView::CompareView(QWidget* parent)
    : PlotView(tr("Compare"), parent)
    , jobB_(this, &CompareView::computeB, [this](ResultB result) {
        b_ = std::move(result.b);
        largest_ = result.largest;
        redraw();
        emit comparisonShown();
    }) {
    panelB_ = new NormalizationPanel;
    panelB_->setObjectName("compareB");
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(panelB_);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(panelB_->sizeHint().width() + 24);
    setSidePanel(scroll, tr("Configuration B"));
    // B starts as GroupNorm: "BatchNorm vs GroupNorm at a small batch" is the classic.
    panelB_->variantBox()->setCurrentIndex(
        panelB_->variantBox()->findData(int(Variant::GroupNorm)));
    connect(panelB_, &NormalizationPanel::changed, this, &CompareView::requestB);

    QCPColorGradient gradient(QCPColorGradient::gpThermal);
    QCPAxisRect* left = plot()->axisRect();
    mapA_ =
        addHatchedColorMap(left->axis(QCPAxis::atBottom), left->axis(QCPAxis::atLeft), gradient);
    auto* right = new QCPAxisRect(plot());
    plot()->plotLayout()->addElement(0, 1, right);
    mapB_ =
        addHatchedColorMap(right->axis(QCPAxis::atBottom), right->axis(QCPAxis::atLeft), gradient);
    for (QCPAxisRect* rect : {left, right}) {
        rect->axis(QCPAxis::atLeft)->setRangeReversed(true);
        rect->axis(QCPAxis::atLeft)->setLabel(tr("n × C + c"));
        rect->axis(QCPAxis::atBottom)->setLabel(tr("position"));
        useIntegerTicks(rect->axis(QCPAxis::atLeft));
        useIntegerTicks(rect->axis(QCPAxis::atBottom));
    }
    scale_ = new QCPColorScale(plot());
    plot()->plotLayout()->addElement(0, 2, scale_);
    gradient.setNanHandling(QCPColorGradient::nhTransparent);
    scale_->setGradient(gradient);
    scale_->setLabel(tr("y"));
    mapA_->setColorScale(scale_);
    mapB_->setColorScale(scale_);
    // A and B zoom and pan together, each refined from its own y.
    zoomB_ = new HeatmapZoom(mapB_);
    addHeatmapZoom(mapA_);
    for (auto [from, to] : {std::pair{left, right}, std::pair{right, left}})
        for (auto type : {QCPAxis::atBottom, QCPAxis::atLeft})
            connect(from->axis(type), qOverload<const QCPRange&>(&QCPAxis::rangeChanged),
                    to->axis(type), qOverload<const QCPRange&>(&QCPAxis::setRange));
    plot()->plotLayout()->insertRow(0);
    plot()->plotLayout()->addElement(0, 0, new QCPTextElement(plot(), tr("A: the workbench")));
    plot()->plotLayout()->addElement(0, 1,
                                     new QCPTextElement(plot(), tr("B: the panel at the left")));
}

void CompareView::forgetOutcome() {
    OutcomeView::forgetOutcome();
    releaseOffGuiThread(std::move(a_));
    releaseOffGuiThread(std::move(b_));
}

ComputeNeeds CompareView::needs() const {
    const auto [rows, cols] = heatmapCells(mapA_);
    return {false, false, false, rows, cols, true};
}

CompareView::ResultB CompareView::computeB(const RequestB& request) {
    WorkbenchState state = request.state;
    const auto& a = request.a;
    // A's input itself (A may have generated it): aliasing A's outcome keeps it alive.
    state.loadedInput = std::shared_ptr<const Tensor>(a, &a->inputs.input);
    ResultB out;
    out.b = RecomputeController::compute(state, 0, nullptr, request.needs);
    const Tensor& ya = a->result.output;
    const Tensor& yb = out.b->result.output;
    if (yb.shape() == ya.shape())
        for (std::int64_t i = 0; i < ya.size(); ++i)
            if (a->slices.kept(i))
                out.largest = std::max(out.largest, std::fabs(ya.at(i) - yb.at(i)));
    return out;
}

void CompareView::showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) {
    a_ = outcome;
    const Shape& shape = outcome->inputs.input.shape();
    if (shape != fittedShape_) {
        fittedShape_ = shape;
        panelB_->fitShape(shape);
    }
    if (pendingSpecB_) {
        WorkbenchState state;
        panelB_->writeTo(state); // B's other settings (backend, γ/β) stay as they are
        state.spec = *pendingSpecB_;
        panelB_->readFrom(state);
        pendingSpecB_.reset();
    }
    requestB();
}

void CompareView::requestB() {
    if (!a_) return;
    // A's input, mask, γ/β recipe and upstream gradient; B's normalization.
    WorkbenchState state = a_->state;
    panelB_->writeTo(state);
    setReadout(tr("computing B..."));
    jobB_.submit({std::move(state), a_, needs()});
}

void CompareView::redraw() {
    if (!a_ || !b_) return;
    showHeatmap(mapA_, a_->result.output, a_->slices.keep(), false,
                a_->outputMap ? &*a_->outputMap : nullptr);
    const NormResult& rb = b_->result;
    const QString name = QString::fromStdString(std::string(variantName(b_->state.spec.variant)));
    if (!b_->inputError.isEmpty() || !rb.ok()) {
        mapB_->data()->clear();
        setReadout(tr("B (%1) does not run on this input: %2")
                       .arg(name, b_->inputError.isEmpty() ? QString::fromStdString(rb.error)
                                                           : b_->inputError));
        plot()->rescaleAxes();
        plot()->replot();
        return;
    }
    showHeatmap(mapB_, rb.output, b_->slices.keep(), false,
                b_->outputMap ? &*b_->outputMap : nullptr);
    const Shape& shape = a_->inputs.input.shape();
    heatmapZoom()->setSource(shape, meanCells(a_, &a_->result.output, a_->slices.keep()));
    zoomB_->setSource(shape, meanCells(b_, &rb.output, b_->slices.keep()));
    // One colour scale for both: the union of their ranges.
    const QCPRange ra = mapA_->dataRange(), rbRange = mapB_->dataRange();
    scale_->setDataRange(
        QCPRange(std::min(ra.lower, rbRange.lower), std::max(ra.upper, rbRange.upper)));
    plot()->replot();
    setReadout(tr("A: %1, %2 slices sharing statistics · B: %3, %4 slices · largest |y_A − y_B| "
                  "= %5 over the valid elements")
                   .arg(QString::fromStdString(std::string(variantName(a_->state.spec.variant))))
                   .arg(a_->result.mean.size())
                   .arg(name)
                   .arg(rb.mean.size())
                   .arg(largest_, 0, 'g', 4));
}

NormSpec CompareView::specB() const {
    WorkbenchState state;
    panelB_->writeTo(state);
    return state.spec;
}

void CompareView::setSpecB(const NormSpec& spec) {
    // Put in after the panel has been fitted to the next outcome's shape, so that a saved
    // mismatch (num_features ≠ C, on purpose) survives the fitting.
    pendingSpecB_ = spec;
    if (a_) showOutcome(a_);
}

Tensor CompareView::exportData() const {
    return b_ ? b_->result.output.share() : Tensor();
}

} // namespace normlab::ui
