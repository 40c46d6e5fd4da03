#include "trace_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace normlab::ui {

namespace {

QStringList splitList(const QString& text) {
    QStringList out;
    for (const QString& part : text.split(';', Qt::SkipEmptyParts))
        if (!part.trimmed().isEmpty()) out << part.trimmed();
    return out;
}

// A line edit with a "..." button that fills it from a file dialog.
QWidget* withBrowse(QLineEdit* edit, QWidget* parent, const QString& title, const QString& filter,
                    bool many) {
    auto* box = new QWidget(parent);
    auto* row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(edit, 1);
    auto* browse = new QPushButton(QObject::tr("..."), box);
    row->addWidget(browse);
    QObject::connect(browse, &QPushButton::clicked, box, [=] {
        if (many) {
            const QStringList paths = QFileDialog::getOpenFileNames(parent, title, {}, filter);
            if (!paths.isEmpty()) edit->setText(paths.join("; "));
        } else if (const QString path = QFileDialog::getOpenFileName(parent, title, {}, filter);
                   !path.isEmpty()) {
            edit->setText(path);
        }
    });
    return box;
}

} // namespace

TraceDialog::TraceDialog(QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Trace with Python"));
    model_ = new QLineEdit(QSettings().value("trace/model").toString());
    model_->setObjectName("traceModel");
    model_->setPlaceholderText(tr("my_model.py"));
    builder_ = new QLineEdit(QSettings().value("trace/builder", "build").toString());
    builder_->setObjectName("traceBuilder");
    builder_->setToolTip(tr("The function in the file that returns the model, or (model, args) "
                            "or (model, args, kwargs)"));
    shapes_ = new QLineEdit(QSettings().value("trace/shapes", "2,3,224,224").toString());
    shapes_->setObjectName("traceShapes");
    shapes_->setToolTip(tr("One shape per positional argument, separated by ';', each "
                           "[dtype:]DIMS: 2,16000; long:2"));
    files_ = new QLineEdit;
    files_->setObjectName("traceFiles");
    files_->setPlaceholderText(tr("or input files (.npy, .pt), separated by ';'"));
    python_ = new QLineEdit(TraceRunner::defaultInterpreter());
    python_->setObjectName("tracePython");
    pythonNote_ = new QLabel;
    pythonNote_->setWordWrap(true);
    const auto notePython = [this] {
        pythonNote_->setText(python_->text().isEmpty() ? TraceRunner::installHint() : QString());
        pythonNote_->setVisible(python_->text().isEmpty());
    };
    connect(python_, &QLineEdit::textChanged, this, notePython);
    notePython();
    activations_ = new QCheckBox(tr("Also capture activations (the Capture dock opens them)"));
    activations_->setObjectName("traceActivations");
    generate_ = new QCheckBox(tr("Generated data (normal) when no input files are given"));
    generate_->setObjectName("traceGenerate");
    generate_->setEnabled(false);
    connect(activations_, &QCheckBox::toggled, generate_, &QWidget::setEnabled);

    auto* form = new QFormLayout;
    form->addRow(tr("Model file:"), withBrowse(model_, this, tr("The model's Python file"),
                                               tr("Python (*.py)"), false));
    form->addRow(tr("Function:"), builder_);
    form->addRow(tr("Input shapes:"), shapes_);
    form->addRow(tr("Input files:"), withBrowse(files_, this, tr("Input tensors"),
                                                tr("Arrays (*.npy *.pt *.pth)"), true));
    form->addRow(tr("Python:"), withBrowse(python_, this, tr("A Python with PyTorch"), {}, false));
    form->addRow(QString(), pythonNote_);
    form->addRow(QString(), activations_);
    form->addRow(QString(), generate_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Trace"));
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        QSettings settings;
        settings.setValue("trace/model", model_->text());
        settings.setValue("trace/builder", builder_->text());
        settings.setValue("trace/shapes", shapes_->text());
        if (!python_->text().isEmpty()) TraceRunner::rememberInterpreter(python_->text());
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

TraceRequest TraceDialog::request() const {
    TraceRequest r;
    r.interpreter = python_->text().trimmed();
    r.modelFile = model_->text().trimmed();
    r.builder = builder_->text().trimmed().isEmpty() ? "build" : builder_->text().trimmed();
    r.inputFiles = splitList(files_->text());
    r.inputShapes = splitList(shapes_->text());
    r.activations = activations_->isChecked();
    r.generate = generate_->isChecked();
    return r;
}

void TraceDialog::setRequest(const TraceRequest& r) {
    python_->setText(r.interpreter);
    model_->setText(r.modelFile);
    builder_->setText(r.builder);
    files_->setText(r.inputFiles.join("; "));
    shapes_->setText(r.inputShapes.join("; "));
    activations_->setChecked(r.activations);
    generate_->setChecked(r.generate);
}

} // namespace normlab::ui
