#include "lesson_panel.h"

#include <QAction>
#include <QButtonGroup>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>

namespace normlab::ui {

LessonPanel::LessonPanel(const QString& language, QWidget* parent)
    : QWidget(parent)
    , language_(language) {
    QString error;
    lessons_ = loadLessons(language, &error);
    sourceOf_.assign(lessons_.size(), QString());
    auto* layout = new QVBoxLayout(this);
    chooser_ = new QComboBox(this);
    chooser_->setObjectName("lessonChooser");
    // Long titles must not widen the dock: the box shows what fits, the list all of it.
    chooser_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    chooser_->setMinimumContentsLength(16);
    for (const Lesson& l : lessons_) chooser_->addItem(l.title, l.id);
    layout->addWidget(chooser_);
    position_ = new QLabel(this);
    layout->addWidget(position_);
    text_ = new QTextBrowser(this);
    text_->setObjectName("lessonText");
    text_->setOpenExternalLinks(false);
    layout->addWidget(text_, 1);
    check_ = new QLabel(this);
    check_->setObjectName("lessonCheck");
    check_->setWordWrap(true);
    layout->addWidget(check_);
    // The quiz of a step: choices or a number, Check, and the feedback.
    quiz_ = new QWidget(this);
    auto* quizLayout = new QVBoxLayout(quiz_);
    quizLayout->setContentsMargins(0, 0, 0, 0);
    choices_ = new QWidget(quiz_);
    new QVBoxLayout(choices_);
    choices_->layout()->setContentsMargins(0, 0, 0, 0);
    choiceGroup_ = new QButtonGroup(this);
    quizLayout->addWidget(choices_);
    auto* answerRow = new QHBoxLayout;
    number_ = new QLineEdit(quiz_);
    number_->setObjectName("quizNumber");
    number_->setPlaceholderText(tr("your answer"));
    checkAnswer_ = new QPushButton(tr("Check"), quiz_);
    checkAnswer_->setObjectName("quizCheck");
    answerRow->addWidget(number_, 1);
    answerRow->addWidget(checkAnswer_);
    quizLayout->addLayout(answerRow);
    feedback_ = new QLabel(quiz_);
    feedback_->setObjectName("quizFeedback");
    feedback_->setWordWrap(true);
    quizLayout->addWidget(feedback_);
    layout->addWidget(quiz_);
    quiz_->hide();
    score_ = new QLabel(this);
    score_->setObjectName("quizScore");
    layout->addWidget(score_);
    connect(checkAnswer_, &QPushButton::clicked, this, [this] {
        if (lessons_.empty() || step_ < 0) return;
        const LessonQuiz& q = lessons_[std::size_t(lesson_)].steps[std::size_t(step_)].quiz;
        answerQuiz(q.kind == LessonQuiz::Kind::Choice ? QString::number(choiceGroup_->checkedId())
                                                      : number_->text());
    });
    connect(number_, &QLineEdit::returnPressed, checkAnswer_, &QPushButton::click);
    auto* buttons = new QHBoxLayout;
    previous_ = new QPushButton(tr("◀ Previous"), this);
    previous_->setToolTip(tr("Previous step (Alt+Left)"));
    showMe_ = new QPushButton(tr("Show me"), this);
    showMe_->setObjectName("lessonShowMe");
    showMe_->setToolTip(tr("Do this step's task in the workbench"));
    next_ = new QPushButton(tr("Next ▶"), this);
    next_->setToolTip(tr("Next step (Alt+Right)"));
    buttons->addWidget(previous_);
    buttons->addWidget(showMe_);
    buttons->addWidget(next_);
    layout->addLayout(buttons);
    auto* back = new QAction(this);
    back->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Left));
    back->setShortcutContext(Qt::WindowShortcut);
    addAction(back);
    auto* forward = new QAction(this);
    forward->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Right));
    forward->setShortcutContext(Qt::WindowShortcut);
    addAction(forward);
    connect(back, &QAction::triggered, this, &LessonPanel::previous);
    connect(forward, &QAction::triggered, this, &LessonPanel::next);
    connect(previous_, &QPushButton::clicked, this, &LessonPanel::previous);
    connect(next_, &QPushButton::clicked, this, &LessonPanel::next);
    connect(showMe_, &QPushButton::clicked, this, [this] {
        if (!lessons_.empty())
            emit showMeRequested(lessons_[std::size_t(lesson_)].steps[std::size_t(step_)].expect);
    });
    connect(chooser_, &QComboBox::activated, this, &LessonPanel::openLesson);
    if (lessons_.empty()) {
        text_->setPlainText(error);
        for (QPushButton* b : {previous_, next_, showMe_}) b->setEnabled(false);
        return;
    }
    step_ = -1; // nothing entered yet: openLesson() is called by the window when shown
    const Lesson& first = lessons_.front();
    position_->setText(tr("%1 steps").arg(first.steps.size()));
    text_->setHtml(first.steps.front().text);
}

