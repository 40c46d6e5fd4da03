// Checkpoints against models: the state_dict readers (torch.save zip, safetensors, the
// restricted pickle reader) and load_state_dict replayed on shapes. Expected messages are
// PyTorch's own, recorded by tests/checkpoints/make_checkpoints.py from load_state_dict on the
// same files; the explanations are checked for the layer and the mistake each case injects.
#include "checkpoint_file.h"
#include "trace_json.h"

#include "normlab/load_state_dict.h"
#include "normlab/model_text.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <random>

using namespace normlab;

namespace {

const QString kDir = QStringLiteral(NORMLAB_SOURCE_DIR "/tests/checkpoints/");

QJsonObject corpus() {
    QFile f(kDir + "cases.json");
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read cases.json");
    return QJsonDocument::fromJson(f.readAll()).object();
}

ModuleNode modelOf(const QString& file) {
    QFile f(kDir + "cases/" + file);
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read a model text");
    const ModelText m = parseModelText(f.readAll().toStdString());
    if (!m.root) qFatal("a corpus model text does not parse");
    return *m.root;
}

std::optional<std::string> optionalString(const QJsonValue& v) {
    return v.isNull() ? std::nullopt : std::optional<std::string>(v.toString().toStdString());
}

std::vector<std::string> strings(const QJsonValue& v) {
    std::vector<std::string> out;
    for (const QJsonValue& s : v.toArray()) out.push_back(s.toString().toStdString());
    return out;
}

// The mistake each case injects (written by the generator's author, not computed): the
// finding code and the layer it is about; none for checkpoints that load.
struct Injected {
    const char* code;
    const char* layer;
};
const std::map<std::string, Injected> kInjected = {
    {"affine_trained_into_affine_false", {"checkpoint_affine_mismatch", "1"}},
    {"affine_false_into_affine", {"checkpoint_affine_mismatch", "1"}},
    {"running_stats_into_untracked", {"checkpoint_running_stats_mismatch", "1"}},
    {"untracked_into_running_stats", {"checkpoint_running_stats_mismatch", "1"}},
    {"num_features_mismatch", {"checkpoint_size_mismatch", "1"}},
    {"group_norm_channels", {"checkpoint_size_mismatch", "1"}},
    {"instance_norm_tracked_into_default", {"checkpoint_running_stats_mismatch", "1"}},
    {"instance_norm_affine_into_default", {"checkpoint_affine_mismatch", "1"}},
    {"layer_norm_shape", {"checkpoint_size_mismatch", "1"}},
    {"layer_norm_no_affine", {"checkpoint_affine_mismatch", "1"}},
    {"data_parallel_prefix", {"checkpoint_key_prefix", ""}},
    {"nested_checkpoint", {"checkpoint_affine_mismatch", "1"}},
    {"custom_block_affine_false", {"checkpoint_affine_mismatch", "0.norm"}},
    {"resnet50_affine_false", {"checkpoint_affine_mismatch", "layer2.1.bn2"}},
    {"resnet50_untracked", {"checkpoint_running_stats_mismatch", "bn1"}},
    {"resnet50_width", {"checkpoint_size_mismatch", "layer1.0.bn3"}},
    {"vit_b_16_layer_norm_no_affine", {"checkpoint_affine_mismatch", "encoder.ln"}},
};

// Pickle bytes from opcodes written out by hand.
std::string pickle(std::initializer_list<std::string_view> parts) {
    std::string s("\x80\x02", 2);
    for (std::string_view p : parts) s += p;
    return s;
}

} // namespace

class CheckpointTest : public QObject {
    Q_OBJECT
  private slots:
    void matchesPyTorch_data();
    void matchesPyTorch();
    void traceMakesItExact_data() { matchesPyTorch_data(); }
    void traceMakesItExact();
    void refusesForeignGlobals();
    void refusesMalformedFiles_data();
    void refusesMalformedFiles();
    void survivesCorruptPickles();
    void hostilePickles_data();
    void hostilePickles();
    void emptyMetadataMeansVersionless();
    void safetensorsHeaderRefusesAbsurdSizes();
};

void CheckpointTest::matchesPyTorch_data() {
    QTest::addColumn<QJsonObject>("c");
    for (const QJsonValue& c : corpus()["cases"].toArray())
        QTest::newRow(c["checkpoint"].toString().toUtf8()) << c.toObject();
}

