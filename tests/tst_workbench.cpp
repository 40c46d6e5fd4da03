// The workbench GUI, offscreen: edits recompute in the background and the plotted series
// equal the compute result; lengths change the valid counts; an invalid configuration
// keeps the last result; rapid edits never show a stale result; --screenshot writes a
// real picture.
#include "capture_dock.h"
#include "code_view.h"
#include "compare_view.h"
#include "cube_view.h"
#include "debugger_view.h"
#include "diagnostic_text.h"
#include "gradients_view.h"
#include "heatmap.h"
#include "heatmap_zoom.h"
#include "input_panel.h"
#include "invertibility_view.h"
#include "jacobian_view.h"
#include "latest_job.h"
#include "lesson_editor.h"
#include "lesson_panel.h"
#include "lessons.h"
#include "main_window.h"
#include "normalization_panel.h"
#include "normlab/jacobian.h"
#include "normlab/low_precision.h"
#include "normlab/npy.h"
#include "output_view.h"
#include "plot_series.h"
#include "precision_view.h"
#include "presentation.h"
#include "python_highlighter.h"
#include "recompute_controller.h"
#include "running_stats_view.h"
#include "session_file.h"
#include "slices_view.h"
#include "statistics_view.h"
#include "view_ids.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QMouseEvent>
#include <QPlainTextEdit>
#include <QProcess>
#include <QProgressDialog>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>
#include <QToolButton>
#include <QUndoStack>
#include <QUrl>
#include <QWheelEvent>
#include <QtTest>
#include <cstring>
#include <functional>
#include <qcustomplot.h>
#include <random>

using namespace normlab;
using namespace normlab::ui;

Q_DECLARE_METATYPE(std::shared_ptr<const normlab::ui::ComputeOutcome>)

class WorkbenchTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void staleResultsAreNeverShown();
    void cancelledWorkShowsNothing();
    void latestJobDeliversOnlyTheNewestResult();
    void changingTheVariantRecomputesAndPlotsTheResult();
    void lengthsChangeTheValidCounts();
    void invalidConfigurationKeepsTheLastResult();
    void undoRestoresAndRedoReapplies();
    void gradientsAreCheckedAndTheFlowBugIsVisible();
    void jacobianViewShowsTheRankOfASlice();
    void sessionsRoundTripAndBadFilesChangeNothing();
    void runningStatisticsSimulateInTheBackgroundAndCancel();
    void randomAffineParametersReachTheComputation();
    void customReduceAxesFollowTheCheckboxes();
    void theLastSessionIsRestored();
    void toolRunsNeverReplaceTheRememberedSession();
    void largeRememberedSessionOpensAtOnce();
    void largeHeatmapsAreNeverSummarizedOnTheGuiThread();
    void outputHeatmapModeAsksForASummaryOfY();
    void slicesMapCellsComeWithTheComputation();
    void sessionsTheWorkbenchCannotHonourAreRefused_data();
    void sessionsTheWorkbenchCannotHonourAreRefused();
    void screenshotOfAnInvalidSessionSaysWhy();
    void outputViewModes();
    void theShortcutHelpListsEveryMenuShortcut();
    void screenshotWritesAPicture();
    void screenshotNeverReplacesAUsersFile();
    void screenshotOpensTheGivenSession();
    void debuggerOpensALayerInTheWorkbench();
    void debuggerChecksACheckpoint();
    void captureLayersOpenInTheWorkbench();
    void lessonClaimsHold();
    void recentActivationsLoadAgain();
    void paintingAMaskChangesTheValidCounts();
    void paintingWhileZoomedMasksTheElementsUnderTheMouse();
    void theUpstreamGradientIsChosenInTheGradientsView();
    void anAbsurdShapeIsRefusedAndTheResultKept();
    void everyViewDrawsEveryVariantMaskedOrNot();
    void theCubeHighlightsTheSlicesOfEachVariant();
    void thePrecisionLabPlotsItsReport();
    void compareRunsConfigurationBOnTheSameInput();
    void presentationModeEnlargesAndRestores();
    void everyLessonCanBeFollowed();
    void theCodeViewFollowsEveryEdit();
    void theCodeViewHighlightsPython();
    void aTeachersLessonFileRunsWithItsQuizzes();
    void badLessonFilesAreRefusedAndChangeNothing();
    void lessonTextReachesTheRendererRestricted();
    void everyMainWindowViewHasAKnownId();
    void debuggerAnalysesWithoutAnInputShape();
    void aCaptureOfGeneratedDataSaysSo();
    void theCaptureDockNamesWhereTheTroubleStarts();
    void everyTaskConditionIsCheckedBothWays();
    void aLessonWrittenInTheEditorRunsOnAnotherStart();
    void aLessonExportsAsAHandoutOnePagePerStep();

  private:
    // Settings of this run only: the user's, and a concurrent run's, stay untouched.
    QTemporaryDir config_;
    static void setVariant(MainWindow& w, Variant v) {
        QComboBox* box = w.normalizationPanel()->variantBox();
        box->setCurrentIndex(box->findData(int(v)));
    }
    static void waitIdle(MainWindow& w) { QTRY_VERIFY_WITH_TIMEOUT(!w.controller().busy(), 10000); }
};

void WorkbenchTest::initTestCase() {
    qRegisterMetaType<std::shared_ptr<const ComputeOutcome>>();
    // Before any QSettings is made: this process and the programs it starts keep their
    // settings in a folder of this run.
    QVERIFY(config_.isValid());
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(config_.path()));
    QCoreApplication::setOrganizationName("NormLabTest"); // keep the user's settings out
    QSettings().remove("session/last"); // even one an interrupted earlier run left behind
}

void WorkbenchTest::staleResultsAreNeverShown() {
    RecomputeController controller;
    controller.setDebounceMs(0);
    QSignalSpy ready(&controller, &RecomputeController::resultReady);
    WorkbenchState state;
    state.recipe.shape = {64, 32, 512}; // big enough that edits overtake the jobs
    state.spec = specFittingShape(Variant::InstanceNorm, state.recipe.shape);
    for (int seed = 1; seed <= 25; ++seed) {
        state.recipe.seed = std::uint64_t(seed);
        controller.request(state);
        QCoreApplication::processEvents();
    }
    QTRY_VERIFY_WITH_TIMEOUT(!controller.busy(), 20000);
    QVERIFY(ready.count() >= 1);
    quint64 previous = 0;
    for (const QList<QVariant>& args : ready) {
        const auto outcome = args.at(0).value<std::shared_ptr<const ComputeOutcome>>();
        QVERIFY(outcome->generation > previous); // in edit order
        previous = outcome->generation;
    }
    const auto last = ready.last().at(0).value<std::shared_ptr<const ComputeOutcome>>();
    QCOMPARE(last->generation, controller.requestedGeneration());
    QCOMPARE(last->state.recipe.seed, std::uint64_t(25));
    QVERIFY(ready.count() + controller.droppedResults() + controller.cancelledJobs() <= 25);
}

void WorkbenchTest::cancelledWorkShowsNothing() {
    // A newer edit cancels the running job instead of queueing behind it; cancel() stops it
    // and leaves the outcome on screen as it was.
    RecomputeController controller;
    controller.setDebounceMs(0);
    QSignalSpy ready(&controller, &RecomputeController::resultReady);
    QSignalSpy failed(&controller, &RecomputeController::failed);
    WorkbenchState state;
    state.recipe.shape = {8, 8, 64};
    state.spec = specFittingShape(Variant::BatchNorm, state.recipe.shape);
    controller.request(state);
    QTRY_VERIFY_WITH_TIMEOUT(!controller.busy(), 20000);
    QCOMPARE(ready.count(), 1);
    const auto shown = controller.current();
    state.recipe.shape = {64, 64, 2048}; // 8 M elements: about a second of work
    state.spec = specFittingShape(Variant::BatchNorm, state.recipe.shape);
    controller.request(state);
    QTRY_VERIFY_WITH_TIMEOUT(controller.runningMs() > 0, 5000);
    QElapsedTimer sinceCancel;
    sinceCancel.start();
    controller.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(!controller.busy(), 20000);
    QCOMPARE(ready.count(), 1);  // nothing new shown
    QCOMPARE(failed.count(), 0); // and no error either
    QCOMPARE(controller.current(), shown);
    QCOMPARE(controller.cancelledJobs(), 1);
    // The direct form: a set flag abandons the work and marks the outcome.
    std::atomic<bool> stop{true};
    const auto abandoned = RecomputeController::compute(state, 9, nullptr, {}, &stop);
    QVERIFY(abandoned->cancelled);
    QVERIFY(abandoned->result.output.isNull());
}

void WorkbenchTest::latestJobDeliversOnlyTheNewestResult() {
    // Requests 2 and 3 arrive while 1 runs: 3 replaces 2 as the pending request, 1's result
    // is stale and dropped, and only 3's is delivered.
    QObject context;
    QList<int> started, delivered;
    QMutex mutex;
    LatestJob<int, int> job(
        &context,
        [&](const int& request) {
            {
                QMutexLocker lock(&mutex);
                started << request;
            }
            QThread::msleep(100);
            return request * 10;
        },
        [&](int result) { delivered << result; });
    job.submit(1);
    job.submit(2);
    job.submit(3);
    QVERIFY(job.busy());
    QTRY_VERIFY_WITH_TIMEOUT(!job.busy(), 5000);
    QCOMPARE(delivered, QList<int>{30});
    QCOMPARE(started, (QList<int>{1, 3}));
    job.submit(4); // idle again: runs at once and is delivered
    QTRY_COMPARE_WITH_TIMEOUT(delivered, (QList<int>{30, 40}), 5000);
}

void WorkbenchTest::changingTheVariantRecomputesAndPlotsTheResult() {
    MainWindow w;
    waitIdle(w);
    setVariant(w, Variant::InstanceNorm);
    waitIdle(w);
    const auto outcome = w.controller().current();
    QVERIFY(outcome);
    QCOMPARE(outcome->state.spec.variant, Variant::InstanceNorm);
    const Shape shape = outcome->inputs.input.shape();
    QVERIFY(w.selectView("statistics")); // hidden views redraw when shown
    QCOMPARE(w.statisticsView()->plottedSlices(), int(shape[0] * shape[1]));
    for (int k = 0; k < w.statisticsView()->plottedSlices(); ++k)
        QCOMPARE(w.statisticsView()->plottedMean(k), outcome->result.mean.at(k));
    // The plotted numbers are the compute core's for this very input.
    const NormResult direct = normalize(outcome->state.spec, outcome->inputs, cpuBackend());
    QCOMPARE(direct.mean.toVector(), outcome->result.mean.toVector());
}

void WorkbenchTest::lengthsChangeTheValidCounts() {
    MainWindow w;
    waitIdle(w);
    setVariant(w, Variant::InstanceNorm);
    w.inputPanel()->findChild<QLineEdit*>("lengths")->setText("16, 3, 0, 1");
    waitIdle(w);
    const auto outcome = w.controller().current();
    QCOMPARE(outcome->state.lengths, (std::vector<std::int64_t>{16, 3, 0, 1}));
    const std::int64_t C = outcome->inputs.input.shape()[1];
    const std::int64_t expected[4] = {16, 3, 0, 1};
    for (std::int64_t n = 0; n < 4; ++n)
        for (std::int64_t c = 0; c < C; ++c)
            QCOMPARE(outcome->result.count.at(n * C + c), double(expected[n]));
    QVERIFY(!w.diagnostics()->findItems("empty_slice", Qt::MatchStartsWith).isEmpty());
    QVERIFY(!w.diagnostics()->findItems("degenerate_slice", Qt::MatchStartsWith).isEmpty());
    // The sliders mirror the field, and moving one edits the lengths.
    auto* slider = w.inputPanel()->findChild<QSlider*>("lengthSlider2");
    QVERIFY(slider);
    QCOMPARE(slider->value(), 0);
    slider->setValue(5);
    waitIdle(w);
    QCOMPARE(w.controller().current()->state.lengths, (std::vector<std::int64_t>{16, 3, 5, 1}));
    QCOMPARE(w.controller().current()->result.count.at(2 * C), 5.0);
    // The statistics heatmap of valid counts is the [N, C] grid.
    QVERIFY(w.selectView("statistics"));
    w.statisticsView()->modeBox()->setCurrentIndex(3);
    const std::int64_t shown[4] = {16, 3, 5, 1};
    for (int n = 0; n < 4; ++n)
        for (int c = 0; c < int(C); ++c)
            QCOMPARE(w.statisticsView()->heatmapCell(n, c), double(shown[n]));
}

void WorkbenchTest::invalidConfigurationKeepsTheLastResult() {
    MainWindow w;
    waitIdle(w);
    setVariant(w, Variant::LayerNorm);
    waitIdle(w);
    const auto good = w.controller().current();
    QVERIFY(good);
    auto* shapeEdit = w.normalizationPanel()->findChild<QLineEdit*>("normalizedShape");
    QVERIFY(shapeEdit);
    shapeEdit->setText("5");
    waitIdle(w);
    QCOMPARE(w.controller().current(), good);
    const QString shown = w.diagnostics()->item(0)->text();
    QVERIFY2(shown.contains("Given normalized_shape=[5], expected input with shape [*, 5]"),
             qPrintable(shown));
}

void WorkbenchTest::undoRestoresAndRedoReapplies() {
    MainWindow w;
    waitIdle(w);
    QCOMPARE(w.controller().current()->state.spec.variant, Variant::BatchNorm);
    setVariant(w, Variant::GroupNorm);
    waitIdle(w);
    QCOMPARE(w.controller().current()->state.spec.variant, Variant::GroupNorm);
    QVERIFY(w.undoStack()->canUndo());
    w.undoStack()->undo();
    waitIdle(w);
    QCOMPARE(w.normalizationPanel()->variantBox()->currentData().toInt(), int(Variant::BatchNorm));
    QCOMPARE(w.controller().current()->state.spec.variant, Variant::BatchNorm); // recomputed
    QVERIFY(!w.undoStack()->canUndo());
    w.undoStack()->redo();
    waitIdle(w);
    QCOMPARE(w.controller().current()->state.spec.variant, Variant::GroupNorm);
    QCOMPARE(w.undoStack()->count(), 1); // applying undo/redo records no new edits
}