void LessonPanel::openLesson(int lesson) {
    if (lesson < 0 || lesson >= int(lessons_.size())) return;
    lesson_ = lesson;
    chooser_->setCurrentIndex(lesson);
    step_ = -1;
    firstTry_.assign(lessons_[std::size_t(lesson)].steps.size(), -1);
    goToStep(0);
}

void LessonPanel::goToStep(int step) {
    if (lessons_.empty()) return;
    const Lesson& lesson = lessons_[std::size_t(lesson_)];
    if (step < 0 || step >= int(lesson.steps.size()) || step == step_) return;
    step_ = step;
    const LessonStep& s = lesson.steps[std::size_t(step)];
    position_->setText(tr("Step %1 of %2").arg(step + 1).arg(lesson.steps.size()));
    text_->setHtml(s.text);
    previous_->setEnabled(step > 0);
    next_->setEnabled(step + 1 < int(lesson.steps.size()));
    showMe_->setEnabled(!s.expect.isEmpty());
    check_->clear();
    showQuiz(s.quiz);
    updateScore();
    if (s.setup) emit setupRequested(*s.setup);
}

void LessonPanel::showQuiz(const LessonQuiz& quiz) {
    quiz_->setVisible(quiz.kind != LessonQuiz::Kind::None);
    feedback_->clear();
    for (QAbstractButton* b : choiceGroup_->buttons()) {
        choiceGroup_->removeButton(b);
        delete b;
    }
    const bool choice = quiz.kind == LessonQuiz::Kind::Choice;
    choices_->setVisible(choice);
    number_->setVisible(quiz.kind == LessonQuiz::Kind::Number);
    number_->clear();
    for (int i = 0; choice && i < quiz.choices.size(); ++i) {
        auto* b = new QRadioButton(quiz.choices[i], choices_);
        choiceGroup_->addButton(b, i);
        choices_->layout()->addWidget(b);
    }
}

bool LessonPanel::answerQuiz(const QString& answer) {
    if (lessons_.empty() || step_ < 0) return false;
    const LessonQuiz& q = lessons_[std::size_t(lesson_)].steps[std::size_t(step_)].quiz;
    bool right = false;
    QString rightAnswer;
    if (q.kind == LessonQuiz::Kind::Choice) {
        bool read = false;
        const int picked = answer.toInt(&read);
        if (!read || picked < 0 || picked >= q.choices.size()) {
            feedback_->setText(tr("Pick one of the answers."));
            return false;
        }
        if (QAbstractButton* b = choiceGroup_->button(picked)) b->setChecked(true);
        right = picked == q.answer;
        rightAnswer = q.choices[q.answer];
    } else if (q.kind == LessonQuiz::Kind::Number) {
        QString why;
        const std::optional<double> value = quizValue(q, result_ ? *result_ : NormResult{}, &why);
        if (!value) {
            feedback_->setText(tr("This question cannot be checked now: %1.").arg(why));
            return false;
        }
        bool read = false;
        const double typed = QLocale().toDouble(answer.trimmed(), &read);
        const double typedC = read ? typed : answer.trimmed().toDouble(&read);
        if (!read) {
            feedback_->setText(tr("Type a number."));
            return false;
        }
        right = quizAnswerIsRight(q, typedC, *value);
        rightAnswer = QString::number(*value, 'g', 6);
    } else {
        return false;
    }
    int& first = firstTry_[std::size_t(step_)];
    if (first < 0) first = right ? 1 : 0;
    feedback_->setText(
        (right ? tr("✓ Right.") : tr("✗ Not quite: the answer is %1.").arg(rightAnswer)) +
        (q.explain.isEmpty() ? QString() : " " + q.explain));
    feedback_->setStyleSheet(right ? "color: #1a7f37" : "color: #9a3700");
    updateScore();
    return right;
}

