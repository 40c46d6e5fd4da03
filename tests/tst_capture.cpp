// Captures (normlab_trace.py --activations) and the layer health computed on them. The
// captures were written by the shipped trace script on models that plant each condition; the
// expected figures were computed independently by tests/captures/make_captures.py with
// PyTorch in float64 (statistics, train/eval outputs, masked statistics).
#include "capture_file.h"

#include "normlab/layer_health.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <cmath>
#include <set>

using namespace normlab;

namespace {

const QString kDir = QStringLiteral(NORMLAB_SOURCE_DIR "/tests/captures/");

QJsonObject expected() {
    QFile f(kDir + "expected.json");
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read expected.json");
    return QJsonDocument::fromJson(f.readAll()).object();
}

void compareFigure(const QJsonValue& want, double got, const char* what) {
    if (want.isString()) { // "inf"
        QVERIFY2(std::isinf(got), what);
        return;
    }
    const double w = want.toDouble();
    QVERIFY2(std::abs(got - w) <= 1e-6 * std::max(1.0, std::abs(w)),
             qPrintable(QString("%1: %2, expected %3").arg(what).arg(got).arg(w)));
}

std::set<std::string> codes(const LayerHealth& h) {
    std::set<std::string> out;
    for (const HealthFinding& f : h.findings) out.insert(std::string(findingCodeName(f.code)));
    return out;
}

// The findings each planted condition must raise, by capture and layer (written by the
// corpus's author from what was planted, not computed).
const std::map<QString, std::set<std::string>> kPlanted = {
    {"convnet_train/bn",
     {"dead_channels", "exploding_channels", "precision_risk", "train_eval_gap",
      "padding_contamination"}},
    {"convnet_train/gn", {"padding_contamination"}},
    {"convnet_train/inorm", {"dead_channels", "padding_contamination"}},
    {"convnet_eval/bn",
     {"dead_channels", "exploding_channels", "precision_risk", "train_eval_gap"}},
    // In eval the running statistics (mean 2, var 0.25) push every channel below 0, so the
    // ReLU switches them all off before the InstanceNorm.
    {"convnet_eval/inorm", {"dead_channels"}},
    {"convnet_capped/bn", {"capture_subset", "dead_channels", "exploding_channels"}},
    {"convnet_capped/inorm", {"dead_channels"}},
    {"scaled_batch_norm/1", {"capture_mismatch"}},
    {"tokens_padded/bn", {"padding_contamination"}},
};

} // namespace

class CaptureTest : public QObject {
    Q_OBJECT
  private slots:
    void figuresMatchPyTorch_data();
    void figuresMatchPyTorch();
    void subclassThatPermutesIsSaidSo();
    void refusesBrokenCaptures_data();
    void refusesBrokenCaptures();
    void healthCommandPrintsTheTable();
    void nonFiniteInputsAndImpossibleStatisticsAreFindings();
    void aSymlinkOutOfTheFolderIsRefused();
    void healthRanksWhereTheTroubleStarts_data();
    void healthRanksWhereTheTroubleStarts();
};

namespace {

std::optional<HealthFinding> findingOf(const LayerHealth& h, FindingCode code) {
    for (const HealthFinding& f : h.findings)
        if (f.code == code) return f;
    return std::nullopt;
}

} // namespace

// NaN and infinity are counted, not dropped: an all-NaN input is one error finding and no
// figure; a negative running variance is an error of its own, not "a factor of inf".
void CaptureTest::nonFiniteInputsAndImpossibleStatisticsAreFindings() {
    formats::Capture c;
    QCOMPARE(formats::readCapture(kDir + "captures/convnet_eval", c), QString());
    formats::LoadedLayer loaded;
    QCOMPARE(formats::loadCapturedLayer(c, 0, loaded), QString());
    QVERIFY(!loaded.health.inputs.runningVar.isNull());
    LayerHealthInput nan = loaded.health;
    nan.torchOutput = Tensor();
    nan.inputs.input = Tensor::filled(nan.inputs.input.shape(), DType::Float32, std::nan(""));
    const LayerHealth allNaN = layerHealth(nan);
    QCOMPARE(allNaN.nonFiniteInputs, nan.inputs.input.size());
    QCOMPARE(allNaN.maxAbsInput, 0.0);
    QVERIFY(findingOf(allNaN, FindingCode::NonFiniteInput));
    QCOMPARE(findingOf(allNaN, FindingCode::NonFiniteInput)->severity, Severity::Error);
    QVERIFY(!allNaN.maxMeanGap && !findingOf(allNaN, FindingCode::TrainEvalGap));

    LayerHealthInput some = loaded.health;
    some.torchOutput = Tensor();
    some.inputs.input = some.inputs.input.castTo(DType::Float32);
    some.inputs.input.set(0, INFINITY);
    some.inputs.input.set(5, std::nan(""));
    const LayerHealth two = layerHealth(some);
    QCOMPARE(two.nonFiniteInputs, qint64(2));
    QVERIFY(std::isfinite(two.maxAbsInput) && two.maxAbsInput > 0);
    QVERIFY(findingOf(two, FindingCode::NonFiniteInput));

    LayerHealthInput negative = loaded.health;
    negative.torchOutput = Tensor();
    negative.inputs.runningVar = negative.inputs.runningVar.castTo(DType::Float32);
    negative.inputs.runningVar.set(1, -0.25);
    const LayerHealth impossible = layerHealth(negative);
    const auto f = findingOf(impossible, FindingCode::ImpossibleRunningStats);
    QVERIFY(f);
    QCOMPARE(f->severity, Severity::Error);
    QVERIFY2(QString::fromStdString(f->message).contains("channel 1's running_var is -0.25"),
             f->message.c_str());
    QVERIFY(!findingOf(impossible, FindingCode::TrainEvalGap));
}

