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
#include <QtTest>

using namespace normlab;

namespace {

struct Run {
    int exitCode = -1;
    QString out, err;
};

Run cli(const QStringList& args) {
    QProcess p;
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
    void helpForEachCommand();
    void benchPrintsJson();
    void cudaBackendWithoutDeviceIsAClearError();
    void diagnosePrintsLayersAndFindings();
    void diagnoseRejectsUnreadableInput();

  private:
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

void CliTest::helpForEachCommand() {
    for (const QStringList& args :
         {QStringList{"--help"}, QStringList{"run", "--help"}, QStringList{"bench", "--help"},
          QStringList{"diagnose", "--help"}}) {
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
                       "--warmup", "1"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    for (const char* key :
         {"median_ms", "min_ms", "max_ms", "bytes_moved", "gb_per_s", "threads", "backend"})
        QVERIFY2(o.contains(key), key);
    QVERIFY(o.value("min_ms").toDouble() <= o.value("median_ms").toDouble());
    QVERIFY(o.value("median_ms").toDouble() <= o.value("max_ms").toDouble());
    QCOMPARE(o.value("bytes_moved").toDouble(), 5.0 * 32 * 64 * 4); // x, y, x, dy, dx
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
            r.err.contains("not implemented"));
    QVERIFY(!QFileInfo::exists(dir_->filePath("out")));
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
        {{"--model", dir_->filePath("missing.txt"), "--input-shape", "2,3"}, "cannot open"},
        {{"--model", good, "--input-shape", "2,-3"}, "positive integers"},
        {{"--model", good, "--input-shape", "2,3", "--torch-version", "latest"}, "2.1 or 1.13"},
        {{"--model", good}, "input-shape"},
    };
    for (const Case& c : cases) {
        const Run r = cli(QStringList{"diagnose"} + c.args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(c.message), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }
}

QTEST_GUILESS_MAIN(CliTest)
#include "tst_cli.moc"
