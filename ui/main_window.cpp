#include "main_window.h"

#include "capture_dock.h"
#include "code_view.h"
#include "compare_view.h"
#include "cube_view.h"
#include "debugger_view.h"
#include "diagnostic_text.h"
#include "normlab/backend.h"

#include "gradients_view.h"
#include "input_panel.h"
#include "invertibility_view.h"
#include "jacobian_view.h"
#include "language.h"
#include "lesson_editor.h"
#include "lesson_panel.h"
#include "normalization_panel.h"
#include "output_view.h"
#include "precision_view.h"
#include "presentation.h"
#include "running_stats_view.h"
#include "session_file.h"
#include "slices_view.h"
#include "state_change_command.h"
#include "statistics_view.h"
#include "user_files.h"
#include "workbench_limits.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QScopeGuard>

#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QStatusBar>
#include <QTabWidget>
#include <QTextDocument>
#include <QTimer>
#include <QUrl>
#include <limits>

namespace normlab::ui {

namespace {
// A dock named `id` (language-independent: the saved window layout finds it by this name
// in every language), titled `title`; `content` in a scroll area where `scrolled`.
QDockWidget* dock(QMainWindow* window, const char* id, const QString& title, QWidget* content,
                  Qt::DockWidgetArea area, bool scrolled = true) {
    auto* d = new QDockWidget(title, window);
    d->setObjectName(id);
    if (scrolled) {
        auto* scroll = new QScrollArea(d);
        scroll->setWidget(content);
        scroll->setWidgetResizable(true);
        d->setWidget(scroll);
    } else {
        d->setWidget(content);
    }
    window->addDockWidget(area, d);
    return d;
}
} // namespace

MainWindow::MainWindow(bool restoreLastSession, QWidget* parent)
    : QMainWindow(parent)
    , restoresLastSession_(restoreLastSession)
    , remembersSession_(restoreLastSession) {
    setWindowTitle(tr("NormLab"));
    buildDocks();
    buildViews();
    buildFileMenu();
    buildEditMenu();
    buildViewMenu();
    buildHelpMenu();
    connectPanelsAndViews();
    buildComputingIndicator();
    restoreLayoutAndSession();
}

// The panels at the left (input, normalization, lesson) and at the bottom (diagnostics,
// captured layers), tabbed.
void MainWindow::buildDocks() {
    input_ = new InputPanel;
    normalization_ = new NormalizationPanel;
    diagnostics_ = new QListWidget;
    diagnostics_->setWordWrap(true);
    diagnostics_->setObjectName("diagnostics");
    inputDock_ = dock(this, "Input", tr("Input"), input_, Qt::LeftDockWidgetArea);
    normDock_ =
        dock(this, "Normalization", tr("Normalization"), normalization_, Qt::LeftDockWidgetArea);
    diagnosticsDock_ =
        dock(this, "Diagnostics", tr("Diagnostics"), diagnostics_, Qt::BottomDockWidgetArea, false);
    lesson_ = new LessonPanel(activeLanguage());
    lessonDock_ = dock(this, "Lesson", tr("Lesson"), lesson_, Qt::LeftDockWidgetArea);
    captureDock_ = new CaptureDock;
    layersDock_ = dock(this, "Layers", tr("Layers"), captureDock_, Qt::BottomDockWidgetArea, false);
    tabifyDockWidget(diagnosticsDock_, layersDock_);
    diagnosticsDock_->raise();
    connect(captureDock_, &CaptureDock::layerChosen, this,
            [this](int index) { statusBar()->showMessage(openCapturedLayer(index), 8000); });
    tabifyDockWidget(inputDock_, normDock_);
    tabifyDockWidget(normDock_, lessonDock_);
    inputDock_->raise();
    connect(lesson_, &LessonPanel::setupRequested, this, [this](const Session& session) {
        applyState(session.state);
        if (!session.view.isEmpty()) selectView(session.view);
    });
    connect(lesson_, &LessonPanel::showMeRequested, this, [this](const QJsonObject& expect) {
        applyState(applyExpectation(expect, state()));
        if (expect.contains("view")) selectView(expect.value("view").toString());
    });
    setAcceptDrops(true);
    if (restoresLastSession_) { // the lessons files opened before, listed again
        QStringList kept;
        for (const QString& path : QSettings().value("lessons/files").toStringList()) {
            if (const QString error = lesson_->addLessonsFile(path); error.isEmpty())
                kept << path;
            else
                statusBar()->showMessage(
                    tr("A lessons file opened before is not listed: %1").arg(error), 10000);
        }
        QSettings().setValue("lessons/files", kept);
    }
    connect(lessonDock_, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible && lesson_->stepIndex() < 0) lesson_->openLesson(0);
    });
}