void WorkbenchTest::gradientsAreCheckedAndTheFlowBugIsVisible() {
    MainWindow w;
    waitIdle(w);
    // The first view (slices) draws the forward pass only: no backward pass, no inverse.
    QVERIFY(w.controller().current()->result.gradInput.isNull());
    QVERIFY(w.controller().current()->result.reconstruction.isNull());
    QVERIFY(!w.controller().current()->gradientCheck);
    // Showing the gradients computes them, once.
    QVERIFY(w.selectView("gradients"));
    waitIdle(w);
    auto outcome = w.controller().current();
    // `o` computed again as above kSummaryOnlyAbove elements (lowered to 0): summaries only.
    const auto summaryOnly = [](const ComputeOutcome& o) {
        ComputeNeeds needs = o.computed;
        needs.summaryOnlyAbove = 0;
        return std::shared_ptr<const ComputeOutcome>(
            RecomputeController::compute(o.state, 1, nullptr, needs));
    };
    QVERIFY(outcome->computed.gradients && outcome->gradInputMap);
    // The view draws dx's summary. A small dx is kept (zooming refines from it); above
    // kSummaryOnlyAbove elements (lowered to 0 here) it is not, and the view's data export
    // computes it again: equal to a direct backward pass on the same input and dy.
    QVERIFY(!outcome->result.gradInput.isNull());
    {
        const auto shown = summaryOnly(*outcome);
        QVERIFY(shown->result.gradInput.isNull() && shown->gradInputMap);
        w.gradientsView()->showOutcome(shown);
        QVERIFY(!w.gradientsView()->heatmapZoom()->busy()); // nothing to refine from
        const Tensor dx = w.gradientsView()->exportData();
        const NormResult direct = normalize(outcome->state.spec, outcome->inputs, cpuBackend());
        QCOMPARE(dx.shape(), outcome->inputs.input.shape());
        double gap = 0, largest = 0, mapLargest = 0;
        for (std::int64_t i = 0; i < dx.size(); ++i) {
            gap = std::max(gap, std::fabs(dx.at(i) - direct.gradInput.at(i)));
            largest = std::max(largest, std::fabs(dx.at(i)));
        }
        QVERIFY2(gap <= 1e-6 * largest, qPrintable(QString::number(gap)));
        const GridSummary& g = *shown->gradInputMap; // summarized from the dx not kept
        for (std::size_t i = 0; i < g.count.size(); ++i)
            mapLargest = std::max({mapLargest, std::fabs(g.min[i]), std::fabs(g.max[i])});
        QCOMPARE(mapLargest, largest);
        // Written as .npy and .csv, read back.
        QTemporaryDir dir;
        QVERIFY(w.gradientsView()->exportTensor(dir.filePath("dx.npy")).isEmpty());
        const NpyReadResult back = readNpy(dir.filePath("dx.npy").toStdString());
        QVERIFY2(back.ok(), back.error.c_str());
        QCOMPARE(back.tensor.shape(), dx.shape());
        for (std::int64_t i = 0; i < dx.size(); ++i) QCOMPARE(back.tensor.at(i), dx.at(i));
        QVERIFY(w.gradientsView()->exportTensor(dir.filePath("dx.csv")).isEmpty());
        QFile csv(dir.filePath("dx.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().split('\n');
        QCOMPARE(lines.size() - 1, dx.size() / dx.shape().back()); // a last empty piece
        QCOMPARE(lines[0].split(',').size(), dx.shape().back());
        QCOMPARE(float(lines[0].split(',')[1].toDouble()), float(dx.at(1))); // 9 digits: exact
        // The context menu's export runs on a worker behind a progress dialog, which goes.
        w.gradientsView()->exportTensorInBackground(dir.filePath("dx2.npy"));
        QTRY_VERIFY(w.gradientsView()->findChildren<QProgressDialog*>().isEmpty());
        const NpyReadResult again = readNpy(dir.filePath("dx2.npy").toStdString());
        QVERIFY2(again.ok(), again.error.c_str());
        QCOMPARE(again.tensor.byteSize(), dx.byteSize());
        QVERIFY(std::memcmp(again.tensor.raw(), back.tensor.raw(), dx.byteSize()) == 0);
    }
    QVERIFY(outcome->gradientCheck.has_value());
    QVERIFY(outcome->gradientCheck->checked > 0);
    QVERIFY(outcome->gradientCheck->maxRelError < 1e-4); // float32 analytic vs float64 numeric
    QVERIFY(outcome->reestimatedInverse.isNull());
    w.normalizationPanel()->findChild<QCheckBox*>("reestimate")->setChecked(true);
    QVERIFY(w.selectView("invertibility")); // the inverse is computed for the view showing it
    waitIdle(w);
    outcome = w.controller().current();
    QVERIFY(outcome->computed.inverse && outcome->inverseErrorMap);
    // The view draws the error's summary: y and the reconstructions are not kept.
    QVERIFY(outcome->result.output.isNull() && outcome->reestimatedInverse.isNull());
    // BatchNorm with a batch of 4: re-estimating from y recovers a different x (made here).
    const NormResult direct = normalize(outcome->state.spec, outcome->inputs, cpuBackend());
    const Tensor reestimated =
        invertReestimating(outcome->state.spec, outcome->inputs, direct.output, cpuBackend());
    double worst = 0;
    for (std::int64_t i = 0; i < outcome->inputs.input.size(); ++i)
        worst = std::max(worst, std::fabs(reestimated.at(i) - outcome->inputs.input.at(i)));
    QVERIFY2(worst > 100 * outcome->result.maxReconstructionError + 1e-3,
             qPrintable(QString::number(worst)));
    QCOMPARE(outcome->inverseError.maxValid, worst); // what the Invertibility view shows
    // Its data export, from an outcome that kept only the error's summary: computed again.
    const auto shown = summaryOnly(*outcome);
    QVERIFY(shown->inverseError.perElement.isNull() && shown->inverseErrorMap);
    w.findChild<InvertibilityView*>()->showOutcome(shown);
    const Tensor error = w.findChild<InvertibilityView*>()->exportData();
    QCOMPARE(error.shape(), outcome->inputs.input.shape());
    for (std::int64_t i = 0; i < error.size(); ++i)
        QVERIFY(std::fabs(error.at(i) - std::fabs(reestimated.at(i) -
                                                  outcome->inputs.input.at(i))) <= 1e-6 * worst);
    QVERIFY(w.selectView("gradients"));
}

void WorkbenchTest::jacobianViewShowsTheRankOfASlice() {
    MainWindow w;
    waitIdle(w);
    JacobianView* view = w.jacobianView();
    QSignalSpy shown(view, &JacobianView::jacobianShown);
    QVERIFY(w.selectView("jacobian"));
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && !view->busy(), 10000);
    // The default BatchNorm: a channel's slice spans the batch; only the mean direction is
    // lost exactly (eps keeps the radial one).
    const auto outcome = w.controller().current();
    QVERIFY2(view->shown().error.empty(), view->shown().error.c_str());
    QCOMPARE(view->shown().validElements, outcome->result.count.at(0));
    QCOMPARE(view->shown().rank, view->shown().validElements - 1);
    const auto readoutSays = [](QWidget* w, const QString& text) {
        for (const QLabel* l : w->findChildren<QLabel*>())
            if (l->text().contains(text)) return true;
        return false;
    };
    QVERIFY(readoutSays(
        view,
        QStringLiteral("rank %1 of %2").arg(view->shown().rank).arg(view->shown().validElements)));
    // LayerNorm without eps: rank n - 2, and the slice follows the Slices view's hover.
    WorkbenchState s = w.state();
    s.spec = specFittingShape(Variant::LayerNorm, s.recipe.shape);
    s.spec.eps = 0.0;
    s.spec.affine = false;
    w.applyState(s);
    waitIdle(w);
    shown.clear();
    view->setSlice(3);
    QTRY_VERIFY_WITH_TIMEOUT(!view->busy() && view->shown().slice == 3 &&
                                 view->shown().rank == view->shown().validElements - 2,
                             10000);
    // Hovering a cell of the Cube picks that cell's slice.
    QVERIFY(w.selectView("cube"));
    waitIdle(w);
    auto* cube = w.findChild<CubeView*>();
    QVERIFY(cube);
    QTRY_VERIFY(cube->cellsAcross(CubeView::Face::Front) > 1);
    const int across = cube->cellsAcross(CubeView::Face::Front) - 1;
    const std::int64_t hovered = cube->cellSlice(CubeView::Face::Front, across, 0);
    QVERIFY(hovered >= 0 && hovered != 3);
    const QPointF at = cube->cellCentre(CubeView::Face::Front, across, 0);
    QMouseEvent move(QEvent::MouseMove, at, cube->mapToGlobal(at), Qt::NoButton, Qt::NoButton,
                     Qt::NoModifier);
    QCoreApplication::sendEvent(cube, &move);
    QVERIFY(w.selectView("jacobian"));
    QTRY_VERIFY_WITH_TIMEOUT(!view->busy() && view->shown().slice == hovered, 10000);
    // Data export: the matrix itself.
    const Tensor data = view->exportData();
    QCOMPARE(data.shape(), (Shape{view->shown().validElements, view->shown().validElements}));
}

void WorkbenchTest::sessionsRoundTripAndBadFilesChangeNothing() {
    QTemporaryDir dir;
    const QString path = dir.filePath("lesson.json");
    {
        MainWindow w;
        waitIdle(w);
        setVariant(w, Variant::InstanceNorm);
        w.inputPanel()->findChild<QLineEdit*>("lengths")->setText("16, 3, 0, 1");
        waitIdle(w);
        QVERIFY(w.selectView("gradients"));
        QCOMPARE(w.saveSessionTo(path), QString());
    }
    MainWindow w;
    waitIdle(w);
    QCOMPARE(w.openSession(path), QString());
    waitIdle(w);
    const auto outcome = w.controller().current();
    QCOMPARE(outcome->state.spec.variant, Variant::InstanceNorm);
    QCOMPARE(outcome->state.lengths, (std::vector<std::int64_t>{16, 3, 0, 1}));
    const Session reread = [&] {
        Session s;
        loadSession(path, s);
        return s;
    }();
    QCOMPARE(reread.view, QString("gradients"));
    // The same session computes the same numbers.
    const std::vector<double> again =
        RecomputeController::compute(reread.state, 1)->result.mean.toVector();
    const std::vector<double> before = outcome->result.mean.toVector();
    QCOMPARE(again.size(), before.size());
    for (std::size_t k = 0; k < before.size(); ++k) // empty slices: NaN in both
        QVERIFY(again[k] == before[k] || (std::isnan(again[k]) && std::isnan(before[k])));

    const QString bad = dir.filePath("bad.json");
    for (const QByteArray& content :
         {QByteArray("{not json"), QByteArray(R"({"normlab_session": 1, "input": {"shape": [0]}})"),
          QByteArray(R"({"normlab_session": 7})")}) {
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        const QString error = w.openSession(bad);
        QVERIFY2(!error.isEmpty(), content.constData());
        waitIdle(w);
        QCOMPARE(w.controller().current(), outcome); // the current work is untouched
    }
}

void WorkbenchTest::runningStatisticsSimulateInTheBackgroundAndCancel() {
    MainWindow w;
    waitIdle(w);
    QVERIFY(w.selectView("running statistics"));
    auto* view = w.findChild<RunningStatsView*>();
    QVERIFY(view);
    QSignalSpy done(view, &RunningStatsView::simulationFinished);
    // Shown, it simulates the configuration at once (no empty view), and only once.
    QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty() && !view->running(), 20000);
    QCOMPARE(view->lastSimulation().stepsDone, view->stepsBox()->value());
    QVERIFY(w.selectView("slices") && w.selectView("running statistics"));
    QVERIFY(!view->running());
    done.clear();
    view->stepsBox()->setValue(50);
    view->simulate();
    QVERIFY(done.wait(20000));
    QCOMPARE(view->lastSimulation().stepsDone, 50);
    const auto& sim = view->lastSimulation();
    // BatchNorm defaults: momentum 0.1 over N(0, 1) batches; the running mean approaches 0.
    for (double m : sim.runningMean.back()) QVERIFY(std::fabs(m) < 0.5);
    QVERIFY(view->exportData().size() == 2 * 50 * std::int64_t(sim.runningMean.back().size()));
    // Cancel: a long run stops early and the GUI stays usable.
    view->stepsBox()->setValue(10000);
    view->simulate();
    QVERIFY(view->running());
    view->cancel();
    QVERIFY(done.wait(20000));
    QVERIFY(view->lastSimulation().cancelled);
    QVERIFY(view->lastSimulation().stepsDone < 10000);
}

void WorkbenchTest::randomAffineParametersReachTheComputation() {
    MainWindow w;
    waitIdle(w);
    const auto identity = w.controller().current();
    QVERIFY(identity->inputs.weight.isNull());
    auto* init = w.normalizationPanel()->findChild<QComboBox*>("affineInit");
    init->setCurrentIndex(init->findData(int(AffineInit::Random)));
    waitIdle(w);
    const auto random = w.controller().current();
    const Shape shape = random->inputs.input.shape();
    QCOMPARE(random->inputs.weight.shape(), (Shape{shape[1]}));
    QCOMPARE(random->inputs.bias.shape(), (Shape{shape[1]}));
    // y = xhat * γ + β: with the same input, outputs differ exactly by the affine map.
    const std::int64_t inner = random->inputs.input.size() / shape[0] / shape[1];
    for (std::int64_t i = 0; i < random->result.output.size(); i += 37) {
        const std::int64_t c = (i / inner) % shape[1];
        const double expected =
            identity->result.output.at(i) * random->inputs.weight.at(c) + random->inputs.bias.at(c);
        QVERIFY(std::fabs(random->result.output.at(i) - expected) <
                1e-5 * (1 + std::fabs(expected)));
    }
    // Sessions keep the choice.
    QTemporaryDir dir;
    QCOMPARE(w.saveSessionTo(dir.filePath("s.json")), QString());
    Session reread;
    QCOMPARE(loadSession(dir.filePath("s.json"), reread), QString());
    QCOMPARE(reread.state.affineInit, AffineInit::Random);
}

void WorkbenchTest::customReduceAxesFollowTheCheckboxes() {
    MainWindow w;
    waitIdle(w);
    setVariant(w, Variant::Custom);
    waitIdle(w);
    auto outcome = w.controller().current();
    const Shape shape = outcome->inputs.input.shape();                  // [N, C, D1]
    QCOMPARE(outcome->state.spec.reduceAxes, (std::vector<int>{0, 2})); // prefilled: all but C
    QCOMPARE(outcome->result.mean.shape(), (Shape{shape[1]}));
    w.normalizationPanel()->findChild<QCheckBox*>("reduceAxis2")->setChecked(false); // keep D1
    waitIdle(w);
    outcome = w.controller().current();
    QCOMPARE(outcome->state.spec.reduceAxes, (std::vector<int>{0}));
    QCOMPARE(outcome->result.mean.shape(), (Shape{shape[1], shape[2]}));
    QVERIFY(!w.normalizationPanel()->findChild<QCheckBox*>("reduceAxis3")->isVisible()); // rank 3
}

void WorkbenchTest::theLastSessionIsRestored() {
    {
        MainWindow w;
        waitIdle(w);
        setVariant(w, Variant::GroupNorm);
        QVERIFY(w.selectView("output"));
        waitIdle(w);
        w.close(); // saves the session
    }
    MainWindow restored;
    waitIdle(restored);
    QCOMPARE(restored.controller().current()->state.spec.variant, Variant::GroupNorm);
    QVERIFY(!restored.undoStack()->canUndo()); // restoring is not an edit
    MainWindow fresh(false);
    waitIdle(fresh);
    QCOMPARE(fresh.controller().current()->state.spec.variant, Variant::BatchNorm);
    QSettings().remove("session/last"); // later tests start clean
}

// A remembered session of 4.2 M elements: the window is built and shown without waiting for
// it (the input is made and normalized off the GUI thread), then draws its result in the
// remembered view, the heatmap at most one cell per pixel.
// A heatmap of more than kGuiSummaryLimit elements is drawn from the summary made off the
// GUI thread even when that summary was made for another plot size (before a resize, say);
// a small one is summarized again at the plot's size.
void WorkbenchTest::largeHeatmapsAreNeverSummarizedOnTheGuiThread() {
    QCustomPlot plot;
    plot.resize(600, 400);
    auto* map = new QCPColorMap(plot.xAxis, plot.yAxis);
    const auto [rows, cols] = heatmapCells(map);
    for (const std::int64_t last : {std::int64_t(100), kGuiSummaryLimit / 32 + 1}) {
        const Tensor values = Tensor::zeros({4, 8, last}, DType::Float32);
        const GridSummary other = summarizeGrid(values, nullptr, 3, 5); // another plot's size
        showHeatmap(map, values, nullptr, false, &other);
        const GridBlocks wanted = gridBlocks(values.shape(), rows, cols);
        const bool large = values.size() > kGuiSummaryLimit;
        QCOMPARE(map->data()->keySize(), large ? other.cols : wanted.cols);
        QCOMPARE(map->data()->valueSize(), large ? other.rows : wanted.rows);
    }
    // A tensor the outcome let go (only its summary kept): drawn from the summary alone.
    const GridSummary kept = summarizeGrid(Tensor::zeros({2, 3, 7}, DType::Float32), nullptr, 2, 4);
    QVERIFY(showHeatmap(map, Tensor(), nullptr, false, &kept));
    QCOMPARE(map->data()->keySize(), kept.cols);
    QCOMPARE(map->data()->valueSize(), kept.rows);
    QVERIFY(!showHeatmap(map, Tensor(), nullptr, false, nullptr));
    QCOMPARE(map->data()->keySize(), 0);
}

// The Slices view's cells (a slice id per screen cell) are made with the computation, for
// the plot's size, and drawn as they are: the colour of each block's centre element's slice.
void WorkbenchTest::slicesMapCellsComeWithTheComputation() {
    MainWindow w(false);
    w.resize(1000, 700);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.selectView("slices"));
    WorkbenchState s = w.state();
    s.recipe.shape = {4, 8, 3000}; // 32 x 3000: wider than the plot
    s.spec = specFittingShape(Variant::GroupNorm, s.recipe.shape);
    w.applyState(s);
    waitIdle(w);
    const auto outcome = w.controller().current();
    QVERIFY(outcome->computed.sliceMap && outcome->sliceCells);
    const auto& cells = *outcome->sliceCells;
    QVERIFY(cells.blocks.colStep > 1);
    auto* map = w.slicesView()->findChild<QCPColorMap*>();
    QVERIFY(map);
    QCOMPARE(map->data()->keySize(), cells.blocks.cols);
    QCOMPARE(map->data()->valueSize(), cells.blocks.rows);
    const Tensor slices = sliceIndexMap(outcome->state.spec, outcome->inputs);
    for (int r = 0; r < cells.blocks.rows; r += 5)
        for (int c = 0; c < cells.blocks.cols; c += 7) {
            const std::int64_t row =
                std::min<std::int64_t>(r * cells.blocks.rowStep + cells.blocks.rowStep / 2, 31);
            const std::int64_t col =
                std::min<std::int64_t>(c * cells.blocks.colStep + cells.blocks.colStep / 2, 2999);
            QCOMPARE(map->data()->cell(c, r), sliceHue(std::int64_t(slices.at(row * 3000 + col))));
        }
    // Zoomed in, the cells are the slices of single elements, from the same indexer.
    HeatmapZoom* zoom = w.slicesView()->heatmapZoom();
    map->keyAxis()->setRange(100, 130);
    QTRY_VERIFY(!zoom->busy());
    const GridBlocks& b = zoom->refinedBlocks();
    QCOMPARE(b.colStep, std::int64_t(1));
    QVERIFY(b.firstCol <= 100 && b.firstCol + b.cols >= 131);
    for (int r = 0; r < b.rows; r += 3)
        for (int c = 0; c < b.cols; c += 2)
            QCOMPARE(map->data()->cell(c, r),
                     sliceHue(std::int64_t(
                         slices.at((b.firstRow + r * b.rowStep) * 3000 + b.firstCol + c))));
}

// The Output view's heatmap of a large y: switching to it asks the window for an outcome
// with y summarized off the GUI thread, and the heatmap is drawn from that summary.
void WorkbenchTest::outputHeatmapModeAsksForASummaryOfY() {
    MainWindow w(false);
    w.resize(900, 700);
    w.show();
    WorkbenchState s = w.state();
    s.recipe.shape = {2, 16, kGuiSummaryLimit / 32 + 64};
    s.spec = specFittingShape(Variant::InstanceNorm, s.recipe.shape);
    w.applyState(s);
    QVERIFY(w.selectView("output"));
    waitIdle(w);
    QVERIFY(!w.controller().current()->outputMap); // histograms only
    auto* view = w.findChild<OutputView*>();
    view->modeBox()->setCurrentIndex(2);
    waitIdle(w);
    const auto outcome = w.controller().current();
    QVERIFY(outcome->outputMap);
    auto* map = view->findChild<QCPColorMap*>();
    QCOMPARE(map->data()->keySize(), outcome->outputMap->cols);
    QCOMPARE(map->data()->valueSize(), outcome->outputMap->rows);
    // A cell holds its block's mean of y, as the summary made it.
    QCOMPARE(map->data()->cell(0, 0), outcome->outputMap->mean[0]);
    QVERIFY(outcome->outputMap->colStep > 1);

    // Zoomed in on 60 positions of rows 3 to 9, the cells are made again from y: one per
    // element (the part in view and a margin), each holding that element of y.
    HeatmapZoom* zoom = view->heatmapZoom();
    const std::int64_t cols = s.recipe.shape[2];
    const auto zoomedCellsAreElementsOf = [&](const Tensor& y) {
        QTRY_VERIFY(!zoom->busy());
        const GridBlocks& b = zoom->refinedBlocks();
        QCOMPARE(b.colStep, std::int64_t(1));
        QCOMPARE(b.rowStep, std::int64_t(1));
        QVERIFY(b.firstCol <= 1000 && b.firstCol + b.cols >= 1060);
        QCOMPARE(map->data()->keySize(), b.cols);
        for (int r = 0; r < b.rows; ++r)
            for (int c = 0; c < b.cols; c += 7)
                QCOMPARE(map->data()->cell(c, r), y.at((b.firstRow + r) * cols + b.firstCol + c));
    };
    // The wheel over the heatmap zooms in, and the cells there are made finer.
    QCustomPlot* plot = view->plot();
    const QPointF centre = plot->axisRect()->rect().center();
    for (int step = 0; step < 6; ++step) {
        QWheelEvent wheel(centre, plot->mapToGlobal(centre), {}, {0, 120}, Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(plot, &wheel);
    }
    QVERIFY(zoom->zoomed());
    QTRY_VERIFY(!zoom->busy());
    QVERIFY(zoom->refinedBlocks().colStep < outcome->outputMap->colStep);
    map->keyAxis()->setRange(1000, 1060);
    map->valueAxis()->setRange(3, 9);
    QVERIFY(zoom->zoomed());
    zoomedCellsAreElementsOf(outcome->result.output);
    // A new edit keeps the zoom and refines it from the new y.
    s.spec.eps = 0.5;
    w.applyState(s);
    waitIdle(w);
    QCOMPARE(map->keyAxis()->range(), QCPRange(1000, 1060));
    const auto edited = w.controller().current();
    QCOMPARE(edited->state.spec.eps, 0.5);
    zoomedCellsAreElementsOf(edited->result.output);
    // The axes stay on the grid; a double click (showWhole) shows it all, its cells again.
    map->keyAxis()->setRange(-500, 1e9);
    QCOMPARE(map->keyAxis()->range(), QCPRange(-0.5, double(cols) - 0.5));
    zoom->showWhole();
    QVERIFY(!zoom->zoomed());
    QTRY_VERIFY(!zoom->busy());
    const auto [pixelRows, pixelCols] = heatmapCells(map);
    QCOMPARE(zoom->refinedBlocks(), gridBlocks(s.recipe.shape, pixelRows, pixelCols));
}

// Help > Keyboard shortcuts is read from the menus: every action with a shortcut is in it,
// with its key, so the help cannot fall behind a new menu entry.
void WorkbenchTest::theShortcutHelpListsEveryMenuShortcut() {
    MainWindow w(false);
    const QString table = w.shortcutTable();
    int listed = 0;
    for (const QAction* menuAction : w.menuBar()->actions())
        if (const QMenu* menu = menuAction->menu())
            for (const QAction* a : menu->actions()) {
                if (a->shortcut().isEmpty()) continue;
                ++listed;
                QVERIFY2(table.contains(
                             a->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped() +
                             "</td><td>" + menu->title().remove('&')),
                         qPrintable(a->text()));
            }
    QVERIFY(listed >= 15); // views Ctrl+1.., open/save, lessons, capture, undo/redo, ...
    for (const char* key : {"Ctrl+Shift+O", "Ctrl+L", "Ctrl+D", "Ctrl+E", "F5", "Esc"})
        QVERIFY2(table.contains(key), key);
}

void WorkbenchTest::largeRememberedSessionOpensAtOnce() {
    WorkbenchState remembered;
    remembered.recipe.shape = {16, 64, 4096};
    remembered.spec = specFittingShape(Variant::InstanceNorm, remembered.recipe.shape);
    QSettings().setValue("session/last",
                         sessionToJson(Session{remembered, "slices", std::nullopt}));
    MainWindow w;
    w.show();
    // Nothing computed yet when the constructor has returned: the job runs in the background.
    QVERIFY(w.controller().busy());
    QVERIFY(!w.controller().current());
    QCOMPARE(w.state().recipe.shape, remembered.recipe.shape);
    waitIdle(w);
    QVERIFY(w.controller().current());
    QCOMPARE(w.controller().current()->inputs.input.size(), 16 * 64 * 4096);
    QCOMPARE(w.currentViewName(), QString("slices"));
    auto* map = w.findChild<SlicesView*>()->findChild<QCPColorMap*>();
    QVERIFY(map);
    QVERIFY(map->data()->keySize() <= kMaxHeatmapCells && map->data()->keySize() < 4096);
    QVERIFY(map->data()->valueSize() <= kMaxHeatmapCells);
    // The axes still count the grid's own positions and rows.
    QVERIFY(map->keyAxis()->range().upper > 4000);
    QVERIFY(map->valueAxis()->range().upper > 1000);
    QSettings().remove("session/last");
}

// A window that is not the user's own work (a measurement, a screenshot, a --session not yet
// saved) never replaces the remembered session; saving makes it the user's work again.
void WorkbenchTest::toolRunsNeverReplaceTheRememberedSession() {
    WorkbenchState remembered;
    remembered.recipe.shape = {2, 6, 10};
    remembered.spec = specFittingShape(Variant::GroupNorm, remembered.recipe.shape);
    const QByteArray json = sessionToJson(Session{remembered, "statistics", std::nullopt});
    QSettings().setValue("session/last", json);
    {
        MainWindow tool(false);
        waitIdle(tool);
        tool.close();
    }
    QCOMPARE(QSettings().value("session/last").toByteArray(), json);
    QTemporaryDir dir;
    {
        MainWindow w;
        waitIdle(w);
        w.setRemembersSession(false); // as after normlab --session FILE
        setVariant(w, Variant::LayerNorm);
        waitIdle(w);
        w.close();
        QCOMPARE(QSettings().value("session/last").toByteArray(), json);
        QVERIFY(w.saveSessionTo(dir.filePath("saved.json")).isEmpty());
        QVERIFY(w.remembersSession());
        w.close();
    }
    Session after;
    QVERIFY(sessionFromJson(QSettings().value("session/last").toByteArray(), after).isEmpty());
    QCOMPARE(after.state.spec.variant, Variant::LayerNorm);

    // The same through the real program, with its own settings file: --measure-latency,
    // --screenshot and --screenshot --session leave it as it was.
    const QString config = dir.filePath("config");
    const QString settingsFile = config + "/NormLab/NormLab.conf";
    QSettings(settingsFile, QSettings::IniFormat).setValue("session/last", json);
    const QByteArray before = [&] {
        QFile f(settingsFile);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();
    QVERIFY(!before.isEmpty());
    const QString session = dir.filePath("s.json");
    {
        QFile f(session);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(sessionToJson(Session{WorkbenchState{}, "output", std::nullopt}));
    }
    for (const QStringList& args :
         {QStringList{"--measure-latency", "2", "--shape", "2,4,8"},
          QStringList{"--screenshot", dir.filePath("a.png")},
          QStringList{"--screenshot", dir.filePath("b.png"), "--session", session}}) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_CONFIG_HOME", config);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(NORMLAB_GUI_PATH), args);
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, qPrintable(args.join(' ') + ": " + p.readAllStandardError()));
        QFile f(settingsFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY2(f.readAll() == before, qPrintable(args.join(' ')));
    }
    QSettings().remove("session/last"); // later tests start clean
}

void WorkbenchTest::sessionsTheWorkbenchCannotHonourAreRefused_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("reason");
    // Each opened silently altered before: spin boxes clamp through int.
    QTest::newRow("N = 4e9 (opened as N = 1)")
        << QByteArray(R"("shape": [4000000000, 8, 16], "seed": 1)") << "size above 1048576";
    QTest::newRow("2^30 positions (opened as 2^20)")
        << QByteArray(R"("shape": [2, 8, 1073741824], "seed": 1)") << "size above 1048576";
    QTest::newRow("seed 2^40") << QByteArray(R"("shape": [2, 8, 16], "seed": 1099511627776)")
                               << "the seed 1099511627776 is above";
    QTest::newRow("mean 1e10") << QByteArray(R"("shape": [2, 8, 16], "seed": 1, "mean": 1e10)")
                               << "outside what its editors take";
    QTest::newRow("more than memory")
        << QByteArray(R"("shape": [1048576, 1048576, 64], "seed": 1)") << "input of [1048576";
}

