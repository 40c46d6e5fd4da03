#include "jacobian_view.h"

#include "heatmap.h"
#include "recompute_controller.h"

#include <QSpinBox>
#include <QtConcurrent>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace normlab::ui {

namespace {

QString number(double v) {
    return QString::number(v, 'g', 4);
}

} // namespace

JacobianView::JacobianView(QWidget* parent)
    : PlotView(tr("Jacobian"), parent) {
    slice_ = new QSpinBox(this);
    slice_->setRange(0, 0);
    slice_->setToolTip(tr("The slice whose Jacobian is shown (hovering a slice in the Slices "
                          "or Cube view picks it too)"));
    addControlRow(tr("Slice"), {slice_});
    connect(slice_, &QSpinBox::valueChanged, this, &JacobianView::recompute);

    map_ = addHeatmap(plot(), QCPColorGradient(QCPColorGradient::gpPolar),
                      tr("output element i (of the slice)"));
    scale_ = map_->colorScale();
    scale_->axis()->setLabel(tr("∂y_i / ∂x_j"));
    plot()->xAxis->setLabel(tr("input element j (of the slice)"));
    useIntegerTicks(plot()->xAxis);
    useIntegerTicks(plot()->yAxis);

    spectrumRect_ = new QCPAxisRect(plot());
    plot()->plotLayout()->addElement(0, 2, spectrumRect_);
    plot()->plotLayout()->setColumnStretchFactors({3.0, 0.1, 2.0});
    QCPAxis* index = spectrumRect_->axis(QCPAxis::atBottom);
    QCPAxis* sigma = spectrumRect_->axis(QCPAxis::atLeft);
    index->setLabel(tr("singular value, largest first"));
    sigma->setLabel(tr("singular value (log scale)"));
    sigma->setScaleType(QCPAxis::stLogarithmic);
    sigma->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog));
    kept_ = plot()->addGraph(index, sigma);
    kept_->setLineStyle(QCPGraph::lsNone);
    kept_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(40, 90, 170), 5));
    kept_->setName(tr("kept (above the rank tolerance)"));
    lost_ = plot()->addGraph(index, sigma);
    lost_->setLineStyle(QCPGraph::lsNone);
    lost_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, QColor(200, 40, 40), 8));
    lost_->setName(tr("lost (at most the tolerance; drawn on it)"));
    auto* legend = new QCPLegend;
    spectrumRect_->insetLayout()->addElement(legend, Qt::AlignVCenter | Qt::AlignLeft);
    legend->setLayer(QLatin1String("legend"));
    legend->addItem(new QCPPlottableLegendItem(legend, kept_));
    legend->addItem(new QCPPlottableLegendItem(legend, lost_));

    connect(&watcher_, &QFutureWatcher<SliceJacobian>::finished, this, [this] {
        const SliceJacobian jac = watcher_.result();
        if (running_ == requested_) {
            draw(jac);
            return;
        }
        recompute(); // a newer slice or outcome came while this one ran
    });
    setReadout(tr("Pick a slice: its Jacobian appears here."));
}

void JacobianView::showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) {
    outcome_ = outcome;
    const std::int64_t slices = outcome->result.ok() ? outcome->result.mean.size() : 0;
    const QSignalBlocker block(slice_);
    slice_->setRange(0, int(std::max<std::int64_t>(0, slices - 1)));
    recompute();
}

void JacobianView::setSlice(std::int64_t slice) {
    if (slice < 0) return;
    if (slice <= slice_->maximum()) slice_->setValue(int(slice)); // recomputes
}

void JacobianView::recompute() {
    if (!outcome_) return;
    ++requested_;
    if (watcher_.isRunning()) return; // picked up when the running one finishes
    running_ = requested_;
    std::shared_ptr<const ComputeOutcome> outcome = outcome_;
    const std::int64_t slice = slice_->value();
    if (!outcome->result.ok()) {
        SliceJacobian refused;
        refused.error = outcome->result.error;
        draw(refused);
        return;
    }
    setReadout(tr("Computing the Jacobian of slice %1…").arg(slice));
    watcher_.setFuture(QtConcurrent::run([outcome, slice] {
        return sliceJacobian(outcome->state.spec, outcome->inputs, outcome->result, slice, 1024,
                             &outcome->slices);
    }));
}