void MainWindow::buildViews() {
    // The views in tab order: each with a language-independent id (--view, sessions,
    // selectView()) and its View menu key (Ctrl+1 ... Ctrl+9, Ctrl+0, Ctrl+D for the
    // debugger, Ctrl+E for the code export). Menu, help and ids are made from this table.
    struct ViewEntry {
        QWidget* widget;
        const char* id;
        QKeySequence key;
    };
    const auto ctrl = [](Qt::Key key) { return QKeySequence(Qt::CTRL | key); };
    const ViewEntry entries[] = {
        {slices_ = new SlicesView, "slices", ctrl(Qt::Key_1)},
        {cube_ = new CubeView, "cube", ctrl(Qt::Key_2)},
        {statistics_ = new StatisticsView, "statistics", ctrl(Qt::Key_3)},
        {new OutputView, "output", ctrl(Qt::Key_4)},
        {gradients_ = new GradientsView, "gradients", ctrl(Qt::Key_5)},
        {jacobian_ = new JacobianView, "jacobian", ctrl(Qt::Key_6)},
        {new RunningStatsView, "running statistics", ctrl(Qt::Key_7)},
        {new InvertibilityView, "invertibility", ctrl(Qt::Key_8)},
        {precision_ = new PrecisionView, "precision", ctrl(Qt::Key_9)},
        {compare_ = new CompareView, "compare", ctrl(Qt::Key_0)},
        {debugger_ = new DebuggerView, "debugger", ctrl(Qt::Key_D)},
        {code_ = new CodeView, "pytorch code", ctrl(Qt::Key_E)},
    };
    views_ = new QTabWidget(this);
    for (const ViewEntry& entry : entries) {
        QString title = entry.widget->windowTitle();
        if (entry.widget == debugger_) title = debugger_->title();
        if (entry.widget == code_) title = code_->title();
        views_->addTab(entry.widget, title);
        entry.widget->setObjectName(entry.id);
        viewKeys_ << entry.key;
        if (auto* v = qobject_cast<OutcomeView*>(entry.widget)) {
            outcomeViews_ << v;
            connect(v, &OutcomeView::needsChanged, this, [this, v] {
                if (v == views_->currentWidget()) fitNeedsToVisibleView();
            });
        }
    }
    connect(debugger_, &DebuggerView::openInWorkbench, this,
            [this](const NormSpec& spec, const Shape& shape, const QString& layer) {
                statusBar()->showMessage(openLayer(spec, shape, layer), 8000);
            });
    connect(debugger_, &DebuggerView::captureTraced, this, [this](const QString& directory) {
        if (const QString error = openCapture(directory); !error.isEmpty())
            statusBar()->showMessage(error, 8000);
    });
    setCentralWidget(views_);
    connect(views_, &QTabWidget::currentChanged, this, [this] {
        auto* visible = qobject_cast<OutcomeView*>(views_->currentWidget());
        if (fitNeedsToVisibleView() && visible && shown_ && visible->property("stale").toBool()) {
            visible->showOutcome(shown_);
            visible->setProperty("stale", false);
        }
        lesson_->updateCheck(state(), currentViewId());
    });
    fitNeedsToVisibleView();
    status_ = new QLabel(this);
    statusBar()->addPermanentWidget(status_, 1);
}

void MainWindow::buildFileMenu() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open session..."), QKeySequence::Open, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open session"), {},
                                                          tr("NormLab sessions (*.json)"));
        if (path.isEmpty()) return;
        if (const QString error = openSession(path); !error.isEmpty())
            QMessageBox::warning(this, tr("Cannot open session"), error);
    });
    auto saveAs = [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save session"), sessionPath_.isEmpty() ? "session.json" : sessionPath_,
            tr("NormLab sessions (*.json)"));
        if (path.isEmpty()) return;
        if (const QString error = saveSessionTo(path); !error.isEmpty())
            QMessageBox::warning(this, tr("Cannot save session"), error);
    };
    file->addAction(tr("&Save session"), QKeySequence::Save, this, [this, saveAs] {
        if (sessionPath_.isEmpty()) return saveAs();
        if (const QString error = saveSessionTo(sessionPath_); !error.isEmpty())
            QMessageBox::warning(this, tr("Cannot save session"), error);
    });
    file->addAction(tr("Save session &as..."), QKeySequence::SaveAs, this, saveAs);
    file->addAction(tr("Export lesson &handout (PDF)..."), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export lesson handout"),
                                                          "handout.pdf", tr("PDF (*.pdf)"));
        if (path.isEmpty()) return;
        if (const QString error = exportLessonHandout(path); !error.isEmpty())
            QMessageBox::warning(this, tr("Cannot export the handout"), error);
        else
            statusBar()->showMessage(tr("Wrote %1.").arg(path), 8000);
    });
    file->addAction(tr("Open &lessons..."), QKeySequence(Qt::CTRL | Qt::Key_L), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open lessons"), {},
                                                          tr("NormLab lessons (*.json)"));
        if (path.isEmpty()) return;
        if (const QString error = openLessonsFile(path); !error.isEmpty())
            QMessageBox::warning(this, tr("Cannot open the lessons"), error);
    });
    file->addAction(tr("Open &capture..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this,
                    [this] {
                        const QString dir = QFileDialog::getExistingDirectory(
                            this, tr("Open a capture (a folder written by normlab_trace.py "
                                     "--activations)"));
                        if (dir.isEmpty()) return;
                        if (const QString error = openCapture(dir); !error.isEmpty())
                            QMessageBox::warning(this, tr("Cannot open the capture"), error);
                    });
    recentMenu_ = file->addMenu(tr("&Recent sessions"));
    rebuildRecentMenu();
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
}