void WorkbenchTest::sessionsTheWorkbenchCannotHonourAreRefused() {
    QFETCH(QByteArray, input);
    QFETCH(QString, reason);
    const QByteArray json = R"({"normlab_session": 1, "input": {"generator": "normal", )" + input +
                            R"(, "dtype": "float32"}, "spec": {"variant": "layer_norm"}})";
    Session s;
    const QString error = sessionFromJson(json, s);
    QVERIFY2(error.contains(reason), qPrintable(error));

    QTemporaryDir dir;
    QFile f(dir.filePath("s.json"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(json);
    f.close();
    MainWindow w(false);
    waitIdle(w);
    const WorkbenchState before = w.state();
    QVERIFY(w.openSession(f.fileName()).contains(reason));
    QCOMPARE(w.state().recipe, before.recipe); // nothing changed
}

void WorkbenchTest::screenshotOfAnInvalidSessionSaysWhy() {
    // Before: "no result within 20 s" after waiting 20 s. Now PyTorch's reason, exit 2.
    QTemporaryDir dir;
    QFile f(dir.filePath("bad.json"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"normlab_session": 1, "input": {"shape": [2, 6, 5], "generator": "normal",
        "seed": 1, "dtype": "float32"}, "spec": {"variant": "group_norm", "num_groups": 4,
        "num_features": 6}})");
    f.close();
    QProcess p;
    p.start(QStringLiteral(NORMLAB_GUI_PATH),
            {"--screenshot", dir.filePath("x.png"), "--session", f.fileName()});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 2);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains("divisible by num_groups"), qPrintable(err));
    QVERIFY2(!err.contains("no result within"), qPrintable(err));
    QVERIFY(!QFile::exists(dir.filePath("x.png")));
}

void WorkbenchTest::outputViewModes() {
    MainWindow w(false);
    waitIdle(w);
    QVERIFY(w.selectView("output"));
    waitIdle(w); // the histograms are binned for this view: a recompute
    QVERIFY(w.controller().current()->computed.histograms);
    QCOMPARE(w.controller().current()->histograms.input.size(), std::size_t(kHistogramBins));
    auto* view = w.findChild<OutputView*>();
    QVERIFY(view);
    // Index axes tick at whole numbers; the histogram's value axis keeps fractional ticks.
    auto* plot = view->findChild<QCustomPlot*>();
    QVERIFY(plot);
    auto integerTicks = [](QCPAxis* axis) {
        const auto fixed = axis->ticker().dynamicCast<QCPAxisTickerFixed>();
        return !fixed.isNull() && fixed->tickStep() == 1.0;
    };
    view->modeBox()->setCurrentIndex(1); // one curve per channel of sample 0
    QCOMPARE(view->curveCount(), int(w.controller().current()->inputs.input.shape()[1]));
    QVERIFY(integerTicks(plot->xAxis) && !integerTicks(plot->yAxis));
    view->modeBox()->setCurrentIndex(2);
    QCOMPARE(view->curveCount(), 0);
    QVERIFY(integerTicks(plot->xAxis) && integerTicks(plot->yAxis));
    view->modeBox()->setCurrentIndex(0);
    QCOMPARE(view->curveCount(), 0);
    QVERIFY(!integerTicks(plot->xAxis) && !integerTicks(plot->yAxis));
}

void WorkbenchTest::screenshotWritesAPicture() {
    QTemporaryDir dir;
    const QString png = dir.filePath("shot.png");
    QProcess p;
    p.start(QStringLiteral(NORMLAB_GUI_PATH),
            {"--screenshot", png, "--size", "900x600", "--view", "statistics"});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
    const QImage image(png);
    QCOMPARE(image.size(), QSize(900, 600));
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 20, "the screenshot is nearly uniform");
    QProcess bad;
    bad.start(QStringLiteral(NORMLAB_GUI_PATH), {"--screenshot", png, "--view", "nonsense"});
    QVERIFY(bad.waitForFinished(30000));
    QCOMPARE(bad.exitCode(), 2);
}

// --screenshot onto an existing file NormLab did not write (a text, a PDF, someone's PNG):
// refused with a message before anything is opened, the file byte for byte as it was. A
// screenshot NormLab wrote is replaced; an unknown suffix writes nothing.
void WorkbenchTest::screenshotNeverReplacesAUsersFile() {
    QTemporaryDir dir;
    QImage someonesPicture(40, 30, QImage::Format_RGB32);
    someonesPicture.fill(Qt::red);
    QVERIFY(someonesPicture.save(dir.filePath("holiday.png")));
    for (const QString& name : QStringList{"notes.txt", "paper.pdf", "x.npy"}) {
        QFile f(dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write("the user's " + name.toUtf8()) > 0);
    }
    auto bytes = [&](const QString& name) {
        QFile f(dir.filePath(name));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    };
    for (const QString& name : QStringList{"notes.txt", "paper.pdf", "x.npy", "holiday.png"}) {
        const QByteArray before = bytes(name);
        QProcess p;
        p.start(QStringLiteral(NORMLAB_GUI_PATH), {"--screenshot", dir.filePath(name)});
        QVERIFY(p.waitForFinished(30000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 2);
        QVERIFY2(err.contains(dir.filePath(name)) && err.contains("nothing was written"),
                 qPrintable(err));
        QCOMPARE(bytes(name), before);
    }
    QProcess unknown;
    unknown.start(QStringLiteral(NORMLAB_GUI_PATH), {"--screenshot", dir.filePath("new.txt")});
    QVERIFY(unknown.waitForFinished(30000));
    QCOMPARE(unknown.exitCode(), 2);
    QVERIFY(!QFile::exists(dir.filePath("new.txt")));
    const QString own = dir.filePath("own.png");
    for (const QString& view : QStringList{"statistics", "slices"}) {
        QProcess p;
        p.start(QStringLiteral(NORMLAB_GUI_PATH),
                {"--screenshot", own, "--size", "900x600", "--view", view});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0); // the second run replaces NormLab's own picture
    }
    QCOMPARE(QImage(own).size(), QSize(900, 600));
    QStringList left = QDir(dir.path()).entryList(QDir::Files | QDir::Hidden);
    left.sort();
    QCOMPARE(left, (QStringList{"holiday.png", "notes.txt", "own.png", "paper.pdf", "x.npy"}));
}

void WorkbenchTest::screenshotOpensTheGivenSession() {
    // Qt itself claims "--session" (X11 session management); NormLab's must still arrive.
    QTemporaryDir dir;
    const QString session = dir.filePath("masked.json");
    QFile file(session);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"normlab_session": 1,
        "input": {"shape": [4, 6, 24], "generator": "normal", "seed": 1, "dtype": "float32"},
        "lengths": [24, 15, 7, 0], "spec": {"variant": "instance_norm", "num_features": 6}})");
    file.close();
    auto shoot = [&](const QStringList& extra, const QString& name) {
        QProcess p;
        p.start(QStringLiteral(NORMLAB_GUI_PATH),
                QStringList{"--screenshot", dir.filePath(name), "--size", "900x600"} + extra);
        p.waitForFinished(30000);
        return p.exitCode();
    };
    QCOMPARE(shoot({}, "default.png"), 0);
    QCOMPARE(shoot({"--session", session}, "session.png"), 0);
    QCOMPARE(shoot({"--session=" + session}, "session2.png"), 0);
    // The window above the status bar (whose timings differ from run to run).
    auto window = [&](const QString& name) {
        return QImage(dir.filePath(name)).copy(0, 0, 900, 560);
    };
    QVERIFY(window("default.png") != window("session.png"));
    QCOMPARE(window("session.png"), window("session2.png"));
    QCOMPARE(shoot({"--session", dir.filePath("missing.json")}, "missing.png"), 2);
    QVERIFY(!QFile::exists(dir.filePath("missing.png")));
    QCOMPARE(shoot({"--session"}, "nofile.png"), 2);
    // Interface languages: the translated window differs from the English one.
    QCOMPARE(shoot({"--lang", "ja"}, "ja.png"), 0);
    QCOMPARE(shoot({"--lang", "zh_CN"}, "zh.png"), 0);
    QVERIFY(window("ja.png") != window("default.png"));
    QVERIFY(window("zh.png") != window("ja.png"));
    QCOMPARE(shoot({"--lang", "xx"}, "xx.png"), 2);
}

void WorkbenchTest::captureLayersOpenInTheWorkbench() {
    MainWindow w(false);
    waitIdle(w);
    const QString captures = QStringLiteral(NORMLAB_SOURCE_DIR "/tests/captures/");
    CaptureDock* dock = w.captureDock();
    // A broken manifest is refused and changes nothing.
    QVERIFY(!w.openCapture(captures + "broken/not_json").isEmpty());
    QCOMPARE(dock->table()->rowCount(), 0);
    QCOMPARE(w.openCapture(captures + "captures/convnet_train"), QString());
    QCOMPARE(dock->table()->rowCount(), 3);
    QCOMPARE(dock->table()->item(0, 0)->text(), QString("bn"));
    QVERIFY(!w.state().loadedInput);

    // Selecting a layer puts its captured tensors into the workbench: input, configuration,
    // γ and β, running statistics and the padding mask.
    QVERIFY(dock->selectLayer(0));
    waitIdle(w);
    WorkbenchState s = w.state();
    QVERIFY(s.loadedInput);
    QCOMPARE(s.loadedInput->shape(), (Shape{4, 8, 12}));
    QCOMPARE(s.spec.variant, Variant::BatchNorm);
    QVERIFY(s.spec.training);
    QCOMPARE(s.affineInit, AffineInit::Loaded);
    QVERIFY(s.loadedWeight && s.loadedRunningMean && s.loadedRunningVar);
    QCOMPARE(s.loadedRunningMean->at(0), 2.0); // planted by the capture's model
    QVERIFY(s.mask);
    QCOMPARE(s.mask->at(3 * 8 * 12 + 11), 0.0); // sample 3 has length 2
    QCOMPARE(s.mask->at(3 * 8 * 12 + 1), 1.0);
    // A session keeps all of it, running statistics included.
    QTemporaryDir dir;
    QCOMPARE(w.saveSessionTo(dir.filePath("captured.json")), QString());
    {
        MainWindow other(false);
        waitIdle(other);
        QCOMPARE(other.openSession(dir.filePath("captured.json")), QString());
        const WorkbenchState o = other.state();
        QVERIFY(o.loadedRunningMean && o.loadedRunningVar);
        QCOMPARE(o.loadedRunningMean->at(0), 2.0);
        QCOMPARE(o.loadedRunningVar->at(0), 0.25);
        QCOMPARE(o.source, QString("bn"));
        QCOMPARE(o.loadedInput->shape(), (Shape{4, 8, 12}));
    }
    QVERIFY(dock->selectLayer(1));
    waitIdle(w);
    QCOMPARE(w.state().spec.variant, Variant::GroupNorm);
    // Undo goes back layer by layer, then to the generated input.
    w.undoStack()->undo();
    QCOMPARE(w.state().spec.variant, Variant::BatchNorm);
    w.undoStack()->undo();
    QVERIFY(!w.state().loadedInput);
    QVERIFY(!w.state().loadedRunningMean);

    // The health column fills in from the background.
    QTRY_COMPARE_WITH_TIMEOUT(dock->healthDone(), 3, 20000);
    QVERIFY2(dock->table()->item(0, 4)->text().contains("train_eval_gap"),
             qPrintable(dock->table()->item(0, 4)->text()));
}

void WorkbenchTest::debuggerChecksACheckpoint() {
    MainWindow w(false);
    waitIdle(w);
    DebuggerView* debugger = w.debugger();
    QVERIFY(w.selectView("debugger"));
    const QString cases = QStringLiteral(NORMLAB_SOURCE_DIR "/tests/checkpoints/cases/");
    QVERIFY(debugger->loadModelFile(cases + "affine_trained_into_affine_false.txt"));
    debugger->setInputShape("2,3,16,16");
    QVERIFY(debugger->analyse());
    QVERIFY(!debugger->checkpointReport());
    // A file that is not a checkpoint changes nothing.
    QVERIFY(!debugger->loadCheckpointFile(cases + "affine_trained_into_affine_false.txt"));
    QVERIFY(!debugger->checkpointReport());
    QVERIFY(debugger->loadCheckpointFile(cases + "affine_trained_into_affine_false.pth"));
    QVERIFY(debugger->checkpointReport() && debugger->checkpointReport()->strictError);
    // The finding sits on the BatchNorm's row, and PyTorch's message is on screen.
    QTableWidget* table = debugger->layerTable();
    QCOMPARE(table->item(1, 1)->text(), QString("BatchNorm2d"));
    QVERIFY2(table->item(1, 5)->text().contains("error"), qPrintable(table->item(1, 5)->text()));
    auto* summary = debugger->findChild<QLabel*>("checkpointStatus");
    QVERIFY(summary && summary->isVisibleTo(debugger));
    QVERIFY2(summary->text().contains("Unexpected key(s) in state_dict: &quot;1.weight&quot;"),
             qPrintable(summary->text()));
    // Against the model's trace the check is exact (the trace lists every module's tensors).
    QVERIFY(debugger->loadTraceFile(cases + "affine_trained_into_affine_false.trace.json"));
    QVERIFY(debugger->checkpointReport());
    QCOMPARE(debugger->checkpointReport()->certainty, Certainty::Exact);
    QVERIFY(debugger->checkpointReport()->strictError);
    // A refused pickle keeps the checkpoint that was loaded.
    QVERIFY(!debugger->loadCheckpointFile(cases + "refused_whole_model.pth"));
    QVERIFY(debugger->checkpointReport() && debugger->checkpointReport()->strictError);
    debugger->clearCheckpoint();
    QVERIFY(!debugger->checkpointReport());
    QCOMPARE(table->item(1, 5)->text(), QString());
}

