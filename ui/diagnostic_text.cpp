#include "diagnostic_text.h"

#include "language.h"

#include <QCoreApplication>

#include <string_view>

namespace normlab::ui {

namespace {

struct Explanation {
    std::string_view code;
    const char* text; // the English source; translated in its context at lookup
};

// The compute core's diagnostic codes (normlab/diagnostics.h).
constexpr Explanation kDiagnostics[] = {
    {"num_features_mismatch",
     QT_TRANSLATE_NOOP("Diagnostics",
                       "num_features differs from the input's channels; nothing reads it because "
                       "the module has no affine parameters or running statistics.")},
    {"empty_slice",
     QT_TRANSLATE_NOOP("Diagnostics", "Some slices have no valid element: their mean and variance "
                                      "are NaN and their outputs 0.")},
    {"degenerate_slice",
     QT_TRANSLATE_NOOP("Diagnostics", "Some slices have exactly one valid element: x − mean = 0 "
                                      "there, so the output is the bias and the variance 0.")},
    {"non_finite_input",
     QT_TRANSLATE_NOOP(
         "Diagnostics",
         "Some slices hold NaN or infinite values: their statistics and outputs are not finite.")},
    {"float32_overflow",
     QT_TRANSLATE_NOOP(
         "Diagnostics",
         "Some slices spread so widely that (x - mean)^2 overflows float32: "
         "PyTorch's float32 result is wrong there (NaN or 0). Use float64 or rescale.")},
    {"running_stats_skipped",
     QT_TRANSLATE_NOOP(
         "Diagnostics",
         "Slices with too few valid elements were left out of the running-statistics update.")},
};

// The debugger's finding codes (normlab/diagnose.h).
constexpr Explanation kFindings[] = {
    {"num_features_mismatch",
     QT_TRANSLATE_NOOP("Findings", "The module's num_features (or num_channels) differs from the "
                                   "number of channels of its input.")},
    {"batch_norm_channels_last",
     QT_TRANSLATE_NOOP(
         "Findings",
         "BatchNorm1d receives [N, L, C] (channels last): it normalises over the wrong axis.")},
    {"normalized_shape_mismatch",
     QT_TRANSLATE_NOOP("Findings",
                       "normalized_shape does not match the trailing dimensions of the input.")},
    {"layer_norm_trailing_axis",
     QT_TRANSLATE_NOOP("Findings", "LayerNorm(C) on a feature map normalises along its last axis "
                                   "(the width) only, not over the channels.")},
    {"group_norm_divisibility",
     QT_TRANSLATE_NOOP("Findings", "The number of channels is not divisible by num_groups.")},
    {"group_norm_one_group",
     QT_TRANSLATE_NOOP("Findings",
                       "GroupNorm(1, C) and LayerNorm over (C, H, W) always normalise identically; "
                       "only their affine parameters differ (per channel against per element).")},
    {"batch_of_one",
     QT_TRANSLATE_NOOP("Findings",
                       "A batch of one: BatchNorm takes its statistics from a single sample.")},
    {"single_spatial_element",
     QT_TRANSLATE_NOOP("Findings",
                       "InstanceNorm over a single spatial element (e.g. after global pooling): "
                       "PyTorch raises ValueError, in training and in eval without running "
                       "statistics (computed anyway, every output would be β).")},
    {"instance_norm_unbatched",
     QT_TRANSLATE_NOOP("Findings",
                       "InstanceNorm1d reads a 2D input [N, F] as one unbatched sample [C, L].")},
    {"eval_uses_batch_stats",
     QT_TRANSLATE_NOOP(
         "Findings",
         "Without running statistics, BatchNorm uses the batch's statistics even in eval mode.")},
    {"conv_bias_before_norm",
     QT_TRANSLATE_NOOP(
         "Findings",
         "The convolution's bias is cancelled by the normalization after it: wasted parameters.")},
    {"eps_not_positive",
     QT_TRANSLATE_NOOP("Findings",
                       "eps = 0: PyTorch accepts it, but a slice of variance 0 is then divided by "
                       "zero. This is NormLab's advice, not a PyTorch rule.")},
    {"wrong_rank",
     QT_TRANSLATE_NOOP("Findings", "The module receives an input of a rank it does not accept.")},
    {"rms_norm_unavailable",
     QT_TRANSLATE_NOOP("Findings",
                       "nn.RMSNorm does not exist in this PyTorch version (it was added in 2.4).")},
    {"in_channels_mismatch",
     QT_TRANSLATE_NOOP(
         "Findings",
         "The convolution's in_channels differs from the number of channels of its input.")},
    {"in_features_mismatch",
     QT_TRANSLATE_NOOP(
         "Findings",
         "The Linear layer's in_features differs from the size of its input's last dimension.")},
    {"invalid_output_size",
     QT_TRANSLATE_NOOP("Findings", "The layer's output would have a size below 1.")},
    {"invalid_argument",
     QT_TRANSLATE_NOOP("Findings", "PyTorch rejects one of the module's arguments (a stride, "
                                   "kernel, padding or factor) when the layer runs.")},
    {"size_overflow",
     QT_TRANSLATE_NOOP("Findings",
                       "A size computed from the module's arguments does not fit in 64 bits.")},
    {"pytorch_error",
     QT_TRANSLATE_NOOP("Findings", "PyTorch raised this error here in the traced forward pass.")},
    {"unknown_data_flow",
     QT_TRANSLATE_NOOP("Findings", "The block's forward() could not be read from its declared "
                                   "sizes: its shapes are unknown, not guessed.")},
    {"unknown_module",
     QT_TRANSLATE_NOOP(
         "Findings",
         "NormLab does not know this module's shape rule: the shapes after it are unknown.")},
    {"unreadable_arguments",
     QT_TRANSLATE_NOOP("Findings", "The module's arguments could not be read.")},
    {"checkpoint_affine_mismatch",
     QT_TRANSLATE_NOOP("Findings", "The checkpoint and the model disagree on the layer's affine "
                                   "parameters (weight and bias).")},
    {"checkpoint_running_stats_mismatch",
     QT_TRANSLATE_NOOP("Findings", "The checkpoint and the model disagree on whether the layer "
                                   "keeps running statistics.")},
    {"checkpoint_num_batches_tracked",
     QT_TRANSLATE_NOOP("Findings", "The checkpoint lacks the layer's num_batches_tracked.")},
    {"checkpoint_size_mismatch",
     QT_TRANSLATE_NOOP("Findings", "The checkpoint's tensors have another size than the "
                                   "model's: it was trained with another width.")},
    {"checkpoint_key_prefix",
     QT_TRANSLATE_NOOP("Findings", "The checkpoint's keys carry a prefix the model's do not "
                                   "(or the reverse), as a wrapped model saves them.")},
    {"checkpoint_missing_keys",
     QT_TRANSLATE_NOOP("Findings", "Tensors of the model are missing from the checkpoint.")},
    {"checkpoint_unexpected_keys",
     QT_TRANSLATE_NOOP("Findings", "The checkpoint holds tensors the model has no place for.")},
};

template <std::size_t N>
QString explain(const Explanation (&table)[N], const char* context, const std::string& code) {
    for (const Explanation& e : table)
        if (e.code == code) return QCoreApplication::translate(context, e.text);
    return {};
}

} // namespace

QString explainDiagnosticCode(const std::string& code) {
    return explain(kDiagnostics, "Diagnostics", code);
}

QString explainFindingCode(const std::string& code) {
    return explain(kFindings, "Findings", code);
}

QStringList diagnosticLines(const Diagnostic& d) {
    const QString raw = QStringLiteral("%1: %2").arg(QString::fromStdString(d.code),
                                                     QString::fromStdString(d.message));
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