void MainWindow::buildEditMenu() {
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = undo_.createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = undo_.createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
}

// The views (their keys from buildViews' table), recompute, the lesson editor, presentation
// mode, the language, the CUDA device, and the docks.
void MainWindow::buildViewMenu() {
    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < views_->count(); ++i)
        view->addAction(views_->tabText(i), viewKeys_[i], this,
                        [this, i] { views_->setCurrentIndex(i); });
    view->addAction(tr("&Recompute"), QKeySequence::Refresh, this, &MainWindow::recompute);
    view->addAction(tr("Lesson &editor..."), this, [this] { lessonEditor()->show(); });
    QAction* presenting = view->addAction(tr("&Presentation mode"));
    presenting->setObjectName("presentationMode");
    presenting->setCheckable(true);
    presenting->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    presenting->setToolTip(tr("Larger text and lines, high contrast: for a projector"));
    connect(presenting, &QAction::toggled, this, [this](bool on) {
        setPresentationMode(this, on);
        QSettings().setValue("view/presentation", on);
    });
    presentationAction_ = presenting;
    QMenu* languages = view->addMenu(tr("&Language"));
    auto* languageGroup = new QActionGroup(this);
    const QString current = interfaceLanguage({}, true);
    for (const QString& code : kLanguages) {
        QAction* choice = languages->addAction(languageName(code));
        choice->setCheckable(true);
        choice->setChecked(code == current);
        languageGroup->addAction(choice);
        connect(choice, &QAction::triggered, this, [this, code] {
            saveInterfaceLanguage(code);
            QMessageBox::information(
                this, tr("Language"),
                tr("NormLab will use %1 from its next start.").arg(languageName(code)));
        });
    }
    // The CUDA device the CUDA backend computes on, and a reset after a kernel fault.
    QMenu* cuda = view->addMenu(tr("CUDA &device"));
    auto* deviceGroup = new QActionGroup(this);
    std::string why;
    Backend* cudaNow = cudaBackend(&why);
    const int devices = cudaDeviceCount();
    for (int d = 0; d < devices; ++d) {
        QAction* choice = cuda->addAction(tr("Device %1").arg(d));
        choice->setCheckable(true);
        choice->setChecked(cudaNow && cudaNow->deviceDescription().rfind(
                                          "cuda:" + std::to_string(d) + " ", 0) == 0);
        deviceGroup->addAction(choice);
        connect(choice, &QAction::triggered, this, [this, d] {
            std::string reason;
            if (!selectCudaDevice(d, &reason)) {
                statusBar()->showMessage(QString::fromStdString(reason), 8000);
                return;
            }
            if (Backend* b = cudaBackend(nullptr))
                statusBar()->showMessage(
                    tr("CUDA computes on %1").arg(QString::fromStdString(b->deviceDescription())),
                    8000);
            recompute();
        });
    }
    if (devices == 0) {
        QAction* none = cuda->addAction(QString::fromStdString(why));
        none->setEnabled(false);
    }
    cuda->addSeparator();
    cuda->addAction(tr("&Reset the CUDA backend"), this, [this] {
        std::string reason;
        statusBar()->showMessage(resetCudaBackend(&reason) ? tr("The CUDA backend was reset.")
                                                           : QString::fromStdString(reason),
                                 8000);
        recompute();
    });
    view->addSeparator();
    for (QDockWidget* d : {inputDock_, normDock_, lessonDock_, diagnosticsDock_, layersDock_})
        view->addAction(d->toggleViewAction());
}

void MainWindow::buildHelpMenu() {
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Lessons"), QKeySequence::HelpContents, this,
                    [this] { openLesson(std::max(0, lesson_->lessonIndex())); });
    help->addAction(tr("&Keyboard shortcuts"), this, [this] {
        QMessageBox::information(this, tr("Keyboard shortcuts"), shortcutTable());
    });
    help->addAction(tr("&About NormLab"), this, [this] {
        QMessageBox::about(this, tr("About NormLab"),
                           tr("<b>NormLab</b><br>A workbench for understanding and debugging "
                              "normalization layers, with numbers that agree with PyTorch."));
    });
}

