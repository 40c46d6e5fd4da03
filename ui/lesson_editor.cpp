#include "lesson_editor.h"

#include "lessons.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace normlab::ui {

namespace {

// A task item's key, and its value as the JSON text of a one-element array.
constexpr int kKeyRole = Qt::UserRole, kValueRole = Qt::UserRole + 1;

QString languageName(const QString& language) {
    if (language == "zh_CN") return QStringLiteral("中文");
    if (language == "ja") return QStringLiteral("日本語");
    return QStringLiteral("English");
}

QString valueText(const QJsonValue& v) {
    if (v.isNull()) return QStringLiteral("null");
    if (v.isBool()) return v.toBool() ? "true" : "false";
    if (v.isDouble()) return QString::number(v.toDouble(), 'g', 10);
    if (v.isString()) return v.toString();
    return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
}

// A text object edited in English: its other languages kept while the English is unchanged.
QJsonObject keepTranslations(const QJsonObject& old, const QString& english) {
    if (english.isEmpty()) return {};
    if (old.value("en").toString() == english) return old;
    return QJsonObject{{"en", english}};
}

} // namespace

LessonEditor::LessonEditor(std::function<Session()> workbench, QWidget* parent)
    : QDialog(parent)
    , workbench_(std::move(workbench)) {
    setWindowTitle(tr("Lesson editor"));
    auto* layout = new QVBoxLayout(this);

    auto* head = new QFormLayout;
    id_ = new QLineEdit(this);
    id_->setObjectName("lessonId");
    head->addRow(tr("Lesson id"), id_);
    auto* titleRow = new QHBoxLayout;
    for (const QString& language : lessonLanguages()) {
        auto* t = new QLineEdit(this);
        t->setPlaceholderText(languageName(language));
        titleRow->addWidget(t);
        titles_.push_back(t);
    }
    head->addRow(tr("Title"), titleRow);
    layout->addLayout(head);

    auto* split = new QSplitter(this);
    auto* left = new QWidget(split);
    auto* leftLayout = new QVBoxLayout(left);
    steps_ = new QListWidget(left);
    steps_->setObjectName("editorSteps");
    leftLayout->addWidget(steps_, 1);
    auto* add = new QPushButton(tr("Add step from the workbench"), left);
    add->setToolTip(tr("A new step whose setup is the workbench as it is now"));
    auto* update = new QPushButton(tr("Set up from the workbench"), left);
    update->setToolTip(tr("This step's setup becomes the workbench as it is now"));
    auto* clearSetup = new QPushButton(tr("No setup"), left);
    clearSetup->setToolTip(tr("This step keeps the workbench as the learner left it"));
    auto* remove = new QPushButton(tr("Remove step"), left);
    auto* up = new QPushButton(tr("Move up"), left);
    auto* down = new QPushButton(tr("Move down"), left);
    add->setObjectName("editorAdd");
    remove->setObjectName("editorRemove");
    up->setObjectName("editorUp");
    down->setObjectName("editorDown");
    for (QPushButton* b : {add, update, clearSetup, remove, up, down}) leftLayout->addWidget(b);

    auto* right = new QWidget(split);
    auto* rightLayout = new QVBoxLayout(right);
    auto* textBox = new QGroupBox(tr("Text (rich text: <b>, <i>, <code>; a missing language shows "
                                     "the English)"),
                                  right);
    auto* textRow = new QHBoxLayout(textBox);
    for (const QString& language : lessonLanguages()) {
        auto* column = new QVBoxLayout;
        column->addWidget(new QLabel(languageName(language), textBox));
        auto* edit = new QPlainTextEdit(textBox);
        edit->setObjectName("stepText_" + language);
        column->addWidget(edit);
        textRow->addLayout(column);
        texts_.push_back(edit);
    }
    rightLayout->addWidget(textBox, 2);
    setup_ = new QLabel(right);
    setup_->setWordWrap(true);
    rightLayout->addWidget(setup_);
    auto* taskBox = new QGroupBox(tr("Task: the conditions to meet (ticked)"), right);
    auto* taskLayout = new QVBoxLayout(taskBox);
    task_ = new QListWidget(taskBox);
    task_->setObjectName("editorTask");
    taskLayout->addWidget(task_);
    auto* offer = new QPushButton(tr("Offer the workbench's conditions now"), taskBox);
    taskLayout->addWidget(offer);
    rightLayout->addWidget(taskBox, 1);

    auto* quizBox = new QGroupBox(tr("Quiz"), right);
    auto* quizLayout = new QVBoxLayout(quizBox);
    quizKind_ = new QComboBox(quizBox);
    quizKind_->addItems({tr("none"), tr("choices"), tr("a number read off the workbench")});
    quizLayout->addWidget(quizKind_);
    quizPages_ = new QStackedWidget(quizBox);
    quizPages_->addWidget(new QWidget(quizPages_));
    auto* choicePage = new QWidget(quizPages_);
    auto* choiceForm = new QFormLayout(choicePage);
    choices_ = new QPlainTextEdit(choicePage);
    choices_->setPlaceholderText(tr("one choice per line"));
    answer_ = new QSpinBox(choicePage);
    answer_->setRange(1, 10);
    choiceForm->addRow(tr("Choices"), choices_);
    choiceForm->addRow(tr("Right choice (1 = first)"), answer_);
    quizPages_->addWidget(choicePage);
    auto* numberPage = new QWidget(quizPages_);
    auto* numberForm = new QFormLayout(numberPage);
    valueOf_ = new QComboBox(numberPage);
    for (const char* of : {"count", "mean", "var", "running_mean", "running_var"})
        valueOf_->addItem(QString::fromLatin1(of), QString::fromLatin1(of));
    valueIndex_ = new QSpinBox(numberPage);
    valueIndex_->setRange(0, 1 << 30);
    tolerance_ = new QDoubleSpinBox(numberPage);
    tolerance_->setDecimals(4);
    tolerance_->setRange(0.0001, 1.0);
    tolerance_->setValue(0.01);
    numberForm->addRow(tr("The value of"), valueOf_);
    numberForm->addRow(tr("Index (slice or channel)"), valueIndex_);
    numberForm->addRow(tr("Tolerance (relative)"), tolerance_);
    quizPages_->addWidget(numberPage);
    quizLayout->addWidget(quizPages_);
    explain_ = new QLineEdit(quizBox);
    explain_->setPlaceholderText(tr("explanation shown after the answer (English)"));
    quizLayout->addWidget(explain_);
    rightLayout->addWidget(quizBox, 1);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(1, 3);
    layout->addWidget(split, 1);

    auto* buttons = new QHBoxLayout;
    auto* newLesson = new QPushButton(tr("New"), this);
    auto* open = new QPushButton(tr("Open..."), this);
    auto* save = new QPushButton(tr("Save as..."), this);
    auto* tryIt = new QPushButton(tr("Try it in the Lesson dock"), this);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    for (QPushButton* b : {newLesson, open, save, tryIt}) buttons->addWidget(b);
    buttons->addWidget(status_, 1);
    layout->addLayout(buttons);

    connect(quizKind_, &QComboBox::currentIndexChanged, quizPages_,
            &QStackedWidget::setCurrentIndex);
    connect(quizKind_, &QComboBox::currentIndexChanged, this,
            [this](int kind) { explain_->setEnabled(kind != 0); });
    connect(steps_, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row == current_) return;
        commit();
        showStep(row);
    });
    connect(add, &QPushButton::clicked, this, &LessonEditor::addStepFromWorkbench);
    connect(update, &QPushButton::clicked, this, [this] {
        if (current_ < 0) return;
        commit();
        draft_.steps[std::size_t(current_)].setup = stepFromWorkbench(workbench_()).setup;
        showStep(current_);
    });
    connect(clearSetup, &QPushButton::clicked, this, [this] {
        if (current_ < 0) return;
        commit();
        draft_.steps[std::size_t(current_)].setup = {};
        showStep(current_);
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (current_ < 0) return;
        draft_.steps.erase(draft_.steps.begin() + current_);
        const int next = std::min(current_, int(draft_.steps.size()) - 1);
        current_ = -1;
        refreshStepList();
        if (next < 0)
            showStep(-1); // no step left: empty the step's widgets
        else
            selectStep(next);
    });
    const auto move = [this](int by) {
        const int to = current_ + by;
        if (current_ < 0 || to < 0 || to >= int(draft_.steps.size())) return;
        commit();
        std::swap(draft_.steps[std::size_t(current_)], draft_.steps[std::size_t(to)]);
        current_ = -1;
        refreshStepList();
        selectStep(to);
    };
    connect(up, &QPushButton::clicked, this, [move] { move(-1); });
    connect(down, &QPushButton::clicked, this, [move] { move(1); });
    connect(offer, &QPushButton::clicked, this, [this] {
        commit();
        offerConditions(current_ < 0 ? QJsonObject() : draft_.steps[std::size_t(current_)].expect);
    });
    connect(newLesson, &QPushButton::clicked, this, [this] { setDraft(LessonDraft{}); });
    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open lessons"), {},
                                                          tr("NormLab lessons (*.json)"));
        if (path.isEmpty()) return;
        if (const QString error = openFile(path); !error.isEmpty())
            QMessageBox::warning(this, tr("Cannot open the lessons"), error);
    });
    connect(save, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save the lesson"), id_->text() + ".json", tr("NormLab lessons (*.json)"));
        if (path.isEmpty()) return;
        if (const QString error = saveTo(path); !error.isEmpty())
            QMessageBox::warning(this, tr("Cannot save the lesson"), error);
    });
    connect(tryIt, &QPushButton::clicked, this, [this] {
        const QByteArray json = draft().toJson();
        QString error;
        if (lessonsFromJson(json, "en", &error).empty()) {
            status_->setText(tr("Not ready: %1").arg(error));
            return;
        }
        status_->setText(tr("Listed in the Lesson dock."));
        emit tryRequested(json);
    });
    setDraft(LessonDraft{});
    resize(1100, 760);
}

