// The shape/affine debugger against PyTorch itself: tests/diagnose/make_model_texts.py
// printed each model with print(model) (PyTorch 1.13) and ran it on an input of the case's
// shape, recording every leaf module's input/output shapes (forward hooks) and the exception
// PyTorch raised, with its message and the module it was in. The engine, told "1.13", must
// give the same shapes, raise where PyTorch raised with PyTorch's exact words, and nowhere
// else. PyTorch >= 2.1 behaviour (not installable here) is checked against the texts in
// the contract (docs/cli.md). Then the parser on hostile and malformed text.
#include "normlab/diagnose.h"
#include "normlab/model_text.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QtTest>

#include <map>
#include <set>

using namespace normlab;

namespace {

const QString kDir = QStringLiteral(NORMLAB_DIAGNOSE_DIR);
const TorchVersion kTorch113{1, 13};

QJsonArray goldenCases() {
    QFile f(kDir + "/cases.json");
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read tests/diagnose/cases.json");
    return QJsonDocument::fromJson(f.readAll()).array();
}

QByteArray modelText(const QString& name) {
    QFile f(kDir + "/models/" + name + ".txt");
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read a golden model text");
    return f.readAll();
}

Shape shapeOf(const QJsonValue& v) {
    Shape s;
    for (const QJsonValue& d : v.toArray()) s.push_back(d.toInteger());
    return s;
}

QString str(const std::optional<Shape>& s) {
    return s ? QString::fromStdString(shapeToString(*s)) : QStringLiteral("unknown");
}

DiagnoseReport diagnose(const QByteArray& text, const Shape& shape, TorchVersion v = {}) {
    return diagnoseModel(std::string_view(text.constData(), std::size_t(text.size())), shape, v);
}

const Finding* findCode(const DiagnoseReport& r, FindingCode code) {
    for (const Finding& f : r.findings)
        if (f.code == code) return &f;
    return nullptr;
}

// By the name a corpus file gives (null when no code has that name).
const Finding* findCode(const DiagnoseReport& r, const std::string& name) {
    const std::optional<FindingCode> code = findingCodeNamed(name);
    return code ? findCode(r, *code) : nullptr;
}

QString findingsText(const DiagnoseReport& r) {
    QString out;
    for (const Finding& f : r.findings)
        out += QString::fromStdString(f.layer + " " + std::string(findingCodeName(f.code)) + ": " +
                                      f.message + " / " + f.pytorch + "\n");
    return out;
}

} // namespace

class DiagnoseTest : public QObject {
    Q_OBJECT
  private slots:
    void findingCodesHaveOneNameEach();
    void againstPyTorch_data();
    void againstPyTorch();
    void instanceNormFrom21();
    void rmsNormNeeds24();
    void findingsNameBothNumbersAndAFix();
    void workbenchConfigurationOfANormLayer();
    void parserExpandsRepeatsAndReadsArguments();
    void malformedText_data();
    void malformedText();
    void corruptedGoldenTextsNeverCrash();
    void absurdInputShapes();
    void singleModulesAgainstPyTorch_data();
    void singleModulesAgainstPyTorch();
    void realArchitectures_data();
    void realArchitectures();
    void realArchitecturesShapeMostNormLayers();
    void hostileArgumentsNeverCrash_data();
    void hostileArgumentsNeverCrash();
    void versionParsing();
    void sequentialPinsChannelsWithoutAnInputShape_data();
    void sequentialPinsChannelsWithoutAnInputShape();
    void aWrongNormDoesNotSilenceItsBlock();
    void classLevelMistakesAtEveryInstance_data();
    void classLevelMistakesAtEveryInstance();
    void aModuleThatRanInTheTraceIsNeverSaidToRaise();
    void channelsThroughAClassOfItsOwnAreInferred();
    void aNormWithNoModuleBeforeItInItsReading();
};

void DiagnoseTest::againstPyTorch_data() {
    QTest::addColumn<QJsonObject>("golden");
    for (const QJsonValue& c : goldenCases())
        QTest::newRow(qPrintable(c["name"].toString())) << c.toObject();
}

void DiagnoseTest::againstPyTorch() {
    QFETCH(QJsonObject, golden);
    const DiagnoseReport r =
        diagnose(modelText(golden["name"].toString()), shapeOf(golden["input_shape"]), kTorch113);
    QVERIFY2(r.ok(), r.error.c_str());
    const QString all = findingsText(r);

    // Shapes: every module PyTorch ran, as PyTorch saw it.
    int unknown = 0;
    for (const QJsonValue& v : golden["layers"].toArray()) {
        const QJsonObject g = v.toObject();
        const std::string name = g["name"].toString().toStdString();
        const auto it = std::find_if(r.layers.begin(), r.layers.end(),
                                     [&](const LayerReport& l) { return l.name == name; });
        QVERIFY2(it != r.layers.end(), name.c_str());
        QCOMPARE(QString::fromStdString(it->type), g["type"].toString());
        if (!it->inputShape || !it->outputShape) {
            ++unknown;
            continue;
        }
        QCOMPARE(str(it->inputShape), str(shapeOf(g["input_shape"])));
        QCOMPARE(str(it->outputShape), str(shapeOf(g["output_shape"])));
    }
    if (golden["expect_unknown"].toBool()) {
        QVERIFY(unknown > 0);
        QVERIFY(findCode(r, FindingCode::UnknownModule));
    } else {
        QCOMPARE(unknown, 0);
    }

    // Errors: where PyTorch raised, with its words; nowhere else.
    std::vector<const Finding*> errors;
    for (const Finding& f : r.findings)
        if (f.severity == Severity::Error) errors.push_back(&f);
    const QJsonValue raised = golden["error"];
    if (raised.isNull()) {
        QVERIFY2(errors.empty(), qPrintable(all));
    } else {
        QVERIFY2(!errors.empty(), qPrintable(all));
        const Finding& first = *errors.front();
        QCOMPARE(QString::fromStdString(first.layer), raised["layer"].toString());
        QCOMPARE(QString::fromStdString(first.exception), raised["type"].toString());
        QCOMPARE(QString::fromStdString(first.torchMessage), raised["message"].toString());
        QCOMPARE(first.action, TorchAction::Raises);
    }
    // PyTorch 1.13 warned about none of these; the engine must not claim it does.
    QCOMPARE(golden["warnings"].toArray().size(), 0);
    for (const Finding& f : r.findings) QVERIFY(f.action != TorchAction::Warns);

    for (const QJsonValue& code : golden["expect_codes"].toArray())
        QVERIFY2(findCode(r, code.toString().toStdString()),
                 qPrintable(code.toString() + " missing from:\n" + all));
}