void CaptureTest::figuresMatchPyTorch_data() {
    QTest::addColumn<QString>("capture");
    QTest::addColumn<QJsonObject>("want");
    for (const QJsonValue& c : expected()["captures"].toArray())
        for (const QJsonValue& l : c["layers"].toArray())
            if (c["capture"].toString() != "layer_norm_2d")
                QTest::newRow(qPrintable(c["capture"].toString() + "/" + l["name"].toString()))
                    << c["capture"].toString() << l.toObject();
}

void CaptureTest::figuresMatchPyTorch() {
    QFETCH(QString, capture);
    QFETCH(QJsonObject, want);
    formats::Capture c;
    QCOMPARE(formats::readCapture(kDir + "captures/" + capture, c), QString());
    std::size_t index = c.layers.size();
    for (std::size_t i = 0; i < c.layers.size(); ++i)
        if (c.layers[i].name == want["name"].toString()) index = i;
    QVERIFY(index < c.layers.size());
    formats::LoadedLayer loaded;
    QCOMPARE(formats::loadCapturedLayer(c, index, loaded), QString());
    const LayerHealth h = layerHealth(loaded.health);
    QVERIFY2(h.ok(), h.error.c_str());
    QCOMPARE(h.slices, qint64(want["slices"].toDouble()));
    QCOMPARE(h.deadSlices, qint64(want["dead_slices"].toDouble()));
    QCOMPARE(h.explodingSlices, qint64(want["exploding_slices"].toDouble()));
    compareFigure(want["max_mean_to_std"], h.maxMeanToSpread, "max |mean| / std");
    compareFigure(want["max_abs_input"], h.maxAbsInput, "max |x|");
    QCOMPARE(h.maxMeanGap.has_value(), want.contains("max_mean_gap_std"));
    if (h.maxMeanGap) {
        compareFigure(want["max_mean_gap_std"], *h.maxMeanGap, "train/eval mean gap");
        compareFigure(want["max_var_ratio"], *h.maxVarRatio, "train/eval variance ratio");
        compareFigure(want["max_output_gap"], *h.trainEvalOutputGap, "train/eval output gap");
    }
    QCOMPARE(h.paddingMeanShift.has_value(), want.contains("padding_mean_shift_std"));
    if (h.paddingMeanShift)
        compareFigure(want["padding_mean_shift_std"], *h.paddingMeanShift, "padding mean shift");

    // The planted conditions, and nothing that was not planted among these codes.
    const std::set<std::string> got = codes(h);
    const auto planted = kPlanted.find(capture + "/" + want["name"].toString());
    const std::set<std::string> wanted =
        planted == kPlanted.end() ? std::set<std::string>{} : planted->second;
    for (const std::string& code : wanted) QVERIFY2(got.count(code), code.c_str());
    for (const char* code : {"dead_channels", "exploding_channels", "capture_mismatch",
                             "capture_subset", "padding_contamination"})
        QVERIFY2(!got.count(code) || wanted.count(code), code);
    // The capture checks itself: NormLab's output equals PyTorch's where it is compared.
    if (!wanted.count("capture_mismatch") && !wanted.count("capture_subset")) {
        QVERIFY(h.maxErrorVsTorch.has_value());
        QVERIFY2(*h.maxErrorVsTorch <= 1e-3 * std::max(1.0, h.maxAbsInput),
                 qPrintable(QString::number(*h.maxErrorVsTorch)));
    }
}

void CaptureTest::subclassThatPermutesIsSaidSo() {
    formats::Capture c;
    QCOMPARE(formats::readCapture(kDir + "captures/layer_norm_2d", c), QString());
    QCOMPARE(c.layers.size(), std::size_t(1));
    QCOMPARE(c.layers[0].type, QString("LayerNorm2d"));
    formats::LoadedLayer loaded;
    const QString error = formats::loadCapturedLayer(c, 0, loaded);
    QVERIFY2(error.contains("overrides forward()"), qPrintable(error));
}

