// Every case of tests/golden/cases.json (written by make_golden.py from PyTorch 1.13, the
// references named there) run through normalize() and compared entry by entry.
// Tolerance: |got - want| <= tol * (1 + |want|), tol = 3e-5 for float32, 1e-9 for float64;
// NaN must match NaN (empty slices).
#include "spec_json.h"

#include "normlab/normalize.h"
#include "normlab/npy.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <map>

using namespace normlab;

class GoldenTest : public QObject {
    Q_OBJECT
  private slots:
    void matchesPyTorch_data();
    void matchesPyTorch();
    void coversEveryVariant();

  private:
    static QJsonArray cases();
};

QJsonArray GoldenTest::cases() {
    QFile file(QStringLiteral(NORMLAB_GOLDEN_DIR "/cases.json"));
    if (!file.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(file.readAll()).object().value("cases").toArray();
}

static Tensor load(const QString& dir, const QString& file) {
    NpyReadResult r = readNpy((dir + "/" + file).toStdString());
    if (!r.ok()) qFatal("cannot read golden file %s: %s", qPrintable(file), r.error.c_str());
    return r.tensor;
}

void GoldenTest::matchesPyTorch_data() {
    QTest::addColumn<QJsonObject>("testCase");
    const QJsonArray all = cases();
    QVERIFY2(all.size() > 100, "tests/golden/cases.json is missing or nearly empty");
    for (const QJsonValue& v : all) {
        const QJsonObject c = v.toObject();
        QTest::newRow(qPrintable(c.value("name").toString())) << c;
    }
}

void GoldenTest::matchesPyTorch() {
    QFETCH(QJsonObject, testCase);
    const QString dir =
        QStringLiteral(NORMLAB_GOLDEN_DIR "/data/") + testCase.value("name").toString();
    const formats::SpecParseResult parsed =
        formats::specFromJsonObject(testCase.value("spec").toObject());
    QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
    const NormSpec& spec = parsed.spec;

    NormInputs inputs;
    const std::map<QString, Tensor NormInputs::*> inputSlots = {
        {"input", &NormInputs::input},
        {"grad_output", &NormInputs::gradOutput},
        {"weight", &NormInputs::weight},
        {"bias", &NormInputs::bias},
        {"channel_weight", &NormInputs::channelWeight},
        {"channel_bias", &NormInputs::channelBias},
        {"running_mean", &NormInputs::runningMean},
        {"running_var", &NormInputs::runningVar},
        {"lengths", &NormInputs::lengths},
        {"mask", &NormInputs::mask},
    };
    const QJsonObject given = testCase.value("inputs").toObject();
    for (auto it = given.begin(); it != given.end(); ++it) {
        QVERIFY2(inputSlots.count(it.key()), qPrintable("unknown golden input " + it.key()));
        inputs.*(inputSlots.at(it.key())) = load(dir, it.value().toString());
    }
    inputs.numBatchesTracked = testCase.value("num_batches_tracked").toInteger();

    const NormResult result = normalize(spec, inputs, cpuBackend());
    if (testCase.contains("expected_error")) {
        QCOMPARE(QString::fromStdString(result.error), testCase.value("expected_error").toString());
        return;
    }
    QVERIFY2(result.ok(), result.error.c_str());
    for (const QJsonValue& code : testCase.value("warnings").toArray()) {
        bool found = false;
        for (const Diagnostic& d : result.diagnostics)
            found |= findingCodeNamed(code.toString().toStdString()) == d.code;
        QVERIFY2(found, qPrintable("missing warning " + code.toString()));
    }
    if (testCase.contains("expected_num_batches_tracked"))
        QCOMPARE(result.numBatchesTracked,
                 testCase.value("expected_num_batches_tracked").toInteger());

    const std::map<QString, const Tensor NormResult::*> outputs = {
        {"output", &NormResult::output},
        {"grad_input", &NormResult::gradInput},
        {"grad_weight", &NormResult::gradWeight},
        {"grad_bias", &NormResult::gradBias},
        {"grad_channel_weight", &NormResult::gradChannelWeight},
        {"grad_channel_bias", &NormResult::gradChannelBias},
        {"mean", &NormResult::mean},
        {"var", &NormResult::var},
        {"count", &NormResult::count},
        {"channel_mean", &NormResult::channelMean},
        {"channel_var", &NormResult::channelVar},
        {"running_mean", &NormResult::runningMean},
        {"running_var", &NormResult::runningVar},
        {"logdet", &NormResult::logdet},
        {"reconstruction", &NormResult::reconstruction},
    };
    const double tol = spec.dtype == DType::Float64 ? 1e-9 : 3e-5;
    const QJsonObject expected = testCase.value("expected").toObject();
    QVERIFY(!expected.isEmpty() || testCase.contains("warnings"));
    for (auto it = expected.begin(); it != expected.end(); ++it) {
        QVERIFY2(outputs.count(it.key()), qPrintable("unknown golden output " + it.key()));
        const Tensor& got = result.*(outputs.at(it.key()));
        const Tensor want = load(dir, it.value().toString());
        QVERIFY2(!got.isNull(), qPrintable(it.key() + " was not computed"));
        QVERIFY2(got.shape() == want.shape(),
                 qPrintable(it.key() + ": shape " +
                            QString::fromStdString(shapeToString(got.shape())) +
                            " != " + QString::fromStdString(shapeToString(want.shape()))));
        // Reconstruction at large means is limited by the float32 spacing of x itself.
        const double scale =
            it.key() == "reconstruction" && spec.dtype == DType::Float32 ? 4.0 : 1.0;
        for (std::int64_t i = 0; i < want.size(); ++i) {
            const double g = got.at(i), w = want.at(i);
            if (std::isnan(w)) {
                QVERIFY2(
                    std::isnan(g),
                    qPrintable(QString("%1[%2]: want NaN, got %3").arg(it.key()).arg(i).arg(g)));
                continue;
            }
            QVERIFY2(std::fabs(g - w) <= scale * tol * (1 + std::fabs(w)),
                     qPrintable(QString("%1[%2]: got %3, want %4")
                                    .arg(it.key())
                                    .arg(i)
                                    .arg(g, 0, 'g', 12)
                                    .arg(w, 0, 'g', 12)));
        }
    }
}

void GoldenTest::coversEveryVariant() {
    QSet<QString> variants, masked, dtypes;
    for (const QJsonValue& v : cases()) {
        const QJsonObject c = v.toObject();
        const QString variant = c.value("spec").toObject().value("variant").toString();
        variants << variant;
        dtypes << c.value("spec").toObject().value("dtype").toString();
        const QJsonObject in = c.value("inputs").toObject();
        if (in.contains("lengths") || in.contains("mask")) masked << variant;
    }
    for (Variant v : kAllVariants)
        QVERIFY2(variants.contains(QString::fromStdString(std::string(variantName(v)))),
                 variantName(v).data());
    QVERIFY(dtypes.contains("float32") && dtypes.contains("float64"));
    QCOMPARE(masked.size(), 7);
}

QTEST_GUILESS_MAIN(GoldenTest)
#include "tst_golden.moc"