void JacobianView::draw(const SliceJacobian& jac) {
    shown_ = jac;
    if (!jac.error.empty()) {
        map_->data()->clear();
        kept_->data()->clear();
        lost_->data()->clear();
        plot()->replot();
        setReadout(tr("No Jacobian: %1").arg(QString::fromStdString(jac.error)));
        emit jacobianShown();
        return;
    }
    const int k = int(jac.elements.size());
    map_->data()->setSize(k, k);
    map_->data()->setRange(QCPRange(0, k - 1), QCPRange(0, k - 1));
    double largest = 0;
    for (int i = 0; i < k; ++i)
        for (int j = 0; j < k; ++j) {
            const double v = jac.matrix[std::size_t(i) * std::size_t(k) + std::size_t(j)];
            map_->data()->setCell(j, i, v);
            largest = std::max(largest, std::fabs(v));
        }
    map_->setDataRange(QCPRange(-std::max(largest, 1e-300), std::max(largest, 1e-300)));
    showWholeMap(map_);

    QVector<double> keptKeys, keptValues, lostKeys, lostValues;
    const double floor = jac.rankTolerance > 0 ? jac.rankTolerance : 1e-300;
    for (std::size_t i = 0; i < jac.singularValues.size(); ++i) {
        const double s = jac.singularValues[i];
        if (s > jac.rankTolerance) {
            keptKeys << double(i);
            keptValues << s;
        } else {
            lostKeys << double(i);
            lostValues << floor;
        }
    }
    kept_->setData(keptKeys, keptValues, true);
    lost_->setData(lostKeys, lostValues, true);
    QCPAxis* sigma = spectrumRect_->axis(QCPAxis::atLeft);
    const double top = jac.singularValues.empty() ? 1.0 : jac.singularValues.front();
    const double bottom = std::min(floor, keptValues.isEmpty() ? floor : keptValues.back());
    sigma->setRange(bottom / 3, std::max(top, bottom) * 3);
    spectrumRect_->axis(QCPAxis::atBottom)->setRange(-0.5, std::max(1, k) - 0.5);
    plot()->replot();

    QStringList lines;
    lines << tr("Slice %1: %2 valid elements; rank %3 of %4 (singular values above %5).")
                 .arg(jac.slice)
                 .arg(jac.validElements)
                 .arg(jac.rank)
                 .arg(k)
                 .arg(number(jac.rankTolerance));
    if (jac.sampled)
        lines << tr("Sampled: the slice has more than %1 elements, so one element in %2 is "
                    "shown; the spectrum is that of the sampled block, not of the whole slice.")
                     .arg(k)
                     .arg(jac.validElements / k);
    const auto& s = jac.singularValues;
    if (jac.fixedStatistics) {
        lines << tr("Eval with running statistics: each output depends on its own input only "
                    "(a diagonal), so the samples of a batch do not interact.");
    } else if (!jac.sampled && jac.symmetric && k >= 2 && jac.centered) {
        lines << tr("Batch statistics: the smallest singular value, %1, belongs to adding a "
                    "constant to the slice (the mean removes it); the next, %2, to scaling the "
                    "slice (the division by the standard deviation undoes it, except for eps); "
                    "the other %3 are |γ|/√(var + eps) = %4. Before γ and β the output has mean 0 "
                    "and mean square var/(var + eps), just under 1: it lies on a sphere in the "
                    "plane where its mean is 0.")
                     .arg(number(s[std::size_t(k - 1)]))
                     .arg(number(s[std::size_t(k - 2)]))
                     .arg(k - 2)
                     .arg(number(s.front()));
    } else if (!jac.sampled && jac.symmetric && k >= 1 && !jac.centered) {
        lines << tr("RMSNorm does not centre: only scaling the slice is undone (smallest "
                    "singular value %1, kept only by eps); the other %2 are |γ|·r = %3.")
                     .arg(number(s[std::size_t(k - 1)]))
                     .arg(k - 1)
                     .arg(number(s.front()));
    } else if (jac.centered) {
        lines << tr("Batch statistics with γ varying within the slice: J = diag(γ) times a "
                    "symmetric matrix; adding a constant to the slice still changes nothing "
                    "(smallest singular value %1).")
                     .arg(number(s.empty() ? 0.0 : s.back()));
    }
    setReadout(lines.join('\n'));
    emit jacobianShown();
}

Tensor JacobianView::exportData() const {
    const std::int64_t k = std::int64_t(shown_.elements.size());
    if (k == 0) return {};
    return Tensor::fromValues({k, k}, DType::Float64, shown_.matrix);
}

} // namespace normlab::ui
