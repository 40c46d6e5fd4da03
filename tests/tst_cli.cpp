// normlab-cli end to end, as a user runs it: files written, exit codes, PyTorch's messages
// on stderr, no partial output directory on error, --help, bench's JSON, and the CUDA
// backend's clear refusal on a machine without a device.
#include "normlab/npy.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <sys/stat.h>

using namespace normlab;

namespace {

struct Run {
    int exitCode = -1;
    QString out, err;
};

Run cli(const QStringList& args, const QString& workingDirectory = {}) {
    QProcess p;
    if (!workingDirectory.isEmpty()) p.setWorkingDirectory(workingDirectory);
    p.start(QStringLiteral(NORMLAB_CLI_PATH), args);
    if (!p.waitForFinished(60000)) qFatal("normlab-cli did not finish");
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

} // namespace

class CliTest : public QObject {
    Q_OBJECT
  private slots:
    void init();
    void runWritesEveryOutput();
    void runRejects_data();
    void runRejects();
    void failedRunLeavesExistingDirectoryUntouched();
    void outRefusesDirectoriesItDidNotWrite_data();
    void outRefusesDirectoriesItDidNotWrite();
    void outFollowsLinksAndKeepsThem();
    void outFollowsTheUmask();
    void outReplacesItsOwnPreviousOutput();
    void outForceReplacesOnlyItsOwnFiles();
    void outRemovesStalePartialsOfDeadRuns();
    void clearErrorsForMisuse();
    void helpForEachCommand();
    void benchPrintsJson();
    void benchDiagnosePrintsJson();
    void cudaBackendWithoutDeviceIsAClearError();
    void diagnosePrintsLayersAndFindings();
    void diagnoseRejectsUnreadableInput();
    void everyReaderRefusesAFifoAtOnce();
    void fileTextNeverReachesTheTerminalRaw();
    void aTraceWithoutItsRootChecksNoCheckpoint();
    void diagnoseReadsATrace();
    void architectureTraces_data();
    void architectureTraces();

  private:
    QStringList runArgs(const QString& out, bool withGradient = true);
    QString write(const QString& name, const Tensor& t);
    QString writeText(const QString& name, const QByteArray& text);
    std::unique_ptr<QTemporaryDir> dir_;
};

void CliTest::init() {
    dir_ = std::make_unique<QTemporaryDir>();
}

QString CliTest::write(const QString& name, const Tensor& t) {
    const QString path = dir_->filePath(name);
    if (!writeNpy(path.toStdString(), t).empty()) qFatal("cannot write test input");
    return path;
}

QString CliTest::writeText(const QString& name, const QByteArray& text) {
    QFile f(dir_->filePath(name));
    if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write test input");
    f.write(text);
    return f.fileName();
}

static Tensor ramp(const Shape& shape) {
    Tensor t = Tensor::uninitialized(shape, DType::Float32);
    for (std::int64_t i = 0; i < t.size(); ++i) t.set(i, double((i * 37) % 11) - 4.0);
    return t;
}

void CliTest::runWritesEveryOutput() {
    const QString spec = writeText("spec.json", R"({"variant": "batch_norm", "num_features": 3})");
    const QString x = write("x.npy", ramp({4, 3, 5}));
    const QString dy = write("dy.npy", ramp({4, 3, 5}));
    const QString out = dir_->filePath("out");
    const Run r = cli({"run", "--spec", spec, "--input", x, "--grad-output", dy, "--out", out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    for (const char* f : {"output.npy", "mean.npy", "var.npy", "count.npy", "reconstruction.npy",
                          "logdet.npy", "grad_input.npy", "grad_weight.npy", "grad_bias.npy",
                          "running_mean.npy", "running_var.npy", "report.json"})
        QVERIFY2(QFile::exists(out + "/" + f), f);
    const NpyReadResult y = readNpy((out + "/output.npy").toStdString());
    QVERIFY(y.ok());
    QCOMPARE(y.tensor.shape(), (Shape{4, 3, 5}));
    QCOMPARE(y.tensor.dtype(), DType::Float32);
    QFile reportFile(out + "/report.json");
    QVERIFY(reportFile.open(QIODevice::ReadOnly));
    const QJsonObject report = QJsonDocument::fromJson(reportFile.readAll()).object();
    QCOMPARE(report.value("variant").toString(), QString("batch_norm"));
    QCOMPARE(report.value("num_batches_tracked").toInt(), 1);
    QCOMPARE(report.value("backend").toString(), QString("cpu"));
    QVERIFY(report.value("max_reconstruction_error").toDouble() < 1e-5);
    QVERIFY(report.value("diagnostics").isArray());
    QVERIFY(QDir(dir_->path()).entryList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot).size() ==
            1); // no staging left
}

void CliTest::runRejects_data() {
    QTest::addColumn<QByteArray>("spec");
    QTest::addColumn<Shape>("shape");
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QString>("message");
    QTest::newRow("layer_norm shape")
        << QByteArray(R"({"variant": "layer_norm", "normalized_shape": [8, 9]})")
        << Shape{2, 4, 8, 8} << QStringList{}
        << "Given normalized_shape=[8, 9], expected input with shape [*, 8, 9], but got input of "
           "size[2, 4, 8, 8]";
    QTest::newRow("batch_norm channels")
        << QByteArray(R"({"variant": "batch_norm", "num_features": 4})") << Shape{2, 3, 5}
        << QStringList{} << "running_mean should contain 3 elements not 4";
    QTest::newRow("unknown spec key") << QByteArray(R"({"variant": "batch_norm", "momentun": 0.1})")
                                      << Shape{2, 3} << QStringList{} << "unknown key 'momentun'";
    QTest::newRow("missing --out is misuse")
        << QByteArray(R"({"variant": "batch_norm"})") << Shape{2, 3} << QStringList{"--no-out"}
        << "--out is required";
    QTest::newRow("unknown option") << QByteArray(R"({"variant": "batch_norm"})") << Shape{2, 3}
                                    << QStringList{"--frobnicate"} << "Unknown option 'frobnicate'";
    QTest::newRow("corrupt weight file")
        << QByteArray(R"({"variant": "batch_norm"})") << Shape{2, 3}
        << QStringList{"--weight", "CORRUPT"} << "not a .npy file";
}

void CliTest::runRejects() {
    QFETCH(QByteArray, spec);
    QFETCH(Shape, shape);
    QFETCH(QStringList, extra);
    QFETCH(QString, message);
    const QString out = dir_->filePath("out");
    QStringList args{"run", "--spec", writeText("spec.json", spec), "--input",
                     write("x.npy", ramp(shape))};
    if (!extra.contains("--no-out")) args << "--out" << out;
    for (QString e : extra) {
        if (e == "--no-out") continue;
        if (e == "CORRUPT") e = writeText("corrupt.npy", "garbage");
        args << e;
    }
    const Run r = cli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(out));
    QCOMPARE(QDir(dir_->path()).entryList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot).size(),
             0);
}