void MainWindow::connectPanelsAndViews() {
    connect(input_, &InputPanel::shapeChanged, normalization_, &NormalizationPanel::fitShape);
    connect(input_, &InputPanel::changed, this, &MainWindow::edited);
    connect(slices_, &SlicesView::sliceHovered, cube_, &CubeView::highlightSlice);
    connect(slices_, &SlicesView::sliceHovered, jacobian_, &JacobianView::setSlice);
    connect(cube_, &CubeView::sliceHovered, jacobian_, &JacobianView::setSlice);
    connect(slices_, &SlicesView::maskPainted, this, [this](std::shared_ptr<const Tensor> mask) {
        if (mask && mask->shape() != state().recipe.shape) {
            statusBar()->showMessage(
                tr("The stroke was painted on a result of another shape; it was dropped."), 5000);
            return;
        }
        input_->setPaintedMask(std::move(mask));
    });
    connect(normalization_, &NormalizationPanel::changed, this, &MainWindow::edited);
    connect(gradients_, &GradientsView::changed, this, &MainWindow::edited);
    connect(&controller_, &RecomputeController::resultReady, this, &MainWindow::showOutcome);
    controller_.setNeedsSource([this] {
        auto* visible = qobject_cast<OutcomeView*>(views_->currentWidget());
        return visible ? visible->needs() : controller_.needs();
    });
    connect(&controller_, &RecomputeController::failed, this,
            [this](const QString& m) { showError(m); });
}

void MainWindow::buildComputingIndicator() {
    // Work that takes over 200 ms shows a busy bar with its elapsed time and a Cancel button
    // (Esc); a newer edit cancels it by itself.
    computing_ = new QWidget(this);
    auto* computingLayout = new QHBoxLayout(computing_);
    computingLayout->setContentsMargins(0, 0, 0, 0);
    computingLabel_ = new QLabel(computing_);
    auto* bar = new QProgressBar(computing_);
    bar->setRange(0, 0); // the passes have no fraction to report: a busy indicator
    bar->setMaximumWidth(120);
    auto* cancelButton = new QPushButton(tr("Cancel"), computing_);
    cancelButton->setObjectName("cancelCompute");
    cancelButton->setToolTip(tr("Stop this computation (Esc); the result on screen stays"));
    connect(cancelButton, &QPushButton::clicked, this, [this] { controller_.cancel(); });
    computingLayout->addWidget(computingLabel_);
    computingLayout->addWidget(bar);
    computingLayout->addWidget(cancelButton);
    statusBar()->addWidget(computing_);
    computing_->hide();
    auto* escape = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    connect(escape, &QShortcut::activated, this, [this] {
        if (controller_.busy()) controller_.cancel();
    });
    progressTimer_ = new QTimer(this);
    progressTimer_->setInterval(100);
    connect(progressTimer_, &QTimer::timeout, this, [this] {
        const double ms = controller_.runningMs();
        computing_->setVisible(controller_.busy() && ms > 200);
        computingLabel_->setText(tr("computing... %1 s").arg(ms / 1000, 0, 'f', 1));
    });
    connect(&controller_, &RecomputeController::busyChanged, this, [this](bool busy) {
        if (busy) {
            progressTimer_->start();
        } else {
            progressTimer_->stop();
            computing_->hide();
        }
    });
}

// The default size, or the last window layout and session (an interactive window; tool
// runs such as screenshots and measurements use the defaults); then the first computation.
void MainWindow::restoreLayoutAndSession() {
    resize(1400, 900);
    QSettings settings;
    if (restoresLastSession_) { // screenshots and measurements use the default layout
        restoreGeometry(settings.value("window/geometry").toByteArray());
        restoredLayout_ = restoreState(settings.value("window/state").toByteArray());
        presentationAction_->setChecked(settings.value("view/presentation").toBool());
    }
    normalization_->fitShape(state().recipe.shape);
    recorded_ = state();
    Session last;
    const QByteArray saved = settings.value("session/last").toByteArray();
    if (restoresLastSession_ && !saved.isEmpty() && sessionFromJson(saved, last).isEmpty()) {
        putIntoPanels(last.state); // not an edit: nothing to undo
        if (last.compareSpec) compare_->setSpecB(*last.compareSpec);
        if (!last.view.isEmpty()) selectView(last.view);
        return;
    }
    recompute();
}

void MainWindow::edited() {
    if (applying_) return;
    const WorkbenchState now = state();
    undo_.push(new StateChangeCommand(recorded_, now,
                                      [this](const WorkbenchState& s) { putIntoPanels(s); }));
    recorded_ = now;
    recompute();
}