void WorkbenchTest::debuggerOpensALayerInTheWorkbench() {
    MainWindow w(false);
    waitIdle(w);
    DebuggerView* debugger = w.debugger();
    QVERIFY(w.selectView("debugger"));
    // The default text is the motivating case: Conv2d(256, 512) -> InstanceNorm2d(1024).
    debugger->setInputShape("2,256,16,16");
    debugger->setTorchVersion("2.0");
    QVERIFY(debugger->analyse());
    QTableWidget* table = debugger->layerTable();
    QCOMPARE(table->rowCount(), 3);
    QCOMPARE(table->item(1, 1)->text(), QString("InstanceNorm2d"));
    QCOMPARE(table->item(1, 2)->text(), QString("[2, 512, 16, 16]"));
    QVERIFY2(table->item(1, 5)->text().contains("warning"), qPrintable(table->item(1, 5)->text()));
    QVERIFY(table->item(0, 5)->text().isEmpty());
    QCOMPARE(table->item(1, 4)->text(), QString("exact")); // nn.Sequential: printed order

    // A custom block: inferred shapes, and the reading they rest on on hover.
    debugger->setModelText("Block(\n  (conv1): Conv2d(256, 64, kernel_size=(1, 1))\n"
                           "  (bn1): BatchNorm2d(64)\n"
                           "  (shortcut): Conv2d(256, 64, kernel_size=(1, 1))\n)\n");
    QVERIFY(debugger->analyse());
    QCOMPARE(table->item(1, 2)->text(), QString("[2, 64, 16, 16]"));
    QCOMPARE(table->item(1, 4)->text(), QString("inferred"));
    QVERIFY2(table->item(1, 4)->toolTip().contains("residual"),
             qPrintable(table->item(1, 4)->toolTip()));
    debugger->setModelText(
        "Sequential(\n  (0): Conv2d(256, 512, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
        "  (1): InstanceNorm2d(1024, eps=1e-05, momentum=0.1, affine=False, "
        "track_running_stats=False)\n  (2): ReLU()\n)\n");
    QVERIFY(debugger->analyse());

    // A trace: every shape exact, PyTorch's error first; a file that is not a trace changes
    // nothing. The trace script ships inside the application.
    const QString traces = QStringLiteral(NORMLAB_DIAGNOSE_DIR) + "/traces/";
    QVERIFY(debugger->loadTraceFile(traces + "bn_mismatch.json"));
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(1, 2)->text(), QString("[2, 8, 6, 6]"));
    QCOMPARE(table->item(1, 4)->text(), QString("exact"));
    QVERIFY2(table->item(1, 5)->text().contains("error"), qPrintable(table->item(1, 5)->text()));
    QCOMPARE(debugger->report().findings.front().code, FindingCode::PytorchError);
    QVERIFY(!debugger->loadTraceFile(traces + "../cases.json"));
    QCOMPARE(table->rowCount(), 2);
    QVERIFY(DebuggerView::traceScript().contains("def trace(model, args, out_path, kwargs=None"));
    QVERIFY(DebuggerView::traceSnippet().contains("normlab_trace.trace(model, x"));
    debugger->setModelText(
        "Sequential(\n  (0): Conv2d(256, 512, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
        "  (1): InstanceNorm2d(1024, eps=1e-05, momentum=0.1, affine=False, "
        "track_running_stats=False)\n  (2): ReLU()\n)\n");
    QVERIFY(debugger->analyse());

    // A broken text keeps the last analysis on screen and says where it broke.
    debugger->setModelText("Sequential(\n  (0): ReLU()\n");
    QVERIFY(!debugger->analyse());
    QCOMPARE(table->rowCount(), 3);
    QVERIFY(debugger->findChild<QLabel*>("debuggerStatus")->text().contains("line 1"));

    // Open the InstanceNorm layer: the workbench runs it on the inferred input.
    debugger->setModelText(
        "Sequential(\n  (0): Conv2d(256, 512, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
        "  (1): InstanceNorm2d(1024, eps=1e-05, momentum=0.1, affine=False, "
        "track_running_stats=False)\n)\n");
    QVERIFY(debugger->analyse());
    QVERIFY(debugger->selectLayer("1"));
    auto* open = debugger->findChild<QPushButton*>("openInWorkbench");
    QVERIFY(open->isEnabled());
    QVERIFY(debugger->selectLayer("0"));
    QVERIFY(!open->isEnabled()); // a Conv2d is not a normalization layer
    QVERIFY(debugger->selectLayer("1"));
    open->click();
    waitIdle(w);
    const auto shown = w.controller().current();
    QVERIFY(shown);
    QCOMPARE(shown->state.spec.variant, Variant::InstanceNorm);
    QCOMPARE(*shown->state.spec.numFeatures, 1024);
    QVERIFY(!shown->state.spec.affine);
    QCOMPARE(shown->state.recipe.shape, Shape({2, 512, 16, 16}));
    QString listed;
    for (int i = 0; i < w.diagnostics()->count(); ++i) listed += w.diagnostics()->item(i)->text();
    QVERIFY2(listed.contains("1024") && listed.contains("512"), qPrintable(listed));
    // An undoable edit like any other.
    QVERIFY(w.undoStack()->canUndo());
    w.undoStack()->undo();
    waitIdle(w);
    QCOMPARE(w.controller().current()->state.spec.variant, Variant::BatchNorm);
}

void WorkbenchTest::recentActivationsLoadAgain() {
    QSettings().remove("recentNpy");
    MainWindow w(false);
    waitIdle(w);
    QTemporaryDir dir;
    const QString path = dir.filePath("act.npy");
    QVERIFY(writeNpy(path.toStdString(),
                     Tensor::fromValues({2, 3, 5}, DType::Float32, std::vector<double>(30, 0.5)))
                .empty());
    QCOMPARE(w.inputPanel()->loadNpyFile(path), QString());
    waitIdle(w);
    QCOMPARE(w.controller().current()->state.loadedInput->shape(), Shape({2, 3, 5}));

    // A corrupt file is refused with the reason; the loaded input stays.
    const QString bad = dir.filePath("bad.npy");
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("\x93NUMPY garbage");
    f.close();
    QVERIFY(!w.inputPanel()->loadNpyFile(bad).isEmpty());
    QCOMPARE(w.state().loadedInput->shape(), Shape({2, 3, 5}));

    auto* recent = w.inputPanel()->findChild<QToolButton*>("recentNpy");
    const QList<QAction*> actions = recent->menu()->actions();
    QCOMPARE(actions.size(), 1); // the corrupt file is not remembered
    QCOMPARE(actions[0]->text(), QString("act.npy"));
    w.undoStack()->undo(); // back to the generated input
    waitIdle(w);
    QVERIFY(!w.state().loadedInput);
    actions[0]->trigger();
    waitIdle(w);
    QVERIFY(w.state().loadedInput);
    QCOMPARE(w.controller().current()->state.loadedInput->shape(), Shape({2, 3, 5}));
}

// Zoomed in, the map's cells are those of a window of the grid: a stroke marks the cells
// under the mouse at once and masks exactly those elements.
void WorkbenchTest::paintingWhileZoomedMasksTheElementsUnderTheMouse() {
    MainWindow w(false);
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.selectView("slices"));
    waitIdle(w);
    SlicesView* view = w.slicesView();
    QCustomPlot* plot = view->plot();
    plot->xAxis->setRange(5.5, 11.5); // positions 6 to 11 of 16
    plot->yAxis->setRange(2.5, 6.5);  // rows 3 to 6 of 32
    QTRY_VERIFY(!view->heatmapZoom()->busy());
    const GridBlocks& b = view->heatmapZoom()->refinedBlocks();
    QVERIFY(b.firstCol > 0 && b.firstRow > 0); // a window, not the grid from its corner
    QCOMPARE(b.colStep, std::int64_t(1));
    auto pixel = [&](int row, int col) {
        return QPoint(int(plot->xAxis->coordToPixel(col)), int(plot->yAxis->coordToPixel(row)));
    };
    auto* map = view->findChild<QCPColorMap*>();
    view->setBrush(SlicesView::Brush::MaskOut);
    QTest::mousePress(plot, Qt::LeftButton, {}, pixel(4, 8));
    QTest::mouseMove(plot, pixel(4, 9));
    // Marked at once, in the window's own cells (before any recompute).
    QVERIFY(std::isnan(map->data()->cell(int(9 - b.firstCol), int(4 - b.firstRow))));
    QVERIFY(!std::isnan(map->data()->cell(int(10 - b.firstCol), int(4 - b.firstRow))));
    QTest::mouseRelease(plot, Qt::LeftButton, {}, pixel(4, 9));
    waitIdle(w);
    const auto painted = w.controller().current();
    QVERIFY(painted->state.mask);
    // Row 4 is (n = 0, c = 4): elements 4 * 16 + 8 and + 9 are masked out, nothing else.
    for (std::int64_t i = 0; i < painted->inputs.input.size(); ++i)
        QCOMPARE(painted->state.mask->at(i) == 0, i == 4 * 16 + 8 || i == 4 * 16 + 9);
    QCOMPARE(plot->xAxis->range(), QCPRange(5.5, 11.5)); // still zoomed
}

void WorkbenchTest::paintingAMaskChangesTheValidCounts() {
    MainWindow w(false);
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    waitIdle(w);
    QVERIFY(w.selectView("slices"));
    QCoreApplication::processEvents();
    const auto before = w.controller().current();
    const Shape shape = before->inputs.input.shape(); // [4, 8, 16], BatchNorm
    const double full = double(shape[0] * shape[2]);
    QCOMPARE(before->result.count.at(0), full);
    SlicesView* view = w.slicesView();
    QCustomPlot* plot = view->plot();
    auto pixel = [&](int row, int col) {
        return QPoint(int(plot->xAxis->coordToPixel(col)), int(plot->yAxis->coordToPixel(row)));
    };
    // Inspecting does not paint.
    QTest::mouseClick(plot, Qt::LeftButton, {}, pixel(0, 0));
    waitIdle(w);
    QCOMPARE(w.controller().current(), before);
    // A stroke along row 0 (n = 0, c = 0) from position 2 to 7 masks out 6 elements of
    // channel 0 and nothing else.
    view->setBrush(SlicesView::Brush::MaskOut);
    QTest::mousePress(plot, Qt::LeftButton, {}, pixel(0, 2));
    QTest::mouseMove(plot, pixel(0, 4));
    QTest::mouseMove(plot, pixel(0, 7));
    QTest::mouseRelease(plot, Qt::LeftButton, {}, pixel(0, 7));
    waitIdle(w);
    auto painted = w.controller().current();
    QVERIFY(painted->state.mask);
    QVERIFY(painted->state.lengths.empty());
    QCOMPARE(painted->result.count.at(0), full - 6);
    for (std::int64_t c = 1; c < shape[1]; ++c) QCOMPARE(painted->result.count.at(c), full);
    for (int col = 0; col < int(shape[2]); ++col)
        QCOMPARE(painted->slices.sliceOf(col) < 0, col >= 2 && col <= 7);
    QCOMPARE(w.inputPanel()->findChild<QLabel*>("maskStatus")->text(),
             QString("6 of 512 masked out"));
    // Restoring one of them: one stroke, one undo step each.
    view->setBrush(SlicesView::Brush::Restore);
    QTest::mousePress(plot, Qt::LeftButton, {}, pixel(0, 7));
    QTest::mouseRelease(plot, Qt::LeftButton, {}, pixel(0, 7));
    waitIdle(w);
    QCOMPARE(w.controller().current()->result.count.at(0), full - 5);
    w.undoStack()->undo();
    waitIdle(w);
    QCOMPARE(w.controller().current()->result.count.at(0), full - 6);
    // The mask survives a session round trip.
    const QByteArray json =
        sessionToJson(Session{w.controller().current()->state, QStringLiteral("Slices")});
    Session back;
    QCOMPARE(sessionFromJson(json, back), QString());
    QVERIFY(back.state.mask);
    QCOMPARE(back.state.mask->toVector(), painted->state.mask->toVector());
    // Typing lengths replaces the painted mask.
    w.inputPanel()->findChild<QLineEdit*>("lengths")->setText("16, 16, 16, 10");
    waitIdle(w);
    QVERIFY(!w.controller().current()->state.mask);
    QCOMPARE(w.controller().current()->result.count.at(0), 3 * 16.0 + 10);
    w.undoStack()->undo();
    waitIdle(w);
    QVERIFY(w.controller().current()->state.mask);
    QCOMPARE(w.controller().current()->result.count.at(0), full - 6);
    // Clear mask: every element valid again.
    view->findChild<QPushButton*>("clearPaintedMask")->click();
    waitIdle(w);
    QVERIFY(!w.controller().current()->state.mask);
    QCOMPARE(w.controller().current()->result.count.at(0), full);
    // A new shape drops the mask.
    w.undoStack()->undo();
    waitIdle(w);
    QVERIFY(w.controller().current()->state.mask);
    w.inputPanel()->findChild<QSpinBox*>("size2")->setValue(12);
    waitIdle(w);
    QVERIFY(!w.controller().current()->state.mask);
    QCOMPARE(w.controller().current()->result.count.at(0), 4 * 12.0);
}

void WorkbenchTest::theUpstreamGradientIsChosenInTheGradientsView() {
    MainWindow w(false);
    waitIdle(w);
    QVERIFY(w.selectView("gradients"));
    auto* upstream = w.gradientsView()->findChild<QComboBox*>("upstream");
    QVERIFY(upstream);
    QCOMPARE(Upstream(upstream->currentData().toInt()), Upstream::Random);
    upstream->setCurrentIndex(upstream->findData(int(Upstream::Channel)));
    w.gradientsView()->findChild<QSpinBox*>("upstreamChannel")->setValue(3);
    waitIdle(w);
    auto outcome = w.controller().current();
    QCOMPARE(outcome->state.upstream, Upstream::Channel);
    QCOMPARE(outcome->state.upstreamChannel, std::int64_t(3));
    // L = Σ y[:, 3] under BatchNorm: dβ is the count of elements in channel 3, 0 elsewhere.
    const Shape shape = outcome->inputs.input.shape();
    for (std::int64_t c = 0; c < shape[1]; ++c)
        QCOMPARE(outcome->result.gradBias.at(c), c == 3 ? double(shape[0] * shape[2]) : 0.0);
    w.undoStack()->undo();
    w.undoStack()->undo();
    waitIdle(w);
    QCOMPARE(Upstream(upstream->currentData().toInt()), Upstream::Random);
    QCOMPARE(w.controller().current()->state.upstream, Upstream::Random);
}

void WorkbenchTest::anAbsurdShapeIsRefusedAndTheResultKept() {
    MainWindow w(false);
    waitIdle(w);
    const auto good = w.controller().current();
    // 100000 x 100000 x 16 = 1.6e11 elements: refused before anything is allocated.
    w.inputPanel()->findChild<QSpinBox*>("size0")->setValue(100000);
    w.inputPanel()->findChild<QSpinBox*>("size1")->setValue(100000);
    waitIdle(w);
    QCOMPARE(w.controller().current(), good);
    const QString shown = w.diagnostics()->item(0)->text();
    QVERIFY2(shown.startsWith("error:") && shown.contains("160000000000"), qPrintable(shown));
    w.undoStack()->undo();
    w.undoStack()->undo();
    waitIdle(w);
    QCOMPARE(w.controller().current()->inputs.input.shape(), good->inputs.input.shape());
}

void WorkbenchTest::everyViewDrawsEveryVariantMaskedOrNot() {
    MainWindow w(false);
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    waitIdle(w);
    auto* lengths = w.inputPanel()->findChild<QLineEdit*>("lengths");
    for (Variant v : kAllVariants)
        for (const QString& masked : {QString(), QString("16, 9, 1, 0")}) {
            setVariant(w, v);
            lengths->setText(masked);
            waitIdle(w);
            const auto outcome = w.controller().current();
            QVERIFY2(outcome->state.spec.variant == v &&
                         outcome->state.lengths.empty() == masked.isEmpty(),
                     qPrintable(w.diagnostics()->item(0)->text()));
            QVERIFY(outcome->result.error.empty());
            for (const QString& view : w.viewNames()) {
                QVERIFY(w.selectView(view));
                QCoreApplication::processEvents();
            }
            QVERIFY(w.selectView("statistics"));
            QCOMPARE(w.statisticsView()->plottedSlices(), int(outcome->result.mean.size()));
            if (!masked.isEmpty()) // sample 3 has length 0: all its elements are masked out
                QCOMPARE(outcome->slices.sliceOf(3 * 8 * 16), std::int64_t(-1));
        }
}

void WorkbenchTest::theCubeHighlightsTheSlicesOfEachVariant() {
    // Which visible cells share the statistics of element (0, 0, 0), in closed form per
    // variant, on a [4, 6, 10] input: front face (n, position) at c = 0, top face (n, c) at
    // position 0, side face (c, position) at n = 3.
    using Face = CubeView::Face;
    using Rule = std::function<bool(Face, std::int64_t n, std::int64_t c, std::int64_t s)>;
    struct Expectation {
        const char* name;
        std::function<void(NormSpec&)> setup;
        Rule shares;
    };
    const Shape shape{4, 6, 10};
    const std::vector<Expectation> expectations{
        {"batch_norm",
         [](NormSpec& s) {
             s = specFittingShape(Variant::BatchNorm, {4, 6, 10});
         },
         [](Face, auto, auto c, auto) { return c == 0; }},
        {"instance_norm",
         [](NormSpec& s) {
             s = specFittingShape(Variant::InstanceNorm, {4, 6, 10});
         },
         [](Face, auto n, auto c, auto) { return n == 0 && c == 0; }},
        {"layer_norm over (C, L)",
         [](NormSpec& s) {
             s = specFittingShape(Variant::LayerNorm, {4, 6, 10});
             s.normalizedShape = {6, 10};
         },
         [](Face, auto n, auto, auto) { return n == 0; }},
        {"group_norm(3)",
         [](NormSpec& s) {
             s = specFittingShape(Variant::GroupNorm, {4, 6, 10});
             s.numGroups = 3;
         },
         [](Face, auto n, auto c, auto) { return n == 0 && c < 2; }},
        {"custom over (N, L) = batch norm",
         [](NormSpec& s) {
             s = specFittingShape(Variant::Custom, {4, 6, 10});
             s.reduceAxes = {0, 2};
         },
         [](Face, auto, auto c, auto) { return c == 0; }},
    };
    MainWindow w(false);
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.inputPanel()->findChild<QSpinBox*>("size1")->setValue(6);
    w.inputPanel()->findChild<QSpinBox*>("size2")->setValue(10);
    waitIdle(w);
    QVERIFY(w.selectView("cube"));
    CubeView* cube = w.cubeView();
    for (const Expectation& e : expectations) {
        WorkbenchState s = w.state();
        e.setup(s.spec);
        w.applyState(s);
        waitIdle(w);
        QCOMPARE(w.controller().current()->state.spec.variant, s.spec.variant);
        QCoreApplication::processEvents();
        cube->highlightSlice(w.controller().current()->slices.sliceOf(0));
        for (Face face : {Face::Front, Face::Top, Face::Side})
            for (int i = 0; i < cube->cellsAcross(face); ++i)
                for (int j = 0; j < cube->cellsDown(face); ++j) {
                    const std::int64_t n = face == Face::Side ? 3 : i;
                    const std::int64_t c = face == Face::Top ? j : face == Face::Side ? i : 0;
                    const std::int64_t p = face == Face::Top ? 0 : j;
                    QCOMPARE(cube->cellElement(face, i, j), (n * 6 + c) * 10 + p);
                    QVERIFY2(cube->cellHighlighted(face, i, j) == e.shares(face, n, c, p),
                             qPrintable(QStringLiteral("%1: face %2 cell (%3, %4)")
                                            .arg(e.name)
                                            .arg(int(face))
                                            .arg(i)
                                            .arg(j)));
                }
    }
    // Hovering a cell highlights its slice: GroupNorm(3), element (n=2, c=0, position 7) is
    // in slice n * 3 + 0 = 6 (now the custom spec is on; back to group norm first).
    WorkbenchState s = w.state();
    expectations[3].setup(s.spec);
    w.applyState(s);
    waitIdle(w);
    QCoreApplication::processEvents();
    QTest::mouseMove(cube, cube->cellCentre(Face::Front, 2, 7).toPoint());
    QCOMPARE(cube->highlightedSlice(), std::int64_t(6));
    // Masked elements are never highlighted.
    w.inputPanel()->findChild<QLineEdit*>("lengths")->setText("10, 10, 4, 10");
    waitIdle(w);
    QCoreApplication::processEvents();
    cube->highlightSlice(6);
    QVERIFY(cube->cellHighlighted(Face::Front, 2, 3));
    QVERIFY(!cube->cellHighlighted(Face::Front, 2, 4));
    QCOMPARE(cube->cellSlice(Face::Front, 2, 4), std::int64_t(-1));
}

