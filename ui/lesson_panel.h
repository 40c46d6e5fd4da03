// The Lesson dock: pick a lesson, walk its steps (Previous / Next, Alt+Left / Alt+Right),
// read the text, and see whether the step's task is done; "Show me" does it. Entering a
// step with a setup asks the window to load it (an undoable edit).
#pragma once

#include "lessons.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTextBrowser;

namespace normlab::ui {

class LessonPanel : public QWidget {
    Q_OBJECT
  public:
    explicit LessonPanel(const QString& language, QWidget* parent = nullptr);
    const std::vector<Lesson>& lessons() const { return lessons_; }
    int lessonIndex() const { return lesson_; }
    int stepIndex() const { return step_; }
    void openLesson(int lesson);
    void goToStep(int step);
    void next() { goToStep(step_ + 1); }
    void previous() { goToStep(step_ - 1); }
    // Re-evaluates the step's task against the workbench as it is now.
    void updateCheck(const WorkbenchState& state, const QString& viewId);
    bool stepDone() const { return done_; }

  signals:
    void setupRequested(const normlab::ui::Session& session);
    void showMeRequested(const QJsonObject& expect);

  private:
    std::vector<Lesson> lessons_;
    int lesson_ = 0, step_ = 0;
    bool done_ = false;
    QComboBox* chooser_;
    QLabel* position_;
    QTextBrowser* text_;
    QLabel* check_;
    QPushButton* previous_;
    QPushButton* next_;
    QPushButton* showMe_;
};

} // namespace normlab::ui