void MainWindow::putIntoPanels(const WorkbenchState& s) {
    applying_ = true;
    input_->readFrom(s);
    normalization_->fitShape(s.recipe.shape);
    normalization_->readFrom(s);
    gradients_->readFrom(s);
    applying_ = false;
    recorded_ = s;
    recompute();
}

WorkbenchState MainWindow::state() const {
    WorkbenchState s;
    input_->writeTo(s);
    normalization_->writeTo(s);
    gradients_->writeTo(s);
    return s;
}

void MainWindow::applyState(const WorkbenchState& s) {
    undo_.push(new StateChangeCommand(recorded_, s,
                                      [this](const WorkbenchState& st) { putIntoPanels(st); }));
    putIntoPanels(s);
}

void MainWindow::recompute() {
    sinceEdit_.start();
    const WorkbenchState s = state();
    code_->showState(s);
    lesson_->updateCheck(s, currentViewId());
    if (!input_->lengthsError().isEmpty()) {
        showError(input_->lengthsError());
        return;
    }
    // The visible view's needs, its heatmap's size included (the window may have changed).
    if (auto* visible = qobject_cast<OutcomeView*>(views_->currentWidget()))
        controller_.setNeeds(visible->needs());
    controller_.request(s);
}

QString MainWindow::exportLessonHandout(const QString& path) {
    const int index = std::max(0, lesson_->lessonIndex());
    if (index >= int(lesson_->lessons().size())) return tr("There is no lesson to export.");
    const Lesson& lesson = lesson_->lessons()[std::size_t(index)];
    QPdfWriter pdf(path);
    pdf.setPageSize(QPageSize(QPageSize::A4));
    pdf.setResolution(150);
    pdf.setTitle(lesson.title);
    pdf.setCreator(QStringLiteral("NormLab"));
    QPainter painter;
    if (!painter.begin(&pdf)) return tr("Cannot write %1.").arg(path);
    const QRect page = painter.viewport();
    const int margin = 90, width = page.width() - 2 * margin;
    QWidget* const shownView = views_->currentWidget();
    const QSignalBlocker quiet(views_); // drawing each step's view is not the user's choice
    WorkbenchState s = state();
    QString viewId = currentViewId();
    for (std::size_t k = 0; k < lesson.steps.size(); ++k) {
        const LessonStep& step = lesson.steps[k];
        if (step.setup) {
            s = step.setup->state;
            if (!step.setup->view.isEmpty()) viewId = step.setup->view;
        }
        s = applyExpectation(step.expect, s);
        if (step.expect.contains("view")) viewId = step.expect.value("view").toString();
        if (k > 0) pdf.newPage();
        // The text: title, step, the step's rich text, the quiz's choices.
        QString html = QStringLiteral("<h3>%1</h3><p><i>%2</i></p><p>%3</p>")
                           .arg(lesson.title.toHtmlEscaped(),
                                tr("Step %1 of %2").arg(k + 1).arg(lesson.steps.size()), step.text);
        if (step.quiz.kind == LessonQuiz::Kind::Choice) {
            html += "<ol type=\"A\">";
            for (const QString& c : step.quiz.choices) html += "<li>" + c.toHtmlEscaped() + "</li>";
            html += "</ol>";
        } else if (step.quiz.kind == LessonQuiz::Kind::Number) {
            html += "<p>" + tr("Answer: ______________") + "</p>";
        }
        QTextDocument text;
        text.setDefaultFont(QFont(font().family(), 11));
        text.setHtml(html);
        text.setTextWidth(width);
        painter.save();
        painter.translate(margin, margin);
        text.drawContents(&painter);
        painter.restore();
        // The view, drawn from this step's outcome.
        QWidget* view = nullptr;
        for (int i = 0; i < views_->count(); ++i)
            if (views_->widget(i)->objectName().compare(viewId, Qt::CaseInsensitive) == 0)
                view = views_->widget(i);
        if (!view) continue;
        views_->setCurrentWidget(view);
        if (auto* outcomeView = qobject_cast<OutcomeView*>(view)) {
            // A generation of its own per step: views that keep work per outcome redo it.
            const auto outcome = RecomputeController::compute(
                s, std::numeric_limits<quint64>::max() - k, nullptr, outcomeView->needs());
            outcomeView->showOutcome(outcome);
            QElapsedTimer waited;
            waited.start();
            while (outcomeView->working() && waited.elapsed() < 20000)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
            outcomeView->setProperty("stale", true);
            outcomeView->forgetOutcome();
        } else if (view == code_) {
            code_->showState(s);
        }
        QCoreApplication::processEvents();
        const QPixmap picture = view->grab();
        const int top = margin + int(text.size().height()) + 30;
        const QSize room(width, page.height() - top - margin);
        const QSize fitted = picture.size().scaled(room, Qt::KeepAspectRatio);
        painter.drawPixmap(QRect(QPoint(margin, top), fitted), picture);
    }
    painter.end();
    // The workbench as it was: its view, showing its own outcome.
    views_->setCurrentWidget(shownView);
    if (auto* visible = qobject_cast<OutcomeView*>(shownView); visible && shown_) {
        visible->showOutcome(shown_);
        visible->setProperty("stale", false);
    }
    if (shownView == code_) code_->showState(state());
    return {};
}