void DiagnoseTest::instanceNormFrom21() {
    // From PyTorch 2.1 InstanceNorm compares num_features with the input itself.
    const QByteArray silent = modelText("instance_norm_mismatch_silent");
    const DiagnoseReport r21 = diagnose(silent, {2, 256, 16, 16}, {2, 1});
    const Finding* w = findCode(r21, FindingCode::NumFeaturesMismatch);
    QVERIFY(w);
    QCOMPARE(w->action, TorchAction::Warns);
    QCOMPARE(w->severity, Severity::Warning);
    QCOMPARE(w->torchMessage,
             std::string("input's size at dim=1 does not match num_features. You can silence this "
                         "warning by not passing in num_features, which is not used because "
                         "affine=False"));
    const DiagnoseReport r20 = diagnose(silent, {2, 256, 16, 16}, {2, 0});
    QCOMPARE(findCode(r20, FindingCode::NumFeaturesMismatch)->action, TorchAction::Silent);

    const DiagnoseReport affine =
        diagnose(modelText("instance_norm_mismatch_affine"), {2, 256, 16, 16}, {2, 1});
    const Finding* e = findCode(affine, FindingCode::NumFeaturesMismatch);
    QCOMPARE(e->exception, std::string("ValueError"));
    QCOMPARE(
        e->torchMessage,
        std::string("expected input's size at dim=1 to match num_features (1024), but got: 512."));
    // An unbatched input's feature dim is 0.
    const DiagnoseReport unbatched =
        diagnose(modelText("instance_norm1d_2d_input_affine"), {4, 16}, {2, 1});
    QCOMPARE(findCode(unbatched, FindingCode::NumFeaturesMismatch)->torchMessage,
             std::string("expected input's size at dim=0 to match num_features (32), but got: 4."));
}

void DiagnoseTest::rmsNormNeeds24() {
    const QByteArray text =
        "Sequential(\n  (0): Linear(in_features=8, out_features=16, bias=True)\n"
        "  (1): RMSNorm((16,), eps=None, elementwise_affine=True)\n)\n";
    // Before 2.4 the text cannot tell nn.RMSNorm from a class of the model's own (LLaMA's
    // RMSNorm prints alike): both are said, as a note, and the layer is checked all the same.
    const DiagnoseReport old = diagnose(text, {4, 8}, {2, 3});
    QVERIFY(findCode(old, FindingCode::RmsNormUnavailable));
    QCOMPARE(findCode(old, FindingCode::RmsNormUnavailable)->severity, Severity::Info);
    QVERIFY(findCode(old, FindingCode::RmsNormUnavailable)->message.find("AttributeError") !=
            std::string::npos);
    const DiagnoseReport oldWrong =
        diagnose("Sequential(\n  (0): Linear(in_features=8, out_features=16, bias=True)\n"
                 "  (1): RMSNorm((32,), eps=None, elementwise_affine=True)\n)\n",
                 {4, 8}, {2, 3});
    QVERIFY(findCode(oldWrong, FindingCode::NormalizedShapeMismatch)); // still checked
    const DiagnoseReport now = diagnose(text, {4, 8}, {2, 4});
    QVERIFY2(now.findings.empty(), qPrintable(findingsText(now)));
    QCOMPARE(str(now.layers.back().outputShape), QString("[4, 16]"));
    const DiagnoseReport wrong = diagnose(text, {4, 8, 3}, {2, 4}); // 4 * 8 rows of 3
    QCOMPARE(findCode(wrong, FindingCode::InFeaturesMismatch)->torchMessage,
             std::string("mat1 and mat2 shapes cannot be multiplied (32x3 and 8x16)"));
}

void DiagnoseTest::findingsNameBothNumbersAndAFix() {
    // Every finding of every golden case: the message names the numbers that disagree where
    // there are two, and a fix is proposed.
    for (const QJsonValue& c : goldenCases()) {
        const DiagnoseReport r =
            diagnose(modelText(c["name"].toString()), shapeOf(c["input_shape"]), kTorch113);
        for (const Finding& f : r.findings) {
            QVERIFY2(!f.fix.empty(), findingCodeName(f.code).data());
            QVERIFY2(f.pytorch.rfind("PyTorch 1.13 ", 0) == 0, f.pytorch.c_str());
            QVERIFY(!f.layer.empty());
        }
    }
    const DiagnoseReport r =
        diagnose(modelText("instance_norm_mismatch_silent"), {2, 256, 16, 16}, kTorch113);
    const Finding* f = findCode(r, FindingCode::NumFeaturesMismatch);
    QVERIFY(f->message.find("512") != std::string::npos);
    QVERIFY(f->message.find("1024") != std::string::npos);
    QVERIFY2(f->fix.rfind("nn.InstanceNorm2d(512,", 0) == 0, f->fix.c_str());
    const DiagnoseReport bn =
        diagnose(modelText("batch_norm_channel_mismatch"), {2, 3, 8, 8}, kTorch113);
    QCOMPARE(findCode(bn, FindingCode::NumFeaturesMismatch)->fix,
             std::string("nn.BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, "
                         "track_running_stats=True)"));
    const DiagnoseReport ln = diagnose(modelText("layer_norm_mismatch"), {2, 3, 8, 8}, kTorch113);
    QCOMPARE(findCode(ln, FindingCode::NormalizedShapeMismatch)->fix,
             std::string("nn.LayerNorm((64, 8, 8), eps=1e-05, elementwise_affine=True)"));
    const DiagnoseReport gn =
        diagnose(modelText("group_norm_constructor"), {2, 30, 8, 8}, kTorch113);
    QCOMPARE(findCode(gn, FindingCode::GroupNormDivisibility)->fix,
             std::string("nn.GroupNorm(3, 30, eps=1e-05, affine=True)"));
}

