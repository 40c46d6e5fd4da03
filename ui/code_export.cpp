#include "code_export.h"

#include "user_files.h"

#include "normlab/npy.h"

#include <QDir>
#include <QFile>
#include <QObject>
#include <QSaveFile>

namespace normlab::ui {

SnippetSetup snippetSetupOf(const WorkbenchState& state) {
    SnippetSetup setup;
    setup.spec = state.spec;
    setup.recipe = state.recipe;
    setup.inputFromFile = bool(state.loadedInput);
    if (state.loadedInput) setup.recipe.shape = state.loadedInput->shape();
    setup.lengths = state.lengths;
    setup.paintedMask = bool(state.mask);
    setup.parameterFiles = state.spec.affine && state.affineInit != AffineInit::Identity;
    return setup;
}

namespace {

// A folder NormLab saved code into before: its snippet starts with NormLab's marker.
bool isSnippetFolder(const QDir& dir) {
    QFile snippet(dir.filePath(kSnippetFileName));
    return formats::openRegularFile(snippet, 1 << 20, QObject::tr("the snippet")).isEmpty() &&
           snippet.read(sizeof kSnippetMarker - 1) == kSnippetMarker;
}

} // namespace

QString writeSnippetFolder(const QString& folder, const ComputeOutcome& outcome) {
    const QDir dir(folder);
    if (!dir.exists()) return QObject::tr("the folder %1 does not exist").arg(folder);
    const SnippetSetup setup = snippetSetupOf(outcome.state);
    const NormInputs& in = outcome.inputs;
    std::vector<std::pair<QString, Tensor>> files{{"input.npy", in.input.share()}};
    if (setup.paintedMask) files.emplace_back("mask.npy", in.mask.share());
    if (setup.parameterFiles) {
        // Parameters left at PyTorch's defaults (null) are written as 1 and 0.
        const int stages = setup.spec.variant == Variant::BatchChannelNorm ? 2 : 1;
        for (int stage = 0; stage < stages; ++stage) {
            const std::optional<Shape> shape = parameterShape(setup.spec, in, stage);
            if (!shape) return QObject::tr("the configuration is invalid");
            const QString prefix = stage ? "channel_" : "";
            const Tensor& w = stage ? in.channelWeight : in.weight;
            const Tensor& b = stage ? in.channelBias : in.bias;
            files.emplace_back(prefix + "weight.npy",
                               w.isNull() ? Tensor::filled(*shape, setup.recipe.dtype, 1.0) : w);
            files.emplace_back(prefix + "bias.npy",
                               b.isNull() ? Tensor::filled(*shape, setup.recipe.dtype, 0.0) : b);
        }
    }
    // Nothing is written unless every file can be: a name NormLab would write that exists in
    // a folder NormLab did not save code into is the user's.
    const bool ours = isSnippetFolder(dir);
    QStringList names{kSnippetFileName};
    for (const auto& file : files) names << file.first;
    for (const QString& name : names)
        if (const QString refusal = formats::replaceRefusal(
                dir.filePath(name), [ours](const QString&) { return ours; });
            !refusal.isEmpty())
            return refusal;
    for (const auto& [name, tensor] : files) {
        const std::string error = writeNpy(dir.filePath(name).toStdString(), tensor);
        if (!error.empty()) return QString::fromStdString(error);
    }
    QSaveFile script(dir.filePath(kSnippetFileName));
    if (!script.open(QIODevice::WriteOnly | QIODevice::Text))
        return QObject::tr("cannot write %1").arg(script.fileName());
    script.write(QByteArray::fromStdString(pytorchSnippet(setup)));
    if (!script.commit()) return QObject::tr("cannot write %1").arg(script.fileName());
    return {};
}

} // namespace normlab::ui
