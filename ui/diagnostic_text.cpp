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

QStringList diagnosticLines(const Diagnostic& d) {
    const QString raw = QStringLiteral("%1: %2").arg(QString::fromStdString(d.code),
                                                     QString::fromStdString(d.message));
    const QString explanation = explainDiagnosticCode(d.code);
    if (activeLanguage() == "en" || explanation.isEmpty()) return {raw};
    return {explanation, raw};
}

} // namespace normlab::ui
