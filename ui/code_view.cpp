#include "code_view.h"

#include "python_highlighter.h"

#include "code_export.h"

#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace normlab::ui {

CodeView::CodeView(QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    auto* row = new QHBoxLayout;
    auto* copy = new QPushButton(tr("&Copy"), this);
    copy->setObjectName("copyCode");
    auto* save = new QPushButton(tr("&Save snippet and files..."), this);
    save->setObjectName("saveCode");
    save->setToolTip(tr("Writes %1 with input.npy (the exact input), mask.npy and the "
                        "affine parameters into a folder: run it there with python3.")
                         .arg(kSnippetFileName));
    row->addWidget(copy);
    row->addWidget(save);
    row->addStretch(1);
    layout->addLayout(row);
    text_ = new QPlainTextEdit(this);
    text_->setObjectName("code");
    text_->setReadOnly(true);
    text_->setLineWrapMode(QPlainTextEdit::NoWrap);
    text_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    new PythonHighlighter(text_->document()); // owned by the document
    layout->addWidget(text_, 1);
    note_ = new QLabel(this);
    note_->setWordWrap(true);
    layout->addWidget(note_);
    connect(copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(code());
        note_->setText(tr("Copied to the clipboard."));
    });
    connect(save, &QPushButton::clicked, this, [this] {
        const QString folder =
            QFileDialog::getExistingDirectory(this, tr("Save the snippet and its files into"));
        if (folder.isEmpty()) return;
        if (const QString error = saveTo(folder); !error.isEmpty())
            QMessageBox::warning(this, tr("Cannot save the snippet"), error);
    });
}

void CodeView::showState(const WorkbenchState& state) {
    pending_ = state;
    if (isVisible()) render();
}

void CodeView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    render();
}

void CodeView::render() {
    if (!pending_) return;
    text_->setPlainText(QString::fromStdString(pytorchSnippet(snippetSetupOf(*pending_))));
    pending_.reset();
    note_->setText(tr("Python 3 with PyTorch and NumPy. Save writes the exact input next to the "
                      "snippet; without it the snippet draws a look-alike input."));
}

QString CodeView::code() {
    render();
    return text_->toPlainText();
}

QString CodeView::saveTo(const QString& folder) {
    if (!outcome_) return tr("nothing has been computed yet");
    const QString error = writeSnippetFolder(folder, *outcome_);
    if (error.isEmpty()) note_->setText(tr("Saved into %1.").arg(folder));
    return error;
}

} // namespace normlab::ui
