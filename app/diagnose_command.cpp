// normlab-cli diagnose: reads a print(model) text, propagates --input-shape through it and
// prints the layers and findings as JSON (diagnose_json.h). Exit 0 when it analysed (even
// with findings), 2 when the model text or the arguments cannot be read.
#include "cli_commands.h"
#include "cli_support.h"
#include "diagnose_json.h"

#include "normlab/diagnose.h"

#include <QFile>
#include <QJsonDocument>
#include <QTextStream>

namespace normlab::app {

namespace {

constexpr qint64 kMaxModelTextBytes = 16 << 20;
constexpr int kMaxInputRank = 8;

bool readModelText(const QString& path, QByteArray& text) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        printError("cannot open the model text " + path + ": " + file.errorString());
        return false;
    }
    if (file.size() > kMaxModelTextBytes) {
        printError(path + " is larger than 16 MiB: not what print(model) prints");
        return false;
    }
    text = file.readAll();
    if (text.contains('\0')) {
        printError(path + " is a binary file, not the text print(model) prints");
        return false;
    }
    return true;
}

} // namespace

int diagnoseCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOption({"model", "What print(model) printed, as a text file.", "MODEL.txt"});
    parser.addOption({"input-shape", "Shape of the model's input, e.g. 1,256,64,64.", "DIMS"});
    parser.addOption({"torch-version",
                      "PyTorch version whose behaviour to describe (default 2.4; 2.1 changed "
                      "InstanceNorm's num_features checks, 2.4 added nn.RMSNorm).",
                      "X.Y", "2.4"});
    if (auto code = parseCommandLine(parser, "diagnose",
                                     "Explain shape and affine mistakes in the normalization "
                                     "layers of a model, as PyTorch would report them (or not).",
                                     arguments, {"model", "input-shape"}))
        return *code;
    Shape shape;
    if (!parseShapeOption(parser.value("input-shape"), "--input-shape", kMaxInputRank, shape))
        return kExitInvalid;
    const auto version = TorchVersion::parse(parser.value("torch-version").toStdString());
    if (!version) {
        printError("--torch-version must look like 2.1 or 1.13, got '" +
                   parser.value("torch-version") + "'");
        return kExitInvalid;
    }
    QByteArray text;
    if (!readModelText(parser.value("model"), text)) return kExitInvalid;
    const DiagnoseReport report = diagnoseModel(
        std::string_view(text.constData(), std::size_t(text.size())), shape, *version);
    if (!report.ok()) {
        printError(parser.value("model") + ": " + QString::fromStdString(report.error));
        return kExitInvalid;
    }
    QTextStream(stdout)
        << QJsonDocument(diagnoseReportToJson(report, *version)).toJson(QJsonDocument::Indented);
    return kExitOk;
}

} // namespace normlab::app
