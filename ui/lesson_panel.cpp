#include "lesson_panel.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace normlab::ui {

LessonPanel::LessonPanel(const QString& language, QWidget* parent)
    : QWidget(parent) {
    QString error;
    lessons_ = loadLessons(language, &error);
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
    if (s.setup) emit setupRequested(*s.setup);
}

void LessonPanel::updateCheck(const WorkbenchState& state, const QString& viewId) {
    if (lessons_.empty() || step_ < 0) return;
    const LessonStep& s = lessons_[std::size_t(lesson_)].steps[std::size_t(step_)];
    if (s.expect.isEmpty()) {
        done_ = true;
        check_->setText(tr("Read, look, then go on."));
        check_->setStyleSheet({});
        return;
    }
    QStringList missing;
    done_ = expectationMet(s.expect, state, viewId, &missing);
    check_->setText(done_ ? tr("✓ Done.") : tr("To do: %1").arg(missing.join(", ")));
    check_->setStyleSheet(done_ ? "color: #1a7f37; font-weight: bold" : "color: #9a6700");
}

} // namespace normlab::ui