void CheckpointTest::matchesPyTorch() {
    QFETCH(QJsonObject, c);
    const CheckpointRead read =
        formats::readCheckpointFile(kDir + "cases/" + c["checkpoint"].toString());
    QVERIFY2(read.ok(), read.error.c_str());
    const ModuleNode model = modelOf(c["model"].toString());
    const LoadStateDictReport r = checkLoadStateDict(model, read.checkpoint);
    QCOMPARE(r.modelClass, c["model_class"].toString().toStdString());
    QCOMPARE(r.strictError, optionalString(c["strict_error"]));
    QCOMPARE(r.nonStrictError, optionalString(c["non_strict_error"]));
    if (!c["non_strict_missing"].isNull()) {
        QCOMPARE(r.missing, strings(c["non_strict_missing"]));
        QCOMPARE(r.unexpected, strings(c["non_strict_unexpected"]));
    }

    // The explanation names the injected mistake at its layer, and nothing at other norms.
    const std::string name = c["case"].toString().toStdString();
    const auto injected = kInjected.find(name);
    if (injected == kInjected.end()) {
        // Loads in PyTorch; a checkpoint saved without num_batches_tracked only warns.
        for (const Finding& f : r.findings)
            QCOMPARE(f.code, FindingCode::CheckpointNumBatchesTracked);
    } else {
        bool found = false;
        for (const Finding& f : r.findings) {
            if (findingCodeName(f.code) == injected->second.code &&
                f.layer == injected->second.layer)
                found = true;
            QVERIFY2(f.layer.empty() || f.layer == injected->second.layer, f.layer.c_str());
            QCOMPARE(f.severity, Severity::Error);
            QVERIFY(!f.pytorch.empty());
        }
        QVERIFY2(found, injected->second.code);
    }
    // The user's classes hide parameters: never claimed exact where they exist.
    const bool userClasses = name.rfind("custom", 0) == 0 || name.rfind("resnet", 0) == 0 ||
                             name.rfind("mobilenet", 0) == 0 || name.rfind("vit", 0) == 0;
    QCOMPARE(r.certainty, userClasses ? Certainty::Inferred : Certainty::Exact);
}

void CheckpointTest::traceMakesItExact() {
    // The trace's module table lists each module's own tensors: the same messages as
    // PyTorch's, and exact even where user classes hold parameters print(model) omits.
    QFETCH(QJsonObject, c);
    QFile file(kDir + "cases/" + c["trace"].toString());
    QVERIFY(file.open(QIODevice::ReadOnly));
    formats::Trace trace;
    QCOMPARE(formats::traceFromJson(file.readAll(), trace), QString());
    QVERIFY(!trace.modules.empty());
    const CheckpointRead read =
        formats::readCheckpointFile(kDir + "cases/" + c["checkpoint"].toString());
    QVERIFY2(read.ok(), read.error.c_str());
    const LoadStateDictReport r = checkLoadStateDict(trace.modules, read.checkpoint);
    QCOMPARE(r.strictError, optionalString(c["strict_error"]));
    QCOMPARE(r.nonStrictError, optionalString(c["non_strict_error"]));
    QCOMPARE(r.certainty, Certainty::Exact);
    QVERIFY(r.assumedOwn.empty());
    const auto injected = kInjected.find(c["case"].toString().toStdString());
    if (injected != kInjected.end()) {
        bool found = false;
        for (const Finding& f : r.findings)
            found |= findingCodeName(f.code) == injected->second.code &&
                     f.layer == injected->second.layer;
        QVERIFY2(found, injected->second.code);
    }
}

void CheckpointTest::refusesForeignGlobals() {
    for (const QJsonValue& c : corpus()["refused"].toArray()) {
        const CheckpointRead read =
            formats::readCheckpointFile(kDir + "cases/" + c["checkpoint"].toString());
        QVERIFY(!read.ok());
        QVERIFY(read.checkpoint.tensors.empty());
        QVERIFY2(QString::fromStdString(read.error).contains(c["global"].toString()),
                 read.error.c_str());
        QVERIFY(read.error.find("never runs code") != std::string::npos);
    }
}

void CheckpointTest::refusesMalformedFiles_data() {
    QTest::addColumn<QString>("file");
    for (const QJsonValue& f : corpus()["malformed"].toArray())
        QTest::newRow(f.toString().toUtf8()) << f.toString();
    QTest::newRow("does_not_exist") << QString("no/such/file.pth");
}

