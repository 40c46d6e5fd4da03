#include "debugger_view.h"
#include "checkpoint_file.h"
#include "trace_dialog.h"
#include "trace_json.h"
#include "trace_runner.h"
#include "user_files.h"

#include "diagnostic_text.h"
#include "language.h"

#include "shape_text.h"

#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QShortcut>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace normlab::ui {

namespace {

// In a language other than English, the finding's meaning in that language above the
// engine's English message (which keeps the numbers and PyTorch's words).
QString translatedHeadline(FindingCode code) {
    const QString text = explainFindingCode(code);
    if (activeLanguage() == "en" || text.isEmpty()) return {};
    return text.toHtmlEscaped() + "<br>";
}

const char* kExample = R"(Sequential(
  (0): Conv2d(256, 512, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
  (1): InstanceNorm2d(1024, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)
  (2): ReLU(inplace=True)
)
)";

QString shapeText(const std::optional<Shape>& s) {
    return s ? QString::fromStdString(shapeToString(*s)) : QObject::tr("unknown");
}

QString certaintyLabel(Certainty c) {
    switch (c) {
    case Certainty::Exact:
        return DebuggerView::tr("exact");
    case Certainty::Inferred:
        return DebuggerView::tr("inferred");
    case Certainty::Unknown:
        break;
    }
    return DebuggerView::tr("unknown");
}

QString severityLabel(Severity s) {
    switch (s) {
    case Severity::Error:
        return QObject::tr("error");
    case Severity::Warning:
        return QObject::tr("warning");
    case Severity::Info:
        break;
    }
    return QObject::tr("note");
}

} // namespace

