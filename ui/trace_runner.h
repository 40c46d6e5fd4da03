// Runs the shipped normlab_trace.py under the user's Python (the Debugger's "Trace with
// Python..."), off the GUI thread in a QProcess: the elapsed time and the module being
// traced while it runs, Cancel, and stderr kept for the message when it fails.
//
// Where it writes: a new folder NormLab makes for the run under its own data directory
// (traces/run-TIME-PID/), holding the script, trace.json and, with activations, capture/.
// Nothing of the user's is written or replaced.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTimer>

namespace normlab::ui {

struct TraceRequest {
    QString interpreter;       // a Python with PyTorch (trace/python in the settings)
    QString modelFile;         // FILE.py
    QString builder = "build"; // its function returning the model (or model, args, kwargs)
    QStringList inputShapes;   // [dtype:]DIMS per positional argument
    QStringList inputFiles;    // .npy / .pt per positional argument (instead of shapes)
    bool activations = false;  // also capture every normalization layer's tensors
    bool generate = false;     // with activations and shapes: generated normal data
};

class TraceRunner : public QObject {
    Q_OBJECT
  public:
    explicit TraceRunner(QObject* parent = nullptr);
    ~TraceRunner() override;

    // Empty when the run started; else why not (no interpreter: what to install).
    QString start(const TraceRequest& request);
    void cancel();
    bool running() const { return process_.state() != QProcess::NotRunning; }

    // The interpreter chosen before (QSettings trace/python), else python3 on PATH; empty
    // when there is none.
    static QString defaultInterpreter();
    static void rememberInterpreter(const QString& path);
    // What to tell a user without Python or PyTorch.
    static QString installHint();

  signals:
    void progress(const QString& module, qint64 elapsedMs);
    // `captureDir` empty without activations.
    void finished(const QString& tracePath, const QString& captureDir);
    void failed(const QString& message);
    void cancelled();

  private:
    void readStandardError();
    void ended(int exitCode, QProcess::ExitStatus status);

    QProcess process_;
    QTimer ticker_;
    QElapsedTimer elapsed_;
    QString runDir_, tracePath_, captureDir_, module_, interpreter_;
    QByteArray stderr_;
    bool cancelling_ = false;
};

} // namespace normlab::ui