void CliTest::failedRunLeavesExistingDirectoryUntouched() {
    const QString out = dir_->filePath("out");
    QVERIFY(QDir().mkpath(out));
    QFile keep(out + "/mine.txt");
    QVERIFY(keep.open(QIODevice::WriteOnly));
    keep.write("user data");
    keep.close();
    const Run r = cli(
        {"run", "--spec",
         writeText("s.json", R"({"variant": "group_norm", "num_features": 8, "num_groups": 4})"),
         "--input", write("x.npy", ramp({2, 6, 5})), "--out", out});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("Expected number of channels in input to be divisible by num_groups"),
             qPrintable(r.err));
    QVERIFY(QFile::exists(out + "/mine.txt"));
    QCOMPARE(QDir(out).entryList(QDir::Files).size(), 1);
}

QStringList CliTest::runArgs(const QString& out, bool withGradient) {
    QStringList args{"run",
                     "--spec",
                     writeText("bn.json", R"({"variant": "batch_norm", "num_features": 3})"),
                     "--input",
                     write("x.npy", ramp({4, 3, 5})),
                     "--out",
                     out};
    if (withGradient) args << "--grad-output" << write("dy.npy", ramp({4, 3, 5}));
    return args;
}

static QStringList entriesOf(const QString& dir) {
    return QDir(dir).entryList(
        QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

static void writeUserFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write("user data") != 9)
        qFatal("cannot write %s", qPrintable(path));
}

void CliTest::outRefusesDirectoriesItDidNotWrite_data() {
    QTest::addColumn<QString>("workingSubdir"); // where the CLI runs, under the temp dir
    QTest::addColumn<QString>("out");           // --out as given
    QTest::addColumn<QString>("checked");       // the directory that must stay as it was
    QTest::newRow("named directory with a user file") << ""
                                                      << "work"
                                                      << "work";
    QTest::newRow("--out . in a user's directory") << "work"
                                                   << "."
                                                   << "work";
    QTest::newRow("--out .. (the parent)") << "work/inner"
                                           << ".."
                                           << "work";
    QTest::newRow("a link to a user's directory") << ""
                                                  << "link"
                                                  << "work";
}

