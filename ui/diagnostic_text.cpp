#include "diagnostic_text.h"

#include "language.h"

#include <QCoreApplication>

namespace normlab::ui {

QString explainDiagnosticCode(const std::string& code) {
    if (code == "num_features_mismatch")
        return QCoreApplication::translate(
            "Diagnostics",
            "num_features differs from the input's channels; nothing reads it because the "
            "module has no affine parameters or running statistics.");
    if (code == "empty_slice")
        return QCoreApplication::translate(
            "Diagnostics",
            "Some slices have no valid element: their mean and variance are NaN and their "
            "outputs 0.");
    if (code == "degenerate_slice")
        return QCoreApplication::translate(
            "Diagnostics",
            "Some slices have exactly one valid element: x − mean = 0 there, so the output "
            "is the bias and the variance 0.");
    if (code == "non_finite_input")
        return QCoreApplication::translate(
            "Diagnostics",
            "Some slices hold NaN or infinite values: their statistics and outputs are not "
            "finite.");
    if (code == "running_stats_skipped")
        return QCoreApplication::translate(
            "Diagnostics",
            "Slices with too few valid elements were left out of the running-statistics "
            "update.");
    return {};
}

QString explainFindingCode(const std::string& code) {
    if (code == "num_features_mismatch")
        return QCoreApplication::translate("Findings",
                                           "The module's num_features (or num_channels) differs "
                                           "from the number of channels of its input.");
    if (code == "batch_norm_channels_last")
        return QCoreApplication::translate(
            "Findings",
            "BatchNorm1d receives [N, L, C] (channels last): it normalises over the wrong axis.");
    if (code == "normalized_shape_mismatch")
        return QCoreApplication::translate(
            "Findings", "normalized_shape does not match the trailing dimensions of the input.");
    if (code == "layer_norm_trailing_axis")
        return QCoreApplication::translate("Findings",
                                           "LayerNorm(C) on a feature map normalises along its "
                                           "last axis (the width) only, not over the channels.");
    if (code == "group_norm_divisibility")
        return QCoreApplication::translate(
            "Findings", "The number of channels is not divisible by num_groups.");
    if (code == "group_norm_one_group")
        return QCoreApplication::translate(
            "Findings",
            "GroupNorm(1, C) equals LayerNorm over (C, H, W) only without affine parameters.");
    if (code == "batch_of_one")
        return QCoreApplication::translate(
            "Findings", "A batch of one: BatchNorm takes its statistics from a single sample.");
    if (code == "single_spatial_element")
        return QCoreApplication::translate("Findings",
                                           "InstanceNorm over a single spatial element (e.g. after "
                                           "global pooling): every output is 0.");
    if (code == "instance_norm_unbatched")
        return QCoreApplication::translate(
            "Findings", "InstanceNorm1d reads a 2D input [N, F] as one unbatched sample [C, L].");
    if (code == "eval_uses_batch_stats")
        return QCoreApplication::translate(
            "Findings",
            "Without running statistics, BatchNorm uses the batch's statistics even in eval mode.");
    if (code == "conv_bias_before_norm")
        return QCoreApplication::translate("Findings",
                                           "The convolution's bias is cancelled by the "
                                           "normalization after it: wasted parameters.");
    if (code == "eps_not_positive")
        return QCoreApplication::translate(
            "Findings", "eps must be positive: a slice of variance 0 would be divided by zero.");
    if (code == "wrong_rank")
        return QCoreApplication::translate(
            "Findings", "The module receives an input of a rank it does not accept.");
    if (code == "rms_norm_unavailable")
        return QCoreApplication::translate(
            "Findings", "nn.RMSNorm does not exist in this PyTorch version (it was added in 2.4).");
    if (code == "in_channels_mismatch")
        return QCoreApplication::translate(
            "Findings",
            "The convolution's in_channels differs from the number of channels of its input.");
    if (code == "in_features_mismatch")
        return QCoreApplication::translate(
            "Findings",
            "The Linear layer's in_features differs from the size of its input's last dimension.");
    if (code == "invalid_output_size")
        return QCoreApplication::translate("Findings",
                                           "The layer's output would have a size below 1.");
    if (code == "unknown_module")
        return QCoreApplication::translate(
            "Findings",
            "NormLab does not know this module's shape rule: the shapes after it are unknown.");
    if (code == "unreadable_arguments")
        return QCoreApplication::translate("Findings", "The module's arguments could not be read.");
    return {};
}

QStringList diagnosticLines(const Diagnostic& d) {
    const QString raw = QStringLiteral("%1: %2").arg(QString::fromStdString(d.code),
                                                     QString::fromStdString(d.message));
    const QString explanation = explainDiagnosticCode(d.code);
    if (activeLanguage() == "en" || explanation.isEmpty()) return {raw};
    return {explanation, raw};
}

} // namespace normlab::ui