void DiagnoseTest::workbenchConfigurationOfANormLayer() {
    const DiagnoseReport r =
        diagnose(modelText("instance_norm_mismatch_silent"), {2, 256, 16, 16}, kTorch113);
    const LayerReport& in = r.layers.at(1);
    QVERIFY(in.normSpec);
    QCOMPARE(in.normSpec->variant, Variant::InstanceNorm);
    QCOMPARE(*in.normSpec->numFeatures, 1024);
    QVERIFY(!in.normSpec->affine);
    QVERIFY(!in.normSpec->trackRunningStats);
    QCOMPARE(str(in.normInputShape), QString("[2, 512, 16, 16]"));
    const DiagnoseReport u = diagnose(modelText("instance_norm1d_2d_input"), {4, 16}, kTorch113);
    QCOMPARE(str(u.layers.at(1).normInputShape), QString("[1, 4, 32]"));
    const DiagnoseReport m = diagnose(modelText("mlp_bn1d"), {8, 20}, kTorch113);
    QVERIFY(!m.layers.at(5).normSpec->momentum); // momentum=None: cumulative average
}

void DiagnoseTest::parserExpandsRepeatsAndReadsArguments() {
    const ModelText parsed = parseModelText(modelText("repeated_blocks_2x_print").constData());
    QVERIFY2(parsed.root, parsed.error.c_str());
    const ModuleNode& layers = parsed.root->children.at(0);
    QCOMPARE(layers.children.size(), std::size_t(4));
    QCOMPARE(layers.children[3].name, std::string("3"));
    QCOMPARE(layers.children[3].children[1].type, std::string("LayerNorm"));

    const ModelText args = parseModelText("Net(\n  scale=0.5, names=('a, b', \"c)\")\n  (up): "
                                          "Upsample(size=(4, 4), mode='bilinear')\n)");
    QVERIFY2(args.root, args.error.c_str());
    QCOMPARE(args.root->arguments.size(), std::size_t(2));
    QCOMPARE(args.root->arguments[1].value, std::string("('a, b', \"c)\")"));
    QCOMPARE(args.root->children[0].arguments[1].value, std::string("'bilinear'"));
    QCOMPARE(args.root->children[0].line, 3);
}

void DiagnoseTest::malformedText_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty") << QByteArray("  \n\n") << "empty";
    QTest::newRow("prose") << QByteArray("hello world") << "line 1: expected a module";
    QTest::newRow("unclosed") << QByteArray("Sequential(\n  (0): ReLU()\n")
                              << "line 1: Sequential( opened here is never closed";
    QTest::newRow("bad child") << QByteArray("Sequential(\n  (0): 12(\n)\n")
                               << "line 2: expected a module";
    QTest::newRow("trailing") << QByteArray("ReLU()\nReLU()\n") << "line 2: text after the end";
    QTest::newRow("junk after leaf") << QByteArray("ReLU() extra") << "unexpected text";
    QTest::newRow("repeat count wrong")
        << QByteArray("ModuleList(\n  (0-3): 3 x ReLU()\n)") << "names 4 entries but says 3 x";
    QTest::newRow("absurd repeat")
        << QByteArray("ModuleList(\n  (0-999999999): 1000000000 x ReLU()\n)") << "more than";
    QTest::newRow("repeat count past int64") // overflowed the module counter before
        << QByteArray("ModuleList(\n  (0-9223372036854775806): 9223372036854775807 x ReLU()\n)")
        << "more than";
    QTest::newRow("nested repeats multiply past the cap")
        << QByteArray("ModuleList(\n  (0-999): 1000 x ModuleList(\n    (0-999): 1000 x "
                      "ReLU()\n  )\n)")
        << "more than";
    QByteArray deep;
    for (int i = 0; i < 300; ++i) deep += "  (0): Sequential(\n";
    QTest::newRow("deep nesting") << QByteArray("Sequential(\n" + deep) << "nested more than";
}

void DiagnoseTest::malformedText() {
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    const DiagnoseReport r = diagnose(text, {1, 3, 8, 8});
    QVERIFY(!r.ok());
    QVERIFY2(QString::fromStdString(r.error).contains(expected), r.error.c_str());
    QVERIFY(r.layers.empty() && r.findings.empty());
}

void DiagnoseTest::corruptedGoldenTextsNeverCrash() {
    // Truncations, deleted characters and random bytes in every golden text: each gives a
    // report or a line-numbered error, never a crash or a hang.
    QRandomGenerator rng(7);
    int reports = 0, errors = 0;
    for (const QString& file : QDir(kDir + "/models").entryList({"*.txt"})) {
        const QByteArray text = modelText(file.chopped(4));
        for (int trial = 0; trial < 60; ++trial) {
            QByteArray t = text;
            const int at = int(rng.bounded(t.size()));
            switch (trial % 3) {
            case 0:
                t.truncate(at);
                break;
            case 1:
                t.remove(at, 1 + int(rng.bounded(8)));
                break;
            default:
                t[at] = char(rng.bounded(256));
                break;
            }
            const DiagnoseReport r = diagnose(t, {2, 3, 16, 16});
            if (r.ok())
                ++reports;
            else if (r.error.rfind("line ", 0) == 0 || r.error.find("empty") != std::string::npos)
                ++errors;
            else
                QFAIL(r.error.c_str());
        }
    }
    QVERIFY(reports > 0 && errors > 0);
}