LessonDraft LessonEditor::draft() {
    commit();
    draft_.id = id_->text().trimmed();
    QJsonObject title;
    for (std::size_t i = 0; i < titles_.size(); ++i)
        if (!titles_[i]->text().trimmed().isEmpty())
            title.insert(lessonLanguages()[qsizetype(i)], titles_[i]->text().trimmed());
    draft_.title = title;
    return draft_;
}

void LessonEditor::setDraft(const LessonDraft& draft) {
    draft_ = draft;
    id_->setText(draft.id);
    for (std::size_t i = 0; i < titles_.size(); ++i)
        titles_[i]->setText(draft.title.value(lessonLanguages()[qsizetype(i)]).toString());
    current_ = -1;
    refreshStepList();
    selectStep(draft_.steps.empty() ? -1 : 0);
    if (draft_.steps.empty()) showStep(-1);
}

void LessonEditor::selectStep(int index) {
    if (index < 0 || index >= int(draft_.steps.size())) return;
    steps_->setCurrentRow(index); // commits the step shown and shows this one
    if (current_ != index) showStep(index);
}

void LessonEditor::refreshStepList() {
    const QSignalBlocker block(steps_);
    steps_->clear();
    for (std::size_t i = 0; i < draft_.steps.size(); ++i) {
        const QString text = draft_.steps[i].text.value("en").toString().simplified();
        steps_->addItem(QStringLiteral("%1. %2").arg(i + 1).arg(text.isEmpty() ? tr("(no text yet)")
                                                                               : text.left(40)));
    }
}

