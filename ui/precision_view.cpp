#include "precision_view.h"

#include "recompute_controller.h"

#include <qcustomplot.h>

#include <cmath>

namespace normlab::ui {

namespace {

// Errors of exactly 0 are drawn at this floor of the log axis.
constexpr double kFloor = 1e-17;
// Where a method's overflow (an infinite or NaN variance) is drawn: off the scale of errors.
constexpr double kOffScale = 1e6;

struct SeriesStyle {
    const char* name;
    QColor colour;
    QCPScatterStyle::ScatterShape shape;
};

} // namespace

PrecisionView::PrecisionView(QWidget* parent)
    : PlotView(tr("Precision"), parent)
    , job_(
          this,
          [](const std::shared_ptr<const ComputeOutcome>& outcome) {
              return precisionReport(outcome->state.spec, outcome->inputs);
          },
          [this](PrecisionReport report) { show(std::move(report)); }) {
    const SeriesStyle styles[] = {
        {QT_TR_NOOP("naive E[x²] − E[x]², float32"), QColor(200, 40, 40), QCPScatterStyle::ssDisc},
        {QT_TR_NOOP("naive E[x²] − E[x]², float64"), QColor(230, 140, 20),
         QCPScatterStyle::ssSquare},
        {QT_TR_NOOP("two-pass, float32 sums"), QColor(150, 60, 170), QCPScatterStyle::ssStar},
        {QT_TR_NOOP("Welford, float32"), QColor(40, 150, 60), QCPScatterStyle::ssTriangle},
        {QT_TR_NOOP("NormLab at float32 (two-pass, float64 sums)"), QColor(50, 100, 200),
         QCPScatterStyle::ssDiamond},
        {QT_TR_NOOP("naive E[x²] − E[x]², float16 (emulated)"), QColor(160, 0, 90),
         QCPScatterStyle::ssPlus},
        {QT_TR_NOOP("two-pass, bfloat16 (emulated)"), QColor(0, 140, 140),
         QCPScatterStyle::ssCrossCircle},
        {QT_TR_NOOP("output: max |y(float32) − y(float64)|"), QColor(110, 110, 110),
         QCPScatterStyle::ssCross},
    };
    for (const SeriesStyle& s : styles) {
        QCPGraph* g = plot()->addGraph();
        g->setName(tr(s.name));
        g->setPen(QPen(s.colour, 1.5));
        g->setScatterStyle(QCPScatterStyle(s.shape, s.colour, 8));
        series_ << g;
    }
    series_.back()->setPen(QPen(QColor(110, 110, 110), 1.5, Qt::DashLine));
    plot()->yAxis->setScaleType(QCPAxis::stLogarithmic);
    plot()->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    plot()->yAxis->setNumberFormat("eb");
    plot()->yAxis->setNumberPrecision(0);
    plot()->yAxis->setLabel(tr("relative error of the variance (output: absolute)"));
    plot()->xAxis->setLabel(tr("slice"));
    useIntegerTicks(plot()->xAxis);
    plot()->legend->setVisible(true);
    plot()->legend->setBrush(QColor(255, 255, 255, 220));
    plot()->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    setReadout(
        tr("Set a large input mean (e.g. 10000, spread 1) to watch the naive formula fail."));
}

void PrecisionView::showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) {
    setReadout(tr("computing the variances seven ways..."));
    job_.submit(outcome);
}

void PrecisionView::show(PrecisionReport report) {
    report_ = std::move(report);
    if (!report_.error.empty()) {
        setReadout(QString::fromStdString(report_.error));
        for (QCPGraph* g : series_) g->data()->clear();
        plot()->replot();
        emit reportShown();
        return;
    }
    const Tensor& ref = report_.reference;
    const Tensor* methods[] = {&report_.naive32,    &report_.naive64,   &report_.twoPass32,
                               &report_.welford32,  &report_.normlab32, &report_.naive16,
                               &report_.twoPassBf16};
    constexpr int kMethods = int(std::size(methods));
    double worst[kMethods + 1] = {};
    int notFinite[kMethods] = {};
    for (int k = 0; k <= kMethods; ++k) {
        QVector<double> keys, errors;
        for (std::int64_t s = 0; s < ref.size(); ++s) {
            double e = 0;
            if (k < kMethods) {
                const double v = methods[k]->at(s), r = ref.at(s);
                if (!std::isfinite(r) || (k == 4 && std::isnan(v)))
                    continue;            // an empty slice, or NormLab float32 for RMSNorm (n/a)
                if (!std::isfinite(v)) { // an overflow: drawn off the scale, counted
                    ++notFinite[k];
                    e = kOffScale;
                } else {
                    e = std::fabs(v - r) / (r > 0 ? r : 1.0);
                }
            } else {
                e = report_.outputGap.at(s);
            }
            worst[k] = std::max(worst[k], e);
            keys << double(s);
            errors << std::max(e, kFloor);
        }
        series_[k]->setData(keys, errors);
    }
    plot()->xAxis->setRange(-0.5, double(std::max<std::int64_t>(ref.size(), 1)) - 0.5);
    // Every point on the plot, the worst included, in the lower 65% of the log axis: the
    // legend sits above them.
    double highest = 1.0;
    for (double w : worst)
        if (std::isfinite(w)) highest = std::max(highest, w);
    const double low = std::log10(kFloor / 3);
    const double top = std::max(6.0, low + (std::log10(highest) - low) / 0.65);
    plot()->yAxis->setRange(kFloor / 3, std::pow(10.0, top));
    plot()->replot();
    auto percent = [](double e) { return QString::number(e, 'g', 2); };
    auto worstOf = [&](int k) {
        return notFinite[k] > 0 ? tr("not finite in %1 slices").arg(notFinite[k])
                                : percent(worst[k]);
    };
    setReadout(
        tr("Worst relative error: naive float32 %1 (%2 negative variances), naive float64 "
           "%3 (%4 negative), two-pass float32 %5, Welford float32 %6, NormLab float32 "
           "%7, naive float16 %8, two-pass bfloat16 %9; float32 vs float64 output: max |Δy| = "
           "%10. Zero errors are drawn at 1e-17, overflows (not finite) at the top.")
            .arg(worstOf(0))
            .arg(report_.negativeNaive32)
            .arg(worstOf(1))
            .arg(report_.negativeNaive64)
            .arg(worstOf(2), worstOf(3), worstOf(4), worstOf(5), worstOf(6),
                 percent(worst[kMethods])));
    emit reportShown();
}

int PrecisionView::plottedPoints(int series) const {
    return series_[series]->dataCount();
}

Tensor PrecisionView::exportData() const {
    // Rows: reference, naive f32, naive f64, two-pass f32, Welford f32, NormLab f32, naive
    // f16, two-pass bf16, output gap.
    const Tensor* rows[] = {&report_.reference, &report_.naive32,     &report_.naive64,
                            &report_.twoPass32, &report_.welford32,   &report_.normlab32,
                            &report_.naive16,   &report_.twoPassBf16, &report_.outputGap};
    if (report_.reference.isNull()) return {};
    const std::int64_t n = report_.reference.size();
    constexpr int kRows = int(std::size(rows));
    Tensor out = Tensor::uninitialized({kRows, n}, DType::Float64);
    for (int r = 0; r < kRows; ++r)
        for (std::int64_t s = 0; s < n; ++s)
            out.data<double>()[r * n + s] = rows[r]->isNull() ? NAN : rows[r]->at(s);
    return out;
}

} // namespace normlab::ui