LessonEditor* MainWindow::lessonEditor() {
    if (!editor_) {
        editor_ = new LessonEditor(
            [this] {
                return Session{state(), currentViewId(), compare_->specB()};
            },
            this);
        connect(editor_, &LessonEditor::tryRequested, this, [this](const QByteArray& json) {
            const QString source = QStringLiteral("lesson editor");
            if (const QString error = lesson_->addLessons(json, source, tr("editor"));
                !error.isEmpty()) {
                statusBar()->showMessage(error, 8000);
                return;
            }
            for (int i = 0; i < int(lesson_->lessons().size()); ++i)
                if (lesson_->lessonSource(i) == source) {
                    openLesson(i);
                    break;
                }
        });
    }
    return editor_;
}

QString MainWindow::openLessonsFile(const QString& path, bool remember) {
    const int before = int(lesson_->lessons().size());
    if (const QString error = lesson_->addLessonsFile(path); !error.isEmpty()) return error;
    if (remember) {
        QStringList files = QSettings().value("lessons/files").toStringList();
        const QString key = QFileInfo(path).absoluteFilePath();
        if (!files.contains(key)) files << key;
        QSettings().setValue("lessons/files", files);
    }
    // Its first lesson: the file was added at the end (or replaced its earlier lessons there).
    const QString key = QFileInfo(path).absoluteFilePath();
    int first = before;
    for (int i = 0; i < int(lesson_->lessons().size()); ++i)
        if (lesson_->lessonSource(i) == key) {
            first = i;
            break;
        }
    openLesson(first);
    return {};
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.front().isLocalFile() &&
        urls.front().toLocalFile().endsWith(".json", Qt::CaseInsensitive))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() != 1 || !urls.front().isLocalFile()) return;
    const QString path = urls.front().toLocalFile();
    // Which kind of file: by its marker, read from the start only.
    QFile file(path);
    const bool readable =
        formats::openRegularFile(file, std::numeric_limits<qint64>::max(), tr("the dropped file"))
            .isEmpty();
    const QByteArray head = readable ? file.read(4096) : QByteArray();
    const bool lessons = head.contains("\"normlab_lessons\"");
    const QString error = lessons ? openLessonsFile(path) : openSession(path);
    if (!error.isEmpty())
        QMessageBox::warning(
            this, lessons ? tr("Cannot open the lessons") : tr("Cannot open session"), error);
    event->acceptProposedAction();
}

bool MainWindow::openLesson(int index) {
    if (index < 0 || index >= int(lesson_->lessons().size())) return false;
    lessonDock_->show();
    lessonDock_->raise();
    lesson_->openLesson(index);
    return true;
}

QString MainWindow::currentViewId() const {
    return views_->currentWidget() ? views_->currentWidget()->objectName() : QString();
}

bool MainWindow::selectView(const QString& name) {
    for (int i = 0; i < views_->count(); ++i)
        if (views_->widget(i)->objectName().compare(name, Qt::CaseInsensitive) == 0 ||
            views_->tabText(i).compare(name, Qt::CaseInsensitive) == 0) {
            views_->setCurrentIndex(i);
            return true;
        }
    return false;
}

QString MainWindow::openLayer(const NormSpec& spec, const Shape& inputShape, const QString& layer) {
    if (inputShape.size() < 2 || int(inputShape.size()) > kMaxRank)
        return tr("%1: the workbench takes inputs of 2 to 5 dims, this one has %2")
            .arg(layer)
            .arg(inputShape.size());
    WorkbenchState s = state();
    Shape shape = inputShape;
    // Interactive size: halve the batch (keeping at least 2 where there were 2) until the
    // input has at most 4M elements; what the norm does per slice is unchanged.
    constexpr std::int64_t kInteractiveElements = std::int64_t(1) << 22;
    while (numElements(shape) > kInteractiveElements && shape[0] > 2) shape[0] = (shape[0] + 1) / 2;
    if (numElements(shape) > kInteractiveElements)
        return tr("%1: an input of %2 is too large for the workbench")
            .arg(layer, QString::fromStdString(shapeToString(inputShape)));
    if (const QString why = inputSizeRefusal(shape, s.recipe.dtype); !why.isEmpty())
        return layer + ": " + why;
    s.recipe.shape = shape;
    s.loadedInput.reset();
    s.lengths.clear();
    if (s.affineInit == AffineInit::Loaded) s.affineInit = AffineInit::Identity;
    s.spec = spec;
    s.spec.dtype = s.recipe.dtype;
    applyState(s);
    selectView("slices");
    const QString shown = QString::fromStdString(shapeToString(shape));
    if (shape != inputShape)
        return tr("%1 opened on an input of %2 (batch reduced from %3 to keep the workbench "
                  "interactive)")
            .arg(layer, shown)
            .arg(inputShape[0]);
    return tr("%1 opened on an input of %2").arg(layer, shown);
}

