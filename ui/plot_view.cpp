#include "plot_view.h"

#include "heatmap_zoom.h"

#include "normlab/npy.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>
#include <QSaveFile>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <qcustomplot.h>

#include <algorithm>

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

HeatmapZoom* PlotView::addHeatmapZoom(QCPColorMap* map) {
    zoom_ = new HeatmapZoom(map);
    return zoom_;
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

namespace {

// Writes `data` as .npy, or as .csv (one line per last-axis row) by the suffix, through a
// QSaveFile: the file at `path` changes only once everything is written, so a failed or
// cancelled export leaves what was there. The error, empty on success or when cancelled.
QString writeTensorFile(const QString& path, const Tensor& data, const std::atomic<bool>* cancel) {
    if (data.isNull()) return PlotView::tr("There is no data to export (nothing computed yet).");
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return PlotView::tr("Could not write %1: %2").arg(path, file.errorString());
    const auto stopped = [cancel] { return cancel && cancel->load(std::memory_order_relaxed); };
    constexpr std::int64_t kChunk = std::int64_t(1) << 20; // elements between cancel checks
    if (path.endsWith(".csv", Qt::CaseInsensitive)) {
        const std::int64_t cols =
            data.rank() >= 1 ? std::max<std::int64_t>(data.shape().back(), 1) : 1;
        QByteArray text;
        for (std::int64_t i = 0; i < data.size(); ++i) {
            text += QByteArray::number(data.at(i), 'g', 9);
            text += ((i + 1) % cols) ? ',' : '\n';
            if ((i + 1) % kChunk == 0 || i + 1 == data.size()) {
                file.write(text);
                text.clear();
                if (stopped()) return {}; // the QSaveFile discards what it wrote
            }
        }
    } else {
        const std::string header = npyHeader(data);
        file.write(header.data(), qint64(header.size()));
        const char* bytes = static_cast<const char*>(data.raw());
        const qint64 total = qint64(data.byteSize()),
                     step = kChunk * qint64(dtypeSize(data.dtype()));
        for (qint64 at = 0; at < total && !stopped(); at += step)
            file.write(bytes + at, std::min(step, total - at));
        if (stopped()) return {};
    }
    if (!file.commit()) return PlotView::tr("Could not write %1: %2").arg(path, file.errorString());
    return {};
}

} // namespace

PlotView::DataJob PlotView::exportJob() const {
    auto data = std::make_shared<const Tensor>(exportData());
    return [data](const std::atomic<bool>*) { return data->share(); };
}

QString PlotView::exportTensor(const QString& path) {
    return writeTensorFile(path, exportJob()(nullptr), nullptr);
}

void PlotView::exportTensorInBackground(const QString& path) {
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto* progress = new QProgressDialog(
        tr("Exporting the %1 data to %2...").arg(title_, QFileInfo(path).fileName()), tr("Cancel"),
        0, 0, this);
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(300); // a small export finishes without a flash
    connect(progress, &QProgressDialog::canceled, this, [cancel] { *cancel = true; });
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, progress, cancel] {
        const QString error = *cancel ? QString() : watcher->result();
        progress->hide(); // not close(): that would say "canceled"
        progress->deleteLater();
        watcher->deleteLater();
        if (!error.isEmpty()) QMessageBox::warning(this, tr("Export failed"), error);
    });
    // The job holds what it exports (never this view, which may close meanwhile).
    watcher->setFuture(QtConcurrent::run([job = exportJob(), path, cancel] {
        const Tensor data = job(cancel.get());
        return *cancel ? QString() : writeTensorFile(path, data, cancel.get());
    }));
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
        if (!path.isEmpty()) exportTensorInBackground(path);
    });
    menu.exec(plot_->mapToGlobal(at));
}

} // namespace normlab::ui
