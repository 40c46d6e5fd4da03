// SPEC.json parsing: PyTorch module defaults per variant, nulls, synonyms, and errors that
// name the offending key.
#include "spec_json.h"

#include <QtTest>

using namespace normlab;
using namespace normlab::formats;

class SpecJsonTest : public QObject {
    Q_OBJECT
  private slots:
    void defaultsFollowModules();
    void readsEveryKey();
    void rejects_data();
    void rejects();
    void roundTrips();
};

void SpecJsonTest::defaultsFollowModules() {
    const auto bn = parseSpecJson(R"({"variant": "batch_norm"})");
    QVERIFY(bn.error.isEmpty());
    QVERIFY(bn.spec.affine && bn.spec.trackRunningStats && bn.spec.training);
    QCOMPARE(*bn.spec.eps, 1e-5);
    QCOMPARE(*bn.spec.momentum, 0.1);
    QCOMPARE(bn.spec.dtype, DType::Float32);
    const auto in = parseSpecJson(R"({"variant": "instance_norm"})");
    QVERIFY(!in.spec.affine && !in.spec.trackRunningStats); // nn.InstanceNorm*d defaults
    const auto rms = parseSpecJson(R"({"variant": "rms_norm", "normalized_shape": 8})");
    QVERIFY(!rms.spec.eps.has_value()); // nn.RMSNorm eps=None
    QCOMPARE(rms.spec.normalizedShape, std::vector<std::int64_t>{8});
    const auto bcn = parseSpecJson(R"({"variant": "batch_channel_norm", "num_groups": 2})");
    QVERIFY(bcn.spec.estimate);
}

void SpecJsonTest::readsEveryKey() {
    const auto r = parseSpecJson(R"({"variant": "custom", "num_features": 6, "reduce_axes": [0, -1],
        "num_groups": 3, "eps": 0.001, "momentum": null, "elementwise_affine": false,
        "track_running_stats": true, "training": false, "dtype": "float64"})");
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(*r.spec.numFeatures, std::int64_t(6));
    QCOMPARE(r.spec.reduceAxes, (std::vector<int>{0, -1}));
    QCOMPARE(*r.spec.numGroups, std::int64_t(3));
    QCOMPARE(*r.spec.eps, 0.001);
    QVERIFY(!r.spec.momentum.has_value());
    QVERIFY(!r.spec.affine && r.spec.trackRunningStats && !r.spec.training);
    QCOMPARE(r.spec.dtype, DType::Float64);
}

void SpecJsonTest::rejects_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not json") << QByteArray("{variant: batch_norm") << "not valid JSON";
    QTest::newRow("array") << QByteArray("[1]") << "must hold a JSON object";
    QTest::newRow("no variant") << QByteArray("{}") << "'variant' is required";
    QTest::newRow("unknown variant")
        << QByteArray(R"({"variant": "weight_norm"})") << "unknown value 'weight_norm'";
    QTest::newRow("unknown key") << QByteArray(R"({"variant": "batch_norm", "num_feature": 3})")
                                 << "unknown key 'num_feature'";
    QTest::newRow("string for int")
        << QByteArray(R"({"variant": "batch_norm", "num_features": "3"})")
        << "'num_features' must be an integer, got a string";
    QTest::newRow("fraction for int")
        << QByteArray(R"({"variant": "group_norm", "num_groups": 2.5})")
        << "'num_groups' must be an integer";
    QTest::newRow("int for bool") << QByteArray(R"({"variant": "batch_norm", "affine": 1})")
                                  << "'affine' must be true or false";
    QTest::newRow("string eps") << QByteArray(R"({"variant": "batch_norm", "eps": "1e-5"})")
                                << "'eps' must be a number or null";
    QTest::newRow("bad dtype") << QByteArray(R"({"variant": "batch_norm", "dtype": "float16"})")
                               << "'dtype' must be \"float32\" or \"float64\"";
    QTest::newRow("shape of strings")
        << QByteArray(R"({"variant": "layer_norm", "normalized_shape": ["8"]})")
        << "'normalized_shape' must be a list of integers";
    QTest::newRow("synonyms disagree")
        << QByteArray(R"({"variant": "layer_norm", "affine": true, "elementwise_affine": false})")
        << "synonyms but disagree";
    QTest::newRow("axis 2^32 (was truncated to axis 0)")
        << QByteArray(R"({"variant": "custom", "reduce_axes": [4294967296]})")
        << "reduce_axes: axis 4294967296 is out of range";
    QTest::newRow("axis -2^32") << QByteArray(
                                       R"({"variant": "custom", "reduce_axes": [0, -4294967297]})")
                                << "reduce_axes: axis -4294967297 is out of range";
}

void SpecJsonTest::rejects() {
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    const auto r = parseSpecJson(json);
    QVERIFY2(r.error.contains(expected), qPrintable(r.error));
}

void SpecJsonTest::roundTrips() {
    NormSpec spec = NormSpec::defaultsFor(Variant::GroupNorm);
    spec.numGroups = 4;
    spec.numFeatures = 8;
    spec.momentum = std::nullopt;
    spec.dtype = DType::Float64;
    const auto back = specFromJsonObject(specToJsonObject(spec));
    QVERIFY(back.error.isEmpty());
    QCOMPARE(*back.spec.numGroups, std::int64_t(4));
    QCOMPARE(*back.spec.numFeatures, std::int64_t(8));
    QVERIFY(!back.spec.momentum.has_value());
    QCOMPARE(back.spec.dtype, DType::Float64);
}

QTEST_GUILESS_MAIN(SpecJsonTest)
#include "tst_spec_json.moc"
