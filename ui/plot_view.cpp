#include "plot_view.h"

#include "normlab/npy.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QTextStream>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace normlab::ui {

PlotView::PlotView(const QString& title, QWidget* parent)
    : OutcomeView(parent)
    , title_(title)
    , plot_(new QCustomPlot(this))
    , readout_(new QLabel(this)) {
    setWindowTitle(title);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(plot_, 1);
    readout_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    readout_->setMinimumHeight(readout_->fontMetrics().height() * 2);
    readout_->setWordWrap(true);
    layout->addWidget(readout_);
    plot_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(plot_, &QWidget::customContextMenuRequested, this, &PlotView::showContextMenu);
}

void PlotView::setReadout(const QString& text) {
    readout_->setText(text);
}

void useIntegerTicks(QCPAxis* axis, bool integers) {
    const bool already = !axis->ticker().dynamicCast<QCPAxisTickerFixed>().isNull();
    if (integers == already) return;
    if (!integers) {
        axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        return;
    }
    QSharedPointer<QCPAxisTickerFixed> fixed(new QCPAxisTickerFixed);
    fixed->setTickStep(1.0);
    fixed->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    axis->setTicker(fixed);
}

QComboBox* PlotView::addModeSelector(const QStringList& modes) {
    auto* box = new QComboBox(this);
    box->addItems(modes);
    addControlRow(tr("Show"), {box});
    return box;
}

void PlotView::setSidePanel(QWidget* side, const QString& title) {
    auto* column = new QVBoxLayout;
    column->addWidget(new QLabel(QStringLiteral("<b>%1</b>").arg(title), this));
    column->addWidget(side, 1);
    auto* row = new QHBoxLayout;
    row->addLayout(column);
    auto* layout = static_cast<QVBoxLayout*>(this->layout());
    const int at = layout->indexOf(plot_);
    layout->removeWidget(plot_);
    row->addWidget(plot_, 1);
    layout->insertLayout(at, row, 1);
}

void PlotView::addControlRow(const QString& label, const QList<QWidget*>& widgets) {
    auto* controls = new QWidget(this);
    auto* row = new QHBoxLayout(controls);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(new QLabel(label, controls));
    for (QWidget* w : widgets) row->addWidget(w);
    row->addStretch(1);
    static_cast<QVBoxLayout*>(layout())->insertWidget(0, controls);
}

bool PlotView::exportImage(const QString& path, int dpi) {
    if (path.endsWith(".pdf", Qt::CaseInsensitive)) return plot_->savePdf(path);
    return plot_->savePng(path, 0, 0, dpi / 96.0, -1, dpi);
}

bool PlotView::exportTensor(const QString& path) {
    const Tensor data = exportData();
    if (data.isNull()) return false;
    if (path.endsWith(".csv", Qt::CaseInsensitive)) {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) return false;
        QTextStream out(&file);
        const std::int64_t cols = data.rank() >= 1 ? data.shape().back() : 1;
        for (std::int64_t i = 0; i < data.size(); ++i)
            out << QString::number(data.at(i), 'g', 9) << (((i + 1) % cols) ? "," : "\n");
        return true;
    }
    return writeNpy(path.toStdString(), data).empty();
}

void PlotView::showContextMenu(const QPoint& at) {
    QMenu menu(this);
    menu.addAction(tr("Export picture (PNG, PDF)..."), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export %1").arg(title_), title_ + ".png", tr("Images (*.png *.pdf)"));
        if (path.isEmpty()) return;
        int dpi = 192;
        if (!path.endsWith(".pdf", Qt::CaseInsensitive)) {
            bool ok = false;
            dpi = QInputDialog::getInt(this, tr("Resolution"),
                                       tr("Dots per inch (96: as on screen; 300: print)"), 192, 48,
                                       1200, 1, &ok);
            if (!ok) return;
        }
        if (!exportImage(path, dpi))
            QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1.").arg(path));
    });
    menu.addAction(tr("Export data (.npy, .csv)..."), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export %1 data").arg(title_), title_ + ".npy", tr("Data (*.npy *.csv)"));
        if (!path.isEmpty() && !exportTensor(path))
            QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1.").arg(path));
    });
    menu.exec(plot_->mapToGlobal(at));
}

} // namespace normlab::ui