void CaptureTest::refusesBrokenCaptures_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("where");
    const QJsonObject broken = expected()["broken"].toObject();
    for (auto it = broken.begin(); it != broken.end(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key() << it.value().toString();
    QTest::newRow("no capture") << QString("../no_such_folder") << QString("manifest");
}

void CaptureTest::refusesBrokenCaptures() {
    QFETCH(QString, name);
    QFETCH(QString, where);
    formats::Capture c;
    const QString error = formats::readCapture(kDir + "broken/" + name, c);
    if (where == "manifest") {
        QVERIFY(!error.isEmpty());
        QVERIFY(c.layers.empty());
        return;
    }
    QCOMPARE(error, QString());
    formats::LoadedLayer loaded;
    const QString layerError = formats::loadCapturedLayer(c, 0, loaded);
    QVERIFY(!layerError.isEmpty());
    QVERIFY(loaded.health.inputs.input.isNull()); // nothing loaded halfway
    // The other layers still load.
    QCOMPARE(formats::loadCapturedLayer(c, 1, loaded), QString());
}

void CaptureTest::healthCommandPrintsTheTable() {
    QProcess p;
    p.start(NORMLAB_CLI_PATH, {"health", "--capture", kDir + "captures/convnet_train"});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    const QJsonObject out = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    const QJsonArray layers = out["layers"].toArray();
    QCOMPARE(layers.size(), 3);
    QCOMPARE(layers[0]["name"].toString(), QString("bn"));
    QVERIFY(layers[0]["train_eval"]["max_mean_gap_std"].toDouble() > 1);
    bool gap = false;
    for (const QJsonValue& f : layers[0]["findings"].toArray())
        gap |= f["code"].toString() == "train_eval_gap" && f["severity"].toString() == "warning";
    QVERIFY(gap);
    QProcess bad;
    bad.start(NORMLAB_CLI_PATH, {"health", "--capture", kDir + "broken/not_json"});
    QVERIFY(bad.waitForFinished(60000));
    QCOMPARE(bad.exitCode(), 2);
    QVERIFY(bad.readAllStandardOutput().isEmpty());
}

QTEST_GUILESS_MAIN(CaptureTest)
#include "tst_capture.moc"

// A file of the capture that is a symbolic link to a file outside the folder is refused
// (the check resolves links; the cleaned path alone stays inside).
void CaptureTest::aSymlinkOutOfTheFolderIsRefused() {
    QTemporaryDir dir;
    const QString copy = dir.filePath("capture");
    QVERIFY(QProcess::execute("cp", {"-r", kDir + "captures/convnet_eval", copy}) == 0);
    const QString outside = dir.filePath("secret.npy");
    const QString input = copy + "/layers/000_bn/input.npy";
    QVERIFY(QFile::copy(input, outside));
    QVERIFY(QFile::remove(input));
    QVERIFY(QFile::link(outside, input));
    formats::Capture c;
    const QString error = formats::readCapture(copy, c);
    QVERIFY2(error.contains("a symbolic link to a file outside the capture's folder"),
             qPrintable(error));
}

// A small network trained by PyTorch (make_trained_captures.py), captured in eval mode on data
// from its training distribution: healthy at batch 8, 32 and 64 and captured in training mode
// (no warning anywhere); with one BatchNorm's running mean drifted (planted): that layer is
// the first divergence, no layer before it warns, the later ones are inherited from it.
void CaptureTest::healthRanksWhereTheTroubleStarts_data() {
    QTest::addColumn<QJsonObject>("c");
    QFile f(kDir + "trained.json");
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read trained.json");
    for (const QJsonValue& c : QJsonDocument::fromJson(f.readAll())["cases"].toArray())
        QTest::newRow(qPrintable(c["capture"].toString())) << c.toObject();
}

void CaptureTest::healthRanksWhereTheTroubleStarts() {
    QFETCH(QJsonObject, c);
    formats::Capture capture;
    QCOMPARE(formats::readCapture(kDir + "trained/" + c["capture"].toString(), capture), QString());
    std::vector<LayerHealth> healths;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < capture.layers.size(); ++i) {
        formats::LoadedLayer loaded;
        QCOMPARE(formats::loadCapturedLayer(capture, i, loaded), QString());
        healths.push_back(layerHealth(loaded.health));
        names.push_back(capture.layers[i].name.toStdString());
    }
    const HealthRanking ranking = rankByExecution(healths, names);
    const QString planted = c["planted"].toString();
    QStringList inherited;
    for (const QJsonValue& v : c["inherited"].toArray()) inherited << v.toString();
    if (planted.isEmpty()) {
        QVERIFY(!ranking.firstDivergence);
    } else {
        QVERIFY(ranking.firstDivergence);
        QCOMPARE(QString::fromStdString(names[*ranking.firstDivergence]), planted);
    }
    bool reached = false;
    for (std::size_t i = 0; i < healths.size(); ++i) {
        const QString name = QString::fromStdString(names[i]);
        reached = reached || name == planted;
        const bool warns =
            std::any_of(healths[i].findings.begin(), healths[i].findings.end(),
                        [](const HealthFinding& f) { return f.severity != Severity::Info; });
        // Only the planted layer warns; the rest (before it, healthy, inherited) do not.
        QVERIFY2(warns == (name == planted), qPrintable(name));
        QCOMPARE(ranking.inheritedFrom[i].has_value(), inherited.contains(name));
        if (ranking.inheritedFrom[i]) QVERIFY(reached && name != planted);
    }
}