void WorkbenchTest::thePrecisionLabPlotsItsReport() {
    MainWindow w(false);
    waitIdle(w);
    WorkbenchState s = w.state();
    s.recipe.mean = 1e4; // where the naive float32 variance breaks down
    s.spec = specFittingShape(Variant::InstanceNorm, s.recipe.shape);
    w.applyState(s);
    waitIdle(w);
    PrecisionView* view = w.precisionView();
    QSignalSpy shown(view, &PrecisionView::reportShown);
    QVERIFY(w.selectView("precision"));
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && !view->busy(), 10000);
    const auto outcome = w.controller().current();
    const PrecisionReport direct = precisionReport(outcome->state.spec, outcome->inputs);
    QCOMPARE(view->report().reference.toVector(), direct.reference.toVector());
    QCOMPARE(view->report().naive32.toVector(), direct.naive32.toVector());
    const int slices = int(outcome->result.mean.size());
    for (int k = 0; k < 8; ++k) QCOMPARE(view->plottedPoints(k), slices);
    // At 10⁴, x² overflows float16 in every slice: drawn off the scale and said.
    bool said = false;
    for (const QLabel* l : view->findChildren<QLabel*>())
        said |=
            l->text().contains(QStringLiteral("naive float16 not finite in %1 slices").arg(slices));
    QVERIFY(said);
    for (int i = 0; i < slices; ++i) QVERIFY(!std::isfinite(direct.naive16.at(i)));
    // The lesson is visible: naive float32 is off by more than 10% somewhere, NormLab is not.
    double naive = 0, normlab = 0;
    for (int i = 0; i < slices; ++i) {
        const double ref = direct.reference.at(i);
        naive = std::max(naive, std::fabs(direct.naive32.at(i) - ref) / ref);
        normlab = std::max(normlab, std::fabs(direct.normlab32.at(i) - ref) / ref);
    }
    QVERIFY2(naive > 0.1 && normlab < 1e-6,
             qPrintable(QStringLiteral("%1 %2").arg(naive).arg(normlab)));
}

void WorkbenchTest::compareRunsConfigurationBOnTheSameInput() {
    MainWindow w(false);
    w.inputPanel()->findChild<QSpinBox*>("size0")->setValue(2); // BatchNorm at batch 2
    waitIdle(w);
    CompareView* view = w.compareView();
    QSignalSpy shown(view, &CompareView::comparisonShown);
    QVERIFY(w.selectView("compare"));
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && !view->busy(), 10000);
    const auto a = w.controller().current();
    auto b = view->outcomeB();
    QCOMPARE(view->outcomeA(), a);
    QCOMPARE(b->state.spec.variant, Variant::GroupNorm);
    QCOMPARE(b->inputs.input.toVector(), a->inputs.input.toVector()); // the same input
    NormInputs direct;
    direct.input = a->inputs.input;
    const NormResult gn = normalize(b->state.spec, direct, cpuBackend());
    QCOMPARE(b->result.output.toVector(), gn.output.toVector());
    QCOMPARE(gn.mean.size(), std::int64_t(2 * 4)); // [N, G]
    double largest = 0; // what the readout states, computed here directly
    for (std::int64_t i = 0; i < gn.output.size(); ++i)
        largest = std::max(largest, std::fabs(gn.output.at(i) - a->result.output.at(i)));
    QVERIFY(largest > 0.01);
    QCOMPARE(view->largestDifference(), largest);
    // A and B zoom and pan together, each refined from its own y.
    QCPAxis* keyA = view->plot()->axisRect(0)->axis(QCPAxis::atBottom);
    QCPAxis* keyB = view->plot()->axisRect(1)->axis(QCPAxis::atBottom);
    for (int r = 0; r < 2; ++r) { // the wheel and the mouse move both
        QCOMPARE(view->plot()->axisRect(r)->rangeZoom(), Qt::Horizontal | Qt::Vertical);
        QCOMPARE(view->plot()->axisRect(r)->rangeDrag(), Qt::Horizontal | Qt::Vertical);
    }
    keyA->setRange(2, 5);
    QCOMPARE(keyB->range(), QCPRange(2, 5));
    QTRY_VERIFY(!view->heatmapZoom()->busy());
    const GridBlocks& zoomedA = view->heatmapZoom()->refinedBlocks();
    QCOMPARE(zoomedA.colStep, std::int64_t(1));
    QVERIFY(zoomedA.firstCol <= 2 && zoomedA.firstCol + zoomedA.cols >= 6);
    view->heatmapZoom()->showWhole();
    QCOMPARE(keyB->range(), keyA->range());
    // B set to A's BatchNorm: the same output.
    shown.clear();
    QComboBox* variantB = view->panelB()->variantBox();
    variantB->setCurrentIndex(variantB->findData(int(Variant::BatchNorm)));
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && !view->busy(), 10000);
    b = view->outcomeB();
    QCOMPARE(b->state.spec.variant, Variant::BatchNorm);
    QCOMPARE(b->result.output.toVector(), a->result.output.toVector());
    QCOMPARE(view->largestDifference(), 0.0);
    // B is kept in sessions: a mismatched B (num_features 5 on 8 channels, no affine) survives
    // saving, loading and the fitting to the input's shape.
    QTemporaryDir dir;
    NormSpec mismatched = NormSpec::defaultsFor(Variant::InstanceNorm);
    mismatched.numFeatures = 5;
    view->setSpecB(mismatched);
    QTRY_VERIFY_WITH_TIMEOUT(view->specB().numFeatures == std::optional<std::int64_t>(5), 10000);
    QCOMPARE(w.saveSessionTo(dir.filePath("b.json")), QString());
    MainWindow other(false);
    QVERIFY(other.selectView("compare"));
    QCOMPARE(other.openSession(dir.filePath("b.json")), QString());
    waitIdle(other);
    QTRY_VERIFY_WITH_TIMEOUT(!other.compareView()->busy(), 10000);
    QCOMPARE(other.compareView()->specB().variant, Variant::InstanceNorm);
    QCOMPARE(other.compareView()->specB().numFeatures, std::optional<std::int64_t>(5));
    // An edit of A (the seed) recomputes B on the new input.
    shown.clear();
    w.inputPanel()->findChild<QSpinBox*>("seed")->setValue(5);
    waitIdle(w);
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && !view->busy(), 10000);
    QCOMPARE(view->outcomeB()->inputs.input.toVector(),
             w.controller().current()->inputs.input.toVector());
}

void WorkbenchTest::presentationModeEnlargesAndRestores() {
    MainWindow w(false);
    waitIdle(w);
    const double appPoints = QApplication::font().pointSizeF();
    QCustomPlot* plot = w.statisticsView()->plot();
    const double tickPoints = plot->xAxis->tickLabelFont().pointSizeF();
    const double axisPen = plot->xAxis->basePen().widthF();
    w.presentationAction()->trigger();
    QVERIFY(w.presentationAction()->isChecked());
    QCOMPARE(QApplication::font().pointSizeF(), appPoints * kPresentationScale);
    QCOMPARE(plot->xAxis->tickLabelFont().pointSizeF(), appPoints * kPresentationScale);
    QVERIFY(plot->xAxis->basePen().widthF() > axisPen);
    QCOMPARE(QApplication::palette().color(QPalette::Base), QColor(Qt::white));
    w.presentationAction()->trigger();
    QCOMPARE(QApplication::font().pointSizeF(), appPoints);
    QCOMPARE(plot->xAxis->tickLabelFont().pointSizeF(), tickPoints);
    QCOMPARE(plot->xAxis->basePen().widthF(), std::max(1.0, axisPen));
    QSettings().remove("view/presentation"); // later tests start as a user would
}

void WorkbenchTest::everyLessonCanBeFollowed() {
    for (const QString language : {"en", "zh_CN", "ja"}) {
        const std::vector<Lesson> lessons = loadLessons(language);
        QCOMPARE(int(lessons.size()), 12);
        for (const Lesson& l : lessons)
            for (const LessonStep& step : l.steps) QVERIFY2(!step.text.isEmpty(), qPrintable(l.id));
    }
    MainWindow w(false);
    waitIdle(w);
    LessonPanel* panel = w.lessonPanel();
    for (int l = 0; l < int(panel->lessons().size()); ++l) {
        const Lesson& lesson = panel->lessons()[std::size_t(l)];
        panel->openLesson(l);
        for (int k = 0; k < int(lesson.steps.size()); ++k) {
            panel->goToStep(k);
            waitIdle(w);
            const LessonStep& step = lesson.steps[std::size_t(k)];
            const QString where = QStringLiteral("%1 step %2").arg(lesson.id).arg(k + 1);
            if (step.setup) {
                QCOMPARE(w.state().recipe.shape, step.setup->state.recipe.shape);
                QCOMPARE(w.currentViewId(), step.setup->view);
                QVERIFY2(w.controller().current()->state.spec.variant ==
                             step.setup->state.spec.variant,
                         qPrintable(where));
            }
            if (step.expect.isEmpty()) continue;
            panel->updateCheck(w.state(), w.currentViewId());
            QVERIFY2(!panel->stepDone(), qPrintable(where + ": done before the learner acts"));
            w.findChild<QPushButton*>("lessonShowMe")->click();
            waitIdle(w);
            panel->updateCheck(w.state(), w.currentViewId());
            QVERIFY2(panel->stepDone(), qPrintable(where + ": not done after Show me"));
        }
        // Lesson 2 teaches that padding pulls the statistics: check the numbers say so.
        if (lesson.id == "masked_instance_norm") {
            panel->goToStep(0); // back to the padded input without lengths
            panel->goToStep(1);
            WorkbenchState unmasked = w.state();
            unmasked.lengths.clear();
            const auto padded = RecomputeController::compute(unmasked, 0);
            const auto masked =
                RecomputeController::compute(applyExpectation(lesson.steps[1].expect, unmasked), 0);
            const std::int64_t lastSample = 3 * 8; // sample 3 (length 6), channel 0
            QVERIFY(padded->result.mean.at(lastSample) < 1.0);
            QVERIFY(std::fabs(masked->result.mean.at(lastSample) - 2.0) < 1.0);
        }
    }
}

namespace {

// The state a lesson step leaves the workbench in once the learner has done it: the latest
// setup up to it, then each expectation up to it applied.
WorkbenchState stateAfterStep(const Lesson& lesson, int step) {
    WorkbenchState s;
    for (int k = 0; k <= step; ++k) {
        const LessonStep& st = lesson.steps[std::size_t(k)];
        if (st.setup) s = st.setup->state;
        s = applyExpectation(st.expect, s);
    }
    return s;
}

const Lesson& lessonWithId(const std::vector<Lesson>& lessons, const QString& id) {
    for (const Lesson& l : lessons)
        if (l.id == id) return l;
    qFatal("no such lesson");
}

QJsonObject lessonFacts() {
    QFile f(QStringLiteral(NORMLAB_SOURCE_DIR "/tests/lessons/facts.json"));
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read tests/lessons/facts.json");
    return QJsonDocument::fromJson(f.readAll()).object();
}

// Per slice: the long double two-pass variance of `values` (biased), from a flat slice map.
std::vector<long double> exactVariances(const std::vector<double>& values, const Tensor& slices,
                                        std::int64_t count) {
    std::vector<long double> sum(std::size_t(count), 0), sq(std::size_t(count), 0),
        n(std::size_t(count), 0);
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto s = std::size_t(slices.at(std::int64_t(i)));
        sum[s] += values[i];
        n[s] += 1;
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto s = std::size_t(slices.at(std::int64_t(i)));
        const long double d = values[i] - sum[s] / n[s];
        sq[s] += d * d;
    }
    for (std::size_t s = 0; s < sq.size(); ++s) sq[s] /= n[s];
    return sq;
}

} // namespace