DebuggerView::DebuggerView(QWidget* parent)
    : QWidget(parent) {
    text_ = new QPlainTextEdit;
    text_->setObjectName("modelText");
    text_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    text_->setLineWrapMode(QPlainTextEdit::NoWrap);
    text_->setPlaceholderText(tr("Paste what print(model) prints"));
    text_->setPlainText(kExample);
    shape_ = new QLineEdit("1,256,64,64");
    shape_->setObjectName("inputShape");
    shape_->setToolTip(tr("Shape of the model's input, e.g. 1,256,64,64. Optional: left empty, "
                          "what the text itself fixes (the channels inside nn.Sequential) is "
                          "checked"));
    shape_->setPlaceholderText(tr("input shape (optional)"));
    version_ = new QComboBox;
    version_->setObjectName("torchVersion");
    version_->setEditable(true);
    version_->addItems({"2.4", "2.1", "2.0", "1.13"});
    version_->setToolTip(tr("The PyTorch version whose behaviour the findings describe: 2.1 "
                            "changed InstanceNorm's num_features checks, 2.4 added nn.RMSNorm"));
    auto* openFile = new QPushButton(tr("Open model text..."));
    auto* openTrace = new QPushButton(tr("Open trace..."));
    openTrace->setToolTip(tr("A trace of the real forward pass, written by normlab_trace.py: "
                             "exact shapes"));
    auto* openCheckpoint = new QPushButton(tr("Open checkpoint..."));
    openCheckpoint->setToolTip(tr("A checkpoint to load into this model (.pt, .pth, .bin, "
                                  ".safetensors): what load_state_dict would raise, and why. "
                                  "Only its headers are read; no code in it runs."));
    auto* traceButton = new QPushButton(tr("Trace with Python..."));
    traceButton->setObjectName("traceWithPython");
    traceButton->setToolTip(tr("Run the model's forward pass under your Python with PyTorch and "
                               "open its trace: every shape exact"));
    runner_ = new TraceRunner(this);
    traceProgress_ = new QLabel;
    traceProgress_->setObjectName("traceProgress");
    traceProgress_->hide();
    cancelTrace_ = new QPushButton(tr("Cancel trace"));
    cancelTrace_->setObjectName("cancelTrace");
    cancelTrace_->hide();
    auto* script = new QPushButton(tr("Trace script..."));
    script->setToolTip(tr("Save normlab_trace.py and copy the three lines that trace a model "
                          "from a notebook"));
    auto* analyseButton = new QPushButton(tr("Analyse"));
    analyseButton->setToolTip(tr("Ctrl+Return"));
    status_ = new QLabel;
    status_->setObjectName("debuggerStatus");
    status_->setWordWrap(true);
    checkpointStatus_ = new QLabel;
    checkpointStatus_->setObjectName("checkpointStatus");
    checkpointStatus_->setWordWrap(true);
    checkpointStatus_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    checkpointStatus_->hide();
    forgetCheckpoint_ = new QPushButton(tr("Forget checkpoint"));
    forgetCheckpoint_->hide();

    table_ = new QTableWidget(0, 6);
    table_->setObjectName("layerTable");
    table_->setHorizontalHeaderLabels({tr("Layer"), tr("Type"), tr("Input shape"),
                                       tr("Output shape"), tr("Shape is"), tr("Findings")});
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    details_ = new QTextBrowser;
    details_->setObjectName("findingDetails");
    open_ = new QPushButton(tr("Open this layer in the workbench"));
    open_->setObjectName("openInWorkbench");
    open_->setEnabled(false);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Input shape:")));
    controls->addWidget(shape_);
    controls->addWidget(new QLabel(tr("PyTorch:")));
    controls->addWidget(version_);
    controls->addWidget(analyseButton);
    // Files on a row of their own, so the view stays narrow enough for small windows.
    auto* files = new QHBoxLayout;
    files->addWidget(openFile);
    files->addWidget(openTrace);
    files->addWidget(openCheckpoint);
    files->addWidget(script);
    files->addStretch(1);
    auto* tracing = new QHBoxLayout;
    tracing->addWidget(traceButton);
    tracing->addWidget(traceProgress_, 1);
    tracing->addWidget(cancelTrace_);
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(controls);
    leftLayout->addLayout(files);
    leftLayout->addLayout(tracing);
    leftLayout->addWidget(text_, 1);
    leftLayout->addWidget(status_);
    leftLayout->addWidget(checkpointStatus_);
    leftLayout->addWidget(forgetCheckpoint_, 0, Qt::AlignLeft);
    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(table_);
    auto* detailBox = new QWidget;
    auto* detailLayout = new QVBoxLayout(detailBox);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(details_, 1);
    detailLayout->addWidget(open_);
    right->addWidget(detailBox);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    debounce_ = new QTimer(this);
    debounce_->setSingleShot(true);
    debounce_->setInterval(400);
    connect(debounce_, &QTimer::timeout, this, &DebuggerView::analyse);
    connect(text_, &QPlainTextEdit::textChanged, debounce_, qOverload<>(&QTimer::start));
    connect(shape_, &QLineEdit::textChanged, debounce_, qOverload<>(&QTimer::start));
    connect(version_, &QComboBox::currentTextChanged, debounce_, qOverload<>(&QTimer::start));
    connect(analyseButton, &QPushButton::clicked, this, &DebuggerView::analyse);
    auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    connect(shortcut, &QShortcut::activated, this, &DebuggerView::analyse);
    connect(openFile, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open model text"), {},
                                                          tr("Text (*.txt *.log);;All files (*)"));
        if (!path.isEmpty()) loadModelFile(path);
    });
    connect(traceButton, &QPushButton::clicked, this, [this] {
        TraceDialog dialog(this);
        if (dialog.exec() != QDialog::Accepted) return;
        if (const QString error = startTrace(dialog.request()); !error.isEmpty())
            status_->setText(error);
    });
    connect(cancelTrace_, &QPushButton::clicked, runner_, &TraceRunner::cancel);
    connect(runner_, &TraceRunner::progress, this, [this](const QString& module, qint64 ms) {
        traceProgress_->setText(tr("Tracing... %1 s%2")
                                    .arg(double(ms) / 1000.0, 0, 'f', 1)
                                    .arg(module.isEmpty() ? QString() : " · " + module));
    });
    const auto traceEnded = [this] {
        traceProgress_->hide();
        cancelTrace_->hide();
    };
    connect(runner_, &TraceRunner::finished, this,
            [this, traceEnded](const QString& trace, const QString& capture) {
                traceEnded();
                if (loadTraceFile(trace) && !capture.isEmpty()) emit captureTraced(capture);
            });
    connect(runner_, &TraceRunner::failed, this, [this, traceEnded](const QString& message) {
        traceEnded();
        status_->setText(tr("%1 (the last analysis stays below)").arg(message));
    });
    connect(runner_, &TraceRunner::cancelled, this, [this, traceEnded] {
        traceEnded();
        status_->setText(tr("Trace cancelled; the last analysis stays below."));
    });
    connect(openTrace, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open trace"), {},
                                                          tr("Traces (*.json);;All files (*)"));
        if (!path.isEmpty()) loadTraceFile(path);
    });
    connect(openCheckpoint, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open checkpoint"), {},
            tr("Checkpoints (*.pt *.pth *.bin *.safetensors *.ckpt);;All files (*)"));
        if (!path.isEmpty()) loadCheckpointFile(path);
    });
    connect(forgetCheckpoint_, &QPushButton::clicked, this, &DebuggerView::clearCheckpoint);
    connect(script, &QPushButton::clicked, this, &DebuggerView::saveTraceScript);
    connect(table_, &QTableWidget::itemSelectionChanged, this, &DebuggerView::showSelectedFindings);
    connect(table_, &QTableWidget::cellDoubleClicked, this, &DebuggerView::requestOpen);
    connect(open_, &QPushButton::clicked, this, &DebuggerView::requestOpen);
    analyse();
}