void DiagnoseTest::absurdInputShapes() {
    const QByteArray text = modelText("vgg_bn");
    QVERIFY(!diagnose(text, {100000, 100000, 100000, 100000}).ok());
    QVERIFY(!diagnose(text, {2, 0, 8, 8}).ok());
    QVERIFY(diagnose(text, {}).ok()); // no input shape: analysed for what the text fixes
    // A shape no layer fits is analysed, not refused: every layer says why.
    const DiagnoseReport r = diagnose(text, {7});
    QVERIFY(r.ok());
    QVERIFY(!r.findings.empty());
}

void DiagnoseTest::singleModulesAgainstPyTorch_data() {
    // tests/diagnose/make_module_errors.py: one module, one input, what PyTorch 1.13 did.
    QFile f(kDir + "/module_errors.json");
    QVERIFY(f.open(QIODevice::ReadOnly));
    QTest::addColumn<QJsonObject>("golden");
    const QJsonArray cases = QJsonDocument::fromJson(f.readAll())["cases"].toArray();
    QVERIFY(cases.size() > 80);
    for (const QJsonValue& c : cases)
        QTest::addRow("%s on %s", qPrintable(c["constructor"].toString()),
                      qPrintable(str(shapeOf(c["input_shape"]))))
            << c.toObject();
}

// Where PyTorch runs the module: its output shape and no error. Where it raises: an error at
// the module, PyTorch's own words wherever NormLab gives words, and no shape after it when
// the output would have a size below 1 or beyond 64 bits.
void DiagnoseTest::singleModulesAgainstPyTorch() {
    QFETCH(QJsonObject, golden);
    const QByteArray text = "Sequential(\n  (0): " + golden["module"].toString().toUtf8() + "\n)\n";
    const DiagnoseReport r = diagnose(text, shapeOf(golden["input_shape"]), kTorch113);
    QVERIFY2(r.ok(), r.error.c_str());
    QCOMPARE(r.layers.size(), std::size_t(1));
    const QString all = findingsText(r);
    const Finding* error = nullptr;
    for (const Finding& f : r.findings)
        if (f.severity == Severity::Error && !error) error = &f;
    if (golden["error"].isNull()) {
        QVERIFY2(!error, qPrintable(all));
        if (!r.layers[0].outputShape) {
            // Unknown is honest where the printed text cannot tell (AvgPool's repr omits
            // ceil_mode): allowed only when said, with the reason.
            QVERIFY2(findCode(r, FindingCode::UnreadableArguments), qPrintable(all));
            return;
        }
        QCOMPARE(str(r.layers[0].outputShape), str(shapeOf(golden["output_shape"])));
        return;
    }
    if (!error && !r.layers[0].outputShape && all.contains("ceil_mode"))
        return; // one reading raises, the other runs: unknown, and said why (see above)
    QVERIFY2(error,
             qPrintable("PyTorch raised " + golden["error"].toObject()["message"].toString() +
                        "; NormLab found:\n" + all));
    QCOMPARE(QString::fromStdString(error->layer), QString("0"));
    QCOMPARE(error->action, TorchAction::Raises);
    if (!error->torchMessage.empty()) {
        QCOMPARE(QString::fromStdString(error->torchMessage),
                 golden["error"].toObject()["message"].toString());
        QCOMPARE(QString::fromStdString(error->exception),
                 golden["error"].toObject()["type"].toString());
    } else {
        // Wordless only where PyTorch's words are not modelled: said so, never invented.
        QVERIFY2(QString::fromStdString(error->pytorch).contains("not modelled"),
                 error->pytorch.c_str());
    }
    if (error->code == FindingCode::InvalidOutputSize ||
        error->code == FindingCode::InvalidArgument || error->code == FindingCode::SizeOverflow)
        QVERIFY2(!r.layers[0].outputShape, qPrintable(str(r.layers[0].outputShape)));
}

namespace {

QJsonArray architectureCases() {
    QFile f(kDir + "/architectures.json");
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read tests/diagnose/architectures.json");
    return QJsonDocument::fromJson(f.readAll())["cases"].toArray();
}

QByteArray architectureText(const QString& name) {
    QFile f(kDir + "/architectures/" + name + ".txt");
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read an architecture text");
    return f.readAll();
}

bool isNormType(const QString& type) {
    for (const char* prefix : {"BatchNorm", "InstanceNorm", "LayerNorm", "GroupNorm"})
        if (type.startsWith(prefix)) return true;
    return false;
}

} // namespace

void DiagnoseTest::realArchitectures_data() {
    // tests/diagnose/make_architectures.py: torchvision's classifiers and hand-written models
    // (GPT, BERT-style, UNet, GAN, audio), their shapes as PyTorch's forward hooks saw them,
    // and copies with one injected mistake.
    QTest::addColumn<QJsonObject>("golden");
    for (const QJsonValue& c : architectureCases())
        QTest::newRow(qPrintable(c["name"].toString())) << c.toObject();
}

