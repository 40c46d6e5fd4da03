// normlab-cli diagnose: reads a print(model) text, propagates --input-shape through it and
// prints the layers and findings as JSON (diagnose_json.h). Exit 0 when it analysed (even
// with findings), 2 when the model text or the arguments cannot be read.
#include "cli_commands.h"
#include "cli_support.h"
#include "diagnose_json.h"

#include "normlab/diagnose.h"

#include <QJsonDocument>
#include <QTextStream>

namespace normlab::app {

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
    if (!parseShapeOption(parser.value("input-shape"), "--input-shape", kMaxModelInputRank, shape))
        return kExitInvalid;
    const auto version = TorchVersion::parse(parser.value("torch-version").toStdString());
    if (!version) {
        printError("--torch-version must look like 2.1 or 1.13, got '" +
                   parser.value("torch-version") + "'");
        return kExitInvalid;
    }
    std::string text;
    if (const std::string error = readModelTextFile(parser.value("model").toStdString(), text);
        !error.empty()) {
        printError(QString::fromStdString(error));
        return kExitInvalid;
    }
    const DiagnoseReport report = diagnoseModel(text, shape, *version);
    if (!report.ok()) {
        printError(parser.value("model") + ": " + QString::fromStdString(report.error));
        return kExitInvalid;
    }
    QTextStream(stdout)
        << QJsonDocument(diagnoseReportToJson(report, *version)).toJson(QJsonDocument::Indented);
    return kExitOk;
}

} // namespace normlab::app
