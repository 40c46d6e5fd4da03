#include "trace_runner.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace normlab::ui {

namespace {

constexpr qsizetype kMaxStderrBytes = 1 << 20; // the tail kept for the failure message
constexpr char kProgressPrefix[] = "normlab_trace: module ";

} // namespace

TraceRunner::TraceRunner(QObject* parent)
    : QObject(parent) {
    ticker_.setInterval(200);
    connect(&ticker_, &QTimer::timeout, this,
            [this] { emit progress(module_, elapsed_.elapsed()); });
    connect(&process_, &QProcess::readyReadStandardError, this, &TraceRunner::readStandardError);
    connect(&process_, &QProcess::finished, this, &TraceRunner::ended);
    connect(&process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart) return;
        ticker_.stop();
        emit failed(
            tr("Cannot start %1: %2. %3").arg(interpreter_, process_.errorString(), installHint()));
    });
}

TraceRunner::~TraceRunner() {
    if (running()) {
        process_.kill();
        process_.waitForFinished(2000);
    }
}

QString TraceRunner::installHint() {
    return tr("Tracing needs Python 3 with PyTorch 1.13 or later: on Debian, apt-get install "
              "python3-torch (or pip install torch), then choose that python3 here.");
}

QString TraceRunner::defaultInterpreter() {
    const QString chosen = QSettings().value("trace/python").toString();
    if (!chosen.isEmpty() && QFileInfo(chosen).isExecutable()) return chosen;
    return QStandardPaths::findExecutable("python3");
}

void TraceRunner::rememberInterpreter(const QString& path) {
    QSettings().setValue("trace/python", path);
}

QString TraceRunner::start(const TraceRequest& r) {
    if (running()) return tr("A trace is already running.");
    interpreter_ = r.interpreter;
    if (interpreter_.isEmpty() || !QFileInfo(interpreter_).isExecutable())
        return tr("No Python interpreter%1. %2")
            .arg(interpreter_.isEmpty() ? QString() : " at " + interpreter_, installHint());
    if (!QFileInfo(r.modelFile).isFile())
        return tr("The model file %1 does not exist.").arg(r.modelFile);
    if (r.inputShapes.isEmpty() && r.inputFiles.isEmpty())
        return tr("Give the input shapes (e.g. 2,3,224,224) or the input files.");
    if (r.activations && r.inputFiles.isEmpty() && !r.generate)
        return tr("Capturing activations records your data's statistics: give input files, or "
                  "choose generated data.");
    // A folder of NormLab's own for this run: nothing of the user's is written.
    const QString base =
        QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/traces";
    runDir_ = base + "/run-" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss-zzz") + "-" +
              QString::number(QCoreApplication::applicationPid());
    if (!QDir().mkpath(runDir_)) return tr("Cannot make the folder %1.").arg(runDir_);
    const QString script = runDir_ + "/normlab_trace.py";
    if (!QFile::copy(":/tools/normlab_trace.py", script))
        return tr("Cannot write the trace script into %1.").arg(runDir_);
    QStringList args{script, "--progress", "--model", r.modelFile + ":" + r.builder};
    for (const QString& f : r.inputFiles) args << "--input" << f;
    if (r.inputFiles.isEmpty())
        for (const QString& s : r.inputShapes) args << "--input-shape" << s.trimmed();
    tracePath_ = runDir_ + "/trace.json";
    captureDir_.clear();
    if (r.activations) {
        captureDir_ = runDir_ + "/capture";
        tracePath_ = captureDir_ + "/trace.json";
        args << "--activations" << captureDir_;
        if (r.generate && r.inputFiles.isEmpty())
            args << "--generate"
                 << "normal";
    } else {
        args << "--out" << tracePath_;
    }
    stderr_.clear();
    module_.clear();
    cancelling_ = false;
    process_.setWorkingDirectory(QFileInfo(r.modelFile).absolutePath());
    process_.start(interpreter_, args);
    elapsed_.start();
    ticker_.start();
    return {};
}

void TraceRunner::cancel() {
    if (!running()) return;
    cancelling_ = true;
    process_.terminate();
    QTimer::singleShot(2000, this, [this] {
        if (running()) process_.kill();
    });
}

void TraceRunner::readStandardError() {
    const QByteArray chunk = process_.readAllStandardError();
    stderr_ += chunk;
    if (stderr_.size() > kMaxStderrBytes) stderr_ = stderr_.right(kMaxStderrBytes);
    const qsizetype at = chunk.lastIndexOf(kProgressPrefix);
    if (at >= 0) {
        const qsizetype start = at + qsizetype(sizeof kProgressPrefix - 1);
        const qsizetype end = chunk.indexOf('\n', start);
        module_ = QString::fromUtf8(chunk.mid(start, end < 0 ? -1 : end - start)).trimmed();
        emit progress(module_, elapsed_.elapsed());
    }
}

void TraceRunner::ended(int exitCode, QProcess::ExitStatus status) {
    ticker_.stop();
    readStandardError();
    if (cancelling_) {
        emit cancelled();
        return;
    }
    if (status == QProcess::NormalExit && exitCode == 0 && QFileInfo(tracePath_).isFile()) {
        emit finished(tracePath_, captureDir_);
        return;
    }
    // The script's own message (or Python's traceback): its last lines, without progress.
    QStringList lines;
    for (const QByteArray& line : stderr_.split('\n'))
        if (!line.startsWith(kProgressPrefix) && !line.trimmed().isEmpty())
            lines << QString::fromUtf8(line);
    const QString tail = lines.mid(std::max<qsizetype>(0, lines.size() - 12)).join('\n');
    const bool noTorch =
        tail.contains("No module named 'torch'") || tail.contains("PyTorch is not installed");
    emit failed(tr("The trace did not finish (exit %1):\n%2%3")
                    .arg(status == QProcess::NormalExit ? QString::number(exitCode) : tr("crashed"))
                    .arg(tail, noTorch ? "\n" + installHint() : QString()));
}

} // namespace normlab::ui