int LessonPanel::quizCount() const {
    if (lessons_.empty()) return 0;
    int n = 0;
    for (const LessonStep& s : lessons_[std::size_t(lesson_)].steps)
        n += s.quiz.kind != LessonQuiz::Kind::None;
    return n;
}

int LessonPanel::quizScore() const {
    return int(std::count(firstTry_.begin(), firstTry_.end(), 1));
}

QString LessonPanel::feedback() const {
    return feedback_->text();
}

void LessonPanel::updateScore() {
    const int quizzes = quizCount();
    const bool last =
        !lessons_.empty() && step_ + 1 == int(lessons_[std::size_t(lesson_)].steps.size());
    score_->setVisible(quizzes > 0 && last);
    score_->setText(
        tr("Quiz score: %1 of %2 right at the first try.").arg(quizScore()).arg(quizzes));
}

QString LessonPanel::addLessonsFile(const QString& path) {
    QByteArray bytes;
    if (const QString error = readLessonsFile(path, &bytes); !error.isEmpty()) return error;
    const QFileInfo info(path);
    return addLessons(bytes, info.absoluteFilePath(), info.fileName());
}

QString LessonPanel::addLessons(const QByteArray& json, const QString& source,
                                const QString& label) {
    QString error;
    std::vector<Lesson> added = lessonsFromJson(json, language_, &error);
    if (added.empty()) return QStringLiteral("%1: %2").arg(label, error);
    // A source read again replaces what it added before.
    for (std::size_t i = lessons_.size(); i-- > 0;)
        if (sourceOf_[i] == source) {
            lessons_.erase(lessons_.begin() + std::ptrdiff_t(i));
            sourceOf_.erase(sourceOf_.begin() + std::ptrdiff_t(i));
            chooser_->removeItem(int(i));
        }
    for (Lesson& l : added) {
        chooser_->addItem(QStringLiteral("%1 (%2)").arg(l.title, label), l.id);
        lessons_.push_back(std::move(l));
        sourceOf_.push_back(source);
    }
    if (lesson_ >= int(lessons_.size())) lesson_ = 0;
    for (QPushButton* b : {previous_, next_, showMe_}) b->setEnabled(true);
    return {};
}

void LessonPanel::updateCheck(const WorkbenchState& state, const QString& viewId) {
    if (lessons_.empty() || step_ < 0) return;
    const LessonStep& s = lessons_[std::size_t(lesson_)].steps[std::size_t(step_)];
    if (s.expect.isEmpty()) {
        done_ = true;
        check_->setText(s.quiz.kind == LessonQuiz::Kind::None
                            ? tr("Read, look, then go on.")
                            : tr("Answer the question below, then go on."));
        check_->setStyleSheet({});
        return;
    }
    QStringList missing;
    done_ = expectationMet(s.expect, state, viewId, &missing);
    check_->setText(done_ ? tr("✓ Done.") : tr("To do: %1").arg(missing.join(", ")));
    check_->setStyleSheet(done_ ? "color: #1a7f37; font-weight: bold" : "color: #9a6700");
}

} // namespace normlab::ui