void LessonEditor::addStepFromWorkbench() {
    commit();
    draft_.steps.push_back(stepFromWorkbench(workbench_()));
    current_ = -1;
    refreshStepList();
    selectStep(int(draft_.steps.size()) - 1);
}

void LessonEditor::setTitle(const QString& language, const QString& title) {
    const qsizetype i = lessonLanguages().indexOf(language);
    if (i >= 0) titles_[std::size_t(i)]->setText(title);
}

void LessonEditor::setStepText(const QString& language, const QString& text) {
    const qsizetype i = lessonLanguages().indexOf(language);
    if (i >= 0 && current_ >= 0) texts_[std::size_t(i)]->setPlainText(text);
}

void LessonEditor::setTaskFromWorkbench(const QStringList& keys) {
    if (current_ < 0) return;
    offerConditions({});
    for (int i = 0; i < task_->count(); ++i) {
        QListWidgetItem* item = task_->item(i);
        item->setCheckState(keys.contains(item->data(kKeyRole).toString()) ? Qt::Checked
                                                                           : Qt::Unchecked);
    }
}

void LessonEditor::setChoiceQuiz(const QStringList& choices, int answer, const QString& explain) {
    quizKind_->setCurrentIndex(1);
    choices_->setPlainText(choices.join('\n'));
    answer_->setValue(answer + 1);
    explain_->setText(explain);
}