// The data-loss defect: an existing directory was renamed and deleted recursively, exit 0.
void CliTest::outRefusesDirectoriesItDidNotWrite() {
    QFETCH(QString, workingSubdir);
    QFETCH(QString, out);
    QFETCH(QString, checked);
    const QString work = dir_->filePath("work");
    QVERIFY(QDir().mkpath(work + "/inner"));
    writeUserFile(work + "/thesis.tex");
    writeUserFile(work + "/inner/notes.txt");
    QVERIFY(QFile::link(work, dir_->filePath("link")));
    const QStringList args = runArgs(out);
    const QStringList before = entriesOf(dir_->path());
    const Run r = cli(args, dir_->filePath(workingSubdir));
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("is not empty and is not a previous normlab-cli output"),
             qPrintable(r.err));
    QVERIFY2(r.err.contains("--force"), qPrintable(r.err));
    QCOMPARE(entriesOf(dir_->filePath(checked)),
             checked == "work" ? QStringList({"inner", "thesis.tex"}) : QStringList());
    QCOMPARE(entriesOf(work + "/inner"), QStringList{"notes.txt"});
    QCOMPARE(entriesOf(dir_->path()), before); // no staging or .old leftovers beside it
    QVERIFY(QFileInfo(dir_->filePath("link")).isSymLink());
}

void CliTest::outFollowsLinksAndKeepsThem() {
    const QString target = dir_->filePath("results");
    QVERIFY(QDir().mkpath(target));
    QVERIFY(QFile::link(target, dir_->filePath("link")));
    const Run r = cli(runArgs(dir_->filePath("link")));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(QFileInfo(dir_->filePath("link")).isSymLink());
    QVERIFY(QFileInfo::exists(target + "/output.npy"));
    QVERIFY(QFileInfo::exists(target + "/report.json"));
    for (const QString& e : entriesOf(dir_->path()))
        QVERIFY2(!e.contains(".partial-") && !e.contains(".old-"), qPrintable(e));

    QVERIFY(QFile::link(dir_->filePath("nowhere"), dir_->filePath("dangling")));
    const Run dangling = cli(runArgs(dir_->filePath("dangling")));
    QCOMPARE(dangling.exitCode, 2);
    QVERIFY2(dangling.err.contains("does not exist"), qPrintable(dangling.err));
    QVERIFY(!QFileInfo::exists(dir_->filePath("nowhere")));
}

void CliTest::outFollowsTheUmask() {
    const mode_t old = ::umask(027);
    const Run r = cli(runArgs(dir_->filePath("fresh")));
    ::umask(old);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    struct stat st {};
    QCOMPARE(::stat(QFile::encodeName(dir_->filePath("fresh")).constData(), &st), 0);
    QCOMPARE(int(st.st_mode & 07777), 0750); // mkdir's mode under umask 027, not 0700
    QCOMPARE(::stat(QFile::encodeName(dir_->filePath("fresh/output.npy")).constData(), &st), 0);
    QCOMPARE(int(st.st_mode & 07777), 0640);
}

void CliTest::outReplacesItsOwnPreviousOutput() {
    const QString out = dir_->filePath("out");
    QVERIFY2(cli(runArgs(out, true)).exitCode == 0, "first run");
    QVERIFY(QFileInfo::exists(out + "/grad_input.npy"));
    const QByteArray outPath = QFile::encodeName(out);
    QCOMPARE(::chmod(outPath.constData(), 0750), 0);
    const Run again = cli(runArgs(out, false));
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    QVERIFY(QFileInfo::exists(out + "/output.npy"));
    QVERIFY(!QFileInfo::exists(out + "/grad_input.npy")); // no stale result from run 1
    struct stat st {};
    QCOMPARE(::stat(outPath.constData(), &st), 0);
    QCOMPARE(int(st.st_mode & 07777), 0750); // the user's chmod survives the swap
    for (const QString& e : entriesOf(dir_->path()))
        QVERIFY2(!e.contains(".partial-") && !e.contains(".old-"), qPrintable(e));
}

void CliTest::outForceReplacesOnlyItsOwnFiles() {
    const QString out = dir_->filePath("mixed");
    QVERIFY(QDir().mkpath(out));
    writeUserFile(out + "/mine.txt");
    writeUserFile(out + "/grad_input.npy"); // a NormLab name: replaced or removed under --force
    QStringList args = runArgs(out, false);
    args << "--force";
    const Run r = cli(args);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(QFileInfo::exists(out + "/mine.txt"));
    QVERIFY(QFileInfo::exists(out + "/output.npy"));
    QVERIFY(!QFileInfo::exists(out + "/grad_input.npy"));
    QFile mine(out + "/mine.txt");
    QVERIFY(mine.open(QIODevice::ReadOnly));
    QCOMPARE(mine.readAll(), QByteArray("user data"));
}