// On a model PyTorch runs: no error and no warning, and no shape that differs from
// PyTorch's (a shape is right or null). On a mutated copy: the mistake at its layer with its
// code, and PyTorch's own words where PyTorch raised.
void DiagnoseTest::realArchitectures() {
    QFETCH(QJsonObject, golden);
    const DiagnoseReport r = diagnose(architectureText(golden["name"].toString()),
                                      shapeOf(golden["input_shape"]), kTorch113);
    QVERIFY2(r.ok(), r.error.c_str());
    const QString all = findingsText(r);
    std::map<std::string, const LayerReport*> byName;
    for (const LayerReport& l : r.layers) byName[l.name] = &l;
    const QJsonObject mistake = golden["mistake"].toObject();
    for (const QJsonValue& v : golden["layers"].toArray()) {
        const QJsonObject g = v.toObject();
        const auto it = byName.find(g["name"].toString().toStdString());
        if (it == byName.end() || !it->second->inputShape) continue;
        if (!mistake.isEmpty() && g["name"] == mistake["layer"]) continue;
        // Where a module runs is certain for the modules that declare their input (norms,
        // convolutions, Linear) and for pools; an activation or dropout of a custom block may
        // run anywhere in forward() and is shown where it is printed.
        const QString type = g["type"].toString();
        if (!isNormType(type) && !type.startsWith("Conv") && type != "Linear" &&
            !type.contains("Pool"))
            continue;
        QStringList seen;
        for (const QJsonValue& call : g["input_shapes"].toArray()) seen << str(shapeOf(call));
        if (g["name"] == "pooler")
            QEXPECT_FAIL("bert_encoder",
                         "forward() takes the first token (x[:, 0]) before the pooler: indexing "
                         "is not in the printed text, and [N, L, D] fits Linear(D) as well",
                         Continue);
        QVERIFY2(seen.contains(str(it->second->inputShape)),
                 qPrintable(g["name"].toString() + ": NormLab " + str(it->second->inputShape) +
                            ", PyTorch " + seen.join(" or ") + " (" +
                            QString::fromStdString(it->second->reading) + ")"));
        QVERIFY(it->second->certainty != Certainty::Unknown);
    }
    std::vector<const Finding*> serious;
    for (const Finding& f : r.findings)
        if (f.severity == Severity::Error || f.severity == Severity::Warning) serious.push_back(&f);
    if (mistake.isEmpty()) {
        QVERIFY2(serious.empty(), qPrintable(all));
        return;
    }
    QVERIFY2(!serious.empty(), qPrintable("missed " + mistake["code"].toString() + "\n" + all));
    const Finding& first = *serious.front();
    QCOMPARE(QString::fromStdString(first.layer), mistake["layer"].toString());
    QCOMPARE(QString::fromUtf8(findingCodeName(first.code).data()), mistake["code"].toString());
    const QJsonObject raised = golden["error"].toObject();
    if (raised.isEmpty()) {
        QCOMPARE(first.severity, Severity::Warning); // 1.13 runs it silently
        QCOMPARE(first.action, TorchAction::Silent);
    } else {
        QCOMPARE(first.severity, Severity::Error);
        QCOMPARE(QString::fromStdString(first.torchMessage), raised["message"].toString());
    }
    QVERIFY(!first.restsOn.empty());
}

// The static reading's reach, as a floor that only rises: of the normalization layers
// PyTorch ran in the models without mistakes, how many NormLab shapes (right, by the test
// above), and the exact ones among them.
void DiagnoseTest::realArchitecturesShapeMostNormLayers() {
    int norms = 0, shaped = 0, exact = 0;
    for (const QJsonValue& c : architectureCases()) {
        if (!c["mistake"].isNull()) continue;
        const DiagnoseReport r =
            diagnose(architectureText(c["name"].toString()), shapeOf(c["input_shape"]), kTorch113);
        std::map<std::string, const LayerReport*> byName;
        for (const LayerReport& l : r.layers) byName[l.name] = &l;
        for (const QJsonValue& v : c["layers"].toArray()) {
            if (!isNormType(v["type"].toString())) continue;
            ++norms;
            const auto it = byName.find(v["name"].toString().toStdString());
            if (it == byName.end() || !it->second->inputShape) continue;
            ++shaped;
            exact += it->second->certainty == Certainty::Exact;
        }
    }
    qInfo("normalization layers: %d, shaped %d (%.1f%%), of them exact %d", norms, shaped,
          100.0 * shaped / norms, exact);
    QVERIFY(norms > 1000);
    // 952 of 1,027 (92.7%) when written; the rest are ShuffleNet's stride-1 units (an empty
    // branch and x.chunk in forward()) and ViT's tokens (class token or not: not in the text).
    QVERIFY2(shaped * 10 >= norms * 9, qPrintable(QString::number(shaped)));
}

