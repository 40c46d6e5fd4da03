// The workbench window: Input, Normalization and Diagnostics docks around the views.
// Every edit schedules a background recompute; the newest result is drawn, an invalid
// configuration shows PyTorch's message and leaves the last good result on screen.
#pragma once

#include "recent_files.h"
#include "recompute_controller.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QUndoStack>

class QAction;
class QDockWidget;
class QMenu;
class QLabel;
class QListWidget;
class QTabWidget;
class QTimer;
class QWidget;

namespace normlab::ui {

class CaptureDock;
class CodeView;
class DebuggerView;
class GradientsView;
class JacobianView;
class LessonEditor;
class InputPanel;
class LessonPanel;
class NormalizationPanel;
class OutcomeView;
class CubeView;
class CompareView;
class PrecisionView;
class SlicesView;
class StatisticsView;

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    // restoreLastSession: start from the session and window layout as they were when the
    // window was last closed (kept in QSettings); off for reproducible screenshots and
    // measurements.
    // The same flag decides whether closing the window stores it as the remembered session.
    explicit MainWindow(bool restoreLastSession = true, QWidget* parent = nullptr);
    // Off: closing does not replace the remembered session (a --session FILE the user has not
    // saved). Saving a session turns it back on in a window that restores sessions.
    void setRemembersSession(bool on) { remembersSession_ = on && restoresLastSession_; }
    bool remembersSession() const { return remembersSession_; }

    WorkbenchState state() const;
    RecomputeController& controller() { return controller_; }
    InputPanel* inputPanel() const { return input_; }
    NormalizationPanel* normalizationPanel() const { return normalization_; }
    StatisticsView* statisticsView() const { return statistics_; }
    SlicesView* slicesView() const { return slices_; }
    CubeView* cubeView() const { return cube_; }
    PrecisionView* precisionView() const { return precision_; }
    CompareView* compareView() const { return compare_; }
    GradientsView* gradientsView() const { return gradients_; }
    JacobianView* jacobianView() const { return jacobian_; }
    QListWidget* diagnostics() const { return diagnostics_; }
    DebuggerView* debugger() const { return debugger_; }
    LessonPanel* lessonPanel() const { return lesson_; }
    // Shows the Lesson dock on lesson `index` (0-based), at its first step; false if none.
    bool openLesson(int index);
    // File > Open lessons: lists a lessons file's lessons after the built-in ones, opens its
    // first lesson and remembers the file for the next start. Empty on success, else why
    // not; nothing changes then.
    QString openLessonsFile(const QString& path, bool remember = true);
    // File > Export lesson handout: the open lesson as a PDF in the interface language, one
    // page per step: its text, its quiz's question and choices (not the answers) and the
    // step's view as the step leaves the workbench. The workbench itself is not changed.
    // Empty on success, else why not.
    QString exportLessonHandout(const QString& path);
    // View > Lesson editor (made on first use).
    LessonEditor* lessonEditor();
    // The id of the visible view ("slices", "gradients", ...).
    QString currentViewId() const;
    CodeView* codeView() const { return code_; }
    // Shows the view whose title is `name` (case-insensitive); false if there is none.
    bool selectView(const QString& name);
    QStringList viewNames() const;
    QString currentViewName() const;
    // Help > Keyboard shortcuts: every menu action's shortcut, read from the menus (never a
    // second list to keep in step), then the panels' own keys. An HTML table.
    QString shortcutTable() const;

    // Puts `state` into the panels and recomputes (an undoable edit).
    void applyState(const WorkbenchState& state);
    // The Debugger's "open in the workbench": `spec` on a generated input of `inputShape`
    // (batch reduced if it is too large to stay interactive), an undoable edit; the Slices
    // view is shown. Returns what was done, or why not, as shown in the status bar.
    QString openLayer(const NormSpec& spec, const Shape& inputShape, const QString& layer);
    QUndoStack* undoStack() { return &undo_; }
    // File > Open capture: lists the capture's layers in the Layers dock (and computes their
    // health in the background). Empty on success, else why not; nothing changes then.
    QString openCapture(const QString& directory);
    // A captured layer in the workbench: its real input (memory-mapped), configuration,
    // parameters, running statistics and padding mask, as an undoable edit. Returns what was
    // done, or why not.
    QString openCapturedLayer(int index);
    CaptureDock* captureDock() const { return captureDock_; }
    DebuggerView* debuggerView() const { return debugger_; }
    // View > Presentation mode (checkable; Ctrl+Shift+P).
    QAction* presentationAction() const { return presentationAction_; }
    // Session files; each returns an error message or empty. Loading a bad file leaves
    // the current work as it is.
    QString openSession(const QString& path);
    QString saveSessionTo(const QString& path);

  public slots:
    void recompute();

  protected:
    // Dropping a lessons file opens it, a session file opens it.
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

  signals:
    // After an outcome is drawn: ms from the edit that asked for it, compute, redraw.
    void outcomeShown(double editToRedrawMs, double computeMs, double redrawMs);

  protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;

  private:
    // The constructor's parts, in order.
    void buildDocks();
    void buildViews();
    void buildFileMenu();
    void buildEditMenu();
    void buildViewMenu();
    void buildHelpMenu();
    void connectPanelsAndViews();
    void buildComputingIndicator();
    void restoreLayoutAndSession();

    void showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome);
    // Computes what the visible view draws, and no more; recomputes when the outcome on
    // screen lacks it. True when the visible view can draw the outcome shown.
    bool fitNeedsToVisibleView();
    // A panel changed: record the edit for undo, then recompute.
    void edited();
    void putIntoPanels(const WorkbenchState& state);
    void rememberRecent(const QString& path);
    void rebuildRecentMenu();
    void showError(const QString& message);

    RecomputeController controller_;
    InputPanel* input_;
    NormalizationPanel* normalization_;
    QListWidget* diagnostics_;
    QTabWidget* views_;
    QList<OutcomeView*> outcomeViews_;
    QList<QKeySequence> viewKeys_; // the View menu's key of each tab
    DebuggerView* debugger_;
    CaptureDock* captureDock_ = nullptr;
    QDockWidget* layersDock_ = nullptr;
    LessonPanel* lesson_;
    CodeView* code_;
    RecentFiles recentSessions_{"recentSessions"};
    StatisticsView* statistics_;
    SlicesView* slices_;
    CubeView* cube_;
    PrecisionView* precision_;
    CompareView* compare_;
    GradientsView* gradients_;
    JacobianView* jacobian_;
    LessonEditor* editor_ = nullptr;
    QLabel* status_;
    QWidget* computing_ = nullptr; // busy bar and Cancel, shown after 200 ms
    QLabel* computingLabel_ = nullptr;
    QTimer* progressTimer_ = nullptr;
    QDockWidget* diagnosticsDock_ = nullptr;
    QDockWidget* inputDock_ = nullptr;
    QDockWidget* normDock_ = nullptr;
    QDockWidget* lessonDock_ = nullptr;
    bool restoredLayout_ = false;
    bool restoresLastSession_ = true; // an interactive window, not a tool run
    bool remembersSession_ = true;
    bool laidOut_ = false;
    QElapsedTimer sinceEdit_;
    QUndoStack undo_;
    WorkbenchState recorded_; // the state the undo stack's top leaves
    bool applying_ = false;   // panels are being set from a state: not an edit
    QString sessionPath_;
    QMenu* recentMenu_ = nullptr;
    QAction* presentationAction_ = nullptr;
    std::shared_ptr<const ComputeOutcome> shown_; // drawn by the visible view
};

} // namespace normlab::ui