void CliTest::outRemovesStalePartialsOfDeadRuns() {
    QProcess finished; // a process id that is certainly gone
    finished.start("true");
    QVERIFY(finished.waitForFinished());
    const QString deadPid =
        QString::number(finished.processId() ? finished.processId() : 999999999);
    const QString ownOnly = dir_->filePath(".out.partial-" + deadPid + "-abc123");
    const QString withUserFile = dir_->filePath(".out.partial-" + deadPid + "-def456");
    const QString otherTarget = dir_->filePath(".other.partial-" + deadPid + "-ghi789");
    const QString alive = dir_->filePath(
        ".out.partial-" + QString::number(QCoreApplication::applicationPid()) + "-jkl012");
    for (const QString& d : {ownOnly, withUserFile, otherTarget, alive}) {
        QVERIFY(QDir().mkpath(d));
        writeUserFile(d + "/output.npy");
    }
    writeUserFile(withUserFile + "/keep.me");
    const Run r = cli(runArgs(dir_->filePath("out")));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(ownOnly));
    QCOMPARE(entriesOf(withUserFile), QStringList{"keep.me"});
    QVERIFY(QFileInfo::exists(otherTarget + "/output.npy")); // another target's: not ours to judge
    QVERIFY(QFileInfo::exists(alive + "/output.npy"));       // its process still runs
}

void CliTest::clearErrorsForMisuse() {
    const Run empty = cli(runArgs(""));
    QCOMPARE(empty.exitCode, 2);
    QVERIFY2(empty.err.contains("--out must name a directory"), qPrintable(empty.err));
    QVERIFY2(!empty.err.contains("QFileInfo"), qPrintable(empty.err));

    QStringList twice = runArgs(dir_->filePath("o"));
    twice << "--input" << write("x2.npy", ramp({4, 3, 5}));
    const Run repeated = cli(twice);
    QCOMPARE(repeated.exitCode, 2);
    QVERIFY2(repeated.err.contains("--input is given more than once"), qPrintable(repeated.err));
    QVERIFY(!QFileInfo::exists(dir_->filePath("o")));

    QStringList directoryInput = runArgs(dir_->filePath("o"));
    directoryInput[directoryInput.indexOf("--input") + 1] = dir_->path();
    const Run dirInput = cli(directoryInput);
    QCOMPARE(dirInput.exitCode, 2);
    QVERIFY2(dirInput.err.contains("is a directory, not a regular file"), qPrintable(dirInput.err));

    const QString file = dir_->filePath("plain.txt");
    writeUserFile(file);
    const Run onFile = cli(runArgs(file));
    QCOMPARE(onFile.exitCode, 2);
    QVERIFY2(onFile.err.contains("exists and is not a directory"), qPrintable(onFile.err));
}