void DiagnoseTest::hostileArgumentsNeverCrash_data() {
    // What crashed (SIGFPE) or ran out of memory before: each gives a report with an error
    // finding at the module and stops there (the BatchNorm after it has no shape).
    QTest::addColumn<QByteArray>("module");
    QTest::addColumn<QString>("code");
    QTest::newRow("conv stride 0")
        << QByteArray("Conv2d(3, 8, kernel_size=(3, 3), stride=(0, 0))") << "invalid_argument";
    QTest::newRow("maxpool kernel 0 stride 0")
        << QByteArray("MaxPool2d(kernel_size=0, stride=0, padding=0, dilation=1, ceil_mode=False)")
        << "invalid_argument";
    QTest::newRow("pixel shuffle 2^32")
        << QByteArray("PixelShuffle(upscale_factor=4294967296)") << "size_overflow";
    QTest::newRow("pixel unshuffle 2^32")
        << QByteArray("PixelUnshuffle(downscale_factor=4294967296)")
        << "invalid_argument"; // height 8 is not divisible: PyTorch's first check
    QTest::newRow("huge padding") << QByteArray("Conv2d(3, 8, 3, padding=(9223372036854775807, 1))")
                                  << "size_overflow";
    QTest::newRow("huge dilation")
        << QByteArray("Conv2d(3, 8, 3, dilation=(9223372036854775807, 1))") << "size_overflow";
    QTest::newRow("transposed conv huge stride")
        << QByteArray("ConvTranspose2d(3, 8, 3, stride=(9223372036854775807, 1))")
        << "size_overflow";
    QTest::newRow("upsample 1e300")
        << QByteArray("Upsample(scale_factor=1e+300, mode=nearest)") << "size_overflow";
    QTest::newRow("upsample nan") << QByteArray("Upsample(scale_factor=nan, mode=nearest)")
                                  << "size_overflow";
    QTest::newRow("upsample negative size")
        << QByteArray("Upsample(size=(-4, 4), mode=nearest)") << "invalid_argument";
    QTest::newRow("adaptive pool overflow")
        << QByteArray("AdaptiveAvgPool2d(output_size=(9223372036854775807, 9223372036854775807))")
        << "size_overflow";
    QTest::newRow("unflatten overflow")
        << QByteArray("Unflatten(dim=1, unflattened_size=(4294967296, 4294967296, 0))")
        << "invalid_argument";
    QTest::newRow("maxpool huge padding")
        << QByteArray("MaxPool2d(kernel_size=9223372036854775807, padding=1, dilation=2)")
        << "size_overflow";
    QTest::newRow("pad overflow") << QByteArray("ZeroPad2d((9223372036854775807, 1, 0, 0))")
                                  << "size_overflow";
    QTest::newRow("pad negative") << QByteArray("ZeroPad2d((-9, -9, 0, 0))") << "invalid_argument";
    // Found by fuzz_model_text: a size past 2^63 elements reached PyTorch's size check.
    QTest::newRow("element count past 64 bits")
        << QByteArray("Upsample(scale_factor=1e+09, mode=nearest)") << "size_overflow";
    // Found by fuzz_model_text: a negative size reached the report.
    QTest::newRow("negative out_channels")
        << QByteArray("Conv2d(3, -11, kernel_size=(1, 1), stride=(1, 1))") << "invalid_argument";
    QTest::newRow("channel mismatch and a kernel larger than the input")
        << QByteArray("Conv2d(16, 16, kernel_size=16, stride=(1, 1))") << "in_channels_mismatch";
}

void DiagnoseTest::hostileArgumentsNeverCrash() {
    QFETCH(QByteArray, module);
    QFETCH(QString, code);
    const QByteArray text = "Sequential(\n  (0): " + module + "\n  (1): BatchNorm2d(8)\n)\n";
    const DiagnoseReport r = diagnose(text, {2, 3, 8, 8}, kTorch113);
    QVERIFY2(r.ok(), r.error.c_str());
    const Finding* f = findCode(r, code.toStdString());
    QVERIFY2(f, qPrintable(findingsText(r)));
    QCOMPARE(f->severity, Severity::Error);
    QCOMPARE(QString::fromStdString(f->layer), QString("0"));
    QVERIFY(!r.layers.at(0).outputShape);
    QVERIFY(!r.layers.at(1).inputShape);
    for (const LayerReport& l : r.layers)
        if (l.outputShape)
            for (auto d : *l.outputShape) QVERIFY(d > 0);
}

void DiagnoseTest::versionParsing() {
    QCOMPARE(TorchVersion::parse("1.13")->minor, 13);
    QCOMPARE(TorchVersion::parse("2.1.2+cu121")->minor, 1);
    QCOMPARE(TorchVersion::parse("v2.4")->major, 2);
    QVERIFY(!TorchVersion::parse("2"));
    QVERIFY(!TorchVersion::parse("two.one"));
    QVERIFY(!TorchVersion::parse("2.1x"));
    QVERIFY((TorchVersion{2, 1}.atLeast(2, 1)));
    QVERIFY((!TorchVersion{1, 13}.atLeast(2, 1)));
}

// Every code has its own snake_case name, and the name gives the code back.
void DiagnoseTest::findingCodesHaveOneNameEach() {
    std::set<std::string_view> names;
    for (int i = 0; i < kFindingCodes; ++i) {
        const FindingCode code = FindingCode(i);
        const std::string_view name = findingCodeName(code);
        QVERIFY(QRegularExpression("^[a-z0-9]+(_[a-z0-9]+)*$")
                    .match(QString::fromUtf8(name.data(), qsizetype(name.size())))
                    .hasMatch());
        QVERIFY(names.insert(name).second);
        QCOMPARE(findingCodeNamed(name), std::optional<FindingCode>(code));
    }
    QVERIFY(!findingCodeNamed("no_such_code"));
}

QTEST_GUILESS_MAIN(DiagnoseTest)
#include "tst_diagnose.moc"

namespace {

std::vector<std::pair<std::string, FindingCode>> warned(const DiagnoseReport& r) {
    std::vector<std::pair<std::string, FindingCode>> out;
    for (const Finding& f : r.findings)
        if (f.severity != Severity::Info) out.emplace_back(f.layer, f.code);
    return out;
}

const char* kFoundingCase = R"(XXXNet(
  (Encoder): Sequential(
    (0): Conv2d(256, 512, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    (1): InstanceNorm2d(1024, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)
    (2): ReLU(inplace=True)
    (3): Conv2d(512, 512, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    (4): InstanceNorm2d(1024, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)
    (5): ReLU(inplace=True)
    ... ...
    (9): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
  )
)
)";

} // namespace