void CheckpointTest::refusesMalformedFiles() {
    QFETCH(QString, file);
    const CheckpointRead read = formats::readCheckpointFile(kDir + "malformed/" + file);
    QVERIFY(!read.ok());
    QVERIFY(read.checkpoint.tensors.empty());
    QVERIFY(QString::fromStdString(read.error).contains(file.section('/', -1)));
    if (file == "duplicate_entries.pth")
        QVERIFY2(QString::fromStdString(read.error).contains("two of its entries have the same name"),
                 read.error.c_str());
}

void CheckpointTest::survivesCorruptPickles() {
    // Every single-byte change and every truncation of a real data.pkl: refused with a
    // message or read; never a crash (run under the sanitizers in CI).
    QFile zipFile(kDir + "cases/nested_checkpoint.pth");
    QVERIFY(zipFile.open(QIODevice::ReadOnly));
    const QByteArray zip = zipFile.readAll();
    const qsizetype begin = zip.indexOf(QByteArray("\x80\x02", 2));
    const qsizetype end = zip.indexOf(".PK", begin) + 1;
    QVERIFY(begin > 0 && end > begin);
    const std::string good = zip.mid(begin, end - begin).toStdString();
    QVERIFY2(readStateDictPickle(good).ok(), readStateDictPickle(good).error.c_str());
    std::mt19937 rng(7);
    int refused = 0;
    for (std::size_t i = 0; i < good.size(); ++i) {
        std::string bad = good;
        bad[i] = char(rng());
        refused += !readStateDictPickle(bad).ok();
        refused += !readStateDictPickle(good.substr(0, i)).ok();
    }
    QVERIFY(refused >= int(good.size())); // every truncation at least
}

void CheckpointTest::hostilePickles_data() {
    using namespace std::literals;
    QTest::addColumn<std::string>("bytes");
    QTest::addColumn<QString>("why");
    QTest::newRow("os.system") << pickle({"cos\nsystem\n"sv, "X\x02\0\0\0ls"sv, "\x85R."sv})
                               << "os.system";
    QTest::newRow("builtins.eval via STACK_GLOBAL") << pickle({"\x8c\x08"
                                                               "builtins"sv,
                                                               "\x8c\x04"
                                                               "eval"sv,
                                                               "\x93."sv})
                                                    << "builtins.eval";
    QTest::newRow("INST opcode") << pickle({"(ios\nsystem\n."sv}) << "opcode 0x69";
    QTest::newRow("NEWOBJ opcode") << pickle({"}}\x81."sv}) << "opcode 0x81";
    QTest::newRow("list holding itself") << pickle({"]q\x00"
                                                    "h\x00"
                                                    "a."sv})
                                         << "not a state_dict";
    QTest::newRow("pop from empty stack") << pickle({"0."sv}) << "empty stack";
    QTest::newRow("memo never stored") << pickle({"h\x05."sv}) << "never stored";
    QTest::newRow("string longer than file") << pickle({"X\xff\xff\xff\x7f"
                                                        "abc"sv})
                                             << "ends early";
    QTest::newRow("SETITEMS without MARK") << pickle({"}u."sv}) << "no MARK";
    QTest::newRow("persistent id not a storage") << pickle({"K\x01Q."sv}) << "not a torch storage";
    QTest::newRow("tensor with negative size")
        << pickle({"}X\x01\0\0\0wctorch._utils\n_rebuild_tensor_v2\n((X\x07\0\0\0storagectorch\n"
                   "FloatStorage\nX\x01\0\0\0"
                   "0X\x03\0\0\0cpuK\x01tQK\0J\xff\xff\xff\xff\x85)\x89)tRs."sv})
        << "non-negative";
    QTest::newRow("OrderedDict with arguments")
        << pickle({"ccollections\nOrderedDict\n]\x85R."sv}) << "OrderedDict built from arguments";
    QTest::newRow("not a dict") << pickle({"K\x05."sv}) << "of type int";
    // Tensors torch.load refuses in Tensor.set_ (PyTorch 1.13: storage of 1 float element).
    const auto tensorPickle = [](std::string_view storageClass, std::string_view offsetSizeStride) {
        std::string p("}X\x01\0\0\0wctorch._utils\n_rebuild_tensor_v2\n((X\x07\0\0\0storagec"sv);
        p += storageClass;
        p += "X\x01\0\0\0"
             "0X\x03\0\0\0cpuK\x01tQ"sv;
        p += offsetSizeStride;
        p += "\x89)tRs."sv;
        return p;
    };
    const std::string_view floatStorage = "torch\nFloatStorage\n"sv;
    QTest::newRow("stride rank differs from size rank")
        << tensorPickle(floatStorage, "K\0K\x01\x85)"sv) << "another rank than its size";
    QTest::newRow("negative storage offset")
        << tensorPickle(floatStorage, "J\xff\xff\xff\xffK\x01\x85K\x01\x85"sv)
        << "negative storage offset";
    QTest::newRow("negative stride")
        << tensorPickle(floatStorage, "K\0K\x01\x85J\xff\xff\xff\xff\x85"sv) << "negative stride";
    QTest::newRow("view past the storage's end")
        << tensorPickle(floatStorage, "K\0K\x02\x85K\x01\x85"sv) << "reaches past the end";
    QTest::newRow("offset past the storage's end")
        << tensorPickle(floatStorage, "K\x01K\x01\x85K\x01\x85"sv) << "reaches past the end";
    QTest::newRow("persistent id's class is not a storage")
        << tensorPickle("collections\nOrderedDict\n"sv, "K\0K\x01\x85K\x01\x85"sv)
        << "not a storage type";
    // Memory bounded by the limits, not by the pickle's length: millions of one-byte opcodes.
    QTest::newRow("four million NONE") << std::string(4'000'000, 'N') + "."
                                       << "more values";
    QTest::newRow("four million MARK") << std::string(4'000'000, '(') + "."
                                       << "more MARKs";
}