// tests/diagnose/make_traces.py wrote these with tools/normlab_trace.py under PyTorch 1.13.
void CliTest::diagnoseReadsATrace() {
    const QString dir = QStringLiteral(NORMLAB_DIAGNOSE_DIR) + "/traces/";
    auto run = [&](const QString& name) {
        const Run r = cli({"diagnose", "--trace", dir + name});
        if (r.exitCode != 0) qWarning("%s", qPrintable(r.err));
        return QJsonDocument::fromJson(r.out.toUtf8()).object();
    };
    // ResNet-18 as PyTorch ran it: every layer exact, no error or warning, the version traced.
    const QJsonObject resnet = run("resnet18.json");
    QCOMPARE(resnet["torch_version"].toString(), QString("1.13"));
    const QJsonArray layers = resnet["layers"].toArray();
    // Every leaf once (the ReLUs run several times): conv1, bn1, relu, maxpool; 8 blocks of
    // conv1, bn1, relu, conv2, bn2; 3 downsample pairs; avgpool, fc: 4 + 40 + 6 + 2.
    QCOMPARE(layers.size(), 52);
    for (const QJsonValue& l : layers) QCOMPARE(l["certainty"].toString(), QString("exact"));
    for (const QJsonValue& f : resnet["findings"].toArray())
        QVERIFY2(f["severity"] == "info", qPrintable(f["code"].toString()));
    QCOMPARE(layers[1].toObject()["name"].toString(), QString("bn1"));
    QCOMPARE(layers[1].toObject()["input_shape"].toArray(), QJsonArray({2, 64, 112, 112}));

    // Where PyTorch raised: its words first, then NormLab's explanation of that module.
    const QJsonArray raised = run("bn_mismatch.json")["findings"].toArray();
    QJsonArray errors;
    for (const QJsonValue& f : raised)
        if (f["severity"] == "error") errors.append(f);
    QCOMPARE(errors.size(), 2);
    QCOMPARE(errors[0].toObject()["code"].toString(), QString("pytorch_error"));
    QCOMPARE(errors[0].toObject()["torch_message"].toString(),
             QString("running_mean should contain 8 elements not 16"));
    QCOMPARE(errors[1].toObject()["code"].toString(), QString("num_features_mismatch"));
    QCOMPARE(errors[1].toObject()["layer"].toString(), QString("1"));
    QVERIFY(errors[1].toObject()["rests_on"].toString().contains("trace"));

    // A silent mistake after a custom block: found on the traced shape.
    QJsonObject silent;
    for (const QJsonValue& f : run("residual_block.json")["findings"].toArray())
        if (f["code"] == "num_features_mismatch") silent = f.toObject();
    QCOMPARE(silent["layer"].toString(), QString("2"));
    QCOMPARE(silent["severity"].toString(), QString("warning"));

    // Not a trace: a clear message, exit 2.
    const Run bad = cli({"diagnose", "--trace", writeText("t.json", R"({"calls": []})")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("not a trace"), qPrintable(bad.err));
    // Found by fuzz_trace: a traced size whose element count passes 2^63.
    const Run huge = cli(
        {"diagnose", "--trace",
         writeText("h.json", R"j({"normlab_trace": 1, "calls": [{"name": "0", "type": "BatchNorm1d",
             "repr": "BatchNorm1d(3)", "inputs": [{"shape": [3, 4404904473719248795]}]}]
})j")});
    QCOMPARE(huge.exitCode, 2);
    QVERIFY2(huge.err.contains("malformed shape"), qPrintable(huge.err));
    const Run neither = cli({"diagnose"});
    QCOMPARE(neither.exitCode, 2);
    QVERIFY2(neither.err.contains("--trace"), qPrintable(neither.err));
}

void CliTest::architectureTraces_data() {
    // tests/diagnose/make_traces.py traced every model of the static reading's corpus
    // (make_architectures.py) and every mutated copy; architectures.json holds the shapes
    // PyTorch's own forward hooks saw, and the mistakes.
    QFile f(QStringLiteral(NORMLAB_DIAGNOSE_DIR) + "/architectures.json");
    QVERIFY(f.open(QIODevice::ReadOnly));
    QTest::addColumn<QJsonObject>("golden");
    for (const QJsonValue& c : QJsonDocument::fromJson(f.readAll())["cases"].toArray())
        QTest::newRow(qPrintable(c["name"].toString())) << c.toObject();
}

