// View > Lesson editor: a teacher writes a lesson in the app. "Add step from the workbench"
// stores the workbench as it is (input, mask, configuration, view) as the step's setup; the
// step's text is written in place, the interface languages side by side (a missing one
// shows the English); the task is chosen from the conditions the workbench meets now; a
// quiz asks with choices or for a number read off the workbench. Saved as a lessons file
// (docs/lessons.md) that File > Open lessons runs; "Try it" lists it in the Lesson dock
// at once.
#pragma once

#include "lesson_draft.h"

#include <QDialog>

#include <functional>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QSpinBox;
class QStackedWidget;

namespace normlab::ui {

class LessonEditor : public QDialog {
    Q_OBJECT
  public:
    // `workbench` gives the workbench as it is now (state and visible view).
    explicit LessonEditor(std::function<Session()> workbench, QWidget* parent = nullptr);

    // The lesson as the widgets show it.
    LessonDraft draft();
    void setDraft(const LessonDraft& draft);
    int currentStep() const { return current_; }
    void selectStep(int index);

    // What the buttons do, for tests and scripts as well.
    void addStepFromWorkbench();
    void setTitle(const QString& language, const QString& title);
    void setStepText(const QString& language, const QString& text);
    // The task: the conditions with these keys, valued as the workbench meets them now.
    void setTaskFromWorkbench(const QStringList& keys);
    void setChoiceQuiz(const QStringList& choices, int answer, const QString& explain = {});
    void setNumberQuiz(const QString& of, qint64 index, double tolerance,
                       const QString& explain = {});
    // Empty on success, else why not (nothing is written then).
    QString saveTo(const QString& path);
    // Empty on success, else why not (the draft is kept then).
    QString openFile(const QString& path);

  signals:
    // "Try it": the lesson as a lessons file, to list in the Lesson dock.
    void tryRequested(const QByteArray& lessonsJson);

  private:
    void commit(); // the current step's widgets into the draft
    void showStep(int step);
    void refreshStepList();
    void offerConditions(const QJsonObject& expect);

    std::function<Session()> workbench_;
    LessonDraft draft_;
    int current_ = -1;
    QLineEdit* id_;
    std::vector<QLineEdit*> titles_;
    QListWidget* steps_;
    std::vector<QPlainTextEdit*> texts_;
    QLabel* setup_;
    QListWidget* task_;
    QComboBox* quizKind_;
    QStackedWidget* quizPages_;
    QPlainTextEdit* choices_;
    QSpinBox* answer_;
    QComboBox* valueOf_;
    QSpinBox* valueIndex_;
    QDoubleSpinBox* tolerance_;
    QLineEdit* explain_;
    QLabel* status_;
};

} // namespace normlab::ui