void CheckpointTest::hostilePickles() {
    QFETCH(std::string, bytes);
    QFETCH(QString, why);
    const CheckpointRead read = readStateDictPickle(bytes);
    QVERIFY(!read.ok());
    QVERIFY2(QString::fromStdString(read.error).contains(why), read.error.c_str());
}

void CheckpointTest::emptyMetadataMeansVersionless() {
    // A state_dict with _metadata keeps BatchNorm's version: a missing num_batches_tracked is
    // then reported; the same checkpoint without versions (safetensors) loads (PyTorch fills
    // in 0). cases.json holds both verdicts from PyTorch; here the rule on one model alone.
    const ModuleNode model = modelOf("no_num_batches_tracked.txt");
    const CheckpointRead pth =
        formats::readCheckpointFile(kDir + "cases/no_num_batches_tracked.pth");
    QVERIFY(pth.ok() && pth.checkpoint.versions);
    QCOMPARE(pth.checkpoint.versions->at("1"), 2);
    Checkpoint versionless = pth.checkpoint;
    versionless.versions.reset();
    QVERIFY(checkLoadStateDict(model, pth.checkpoint).strictError);
    QVERIFY(!checkLoadStateDict(model, versionless).strictError);
}

void CheckpointTest::safetensorsHeaderRefusesAbsurdSizes() {
    // Found by fuzz_safetensors: a size beyond int64 was converted to an integer (undefined).
    for (const char* header :
         {R"({"w": {"dtype": "F32", "shape": [1e308], "data_offsets": [0, 4]}})",
          R"({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})",
          R"({"w": {"dtype": "F32", "shape": [2.5], "data_offsets": [0, 10]}})",
          R"({"w": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 0]}})",
          R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8e300]}})",
          R"({"w": {"dtype": "Q7", "shape": [2], "data_offsets": [0, 8]}})"}) {
        const CheckpointRead r = formats::parseSafetensorsHeader(header, 64);
        QVERIFY2(!r.ok(), header);
        QVERIFY(r.checkpoint.tensors.empty());
    }
    // Offsets that overlap, leave a gap, or stop short of the data's end: refused, as the
    // safetensors library refuses them.
    for (const auto& [header, why] : std::vector<std::pair<const char*, const char*>>{
             {R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                  "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
              "overlapping"},
             {R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                  "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}})",
              "a gap"},
             {R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})",
              "ends at byte 4"}}) {
        const CheckpointRead r = formats::parseSafetensorsHeader(header, 12);
        QVERIFY2(!r.ok() && QString::fromStdString(r.error).contains(why), r.error.c_str());
    }
    const CheckpointRead tiled = formats::parseSafetensorsHeader(
        R"({"b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]},
            "a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})",
        8);
    QVERIFY2(tiled.ok(), tiled.error.c_str()); // any key order, as long as the data is tiled
    const CheckpointRead ok = formats::parseSafetensorsHeader(
        R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "__metadata__": {}})", 8);
    QVERIFY2(ok.ok(), ok.error.c_str());
    QCOMPARE(ok.checkpoint.tensors.front().shape, (Shape{2}));
}

QTEST_GUILESS_MAIN(CheckpointTest)
#include "tst_checkpoint.moc"