namespace {

// bfloat16 rounding done here, independently of normlab/low_precision.h: the float32 value's
// bits rounded to their upper 16 (to nearest, ties to even).
double bfloat16Here(double x) {
    const float f = float(x);
    if (!std::isfinite(f)) return double(f);
    std::uint32_t bits = 0;
    std::memcpy(&bits, &f, sizeof bits);
    bits = (bits + 0x7FFFu + ((bits >> 16) & 1u)) & 0xFFFF0000u;
    float rounded = 0;
    std::memcpy(&rounded, &bits, sizeof rounded);
    return double(rounded);
}

double float32Here(double x) {
    return double(float(x));
}

// The distance between neighbouring bfloat16 numbers (8 significant bits) at |x|.
double bfloat16Spacing(double x) {
    return std::ldexp(1.0, std::ilogb(x) - 7);
}

double medianOf(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The biased two-pass variance in long double.
double exactVarianceOf(const std::vector<double>& v) {
    long double sum = 0, sq = 0;
    for (const double x : v) sum += x;
    const long double mean = sum / (long double)(v.size());
    for (const double x : v) sq += (x - mean) * (x - mean);
    return double(sq / (long double)(v.size()));
}

// The two-pass variance in flat order with every value and every partial result rounded by
// `round`: the mean, then the sum of squared deviations from it.
double twoPassRounded(const std::vector<double>& v, double (*round)(double)) {
    const double n = double(v.size());
    double sum = 0, dev = 0;
    for (const double x : v) sum = round(sum + round(x));
    const double mean = round(sum / n);
    for (const double x : v) {
        const double d = round(round(x) - mean);
        dev = round(dev + round(d * d));
    }
    return round(dev / n);
}

// v as the lessons write it, to two significant digits: 1.5e-6 as "1.5·10⁻⁶".
QString timesTenTo(double v) {
    int e = int(std::floor(std::log10(v)));
    double m = std::round(v / std::pow(10.0, e) * 10) / 10;
    if (m >= 10) m /= 10, e += 1;
    static const QString digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    QString exponent = e < 0 ? QStringLiteral("⁻") : QString();
    for (const QChar c : QString::number(std::abs(e))) exponent += digits[c.digitValue()];
    return QString::number(m, 'f', 1) + QStringLiteral("·10") + exponent;
}

} // namespace

void WorkbenchTest::lessonClaimsHold() {
    // Every number and claim of the lessons, computed here independently of the compute core
    // (or recorded from PyTorch in tests/lessons/facts.json).
    const std::vector<Lesson> lessons = loadLessons("en");
    const QJsonObject facts = lessonFacts();

    // 3.2: re-estimating from y finds β and γ²·σ²/(σ² + ε) per channel, not the input's.
    {
        const Lesson& flow = lessonWithId(lessons, "flow_inverse");
        const auto out = RecomputeController::compute(stateAfterStep(flow, 1), 0);
        const Tensor& x = out->inputs.input;
        const Tensor& y = out->result.output;
        const Shape& shape = x.shape(); // [N, C, L]
        const double eps = *out->state.spec.eps;
        for (std::int64_t c = 0; c < shape[1]; ++c) {
            long double sx = 0, sy = 0, n = 0;
            for (std::int64_t i = 0; i < x.size(); ++i)
                if ((i / shape[2]) % shape[1] == c) {
                    sx += x.at(i);
                    sy += y.at(i);
                    n += 1;
                }
            long double vx = 0, vy = 0;
            for (std::int64_t i = 0; i < x.size(); ++i)
                if ((i / shape[2]) % shape[1] == c) {
                    vx += (x.at(i) - sx / n) * (x.at(i) - sx / n);
                    vy += (y.at(i) - sy / n) * (y.at(i) - sy / n);
                }
            vx /= n;
            vy /= n;
            QVERIFY(std::fabs(double(sy / n)) < 1e-6); // β = 0
            QVERIFY2(std::fabs(double(vy - vx / (vx + eps))) < 1e-5,
                     qPrintable(QString::number(double(vy))));
            QVERIFY(vy < 1 && vy > 0.99); // "just under 1"
        }
        // 3.3: log|det J| per sample = Σ_c L (log|γ_c| − ½ log(σ_c² + ε)), equal for all.
        const auto plain = RecomputeController::compute(stateAfterStep(flow, 2), 0);
        const Tensor& logdet = plain->result.logdet;
        QCOMPARE(logdet.size(), shape[0]);
        long double expected = 0;
        for (std::int64_t c = 0; c < shape[1]; ++c) {
            long double sum = 0, n = 0;
            for (std::int64_t i = 0; i < x.size(); ++i)
                if ((i / shape[2]) % shape[1] == c) sum += x.at(i), n += 1;
            long double v = 0;
            for (std::int64_t i = 0; i < x.size(); ++i)
                if ((i / shape[2]) % shape[1] == c) v += (x.at(i) - sum / n) * (x.at(i) - sum / n);
            expected += shape[2] * (0 - 0.5L * std::log(v / n + eps)); // γ = 1
        }
        for (std::int64_t n = 0; n < shape[0]; ++n)
            QVERIFY2(std::fabs(logdet.at(n) - double(expected)) <
                         1e-3 * std::fabs(double(expected)),
                     qPrintable(QString("%1 vs %2").arg(logdet.at(n)).arg(double(expected))));
    }

    // 6.2: PyTorch before 2.1 raises RuntimeError with these words at batch 1 (from PyTorch).
    {
        const QJsonObject f = facts["instance_norm_affine_mismatch_batch1"].toObject();
        QCOMPARE(f["exception"].toString(), QString("RuntimeError"));
        const Lesson& mismatch = lessonWithId(lessons, "instance_norm_mismatch");
        QVERIFY(mismatch.steps[1].text.contains(f["message"].toString()));
        QCOMPARE(mismatch.steps[0].setup->state.recipe.shape[0], std::int64_t(1)); // batch 1
    }
    // The finding explanations: single_spatial_element raises in training and in eval;
    // eps = 0 is accepted.
    QCOMPARE(facts["single_spatial_element_eval"]["exception"].toString(), QString("ValueError"));
    QVERIFY(explainFindingCode(FindingCode::SingleSpatialElement).contains("in eval"));
    QVERIFY(facts["eps_zero_accepted"].toBool());
    QVERIFY(explainFindingCode(FindingCode::EpsNotPositive).contains("PyTorch accepts it"));

    // 8.2 and 8.3: the precision lab's claims, recomputed from the data.
    const Lesson& precision = lessonWithId(lessons, "precision");
    for (int step : {1, 2}) {
        const auto out = RecomputeController::compute(stateAfterStep(precision, step), 0);
        const PrecisionReport r = precisionReport(out->state.spec, out->inputs);
        QVERIFY(r.error.empty());
        const std::vector<double> data = out->inputs.input.toVector();
        std::vector<double> rounded(data.size());
        for (std::size_t i = 0; i < data.size(); ++i) rounded[i] = double(float(data[i]));
        const Tensor slices = sliceIndexMap(out->state.spec, out->inputs);
        const std::int64_t k = r.reference.size();
        const auto exact = exactVariances(data, slices, k);
        const auto exactOfFloat = exactVariances(rounded, slices, k);
        // The naive formulas, here: float sums of float(x), double sums of x.
        const auto slicesCount = static_cast<std::size_t>(k);
        std::vector<float> s32(slicesCount, 0), q32(slicesCount, 0), n32(slicesCount, 0);
        std::vector<double> s64(slicesCount, 0), q64(slicesCount, 0);
        for (std::size_t i = 0; i < data.size(); ++i) {
            const auto s = std::size_t(slices.at(std::int64_t(i)));
            const float v = float(data[i]);
            s32[s] += v, q32[s] += v * v, n32[s] += 1;
            s64[s] += data[i], q64[s] += data[i] * data[i];
        }
        double worstNaive32 = 0, worstNaive64 = 0, bestFloat32 = INFINITY;
        int negative32 = 0;
        for (std::int64_t s = 0; s < k; ++s) {
            const auto u = std::size_t(s);
            const double truth = double(exact[u]);
            QVERIFY(std::fabs(r.reference.at(s) - truth) <= 1e-9 * truth);
            const float m = s32[u] / n32[u];
            const double naive32 = double(q32[u] / n32[u] - m * m);
            const double m64 = s64[u] / double(n32[u]);
            const double naive64 = q64[u] / double(n32[u]) - m64 * m64;
            QCOMPARE(r.naive32.at(s), naive32);
            QCOMPARE(r.naive64.at(s), naive64);
            negative32 += naive32 < 0;
            worstNaive32 = std::max(worstNaive32, std::fabs(naive32 - truth) / truth);
            worstNaive64 = std::max(worstNaive64, std::fabs(naive64 - truth) / truth);
            // The float32 methods can do no better than the variance of float(x).
            for (const Tensor* t : {&r.twoPass32, &r.welford32, &r.normlab32})
                bestFloat32 = std::min(bestFloat32, std::fabs(t->at(s) - truth) / truth);
            if (step == 1) { // 8.2: the stable float32 methods stay accurate at 10⁴
                for (const Tensor* t : {&r.twoPass32, &r.welford32, &r.normlab32})
                    QVERIFY2(std::fabs(t->at(s) - truth) / truth < 1e-2,
                             qPrintable(QString::number(t->at(s))));
            } else {
                QVERIFY(std::fabs(double(exactOfFloat[u]) - truth) / truth >
                        0.5); // lost in storage
            }
        }
        if (step == 1) {
            QVERIFY2(worstNaive32 > 1.0 && negative32 > 0,
                     qPrintable(QString::number(worstNaive32))); // "> 100%, some negative"
            QVERIFY(worstNaive64 < 1e-6);                        // float64 copes at 10⁴
        } else {
            QVERIFY2(worstNaive64 > 0.1,
                     qPrintable(QString::number(worstNaive64))); // 8.3: fails at 10⁸
            QVERIFY2(bestFloat32 > 0.5,
                     qPrintable(QString::number(bestFloat32))); // every float32 method
        }
    }

    // 10: per-token LayerNorm on [N, L, C]: slices, and what padding can change.
    const Lesson& transformer = lessonWithId(lessons, "transformer_layer_norm");
    {
        const auto perToken = RecomputeController::compute(stateAfterStep(transformer, 0), 0);
        const Tensor& x = perToken->inputs.input;
        QCOMPARE(x.shape(), (Shape{2, 6, 8}));
        QCOMPARE(perToken->result.count.size(), 12); // "12 slices (2 x 6) of 8 elements"
        for (std::int64_t s = 0; s < 12; ++s) QCOMPARE(perToken->result.count.at(s), 8.0);
        // Each token's output is its own 8 features normalised (closed form here).
        const double eps = *perToken->state.spec.eps;
        for (std::int64_t t = 0; t < 12; ++t) {
            long double mean = 0, var = 0;
            for (int c = 0; c < 8; ++c) mean += x.at(t * 8 + c) / 8.0L;
            for (int c = 0; c < 8; ++c)
                var += (x.at(t * 8 + c) - mean) * (x.at(t * 8 + c) - mean) / 8.0L;
            for (int c = 0; c < 8; ++c) {
                const double y = double((x.at(t * 8 + c) - mean) / std::sqrt(var + eps));
                QVERIFY(std::fabs(perToken->result.output.at(t * 8 + c) - y) < 1e-5);
            }
        }
        // Padding tokens 3-5 of sequence 1 changed: no real token's output moves per token;
        // over (L, C) the real tokens of that sequence move.
        const auto outputsWithPadding = [&](const NormSpec& spec, double padding) {
            NormInputs in = perToken->inputs;
            in.input = x.castTo(DType::Float32);
            for (std::int64_t l = 3; l < 6; ++l)
                for (int c = 0; c < 8; ++c) in.input.set((6 + l) * 8 + c, padding + c);
            return normalize(spec, in, cpuBackend()).output;
        };
        NormSpec sequence = perToken->state.spec;
        sequence.normalizedShape = {6, 8};
        for (const bool perTokenSpec : {true, false}) {
            const NormSpec spec = perTokenSpec ? perToken->state.spec : sequence;
            const Tensor a = outputsWithPadding(spec, 0.0), b = outputsWithPadding(spec, 50.0);
            double moved = 0;
            for (std::int64_t l = 0; l < 3; ++l)
                for (int c = 0; c < 8; ++c)
                    moved =
                        std::max(moved, std::fabs(a.at((6 + l) * 8 + c) - b.at((6 + l) * 8 + c)));
            QVERIFY2(perTokenSpec ? moved == 0 : moved > 0.1, qPrintable(QString::number(moved)));
        }
        const auto perSequence = RecomputeController::compute(stateAfterStep(transformer, 1), 0);
        QCOMPARE(perSequence->result.count.size(), 2); // "2 slices of 48"
        QCOMPARE(perSequence->result.count.at(1), 48.0);
        // BatchNorm1d on [N, L, C]: num_features 6, "6 slices of 16".
        const auto bn = RecomputeController::compute(stateAfterStep(transformer, 2), 0);
        QCOMPARE(bn->state.spec.numFeatures.value_or(-1), 6);
        QCOMPARE(bn->result.count.size(), 6);
        QCOMPARE(bn->result.count.at(0), 16.0);
        QVERIFY(transformer.steps[2].text.contains("6 slices of 16"));
        // After the transpose, [N, C, L]: padding enters the channel statistics unless the
        // lengths mask it.
        NormSpec channels = NormSpec::defaultsFor(Variant::BatchNorm);
        channels.numFeatures = 8;
        const auto realOutputs = [&](double padding, bool masked) {
            NormInputs in;
            in.input = Tensor::uninitialized({2, 8, 6}, DType::Float32);
            for (std::int64_t i = 0; i < in.input.size(); ++i)
                in.input.set(i, i % 6 >= 3 && i >= 48 ? padding : std::sin(double(i)));
            if (masked) in.lengths = Tensor::fromValues({2}, DType::Int64, {6, 3});
            return normalize(channels, in, cpuBackend()).output;
        };
        for (const bool masked : {false, true}) {
            const Tensor a = realOutputs(0.0, masked), b = realOutputs(50.0, masked);
            QVERIFY(masked ? std::fabs(a.at(0) - b.at(0)) == 0
                           : std::fabs(a.at(0) - b.at(0)) > 0.1);
        }
    }

    // 11: scale invariance: spread 10 leaves y, divides dx by 10; γ = 0 outputs β, dx 0.
    const Lesson& scale = lessonWithId(lessons, "scale_invariance");
    {
        ComputeNeeds gradients;
        gradients.inverse = false;
        gradients.histograms = false;
        const auto one =
            RecomputeController::compute(stateAfterStep(scale, 0), 0, nullptr, gradients);
        const auto ten =
            RecomputeController::compute(stateAfterStep(scale, 1), 0, nullptr, gradients);
        QCOMPARE(ten->state.recipe.spread, 10.0);
        QCOMPARE(ten->state.recipe.seed, one->state.recipe.seed);
        double outputGap = 0, dx1 = 0, dx10 = 0;
        for (std::int64_t i = 0; i < one->result.output.size(); ++i) {
            outputGap =
                std::max(outputGap, std::fabs(one->result.output.at(i) - ten->result.output.at(i)));
            dx1 += std::fabs(one->result.gradInput.at(i));
            dx10 += std::fabs(ten->result.gradInput.at(i));
        }
        QVERIFY2(outputGap < 1e-4,
                 qPrintable(QString::number(outputGap))); // "the same (up to eps)"
        QVERIFY2(std::fabs(dx1 / dx10 - 10) < 1e-2, qPrintable(QString::number(dx1 / dx10)));
        QVERIFY(scale.steps[1].text.contains("dx is 10 times smaller"));
        // 11.2: the effective learning rate depends on the optimiser. A scale-invariant loss in
        // closed form, L(w) = (a·w)² / |w|², w and a from the step's input: scaling w by c = 10
        // divides SGD's relative step lr |∇L| / |w| by c², Adam's (its first step, from m = v =
        // 0: m̂ = g, v̂ = g²) by c only.
        {
            std::vector<double> w(8), a(8);
            for (std::size_t i = 0; i < 8; ++i)
                w[i] = one->inputs.input.at(std::int64_t(i)),
                a[i] = one->inputs.input.at(std::int64_t(i + 8));
            const auto dot = [](const std::vector<double>& p, const std::vector<double>& q) {
                double s = 0;
                for (std::size_t i = 0; i < p.size(); ++i) s += p[i] * q[i];
                return s;
            };
            const auto loss = [&](const std::vector<double>& v) {
                return dot(a, v) * dot(a, v) / dot(v, v);
            };
            const double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, adamEps = 1e-8;
            double sgd[2] = {}, adam[2] = {};
            for (const int k : {0, 1}) {
                const double c = k == 0 ? 1.0 : 10.0;
                std::vector<double> v(8), g(8), step(8);
                for (std::size_t i = 0; i < 8; ++i) v[i] = c * w[i];
                const double av = dot(a, v), vv = dot(v, v);
                for (std::size_t i = 0; i < 8; ++i) g[i] = 2 * av / vv * (a[i] - av * v[i] / vv);
                QVERIFY(std::fabs(loss(v) - loss(w)) <= 1e-12 * loss(w)); // scale-invariant
                QVERIFY(std::fabs(dot(g, v)) <= 1e-12 * std::sqrt(dot(g, g) * vv)); // ∇L ⊥ w
                sgd[k] = lr * std::sqrt(dot(g, g)) / std::sqrt(vv);
                for (std::size_t i = 0; i < 8; ++i) {
                    const double mHat = (1 - beta1) * g[i] / (1 - beta1);
                    const double vHat = (1 - beta2) * g[i] * g[i] / (1 - beta2);
                    step[i] = lr * mHat / (std::sqrt(vHat) + adamEps);
                }
                adam[k] = std::sqrt(dot(step, step)) / std::sqrt(vv);
            }
            QVERIFY2(std::fabs(sgd[0] / sgd[1] - 100) < 1e-6 * 100,
                     qPrintable(QString::number(sgd[0] / sgd[1])));
            QVERIFY2(std::fabs(adam[0] / adam[1] - 10) < 1e-4 * 10,
                     qPrintable(QString::number(adam[0] / adam[1])));
            const QString text = scale.steps[1].text;
            QVERIFY(text.contains("With plain SGD") && text.contains("about lr/|w|²"));
            QVERIFY(text.contains("Adam") && text.contains("an effective rate of about lr/|w|."));
            QVERIFY(text.contains(QString("divides SGD's relative step by %1, Adam's by %2.")
                                      .arg(qRound(sgd[0] / sgd[1]))
                                      .arg(qRound(adam[0] / adam[1]))));
        }
        // γ = 0: the output is β (0) and dx through the normalisation is 0.
        NormInputs in = one->inputs;
        in.weight = Tensor::filled({8}, DType::Float32, 0.0);
        in.bias = Tensor::filled({8}, DType::Float32, 0.0);
        std::mt19937_64 rng(4);
        in.gradOutput = Tensor::uninitialized(in.input.shape(), DType::Float32);
        std::normal_distribution<double> normal;
        for (std::int64_t i = 0; i < in.gradOutput.size(); ++i) in.gradOutput.set(i, normal(rng));
        const NormResult zero = normalize(one->state.spec, in, cpuBackend());
        QVERIFY(zero.ok());
        for (std::int64_t i = 0; i < zero.output.size(); ++i) {
            QCOMPARE(zero.output.at(i), 0.0);
            QCOMPARE(zero.gradInput.at(i), 0.0);
        }
    }

    // 9.1: without γ and eps, J = (1/σ) P with P the projection removing the mean and the
    // normalised x: P² = P, P 1 = 0, P x̂ = 0.
    {
        WorkbenchState noEps = stateAfterStep(lessonWithId(lessons, "backward_geometry"), 0);
        QVERIFY(!noEps.spec.affine);
        noEps.spec.eps = 0.0;
        const auto out = RecomputeController::compute(noEps, 0);
        const SliceJacobian jac = sliceJacobian(out->state.spec, out->inputs, out->result, 0);
        QVERIFY(jac.error.empty());
        const int n = 8;
        std::vector<double> P(64), xhat(8);
        for (int i = 0; i < 64; ++i) P[std::size_t(i)] = jac.matrix[std::size_t(i)] / jac.rstd;
        for (int i = 0; i < n; ++i)
            xhat[std::size_t(i)] = (out->inputs.input.at(i) - jac.mean) * jac.rstd;
        for (int i = 0; i < n; ++i) {
            double row = 0, alongX = 0;
            for (int j = 0; j < n; ++j) {
                double square = 0;
                for (int k = 0; k < n; ++k)
                    square += P[std::size_t(i * n + k)] * P[std::size_t(k * n + j)];
                QVERIFY(std::fabs(square - P[std::size_t(i * n + j)]) < 1e-10);
                QVERIFY(std::fabs(P[std::size_t(i * n + j)] - P[std::size_t(j * n + i)]) < 1e-12);
                row += P[std::size_t(i * n + j)];
                alongX += P[std::size_t(i * n + j)] * xhat[std::size_t(j)];
            }
            QVERIFY(std::fabs(row) < 1e-10 && std::fabs(alongX) < 1e-10);
        }
    }
    // 10.4: LayerNorm's Jacobian for one token (slice 0) against the float64 closed form from
    // the token's own 8 features: n - 2 = 6 singular values γ r, the radial one
    // γ r eps / (var + eps), and 0 (the mean direction), r = 1 / sqrt(var + eps).
    {
        const auto ln = RecomputeController::compute(stateAfterStep(transformer, 3), 0);
        const SliceJacobian jac = sliceJacobian(ln->state.spec, ln->inputs, ln->result, 0);
        QVERIFY(jac.error.empty() && jac.validElements == 8);
        const Tensor& x = ln->inputs.input;
        long double mean = 0, var = 0;
        for (int i = 0; i < 8; ++i) mean += x.at(i) / 8.0L;
        for (int i = 0; i < 8; ++i) var += (x.at(i) - mean) * (x.at(i) - mean) / 8.0L;
        const double eps = *ln->state.spec.eps, v = double(var);
        const Tensor& weight = ln->inputs.weight;
        const double gamma = weight.isNull() ? 1.0 : weight.at(0);
        for (std::int64_t i = 0; !weight.isNull() && i < weight.size(); ++i)
            QCOMPARE(weight.at(i), gamma); // one γ: the closed form below holds
        const double r = 1 / std::sqrt(v + eps), radial = gamma * r * eps / (v + eps);
        const std::vector<double>& sigma = jac.singularValues;
        QCOMPARE(int(sigma.size()), 8);
        for (int i = 0; i < 6; ++i)
            QVERIFY(std::fabs(sigma[std::size_t(i)] - gamma * r) < 1e-9 * gamma * r);
        QVERIFY2(std::fabs(sigma[6] - radial) < 1e-3 * radial, qPrintable(QString::number(sigma[6])));
        QVERIFY(sigma[7] < 1e-12 * sigma[0]);
        const QString text = transformer.steps[3].text;
        QVERIFY(text.contains("Of its 8 singular values, one is 0"));
        QVERIFY2(text.contains("one is about " + timesTenTo(radial)), qPrintable(timesTenTo(radial)));
        QVERIFY2(text.contains("only the other 6 pass the gradient on, scaled by γ/√(σ² + ε), here " +
                               QString::number(gamma * r, 'f', 3)),
                 qPrintable(QString::number(gamma * r, 'f', 3)));
        QVERIFY(text.contains("GPT-2's <code>ln_f</code>") && text.contains("Xiong et al. (2020)"));
        QVERIFY(!text.contains("without passing through any LayerNorm"));
    }

    // 12: Keras momentum, train vs eval, float16 and bfloat16.
    const Lesson& practice = lessonWithId(lessons, "batch_norm_practice");
    {
        const auto keras = RecomputeController::compute(stateAfterStep(practice, 0), 0);
        QCOMPARE(keras->state.spec.momentum.value_or(-1), 0.01);
        const Tensor& x = keras->inputs.input; // [2, 4, 16]
        for (std::int64_t c = 0; c < 4; ++c) {
            long double sum = 0;
            for (std::int64_t n = 0; n < 2; ++n)
                for (std::int64_t l = 0; l < 16; ++l) sum += x.at((n * 4 + c) * 16 + l);
            // From running_mean 0: (1 - 0.01) * 0 + 0.01 * batch mean.
            QVERIFY(std::fabs(keras->result.runningMean.at(c) - 0.01 * double(sum / 32)) < 1e-7);
        }
        const double halfLife01 = std::log(0.5) / std::log(1 - 0.1);
        const double halfLife001 = std::log(0.5) / std::log(1 - 0.01);
        QVERIFY(halfLife01 < 7 && std::fabs(halfLife001 - 69) < 0.5);
        QVERIFY(practice.steps[0].text.contains("under 7") &&
                practice.steps[0].text.contains("about 69"));
        // 12.1: the running variances are not the same update. PyTorch's running_var takes the
        // unbiased batch variance (NormLab follows it), Keras's moving_variance the biased one:
        // from 1, 0.99 + 0.01 v each, n / (n - 1) apart with n = 2 x 16 values per channel.
        {
            const QString text = practice.steps[0].text;
            const std::int64_t n = x.shape()[0] * x.shape()[2];
            QCOMPARE(n, std::int64_t(32));
            QVERIFY(text.contains("n = 2 × 16 = 32") &&
                    text.contains(QString("32/31 ≈ %1").arg(double(n) / double(n - 1), 0, 'f', 3)));
            QVERIFY(text.contains("Keras updates <code>moving_variance</code> with the biased"));
            for (std::int64_t c = 0; c < 4; ++c) {
                long double sum = 0, sq = 0;
                for (std::int64_t b = 0; b < 2; ++b)
                    for (std::int64_t l = 0; l < 16; ++l) sum += x.at((b * 4 + c) * 16 + l);
                const long double mean = sum / n;
                for (std::int64_t b = 0; b < 2; ++b)
                    for (std::int64_t l = 0; l < 16; ++l)
                        sq += (x.at((b * 4 + c) * 16 + l) - mean) * (x.at((b * 4 + c) * 16 + l) - mean);
                const double biased = double(sq / n), unbiased = double(sq / (n - 1));
                QVERIFY(std::fabs(unbiased / biased - 32.0 / 31.0) < 1e-12);
                const double torchVar = 0.99 * 1 + 0.01 * unbiased, kerasVar = 0.99 * 1 + 0.01 * biased;
                const double got = keras->result.runningVar.at(c);
                QVERIFY2(std::fabs(got - torchVar) < 1e-6, qPrintable(QString::number(got)));
                QVERIFY(std::fabs(got - kerasVar) > 1e-4); // visibly not Keras's update
                if (c == 0)
                    QVERIFY2(text.contains(QString("becomes %1 in PyTorch and %2 in Keras")
                                               .arg(torchVar, 0, 'f', 5)
                                               .arg(kerasVar, 0, 'f', 5)),
                             qPrintable(QString("%1 %2").arg(torchVar, 0, 'f', 5).arg(kerasVar, 0, 'f', 5)));
            }
        }
        const auto eval = RecomputeController::compute(stateAfterStep(practice, 1), 0);
        QVERIFY(!eval->state.spec.training);
        double gap = 0;
        for (std::int64_t i = 0; i < eval->result.output.size(); ++i)
            gap = std::max(gap, std::fabs(eval->result.output.at(i) - keras->result.output.at(i)));
        QVERIFY(gap > 0.1); // train and eval outputs differ
        // 12.3 (mean 300) and 12.4 (mean 40): float16 and bfloat16 on the step's slices of 64
        // values (InstanceNorm over [4, 8, 64]), against long double variances computed here
        // and a bfloat16 rounding of our own.
        const auto low = RecomputeController::compute(stateAfterStep(practice, 2), 0);
        const auto low40 = RecomputeController::compute(stateAfterStep(practice, 3), 0);
        QCOMPARE(low->state.recipe.mean, 300.0);
        QCOMPARE(low40->state.recipe.mean, 40.0);
        QCOMPARE(low40->state.recipe.spread, low->state.recipe.spread);
        QCOMPARE(low40->state.recipe.seed, low->state.recipe.seed);
        const QString text3 = practice.steps[2].text, text4 = practice.steps[3].text;
        QCOMPARE(low->inputs.input.shape(), (Shape{4, 8, 64}));
        const std::int64_t n = low->inputs.input.shape()[2]; // one slice: one sample's channel
        const std::int64_t slicesCount = low->inputs.input.shape()[0] * low->inputs.input.shape()[1];
        // The float16 sum of n squares overflows once n E[x²] > 65504: from |x| ≈ sqrt(65504 / n).
        QVERIFY(255.0 * 255.0 < 65504 && 256.0 * 256.0 > 65504 && text3.contains("from |x| = 256"));
        const double threshold = std::sqrt(65504.0 / double(n));
        QVERIFY2(std::fabs(threshold - 32) < 0.5, qPrintable(QString::number(threshold)));
        QVERIFY(text3.contains("n·E[x²] &gt; 65504") && // the step text is escaped rich text
                text3.contains("slices of 64 values, from |x| ≈ 32") &&
                text3.contains("65504/64 ≈ 32²"));
        for (const int which : {0, 1}) {
            const auto& out = which == 0 ? low : low40;
            const double mean = out->state.recipe.mean;
            const PrecisionReport r = precisionReport(out->state.spec, out->inputs);
            QVERIFY(r.error.empty());
            QCOMPARE(r.reference.size(), slicesCount);
            const Tensor& xs = out->inputs.input;
            std::vector<double> inputRounding;
            double worstBf16 = 0, worstExactSums = 0, worstFloat32Sums = 0, minSumOfSquares = INFINITY,
                   maxSquare = 0, minValue = INFINITY, maxValue = 0, meanSliceSum = 0;
            for (std::int64_t s = 0; s < slicesCount; ++s) {
                std::vector<double> values(static_cast<std::size_t>(n)),
                    rounded(static_cast<std::size_t>(n));
                long double sumOfSquares = 0, sliceSum = 0;
                for (std::int64_t i = 0; i < n; ++i) {
                    const double v = xs.at(s * n + i);
                    values[std::size_t(i)] = v;
                    rounded[std::size_t(i)] = bfloat16Here(v);
                    sumOfSquares += (long double)v * v;
                    sliceSum += v;
                    maxSquare = std::max(maxSquare, v * v);
                    minValue = std::min(minValue, v), maxValue = std::max(maxValue, v);
                }
                meanSliceSum += double(sliceSum) / double(slicesCount);
                minSumOfSquares = std::min(minSumOfSquares, double(sumOfSquares));
                const double truth = exactVarianceOf(values);
                QVERIFY(std::fabs(r.reference.at(s) - truth) <= 1e-9 * truth); // the same slices
                QVERIFY(!std::isfinite(r.naive16.at(s))); // "not finite in every slice"
                // The bfloat16 two-pass method, every value and partial sum rounded: ours
                // gives the lab's value exactly.
                const double bf16 = twoPassRounded(values, bfloat16Here);
                QCOMPARE(r.twoPassBf16.at(s), bf16);
                worstBf16 = std::max(worstBf16, std::fabs(bf16 - truth) / truth);
                // Rounding the input alone: the exact variance of the rounded values.
                const double ofRounded = exactVarianceOf(rounded);
                inputRounding.push_back(std::fabs(ofRounded - truth) / truth);
                worstExactSums = std::max(worstExactSums, inputRounding.back());
                // The same bfloat16 values summed in float32.
                const double float32Sums = twoPassRounded(rounded, float32Here);
                QVERIFY(std::fabs(float32Sums - ofRounded) <= 1e-4 * ofRounded);
                worstFloat32Sums = std::max(worstFloat32Sums, std::fabs(float32Sums - truth) / truth);
            }
            const double median = medianOf(inputRounding);
            // Every value lies in one binade of bfloat16, with the step the text names.
            const double spacing = bfloat16Spacing(mean);
            QCOMPARE(bfloat16Spacing(minValue), spacing);
            QCOMPARE(bfloat16Spacing(maxValue), spacing);
            QCOMPARE(bfloat16Here(mean + spacing), mean + spacing);
            QVERIFY(bfloat16Here(mean + spacing / 2) != mean + spacing / 2);
            const QString report = QString("median %1 worst %2 exact sums %3 float32 sums %4")
                                       .arg(median).arg(worstBf16).arg(worstExactSums)
                                       .arg(worstFloat32Sums);
            if (which == 0) { // 12.3, mean 300
                QCOMPARE(spacing, 2.0);
                QVERIFY(text3.contains("near 300 it holds numbers only in steps of 2"));
                QVERIFY2(std::fabs(median - 0.30) < 0.05 && text3.contains("about 30% of the variance"),
                         qPrintable(report));
                QVERIFY2(worstBf16 > 1.0 && text3.contains("off by more than 100%"), qPrintable(report));
                QVERIFY2(worstExactSums < 1.0, qPrintable(report)); // the sums make it > 100%
                // The partial sums reach 64 × 300 = 19,200, where bfloat16 steps by 128.
                QVERIFY(std::fabs(meanSliceSum - double(n) * mean) < 0.01 * double(n) * mean);
                QCOMPARE(double(n) * mean, 19200.0);
                QCOMPARE(bfloat16Spacing(19200.0), 128.0);
                QCOMPARE(bfloat16Here(19200.0 + 128), 19200.0 + 128);
                QVERIFY(bfloat16Here(19200.0 + 64) != 19200.0 + 64);
                QVERIFY(text3.contains("near 19,200 (64 × 300) the sum moves in steps of 128"));
                QVERIFY(text3.contains("accumulate in float32"));
            } else { // 12.4, mean 40
                QCOMPARE(spacing, 0.25);
                QVERIFY(text4.contains("near 40 in steps of 0.25"));
                // No x² near 65504, but every slice's sum of squares beyond it.
                QVERIFY(maxSquare < 65504.0 / 16 && text4.contains("Every x² is now far below 65504"));
                QVERIFY2(minSumOfSquares > 100000 && text4.contains("more than 100,000"),
                         qPrintable(QString::number(minSumOfSquares)));
                QCOMPARE(double(n) * mean * mean, 102400.0);
                QVERIFY(text4.contains("64 × 40² = 102,400") && text4.contains("not finite in any slice"));
                QVERIFY2(qRound(median * 100) == 1 && text4.contains("about 1% of the variance"),
                         qPrintable(report));
                QVERIFY2(worstBf16 > 1.0 &&
                             text4.contains(QString("off by up to %1%").arg(qRound(worstBf16 * 100))),
                         qPrintable(report));
                // Summed in float32, only the input's rounding is left.
                QVERIFY2(worstFloat32Sums < 0.05 &&
                             std::fabs(worstFloat32Sums - worstExactSums) < 1e-3,
                         qPrintable(report));
                QVERIFY(text4.contains("summed in float32, the same bfloat16 values would leave only "
                                       "that rounding"));
            }
        }
        QCOMPARE(roundToBfloat16(300.0), 300.0); // the library's rounding agrees: steps of 2
        QCOMPARE(roundToBfloat16(302.0), 302.0);
        QVERIFY(roundToBfloat16(301.0) != 301.0);
        // ja: the grammar of "lost before any algorithm runs" (8.3, 12.3).
        for (const Lesson& l : loadLessons("ja"))
            for (const LessonStep& st : l.steps)
                QVERIFY2(!st.text.contains("どのアルゴリズムが動く前に"), qPrintable(l.id));
    }

    // 9: the Jacobian's ranks and values, against the closed forms computed here from the
    // slice's data (singular values r (n - 2 times), r eps / (var + eps), 0 for LayerNorm;
    // r (n - 1 times), r eps / (ms + eps) for RMSNorm), rank at numpy's tolerance.
    const Lesson& geometry = lessonWithId(lessons, "backward_geometry");
    const auto closedFormRank = [](std::vector<double> sigma) {
        const double tol = *std::max_element(sigma.begin(), sigma.end()) * double(sigma.size()) *
                           std::numeric_limits<double>::epsilon();
        return std::int64_t(
            std::count_if(sigma.begin(), sigma.end(), [&](double v) { return v > tol; }));
    };
    for (int step = 0; step < 4; ++step) {
        const auto out = RecomputeController::compute(stateAfterStep(geometry, step), 0);
        const SliceJacobian jac = sliceJacobian(out->state.spec, out->inputs, out->result, 0);
        QVERIFY2(jac.error.empty(), jac.error.c_str());
        const QString text = geometry.steps[std::size_t(step)].text;
        const Tensor& x = out->inputs.input;
        if (step <= 1) { // sample 0's 8 features
            QCOMPARE(jac.validElements, 8);
            long double mean = 0, var = 0, ms = 0;
            for (int i = 0; i < 8; ++i) mean += x.at(i) / 8.0L, ms += x.at(i) * x.at(i) / 8.0L;
            for (int i = 0; i < 8; ++i) var += (x.at(i) - mean) * (x.at(i) - mean) / 8.0L;
            if (step == 0) {
                const double eps = *out->state.spec.eps, v = double(var);
                const double r = 1 / std::sqrt(v + eps), radial = r * eps / (v + eps);
                std::vector<double> sigma(6, r);
                sigma.push_back(radial);
                sigma.push_back(0.0);
                QCOMPARE(closedFormRank(sigma), std::int64_t(7));
                QCOMPARE(jac.rank, std::int64_t(7));
                QVERIFY(text.contains("the rank is 7 of 8"));
                QVERIFY2(radial > 1e-6 && radial < 1e-4, qPrintable(QString::number(radial)));
                QVERIFY(text.contains("about 10⁻⁵"));
                for (int i = 0; i < 8; ++i) { // rows sum to 0
                    double row = 0;
                    for (int j = 0; j < 8; ++j) row += jac.matrix[std::size_t(i * 8 + j)];
                    QVERIFY(std::fabs(row) < 1e-12 * r);
                }
                double radius2 = 0, outMean = 0; // the sphere: sum y² = 8 var/(var + eps)
                for (int i = 0; i < 8; ++i)
                    radius2 += out->result.output.at(i) * out->result.output.at(i),
                        outMean += out->result.output.at(i) / 8;
                QVERIFY(std::fabs(radius2 - 8) < 1e-3 && std::fabs(outMean) < 1e-6);
            } else {
                QVERIFY(!out->state.spec.eps); // PyTorch's default: machine epsilon
                const double eps = std::numeric_limits<float>::epsilon(), m = double(ms);
                QCOMPARE(jac.eps, eps);
                QVERIFY(std::fabs(eps - 1.2e-7) < 0.01e-7 && text.contains("1.2·10⁻⁷"));
                const double r = 1 / std::sqrt(m + eps), radial = r * eps / (m + eps);
                std::vector<double> sigma(7, r);
                sigma.push_back(radial);
                QCOMPARE(closedFormRank(sigma), std::int64_t(8));
                QCOMPARE(jac.rank, std::int64_t(8));
                QVERIFY(text.contains("the rank is 8 of 8"));
                QVERIFY2(radial > 0.1 * eps && radial < 10 * eps, // "of the order of eps"
                         qPrintable(QString::number(radial)));
                QVERIFY(std::fabs(jac.singularValues.back() - radial) < 1e-3 * radial);
                QVERIFY2(text.contains("the singular value is about " + timesTenTo(radial)),
                         qPrintable(timesTenTo(radial)));
                QVERIFY(text.contains("PyTorch's <code>nn.RMSNorm</code> (2.4 and later)"));
                // LLaMA-style eps = 1e-6: the radial singular value of the same slice.
                WorkbenchState llama = stateAfterStep(geometry, step);
                llama.spec.eps = 1e-6;
                const auto l = RecomputeController::compute(llama, 0);
                const SliceJacobian lj = sliceJacobian(l->state.spec, l->inputs, l->result, 0);
                QVERIFY2(lj.error.empty(), lj.error.c_str());
                QCOMPARE(lj.eps, 1e-6);
                const double lr = 1 / std::sqrt(m + 1e-6), lRadial = lr * 1e-6 / (m + 1e-6);
                QVERIFY2(std::fabs(lj.singularValues.back() - lRadial) < 1e-3 * lRadial,
                         qPrintable(QString::number(lj.singularValues.back())));
                QVERIFY2(text.contains("set eps = 1e-6, which makes it about " +
                                       timesTenTo(lRadial)),
                         qPrintable(timesTenTo(lRadial)));
            }
        } else { // BatchNorm: feature 0 of the 4 samples
            QCOMPARE(jac.validElements, 4);
            QCOMPARE(out->inputs.input.shape(), (Shape{4, 8}));
            if (step == 2) {
                QCOMPARE(jac.rank, std::int64_t(3));
                QVERIFY(text.contains("The rank is 3 of 4"));
                QVERIFY(std::fabs(jac.matrix[1]) > 1e-3); // sample 0's dy/dx of sample 1
            } else {
                QVERIFY(jac.fixedStatistics);
                const double diagonal = 1 / std::sqrt(1 + *out->state.spec.eps); // γ = 1, var 1
                for (int i = 0; i < 4; ++i)
                    for (int j = 0; j < 4; ++j)
                        QVERIFY(std::fabs(jac.matrix[std::size_t(i * 4 + j)] -
                                          (i == j ? diagonal : 0.0)) < 1e-12);
            }
        }
    }
}

void WorkbenchTest::theCodeViewFollowsEveryEdit() {
    MainWindow w(false);
    w.show();
    waitIdle(w);
    QVERIFY(w.selectView("pytorch code"));
    QVERIFY(w.codeView()->code().contains("nn.BatchNorm1d(8,"));
    setVariant(w, Variant::GroupNorm);
    QVERIFY(w.codeView()->code().contains("nn.GroupNorm("));
    // Also while hidden: the snippet is written when asked for or shown.
    QVERIFY(w.selectView("slices"));
    w.inputPanel()->findChild<QLineEdit*>("lengths")->setText("16, 9, 1, 0");
    QVERIFY(w.codeView()->code().contains("lengths = torch.tensor((16, 9, 1, 0))"));
}

void WorkbenchTest::theCodeViewHighlightsPython() {
    QTextDocument doc;
    PythonHighlighter highlighter(&doc);
    doc.setPlainText(QStringLiteral("import torch  # a comment with 'quotes'\n"
                                    "x = torch.randn(2, 3) * 1e-5 + 0.5\n"
                                    "s = \"not # a comment\"\n"
                                    "doc = \"\"\"two\n"
                                    "lines, import\"\"\"\n"
                                    "print(len(s))"));
    highlighter.rehighlight(); // at once (the document otherwise waits for the event loop)
    // The colour at (line, column): each kind has its own; none for plain text.
    const auto colourAt = [&](int line, int column) {
        const QTextBlock block = doc.findBlockByNumber(line);
        for (const QTextLayout::FormatRange& r : block.layout()->formats())
            if (column >= r.start && column < r.start + r.length)
                return r.format.foreground().color();
        return QColor();
    };
    using K = PythonHighlighter::Kind;
    const auto colour = [&](K kind) { return highlighter.format(kind).foreground().color(); };
    QCOMPARE(colourAt(0, 0), colour(K::Keyword));  // import
    QCOMPARE(colourAt(0, 14), colour(K::Comment)); // # ...
    QCOMPARE(colourAt(0, 30), colour(K::Comment)); // 'quotes' inside the comment
    QCOMPARE(colourAt(1, 0), QColor());            // x
    QCOMPARE(colourAt(1, 16), colour(K::Number));  // 2
    QCOMPARE(colourAt(1, 26), colour(K::Number));  // 1e-5
    QCOMPARE(colourAt(1, 27), colour(K::Number));  // the 5 of 1e-5
    QCOMPARE(colourAt(1, 29), QColor());           // +
    QCOMPARE(colourAt(1, 32), colour(K::Number));  // 0.5
    QCOMPARE(colourAt(2, 10), colour(K::String));  // # inside a string
    QCOMPARE(colourAt(4, 7), colour(K::String));   // "import" inside """..."""
    QCOMPARE(colourAt(5, 0), colour(K::Builtin));  // print
    QVERIFY(highlighter.format(K::Keyword).fontWeight() == QFont::Bold);
    // The code view colours its snippet.
    MainWindow w(false);
    waitIdle(w);
    QVERIFY(w.selectView("pytorch code"));
    auto* code = w.findChild<QPlainTextEdit*>("code");
    QVERIFY(code && code->document()->findChild<PythonHighlighter*>());
}

void WorkbenchTest::aTeachersLessonFileRunsWithItsQuizzes() {
    const QString course = QStringLiteral(NORMLAB_SOURCE_DIR "/tests/lessons/course.json");
    const int builtIn = int(loadLessons("en").size());
    {
        MainWindow w;
        waitIdle(w);
        LessonPanel* panel = w.lessonPanel();
        QCOMPARE(w.openLessonsFile(course), QString());
        QCOMPARE(int(panel->lessons().size()), builtIn + 1);
        QCOMPARE(panel->lessonIndex(), builtIn); // its first lesson is open
        QCOMPARE(panel->quizCount(), 3);
        waitIdle(w);
        // Step 1: the valid elements of slice 3 of BatchNorm on [4, 8, 16] are N * L.
        const auto outcome = w.controller().current();
        const Shape shape = outcome->inputs.input.shape();
        QCOMPARE(shape, (Shape{4, 8, 16}));
        QVERIFY(!panel->answerQuiz("10"));
        QVERIFY(panel->feedback().contains("64"));
        QVERIFY(panel->answerQuiz(QString::number(shape[0] * shape[2])));
        // Step 2: after "Show me", LayerNorm over (C, L) has one slice per sample.
        panel->next();
        w.lessonPanel()->findChild<QPushButton*>("lessonShowMe")->click();
        waitIdle(w);
        QVERIFY(panel->stepDone() ||
                (w.lessonPanel()->updateCheck(w.state(), w.currentViewId()), panel->stepDone()));
        QCOMPARE(w.controller().current()->result.mean.size(), shape[0]);
        QVERIFY(panel->answerQuiz("0"));
        // Step 3: running_var = 0.9 * 1 + 0.1 * unbiased variance of channel 0, computed here.
        panel->next();
        waitIdle(w);
        const auto step3 = w.controller().current();
        const Tensor& x = step3->inputs.input;
        QCOMPARE(x.shape(), (Shape{2, 4, 16}));
        long double sum = 0, squares = 0;
        std::vector<double> channel0;
        for (std::int64_t n = 0; n < 2; ++n)
            for (std::int64_t l = 0; l < 16; ++l) channel0.push_back(x.at((n * 4 + 0) * 16 + l));
        for (double v : channel0) sum += v;
        const long double mean = sum / channel0.size();
        for (double v : channel0) squares += (v - mean) * (v - mean);
        const double expected = 0.9 * 1.0 + 0.1 * double(squares / (channel0.size() - 1));
        QVERIFY(!panel->answerQuiz(QString::number(expected * 1.5)));
        QVERIFY(panel->answerQuiz(QString::number(expected, 'g', 4)));
        QCOMPARE(panel->quizScore(), 1); // only step 2 was right at the first try
        QVERIFY(panel->findChild<QLabel*>("quizScore")->isVisible() ||
                !panel->isVisible()); // shown on the last step (hidden when the dock is)
        QVERIFY(panel->findChild<QLabel*>("quizScore")->text().contains("1 of 3"));
    }
    // Another start lists it again.
    MainWindow again;
    waitIdle(again);
    QCOMPARE(int(again.lessonPanel()->lessons().size()), builtIn + 1);
    QCOMPARE(again.lessonPanel()->lessonSource(builtIn), QFileInfo(course).absoluteFilePath());
    QSettings().remove("lessons/files"); // later tests start with the built-in lessons only
    // Dropped on a window, the file opens too.
    MainWindow dropped(false);
    waitIdle(dropped);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(course)});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&dropped, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&dropped, &drop);
    QCOMPARE(int(dropped.lessonPanel()->lessons().size()), builtIn + 1);
    QSettings().remove("lessons/files");
}