void LessonEditor::setNumberQuiz(const QString& of, qint64 index, double tolerance,
                                 const QString& explain) {
    quizKind_->setCurrentIndex(2);
    valueOf_->setCurrentIndex(valueOf_->findData(of));
    valueIndex_->setValue(int(index));
    tolerance_->setValue(tolerance);
    explain_->setText(explain);
}

void LessonEditor::offerConditions(const QJsonObject& expect) {
    const Session now = workbench_();
    QJsonObject offered = conditionsMetBy(now.state, now.view);
    for (auto it = expect.begin(); it != expect.end(); ++it) offered.insert(it.key(), it.value());
    task_->clear();
    // The task's own conditions first (ticked), then the others the workbench meets.
    for (const bool ticked : {true, false})
        for (auto it = offered.begin(); it != offered.end(); ++it) {
            if (expect.contains(it.key()) != ticked) continue;
            auto* item = new QListWidgetItem(
                QStringLiteral("%1 = %2").arg(it.key(), valueText(it.value())), task_);
            item->setData(kKeyRole, it.key());
            item->setData(kValueRole,
                          QJsonDocument(QJsonArray{it.value()}).toJson(QJsonDocument::Compact));
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(ticked ? Qt::Checked : Qt::Unchecked);
        }
}

void LessonEditor::commit() {
    if (current_ < 0 || current_ >= int(draft_.steps.size())) return;
    DraftStep& step = draft_.steps[std::size_t(current_)];
    QJsonObject text;
    for (std::size_t i = 0; i < texts_.size(); ++i) {
        const QString t = texts_[i]->toPlainText().trimmed();
        if (!t.isEmpty()) text.insert(lessonLanguages()[qsizetype(i)], t);
    }
    step.text = text;
    QJsonObject expect;
    for (int i = 0; i < task_->count(); ++i) {
        const QListWidgetItem* item = task_->item(i);
        if (item->checkState() == Qt::Checked)
            expect.insert(
                item->data(kKeyRole).toString(),
                QJsonDocument::fromJson(item->data(kValueRole).toByteArray()).array().first());
    }
    step.expect = expect;
    const QJsonObject old = step.quiz;
    QJsonObject quiz;
    if (quizKind_->currentIndex() == 1) {
        const QJsonArray oldChoices = old.value("choices").toArray();
        QJsonArray choices;
        const QStringList lines = choices_->toPlainText().split('\n', Qt::SkipEmptyParts);
        for (qsizetype i = 0; i < lines.size(); ++i)
            choices.append(keepTranslations(oldChoices.at(i).toObject(), lines[i].trimmed()));
        quiz = {{"choices", choices}, {"answer", answer_->value() - 1}};
    } else if (quizKind_->currentIndex() == 2) {
        quiz = {{"value", QJsonObject{{"of", valueOf_->currentData().toString()},
                                      {"index", valueIndex_->value()}}},
                {"tolerance", tolerance_->value()}};
    }
    if (!quiz.isEmpty()) {
        const QJsonObject explain =
            keepTranslations(old.value("explain").toObject(), explain_->text().trimmed());
        if (!explain.isEmpty()) quiz.insert("explain", explain);
    }
    step.quiz = quiz;
    if (QListWidgetItem* item = steps_->item(current_)) {
        const QString en = text.value("en").toString().simplified();
        item->setText(QStringLiteral("%1. %2")
                          .arg(current_ + 1)
                          .arg(en.isEmpty() ? tr("(no text yet)") : en.left(40)));
    }
}