QString MainWindow::openCapture(const QString& directory) {
    if (const QString error = captureDock_->openCapture(directory); !error.isEmpty()) return error;
    layersDock_->show();
    layersDock_->raise();
    return {};
}

QString MainWindow::openCapturedLayer(int index) {
    const formats::Capture& capture = captureDock_->capture();
    if (index < 0 || std::size_t(index) >= capture.layers.size()) return tr("no such layer");
    const formats::CapturedLayer& layer = capture.layers[std::size_t(index)];
    formats::LoadedLayer loaded;
    if (const QString error = formats::loadCapturedLayer(capture, std::size_t(index), loaded);
        !error.isEmpty())
        return error; // the workbench stays as it is
    NormInputs& in = loaded.health.inputs;
    const Shape shape = in.input.shape();
    if (shape.size() < 2 || int(shape.size()) > kMaxRank)
        return tr("%1: the workbench takes inputs of 2 to 5 dims, this one has %2")
            .arg(layer.name)
            .arg(shape.size());
    if (const QString why = inputSizeRefusal(shape, in.input.dtype()); !why.isEmpty())
        return layer.name + ": " + why;
    WorkbenchState s = state();
    s.recipe.shape = shape;
    s.recipe.dtype = in.input.dtype();
    s.loadedInput = std::make_shared<const Tensor>(std::move(in.input));
    s.source = layer.name;
    s.lengths.clear();
    s.mask =
        in.mask.isNull() ? nullptr : std::make_shared<const Tensor>(in.mask.castTo(DType::UInt8));
    s.spec = loaded.health.spec;
    s.spec.dtype = s.recipe.dtype;
    auto shared = [](Tensor& t) {
        return t.isNull() ? nullptr : std::make_shared<const Tensor>(std::move(t));
    };
    s.loadedWeight = shared(in.weight);
    s.loadedBias = shared(in.bias);
    s.affineInit = s.loadedWeight || s.loadedBias ? AffineInit::Loaded : AffineInit::Identity;
    s.loadedRunningMean = shared(in.runningMean);
    s.loadedRunningVar = shared(in.runningVar);
    s.loadedNumBatchesTracked = in.numBatchesTracked;
    applyState(s);
    QString done = tr("%1 (%2) opened on its captured input %3")
                       .arg(layer.name, layer.type, QString::fromStdString(shapeToString(shape)));
    if (!loaded.paddingNote.isEmpty()) done += "; " + loaded.paddingNote;
    return done;
}

QStringList MainWindow::viewNames() const {
    QStringList names;
    for (int i = 0; i < views_->count(); ++i) names << views_->widget(i)->objectName();
    return names;
}

QString MainWindow::shortcutTable() const {
    QString rows;
    const auto row = [&rows](const QString& keys, const QString& what) {
        rows +=
            "<tr><td>" + keys.toHtmlEscaped() + "</td><td>" + what.toHtmlEscaped() + "</td></tr>";
    };
    for (const QAction* menuAction : menuBar()->actions())
        if (const QMenu* menu = menuAction->menu())
            for (const QAction* a : menu->actions())
                if (!a->shortcut().isEmpty())
                    row(a->shortcut().toString(QKeySequence::NativeText),
                        menu->title().remove('&') + " > " +
                            a->text().remove('&').remove(QStringLiteral("...")));
    row(QStringLiteral("Alt+Left / Alt+Right"), tr("previous / next lesson step"));
    row(QStringLiteral("Ctrl+Return"), tr("analyse the model (Debugger)"));
    row(QStringLiteral("Esc"), tr("cancel a computation that shows its progress"));
    row(tr("Wheel, drag, double-click"),
        tr("on a heatmap: zoom in down to single elements, pan, show the whole grid"));
    return "<table>" + rows + "</table>";
}

QString MainWindow::currentViewName() const {
    return views_->currentWidget() ? views_->currentWidget()->objectName() : QString();
}

