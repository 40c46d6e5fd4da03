#include "capture_dock.h"

#include "diagnostic_text.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace normlab::ui {

namespace {

enum Column { kName, kType, kShape, kConfig, kHealth, kColumns };

} // namespace

CaptureDock::CaptureDock(QWidget* parent)
    : QWidget(parent)
    , watcher_(new QFutureWatcher<void>(this)) {
    status_ = new QLabel(tr("No capture open. File > Open capture... reads a folder written by "
                            "normlab_trace.py --activations."));
    status_->setObjectName("captureStatus");
    status_->setWordWrap(true);
    cancel_ = new QPushButton(tr("Stop"));
    cancel_->setToolTip(tr("Stop computing the layers' health"));
    cancel_->hide();
    table_ = new QTableWidget(0, kColumns);
    table_->setObjectName("captureLayers");
    table_->setHorizontalHeaderLabels(
        {tr("Layer"), tr("Type"), tr("Input shape"), tr("Configuration"), tr("Health")});
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    auto* top = new QHBoxLayout;
    top->addWidget(status_, 1);
    top->addWidget(cancel_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(table_, 1);
    connect(cancel_, &QPushButton::clicked, this, &CaptureDock::cancelHealth);
    connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
        const QList<QTableWidgetItem*> items = table_->selectedItems();
        if (!items.isEmpty()) emit layerChosen(items.first()->row());
    });
    connect(watcher_, &QFutureWatcher<void>::finished, this, [this] {
        cancel_->hide();
        rankHealth();
        if (!capture_.layers.empty())
            status_->setText(tr("%1 normalization layers from %2 (PyTorch %3); health of %4 "
                                "computed. Select a layer to open it in the workbench.")
                                 .arg(capture_.layers.size())
                                 .arg(capture_.modelClass, capture_.torchVersion)
                                 .arg(healthDone_) +
                             rankingNote() + generatedNote());
        emit healthFinished();
    });
}

CaptureDock::~CaptureDock() {
    if (stop_) *stop_ = true;
    watcher_->waitForFinished();
}

void CaptureDock::cancelHealth() {
    if (stop_) *stop_ = true;
}

QString CaptureDock::openCapture(const QString& directory) {
    formats::Capture capture;
    if (const QString error = formats::readCapture(directory, capture); !error.isEmpty())
        return error;
    if (capture.layers.empty()) return tr("%1 holds no normalization layer").arg(directory);
    cancelHealth();
    watcher_->waitForFinished(); // the stop flag ends it after the layer it is on
    capture_ = std::move(capture);
    healthDone_ = 0;
    healths_.assign(capture_.layers.size(), LayerHealth{});
    errors_.assign(capture_.layers.size(), QString());
    firstDivergence_.clear();
    const QSignalBlocker block(table_);
    table_->setRowCount(0);
    table_->setRowCount(int(capture_.layers.size()));
    for (int row = 0; row < int(capture_.layers.size()); ++row) {
        const formats::CapturedLayer& l = capture_.layers[std::size_t(row)];
        QString shape = QString::fromStdString(shapeToString(l.inputShape));
        if (l.capturedSamples != l.inputShape[0])
            shape += " " + tr("(first %1 captured)").arg(l.capturedSamples);
        const QStringList cells = {l.name, l.type, shape, l.repr, tr("computing...")};
        for (int c = 0; c < kColumns; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c == kConfig) item->setToolTip(l.repr);
            table_->setItem(row, c, item);
        }
    }
    table_->resizeColumnsToContents();
    status_->setText(tr("%1 normalization layers from %2 (PyTorch %3); computing their health...")
                         .arg(capture_.layers.size())
                         .arg(capture_.modelClass, capture_.torchVersion) +
                     generatedNote());
    startHealth();
    return {};
}

bool CaptureDock::selectLayer(int index) {
    if (index < 0 || index >= table_->rowCount()) return false;
    table_->selectRow(index);
    return true;
}

void CaptureDock::startHealth() {
    stop_ = std::make_shared<std::atomic<bool>>(false);
    cancel_->show();
    watcher_->setFuture(QtConcurrent::run([this, stop = stop_, capture = capture_] {
        for (std::size_t i = 0; i < capture.layers.size() && !*stop; ++i) {
            formats::LoadedLayer loaded;
            LayerHealth health;
            const QString error = formats::loadCapturedLayer(capture, i, loaded);
            if (error.isEmpty()) health = layerHealth(loaded.health);
            if (*stop) return;
            QMetaObject::invokeMethod(
                this, [this, i, health, error] { showHealth(int(i), health, error); },
                Qt::QueuedConnection);
        }
    }));
}

void CaptureDock::showHealth(int row, const LayerHealth& health, const QString& error) {
    if (row >= table_->rowCount()) return;
    ++healthDone_;
    healths_[std::size_t(row)] = health;
    errors_[std::size_t(row)] = error;
    renderHealth(row);
    status_->setText(tr("Health: %1 of %2 layers...").arg(healthDone_).arg(capture_.layers.size()));
}

void CaptureDock::rankHealth() {
    if (healths_.size() != capture_.layers.size() || healthDone_ != int(healths_.size())) return;
    std::vector<std::string> names;
    for (const formats::CapturedLayer& l : capture_.layers) names.push_back(l.name.toStdString());
    const HealthRanking ranking = rankByExecution(healths_, names);
    for (int row = 0; row < int(healths_.size()); ++row) renderHealth(row);
    firstDivergence_.clear();
    if (ranking.firstDivergence) {
        firstDivergence_ = capture_.layers[*ranking.firstDivergence].name;
        selectLayer(int(*ranking.firstDivergence));
    }
}

QString CaptureDock::rankingNote() const {
    if (firstDivergence_.isEmpty()) return {};
    return " " + tr("The trouble starts at %1 (the first layer whose eval output departs from "
                    "its training output); the later layers that diverge inherit it.")
                     .arg(firstDivergence_);
}

void CaptureDock::renderHealth(int row) {
    const LayerHealth& health = healths_[std::size_t(row)];
    const QString& error = errors_[std::size_t(row)];
    QString text, tip;
    Severity worst = Severity::Info;
    if (!error.isEmpty() || !health.ok()) {
        text = tr("unreadable");
        tip = error.isEmpty() ? QString::fromStdString(health.error) : error;
        worst = Severity::Error;
    } else if (health.findings.empty()) {
        text = tr("healthy");
    } else {
        QStringList codes;
        for (const HealthFinding& f : health.findings) {
            codes << findingCodeText(f.code);
            tip += "• " + QString::fromStdString(f.message) + "\n";
            if (int(f.severity) > int(worst)) worst = f.severity;
        }
        text = codes.join(", ");
    }
    for (int c = 0; c < kColumns; ++c) {
        QTableWidgetItem* item = table_->item(row, c);
        if (!item) continue;
        if (!health.findings.empty() || !error.isEmpty())
            item->setBackground(severityColour(worst));
        if (c == kHealth) {
            item->setText(text);
            item->setToolTip(tip.trimmed());
        }
    }
}

QString CaptureDock::generatedNote() const {
    if (capture_.generated.isEmpty()) return {};
    return " " + tr("The inputs were generated (%1), not your data: the statistics describe "
                    "that data, not your model's.")
                     .arg(capture_.generated);
}

} // namespace normlab::ui