void WorkbenchTest::badLessonFilesAreRefusedAndChangeNothing() {
    QTemporaryDir dir;
    const QByteArray good = [] {
        QFile f(QStringLiteral(NORMLAB_SOURCE_DIR "/tests/lessons/course.json"));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();
    QVERIFY(!good.isEmpty());
    struct Bad {
        const char* name;
        QByteArray bytes;
        const char* says;
    };
    QByteArray unknownKey = good, badAnswer = good, badTolerance = good, noText = good,
               noVariant = good, noView = good, longText = good;
    noVariant.replace("\"expect\": {\"variant\": \"layer_norm\"",
                      "\"expect\": {\"variant\": \"layer_normal\"");
    noView.replace("\"expect\": {\"variant\": \"layer_norm\"",
                   "\"expect\": {\"view\": \"histogramz\", \"variant\": \"layer_norm\"");
    longText.replace("\"en\": \"Choose layer_norm",
                     "\"en\": \"" + QByteArray(kMaxStepTextChars, 'w') + " Choose layer_norm");
    unknownKey.replace("\"normalized_shape\": [8, 16]}",
                       "\"normalized_shape\": [8, 16], \"colour\": 1}");
    badAnswer.replace("\"answer\": 0", "\"answer\": 7");
    badTolerance.replace("\"tolerance\": 0.01", "\"tolerance\": 0");
    noText.replace("\"en\": \"Choose layer_norm", "\"fr\": \"Choose layer_norm");
    const Bad bad[] = {
        {"garbage.json", "\x89PNG not json", "not a lessons file"},
        {"session.json", "{\"normlab_session\": 1}", "not a lessons file"},
        {"empty.json", "{\"normlab_lessons\": 1, \"lessons\": []}", "no lesson"},
        {"unknown_key.json", unknownKey, "unknown task key \"colour\""},
        {"bad_answer.json", badAnswer, "answer"},
        {"bad_tolerance.json", badTolerance, "tolerance"},
        {"no_text.json", noText, "lesson 1, step 2: no English text"},
        {"deep.json", QByteArray(100000, '['), "not a lessons file"},
        {"no_variant.json", noVariant, "\"layer_normal\", which is no variant"},
        {"no_view.json", noView, "\"histogramz\", which is no view"},
        {"long_text.json", longText, "longer than"},
    };
    MainWindow w(false);
    waitIdle(w);
    const int before = int(w.lessonPanel()->lessons().size());
    const WorkbenchState state = w.state();
    for (const Bad& b : bad) {
        const QString path = dir.filePath(b.name);
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(b.bytes);
        f.close();
        const QString error = w.openLessonsFile(path);
        QVERIFY2(error.contains(b.says), qPrintable(QString(b.name) + ": " + error));
        QCOMPARE(int(w.lessonPanel()->lessons().size()), before);
    }
    QVERIFY(!w.openLessonsFile(dir.filePath("missing.json")).isEmpty());
    // Larger than the limit: refused before it is read.
    QFile big(dir.filePath("big.json"));
    QVERIFY(big.open(QIODevice::WriteOnly) && big.resize(kMaxLessonsFileBytes + 1));
    big.close();
    QVERIFY(w.openLessonsFile(big.fileName()).contains("larger than"));
    QCOMPARE(int(w.lessonPanel()->lessons().size()), before);
    QCOMPARE(w.state().recipe, state.recipe);
    QVERIFY(QSettings().value("lessons/files").toStringList().isEmpty());
}

// Lesson text reaches the renderer with <b> <i> <code> <br> only: an <img> of /dev/zero or a
// FIFO, nested tables and stylesheets arrive as visible text, never as markup; the built-in
// lessons' own markup is kept.
void WorkbenchTest::lessonTextReachesTheRendererRestricted() {
    QByteArray hostile = R"({"normlab_lessons": 1, "lessons": [{"id": "h", "title": {"en": "H"},
        "steps": [{"text": {"en": "<b>bold</b> <img src=\"/dev/zero\"> <table><tr><td><table>x</table></td></tr></table> <style>p{}</style> <code>a < b</code><br/>end <i>i</i>"},
                   "quiz": {"choices": [{"en": "a"}, {"en": "b"}], "answer": 0,
                            "explain": {"en": "<img src='/tmp/fifo'>why"}}}]}]})";
    QString error;
    const std::vector<Lesson> lessons = lessonsFromJson(hostile, "en", &error);
    QVERIFY2(lessons.size() == 1, qPrintable(error));
    const QString text = lessons[0].steps[0].text;
    for (const char* refused : {"<img", "<table", "<style", "<td", "<tr"})
        QVERIFY2(!text.contains(refused, Qt::CaseInsensitive), qPrintable(text));
    for (const char* kept :
         {"<b>bold</b>", "<code>a &lt; b</code>", "<br>end", "<i>i</i>", "&lt;img"})
        QVERIFY2(text.contains(kept), qPrintable(text));
    QVERIFY(!lessons[0].steps[0].quiz.explain.contains("<img"));
    // Rendering it loads nothing and is quick (a layout, not a hang).
    QTextDocument doc;
    doc.setHtml(text);
    QVERIFY(doc.toPlainText().contains("<img src=\"/dev/zero\">"));
    for (const Lesson& builtIn : loadLessons("en"))
        for (const LessonStep& step : builtIn.steps)
            QVERIFY2(!step.text.contains("&lt;b&gt;") && !step.text.contains("&lt;code&gt;"),
                     qPrintable(step.text));
}