// Inside nn.Sequential the module before a norm fixes its channels: the mistakes are found
// with no input shape at all, at their layers, with what PyTorch does (closed forms of
// PyTorch's own rules: BatchNorm raises on running_mean's size, InstanceNorm without affine
// or running statistics never reads num_features and warns from 2.1). After an elision
// ("..."), nothing is pinned until a module declares its channels again.
void DiagnoseTest::sequentialPinsChannelsWithoutAnInputShape_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("version");
    QTest::addColumn<QStringList>("expected"); // "layer code action" per warning or error
    QTest::newRow("founding case, 2.4") << QByteArray(kFoundingCase) << "2.4"
                                        << QStringList{"Encoder.1 num_features_mismatch warns",
                                                       "Encoder.4 num_features_mismatch warns"};
    QTest::newRow("founding case, 1.13") << QByteArray(kFoundingCase) << "1.13"
                                         << QStringList{"Encoder.1 num_features_mismatch silent",
                                                        "Encoder.4 num_features_mismatch silent"};
    QTest::newRow("wrapped VGG, two wrong BatchNorm2d")
        << QByteArray(
               "Net(\n  (features): Sequential(\n"
               "    (0): Conv2d(3, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
               "    (1): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, "
               "track_running_stats=True)\n"
               "    (2): ReLU(inplace=True)\n"
               "    (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, "
               "ceil_mode=False)\n"
               "    (4): Conv2d(64, 128, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
               "    (5): BatchNorm2d(128, eps=1e-05, momentum=0.1, affine=True, "
               "track_running_stats=True)\n"
               "    (6): Conv2d(128, 256, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
               "    (7): BatchNorm2d(512, eps=1e-05, momentum=0.1, affine=True, "
               "track_running_stats=True)\n"
               "  )\n)\n")
        << "2.4"
        << QStringList{"features.1 num_features_mismatch raises",
                       "features.7 num_features_mismatch raises"};
    QTest::newRow("fragment") << QByteArray(
                                     "(layer3): Sequential(\n"
                                     "  (0): Conv2d(128, 256, kernel_size=(3, 3), stride=(2, 2), "
                                     "padding=(1, 1), bias=False)\n"
                                     "  (1): GroupNorm(32, 128, eps=1e-05, affine=True)\n)\n")
                              << "2.4" << QStringList{"layer3.1 num_features_mismatch raises"};
    QTest::newRow("transformer MLP: LayerNorm after Linear")
        << QByteArray("Sequential(\n  (0): Linear(in_features=256, out_features=512, bias=True)\n"
                      "  (1): GELU(approximate='none')\n"
                      "  (2): LayerNorm((1024,), eps=1e-05, elementwise_affine=True)\n)\n")
        << "2.4" << QStringList{"2 normalized_shape_mismatch raises"};
    QTest::newRow("consistent: nothing")
        << QByteArray("Sequential(\n  (0): Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1))\n"
                      "  (1): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, "
                      "track_running_stats=True)\n"
                      "  (2): AvgPool2d(kernel_size=2, stride=2, padding=0)\n"
                      "  (3): GroupNorm(4, 16, eps=1e-05, affine=True)\n"
                      "  (4): Flatten(start_dim=1, end_dim=-1)\n"
                      "  (5): BatchNorm1d(999, eps=1e-05, momentum=0.1, affine=True, "
                      "track_running_stats=True)\n)\n")
        << "2.4" << QStringList{};
    QTest::newRow("elision unpins")
        << QByteArray("Sequential(\n  (0): Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1))\n"
                      "  ...\n"
                      "  (7): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, "
                      "track_running_stats=True)\n)\n")
        << "2.4" << QStringList{};
}

void DiagnoseTest::sequentialPinsChannelsWithoutAnInputShape() {
    QFETCH(QByteArray, text);
    QFETCH(QString, version);
    QFETCH(QStringList, expected);
    const DiagnoseReport r = diagnose(text, {}, *TorchVersion::parse(version.toStdString()));
    QVERIFY2(r.ok(), r.error.c_str());
    QStringList got;
    for (const Finding& f : r.findings)
        if (f.severity != Severity::Info)
            got << QString::fromStdString(f.layer + " " + std::string(findingCodeName(f.code)) +
                                          " " + std::string(torchActionName(f.action)));
    QCOMPARE(got, expected);
    for (const Finding& f : r.findings)
        if (f.severity != Severity::Info)
            QVERIFY2(QString::fromStdString(f.restsOn).contains("nn.Sequential"),
                     f.restsOn.c_str());
}

// A custom block whose structure fits: a wrong normalization layer is found at its layer
// (it used to make every reading look wrong, and the block went quiet); a real model's
// blocks are not made to fit by a norm (ViT's MultiheadAttention takes no 4D map).
void DiagnoseTest::aWrongNormDoesNotSilenceItsBlock() {
    const DiagnoseReport r = diagnose(kFoundingCase, {1, 256, 64, 64});
    QVERIFY2(r.ok(), r.error.c_str());
    const auto w = warned(r);
    QVERIFY(std::count(w.begin(), w.end(),
                       std::pair<std::string, FindingCode>{"Encoder.1",
                                                           FindingCode::NumFeaturesMismatch}) == 1);
    QVERIFY(std::count(w.begin(), w.end(),
                       std::pair<std::string, FindingCode>{"Encoder.4",
                                                           FindingCode::NumFeaturesMismatch}) == 1);
    QFile vitText(kDir + "/architectures/vit_b_16.txt");
    QVERIFY(vitText.open(QIODevice::ReadOnly));
    const DiagnoseReport vit = diagnose(vitText.readAll(), {2, 3, 224, 224});
    QVERIFY(vit.ok());
    for (const Finding& f : vit.findings)
        QVERIFY2(f.severity != Severity::Error, (f.layer + ": " + f.message).c_str());
}

// A block class with one wrong normalization size (class_level.json, from PyTorch 1.13): a
// finding at every instance, with and without an input shape, and none on the clean model;
// with the shape, PyTorch's own message where it raises.
void DiagnoseTest::classLevelMistakesAtEveryInstance_data() {
    QTest::addColumn<QJsonObject>("c");
    QTest::addColumn<bool>("withShape");
    QFile f(kDir + "/class_level.json");
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read class_level.json");
    for (const QJsonValue& c : QJsonDocument::fromJson(f.readAll())["cases"].toArray())
        for (const bool withShape : {true, false})
            QTest::newRow(qPrintable(c["name"].toString() + (withShape ? "" : " (no shape)")))
                << c.toObject() << withShape;
}

