// The Lesson dock: pick a lesson, walk its steps (Previous / Next, Alt+Left / Alt+Right),
// read the text, and see whether the step's task is done; "Show me" does it. Entering a
// step with a setup asks the window to load it (an undoable edit). A quiz step asks a
// question (choices, or a number read off the workbench, checked against the current
// result); the last step of a lesson with quizzes shows the score (right at the first try).
// Lesson files a teacher wrote are listed after the built-in lessons.
#pragma once

#include "lessons.h"

#include <QWidget>

#include <memory>

class QButtonGroup;
class QComboBox;
class QLineEdit;
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
    // The workbench's latest result, against which Number quizzes are checked.
    // The result quizzes are checked against; shared, never copied (a result can hold
    // hundreds of megabytes, and this runs on the GUI thread).
    void setResult(std::shared_ptr<const NormResult> result) { result_ = std::move(result); }

    // Adds the lessons of the file at `path` after those listed (replacing the ones an
    // earlier read of the same file added); returns why not, changing nothing.
    QString addLessonsFile(const QString& path);
    // The same from a lessons file's bytes, listed as coming from `source` (a file's absolute
    // path, or a name such as the lesson editor's) and labelled `label`.
    QString addLessons(const QByteArray& json, const QString& source, const QString& label);
    // The file lesson `index` came from (its absolute path), empty for a built-in lesson.
    QString lessonSource(int index) const {
        return index >= 0 && index < int(sourceOf_.size()) ? sourceOf_[std::size_t(index)]
                                                           : QString();
    }

    // Answers the current step's quiz: a choice index, or a number typed as text. Returns
    // whether it was right (false too when the step has no quiz or the answer is unreadable).
    bool answerQuiz(const QString& answer);
    // Quizzes of the current lesson answered right at the first try, and quizzes in it.
    int quizScore() const;
    int quizCount() const;
    QString feedback() const;

  signals:
    void setupRequested(const normlab::ui::Session& session);
    void showMeRequested(const QJsonObject& expect);

  private:
    void showQuiz(const LessonQuiz& quiz);
    void updateScore();

    QString language_;
    std::vector<Lesson> lessons_;
    std::vector<QString> sourceOf_; // per lesson: its file, empty for a built-in one
    std::shared_ptr<const NormResult> result_;
    // Per step of the current lesson: not answered yet (-1), right (1) or wrong (0) at the
    // first try.
    std::vector<int> firstTry_;
    int lesson_ = 0, step_ = 0;
    bool done_ = false;
    QComboBox* chooser_;
    QLabel* position_;
    QTextBrowser* text_;
    QLabel* check_;
    QPushButton* previous_;
    QPushButton* next_;
    QPushButton* showMe_;
    QWidget* quiz_;
    QWidget* choices_;
    QButtonGroup* choiceGroup_;
    QLineEdit* number_;
    QPushButton* checkAnswer_;
    QLabel* feedback_;
    QLabel* score_;
};

} // namespace normlab::ui
