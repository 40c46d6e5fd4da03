// normlab-cli run: one forward (+ backward) pass written to an output directory.
#include "cli_commands.h"
#include "cli_support.h"
#include "output_directory.h"

#include "normlab/normalize.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace normlab::app {

namespace {

QJsonValue finiteOrNull(double v) {
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

QByteArray reportJson(const NormSpec& spec, const NormInputs& inputs, const NormResult& r) {
    QJsonObject o;
    o["variant"] = QString::fromStdString(std::string(variantName(spec.variant)));
    QJsonArray shape;
    for (auto d : inputs.input.shape()) shape.append(double(d));
    o["shape"] = shape;
    o["dtype"] = QString::fromStdString(std::string(dtypeName(spec.dtype)));
    o["backend"] = QString::fromStdString(r.backend);
    o["elapsed_ms"] = r.elapsedMs;
    o["num_batches_tracked"] = double(r.numBatchesTracked);
    o["max_reconstruction_error"] = finiteOrNull(r.maxReconstructionError);
    QJsonArray diagnostics;
    for (const Diagnostic& d : r.diagnostics)
        diagnostics.append(
            QJsonObject{{"severity", QString::fromStdString(std::string(severityName(d.severity)))},
                        {"code", QString::fromUtf8(findingCodeName(d.code).data())},
                        {"message", QString::fromStdString(d.message)}});
    o["diagnostics"] = diagnostics;
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

// Every .npy a run may write, and the result it holds.
struct ResultFile {
    const char* name;
    Tensor NormResult::*member;
};
const ResultFile kResultFiles[] = {
    {"output.npy", &NormResult::output},
    {"mean.npy", &NormResult::mean},
    {"var.npy", &NormResult::var},
    {"count.npy", &NormResult::count},
    {"channel_mean.npy", &NormResult::channelMean},
    {"channel_var.npy", &NormResult::channelVar},
    {"reconstruction.npy", &NormResult::reconstruction},
    {"logdet.npy", &NormResult::logdet},
    {"grad_input.npy", &NormResult::gradInput},
    {"grad_weight.npy", &NormResult::gradWeight},
    {"grad_bias.npy", &NormResult::gradBias},
    {"grad_channel_weight.npy", &NormResult::gradChannelWeight},
    {"grad_channel_bias.npy", &NormResult::gradChannelBias},
    {"running_mean.npy", &NormResult::runningMean},
    {"running_var.npy", &NormResult::runningVar},
};

// The names normlab-cli run owns in an output directory: only these are ever replaced or
// removed there.
QStringList ownFileNames() {
    QStringList names{QStringLiteral("report.json")};
    for (const ResultFile& f : kResultFiles) names.append(QString::fromLatin1(f.name));
    return names;
}

} // namespace

int runCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    struct TensorOption {
        const char* name;
        const char* help;
        Tensor NormInputs::*member;
    };
    const TensorOption tensorOptions[] = {
        {"input", "Input tensor X.npy (float32/float64, rank 1..5).", &NormInputs::input},
        {"weight", "Affine weight (gamma).", &NormInputs::weight},
        {"bias", "Affine bias (beta).", &NormInputs::bias},
        {"channel-weight", "batch_channel_norm channel-stage weight [G].",
         &NormInputs::channelWeight},
        {"channel-bias", "batch_channel_norm channel-stage bias [G].", &NormInputs::channelBias},
        {"running-mean", "Running mean before this step (default 0).", &NormInputs::runningMean},
        {"running-var", "Running variance before this step (default 1).", &NormInputs::runningVar},
        {"grad-output", "Upstream gradient dy (input's shape): also compute gradients.",
         &NormInputs::gradOutput},
        {"lengths", "int64 [N]: element (n, ..., l) is valid iff l < lengths[n].",
         &NormInputs::lengths},
        {"mask", "bool/uint8, input's shape: 1 = valid.", &NormInputs::mask},
    };
    parser.addOption({"spec", "Normalization spec (JSON, see docs/spec.md).", "SPEC.json"});
    parser.addOption({"out",
                      "Output directory: created, or an empty one, or a previous normlab-cli "
                      "output (replaced atomically). Anything else is refused.",
                      "DIR"});
    parser.addOption({"force", "Write into a directory that holds other files too, replacing "
                               "only normlab-cli's own file names there."});
    for (const auto& t : tensorOptions) parser.addOption({t.name, t.help, "FILE.npy"});
    parser.addOption(
        {"num-batches-tracked", "num_batches_tracked before this step (default 0).", "K"});
    parser.addOption({"backend", "cpu (default) or cuda.", "NAME", "cpu"});
    parser.addOption({"device",
                      "With --backend cuda: the CUDA device number (default 0, or the "
                      "environment variable NORMLAB_CUDA_DEVICE).",
                      "N"});
    if (auto code =
            parseCommandLine(parser, "run",
                             "Run one normalization step and write outputs, statistics, gradients, "
                             "running statistics, the inverse and report.json to DIR.",
                             arguments, {"spec", "input", "out"}))
        return *code;

    NormSpec spec;
    if (!loadSpec(parser.value("spec"), spec)) return kExitInvalid;
    NormInputs inputs;
    for (const auto& t : tensorOptions)
        if (parser.isSet(t.name) && !loadNpy(parser.value(t.name), t.name, inputs.*(t.member)))
            return kExitInvalid;
    if (parser.isSet("num-batches-tracked")) {
        bool ok = false;
        inputs.numBatchesTracked = parser.value("num-batches-tracked").toLongLong(&ok);
        if (!ok || inputs.numBatchesTracked < 0) {
            printError("--num-batches-tracked must be a non-negative integer");
            return kExitInvalid;
        }
    }
    Backend* backend = chooseBackend(parser.value("backend"), parser.value("device"));
    if (!backend) return kExitInvalid;

    const NormResult result = normalize(spec, inputs, *backend);
    if (!result.ok()) {
        printError(QString::fromStdString(result.error));
        return kExitInvalid;
    }

    OutputDirectory out(parser.value("out"), ownFileNames(), parser.isSet("force"));
    QString error = out.open();
    for (const ResultFile& f : kResultFiles)
        if (error.isEmpty() && !(result.*(f.member)).isNull())
            error = out.writeNpy(f.name, result.*(f.member));
    if (error.isEmpty()) error = out.writeFile("report.json", reportJson(spec, inputs, result));
    if (error.isEmpty()) error = out.commit();
    if (!error.isEmpty()) {
        printError(error);
        return kExitInvalid;
    }
    return kExitOk;
}

} // namespace normlab::app