void DebuggerView::setModelText(const QString& text) {
    text_->setPlainText(text);
}

void DebuggerView::setInputShape(const QString& dims) {
    shape_->setText(dims);
}

void DebuggerView::setTorchVersion(const QString& version) {
    version_->setCurrentText(version);
}

bool DebuggerView::loadModelFile(const QString& path) {
    std::string text;
    if (const std::string error = readModelTextFile(path.toStdString(), text); !error.empty()) {
        status_->setText(QString::fromStdString(error));
        return false;
    }
    text_->setPlainText(QString::fromStdString(text));
    return analyse();
}

bool DebuggerView::analyse() {
    debounce_->stop();
    Shape shape; // empty: no input shape given, analysed all the same
    if (const QString error = shape_->text().trimmed().isEmpty()
                                  ? QString()
                                  : formats::shapeFromText(shape_->text(), tr("The input shape"),
                                                           kMaxModelInputRank, shape);
        !error.isEmpty()) {
        status_->setText(error);
        return false;
    }
    const auto version = TorchVersion::parse(version_->currentText().trimmed().toStdString());
    if (!version) {
        status_->setText(tr("The PyTorch version must look like 2.1 or 1.13"));
        return false;
    }
    const QByteArray text = text_->toPlainText().toUtf8();
    const ModelText model =
        parseModelText(std::string_view(text.constData(), std::size_t(text.size())));
    DiagnoseReport report;
    if (model.root)
        report = diagnoseModel(*model.root, shape, *version);
    else
        report.error = model.error;
    if (!report.ok()) {
        status_->setText(tr("Cannot read the model text: %1 (the last analysis stays below)")
                             .arg(QString::fromStdString(report.error)));
        return false;
    }
    loaded_.reset();
    traceModules_.clear();
    tracePath_.clear();
    if (checkpoint_) {
        loaded_ = checkLoadStateDict(*model.root, *checkpoint_);
        report.findings.insert(report.findings.end(), loaded_->findings.begin(),
                               loaded_->findings.end());
    }
    showReport(std::move(report), *version, {});
    showCheckpointSummary();
    return true;
}

bool DebuggerView::loadCheckpointFile(const QString& path) {
    const CheckpointRead read = formats::readCheckpointFile(path);
    if (!read.ok()) {
        status_->setText(tr("Cannot read the checkpoint: %1 (nothing changed)")
                             .arg(QString::fromStdString(read.error)));
        return false;
    }
    checkpoint_ = read.checkpoint;
    checkpointName_ = QFileInfo(path).fileName();
    return tracePath_.isEmpty() ? analyse() : loadTraceFile(tracePath_);
}

void DebuggerView::clearCheckpoint() {
    checkpoint_.reset();
    checkpointName_.clear();
    tracePath_.isEmpty() ? analyse() : loadTraceFile(tracePath_);
}

void DebuggerView::showCheckpointSummary() {
    checkpointStatus_->setVisible(checkpoint_.has_value());
    forgetCheckpoint_->setVisible(checkpoint_.has_value());
    if (!checkpoint_ || !loaded_) return;
    QString html = "<b>" + tr("Checkpoint %1").arg(checkpointName_.toHtmlEscaped()) + "</b> (" +
                   tr("%1 tensors").arg(checkpoint_->tensors.size()) +
                   (checkpoint_->location.empty()
                        ? QString()
                        : ", " + QString::fromStdString(checkpoint_->location).toHtmlEscaped()) +
                   "): ";
    if (loaded_->certainty == Certainty::Unknown) {
        html += tr("it cannot be checked: %1")
                    .arg(QString::fromStdString(loaded_->why).toHtmlEscaped());
    } else if (!loaded_->strictError) {
        html += tr("load_state_dict loads it.");
    } else {
        html += tr("load_state_dict raises:") + "<pre>RuntimeError: " +
                QString::fromStdString(*loaded_->strictError).toHtmlEscaped() + "</pre>";
        html += loaded_->nonStrictError
                    ? tr("With strict=False it still raises (sizes differ).")
                    : tr("With strict=False it loads: unexpected tensors are ignored, "
                         "missing ones keep their initial values (see the "
                         "layers' findings).");
    }
    for (const Finding& f : loaded_->findings)
        if (f.layer.empty())
            html += "<br><b>" + findingCodeText(f.code) +
                    "</b>: " + QString::fromStdString(f.message).toHtmlEscaped() + " " +
                    tr("Fix:") + " <code>" + QString::fromStdString(f.fix).toHtmlEscaped() +
                    "</code>";
    if (loaded_->certainty != Certainty::Exact)
        html += "<br><small>" + QString::fromStdString(loaded_->why).toHtmlEscaped() + "</small>";
    checkpointStatus_->setText(html);
}

