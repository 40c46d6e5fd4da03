// The Debugger's "Trace with Python...": normlab_trace.py run in a QProcess. With stand-in
// interpreters (shell scripts, no PyTorch needed) the trace opens when the run ends, a capture
// opens in the Capture dock, Cancel stops the process and leaves the previous analysis, a
// failure shows the script's words, and a missing interpreter says what to install. With
// PyTorch (/usr/bin/python3, skipped without it) a real model file is traced: every layer
// exact, as PyTorch gave it.
#include "capture_dock.h"
#include "debugger_view.h"
#include "main_window.h"
#include "trace_runner.h"

#include <QFile>
#include <QLabel>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace normlab;
using namespace normlab::ui;

namespace {

// A stand-in interpreter: the script NormLab passes ($1) is ignored; `body` runs with the
// arguments after it (OUT: the --out or --activations path).
QString standIn(const QTemporaryDir& dir, const QString& name, const QByteArray& body) {
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write a stand-in interpreter");
    f.write("#!/bin/sh\nshift\nOUT=\nwhile [ $# -gt 0 ]; do case \"$1\" in --out|--activations) "
            "OUT=\"$2\"; shift;; esac; shift; done\n" +
            body);
    f.close();
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
}

const QByteArray kTrace =
    R"json({"normlab_trace": 1, "torch_version": "2.1.0", "device": "cpu", "input": [{"shape": [2, 3, 6, 6], "dtype": "float32"}],
 "calls": [{"name": "0", "type": "Conv2d", "repr": "Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))", "leaf": true, "training": true,
            "inputs": [{"shape": [2, 3, 6, 6], "dtype": "float32"}], "outputs": [{"shape": [2, 8, 4, 4], "dtype": "float32"}]},
           {"name": "1", "type": "BatchNorm2d", "repr": "BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", "leaf": true, "training": true,
            "inputs": [{"shape": [2, 8, 4, 4], "dtype": "float32"}], "outputs": [{"shape": [2, 8, 4, 4], "dtype": "float32"}]}],
 "error": null, "modules": []})json";

// With NORMLAB_TRACE_SHOTS=DIR, each state is saved as a picture there (to look at).
void shoot(QWidget& w, const QString& name) {
    const QString dir = qEnvironmentVariable("NORMLAB_TRACE_SHOTS");
    if (dir.isEmpty()) return;
    w.resize(1100, 700);
    w.show();
    QCoreApplication::processEvents();
    w.grab().save(dir + "/" + name + ".png");
}

TraceRequest requestFor(const QString& interpreter, const QString& model) {
    TraceRequest r;
    r.interpreter = interpreter;
    r.modelFile = model;
    r.inputShapes = {"2,3,6,6"};
    return r;
}

} // namespace

class TraceRunnerTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void aFinishedRunOpensItsTrace();
    void aCaptureOpensInTheCaptureDock();
    void cancelStopsTheProcessAndKeepsThePreviousAnalysis();
    void aFailureShowsTheScriptsWords();
    void aModelThatRaisesIsShownAtItsModule();
    void noInterpreterSaysWhatToInstall();
    void aRealModelUnderPyTorch();
};

void TraceRunnerTest::aFinishedRunOpensItsTrace() {
    QTemporaryDir dir;
    const QString model = dir.filePath("model.py");
    QFile(model).open(QIODevice::WriteOnly);
    const QString python = standIn(dir, "python",
                                   "echo 'normlab_trace: module 0' >&2\ncat > \"$OUT\" <<'EOF'\n" +
                                       kTrace + "\nEOF\n");
    DebuggerView view;
    QSignalSpy done(view.traceRunner(), &TraceRunner::finished);
    QCOMPARE(view.startTrace(requestFor(python, model)), QString());
    QVERIFY(done.wait(10000));
    QCOMPARE(view.report().layers.size(), std::size_t(2));
    QCOMPARE(view.report().layers[1].inputShape, (std::optional<Shape>{{2, 8, 4, 4}}));
    QCOMPARE(view.report().layers[1].certainty, Certainty::Exact);
    // The run's files are in a folder of NormLab's own, not beside the model.
    const QString trace = done.front().at(0).toString();
    QVERIFY(
        trace.startsWith(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)));
    QVERIFY(!QFile::exists(dir.filePath("trace.json")));
}

void TraceRunnerTest::aCaptureOpensInTheCaptureDock() {
    QTemporaryDir dir;
    const QString model = dir.filePath("model.py");
    QFile(model).open(QIODevice::WriteOnly);
    const QString capture =
        QStringLiteral(NORMLAB_SOURCE_DIR "/tests/captures/captures/convnet_eval");
    const QString python = standIn(dir, "python", "cp -r '" + capture.toUtf8() + "' \"$OUT\"\n");
    MainWindow w(false);
    TraceRequest r = requestFor(python, model);
    r.activations = true;
    r.generate = true;
    QSignalSpy done(w.debuggerView()->traceRunner(), &TraceRunner::finished);
    QCOMPARE(w.debuggerView()->startTrace(r), QString());
    QVERIFY(done.wait(10000));
    QTRY_COMPARE(w.captureDock()->table()->rowCount(), 3);
}