void DiagnoseTest::classLevelMistakesAtEveryInstance() {
    QFETCH(QJsonObject, c);
    QFETCH(bool, withShape);
    const QString base = kDir + "/class_level/" + c["name"].toString();
    const auto read = [](const QString& path) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read a class-level text");
        return f.readAll();
    };
    const Shape shape = withShape ? shapeOf(c["input_shape"]) : Shape{};
    const DiagnoseReport clean = diagnose(read(base + "_clean.txt"), shape, kTorch113);
    QVERIFY2(clean.ok(), clean.error.c_str());
    QCOMPARE(warned(clean).size(), std::size_t(0));
    const DiagnoseReport bad = diagnose(read(base + "_mistake.txt"), shape, kTorch113);
    QStringList layers;
    for (const auto& [layer, code] : warned(bad))
        if (!layers.contains(QString::fromStdString(layer)))
            layers << QString::fromStdString(layer);
    QStringList expected;
    for (const QJsonValue& l : c["mistake_layers"].toArray()) expected << l.toString();
    layers.sort();
    QCOMPARE(layers, expected);
    const QJsonObject torch = c["torch"].toObject();
    for (const Finding& f : bad.findings)
        if (f.severity != Severity::Info && f.layer == expected.front().toStdString()) {
            QCOMPARE(QString::fromStdString(std::string(torchActionName(f.action))),
                     torch["action"].toString());
            if (withShape && torch["action"].toString() == "raises")
                QCOMPARE(QString::fromStdString(f.torchMessage), torch["message"].toString());
        }
}

// Trace mode says only what the trace shows: a LayerNorm whose recorded input its sizes would
// refuse, but which ran (a subclass rearranging in forward()), gets no "raises"; the same
// module where the trace stopped does; a module of the table never called is "not run".
void DiagnoseTest::aModuleThatRanInTheTraceIsNeverSaidToRaise() {
    TracedCall conv{"conv", "Conv2d",          "Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))",
                    true,   Shape{2, 3, 6, 6}, Shape{2, 8, 4, 4}};
    TracedCall norm{
        "norm", "LayerNorm",       "LayerNorm((8,), eps=1e-05, elementwise_affine=True)",
        true,   Shape{2, 8, 4, 4}, Shape{2, 8, 4, 4}};
    std::vector<TracedModule> modules{{"", "Net", "Net()", {}},
                                      {"conv", "Conv2d", conv.repr, {}},
                                      {"norm", "LayerNorm", norm.repr, {}},
                                      {"unused", "BatchNorm2d", "BatchNorm2d(99)", {}}};
    const DiagnoseReport ran = diagnoseTrace({conv, norm}, std::nullopt, kTorch113, modules);
    for (const Finding& f : ran.findings) {
        QVERIFY2(f.action != TorchAction::Raises, f.message.c_str());
        QVERIFY(f.severity == Severity::Info);
    }
    QCOMPARE(ran.layers.back().name, std::string("unused"));
    QCOMPARE(ran.layers.back().reading, std::string("not run"));
    TracedCall stopped = norm;
    stopped.output.reset();
    const DiagnoseReport raised = diagnoseTrace(
        {conv, stopped}, TracedError{"RuntimeError", "Given normalized_shape=[8], ...", "norm"},
        kTorch113, modules);
    QVERIFY(std::any_of(raised.findings.begin(), raised.findings.end(), [](const Finding& f) {
        return f.code == FindingCode::NormalizedShapeMismatch && f.action == TorchAction::Raises;
    }));
}

// nn.Sequential feeding a norm what a class of its own gives: the channels are read from that
// class's declared sizes, not from a printed order PyTorch is bound to, so the finding is
// inferred; inside a ConvNeXt-style block the LayerNorm after the permute is checked on C.
void DiagnoseTest::channelsThroughAClassOfItsOwnAreInferred() {
    const QByteArray text = "Sequential(\n  (0): Block(\n"
                            "    (conv1): Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1))\n"
                            "    (conv2): Conv2d(16, 32, kernel_size=(3, 3), stride=(1, 1))\n  )\n"
                            "  (1): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, "
                            "track_running_stats=True)\n)\n";
    const DiagnoseReport r = diagnose(text, {});
    const auto w = warned(r);
    QCOMPARE(w.size(), std::size_t(1));
    QCOMPARE(w.front().first, std::string("1"));
    for (const Finding& f : r.findings)
        if (f.layer == "1" && f.severity != Severity::Info)
            QCOMPARE(f.certainty, Certainty::Inferred);
    const QByteArray convnext =
        "Sequential(\n  (0): CNBlock(\n"
        "    (dwconv): Conv2d(16, 16, kernel_size=(7, 7), stride=(1, 1), "
        "padding=(3, 3), groups=16)\n"
        "    (norm): LayerNorm((32,), eps=1e-06, elementwise_affine=True)\n"
        "    (pwconv1): Linear(in_features=16, out_features=64, bias=True)\n"
        "    (pwconv2): Linear(in_features=64, out_features=16, bias=True)\n"
        "  )\n)\n";
    const auto c = warned(diagnose(convnext, {}));
    QCOMPARE(c.size(), std::size_t(1));
    QCOMPARE(c.front().first, std::string("0.norm"));
}

// Found by fuzz_model_text under UBSan: a BatchNorm1d without affine or running statistics
// (so PyTorch never reads num_features) fed [N, L, C] with no module before it (the first of
// a text, or of a reading that walks each module from the block's input); the finding names
// none instead of reading through a null pointer.
void DiagnoseTest::aNormWithNoModuleBeforeItInItsReading() {
    const QByteArray text = "BatchNorm1d(16, eps=1e-05, momentum=0.1, affine=False, "
                            "track_running_stats=False)\n";
    const DiagnoseReport r = diagnose(text, {2, 5, 16});
    QVERIFY2(r.ok(), r.error.c_str());
    const Finding* f = findCode(r, FindingCode::BatchNormChannelsLast);
    QVERIFY(f);
    QVERIFY2(f->message.find("the module before it") != std::string::npos, f->message.c_str());
}