bool DebuggerView::loadTraceFile(const QString& path) {
    QFile file(path);
    if (const QString error =
            formats::openRegularFile(file, formats::kMaxTraceBytes, tr("the trace"));
        !error.isEmpty()) {
        status_->setText(tr("%1 (the last analysis stays below)").arg(error));
        return false;
    }
    formats::Trace trace;
    if (const QString error = formats::traceFromJson(file.readAll(), trace); !error.isEmpty()) {
        status_->setText(tr("%1: %2 (the last analysis stays below)").arg(path, error));
        return false;
    }
    const TorchVersion version = TorchVersion::parse(trace.torchVersion).value_or(TorchVersion{});
    showReport(diagnoseTrace(trace.calls, trace.error, version, trace.modules), version,
               tr("Trace %1.").arg(QFileInfo(path).fileName()));
    traceModules_ = trace.modules;
    tracePath_ = path;
    loaded_.reset();
    if (checkpoint_ && !traceModules_.empty()) {
        loaded_ = checkLoadStateDict(traceModules_, *checkpoint_);
        report_.findings.insert(report_.findings.end(), loaded_->findings.begin(),
                                loaded_->findings.end());
        fillTable();
    }
    showCheckpointSummary();
    if (checkpoint_ && traceModules_.empty())
        checkpointStatus_->setText(tr("This trace lists no modules (an older normlab_trace.py "
                                      "wrote it): trace the model again to check the checkpoint "
                                      "against it."));
    return true;
}

QString DebuggerView::startTrace(const TraceRequest& request) {
    const QString error = runner_->start(request);
    if (!error.isEmpty()) return error;
    traceProgress_->setText(tr("Tracing..."));
    traceProgress_->show();
    cancelTrace_->show();
    return {};
}

QByteArray DebuggerView::traceScript() {
    QFile f(QStringLiteral(":/tools/normlab_trace.py"));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString DebuggerView::traceSnippet() {
    return QStringLiteral("import normlab_trace\n"
                          "x = torch.zeros(2, 3, 224, 224)  # your input's shape\n"
                          "normlab_trace.trace(model, x, \"trace.json\")\n"
                          "# several inputs: normlab_trace.trace(model, (a, b), \"trace.json\", "
                          "kwargs={...})\n");
}

void DebuggerView::saveTraceScript() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save the trace script"), QStringLiteral("normlab_trace.py"), tr("Python (*.py)"));
    if (path.isEmpty()) return;
    QSaveFile file(path);
    const QByteArray bytes = traceScript();
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        status_->setText(tr("Cannot write %1").arg(path));
        return;
    }
    QGuiApplication::clipboard()->setText(traceSnippet());
    status_->setText(tr("Saved %1. The lines that trace a model from a notebook are on the "
                        "clipboard; or run: python3 normlab_trace.py --model my_model.py:build "
                        "--input-shape 2,3,224,224 --out trace.json, then Open trace.")
                         .arg(path));
}

void DebuggerView::showReport(DiagnoseReport report, TorchVersion version, const QString& source) {
    report_ = std::move(report);
    reportVersion_ = version;
    int errors = 0, warnings = 0;
    for (const Finding& f : report_.findings) {
        errors += f.severity == Severity::Error;
        warnings += f.severity == Severity::Warning;
    }
    status_->setText(tr("%1 layers; %2 errors, %3 warnings, %4 notes (PyTorch %5). %6")
                         .arg(report_.layers.size())
                         .arg(errors)
                         .arg(warnings)
                         .arg(int(report_.findings.size()) - errors - warnings)
                         .arg(QString::fromStdString(version.toString()),
                              source + QString::fromStdString(report_.assumptions.front())));
    fillTable();
}