bool MainWindow::fitNeedsToVisibleView() {
    auto* visible = qobject_cast<OutcomeView*>(views_->currentWidget());
    const ComputeNeeds needs = visible ? visible->needs() : ComputeNeeds{false, false, false};
    controller_.setNeeds(needs);
    if (!shown_ || shown_->computed.covers(needs)) return true;
    if (controller_.busy()) return false; // the job under way gives the next outcome
    recompute();
    return false;
}

void MainWindow::showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) {
    QElapsedTimer redraw;
    redraw.start();
    // Only the visible view redraws now; the others when they are shown.
    // The previous outcome stays referenced here until the views have let go of it, and is
    // then released off the GUI thread (whose reference is the last is not known).
    std::shared_ptr<const ComputeOutcome> previous = std::exchange(shown_, outcome);
    const auto release = qScopeGuard([&] { releaseOffGuiThread(std::move(previous)); });
    code_->setOutcome(outcome);
    lesson_->setResult(std::shared_ptr<const NormResult>(outcome, &outcome->result));
    for (OutcomeView* v : outcomeViews_) {
        v->setProperty("stale", true);
        if (v != views_->currentWidget()) v->forgetOutcome(); // hidden: redrawn when shown
    }
    if (auto* visible = qobject_cast<OutcomeView*>(views_->currentWidget());
        visible && outcome->computed.covers(visible->needs())) {
        visible->showOutcome(outcome);
        visible->setProperty("stale", false);
    } else if (visible) {
        // Computed for another view: once more, for this one; shown when that arrives.
        fitNeedsToVisibleView();
        return;
    }
    diagnostics_->clear();
    for (const Diagnostic& d : outcome->result.diagnostics) {
        for (const QString& line : diagnosticLines(d)) {
            auto* item = new QListWidgetItem(line, diagnostics_);
            item->setForeground(d.severity == Severity::Warning ? QColor(170, 110, 0)
                                                                : palette().text().color());
        }
    }
    if (outcome->result.diagnostics.empty())
        diagnostics_->addItem(tr("No warnings: PyTorch would run this silently and correctly."));
    status_->setText(tr("backend %1 · %2 elements · compute %3 ms · redraw %4 ms")
                         .arg(QString::fromStdString(outcome->result.backend))
                         .arg(outcome->inputs.input.size())
                         .arg(outcome->computeMs, 0, 'f', 1)
                         .arg(double(redraw.nsecsElapsed()) / 1e6, 0, 'f', 1));
    emit outcomeShown(double(sinceEdit_.nsecsElapsed()) / 1e6, outcome->computeMs,
                      double(redraw.nsecsElapsed()) / 1e6);
}

void MainWindow::showError(const QString& message) {
    diagnostics_->clear();
    auto* item = new QListWidgetItem(
        tr("error: %1\n(The last valid result stays on screen.)").arg(message), diagnostics_);
    item->setForeground(QColor(200, 30, 30));
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    if (restoredLayout_ || laidOut_) return;
    laidOut_ = true; // first start: a slim diagnostics strip, a readable input column
    resizeDocks({diagnosticsDock_}, {110}, Qt::Vertical);
    resizeDocks({inputDock_}, {320}, Qt::Horizontal);
}

QString MainWindow::openSession(const QString& path) {
    Session session;
    if (const QString error = loadSession(path, session); !error.isEmpty()) return error;
    applyState(session.state);
    if (session.compareSpec) compare_->setSpecB(*session.compareSpec);
    if (!session.view.isEmpty()) selectView(session.view);
    sessionPath_ = path;
    setWindowTitle(tr("NormLab — %1").arg(QFileInfo(path).fileName()));
    rememberRecent(path);
    return {};
}

QString MainWindow::saveSessionTo(const QString& path) {
    const QString error = saveSession(
        path, Session{state(), views_->currentWidget()->objectName(), compare_->specB()});
    if (!error.isEmpty()) return error;
    remembersSession_ = restoresLastSession_; // saved: this is now the user's work
    sessionPath_ = path;
    setWindowTitle(tr("NormLab — %1").arg(QFileInfo(path).fileName()));
    rememberRecent(path);
    return {};
}

void MainWindow::rememberRecent(const QString& path) {
    if (!restoresLastSession_) return; // screenshots and measurements leave settings alone
    recentSessions_.remember(path);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    recentSessions_.fillMenu(recentMenu_, [this](const QString& path) {
        if (const QString error = openSession(path); !error.isEmpty())
            QMessageBox::warning(this, tr("Cannot open session"), error);
    });
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!remembersSession_) { // a tool run or an unsaved --session: the user's work stays
        event->accept();
        return;
    }
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    settings.setValue(
        "session/last",
        sessionToJson(Session{state(), views_->currentWidget()->objectName(), compare_->specB()}));
    event->accept();
}

} // namespace normlab::ui