void WorkbenchTest::everyMainWindowViewHasAKnownId() {
    MainWindow w(false);
    for (const char* id : kViewIds) {
        QVERIFY2(w.selectView(id), id);
        QCOMPARE(w.currentViewId(), QString(id));
    }
    QCOMPARE(w.findChild<QTabWidget*>()->count(), int(kViewIds.size()));
}

// The founding case pasted with the shape field empty: both InstanceNorm2d(1024) are
// warned at their layers (the channels come from the Conv2d before each, in nn.Sequential).
void WorkbenchTest::debuggerAnalysesWithoutAnInputShape() {
    DebuggerView view;
    view.setInputShape("");
    view.setTorchVersion("2.4");
    view.setModelText(
        "XXXNet(\n  (Encoder): Sequential(\n"
        "    (0): Conv2d(256, 512, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
        "    (1): InstanceNorm2d(1024, eps=1e-05, momentum=0.1, affine=False, "
        "track_running_stats=False)\n"
        "    ... ...\n"
        "    (3): Conv2d(512, 512, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
        "    (4): InstanceNorm2d(1024, eps=1e-05, momentum=0.1, affine=False, "
        "track_running_stats=False)\n  )\n)\n");
    QVERIFY(view.analyse());
    QStringList warned;
    for (const Finding& f : view.report().findings)
        if (f.severity == Severity::Warning) warned << QString::fromStdString(f.layer);
    QCOMPARE(warned, (QStringList{"Encoder.1", "Encoder.4"}));
}

// A drifted BatchNorm in a trained network (tests/captures/trained/drifted): once every
// layer's health is in, the dock names it as the first divergence and selects it; the later
// layer's row says it is inherited.
void WorkbenchTest::theCaptureDockNamesWhereTheTroubleStarts() {
    MainWindow w(false);
    waitIdle(w);
    QSignalSpy done(w.captureDock(), &CaptureDock::healthFinished);
    QCOMPARE(w.openCapture(QStringLiteral(NORMLAB_SOURCE_DIR "/tests/captures/trained/drifted")),
             QString());
    QVERIFY(done.wait(20000));
    auto* status = w.captureDock()->findChild<QLabel*>("captureStatus");
    QVERIFY2(status->text().contains("The trouble starts at bn2"), qPrintable(status->text()));
    QTableWidget* table = w.captureDock()->table();
    QCOMPARE(table->currentRow(), 1);
    QVERIFY2(table->item(2, 4)->toolTip().contains("inherited from bn2"),
             qPrintable(table->item(2, 4)->toolTip()));
}

// A capture made with --generate normal records it; the Capture dock says the statistics are
// of generated data, and a capture of real data says nothing of the kind.
void WorkbenchTest::aCaptureOfGeneratedDataSaysSo() {
    QTemporaryDir dir;
    const QString copy = dir.filePath("generated");
    QVERIFY(
        QProcess::execute(
            "cp", {"-r", QStringLiteral(NORMLAB_SOURCE_DIR "/tests/captures/captures/convnet_eval"),
                   copy}) == 0);
    QFile manifest(copy + "/capture.json");
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    QJsonObject o = QJsonDocument::fromJson(manifest.readAll()).object();
    manifest.close();
    o["generated"] = "normal";
    QVERIFY(manifest.open(QIODevice::WriteOnly | QIODevice::Truncate));
    manifest.write(QJsonDocument(o).toJson());
    manifest.close();
    MainWindow w(false);
    waitIdle(w);
    QCOMPARE(w.openCapture(copy), QString());
    auto* status = w.captureDock()->findChild<QLabel*>("captureStatus");
    QVERIFY(status);
    QVERIFY2(status->text().contains("generated (normal)"), qPrintable(status->text()));
    QCOMPARE(
        w.openCapture(QStringLiteral(NORMLAB_SOURCE_DIR "/tests/captures/captures/convnet_eval")),
        QString());
    QVERIFY(!status->text().contains("generated"));
}

void WorkbenchTest::everyTaskConditionIsCheckedBothWays() {
    // Each key a step's task may use, met by the state applyExpectation makes and not met by
    // a state that differs in that key alone.
    WorkbenchState base;
    base.recipe.shape = {4, 8, 16};
    base.spec = specFittingShape(Variant::BatchNorm, base.recipe.shape);
    const QList<QPair<QString, QJsonValue>> conditions{
        {"variant", "group_norm"},
        {"num_features", 8},
        {"num_groups", 2},
        {"normalized_shape", QJsonArray{8, 16}},
        {"affine", false},
        {"training", false},
        {"estimate", !base.spec.estimate},
        {"momentum", QJsonValue::Null},
        {"reestimate", true},
        {"lengths", QJsonArray{16, 3, 0, 1}},
        {"batch", 2},
        {"mean", 100.0},
        {"spread", 10.0},
        {"mask", true},
        {"valid", 40},
        {"dtype", "float64"},
    };
    for (const auto& [key, value] : conditions) {
        const QJsonObject expect{{key, value}};
        const WorkbenchState met = applyExpectation(expect, base);
        QVERIFY2(expectationMet(expect, met, "slices"), qPrintable(key));
        QStringList missing;
        QVERIFY2(!expectationMet(expect, base, "slices", &missing) || key == "num_features",
                 qPrintable(key));
        if (key != "num_features") QCOMPARE(missing, QStringList{key});
    }
    // A lessons file may use every one of them.
    QJsonObject all;
    for (const auto& [key, value] : conditions) all.insert(key, value);
    all.insert("view", "gradients");
    const QJsonObject file{
        {"normlab_lessons", 1},
        {"lessons", QJsonArray{QJsonObject{
                        {"id", "all"},
                        {"title", QJsonObject{{"en", "All"}}},
                        {"steps", QJsonArray{QJsonObject{{"text", QJsonObject{{"en", "Do it all"}}},
                                                         {"expect", all}}}}}}}};
    QString why;
    QVERIFY2(!lessonsFromJson(QJsonDocument(file).toJson(), "en", &why).empty(), qPrintable(why));
    // num_features: the base already has 8, so a different value is not met.
    QVERIFY(!expectationMet(QJsonObject{{"num_features", 7}}, base, "slices"));
    QVERIFY(expectationMet(QJsonObject{{"view", "gradients"}}, base, "gradients"));
    QVERIFY(!expectationMet(QJsonObject{{"view", "gradients"}}, base, "slices"));
}

void WorkbenchTest::aLessonWrittenInTheEditorRunsOnAnotherStart() {
    QTemporaryDir dir;
    const QString path = dir.filePath("my_course.json");
    WorkbenchState firstSetup, secondSetup;
    {
        MainWindow w(false);
        waitIdle(w);
        LessonEditor* editor = w.lessonEditor();
        editor->setTitle("en", "Slices, counted");
        editor->setTitle("ja", "スライスを数える");
        // Step 1: the default BatchNorm on [4, 8, 16], with a number quiz.
        firstSetup = w.state();
        editor->addStepFromWorkbench();
        editor->setStepText("en", "How many elements share the statistics of slice 3?");
        editor->setNumberQuiz("count", 3, 0.001, "Every sample and position: 4 × 16.");
        // Step 2: InstanceNorm shown in the Statistics view; the task is LayerNorm over
        // (C, L), taken from the workbench set up that way; a choice quiz.
        setVariant(w, Variant::InstanceNorm);
        QVERIFY(w.selectView("statistics"));
        waitIdle(w);
        secondSetup = w.state();
        editor->addStepFromWorkbench();
        editor->setStepText("en", "Choose layer_norm over (C, L). How many means?");
        editor->setStepText("zh_CN", "选择对 (C, L) 的 layer_norm。有多少个均值？");
        WorkbenchState ln = w.state();
        ln.spec = specFittingShape(Variant::LayerNorm, ln.recipe.shape);
        ln.spec.normalizedShape = {8, 16};
        w.applyState(ln);
        waitIdle(w);
        editor->setTaskFromWorkbench({"variant", "normalized_shape"});
        editor->setChoiceQuiz({"4", "8", "32"}, 0, "One per sample.");
        // Step 3: text only, no setup change.
        editor->addStepFromWorkbench();
        editor->setStepText("en", "That is LayerNorm: one statistic per sample.");
        QCOMPARE(editor->saveTo(path), QString());
        // Round trip: the file read back in a fresh editor writes the same bytes.
        QFile saved(path);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QByteArray bytes = saved.readAll();
        LessonEditor again([&] { return Session{w.state(), w.currentViewId(), {}}; });
        QCOMPARE(again.openFile(path), QString());
        QCOMPARE(again.draft().toJson(), bytes);
        QCOMPARE(int(again.draft().steps.size()), 3);
        QCOMPARE(again.draft().steps[1].expect,
                 (QJsonObject{{"variant", "layer_norm"}, {"normalized_shape", QJsonArray{8, 16}}}));
        // Moving and removing steps keeps texts with their steps.
        {
            LessonEditor order([&] { return Session{w.state(), w.currentViewId(), {}}; });
            order.setTitle("en", "Order");
            for (const char* text : {"A", "B", "C"}) {
                order.addStepFromWorkbench();
                order.setStepText("en", text);
            }
            const auto texts = [&] {
                QStringList out;
                for (const DraftStep& st : order.draft().steps)
                    out << st.text.value("en").toString();
                return out;
            };
            order.selectStep(1);
            order.findChild<QPushButton*>("editorUp")->click();
            QCOMPARE(texts(), (QStringList{"B", "A", "C"}));
            QCOMPARE(order.currentStep(), 0);
            order.findChild<QPushButton*>("editorDown")->click();
            order.findChild<QPushButton*>("editorDown")->click();
            QCOMPARE(texts(), (QStringList{"A", "C", "B"}));
            order.findChild<QPushButton*>("editorRemove")->click();
            QCOMPARE(texts(), (QStringList{"A", "C"}));
            order.findChild<QPushButton*>("editorRemove")->click();
            order.findChild<QPushButton*>("editorRemove")->click();
            QVERIFY(texts().isEmpty());
            QVERIFY(order.saveTo(dir.filePath("empty.json")).contains("no step"));
            QVERIFY(!QFile::exists(dir.filePath("empty.json")));
        }
        // A refused save writes nothing: a step without English text.
        again.selectStep(2);
        again.setStepText("en", "");
        QVERIFY(again.saveTo(dir.filePath("incomplete.json")).contains("no English text"));
        QVERIFY(!QFile::exists(dir.filePath("incomplete.json")));
    }
    // Another start: the file opens in the Lesson dock and runs.
    MainWindow w(false);
    waitIdle(w);
    QCOMPARE(w.openLessonsFile(path, false), QString());
    LessonPanel* panel = w.lessonPanel();
    const Lesson& lesson = panel->lessons()[std::size_t(panel->lessonIndex())];
    QCOMPARE(lesson.title, QString("Slices, counted"));
    QCOMPARE(int(lesson.steps.size()), 3);
    QCOMPARE(lesson.steps[0].setup->state.recipe, firstSetup.recipe);
    QCOMPARE(lesson.steps[1].setup->state.spec.variant, Variant::InstanceNorm);
    QCOMPARE(lesson.steps[1].setup->view, QString("statistics"));
    waitIdle(w);
    QVERIFY(panel->answerQuiz(
        QString::number(firstSetup.recipe.shape[0] * firstSetup.recipe.shape[2]))); // 4 x 16
    panel->next();
    waitIdle(w);
    QCOMPARE(w.state().spec.variant, Variant::InstanceNorm);
    panel->findChild<QPushButton*>("lessonShowMe")->click();
    waitIdle(w);
    panel->updateCheck(w.state(), w.currentViewId());
    QVERIFY(panel->stepDone());
    QCOMPARE(w.controller().current()->result.mean.size(), firstSetup.recipe.shape[0]);
    QVERIFY(panel->answerQuiz("0"));
    panel->next();
    QCOMPARE(panel->quizScore(), 2);
    QCOMPARE(panel->quizCount(), 2);
}

void WorkbenchTest::aLessonExportsAsAHandoutOnePagePerStep() {
    QTemporaryDir dir;
    MainWindow w(false);
    waitIdle(w);
    for (const QString id : {"four_slicings", "backward_geometry", "running_statistics"}) {
        int index = -1;
        for (int i = 0; i < int(w.lessonPanel()->lessons().size()); ++i)
            if (w.lessonPanel()->lessons()[std::size_t(i)].id == id) index = i;
        QVERIFY(index >= 0);
        w.lessonPanel()->openLesson(index);
        waitIdle(w);
        const WorkbenchState lessonState = w.state();
        const QString path = dir.filePath(id + ".pdf");
        QCOMPARE(w.exportLessonHandout(path), QString());
        QFile pdf(path);
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        const QByteArray bytes = pdf.readAll();
        QVERIFY(bytes.startsWith("%PDF"));
        // One page object per step (/Type /Page, not /Pages), each with a picture.
        static const QRegularExpression pageObject(QStringLiteral("/Type\\s*/Page(?!s)"));
        const int pages = int(QString::fromLatin1(bytes).count(pageObject));
        QCOMPARE(pages, int(w.lessonPanel()->lessons()[std::size_t(index)].steps.size()));
        QVERIFY2(bytes.size() > 20000 * pages, qPrintable(QString::number(bytes.size())));
        QVERIFY(bytes.count("/Subtype /Image") >= pages);
        // The workbench is as the lesson left it.
        QCOMPARE(w.state().spec.variant, lessonState.spec.variant);
        QCOMPARE(w.state().recipe, lessonState.recipe);
    }
    // Figures for slides: a plot as PNG at a chosen resolution, and as vector PDF.
    QVERIFY(w.selectView("statistics"));
    waitIdle(w);
    auto* plotView = qobject_cast<PlotView*>(w.findChild<StatisticsView*>());
    QVERIFY(plotView);
    const QString at96 = dir.filePath("stats96.png"), at288 = dir.filePath("stats288.png");
    QVERIFY(plotView->exportImage(at96, 96) && plotView->exportImage(at288, 288));
    const QImage small(at96), large(at288);
    QCOMPARE(large.width(), 3 * small.width());
    QVERIFY(std::abs(large.dotsPerMeterX() - qRound(288 / 0.0254)) <= 1);
    QVERIFY(plotView->exportImage(dir.filePath("stats.pdf")));
    QFile vector(dir.filePath("stats.pdf"));
    QVERIFY(vector.open(QIODevice::ReadOnly) && vector.read(4) == "%PDF");
}

QTEST_MAIN(WorkbenchTest)
#include "tst_workbench.moc"
