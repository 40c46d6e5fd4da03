#include "diagnostic_text.h"

#include "language.h"

#include <QCoreApplication>

#include <string_view>

namespace normlab::ui {

namespace {

struct Explanation {
    FindingCode code;
    const char* text; // the English source; translated in its context at lookup
};

// The compute core's diagnostic codes (normlab/diagnostics.h).
constexpr Explanation kDiagnostics[] = {
    {FindingCode::NumFeaturesMismatch,
     QT_TRANSLATE_NOOP("Diagnostics",
                       "num_features differs from the input's channels; nothing reads it because "
                       "the module has no affine parameters or running statistics.")},
    {FindingCode::EmptySlice,
     QT_TRANSLATE_NOOP("Diagnostics", "Some slices have no valid element: their mean and variance "
                                      "are NaN and their outputs 0.")},
    {FindingCode::DegenerateSlice,
     QT_TRANSLATE_NOOP("Diagnostics", "Some slices have exactly one valid element: x − mean = 0 "
                                      "there, so the output is the bias and the variance 0.")},
    {FindingCode::NonFiniteInput,
     QT_TRANSLATE_NOOP(
         "Diagnostics",
         "Some slices hold NaN or infinite values: their statistics and outputs are not finite.")},
    {FindingCode::Float32Overflow,
     QT_TRANSLATE_NOOP(
         "Diagnostics",
         "Some slices spread so widely that (x - mean)^2 overflows float32: "
         "PyTorch's float32 result is wrong there (NaN or 0). Use float64 or rescale.")},
    {FindingCode::RunningStatsSkipped,
     QT_TRANSLATE_NOOP(
         "Diagnostics",
         "Slices with too few valid elements were left out of the running-statistics update.")},
};

// The debugger's finding codes (normlab/diagnose.h).
constexpr Explanation kFindings[] = {
    {FindingCode::NumFeaturesMismatch,
     QT_TRANSLATE_NOOP("Findings", "The module's num_features (or num_channels) differs from the "
                                   "number of channels of its input.")},
    {FindingCode::BatchNormChannelsLast,
     QT_TRANSLATE_NOOP(
         "Findings",
         "BatchNorm1d receives [N, L, C] (channels last): it normalises over the wrong axis.")},
    {FindingCode::NormalizedShapeMismatch,
     QT_TRANSLATE_NOOP("Findings",
                       "normalized_shape does not match the trailing dimensions of the input.")},
    {FindingCode::LayerNormTrailingAxis,
     QT_TRANSLATE_NOOP("Findings", "LayerNorm(C) on a feature map normalises along its last axis "
                                   "(the width) only, not over the channels.")},
    {FindingCode::GroupNormDivisibility,
     QT_TRANSLATE_NOOP("Findings", "The number of channels is not divisible by num_groups.")},
    {FindingCode::GroupNormOneGroup,
     QT_TRANSLATE_NOOP("Findings",
                       "GroupNorm(1, C) and LayerNorm over (C, H, W) always normalise identically; "
                       "only their affine parameters differ (per channel against per element).")},
    {FindingCode::BatchOfOne,
     QT_TRANSLATE_NOOP("Findings",
                       "A batch of one: BatchNorm takes its statistics from a single sample.")},
    {FindingCode::SingleSpatialElement,
     QT_TRANSLATE_NOOP("Findings",
                       "InstanceNorm over a single spatial element (e.g. after global pooling): "
                       "PyTorch raises ValueError, in training and in eval without running "
                       "statistics (computed anyway, every output would be β).")},
    {FindingCode::InstanceNormUnbatched,
     QT_TRANSLATE_NOOP("Findings",
                       "InstanceNorm1d reads a 2D input [N, F] as one unbatched sample [C, L].")},
    {FindingCode::EvalUsesBatchStats,
     QT_TRANSLATE_NOOP(
         "Findings",
         "Without running statistics, BatchNorm uses the batch's statistics even in eval mode.")},
    {FindingCode::ConvBiasBeforeNorm,
     QT_TRANSLATE_NOOP(
         "Findings",
         "The convolution's bias is cancelled by the normalization after it: wasted parameters.")},
    {FindingCode::EpsNotPositive,
     QT_TRANSLATE_NOOP("Findings",
                       "eps = 0: PyTorch accepts it, but a slice of variance 0 is then divided by "
                       "zero. This is NormLab's advice, not a PyTorch rule.")},
    {FindingCode::WrongRank,
     QT_TRANSLATE_NOOP("Findings", "The module receives an input of a rank it does not accept.")},
    {FindingCode::RmsNormUnavailable,
     QT_TRANSLATE_NOOP("Findings",
                       "nn.RMSNorm does not exist in this PyTorch version (it was added in 2.4).")},
    {FindingCode::InChannelsMismatch,
     QT_TRANSLATE_NOOP(
         "Findings",
         "The convolution's in_channels differs from the number of channels of its input.")},
    {FindingCode::InFeaturesMismatch,
     QT_TRANSLATE_NOOP(
         "Findings",
         "The Linear layer's in_features differs from the size of its input's last dimension.")},
    {FindingCode::InvalidOutputSize,
     QT_TRANSLATE_NOOP("Findings", "The layer's output would have a size below 1.")},
    {FindingCode::InvalidArgument,
     QT_TRANSLATE_NOOP("Findings", "PyTorch rejects one of the module's arguments (a stride, "
                                   "kernel, padding or factor) when the layer runs.")},
    {FindingCode::SizeOverflow,
     QT_TRANSLATE_NOOP("Findings",
                       "A size computed from the module's arguments does not fit in 64 bits.")},
    {FindingCode::PytorchError,
     QT_TRANSLATE_NOOP("Findings", "PyTorch raised this error here in the traced forward pass.")},
    {FindingCode::UnknownDataFlow,
     QT_TRANSLATE_NOOP("Findings", "The block's forward() could not be read from its declared "
                                   "sizes: its shapes are unknown, not guessed.")},
    {FindingCode::UnknownModule,
     QT_TRANSLATE_NOOP(
         "Findings",
         "NormLab does not know this module's shape rule: the shapes after it are unknown.")},
    {FindingCode::UnreadableArguments,
     QT_TRANSLATE_NOOP("Findings", "The module's arguments could not be read.")},
    {FindingCode::CheckpointAffineMismatch,
     QT_TRANSLATE_NOOP("Findings", "The checkpoint and the model disagree on the layer's affine "
                                   "parameters (weight and bias).")},
    {FindingCode::CheckpointRunningStatsMismatch,
     QT_TRANSLATE_NOOP("Findings", "The checkpoint and the model disagree on whether the layer "
                                   "keeps running statistics.")},
    {FindingCode::CheckpointNumBatchesTracked,
     QT_TRANSLATE_NOOP("Findings", "The checkpoint lacks the layer's num_batches_tracked.")},
    {FindingCode::CheckpointSizeMismatch,
     QT_TRANSLATE_NOOP("Findings", "The checkpoint's tensors have another size than the "
                                   "model's: it was trained with another width.")},
    {FindingCode::CheckpointKeyPrefix,
     QT_TRANSLATE_NOOP("Findings", "The checkpoint's keys carry a prefix the model's do not "
                                   "(or the reverse), as a wrapped model saves them.")},
    {FindingCode::CheckpointMissingKeys,
     QT_TRANSLATE_NOOP("Findings", "Tensors of the model are missing from the checkpoint.")},
    {FindingCode::CheckpointUnexpectedKeys,
     QT_TRANSLATE_NOOP("Findings", "The checkpoint holds tensors the model has no place for.")},
};

template <std::size_t N>
QString explain(const Explanation (&table)[N], const char* context, FindingCode code) {
    for (const Explanation& e : table)
        if (e.code == code) return QCoreApplication::translate(context, e.text);
    return {};
}

} // namespace

QString findingCodeText(FindingCode code) {
    const std::string_view name = findingCodeName(code);
    return QString::fromUtf8(name.data(), qsizetype(name.size()));
}

QString explainDiagnosticCode(FindingCode code) {
    return explain(kDiagnostics, "Diagnostics", code);
}

QString explainFindingCode(FindingCode code) {
    return explain(kFindings, "Findings", code);
}

QStringList diagnosticLines(const Diagnostic& d) {
    const QString raw =
        QStringLiteral("%1: %2").arg(findingCodeText(d.code), QString::fromStdString(d.message));
    const QString explanation = explainDiagnosticCode(d.code);
    if (activeLanguage() == "en" || explanation.isEmpty()) return {raw};
    return {explanation, raw};
}

QColor severityColour(Severity s) {
    switch (s) {
    case Severity::Error:
        return QColor(250, 205, 205);
    case Severity::Warning:
        return QColor(252, 232, 190);
    case Severity::Info:
        break;
    }
    return QColor(214, 230, 250);
}

} // namespace normlab::ui