void TraceRunnerTest::cancelStopsTheProcessAndKeepsThePreviousAnalysis() {
    QTemporaryDir dir;
    const QString model = dir.filePath("model.py");
    QFile(model).open(QIODevice::WriteOnly);
    const QString fast = standIn(dir, "fast", "cat > \"$OUT\" <<'EOF'\n" + kTrace + "\nEOF\n");
    const QString slow =
        standIn(dir, "slow", "echo 'normlab_trace: module features.3' >&2\nsleep 30\n");
    DebuggerView view;
    QSignalSpy done(view.traceRunner(), &TraceRunner::finished);
    QCOMPARE(view.startTrace(requestFor(fast, model)), QString());
    QVERIFY(done.wait(10000));
    QSignalSpy progress(view.traceRunner(), &TraceRunner::progress);
    QSignalSpy cancelled(view.traceRunner(), &TraceRunner::cancelled);
    QCOMPARE(view.startTrace(requestFor(slow, model)), QString());
    QTRY_VERIFY_WITH_TIMEOUT(
        !progress.isEmpty() && progress.back().at(0).toString() == "features.3", 5000);
    QVERIFY(view.findChild<QLabel*>("traceProgress")->text().contains("features.3"));
    shoot(view, "trace_running");
    QElapsedTimer t;
    t.start();
    view.traceRunner()->cancel();
    QVERIFY(cancelled.wait(5000));
    QVERIFY(t.elapsed() < 5000);
    QVERIFY(!view.traceRunner()->running());
    QCOMPARE(view.report().layers.size(), std::size_t(2)); // the previous trace, still shown
    QVERIFY(view.findChild<QLabel*>("debuggerStatus")->text().contains("cancelled"));
    shoot(view, "trace_cancelled");
}

void TraceRunnerTest::aFailureShowsTheScriptsWords() {
    QTemporaryDir dir;
    const QString model = dir.filePath("model.py");
    QFile(model).open(QIODevice::WriteOnly);
    const QString python = standIn(
        dir, "python", "echo \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
    DebuggerView view;
    const std::size_t before = view.report().layers.size();
    QSignalSpy failed(view.traceRunner(), &TraceRunner::failed);
    QCOMPARE(view.startTrace(requestFor(python, model)), QString());
    QVERIFY(failed.wait(10000));
    const QString message = failed.front().at(0).toString();
    QVERIFY2(message.contains("No module named 'torch'") && message.contains("python3-torch"),
             qPrintable(message));
    QCOMPARE(view.report().layers.size(), before);
}

// The model raised in the traced forward pass: the trace records it, and the Debugger shows
// PyTorch's own words at the module where it raised.
void TraceRunnerTest::aModelThatRaisesIsShownAtItsModule() {
    QTemporaryDir dir;
    const QString model = dir.filePath("model.py");
    QFile(model).open(QIODevice::WriteOnly);
    QByteArray raised = kTrace;
    raised.replace(
        "\"outputs\": [{\"shape\": [2, 8, 4, 4], \"dtype\": \"float32\"}]}],\n \"error\": null",
        "\"outputs\": null}],\n \"error\": {\"type\": \"RuntimeError\", \"message\": "
        "\"running_mean should contain 8 elements not 16\", \"module\": \"1\"}");
    QVERIFY(raised != kTrace);
    const QString python = standIn(dir, "python", "cat > \"$OUT\" <<'EOF'\n" + raised + "\nEOF\n");
    DebuggerView view;
    QSignalSpy done(view.traceRunner(), &TraceRunner::finished);
    QCOMPARE(view.startTrace(requestFor(python, model)), QString());
    QVERIFY(done.wait(10000));
    const auto& findings = view.report().findings;
    const auto it = std::find_if(findings.begin(), findings.end(), [](const Finding& f) {
        return f.code == FindingCode::PytorchError;
    });
    QVERIFY(it != findings.end());
    QCOMPARE(it->layer, std::string("1"));
    QCOMPARE(it->torchMessage, std::string("running_mean should contain 8 elements not 16"));
}

void TraceRunnerTest::noInterpreterSaysWhatToInstall() {
    QTemporaryDir dir;
    const QString model = dir.filePath("model.py");
    QFile(model).open(QIODevice::WriteOnly);
    DebuggerView view;
    const QString error = view.startTrace(requestFor(dir.filePath("no-python"), model));
    QVERIFY2(error.contains("python3-torch"), qPrintable(error));
    QVERIFY(!view.traceRunner()->running());
    TraceRequest zeros = requestFor("/bin/sh", model);
    zeros.activations = true; // shapes only, no generated data: refused before it runs
    QVERIFY(view.startTrace(zeros).contains("generated data"));
}

void TraceRunnerTest::aRealModelUnderPyTorch() {
    if (QProcess::execute("/usr/bin/python3", {"-c", "import torch"}) != 0)
        QSKIP("PyTorch is not installed for /usr/bin/python3");
    QTemporaryDir dir;
    const QString model = dir.filePath("model.py");
    QFile f(model);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("import torch.nn as nn\n\ndef build():\n"
            "    return nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU())\n");
    f.close();
    DebuggerView view;
    QSignalSpy done(view.traceRunner(), &TraceRunner::finished);
    QSignalSpy failed(view.traceRunner(), &TraceRunner::failed);
    QCOMPARE(view.startTrace(requestFor("/usr/bin/python3", model)), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty() || !failed.isEmpty(), 60000);
    QVERIFY2(failed.isEmpty(),
             qPrintable(failed.isEmpty() ? QString() : failed.front().at(0).toString()));
    QCOMPARE(view.report().layers.size(), std::size_t(3));
    QCOMPARE(view.report().layers[1].inputShape, (std::optional<Shape>{{2, 8, 4, 4}}));
    QCOMPARE(view.report().layers[1].certainty, Certainty::Exact);
    shoot(view, "trace_finished");
}

QTEST_MAIN(TraceRunnerTest)
#include "tst_trace_runner.moc"
