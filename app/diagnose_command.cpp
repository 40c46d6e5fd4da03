// normlab-cli diagnose: reads a print(model) text, propagates --input-shape through it and
// prints the layers and findings as JSON (diagnose_json.h); with --checkpoint, also what
// load_state_dict would say about that checkpoint (normlab/load_state_dict.h). Exit 0 when it
// analysed (even with findings), 2 when the model text, the checkpoint or the arguments
// cannot be read.
#include "checkpoint_file.h"
#include "cli_commands.h"
#include "cli_support.h"
#include "diagnose_json.h"
#include "trace_json.h"

#include "normlab/diagnose.h"
#include "normlab/load_state_dict.h"

#include "user_files.h"

#include <QFile>
#include <QJsonDocument>
#include <QTextStream>

namespace normlab::app {

namespace {

int diagnoseTraceFile(const QCommandLineParser& parser) {
    QFile file(parser.value("trace"));
    if (const QString error = formats::openRegularFile(file, formats::kMaxTraceBytes, "the trace");
        !error.isEmpty()) {
        printError(error);
        return kExitInvalid;
    }
    formats::Trace trace;
    if (const QString error = formats::traceFromJson(file.readAll(), trace); !error.isEmpty()) {
        printError(parser.value("trace") + ": " + error);
        return kExitInvalid;
    }
    // The traced version is described unless another one is asked for.
    const QString asked = parser.isSet("torch-version")
                              ? parser.value("torch-version")
                              : QString::fromStdString(trace.torchVersion);
    auto version = TorchVersion::parse(asked.toStdString());
    if (!version && !parser.isSet("torch-version")) version = TorchVersion{};
    if (!version) {
        printError("--torch-version must look like 2.1 or 1.13, got '" + asked + "'");
        return kExitInvalid;
    }
    DiagnoseReport report = diagnoseTrace(trace.calls, trace.error, *version, trace.modules);
    if (!parser.isSet("checkpoint")) {
        QTextStream(stdout) << QJsonDocument(diagnoseReportToJson(report, *version))
                                   .toJson(QJsonDocument::Indented);
        return kExitOk;
    }
    if (trace.modules.empty()) {
        printError(parser.value("trace") +
                   " lists no modules (written by an older "
                   "normlab_trace.py): trace the model again, or use --model with --checkpoint");
        return kExitInvalid;
    }
    const CheckpointRead checkpoint = formats::readCheckpointFile(parser.value("checkpoint"));
    if (!checkpoint.ok()) {
        printError(QString::fromStdString(checkpoint.error));
        return kExitInvalid;
    }
    const LoadStateDictReport loaded = checkLoadStateDict(trace.modules, checkpoint.checkpoint);
    report.findings.insert(report.findings.end(), loaded.findings.begin(), loaded.findings.end());
    QJsonObject json = diagnoseReportToJson(report, *version);
    json["load_state_dict"] = loadStateDictToJson(loaded, checkpoint.checkpoint);
    QTextStream(stdout) << QJsonDocument(json).toJson(QJsonDocument::Indented);
    return kExitOk;
}

} // namespace

int diagnoseCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOption({"model", "What print(model) printed, as a text file.", "MODEL.txt"});
    parser.addOption({"trace",
                      "A trace of the real forward pass (tools/normlab_trace.py): exact shapes. "
                      "Takes the place of --model and --input-shape.",
                      "TRACE.json"});
    parser.addOption({"checkpoint",
                      "A checkpoint to load into the model (.pt, .pth, .bin from torch.save, or "
                      ".safetensors): what load_state_dict would raise, and why. Only headers "
                      "are read; no code in the file runs.",
                      "FILE"});
    parser.addOption({"input-shape",
                      "Shape of the model's input, e.g. 1,256,64,64 (optional: without it, "
                      "what the text itself fixes is checked).",
                      "DIMS"});
    parser.addOption({"torch-version",
                      "PyTorch version whose behaviour to describe (default 2.4; 2.1 changed "
                      "InstanceNorm's num_features checks, 2.4 added nn.RMSNorm).",
                      "X.Y", "2.4"});
    if (auto code = parseCommandLine(parser, "diagnose",
                                     "Explain shape and affine mistakes in the normalization "
                                     "layers of a model, as PyTorch would report them (or not).",
                                     arguments, {}))
        return *code;
    if (parser.isSet("trace")) return diagnoseTraceFile(parser);
    if (!parser.isSet("model")) {
        printError("--model is required, or --trace (see normlab-cli diagnose --help)");
        return kExitInvalid;
    }
    Shape shape;
    if (parser.isSet("input-shape") &&
        !parseShapeOption(parser.value("input-shape"), "--input-shape", kMaxModelInputRank, shape))
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
    const ModelText model = parseModelText(text);
    if (!model.root) {
        printError(parser.value("model") + ": " + QString::fromStdString(model.error));
        return kExitInvalid;
    }
    CheckpointRead checkpoint;
    if (parser.isSet("checkpoint")) {
        checkpoint = formats::readCheckpointFile(parser.value("checkpoint"));
        if (!checkpoint.ok()) {
            printError(QString::fromStdString(checkpoint.error));
            return kExitInvalid;
        }
    }
    // Without --input-shape only what the text itself determines is checked.
    DiagnoseReport report = diagnoseModel(*model.root, shape, *version);
    if (!report.ok()) {
        printError(parser.value("model") + ": " + QString::fromStdString(report.error));
        return kExitInvalid;
    }
    QJsonObject json;
    if (parser.isSet("checkpoint")) {
        const LoadStateDictReport loaded = checkLoadStateDict(*model.root, checkpoint.checkpoint);
        report.findings.insert(report.findings.end(), loaded.findings.begin(),
                               loaded.findings.end());
        json = diagnoseReportToJson(report, *version);
        json["load_state_dict"] = loadStateDictToJson(loaded, checkpoint.checkpoint);
    } else {
        json = diagnoseReportToJson(report, *version);
    }
    QTextStream(stdout) << QJsonDocument(json).toJson(QJsonDocument::Indented);
    return kExitOk;
}

} // namespace normlab::app