// With a trace: every normalization layer PyTorch ran is shaped exactly, as its hooks saw it;
// no error or warning on a model PyTorch runs; a mistake at its layer, in PyTorch's words.
void CliTest::architectureTraces() {
    QFETCH(QJsonObject, golden);
    const QString name = golden["name"].toString();
    const Run r =
        cli({"diagnose", "--trace",
             QStringLiteral(NORMLAB_DIAGNOSE_DIR) + "/traces/architectures/" + name + ".json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject report = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QMap<QString, QJsonObject> byName;
    for (const QJsonValue& l : report["layers"].toArray())
        byName[l["name"].toString()] = l.toObject();
    int norms = 0;
    for (const QJsonValue& v : golden["layers"].toArray()) {
        const QString type = v["type"].toString();
        if (!type.contains("Norm") || !byName.contains(v["name"].toString())) continue;
        const QJsonObject l = byName[v["name"].toString()];
        QCOMPARE(l["certainty"].toString(), QString("exact"));
        QVERIFY2(v["input_shapes"].toArray().contains(l["input_shape"]),
                 qPrintable(v["name"].toString()));
        ++norms;
    }
    QJsonArray serious;
    for (const QJsonValue& f : report["findings"].toArray())
        if (f["severity"] == "error" || f["severity"] == "warning") serious.append(f);
    const QJsonObject mistake = golden["mistake"].toObject();
    if (mistake.isEmpty()) {
        QVERIFY(norms > 0 || name == "squeezenet1_0" || name == "alexnet");
        QVERIFY2(serious.isEmpty(), qPrintable(QJsonDocument(serious).toJson()));
        return;
    }
    QVERIFY(!serious.isEmpty());
    const QJsonObject first = serious[0].toObject();
    QCOMPARE(first["layer"].toString(), mistake["layer"].toString());
    const QJsonObject raised = golden["error"].toObject();
    if (raised.isEmpty()) {
        QCOMPARE(first["code"].toString(), mistake["code"].toString());
        return;
    }
    // PyTorch's words first, then NormLab's finding of the mistake's code at the same layer.
    QCOMPARE(first["code"].toString(), QString("pytorch_error"));
    QCOMPARE(first["torch_message"].toString(), raised["message"].toString());
    QCOMPARE(serious[1].toObject()["code"].toString(), mistake["code"].toString());
    QCOMPARE(serious[1].toObject()["layer"].toString(), mistake["layer"].toString());
}

// The debugger's benchmark: a generated ResNet-like model of custom blocks (projections
// printed first, gates) is read completely, every layer shaped; the timing fields are there.
// The figures themselves are for the note, not asserted.
void CliTest::benchDiagnosePrintsJson() {
    const Run r = cli({"bench-diagnose", "--generate", "300", "--repeat", "2"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QVERIFY(o["modules"].toDouble() >= 300 && o["modules"].toDouble() < 330);
    QVERIFY(o["layers"].toDouble() > 200);
    QCOMPARE(o["layers_shaped"].toDouble(), o["layers"].toDouble());
    for (const char* key : {"median_ms", "min_ms", "max_ms", "parse_median_ms"})
        QVERIFY2(o[key].toDouble() > 0, key);
    const Run file = cli({"bench-diagnose", "--model",
                          QStringLiteral(NORMLAB_DIAGNOSE_DIR) + "/architectures/resnet18.txt",
                          "--input-shape", "2,3,224,224", "--repeat", "1"});
    QCOMPARE(file.exitCode, 0);
    QCOMPARE(QJsonDocument::fromJson(file.out.toUtf8())["modules"].toDouble(), 68.0);
    const Run neither = cli({"bench-diagnose"});
    QCOMPARE(neither.exitCode, 2);
    QVERIFY2(neither.err.contains("--generate"), qPrintable(neither.err));
}

void CliTest::helpForEachCommand() {
    for (const QStringList& args :
         {QStringList{"--help"}, QStringList{"run", "--help"}, QStringList{"bench", "--help"},
          QStringList{"bench-diagnose", "--help"}, QStringList{"diagnose", "--help"}}) {
        const Run r = cli(args);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("--") || r.out.contains("usage"), qPrintable(r.out));
    }
    QVERIFY(cli({"run", "--help"}).out.contains("--grad-output"));
    QVERIFY(cli({"bench", "--help"}).out.contains("--backward"));
    QVERIFY(cli({"diagnose", "--help"}).out.contains("--torch-version"));
    QCOMPARE(cli({}).exitCode, 2);
    QCOMPARE(cli({"transmogrify"}).exitCode, 2);
}

void CliTest::benchPrintsJson() {
    const QString spec =
        writeText("spec.json", R"({"variant": "layer_norm", "normalized_shape": [64]})");
    const Run r = cli({"bench", "--spec", spec, "--shape", "32,64", "--backward", "--repeat", "3",
                       "--warmup", "1", "--summary", "8x16"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    for (const char* key :
         {"median_ms", "min_ms", "max_ms", "bytes_moved", "gb_per_s", "threads", "backend"})
        QVERIFY2(o.contains(key), key);
    QVERIFY(o.value("min_ms").toDouble() <= o.value("median_ms").toDouble());
    QVERIFY(o.value("median_ms").toDouble() <= o.value("max_ms").toDouble());
    QCOMPARE(o.value("bytes_moved").toDouble(), 5.0 * 32 * 64 * 4); // x, y, x, dy, dx
    // The drawing aggregates, timed against the normalization of the same run.
    const QJsonObject a = o.value("aggregates").toObject();
    QCOMPARE(a.value("cells").toString(), QString("8x16"));
    for (const char* key : {"summary_median_ms", "histogram_median_ms"})
        QVERIFY2(a.value(key).toDouble() > 0, key);
    QCOMPARE(a.value("summary_vs_normalize").toDouble(),
             a.value("summary_median_ms").toDouble() / o.value("median_ms").toDouble());
    const Run badCells = cli({"bench", "--spec", spec, "--shape", "32,64", "--summary", "8by16"});
    QCOMPARE(badCells.exitCode, 2);
    QVERIFY(badCells.err.contains("ROWSxCOLS"));
    const Run huge = cli({"bench", "--spec", spec, "--shape", "100000,100000,64"});
    QCOMPARE(huge.exitCode, 2);
    QVERIFY(huge.err.contains("too large"));
}

void CliTest::cudaBackendWithoutDeviceIsAClearError() {
    const Run r =
        cli({"run", "--spec", writeText("s.json", R"({"variant": "batch_norm"})"), "--input",
             write("x.npy", ramp({2, 3})), "--out", dir_->filePath("out"), "--backend", "cuda"});
#ifdef NORMLAB_HAS_CUDA
    if (r.exitCode == 0)
        QSKIP("a CUDA device is present; the no-device path cannot be exercised here");
#endif
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("CUDA"), qPrintable(r.err));
    QVERIFY(r.err.contains("no CUDA device") || r.err.contains("not compiled in") ||
            r.err.contains("driver"));
    QVERIFY(!QFileInfo::exists(dir_->filePath("out")));
    // --device goes with --backend cuda, and a device number that is not one is refused.
    const QString spec = writeText("s2.json", R"({"variant": "batch_norm"})");
    const Run cpuDevice = cli({"bench", "--spec", spec, "--shape", "2,3", "--device", "1"});
    QCOMPARE(cpuDevice.exitCode, 2);
    QVERIFY2(cpuDevice.err.contains("--backend cuda"), qPrintable(cpuDevice.err));
    const Run badDevice =
        cli({"bench", "--spec", spec, "--shape", "2,3", "--backend", "cuda", "--device", "x"});
    QCOMPARE(badDevice.exitCode, 2);
    QVERIFY2(badDevice.err.contains("--device"), qPrintable(badDevice.err));
}

void CliTest::diagnosePrintsLayersAndFindings() {
    // The motivating case: Conv2d(256, 512) then InstanceNorm2d(1024), affine=False.
    const QString model = writeText(
        "model.txt", "Sequential(\n"
                     "  (0): Conv2d(256, 512, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
                     "  (1): InstanceNorm2d(1024, eps=1e-05, momentum=0.1, affine=False, "
                     "track_running_stats=False)\n"
                     ")\n");
    for (const char* version : {"2.0", "2.1"}) {
        const Run r = cli({"diagnose", "--model", model, "--input-shape", "1,256,64,64",
                           "--torch-version", version});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY(!o.value("assumptions").toArray().isEmpty());
        const QJsonArray layers = o.value("layers").toArray();
        QCOMPARE(layers.size(), 2);
        QCOMPARE(layers[1].toObject().value("input_shape").toArray(), QJsonArray({1, 512, 64, 64}));
        QJsonObject mismatch;
        for (const QJsonValue& f : o.value("findings").toArray())
            if (f["code"] == "num_features_mismatch") mismatch = f.toObject();
        QCOMPARE(mismatch.value("layer").toString(), QString("1"));
        QCOMPARE(mismatch.value("severity").toString(), QString("warning"));
        QCOMPARE(mismatch.value("action").toString(),
                 QString(version == QString("2.0") ? "silent" : "warns"));
        QVERIFY(mismatch.value("message").toString().contains("512"));
        QVERIFY(mismatch.value("message").toString().contains("1024"));
        QVERIFY(mismatch.value("fix").toString().startsWith("nn.InstanceNorm2d(512"));
        QVERIFY(mismatch.value("pytorch").toString().startsWith("PyTorch " + QString(version)));
    }
}

void CliTest::diagnoseRejectsUnreadableInput() {
    const QString good = writeText("good.txt", "Sequential(\n  (0): ReLU()\n)\n");
    const QString open = writeText("open.txt", "Sequential(\n  (0): ReLU()\n");
    const QString binary = writeText("bin.txt", QByteArray("\x93NUMPY\0\0", 8));
    struct Case {
        QStringList args;
        QString message;
    };
    const QList<Case> cases = {
        {{"--model", open, "--input-shape", "2,3"}, "never closed"},
        {{"--model", binary, "--input-shape", "2,3"}, "binary"},
        {{"--model", dir_->filePath("missing.txt"), "--input-shape", "2,3"}, "does not exist"},
        {{"--model", good, "--input-shape", "2,-3"}, "positive integers"},
        {{"--model", good, "--input-shape", "2,3", "--torch-version", "latest"}, "2.1 or 1.13"},
    };
    for (const Case& c : cases) {
        const Run r = cli(QStringList{"diagnose"} + c.args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(c.message), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }
}

// A FIFO given where a file is read would block open() until a writer came: every reader
// checks the file type first, so each run ends at once (exit 2) with a message saying so.
void CliTest::everyReaderRefusesAFifoAtOnce() {
    const QString fifo = dir_->filePath("pipe");
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    const QString good = writeText("good.txt", "Sequential(\n  (0): ReLU()\n)\n");
    // A capture whose manifest is a FIFO, and one whose first layer's input is.
    const QString source =
        QStringLiteral(NORMLAB_SOURCE_DIR) + "/tests/captures/captures/convnet_eval";
    const QString fifoManifest = dir_->filePath("fifo_manifest"),
                  fifoInput = dir_->filePath("fifo_input");
    QVERIFY(QDir().mkpath(fifoManifest));
    QVERIFY(::mkfifo(QFile::encodeName(fifoManifest + "/capture.json").constData(), 0600) == 0);
    QVERIFY(QProcess::execute("cp", {"-r", source, fifoInput}) == 0);
    const QString layerInput = fifoInput + "/layers/000_bn/input.npy";
    QVERIFY(QFile::remove(layerInput));
    QVERIFY(::mkfifo(QFile::encodeName(layerInput).constData(), 0600) == 0);
    const QString spec =
        QStringLiteral(NORMLAB_SOURCE_DIR) + "/resources/presets/demo_instance_norm.json";
    const QList<QStringList> cases = {
        {"diagnose", "--model", fifo, "--input-shape", "2,3"},
        {"diagnose", "--trace", fifo},
        {"diagnose", "--model", good, "--input-shape", "2,3", "--checkpoint", fifo},
        {"health", "--capture", fifoManifest},
        {"health", "--capture", fifoInput}, // read: the one layer is unreadable (exit 0)
        {"run", "--spec", fifo, "--input", fifo, "--out", dir_->filePath("o1")},
        {"run", "--spec", spec, "--input", fifo, "--out", dir_->filePath("o2")},
    };
    for (const QStringList& args : cases) {
        QProcess p;
        p.start(QStringLiteral(NORMLAB_CLI_PATH), args);
        const bool finished = p.waitForFinished(10000);
        if (!finished) p.kill(), p.waitForFinished();
        QVERIFY2(finished, qPrintable("hangs: " + args.join(' ')));
        const QString said =
            QString::fromUtf8(p.readAllStandardError() + p.readAllStandardOutput());
        QCOMPARE(p.exitCode(), args.contains(fifoInput) ? 0 : 2);
        QVERIFY2(said.contains("FIFO"), qPrintable(args.join(' ') + ": " + said));
    }
    // health --layer naming no layer of the capture is an error, not an empty list.
    QProcess p;
    p.start(QStringLiteral(NORMLAB_CLI_PATH), {"health", "--capture", source, "--layer", "nope"});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 2);
    QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains("no layer 'nope'"));
}

// A checkpoint key holding an escape sequence is named in the error as \x1b, not sent to
// the terminal.
void CliTest::fileTextNeverReachesTheTerminalRaw() {
    const QByteArray header =
        R"({"\u001b[2J\u009bevil": {"dtype": "Q7", "shape": [1], "data_offsets": [0, 4]}})";
    QByteArray file(8, '\0');
    qToLittleEndian<quint64>(quint64(header.size()), file.data());
    file += header + QByteArray(4, '\0');
    const QString checkpoint = writeText("evil.safetensors", file);
    const QString good = writeText("good.txt", "Sequential(\n  (0): ReLU()\n)\n");
    const Run r =
        cli({"diagnose", "--model", good, "--input-shape", "2,3", "--checkpoint", checkpoint});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("\\x1b[2J\\x9bevil"), qPrintable(r.err));
    QVERIFY(!r.err.contains(QChar(0x1b)) && !r.err.contains(QChar(0x9b)));
}

// A trace whose module table lacks the root module cannot replay load_state_dict: "loads"
// is null (not true) and "why" says so.
void CliTest::aTraceWithoutItsRootChecksNoCheckpoint() {
    const QString trace = writeText(
        "rootless.json",
        R"json({"normlab_trace": 1, "torch_version": "2.1.0", "device": "cpu", "input": [],
            "calls": [], "error": null,
            "modules": [{"name": "bn", "type": "BatchNorm2d", "repr": "BatchNorm2d(8)",
                         "tensors": []}]})json");
    const QDir cases(QStringLiteral(NORMLAB_SOURCE_DIR) + "/tests/checkpoints/cases");
    const QStringList pth = cases.entryList({"*.pth"});
    QVERIFY(!pth.isEmpty());
    const Run r = cli({"diagnose", "--trace", trace, "--checkpoint", cases.filePath(pth.front())});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    const QJsonObject load = o["load_state_dict"].toObject();
    QVERIFY2(load["loads"].isNull(), qPrintable(r.out.left(2000)));
    QCOMPARE(load["certainty"].toString(), QString("unknown"));
    QVERIFY(!load["why"].toString().isEmpty());
}

QTEST_GUILESS_MAIN(CliTest)
#include "tst_cli.moc"