void DebuggerView::fillTable() {
    table_->setRowCount(0);
    table_->setRowCount(int(report_.layers.size()));
    int firstFinding = -1;
    for (int row = 0; row < int(report_.layers.size()); ++row) {
        const LayerReport& l = report_.layers[std::size_t(row)];
        int count = 0;
        std::optional<Severity> worst;
        for (const Finding& f : report_.findings)
            if (f.layer == l.name) {
                ++count;
                if (!worst || int(f.severity) > int(*worst)) worst = f.severity;
            }
        const QStringList cells = {
            QString::fromStdString(l.name),
            QString::fromStdString(l.type),
            l.inputShape || l.partialInput.empty()
                ? shapeText(l.inputShape)
                : QString::fromStdString(partialShapeToString(l.partialInput)),
            shapeText(l.outputShape),
            certaintyLabel(l.certainty),
            count ? tr("%1 · %2").arg(count).arg(severityLabel(*worst)) : QString()};
        // Hover: what the shape rests on (the block's reading) or why it is unknown.
        const QString basis = QString::fromStdString(l.why.empty() ? l.reading : l.why);
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (worst) item->setBackground(severityColour(*worst));
            if (!basis.isEmpty()) item->setToolTip(basis);
            table_->setItem(row, c, item);
        }
        if (count && firstFinding < 0) firstFinding = row;
    }
    table_->resizeColumnsToContents();
    if (table_->rowCount() > 0) table_->selectRow(firstFinding >= 0 ? firstFinding : 0);
    showSelectedFindings();
}

int DebuggerView::selectedLayer() const {
    const QList<QTableWidgetItem*> items = table_->selectedItems();
    if (items.isEmpty()) return -1;
    const int row = items.first()->row();
    return row < int(report_.layers.size()) ? row : -1;
}

bool DebuggerView::selectLayer(const QString& name) {
    for (int row = 0; row < int(report_.layers.size()); ++row)
        if (QString::fromStdString(report_.layers[std::size_t(row)].name) == name) {
            table_->selectRow(row);
            return true;
        }
    return false;
}

void DebuggerView::showSelectedFindings() {
    const int row = selectedLayer();
    if (row < 0) {
        details_->clear();
        open_->setEnabled(false);
        return;
    }
    const LayerReport& l = report_.layers[std::size_t(row)];
    QString html = "<h3>" + QString::fromStdString(l.name).toHtmlEscaped() + " &nbsp; " +
                   QString::fromStdString(l.type).toHtmlEscaped() + "</h3><p>" +
                   tr("line %1 of the text; input %2, output %3")
                       .arg(l.line)
                       .arg(shapeText(l.inputShape), shapeText(l.outputShape)) +
                   "</p>";
    std::vector<const Finding*> here; // the worst first
    for (const Finding& f : report_.findings)
        if (f.layer == l.name) here.push_back(&f);
    std::stable_sort(here.begin(), here.end(), [](const Finding* a, const Finding* b) {
        return int(a->severity) > int(b->severity);
    });
    for (const Finding* finding : here) {
        const Finding& f = *finding;
        html += "<p style='background:" + severityColour(f.severity).name() + "'><b>" +
                severityLabel(f.severity) + " · " + findingCodeText(f.code) + "</b><br>" +
                translatedHeadline(f.code) + QString::fromStdString(f.message).toHtmlEscaped() +
                "<br><i>" + QString::fromStdString(f.pytorch).toHtmlEscaped() + "</i><br>" +
                tr("Fix:") + " <code>" + QString::fromStdString(f.fix).toHtmlEscaped() +
                "</code><br><small>" + tr("Rests on:") + " " +
                QString::fromStdString(f.restsOn).toHtmlEscaped() + "</small></p>";
    }
    if (here.empty()) html += "<p>" + tr("No findings on this layer.") + "</p>";
    details_->setHtml(html);
    const bool openable = l.normSpec && l.normInputShape;
    open_->setEnabled(openable);
    open_->setToolTip(openable ? tr("Set up the workbench with this layer and an input of shape %1")
                                     .arg(shapeText(l.normInputShape))
                               : tr("Only normalization layers with a known input shape"));
}

void DebuggerView::requestOpen() {
    const int row = selectedLayer();
    if (row < 0) return;
    const LayerReport& l = report_.layers[std::size_t(row)];
    if (!l.normSpec || !l.normInputShape) return;
    emit openInWorkbench(*l.normSpec, *l.normInputShape, QString::fromStdString(l.name));
}

} // namespace normlab::ui