void LessonEditor::showStep(int index) {
    current_ = index;
    const bool any = index >= 0 && index < int(draft_.steps.size());
    for (QPlainTextEdit* t : texts_) t->setEnabled(any);
    task_->clear();
    if (!any) {
        for (QPlainTextEdit* t : texts_) t->clear();
        setup_->setText(tr("No step yet: set up the workbench, then Add step from the workbench."));
        quizKind_->setCurrentIndex(0);
        return;
    }
    const DraftStep& step = draft_.steps[std::size_t(index)];
    for (std::size_t i = 0; i < texts_.size(); ++i)
        texts_[i]->setPlainText(step.text.value(lessonLanguages()[qsizetype(i)]).toString());
    Session session;
    if (step.setup.isEmpty())
        setup_->setText(tr("Setup: none (the step keeps the workbench as the learner left it)."));
    else if (sessionFromJson(QJsonDocument(step.setup).toJson(), session).isEmpty())
        setup_->setText(
            tr("Setup: %1 on an input of shape [%2], view %3.")
                .arg(QString::fromStdString(std::string(variantName(session.state.spec.variant))),
                     QString::fromStdString(shapeToString(session.state.recipe.shape))
                         .remove('[')
                         .remove(']'),
                     session.view.isEmpty() ? tr("as it is") : session.view));
    offerConditions(step.expect);
    const QJsonObject& quiz = step.quiz;
    explain_->setText(quiz.value("explain").toObject().value("en").toString());
    if (quiz.contains("choices")) {
        QStringList lines;
        for (const QJsonValue& c : quiz.value("choices").toArray())
            lines << c.toObject().value("en").toString();
        choices_->setPlainText(lines.join('\n'));
        answer_->setValue(quiz.value("answer").toInt() + 1);
        quizKind_->setCurrentIndex(1);
    } else if (quiz.contains("value")) {
        const QJsonObject value = quiz.value("value").toObject();
        valueOf_->setCurrentIndex(std::max(0, valueOf_->findData(value.value("of").toString())));
        valueIndex_->setValue(value.value("index").toInt());
        tolerance_->setValue(quiz.value("tolerance").toDouble(0.01));
        quizKind_->setCurrentIndex(2);
    } else {
        choices_->clear();
        quizKind_->setCurrentIndex(0);
    }
}

QString LessonEditor::saveTo(const QString& path) {
    const QByteArray json = draft().toJson();
    QString error;
    if (lessonsFromJson(json, "en", &error).empty())
        return tr("The lesson is not complete: %1").arg(error);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit())
        return tr("Cannot write %1: %2").arg(path, file.errorString());
    status_->setText(tr("Saved %1.").arg(QFileInfo(path).fileName()));
    return {};
}

QString LessonEditor::openFile(const QString& path) {
    QByteArray bytes;
    if (const QString error = readLessonsFile(path, &bytes); !error.isEmpty()) return error;
    QString error, note;
    const std::optional<LessonDraft> d = LessonDraft::fromJson(bytes, &error, &note);
    if (!d) return QStringLiteral("%1: %2").arg(QFileInfo(path).fileName(), error);
    setDraft(*d);
    status_->setText(note);
    return {};
}

} // namespace normlab::ui
